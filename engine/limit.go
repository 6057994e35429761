package engine

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
)

// bulkLookahead is how far ahead of its token a bulk send may reserve it.
const bulkLookahead = 2 * time.Millisecond

// pacing is the share of a documented rate the limiter uses, so that
// timer jitter never tips a send over the platform's window.
const pacing = 0.985

// Limiter paces sends to one platform before they happen: a token bucket
// for the overall rate (burst 1: pacing, not bursting), a least interval
// per chat, and a pause of the whole platform when it answers 429. Time
// comes from the clock, so tests drive it with a fake. It is safe for
// concurrent use.
type Limiter struct {
	clock       clock.Clock
	overall     *rate.Limiter // nil without an overall limit
	perChat     time.Duration
	groupN      int // posts a group chat takes per groupWindow; 0: no limit
	groupWindow time.Duration
	windows     []window // sliding windows every chat keeps to, shortest first
	longest     time.Duration
	scale       float64

	mu          sync.Mutex
	chats       map[string]time.Time   // next time each chat may be written to
	groups      map[string][]time.Time // posts booked per group chat, in the last window
	booked      map[string][]time.Time // posts booked per chat within the longest window
	chatsSweep  int                    // sizes of chats and booked past which they are swept
	bookedSweep int
	pausedUntil time.Time
}

// window is one of a platform's limits per chat: at most n posts in any d.
type window struct {
	d time.Duration
	n int
}

// NewLimiter returns a limiter enforcing l.
func NewLimiter(l bot.Limits, clock clock.Clock) *Limiter {
	return newScaledLimiter(l, clock, 1)
}

// newScaledLimiter returns a limiter enforcing l scale times faster (see
// Budget).
func newScaledLimiter(l bot.Limits, clock clock.Clock, scale float64) *Limiter {
	if scale <= 0 {
		scale = 1
	}
	// Intervals are kept a little longer than documented, as the rate is
	// kept a little lower (pacing): timer jitter never tips a post over.
	unit := func(d time.Duration) time.Duration { return time.Duration(float64(d) / scale / pacing) }
	lim := &Limiter{clock: clock, perChat: unit(l.PerChat), groupN: l.GroupPerMinute, groupWindow: unit(time.Minute), scale: scale,
		chats: map[string]time.Time{}, groups: map[string][]time.Time{}, booked: map[string][]time.Time{}, chatsSweep: 4096, bookedSweep: 4096}
	for d, n := range l.ChatWindows {
		if d > 0 && n > 0 {
			lim.windows = append(lim.windows, window{unit(d), n})
			lim.longest = max(lim.longest, unit(d))
		}
	}
	slices.SortFunc(lim.windows, func(a, b window) int { return cmp.Compare(a.d, b.d) })
	if l.PerSecond > 0 {
		lim.overall = rate.NewLimiter(rate.Limit(l.PerSecond*pacing*scale), 1)
	}
	return lim
}

// chatKey is the chat name Wait needs for addr: none when there is no
// limit per chat (which spares building one per message).
func (l *Limiter) chatKey(addr bot.Address) string {
	if l.perChat <= 0 && l.groupN <= 0 && len(l.windows) == 0 {
		return ""
	}
	return addr.String()
}

// isGroup reports whether chat is a group chat with a limit of its own
// (Telegram's group chats have negative ids).
func isGroup(chat string) bool {
	return strings.HasPrefix(chat, string(bot.PlatformTelegram)+":-")
}

// groupSlotLocked returns the first time from at on which chat, a group,
// may take one more post within its window, and books it. l.mu is held.
// The window is a sliding one, as the platform counts: a burst goes at
// once, then posts wait for the oldest to leave the window.
func (l *Limiter) groupSlotLocked(chat string, at time.Time) time.Time {
	log := l.groups[chat]
	i := 0
	for i < len(log) && !log[i].Add(l.groupWindow).After(at) {
		i++
	}
	log = log[i:]
	if len(log) >= l.groupN {
		at = log[len(log)-l.groupN].Add(l.groupWindow)
	}
	// Keep the log in time order (bookings may come out of order).
	j := len(log)
	log = append(log, at)
	for j > 0 && log[j-1].After(at) {
		log[j], log[j-1] = log[j-1], log[j]
		j--
	}
	l.groups[chat] = log
	return at
}

// windowSlotLocked returns the first time from at on which chat may take
// one more post within every one of its windows, and books it. l.mu is
// held. Posts to a chat are booked in order (its interval and this keep
// them so): the new one goes after the last, and for each window of n
// posts in d, at least d after the n-th last.
func (l *Limiter) windowSlotLocked(chat string, at time.Time) time.Time {
	log := l.booked[chat]
	i := 0
	for i < len(log) && !log[i].Add(l.longest).After(at) {
		i++
	}
	log = log[i:]
	if n := len(log); n > 0 && log[n-1].After(at) {
		at = log[n-1]
	}
	for _, w := range l.windows {
		if len(log) >= w.n {
			if t := log[len(log)-w.n].Add(w.d); t.After(at) {
				at = t
			}
		}
	}
	l.booked[chat] = append(log, at)
	return at
}

// sweepBooked forgets the chats whose posts all left the longest window.
func (l *Limiter) sweepBooked(now time.Time) {
	for chat, log := range l.booked {
		if !log[len(log)-1].Add(l.longest).After(now) {
			delete(l.booked, chat)
		}
	}
}

