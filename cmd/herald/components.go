package main

import (
	"context"
	"net/http"
	"sync"
)

// A component is one part of a running herald as its builder returns it:
// the engine, an adapter, a timer. Main looks at run time at what each
// can do, as net/http looks for a Flusher:
//
//   - runner: it works in the background until its context ends, and
//     Run returns only once everything it started has stopped;
//   - router: it serves requests on herald's HTTP server.
//
// Main mounts every router before the server opens, runs every runner
// under one context, and on Close cancels that context and waits for all
// of them before the store closes.
type component struct {
	name string
	part any
}

type runner interface {
	Run(ctx context.Context) error
}

type router interface {
	Routes(mux routeMux)
}

// routeMux is where a router mounts its handlers (herald's HTTP server).
type routeMux = interface {
	Handle(pattern string, h http.Handler)
}

// runFunc makes a function a runner.
type runFunc func(ctx context.Context) error

func (f runFunc) Run(ctx context.Context) error { return f(ctx) }

// routes makes a set of handlers a router.
type routes map[string]http.Handler

func (r routes) Routes(mux routeMux) {
	for pattern, h := range r {
		mux.Handle(pattern, h)
	}
}

// group runs components' Run methods and waits for them. A component
// that stops with an error is reported (by report) and the others go on:
// one platform failing does not stop herald.
type group struct {
	wg     sync.WaitGroup
	mu     sync.Mutex
	errs   []error
	report func(name string, err error)
}

// Go runs c's Run in its own goroutine if c is a runner.
func (g *group) Go(ctx context.Context, c component) {
	r, ok := c.part.(runner)
	if !ok {
		return
	}
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		if err := r.Run(ctx); err != nil && ctx.Err() == nil {
			g.mu.Lock()
			g.errs = append(g.errs, err)
			g.mu.Unlock()
			if g.report != nil {
				g.report(c.name, err)
			}
		}
	}()
}

// Wait waits for every Run to return.
func (g *group) Wait() {
	g.wg.Wait()
}
