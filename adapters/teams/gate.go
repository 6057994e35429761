package teams

import (
	"context"
	"sort"
	"sync"
	"time"
)

// window is one of Teams' limits: at most n requests in any d.
type window struct {
	d time.Duration
	n int
}

// backMargin is how much shorter than half the shortest round trip a way
// back may be (a loaded machine answers a request it counted late at
// once).
const backMargin = 10 * time.Millisecond

// appWindows is Teams' limit per app and tenant: 50 requests a second.
var appWindows = []window{{time.Second, 50}}

// conversationWindows are Teams' limits on one conversation (a channel's
// threads count with the channel).
var conversationWindows = []window{{time.Second, 7}, {2 * time.Second, 8}, {30 * time.Second, 60}, {time.Hour, 1800}}

// gate keeps requests within sliding windows as the server counts them,
// whatever the delays on the way there. The server counts a request at
// some moment after herald sends it and, since the way back (the
// server's work after counting, then the network) takes at least half
// the shortest round trip seen lately (rtt) less backMargin, that much
// before herald reads its answer at the latest. So a request may go at S
// when, for each window of n in d, fewer than n requests are in flight
// or were answered after S-d+(rtt/2-backMargin): any request the server
// could count within d of this one. Then no d of the server's clock sees
// more than n, however late some requests arrive. (On a round trip under
// twice backMargin, a request counts until a window after its answer.)
//
// The cost: at a steady round trip r, the gate lets n go per
// d+r/2+backMargin (at 50 a second, 98.5% of the limit up to r = 10 ms,
// 94% at 100 ms, 90% at 200 ms). herald's budget, before the gate, keeps requests evenly spaced
// at 98.5% of the limit; below that round trip the gate only holds them
// when delays bunch them.
//
// The gate works in real time: it is about the wire. It is safe for
// concurrent use.
type gate struct {
	windows []window
	longest time.Duration

	mu       sync.Mutex
	inFlight int
	// answers are the requests answered, each at its answer time less
	// half the shortest round trip then (when the server counted it at
	// the latest), within the longest window, in order.
	answers []time.Time
	rtts    [32]time.Duration // the last round trips, for their shortest
	nrtt    int
	changed chan struct{} // closed and replaced when a request is answered
	pending int           // callers about to enter (Adapter.gatesMu held)
	// urgent counts the interactive requests waiting: bulk ones (a
	// campaign's) wait behind them. waiting counts every request held.
	urgent, waiting int
}

func newGate(ws []window, scale float64) *gate {
	if scale <= 0 {
		scale = 1
	}
	g := &gate{changed: make(chan struct{})}
	for _, w := range ws {
		g.windows = append(g.windows, window{time.Duration(float64(w.d) / scale), w.n})
		g.longest = max(g.longest, time.Duration(float64(w.d)/scale))
	}
	return g
}

// enter waits until one more request may go and counts it in flight. It
// returns the function to call as soon as its answer came (or it
// failed), and the one to call instead if the request is not sent after
// all: one of them must be called, once. When ctx ends first, enter
// returns its error and counts nothing. A bulk request goes only when no
// interactive one is held.
func (g *gate) enter(ctx context.Context, bulk bool) (answered, unsent func(), err error) {
	held := false
	defer func() {
		if held {
			g.mu.Lock()
			g.unholdLocked(bulk)
			g.mu.Unlock()
		}
	}()
	for {
		g.mu.Lock()
		now := time.Now()
		wait, blocked := g.waitLocked(now)
		if bulk && g.urgent > 0 && !blocked {
			blocked, wait = true, 0 // until the interactive ones went
		}
		if !blocked {
			if held {
				g.unholdLocked(bulk)
				held = false
			}
			g.inFlight++
			g.mu.Unlock()
			var once sync.Once
			return func() { once.Do(func() { g.answer(now) }) }, func() { once.Do(g.unsent) }, nil
		}
		if !held {
			held = true
			g.waiting++
			if !bulk {
				g.urgent++
			}
		}
		changed := g.changed
		g.mu.Unlock()
		var timer <-chan time.Time
		var t *time.Timer
		if wait > 0 {
			t = time.NewTimer(wait)
			timer = t.C
		}
		select {
		case <-timer:
		case <-changed:
		case <-ctx.Done():
			err = ctx.Err()
		}
		if t != nil {
			t.Stop()
		}
		if err != nil {
			return nil, nil, err
		}
	}
}

// waitLocked reports whether a request at now would break a window and,
// if an answer leaving a window would then let it go, how long until
// then (0: only an answer to a request in flight can). g.mu is held.
func (g *gate) waitLocked(now time.Time) (wait time.Duration, blocked bool) {
	// Forget the answers older than the longest window.
	old := sort.Search(len(g.answers), func(i int) bool { return g.answers[i].After(now.Add(-g.longest)) })
	g.answers = g.answers[old:]
	for _, w := range g.windows {
		from := sort.Search(len(g.answers), func(i int) bool { return g.answers[i].After(now.Add(-w.d)) })
		recent := len(g.answers) - from
		over := g.inFlight + recent - w.n + 1 // how many must leave the window
		if over <= 0 {
			continue
		}
		blocked = true
		if over <= recent {
			// The over-th oldest recent answer leaves the window at its
			// time + d.
			if d := g.answers[from+over-1].Add(w.d).Sub(now); d > wait {
				wait = d
			}
		}
	}
	return wait, blocked
}

// answer counts the request in flight sent at sent as answered now.
func (g *gate) answer(sent time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	g.rtts[g.nrtt%len(g.rtts)] = now.Sub(sent)
	g.nrtt++
	shortest := g.rtts[0]
	for _, r := range g.rtts[1:min(g.nrtt, len(g.rtts))] {
		shortest = min(shortest, r)
	}
	at := now.Add(-max(0, shortest/2-backMargin))
	if n := len(g.answers); n > 0 && g.answers[n-1].After(at) {
		at = g.answers[n-1] // kept in order (a shorter trip was seen since)
	}
	g.inFlight--
	g.answers = append(g.answers, at)
	g.wake()
}

// unsent takes back a request counted in flight that was not sent.
func (g *gate) unsent() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.inFlight--
	g.wake()
}

// unholdLocked counts a held request out (it goes, or gives up); the bulk
// ones are told when the last interactive one leaves. g.mu is held.
func (g *gate) unholdLocked(bulk bool) {
	g.waiting--
	if !bulk {
		if g.urgent--; g.urgent == 0 {
			g.wake()
		}
	}
}

// wake tells the waiters something changed; g.mu is held.
func (g *gate) wake() {
	close(g.changed)
	g.changed = make(chan struct{})
}

// idle reports whether no request is in flight or about to enter and
// none was answered within the longest window: the gate may be forgotten.
// The caller holds Adapter.gatesMu (for pending).
func (g *gate) idle() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.pending == 0 && g.inFlight == 0 && (len(g.answers) == 0 || time.Since(g.answers[len(g.answers)-1]) > g.longest)
}
