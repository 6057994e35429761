// Command soak runs the real herald as a child process and has web-chat
// visitors come and go for minutes, at the configured web limits, then
// compares herald's open file handles and memory before and after.
//
//	go run ./bench/soak -minutes 5
//	go run ./bench/soak -minutes 0.5 -visitors 20
//
// It builds herald, starts it with only the web chat (its limits set by
// the flags, all traffic coming from 127.0.0.1, one address), and runs
// -visitors loops at once. Each loop is one new visitor after another: a
// fresh cookie jar gets /chat, opens the page's websocket, sends 1 to 3
// messages and waits for each one's acknowledgement, one time in
// -upload-every sends a file (64 to 256 KB) from the page, then drops the
// connection without a close handshake; one time in 3 it holds the socket
// open instead (reading it, as a page does) and drops the oldest it holds
// past -hold.
//
// Herald's open file handles (/proc/PID/fd) and resident memory (VmRSS,
// and its anonymous and file-mapped parts: the latter is mostly the
// database's mmap, which grows with the database) are sampled every
// second. The start and end figures are taken in the same state, after
// traffic: -warmup of it at the start, so that herald is at its steady
// state, and the whole run at the end; then every loop has dropped its
// sockets, the client's idle connections are closed, herald's web outbox
// has relayed all the visitors wrote to their threads (its drain is
// timed), -settle has passed, and with -gc herald has collected its
// garbage once since (with no traffic, so that heap_live_end is what it
// keeps). Goal: fds_growth and rss_growth (end
// over start) within 1.1, and no errors besides the limits' answers.
//
// It prints progress on stderr and one JSON line last on stdout: the
// limits used; iterations (visitors), messages_acked, uploads_ok; limited
// (429, and 503 when uploads_in_flight are being received) and errors
// (anything else: a failed request or dial, an acknowledgement missing
// after -ack-timeout), with their kinds; fds and RSS at start, end and
// their maximum during the run, the growths; herald's goroutines and Go
// heap (in use, from /metrics, and live after its last GC, from
// GODEBUG=gctrace=1 in its log); the outbox's most posts waiting, drain
// times and posts made; the database's size; and the warnings and errors
// in herald's log.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
)

// Limits are herald's web limits (web.limits in its config).
type Limits struct {
	VisitorsPerMinute int `json:"visitors_per_minute"`
	SocketsPerAddress int `json:"sockets_per_address"`
	Sockets           int `json:"sockets"`
	UploadsInFlight   int `json:"uploads_in_flight"`
	UploadsPerMinute  int `json:"uploads_per_minute"`
}