// Wait blocks until a campaign message may go to chat, or ctx is done; it
// is WaitClass for bulk traffic.
func (l *Limiter) Wait(ctx context.Context, chat string) error {
	return l.WaitClass(ctx, bot.ClassBulk, chat)
}

// WaitClass blocks until a post of class may go to chat, or ctx is done:
// past any pause, past the chat's next free time, then past the overall
// bucket. Interactive posts go ahead of bulk ones: bulk senders reserve
// at most one token ahead, so an interactive post waits for about one
// bulk token, never for a queue of them.
func (l *Limiter) WaitClass(ctx context.Context, class bot.Class, chat string) error {
	if err := l.WaitChat(ctx, chat); err != nil {
		return err
	}
	return l.WaitToken(ctx, class)
}

// WaitChat is WaitClass's first half: it blocks past any pause and until
// chat may take a post (its interval, its group's window, its sliding
// windows), and books that post. The caller then takes the overall token with WaitToken right
// before it posts, so that what it does in between (recording the
// sending in flight) does not shift when posts reach the platform.
func (l *Limiter) WaitChat(ctx context.Context, chat string) error {
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
	}
	if l.groupN > 0 && isGroup(chat) {
		at = l.groupSlotLocked(chat, at)
	}
	if len(l.windows) > 0 && chat != "" {
		at = l.windowSlotLocked(chat, at)
		if len(l.booked) > l.bookedSweep {
			// Each chat stays booked for the longest window (an hour on
			// Teams, a campaign's every recipient): sweep when the map
			// doubled, not on every post.
			l.sweepBooked(now)
			l.bookedSweep = max(4096, 2*len(l.booked))
		}
	}
	if l.perChat > 0 && chat != "" {
		l.chats[chat] = at.Add(l.perChat) // from the post's final time
		if len(l.chats) > l.chatsSweep {
			l.sweep(now)
			l.chatsSweep = max(4096, 2*len(l.chats))
		}
	}
	l.mu.Unlock()
	return l.sleep(ctx, at.Sub(now))
}

// WaitToken is WaitClass's second half: it blocks until the overall
// bucket gives a post of class its token and no pause (a 429 that came
// meanwhile) holds the platform.
func (l *Limiter) WaitToken(ctx context.Context, class bot.Class) error {
	for {
		l.mu.Lock()
		until := l.pausedUntil
		l.mu.Unlock()
		if err := l.sleep(ctx, until.Sub(l.clock.Now())); err != nil {
			return err
		}
		if l.overall != nil {
			if err := l.token(ctx, class); err != nil {
				return err
			}
		}
		l.mu.Lock()
		paused := l.pausedUntil.After(l.clock.Now())
		l.mu.Unlock()
		if !paused {
			return nil
		}
		// A 429 arrived while this post waited: wait out the pause too.
	}
}

// Spare reports whether a post to chat could go now leaving room for
// others: no pause, the chat's interval passed, and for a group, and in
// each of the chat's sliding windows, at least a quarter of it free. Posts that may be skipped (a live card's
// edit) check it, so that they never crowd out answers and relays.
func (l *Limiter) Spare(chat string) bool {
	now := l.clock.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pausedUntil.After(now) || l.perChat > 0 && l.chats[chat].After(now) {
		return false
	}
	if l.groupN > 0 && isGroup(chat) {
		used := 0
		for _, at := range l.groups[chat] {
			if at.Add(l.groupWindow).After(now) {
				used++
			}
		}
		return used < l.groupN-max(l.groupN/4, 1)
	}
	for _, w := range l.windows {
		used := 0
		for _, at := range l.booked[chat] {
			if at.Add(w.d).After(now) {
				used++
			}
		}
		if used >= w.n-max(w.n/4, 1) {
			return false
		}
	}
	return true
}

// token waits for a token of the overall bucket. An interactive post
// reserves the next token at once; a bulk one reserves only a token due
// within one interval, and otherwise waits (holding nothing) and tries
// again, so that bulk posts never stand in a queue ahead of interactive
// ones.
func (l *Limiter) token(ctx context.Context, class bot.Class) error {
	rate := float64(l.overall.Limit())
	step := time.Duration(float64(time.Second) / rate)
	// Bulk sends reserve a token once the next free one is this close, so
	// that a few stand reserved while their senders wake: a token nobody
	// holds when it comes is lost, and at thousands a second a wake-up per
	// token took 12% of the rate. Interactive posts wait at most this much
	// more behind them.
	lookahead := max(step, time.Duration(float64(bulkLookahead)/l.scale)) // in the platform's time, as the rate
	for {
		now := l.clock.Now()
		if class == bot.ClassBulk {
			// How long until a token is free, reserving nothing.
			if free := time.Duration((1 - l.overall.TokensAt(now)) / rate * float64(time.Second)); free > lookahead {
				if err := l.sleep(ctx, free-lookahead); err != nil {
					return err
				}
				continue
			}
		}
		r := l.overall.ReserveN(now, 1)
		if err := l.sleep(ctx, r.DelayFrom(now)); err != nil {
			r.CancelAt(l.clock.Now())
			return err
		}
		return nil
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

// Pause stops every send for d from now: the platform said 429 (d in the
// platform's time, scaled like the limits).
func (l *Limiter) Pause(d time.Duration) {
	until := l.clock.Now().Add(time.Duration(float64(d) / l.scale))
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.pausedUntil) {
		l.pausedUntil = until
	}
}

func (l *Limiter) sleep(ctx context.Context, d time.Duration) error {
	return clock.Sleep(ctx, l.clock, d)
}
