package bottest

import (
	"sort"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot/clock"
)

var _ clock.Clock = (*Clock)(nil)

// Clock is a fake clock.Clock whose time moves only with Advance and Set.
// Timers fire, in order of their deadlines, when the clock passes them. It
// is safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

// NewClock returns a fake clock set to now.
func NewClock(now time.Time) *Clock { return &Clock{now: now} }

// Now returns the fake time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the clock reaches Now()+d. A
// timer with d <= 0 fires at once.
func (c *Clock) NewTimer(d time.Duration) clock.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{c: make(chan time.Time, 1), at: c.now.Add(d), clock: c}
	if d <= 0 {
		t.c <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves the clock forward by d and fires the timers it passes.
func (c *Clock) Advance(d time.Duration) { c.Set(c.Now().Add(d)) }

// Set moves the clock to t (never backwards) and fires the timers it passes.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.Before(c.now) {
		return
	}
	c.now = t
	sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	kept := c.timers[:0]
	for _, tm := range c.timers {
		if tm.at.After(t) {
			kept = append(kept, tm)
			continue
		}
		tm.c <- tm.at
	}
	c.timers = kept
}

// AdvanceToNext moves the clock to the earliest waiting timer's deadline
// and fires it (and any due with it). It reports false, and does nothing,
// when no timer waits.
func (c *Clock) AdvanceToNext() bool {
	c.mu.Lock()
	var next time.Time
	for _, tm := range c.timers {
		if next.IsZero() || tm.at.Before(next) {
			next = tm.at
		}
	}
	c.mu.Unlock()
	if next.IsZero() {
		return false
	}
	c.Set(next)
	return true
}

// Timers returns how many timers wait to fire, so that a test can wait for
// the code under test to arm one before advancing.
func (c *Clock) Timers() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

type fakeTimer struct {
	c     chan time.Time
	at    time.Time
	clock *Clock
}

func (t *fakeTimer) C() <-chan time.Time { return t.c }

func (t *fakeTimer) Stop() bool {
	t.clock.mu.Lock()
	defer t.clock.mu.Unlock()
	for i, x := range t.clock.timers {
		if x == t {
			t.clock.timers = append(t.clock.timers[:i], t.clock.timers[i+1:]...)
			return true
		}
	}
	return false
}
