package engine_test

import (
	"context"
	"runtime"
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