// Result is the JSON line printed last.
type Result struct {
	Minutes       float64        `json:"minutes"`
	WarmupSeconds float64        `json:"warmup_seconds"`
	Visitors      int            `json:"visitors"`
	Limits        Limits         `json:"limits"`
	Iterations    int64          `json:"iterations"`
	MessagesAcked int64          `json:"messages_acked"`
	UploadsOK     int64          `json:"uploads_ok"`
	SocketsHeld   int64          `json:"sockets_held"`
	Limited       int64          `json:"limited"`
	LimitedKinds  map[string]int `json:"limited_kinds"`
	Errors        int64          `json:"errors"`
	ErrorKinds    map[string]int `json:"error_kinds"`

	FdsStart int     `json:"fds_start"`
	FdsEnd   int     `json:"fds_end"`
	FdsMax   int     `json:"fds_max"`
	RSSStart float64 `json:"rss_start_mb"`
	RSSEnd   float64 `json:"rss_end_mb"`
	RSSMax   float64 `json:"rss_max_mb"`
	// The anonymous (heap, stacks) and file-mapped (the database's
	// mmap, the binary) parts of RSS.
	RSSAnonStart float64 `json:"rss_anon_start_mb"`
	RSSAnonEnd   float64 `json:"rss_anon_end_mb"`
	// The least anonymous memory sampled (every second) during -settle,
	// and its growth: what herald holds once the runtime has returned
	// the pages the last burst used.
	RSSAnonIdleStart float64 `json:"rss_anon_idle_start_mb"`
	RSSAnonIdleEnd   float64 `json:"rss_anon_idle_end_mb"`
	AnonIdleGrowth   float64 `json:"anon_idle_growth"`
	RSSFileStart     float64 `json:"rss_file_start_mb"`
	RSSFileEnd       float64 `json:"rss_file_end_mb"`
	FdsGrowth        float64 `json:"fds_growth"`
	RSSGrowth        float64 `json:"rss_growth"`

	GoroutinesStart int     `json:"goroutines_start"`
	GoroutinesEnd   int     `json:"goroutines_end"`
	HeapInuseStart  float64 `json:"heap_inuse_start_mb"`
	HeapInuseEnd    float64 `json:"heap_inuse_end_mb"`
	HeapLiveStart   float64 `json:"heap_live_start_mb"`
	HeapLiveEnd     float64 `json:"heap_live_end_mb"`
	// The web outbox (relays of what visitors wrote to their threads):
	// its most posts waiting during the run, the seconds it took to
	// drain after the warm-up and after the run, what it still held at
	// the end figures, and the posts it made.
	OutboxMax    int     `json:"outbox_max"`
	DrainStart   float64 `json:"outbox_drain_start_seconds"`
	DrainEnd     float64 `json:"outbox_drain_end_seconds"`
	OutboxEnd    int     `json:"outbox_end"`
	OutboxPosted int     `json:"outbox_posted"`
	DBStartMB    float64 `json:"db_start_mb"`
	DBEndMB      float64 `json:"db_end_mb"`
	LogWarnings  int     `json:"herald_log_warnings"`
	LogErrors    int     `json:"herald_log_errors"`
	ExitCode     int     `json:"herald_exit_code"`
}

type options struct {
	minutes      float64
	visitors     int
	warmup       time.Duration
	settle       time.Duration
	drainTimeout time.Duration
	waitGC       bool
	bin          string
	ackTimeout   time.Duration
	pause        time.Duration
	hold         int
	uploadEvery  int
	keep         bool
	limits       Limits
}

