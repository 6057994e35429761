package web

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// hub keeps the open websockets by channel key (a participant's respondent
// id, or "console") and pushes events to them.
type hub struct {
	mu    sync.Mutex
	conns map[string]map[*conn]bool
}

// conn is one open websocket; writes go through its queue so that a slow
// browser never blocks herald.
type conn struct {
	ws    *websocket.Conn
	queue chan []byte
}

func (h *hub) add(key string, c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.conns == nil {
		h.conns = map[string]map[*conn]bool{}
	}
	if h.conns[key] == nil {
		h.conns[key] = map[*conn]bool{}
	}
	h.conns[key][c] = true
}

func (h *hub) remove(key string, c *conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.conns[key], c)
	if len(h.conns[key]) == 0 {
		delete(h.conns, key)
	}
}

// online reports whether key has an open page.
func (h *hub) online(key string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.conns[key]) > 0
}

// push sends v as JSON to every page of key; a page whose queue is full
// is dropped (it reloads its history when it reconnects).
func (h *hub) push(key string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.conns[key] {
		select {
		case c.queue <- b:
		default:
			c.ws.CloseNow() // too slow: it reloads its history on reconnect
		}
	}
}

// writer sends c's queue until ctx ends.
func (c *conn) writer(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-c.queue:
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			err := c.ws.Write(wctx, websocket.MessageText, b)
			cancel()
			if err != nil {
				return
			}
		}
	}
}

// send queues v for c alone.
func (c *conn) send(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	select {
	case c.queue <- b:
	default:
	}
}

// pingEvery is how often an open page is pinged: one that does not answer
// (a laptop closed, a network gone) is let go.
const pingEvery = 30 * time.Second

// keepAlive pings ws until ctx ends, and closes it when a ping goes
// unanswered, so that its handler returns and its file handle is freed.
func (a *Adapter) keepAlive(ctx context.Context, ws *websocket.Conn) {
	every := a.cfg.PingEvery
	if every <= 0 {
		every = pingEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, every)
			err := ws.Ping(pctx)
			cancel()
			if err != nil {
				ws.CloseNow()
				return
			}
		}
	}
}

// socketOpened counts ws among the open sockets, closed by Run when herald
// stops (the HTTP server does not close what it handed over); the
// returned function counts it out.
func (a *Adapter) socketOpened(ws *websocket.Conn) func() {
	a.socketsMu.Lock()
	if a.sockets == nil {
		a.sockets = map[*websocket.Conn]bool{}
	}
	a.sockets[ws] = true
	a.socketsWG.Add(1)
	a.socketsMu.Unlock()
	return func() {
		a.socketsMu.Lock()
		delete(a.sockets, ws)
		a.socketsMu.Unlock()
		a.socketsWG.Done()
	}
}

// Run serves until ctx ends, then closes every open page's socket and
// waits for their handlers, so that none outlives herald's store, and
// deletes the downloads it kept.
func (a *Adapter) Run(ctx context.Context) error {
	<-ctx.Done()
	a.socketsMu.Lock()
	for ws := range a.sockets {
		ws.CloseNow()
	}
	a.socketsMu.Unlock()
	a.socketsWG.Wait()
	a.downloads.Close()
	return nil
}

// OpenSockets returns how many pages are connected (for status and tests).
func (a *Adapter) OpenSockets() int {
	a.socketsMu.Lock()
	defer a.socketsMu.Unlock()
	return len(a.sockets)
}
