package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/config"
	"github.com/heraldchat/herald/httpserver"
	"github.com/heraldchat/herald/store"
)

// builtPlatforms are the platform sections this version can run. A section
// enabled in the config but missing here is refused at start, rather than
// silently ignored.
var builtPlatforms = map[string]bool{"email": true, "telegram": true, "slack": true, "discord": true, "teams": true}

// platformProblems names the enabled platform sections this build cannot
// run.
func platformProblems(cfg *config.Config) config.Problems {
	var ps config.Problems
	for _, p := range cfg.Platforms() {
		if !builtPlatforms[p] {
			ps = append(ps, config.Problem{Path: p + ".enabled", Message: fmt.Sprintf("this version of herald has no %s adapter yet; set %s.enabled: false", p, p)})
		}
	}
	return ps
}

// loadConfig reads the config at path ("" for the defaults) and checks
// that this build can run it.
func (m *Main) loadConfig(path string) (*config.Config, error) {
	return config.LoadFile(path, m.Env, platformProblems)
}

// serve runs herald until ctx is done, then shuts down gracefully. It
// returns an error only when herald could not start or stop cleanly.
// listen, when set, is the HTTP address in place of http.listen.
func (m *Main) serve(ctx context.Context, path, listen string) error {
	if err := m.open(ctx, path, listen); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.log.Info("shutting down", "reason", context.Cause(ctx).Error())
	return m.Close()
}

// open starts herald: config, logs, store, the components the config asks
// for (see build.go), their routes on the HTTP server, the server, the
// control socket, and then every component's Run under one context
// derived from ctx. On error the caller closes what was opened.
func (m *Main) open(ctx context.Context, path, listen string) error {
	cfg, err := m.loadConfig(path)
	if err != nil {
		return err
	}
	if listen != "" {
		cfg.HTTP.Listen = listen
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cfg = cfg
	m.log = newLogger(m.Stderr, cfg.Log)
	// The address first: when it is taken, nothing is created or printed
	// (a console token "shown once" for a herald that then dies).
	ln, err := httpserver.Listen(cfg.HTTP.Listen)
	if err != nil {
		return err
	}
	served := false
	defer func() {
		if !served {
			ln.Close()
		}
	}()
	m.db, err = store.Open(cfg.Store.Path, store.Options{LockTimeout: cfg.Store.LockTimeout, Clock: m.Clock, AttributeSends: cfg.Threads.ChannelPer == "campaign"})
	if err != nil {
		return err
	}
	w := &wiring{ctx: ctx, cfg: cfg, log: m.log, out: m.Stderr, addr: ln.Addr().String(), clock: m.Clock, db: m.db}
	components, err := w.build()
	if err != nil {
		return err
	}
	m.mux, m.board, m.clients = w.mux, w.board, w.clients
	m.http = httpserver.New(m.log, newRegistry(w.engine, w.outbox))
	m.http.AddCheck("store", m.db.Ping)
	for _, c := range components {
		if r, ok := c.part.(router); ok {
			r.Routes(m.http)
		}
	}
	m.http.Serve(ln)
	served = true
	// Every component runs under runCtx: Close cancels it (as does the end
	// of ctx) and waits for all of them before the store closes.
	runCtx, cancel := context.WithCancel(ctx)
	m.stop = cancel
	m.group = &group{report: func(name string, err error) { m.log.Error("stopped", "part", name, "err", err) }}
	for _, c := range components {
		m.group.Go(runCtx, c)
	}
	ops := controlOps{clock: m.Clock, recipes: w.recipeService, checkURL: w.poster.CheckURL}
	if w.web != nil {
		ops.resetConsoleToken = w.resetConsoleToken
	}
	m.control, err = openControl(m.db, m.log, ops)
	if err != nil {
		// Backups of a running herald need the socket; the bot itself does
		// not, so say so and go on.
		m.log.Warn("control socket unavailable: 'herald backup' will not work while herald runs", "err", err)
	}
	m.http.SetReady(true)
	platforms := strings.Join(cfg.Platforms(), ",")
	if cfg.Web.Enabled {
		platforms = strings.TrimPrefix(platforms+",web", ",")
	}
	if platforms == "" {
		platforms = "none"
	}
	addr := m.http.Addr().String()
	m.log.Info("herald is running", "version", Version(), "http", "http://"+addr,
		"store", cfg.Store.Path, "locale", cfg.Locale, "platforms", platforms)
	if cfg.Web.Enabled {
		// At every start, not only the first: where to go next.
		fmt.Fprintf(m.Stderr, "\n  participants' chat:   http://%s/chat\n  moderators' console:  http://%s/console\n\n", addr, addr)
	}
	close(m.started)
	return nil
}

// ThreadOf returns the thread of a participant of a running herald, or
// the zero ThreadRef (for tests and tools).
func (m *Main) ThreadOf(participant bot.Address) bot.ThreadRef {
	m.mu.Lock()
	db := m.db
	m.mu.Unlock()
	if db == nil {
		return bot.ThreadRef{}
	}
	c, err := db.ConversationByParticipant(context.Background(), participant)
	if err != nil {
		return bot.ThreadRef{}
	}
	return c.Thread
}

// Commands returns the command language of a running herald, for the
// surfaces (and tests) that serve it.
func (m *Main) Commands() *commands.Mux {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mux
}

// Started is closed once Run's server is up and ready.
func (m *Main) Started() <-chan struct{} {
	m.defaults()
	return m.started
}

// HTTPAddr returns the address the HTTP server listens on, once started.
func (m *Main) HTTPAddr() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.http == nil || m.http.Addr() == nil {
		return ""
	}
	return m.http.Addr().String()
}

// Close shuts down in order: stop taking work (readiness off, HTTP
// listener closed after requests in progress finish), close the control
// socket, stop every component and wait for all of them (the engine's
// sends in progress finish and are recorded), then close the store, which
// waits for its last writes. It is safe to call more than once.
func (m *Main) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	var errs []error
	if m.http != nil {
		timeout := 10 * time.Second
		if m.cfg != nil {
			timeout = m.cfg.HTTP.ShutdownTimeout
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		errs = append(errs, m.http.Shutdown(ctx))
		cancel()
	}
	if m.control != nil {
		errs = append(errs, m.control.Close())
	}
	if m.stop != nil {
		// Every component stops: sends in progress finish and their
		// outcome is written, adapters let go of their connections.
		m.stop()
		m.group.Wait()
	}
	for _, c := range m.clients {
		c.CloseIdleConnections() // no component calls a platform any more
	}
	if m.Stopped != nil {
		m.Stopped()
	}
	if m.db != nil {
		errs = append(errs, m.db.Close())
	}
	err := errors.Join(errs...)
	if m.log != nil && m.db != nil {
		if err != nil {
			m.log.Error("herald stopped with errors", "err", err)
		} else {
			m.log.Info("herald stopped")
		}
	}
	return err
}
