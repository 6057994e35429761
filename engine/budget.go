package engine

import (
	"context"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
)

// Budget is one limiter per platform, shared by everything that posts to
// it — the campaign engine (bulk) and the outbox (interactive) — so that
// together they keep to the platform's documented limits. It is safe for
// concurrent use.
type Budget struct {
	limits map[bot.Platform]bot.Limits
	clock  clock.Clock
	scale  float64

	mu       sync.Mutex
	limiters map[bot.Platform]*Limiter
}

// NewBudget returns a budget with limits overriding DefaultLimits per
// platform (a platform listed is paced by its entry, the zero Limits
// meaning none; an entry with rates but no ChatWindows keeps the
// default's), running every limit scale times faster (0 or 1: real
// time; tests against fakes with the same scale run in seconds).
func NewBudget(limits map[bot.Platform]bot.Limits, clock clock.Clock, scale float64) *Budget {
	return &Budget{limits: limits, clock: clock, scale: scale, limiters: map[bot.Platform]*Limiter{}}
}

// For returns platform p's limiter.
func (b *Budget) For(p bot.Platform) *Limiter {
	b.mu.Lock()
	defer b.mu.Unlock()
	l, ok := b.limiters[p]
	if !ok {
		lim, set := b.limits[p]
		if !set {
			lim = DefaultLimits(p)
		} else if lim.ChatWindows == nil && (lim.PerSecond > 0 || lim.PerChat > 0) {
			// An operator's rates keep the platform's windows per chat,
			// which the configuration does not name.
			lim.ChatWindows = DefaultLimits(p).ChatWindows
		}
		l = newScaledLimiter(lim, b.clock, b.scale)
		b.limiters[p] = l
	}
	return l
}

// Wait blocks until a post of class may go to to, within to's platform's
// limits, or ctx is done: for what adapters post on their own (answers to
// commands), so that it shares the budget with the outbox and campaigns.
func (b *Budget) Wait(ctx context.Context, class bot.Class, to bot.Address) error {
	return b.For(to.Platform).WaitClass(ctx, class, chatKey(to))
}

// Take blocks until platform p's overall rate gives one more request of
// class its token, or ctx is done: for a post that takes the platform a
// second request (Teams opens a personal conversation before the first
// message), taken between the two so that requests stay evenly spaced.
func (b *Budget) Take(ctx context.Context, class bot.Class, p bot.Platform) error {
	return b.For(p).WaitToken(ctx, class)
}

// Pause stops every post to platform p for d: it answered 429.
func (b *Budget) Pause(p bot.Platform, d time.Duration) {
	b.For(p).Pause(d)
}

// Limited reports whether posts to platform p are paced at all.
func (b *Budget) Limited(p bot.Platform) bool {
	l := b.For(p)
	return l.overall != nil || l.perChat > 0 || l.groupN > 0 || len(l.windows) > 0
}

// Spare reports whether a post to to could go now leaving room for
// others (see Limiter.Spare).
func (b *Budget) Spare(to bot.Address) bool {
	return b.For(to.Platform).Spare(chatKey(to))
}
