package engine

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/heraldchat/herald/bot"
)

// pacing is the share of a documented rate the limiter uses, so that
// timer jitter never tips a send over the platform's window.
const pacing = 0.985

// Limiter paces sends to one platform before they happen: a token bucket
// for the overall rate (burst 1: pacing, not bursting), a least interval
// per chat, and a pause of the whole platform when it answers 429. Time
// comes from the clock, so tests drive it with a fake. It is safe for
// concurrent use.
type Limiter struct {
	clock   bot.Clock
	overall *rate.Limiter // nil without an overall limit
	perChat time.Duration

	mu          sync.Mutex
	chats       map[string]time.Time // next time each chat may be written to
	pausedUntil time.Time
}

// NewLimiter returns a limiter enforcing l.
func NewLimiter(l bot.Limits, clock bot.Clock) *Limiter {
	lim := &Limiter{clock: clock, perChat: l.PerChat, chats: map[string]time.Time{}}
	if l.PerSecond > 0 {
		lim.overall = rate.NewLimiter(rate.Limit(l.PerSecond*pacing), 1)
	}
	return lim
}

// chatKey is the chat name Wait needs for addr: none when there is no
// limit per chat (which spares building one per message).
func (l *Limiter) chatKey(addr bot.Address) string {
	if l.perChat <= 0 {
		return ""
	}
	return addr.String()
}

// Wait blocks until a message may go to chat, or ctx is done: past any
// pause, past the chat's next free time, then past the overall bucket.
func (l *Limiter) Wait(ctx context.Context, chat string) error {
	for {
		now := l.clock.Now()
		l.mu.Lock()
		at := now
		if l.pausedUntil.After(at) {
			at = l.pausedUntil
		}
		if l.perChat > 0 && chat != "" {
			if next := l.chats[chat]; next.After(at) {
				at = next
			}
			l.chats[chat] = at.Add(l.perChat)
			if len(l.chats) > 4096 {
				l.sweep(now)
			}
		}
		l.mu.Unlock()
		if err := l.sleep(ctx, at.Sub(now)); err != nil {
			return err
		}
		if l.overall != nil {
			now = l.clock.Now()
			r := l.overall.ReserveN(now, 1)
			if err := l.sleep(ctx, r.DelayFrom(now)); err != nil {
				r.CancelAt(l.clock.Now())
				return err
			}
		}
		l.mu.Lock()
		paused := l.pausedUntil.After(l.clock.Now())
		l.mu.Unlock()
		if !paused {
			return nil
		}
		// A 429 arrived while this send waited: wait out the pause too.
	}
}

// sweep forgets chats that may be written to again, so the map stays as
// small as the chats written to within the last interval.
func (l *Limiter) sweep(now time.Time) {
	for chat, next := range l.chats {
		if !next.After(now) {
			delete(l.chats, chat)
		}
	}
}

// Pause stops every send for d from now: the platform said 429.
func (l *Limiter) Pause(d time.Duration) {
	until := l.clock.Now().Add(d)
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
}

func (l *Limiter) sleep(ctx context.Context, d time.Duration) error {
	return bot.Sleep(ctx, l.clock, d)
}
