// Package expiring keeps values for a while: the button nonces already
// used, the platform events already handled, files offered for import,
// downloads kept for an hour. One small type instead of a map and a sweep
// in each place that needs it.
package expiring

import (
	"sync"
	"time"

	"github.com/heraldchat/herald/bot/clock"
)

// Map holds values by key until each one's time is up, and at most max of
// them (the oldest go first). Expired entries are never returned; they are
// swept in the order they were put as new ones arrive, so a map whose
// entries share one lifetime stays as small as what is live. It is safe
// for concurrent use; the zero value is not usable: use New.
type Map[K comparable, V any] struct {
	clock clock.Clock
	max   int

	mu    sync.Mutex
	m     map[K]entry[V]
	order []put[K] // the puts in order; one is stale once its key is put again or gone
	seq   uint64
}

// put is one Put of a key, in the map's order.
type put[K comparable] struct {
	k   K
	seq uint64
}

type entry[V any] struct {
	v     V
	until time.Time
	seq   uint64 // the put that made it
}

// New returns a Map on clock holding at most max entries (0: no bound).
func New[K comparable, V any](clock clock.Clock, max int) *Map[K, V] {
	return &Map[K, V]{clock: clock, max: max, m: map[K]entry[V]{}}
}

// Put keeps v under k for ttl, replacing what k held.
func (e *Map[K, V]) Put(k K, v V, ttl time.Duration) {
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sweep(now)
	// A key put again moves to the back of the order (its earlier place
	// goes stale): a key refreshed on every use never holds up the sweep
	// of those put after it.
	e.seq++
	e.order = append(e.order, put[K]{k, e.seq})
	e.m[k] = entry[V]{v: v, until: now.Add(ttl), seq: e.seq}
	for e.max > 0 && len(e.m) > e.max {
		e.dropOldest()
	}
}

// Add keeps k for ttl and reports true, unless k is held already: then it
// changes nothing and reports false (a set of things seen once).
func (e *Map[K, V]) Add(k K, ttl time.Duration) bool {
	now := e.clock.Now()
	e.mu.Lock()
	if en, ok := e.m[k]; ok && now.Before(en.until) {
		e.mu.Unlock()
		return false
	}
	e.mu.Unlock()
	var zero V
	e.Put(k, zero, ttl)
	return true
}

// Get returns what k holds, if its time is not up.
func (e *Map[K, V]) Get(k K) (V, bool) {
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	en, ok := e.m[k]
	if !ok || !now.Before(en.until) {
		var zero V
		return zero, false
	}
	return en.v, true
}

// Take returns what k holds and forgets it: a value taken once. found
// reports that k held something, live that its time was not up.
func (e *Map[K, V]) Take(k K) (v V, found, live bool) {
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	en, ok := e.m[k]
	if !ok {
		return v, false, false
	}
	delete(e.m, k)
	return en.v, true, now.Before(en.until)
}

// Delete forgets k.
func (e *Map[K, V]) Delete(k K) {
	e.mu.Lock()
	defer e.mu.Unlock()
	delete(e.m, k)
}

// Len returns how many entries are held, expired ones not yet swept
// included.
func (e *Map[K, V]) Len() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.m)
}

// current reports whether p is its key's latest put, still held.
func (e *Map[K, V]) current(p put[K]) bool {
	en, ok := e.m[p.k]
	return ok && en.seq == p.seq
}

// sweep drops expired entries and stale puts from the front of the
// order, and compacts the order when it holds many stale puts. e.mu is
// held.
func (e *Map[K, V]) sweep(now time.Time) {
	i := 0
	for ; i < len(e.order); i++ {
		p := e.order[i]
		if !e.current(p) {
			continue
		}
		if now.Before(e.m[p.k].until) {
			break
		}
		delete(e.m, p.k)
	}
	clear(e.order[:i])
	e.order = e.order[i:]
	if len(e.order) > 2*len(e.m)+64 {
		live := e.order[:0]
		for _, p := range e.order {
			if e.current(p) {
				live = append(live, p)
			}
		}
		clear(e.order[len(live):])
		e.order = live
	}
}

// dropOldest forgets the entry put longest ago. e.mu is held.
func (e *Map[K, V]) dropOldest() {
	for len(e.order) > 0 {
		p := e.order[0]
		e.order = e.order[1:]
		if e.current(p) {
			delete(e.m, p.k)
			return
		}
	}
}