func main() {
	var o options
	flag.Float64Var(&o.minutes, "minutes", 5, "how long the visitors come and go, after the warm-up")
	flag.IntVar(&o.visitors, "visitors", 50, "visitor loops at once")
	flag.DurationVar(&o.warmup, "warmup", 10*time.Second, "traffic before the start figures")
	flag.DurationVar(&o.settle, "settle", 5*time.Second, "wait after traffic, once the outbox is empty, before taking figures")
	flag.DurationVar(&o.drainTimeout, "drain-timeout", 10*time.Minute, "how long to wait after traffic for herald's outbox to be empty")
	flag.BoolVar(&o.waitGC, "gc", false, "after the drain, wait for herald's next garbage collection (Go forces one within 2 minutes) before the figures")
	flag.StringVar(&o.bin, "bin", "", "a herald binary to run; empty: build ./cmd/herald")
	flag.DurationVar(&o.ackTimeout, "ack-timeout", 10*time.Second, "how long a message's acknowledgement may take")
	flag.DurationVar(&o.pause, "pause", 0, "each loop's pause between two visitors")
	flag.IntVar(&o.hold, "hold", 2, "sockets each loop may hold open across visitors")
	flag.IntVar(&o.uploadEvery, "upload-every", 5, "one visitor in this many sends a file")
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory (herald's log and database)")
	flag.IntVar(&o.limits.VisitorsPerMinute, "visitors-per-minute", 60000, "herald's web.limits.visitors_per_minute")
	flag.IntVar(&o.limits.SocketsPerAddress, "sockets-per-address", 1000, "herald's web.limits.sockets_per_address")
	flag.IntVar(&o.limits.Sockets, "sockets", 10000, "herald's web.limits.sockets")
	flag.IntVar(&o.limits.UploadsInFlight, "uploads-in-flight", 4, "herald's web.limits.uploads_in_flight")
	flag.IntVar(&o.limits.UploadsPerMinute, "uploads-per-minute", 60, "herald's web.limits.uploads_per_minute")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	out, err := run(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

func run(ctx context.Context, o options) (*Result, error) {
	dir, err := os.MkdirTemp("", "herald-soak-")
	if err != nil {
		return nil, err
	}
	if o.keep {
		logf("keeping %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	bin := o.bin
	if bin == "" {
		bin = filepath.Join(dir, "herald")
		logf("building herald")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/heraldchat/herald/cmd/herald")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return nil, fmt.Errorf("building herald: %w", err)
		}
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cfg := filepath.Join(dir, "herald.yaml")
	db := filepath.Join(dir, "herald.db")
	l := o.limits
	yml := fmt.Sprintf(`store:
  path: %s
http:
  listen: 127.0.0.1:%d
  shutdown_timeout: 5s
log:
  level: info
web:
  console_token: soak-console-token-0123456789
  limits:
    visitors_per_minute: %d
    sockets_per_address: %d
    sockets: %d
    uploads_in_flight: %d
    uploads_per_minute: %d
`, db, port, l.VisitorsPerMinute, l.SocketsPerAddress, l.Sockets, l.UploadsInFlight, l.UploadsPerMinute)
	if err := os.WriteFile(cfg, []byte(yml), 0o600); err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "herald.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logFile.Close()
	cmd := exec.Command(bin, "run", "--config", cfg)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1") // the live heap after each GC, in the log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	pid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stopped := false
	defer func() { // whatever happened, herald does not outlive the soak
		if !stopped {
			cmd.Process.Kill()
			<-exited
		}
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	if err := waitReady(ctx, base, exited); err != nil {
		return nil, fmt.Errorf("%w (log: %s)", err, tail(logPath))
	}
	logf("herald ready: pid %d on %s, limits %+v", pid, base, l)

	s := &soak{o: o, base: base, limited: map[string]int{}, errs: map[string]int{}}
	s.transport = &http.Transport{MaxIdleConns: 4 * o.visitors, MaxIdleConnsPerHost: 4 * o.visitors, IdleConnTimeout: time.Minute}
	res := &Result{Minutes: o.minutes, WarmupSeconds: o.warmup.Seconds(), Visitors: o.visitors, Limits: l}

	// Samples every second, for the maxima and the progress.
	var maxMu sync.Mutex
	sampleCtx, stopSampling := context.WithCancel(ctx)
	defer stopSampling()
	var sampling sync.WaitGroup
	sampling.Go(func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for n := 1; ; n++ {
			select {
			case <-sampleCtx.Done():
				return
			case <-t.C:
			}
			sm, err := take(pid)
			if err != nil {
				continue
			}
			var h herald
			if n%5 == 0 {
				h, _ = s.metrics(sampleCtx)
			}
			maxMu.Lock()
			res.FdsMax = max(res.FdsMax, sm.fds)
			res.RSSMax = max(res.RSSMax, sm.rss)
			res.OutboxMax = max(res.OutboxMax, h.outbox)
			maxMu.Unlock()
			if n%10 == 0 {
				logf("fds %d, rss %.1f MB (anon %.1f), heap %.1f MB, goroutines %d, outbox %d; visitors %d, acked %d, uploads %d, held %d, limited %d, errors %d",
					sm.fds, sm.rss, sm.anon, h.heapInuse, h.goroutines, h.outbox,
					s.iterations.Load(), s.acked.Load(), s.uploads.Load(), s.held.Load(), s.limitedN.Load(), s.errorsN.Load())
			}
		}
	})

	// Warm-up, then the start figures once traffic has stopped.
	logf("warm-up: %v of traffic", o.warmup)
	if err := s.traffic(ctx, o.warmup); err != nil {
		return nil, err
	}
	start, err := s.quiet(ctx, pid, db, logPath)
	if err != nil {
		return nil, err
	}
	start.log("start")
	maxMu.Lock()
	res.FdsMax, res.RSSMax, res.OutboxMax = start.fds, start.rss, 0 // the run's maxima, from here
	maxMu.Unlock()

	run := time.Duration(o.minutes * float64(time.Minute))
	logf("run: %v of traffic, %d visitor loops", run, o.visitors)
	if err := s.traffic(ctx, run); err != nil {
		return nil, err
	}
	end, err := s.quiet(ctx, pid, db, logPath)
	if err != nil {
		return nil, err
	}
	stopSampling()
	sampling.Wait()
	end.log("end")

	logf("stopping herald (SIGTERM)")
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-exited:
		stopped = true
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			res.ExitCode = ee.ExitCode()
		} else if err != nil {
			return nil, err
		}
	case <-time.After(30 * time.Second):
		return nil, fmt.Errorf("herald did not stop within 30s of SIGTERM (log: %s)", tail(logPath))
	}
	logFile.Sync()
	res.LogWarnings, res.LogErrors = countLog(logPath)

	res.Iterations, res.MessagesAcked, res.UploadsOK, res.SocketsHeld = s.iterations.Load(), s.acked.Load(), s.uploads.Load(), s.held.Load()
	res.Limited, res.Errors = s.limitedN.Load(), s.errorsN.Load()
	res.LimitedKinds, res.ErrorKinds = s.limited, s.errs
	res.FdsStart, res.FdsEnd = start.fds, end.fds
	res.FdsMax, res.RSSMax = max(res.FdsMax, end.fds), max(res.RSSMax, end.rss)
	res.RSSStart, res.RSSEnd = round(start.rss), round(end.rss)
	res.RSSMax = round(res.RSSMax)
	res.RSSAnonStart, res.RSSAnonEnd = round(start.anon), round(end.anon)
	res.RSSAnonIdleStart, res.RSSAnonIdleEnd = round(start.anonIdle), round(end.anonIdle)
	res.AnonIdleGrowth = round(end.anonIdle / start.anonIdle)
	res.RSSFileStart, res.RSSFileEnd = round(start.file), round(end.file)
	res.FdsGrowth = round(float64(end.fds) / float64(start.fds))
	res.RSSGrowth = round(end.rss / start.rss)
	res.GoroutinesStart, res.GoroutinesEnd = start.goroutines, end.goroutines
	res.HeapInuseStart, res.HeapInuseEnd = round(start.heapInuse), round(end.heapInuse)
	res.HeapLiveStart, res.HeapLiveEnd = start.heapLive, end.heapLive
	res.DrainStart, res.DrainEnd = round(start.drain.Seconds()), round(end.drain.Seconds())
	res.OutboxEnd, res.OutboxPosted = end.outbox, end.posted
	res.DBStartMB, res.DBEndMB = round(start.db), round(end.db)
	if res.Errors > 0 {
		logf("errors: %v", res.ErrorKinds)
	}
	if res.LogErrors > 0 || res.LogWarnings > 0 {
		logf("herald's log has %d warnings and %d errors (see %s with -keep)", res.LogWarnings, res.LogErrors, logPath)
	}
	return res, nil
}

func round(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func waitReady(ctx context.Context, base string, exited <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("herald exited before it was ready: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := http.Get(base + "/readyz")
		if err != nil {
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return nil
		}
	}
	return errors.New("herald was not ready within 30s")
}

// tail returns the end of the file at path, for an error message.
func tail(path string) string {
	b, _ := os.ReadFile(path)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// countLog counts the warnings and errors in herald's log (text format).
func countLog(path string) (warnings, errs int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		switch {
		case strings.Contains(sc.Text(), "level=WARN"):
			warnings++
		case strings.Contains(sc.Text(), "level=ERROR"):
			errs++
		}
	}
	return warnings, errs
}

// sample is herald's state at one moment.
type sample struct {
	fds             int
	rss, anon, file float64 // MB
	herald
	heapLive float64       // MB live after herald's last GC
	anonIdle float64       // MB, the least anonymous memory sampled during -settle
	drain    time.Duration // the outbox's drain after traffic
	db       float64       // MB
}

func (s sample) log(what string) {
	logf("%s (the outbox drained in %.1fs): fds %d, rss %.1f MB (anon %.1f, least while settling %.1f, file %.1f), heap %.1f MB in use, %.0f MB live at the last GC, goroutines %d, outbox %d, db %.1f MB",
		what, s.drain.Seconds(), s.fds, s.rss, s.anon, s.anonIdle, s.file, s.heapInuse, s.heapLive, s.goroutines, s.outbox, s.db)
}

// take reads herald's open file handles and memory from /proc.
func take(pid int) (sample, error) {
	var s sample
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return s, err
	}
	s.fds = len(fds)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		name, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) != 2 || f[1] != "kB" {
			continue
		}
		kb, _ := strconv.ParseFloat(f[0], 64)
		switch name {
		case "VmRSS":
			s.rss = kb / 1024
		case "RssAnon":
			s.anon = kb / 1024
		case "RssFile":
			s.file = kb / 1024
		}
	}
	return s, nil
}

// soak is the visitors' traffic and its counts.
type soak struct {
	o         options
	base      string
	transport *http.Transport

	iterations, acked, uploads, held atomic.Int64
	limitedN, errorsN                atomic.Int64
	mu                               sync.Mutex
	limited, errs                    map[string]int
}

func (s *soak) limit(kind string) {
	s.limitedN.Add(1)
	s.mu.Lock()
	s.limited[kind]++
	s.mu.Unlock()
}

func (s *soak) fail(kind string, err error) {
	s.errorsN.Add(1)
	s.mu.Lock()
	first := s.errs[kind] == 0
	s.errs[kind]++
	s.mu.Unlock()
	if first {
		logf("first error of its kind: %s: %v", kind, err)
	}
}

// traffic runs the visitor loops for d, then waits for them to drop
// every socket they hold.
func (s *soak) traffic(ctx context.Context, d time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var wg sync.WaitGroup
	for range s.o.visitors {
		wg.Go(func() { s.loop(ctx) })
	}
	wg.Wait()
	if err := context.Cause(ctx); !errors.Is(err, context.DeadlineExceeded) {
		return err // interrupted
	}
	return nil
}

// quiet closes the client's idle connections, waits for herald's web
// outbox to have relayed all the visitors wrote (up to -drain-timeout),
// waits -settle, and takes the figures.
func (s *soak) quiet(ctx context.Context, pid int, db, logPath string) (sample, error) {
	s.transport.CloseIdleConnections()
	began := time.Now()
	deadline := began.Add(s.o.drainTimeout)
	var prev herald
	for zero := 0; zero < 3; {
		select {
		case <-ctx.Done():
			return sample{}, ctx.Err()
		case <-time.After(time.Second):
		}
		h, err := s.metrics(ctx)
		if err != nil {
			return sample{}, err
		}
		if h.outbox == 0 && h.posted == prev.posted { // nothing loaded, nothing posted, for 3 s
			zero++
		} else {
			zero = 0
		}
		prev = h
		if time.Now().After(deadline) {
			logf("the outbox still holds %d posts after %v: taking the figures anyway", h.outbox, s.o.drainTimeout)
			break
		}
	}
	drained := time.Since(began) - 3*time.Second
	// The settle, sampled every second: with no traffic the runtime
	// returns the pages the last burst used a little at a time, so one
	// moment's anonymous memory depends on when it is read; the least of
	// the settle is what herald holds.
	anonIdle := 0.0
	for until := time.Now().Add(s.o.settle); time.Now().Before(until); {
		select {
		case <-ctx.Done():
			return sample{}, ctx.Err()
		case <-time.After(time.Second):
		}
		if sm, err := take(pid); err == nil && (anonIdle == 0 || sm.anon < anonIdle) {
			anonIdle = sm.anon
		}
	}
	if s.o.waitGC { // the next GC once idle, that heap_live is what herald keeps
		logf("waiting for herald's next garbage collection")
		h, err := s.metrics(ctx)
		if err != nil {
			return sample{}, err
		}
		for {
			select {
			case <-ctx.Done():
				return sample{}, ctx.Err()
			case <-time.After(2 * time.Second):
			}
			next, err := s.metrics(ctx)
			if err != nil {
				return sample{}, err
			}
			if next.gcs > h.gcs || time.Since(began) > s.o.drainTimeout+3*time.Minute {
				break
			}
		}
	}
	h, err := s.metrics(ctx)
	s.transport.CloseIdleConnections()
	if err != nil {
		return sample{}, err
	}
	time.Sleep(200 * time.Millisecond) // the /metrics connection, closed, leaves herald
	sm, err := take(pid)
	if err != nil {
		return sample{}, err
	}
	sm.herald, sm.drain, sm.heapLive = h, max(drained, 0), liveHeap(logPath)
	sm.anonIdle = anonIdle
	if sm.anonIdle == 0 || sm.anon < sm.anonIdle {
		sm.anonIdle = sm.anon
	}
	if fi, err := os.Stat(db); err == nil {
		sm.db = float64(fi.Size()) / (1 << 20)
	}
	return sm, nil
}

// herald is what herald's /metrics says.
type herald struct {
	goroutines int
	heapInuse  float64 // MB
	outbox     int     // posts waiting in the web outbox, loaded in memory
	posted     int     // posts the web outbox made
	gcs        int     // garbage collections so far
}

// metrics reads herald's /metrics.
func (s *soak) metrics(ctx context.Context) (herald, error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/metrics", nil)
	resp, err := (&http.Client{Transport: s.transport, Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		return herald{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	vals := map[string]float64{}
	for line := range strings.SplitSeq(string(b), "\n") {
		name, v, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			vals[name] = f
		}
	}
	g, ok1 := vals["go_goroutines"]
	h, ok2 := vals["go_memstats_heap_inuse_bytes"]
	if !ok1 || !ok2 {
		return herald{}, errors.New("no go_goroutines or go_memstats_heap_inuse_bytes in /metrics")
	}
	return herald{goroutines: int(g), heapInuse: h / (1 << 20), outbox: int(vals[`herald_outbox_depth{platform="web"}`]),
		posted: int(vals[`herald_outbox_posts_total{outcome="posted",platform="web"}`]), gcs: int(vals["go_gc_duration_seconds_count"])}, nil
}

var gcRE = regexp.MustCompile(`(?m)^gc \d+ @.*?(\d+)->(\d+)->(\d+) MB`)

// liveHeap returns the live heap (MB) after herald's last garbage
// collection, from the gctrace lines in its log.
func liveHeap(logPath string) float64 {
	b, _ := os.ReadFile(logPath)
	m := gcRE.FindAllSubmatch(b, -1)
	if len(m) == 0 {
		return 0
	}
	f, _ := strconv.ParseFloat(string(m[len(m)-1][3]), 64)
	return f
}

// page is a visitor's open chat page: its socket and the acknowledgements
// it reads.
type page struct {
	ws   *websocket.Conn
	acks chan string
	done chan struct{} // the reader returned
}

// drop closes the page's connection without a close handshake, as a
// closed laptop or a lost network does, and waits for its reader.
func (p *page) drop() {
	p.ws.CloseNow()
	<-p.done
}

// loop is one visitor after another until ctx ends; it drops the sockets
// it holds before returning.
func (s *soak) loop(ctx context.Context) {
	var held []*page
	defer func() {
		for _, p := range held {
			p.drop()
		}
	}()
	for ctx.Err() == nil {
		if p := s.visit(ctx); p != nil {
			if rand.IntN(3) == 0 && s.o.hold > 0 {
				s.held.Add(1)
				held = append(held, p)
				if len(held) > s.o.hold {
					held[0].drop()
					held = slices.Delete(held, 0, 1)
				}
			} else {
				p.drop()
			}
		}
		if s.o.pause > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(s.o.pause):
			}
		}
	}
}

var csrfRE = regexp.MustCompile(`data-csrf="([^"]+)"`)

// visit is one new visitor: the page, its socket, messages, perhaps a
// file. It returns the open page, or nil when the visit ended early.
func (s *soak) visit(ctx context.Context) *page {
	s.iterations.Add(1)
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: s.transport, Timeout: 30 * time.Second}
	req, _ := http.NewRequestWithContext(ctx, "GET", s.base+"/chat", nil)
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			s.fail("GET /chat", err)
		}
		return nil
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		s.limit("GET /chat 429")
		return nil
	case resp.StatusCode != http.StatusOK || err != nil:
		s.fail(fmt.Sprintf("GET /chat %d", resp.StatusCode), err)
		return nil
	}
	m := csrfRE.FindSubmatch(body)
	if m == nil {
		s.fail("GET /chat: no data-csrf", nil)
		return nil
	}
	csrf := string(m[1])
	u, _ := url.Parse(s.base)
	h := http.Header{}
	for _, c := range jar.Cookies(u) {
		h.Add("Cookie", c.Name+"="+c.Value)
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	ws, resp, err := websocket.Dial(dctx, "ws"+strings.TrimPrefix(s.base, "http")+"/chat/ws?csrf="+url.QueryEscape(csrf),
		&websocket.DialOptions{HTTPHeader: h})
	cancel()
	if err != nil {
		switch {
		case resp != nil && resp.StatusCode == http.StatusTooManyRequests:
			s.limit("GET /chat/ws 429")
		case ctx.Err() != nil:
		case resp != nil:
			s.fail(fmt.Sprintf("GET /chat/ws %d", resp.StatusCode), err)
		default:
			s.fail("GET /chat/ws", err)
		}
		return nil
	}
	p := &page{ws: ws, acks: make(chan string, 8), done: make(chan struct{})}
	go func() { // the page reads all it gets, as a browser does
		defer close(p.done)
		for {
			_, b, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			var ev struct{ Type, CID string }
			if json.Unmarshal(b, &ev) == nil && ev.Type == "ack" {
				select {
				case p.acks <- ev.CID:
				default:
				}
			}
		}
	}()
	for i := range 1 + rand.IntN(3) {
		cid := fmt.Sprintf("c%d-%d", s.iterations.Load(), i)
		b, _ := json.Marshal(map[string]string{"text": fmt.Sprintf("soak message %d of a visitor", i+1), "cid": cid})
		wctx, cancel := context.WithTimeout(ctx, s.o.ackTimeout)
		err := ws.Write(wctx, websocket.MessageText, b)
		if err == nil {
			select {
			case got := <-p.acks:
				if got != cid {
					err = fmt.Errorf("ack for %q, want %q", got, cid)
				}
			case <-p.done:
				err = errors.New("socket closed before the ack")
			case <-wctx.Done():
				err = wctx.Err()
			}
		}
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				s.fail("message not acknowledged", err)
			}
			p.drop()
			return nil
		}
		s.acked.Add(1)
	}
	if rand.IntN(s.o.uploadEvery) == 0 {
		s.upload(ctx, client, csrf)
	}
	return p
}

// upload sends a file of 64 to 256 KB from the page.
func (s *soak) upload(ctx context.Context, client *http.Client, csrf string) {
	data := make([]byte, 64<<10+rand.IntN(192<<10+1))
	for i := 0; i < len(data); i += 8 {
		v := rand.Uint64()
		for j := 0; j < 8 && i+j < len(data); j++ {
			data[i+j] = byte(v >> (8 * j))
		}
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("text", "a file from the soak")
	fw, _ := mw.CreateFormFile("file", "soak.bin")
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequestWithContext(ctx, "POST", s.base+"/chat/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			s.fail("POST /chat/upload", err)
		}
		return
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNoContent, http.StatusOK:
		s.uploads.Add(1)
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		s.limit(fmt.Sprintf("POST /chat/upload %d", resp.StatusCode))
	default:
		s.fail(fmt.Sprintf("POST /chat/upload %d", resp.StatusCode), nil)
	}
}
