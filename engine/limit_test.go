package engine_test

import (
	"context"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/engine"
)

// waitAll runs Wait for each chat in its own goroutine and drives the fake
// clock: it advances 1ms only once every goroutine still waiting has armed
// its timer, so each records the exact time it was let through.
func waitAll(t *testing.T, clock *bottest.Clock, lim *engine.Limiter, chats []string) []time.Time {
	t.Helper()
	out := make([]time.Time, len(chats))
	var pending atomic.Int64
	pending.Store(int64(len(chats)))
	for i, c := range chats {
		go func() {
			defer pending.Add(-1)
			if err := lim.Wait(context.Background(), c); err != nil {
				t.Error(err)
			}
			out[i] = clock.Now()
		}()
	}
	for pending.Load() > 0 {
		if int64(clock.Timers()) == pending.Load() {
			clock.Advance(time.Millisecond)
		} else {
			runtime.Gosched()
		}
	}
	return out
}

func TestLimiterPacesOverallRate(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := bottest.NewClock(start)
	lim := engine.NewLimiter(bot.Limits{PerSecond: 10}, clock)
	chats := make([]string, 30)
	for i := range chats {
		chats[i] = string(rune('a' + i))
	}
	times := waitAll(t, clock, lim, chats)
	last := start
	for _, at := range times {
		if at.After(last) {
			last = at
		}
	}
	// 30 sends at 10/s (paced at 98.5%): the last one about 2.9s in.
	if d := last.Sub(start); d < 2900*time.Millisecond || d > 3100*time.Millisecond {
		t.Fatalf("30 sends at 10/s took %s", d)
	}
	// No window of one second holds more than 10.
	for _, a := range times {
		n := 0
		for _, b := range times {
			if !b.Before(a) && b.Before(a.Add(time.Second)) {
				n++
			}
		}
		if n > 10 {
			t.Fatalf("%d sends within one second", n)
		}
	}
}

func TestLimiterPerChatAndPause(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := bottest.NewClock(start)
	lim := engine.NewLimiter(bot.Limits{PerChat: time.Second}, clock)
	times := waitAll(t, clock, lim, []string{"a", "a", "a", "b"})
	var a []time.Duration
	for i, at := range times[:3] {
		_ = i
		a = append(a, at.Sub(start))
	}
	seen := map[time.Duration]bool{}
	for _, d := range a {
		seen[d.Round(time.Second)] = true
	}
	if !seen[0] || !seen[time.Second] || !seen[2*time.Second] || times[3].Sub(start) > 10*time.Millisecond {
		t.Fatalf("per chat: a at %v, b at %v", a, times[3].Sub(start))
	}

	lim.Pause(5 * time.Second)
	pausedFrom := clock.Now()
	times = waitAll(t, clock, lim, []string{"c"})
	if d := times[0].Sub(pausedFrom); d < 5*time.Second || d > 5*time.Second+10*time.Millisecond {
		t.Fatalf("after a 5s pause the send went %s later", d)
	}

	ctx, cancel := context.WithCancel(context.Background())
	lim.Pause(time.Hour)
	cancel()
	if err := lim.Wait(ctx, "d"); err == nil {
		t.Fatal("Wait ignored a cancelled context")
	}
}

// Teams' limits per conversation are sliding windows on top of the
// interval: a crowd of posts to one channel keeps to every one of them.
func TestLimiterChatWindows(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := bottest.NewClock(start)
	lim := engine.NewLimiter(bot.Limits{PerChat: time.Second / 7, ChatWindows: map[time.Duration]int{2 * time.Second: 8, 30 * time.Second: 60}}, clock)
	chats := make([]string, 71)
	for i := range 70 {
		chats[i] = "teams:19:mods@thread.tacv2"
	}
	chats[70] = "teams:a:1other"
	times := waitAll(t, clock, lim, chats)
	other := times[70]
	times = times[:70]
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for _, w := range []struct {
		d time.Duration
		n int
	}{{time.Second, 7}, {2 * time.Second, 8}, {30 * time.Second, 60}} {
		for i := range times {
			n := 0
			for _, at := range times[i:] {
				if at.Sub(times[i]) < w.d {
					n++
				}
			}
			if n > w.n {
				t.Fatalf("%d posts within %s from %s, the limit is %d", n, w.d, times[i].Sub(start), w.n)
			}
		}
	}
	// The 61st post waits for the first to leave the 30 s window (and
	// no longer than a little margin beyond it).
	if d := times[60].Sub(times[0]); d < 30*time.Second || d > 31*time.Second {
		t.Fatalf("the 61st post went %s after the first", d)
	}
	// Another conversation was not held back by this one's windows.
	if d := other.Sub(start); d > 10*time.Millisecond {
		t.Fatalf("another chat waited %s", d)
	}
}

// An operator's rates for Teams keep Teams' windows per conversation.
func TestOverriddenLimitsKeepTheWindows(t *testing.T) {
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := bottest.NewClock(start)
	b := engine.NewBudget(map[bot.Platform]bot.Limits{bot.PlatformTeams: {PerChat: time.Millisecond}}, clock, 1)
	chats := make([]string, 9)
	for i := range chats {
		chats[i] = "teams:19:mods@thread.tacv2"
	}
	times := waitAll(t, clock, b.For(bot.PlatformTeams), chats)
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	if d := times[8].Sub(times[0]); d < 2*time.Second {
		t.Fatalf("9 posts to a channel in %s: Teams takes 8 in 2 s", d)
	}
}
