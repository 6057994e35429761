// Package expiring keeps values for a while: the button nonces already
// used, the platform events already handled, files offered for import,
// downloads kept for an hour. One small type instead of a map and a sweep
// in each place that needs it.
package expiring

import (
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Map holds values by key until each one's time is up, and at most max of
// them (the oldest go first). Expired entries are never returned; they are
// swept in the order they were put as new ones arrive, so a map whose
// entries share one lifetime stays as small as what is live. It is safe
// for concurrent use; the zero value is not usable: use New.
type Map[K comparable, V any] struct {
	clock bot.Clock
	max   int

	mu    sync.Mutex
	m     map[K]entry[V]
	order []K // keys in the order they were put (may hold stale keys)
}

type entry[V any] struct {
	v     V
	until time.Time
}

// New returns a Map on clock holding at most max entries (0: no bound).
func New[K comparable, V any](clock bot.Clock, max int) *Map[K, V] {
	return &Map[K, V]{clock: clock, max: max, m: map[K]entry[V]{}}
}

// Put keeps v under k for ttl, replacing what k held.
func (e *Map[K, V]) Put(k K, v V, ttl time.Duration) {
	now := e.clock.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.sweep(now)
	if _, ok := e.m[k]; !ok {
		e.order = append(e.order, k)
	}
	e.m[k] = entry[V]{v: v, until: now.Add(ttl)}
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

// sweep drops expired entries from the front of the order, and compacts
// the order when it holds many stale keys. e.mu is held.
func (e *Map[K, V]) sweep(now time.Time) {
	i := 0
	for ; i < len(e.order); i++ {
		en, ok := e.m[e.order[i]]
		if ok && now.Before(en.until) {
			break
		}
		if ok {
			delete(e.m, e.order[i])
		}
	}
	e.order = e.order[i:]
	if len(e.order) > 2*len(e.m)+64 {
		live := e.order[:0]
		for _, k := range e.order {
			if _, ok := e.m[k]; ok {
				live = append(live, k)
			}
		}
		clear(e.order[len(live):])
		e.order = live
	}
}

// dropOldest forgets the entry put longest ago. e.mu is held.
func (e *Map[K, V]) dropOldest() {
	for len(e.order) > 0 {
		k := e.order[0]
		e.order = e.order[1:]
		if _, ok := e.m[k]; ok {
			delete(e.m, k)
			return
		}
	}
}
