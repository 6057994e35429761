package teams

import (
	"context"
	"sync"
	"time"
)

// window is one of Teams' limits: at most n requests in any d.
type window struct {
	d time.Duration
	n int
}

// appWindows is Teams' limit per app and tenant: 50 requests a second.
var appWindows = []window{{time.Second, 50}}

// conversationWindows are Teams' limits on one conversation (a channel's
// threads count with the channel).
var conversationWindows = []window{{time.Second, 7}, {2 * time.Second, 8}, {30 * time.Second, 60}, {time.Hour, 1800}}

// gate keeps requests within sliding windows as the server counts them,
// whatever the delays between herald and the server. The server counts a
// request at some moment between herald sending it and herald reading
// the answer; so a request may go, for each window of n in d, once every
// request n or more places before it has been answered, d ago. Then no d
// of the server's clock sees more than n, however late some requests
// arrived (the pacing of herald's budget, before the gate, only keeps
// them evenly spaced).
//
// The gate works in real time: it is about the wire. It is safe for
// concurrent use.
type gate struct {
	windows []window
	maxN    int

	mu   sync.Mutex
	next int64 // the place the next request takes
	// through is the last place up to which every request was answered,
	// and at[p%len(at)] for p ≤ through the latest answer up to p.
	through int64
	done    []bool
	at      []time.Time
	changed chan struct{} // closed and replaced when through moves
}

func newGate(ws []window, scale float64) *gate {
	if scale <= 0 {
		scale = 1
	}
	g := &gate{through: -1, changed: make(chan struct{})}
	for _, w := range ws {
		g.windows = append(g.windows, window{time.Duration(float64(w.d) / scale), w.n})
		g.maxN = max(g.maxN, w.n)
	}
	return g
}

// enter waits until one more request may go and returns the function to
// call once its answer came (or it failed): it must be called. When ctx
// ends first, enter returns its error; the place taken counts as a
// request answered then.
func (g *gate) enter(ctx context.Context) (answered func(), err error) {
	g.mu.Lock()
	p := g.next
	g.next++
	g.grow()
	g.mu.Unlock()
	answered = func() { g.answer(p, time.Now()) }
	for _, w := range g.windows {
		before := p - int64(w.n)
		if before < 0 {
			continue
		}
		at, err := g.answeredAt(ctx, before)
		if err != nil {
			answered()
			return nil, err
		}
		if wait := time.Until(at.Add(w.d)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				answered()
				return nil, ctx.Err()
			}
		}
	}
	return answered, nil
}

// grow makes room for the places in use: the requests not yet answered
// and the maxN before them (fewer while the gate is young, so that a
// gate of a few requests stays small). g.mu is held.
func (g *gate) grow() {
	need := int(g.next-g.through) + int(min(int64(g.maxN), g.next)) + 1
	if need <= len(g.done) {
		return
	}
	size := max(2*len(g.done), need, 8)
	done, at := make([]bool, size), make([]time.Time, size)
	for p := max(0, g.through-int64(g.maxN)); p < g.next-1; p++ {
		done[p%int64(size)], at[p%int64(size)] = g.done[p%int64(len(g.done))], g.at[p%int64(len(g.at))]
	}
	g.done, g.at = done, at
}

// answeredAt waits until every request up to place p was answered and
// returns the latest of those answers.
func (g *gate) answeredAt(ctx context.Context, p int64) (time.Time, error) {
	for {
		g.mu.Lock()
		if g.through >= p {
			at := g.at[p%int64(len(g.at))]
			g.mu.Unlock()
			return at, nil
		}
		changed := g.changed
		g.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		}
	}
}

// answer records that the request at place p was answered at at.
func (g *gate) answer(p int64, at time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := int64(len(g.done))
	g.done[p%n], g.at[p%n] = true, at
	moved := false
	for g.through+1 < g.next && g.done[(g.through+1)%n] {
		q := (g.through + 1) % n
		if g.through >= 0 {
			if prev := g.at[g.through%n]; prev.After(g.at[q]) {
				g.at[q] = prev // the latest answer up to q
			}
		}
		g.done[q] = false // free for the place len(done) later
		g.through++
		moved = true
	}
	if moved {
		close(g.changed)
		g.changed = make(chan struct{})
	}
}

// idle reports whether every request was answered more than d ago (the
// gate may be forgotten when d is its longest window).
func (g *gate) idle(d time.Duration) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.through+1 < g.next {
		return false
	}
	return g.through < 0 || time.Since(g.at[g.through%int64(len(g.at))]) > d
}
