package httpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/heraldchat/herald/bot"
)

// Check is a readiness check: nil when the dependency it probes can serve.
// It must return promptly; ctx carries a short deadline.
type Check func(ctx context.Context) error

// Server is the HTTP server. Create it with New, mount routes with Handle,
// then Open, and Shutdown when done. It is safe for concurrent use.
type Server struct {
	// BodyTimeout and UploadTimeout bound the time a request's body may
	// take to arrive (set before Open; New sets the defaults).
	BodyTimeout, UploadTimeout time.Duration

	log      *slog.Logger
	mux      *http.ServeMux
	srv      *http.Server
	ready    atomic.Bool
	mu       sync.Mutex
	checks   map[string]Check
	ln       net.Listener
	served   chan struct{}
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// New returns a server that registers its metrics in reg and logs to log.
// It mounts /healthz, /readyz and /metrics (serving reg).
func New(log *slog.Logger, reg *prometheus.Registry) *Server {
	s := &Server{
		BodyTimeout: DefaultBodyTimeout, UploadTimeout: DefaultUploadTimeout,
		log:    log,
		mux:    http.NewServeMux(),
		checks: map[string]Check{},
		served: make(chan struct{}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "herald_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route pattern.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route"}),
	}
	reg.MustRegister(s.requests, s.duration)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	s.mux.HandleFunc("GET /readyz", s.serveReady)
	s.mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	s.srv = &http.Server{
		Handler:           s.middleware(s.mux),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return s
}

// Handle mounts h on pattern (net/http ServeMux syntax, e.g.
// "POST /slack/events"). It panics, like ServeMux, on a conflicting pattern:
// that is a wiring bug found at start.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// AddCheck registers a named readiness check consulted by /readyz.
func (s *Server) AddCheck(name string, c Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checks[name] = c
}

// SetReady says whether herald takes work: /readyz answers 503 until it is
// set and again once shutdown begins.
func (s *Server) SetReady(ready bool) { s.ready.Store(ready) }

// Listen binds addr, for Serve; herald binds it before it creates or
// prints anything, so that a taken port stops it at once. It returns an
// EUNAVAILABLE error naming the address when it cannot.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "cannot listen on %s (%w): another program may use it; choose a free address with --listen (herald run --listen 127.0.0.1:8081), HERALD_LISTEN or http.listen", addr, err)
	}
	return ln, nil
}

// Open listens on addr and serves in the background (Listen, then Serve).
func (s *Server) Open(addr string) error {
	ln, err := Listen(addr)
	if err != nil {
		return err
	}
	s.Serve(ln)
	return nil
}

// Serve serves on ln in the background; Shutdown closes it.
func (s *Server) Serve(ln net.Listener) {
	s.ln = ln
	go func() {
		defer close(s.served)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
}

// Addr returns the address the server listens on, or nil before Open.
func (s *Server) Addr() net.Addr {
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}

// Shutdown stops taking requests, lets those in progress finish until ctx
// is done, and closes the listener. It is safe to call before Open.
func (s *Server) Shutdown(ctx context.Context) error {
	s.SetReady(false)
	if s.ln == nil {
		return nil
	}
	err := s.srv.Shutdown(ctx)
	if err != nil {
		s.srv.Close()
	}
	<-s.served
	return err
}

func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	var failed []string
	if !s.ready.Load() {
		failed = append(failed, "herald is starting or stopping")
	}
	s.mu.Lock()
	checks := make(map[string]Check, len(s.checks))
	for name, c := range s.checks {
		checks[name] = c
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	for name, c := range checks {
		if err := c(ctx); err != nil {
			failed = append(failed, name+": "+bot.ErrorMessage(err))
		}
	}
	if len(failed) > 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, strings.Join(failed, "\n"))
		return
	}
	fmt.Fprintln(w, "ok")
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.code == 0 {
		w.code = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer
// (flushing, websocket hijacking).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// DefaultBodyTimeout is how long a request's body may take to arrive,
// DefaultUploadTimeout the same for a file upload (multipart, up to
// 10 MB), unless the Server says otherwise.
const (
	DefaultBodyTimeout   = 10 * time.Second
	DefaultUploadTimeout = 2 * time.Minute
)

func (s *Server) bodyDeadline(r *http.Request) time.Duration {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return s.UploadTimeout
	}
	return s.BodyTimeout
}

// isUpgrade reports whether r asks for a websocket.
func isUpgrade(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

func (s *Server) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "SAMEORIGIN")
		// A body must arrive in good time: a client trickling a byte now
		// and then holds a connection and a goroutine for nothing, and
		// the webhooks read their body before they can check its
		// signature. Websockets keep their own pings instead.
		if !isUpgrade(r) {
			http.NewResponseController(w).SetReadDeadline(start.Add(s.bodyDeadline(r)))
		}
		defer func() {
			// The route, not the path, is logged and counted: paths carry
			// ids that work as credentials (download links, answer links).
			route := r.Pattern // set by the mux on this request
			if route == "" {
				route = "unmatched"
			}
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving HTTP request", "method", r.Method, "route", route, "panic", fmt.Sprint(v))
				if sw.code == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			code := sw.code
			if code == 0 {
				code = http.StatusOK
			}
			s.requests.WithLabelValues(route, strconv.Itoa(code)).Inc()
			s.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
			s.log.Debug("http", "method", r.Method, "route", route, "code", code, "duration", time.Since(start))
		}()
		next.ServeHTTP(sw, r)
	})
}
