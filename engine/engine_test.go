package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/csvfile"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/store"
)

// The engine is tested over the real bbolt store (in a temporary
// directory), the in-memory messenger and the fake clock.

var (
	t0  = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC) // a Tuesday
	mod = bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, Name: "Mo"}
)

type rig struct {
	t      *testing.T
	db     *store.DB
	clock  *bottest.Clock
	tg     *bottest.Messenger
	engine *engine.Engine
	svc    *campaigns.Service
	lists  *lists.Service
	stop   func()
}

// newRig opens a store in a temporary directory and builds an engine with
// a Telegram fake that has no rate limit.
func newRig(t *testing.T) *rig {
	t.Helper()
	return newRigAt(t, filepath.Join(t.TempDir(), "herald.db"))
}

func newRigAt(t *testing.T, path string) *rig {
	t.Helper()
	clock := bottest.NewClock(t0)
	db, err := store.Open(path, store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	tg := bottest.NewMessenger(bot.PlatformTelegram)
	e := &engine.Engine{
		// A window far smaller than the campaigns: every test reads what is
		// due from the store page by page, as a campaign of a million does.
		Store: db, Clock: clock, Workers: 4, Window: 6,
		Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: tg},
		Limits:     map[bot.Platform]bot.Limits{bot.PlatformTelegram: {}},
	}
	r := &rig{t: t, db: db, clock: clock, tg: tg, engine: e,
		svc:   &campaigns.Service{Store: db, Dispatcher: e, Clock: clock},
		lists: &lists.Service{Store: db}}
	t.Cleanup(func() { r.halt(); db.Close() })
	return r
}

// run starts the engine in the background.
func (r *rig) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := r.engine.Run(ctx); err != nil {
			r.t.Error(err)
		}
	}()
	r.stop = func() { cancel(); <-done }
}

func (r *rig) halt() {
	if r.stop != nil {
		r.stop()
		r.stop = nil
	}
}

// until drives the fake clock from timer to timer until cond holds. It
// fails the test if cond does not hold within 20 seconds of real time.
func (r *rig) until(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(200 * time.Microsecond) // let the engine's goroutines run
		if !cond() {
			r.clock.AdvanceToNext()
		}
	}
}

// waitReal waits, in real time and without moving the fake clock, until
// cond holds.
func (r *rig) waitReal(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func (r *rig) list(name, file string) {
	r.t.Helper()
	rd, err := csvfile.NewReader(strings.NewReader(file))
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.lists.Import(context.Background(), name, rd, lists.Replace, mod); err != nil {
		r.t.Fatal(err)
	}
}

// campaign creates a campaign to list with text, applies edit, and returns
// its ID.
func (r *rig) campaign(list, text string, edit func(*bot.Campaign)) bot.CampaignID {
	r.t.Helper()
	ctx := context.Background()
	c, err := r.svc.Create(ctx, "test", mod)
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.svc.SetMessage(ctx, c.ID, bot.Message{Text: text}, mod); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.svc.SetAudience(ctx, c.ID, bot.Audience{Kind: bot.AudienceList, List: list}, mod); err != nil {
		r.t.Fatal(err)
	}
	if edit != nil {
		if _, err := r.svc.Edit(ctx, c.ID, mod, bot.Change{What: "test setup"}, func(c *bot.Campaign) error { edit(c); return nil }); err != nil {
			r.t.Fatal(err)
		}
	}
	return c.ID
}

func (r *rig) state(id bot.CampaignID) bot.CampaignState {
	c, err := r.db.Campaign(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return c.State
}

func (r *rig) counts(id bot.CampaignID) bot.SendingCounts {
	c, err := r.db.SendingCounts(context.Background(), id)
	if err != nil {
		r.t.Fatal(err)
	}
	return c
}

func (r *rig) report(id bot.CampaignID) [][]string {
	r.t.Helper()
	var rows bottest.Rows
	if err := r.svc.Report(context.Background(), id, &rows); err != nil {
		r.t.Fatal(err)
	}
	return rows.Rows
}

func telegramFile(n int) string {
	var b strings.Builder
	b.WriteString("telegram_id,first_name\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%d,P%d\n", 1000+i, i)
	}
	return b.String()
}

func TestCampaignRunsToDone(t *testing.T) {
	r := newRig(t)
	r.list("people", telegramFile(20))
	id := r.campaign("people", "Hello {{first_name}}, today is {{date}}", nil)
	r.run()
	if _, err := r.svc.Start(context.Background(), id, mod); err != nil {
		t.Fatal(err)
	}
	r.until("the campaign to finish", func() bool { return r.state(id) == bot.CampaignDone })

	if c := r.counts(id); c != (bot.SendingCounts{Total: 20, Sent: 20}) {
		t.Fatalf("counts = %+v", c)
	}
	sent := r.tg.Sent()
	if len(sent) != 20 {
		t.Fatalf("%d messages sent", len(sent))
	}
	seen := map[string]bool{}
	for _, s := range sent {
		if seen[s.To.ID] {
			t.Fatalf("%s got two messages", s.To.ID)
		}
		seen[s.To.ID] = true
		var n int
		fmt.Sscanf(s.To.ID, "%d", &n)
		if want := fmt.Sprintf("Hello P%d, today is 2026-12-01", n-1000); s.Message.Text != want {
			t.Fatalf("%s got %q, want %q", s.To.ID, s.Message.Text, want)
		}
	}
	rows := r.report(id)
	if strings.Join(rows[0], ",") != "sendingID,telegram_id,success,respondentInfo" || len(rows) != 21 {
		t.Fatalf("report header %q, %d rows", rows[0], len(rows))
	}
	if strings.Join(rows[1], "|") != `1|1001|true|{"first_name":"P1"}` {
		t.Fatalf("report row 1 = %q", rows[1])
	}
	var evs []*bot.Event
	r.until("the campaign_done event", func() bool {
		evs, _ = r.db.Events(context.Background(), 0, 0)
		return len(evs) > 0
	})
	if len(evs) != 1 || evs[0].Type != bot.EventCampaignDone || evs[0].CampaignID != id || evs[0].Data["sent"] != "20" {
		t.Fatalf("events = %+v", evs)
	}
}

func TestWindowAndWorkingHours(t *testing.T) {
	r := newRig(t)
	r.list("people", telegramFile(50))
	paris, _ := time.LoadLocation("Europe/Paris")
	// Tuesday 16:00 Paris, a 4-hour window, hours 9-18: what falls after
	// 18:00 goes out from Wednesday 9:00.
	start := time.Date(2026, 12, 1, 16, 0, 0, 0, paris)
	id := r.campaign("people", "Hi", func(c *bot.Campaign) {
		c.Schedule = bot.Schedule{StartAt: start, Window: 4 * time.Hour, TimeZone: "Europe/Paris", HoursFrom: 9 * 60, HoursTo: 18 * 60}
	})
	var mu sync.Mutex
	sentAt := map[string]time.Time{}
	r.tg.Hook = func(to bot.Address, _ bot.Message) error {
		mu.Lock()
		defer mu.Unlock()
		sentAt[to.ID] = r.clock.Now()
		return nil
	}
	r.run()
	if _, err := r.svc.Start(context.Background(), id, mod); err != nil {
		t.Fatal(err)
	}
	r.until("the campaign to finish", func() bool { return r.state(id) == bot.CampaignDone })

	ss, _ := r.db.Sendings(context.Background(), id, 0, 0)
	carried := 0
	for _, s := range ss {
		local := s.PlannedAt.In(paris)
		wed9 := time.Date(2026, 12, 2, 9, 0, 0, 0, paris)
		inWindow := !local.Before(start) && local.Before(time.Date(2026, 12, 1, 18, 0, 0, 0, paris))
		if !inWindow && !local.Equal(wed9) {
			t.Fatalf("%s planned at %v: neither in the window's working part nor at the next opening", s.Key, local)
		}
		if local.Equal(wed9) {
			carried++
		}
		if at := sentAt[s.Key]; at.Before(s.PlannedAt) {
			t.Fatalf("%s sent at %v, before its planned %v", s.Key, at, s.PlannedAt)
		}
	}
	if carried == 0 || carried == 50 {
		t.Fatalf("%d of 50 carried over to Wednesday: the window should split them", carried)
	}
}

func TestFailuresRetriesAndRateLimits(t *testing.T) {
	r := newRig(t)
	r.list("people", telegramFile(4))
	id := r.campaign("people", "Hi", func(c *bot.Campaign) { c.Schedule.RetryCycles = 1 })
	blocked := bot.Address{Platform: bot.PlatformTelegram, ID: "1001"}
	flaky := bot.Address{Platform: bot.PlatformTelegram, ID: "1002"}
	down := bot.Address{Platform: bot.PlatformTelegram, ID: "1003"}
	limited := bot.Address{Platform: bot.PlatformTelegram, ID: "1004"}
	var flakyCalls, limitedCalls, downCalls atomic.Int32
	r.tg.Hook = func(to bot.Address, _ bot.Message) error {
		switch to {
		case blocked:
			return bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "Forbidden: bot was blocked by the user")
		case flaky:
			if flakyCalls.Add(1) <= 2 {
				return bot.Errorf(bot.EUNAVAILABLE, "502 Bad Gateway")
			}
		case down:
			downCalls.Add(1)
			return bot.Errorf(bot.EUNAVAILABLE, "503 Service Unavailable")
		case limited:
			if limitedCalls.Add(1) == 1 {
				return bot.RateLimited(bot.PlatformTelegram, 5*time.Second)
			}
		}
		return nil
	}
	r.run()
	if _, err := r.svc.Start(context.Background(), id, mod); err != nil {
		t.Fatal(err)
	}
	r.until("the campaign to finish", func() bool { return r.state(id) == bot.CampaignDone })

	if c := r.counts(id); c.Sent != 2 || c.Failed != 2 {
		t.Fatalf("counts = %+v", c)
	}
	// One cycle is 3 attempts, each tried 1 + 3 quick retries.
	if n := downCalls.Load(); n != 12 {
		t.Fatalf("the failing platform was called %d times, want 12", n)
	}
	rows := r.report(id)
	if strings.Join(rows[0], ",") != "sendingID,telegram_id,success,respondentInfo,failedStep,errorMessage" {
		t.Fatalf("header = %q", rows[0])
	}
	want := map[string]string{
		"1001": "false|send|Forbidden: bot was blocked by the user",
		"1002": "true||",
		"1003": "false|deliver|not delivered after 3 attempts: 503 Service Unavailable",
		"1004": "true||",
	}
	for _, row := range rows[1:] {
		if got := row[2] + "|" + row[4] + "|" + row[5]; got != want[row[1]] {
			t.Errorf("%s: %q, want %q", row[1], got, want[row[1]])
		}
	}
	ss, _ := r.db.Sendings(context.Background(), id, 0, 0)
	if ss[2].Attempts != 3 {
		t.Errorf("the failing recipient made %d ladder steps", ss[2].Attempts)
	}
}

// hangOnce is a Messenger whose first call to one address hangs until its
// context ends; every other call goes through.
type hangOnce struct {
	bot.Messenger
	to        bot.Address
	hung      atomic.Bool
	cancelled chan error
}

func (h *hangOnce) Send(ctx context.Context, to bot.Address, msg bot.Message) (bot.MessageRef, error) {
	if to == h.to && h.hung.CompareAndSwap(false, true) {
		<-ctx.Done()
		h.cancelled <- ctx.Err()
		return bot.MessageRef{}, ctx.Err()
	}
	return h.Messenger.Send(ctx, to, msg)
}

func TestASendThatHangsIsCutAtTheTimeoutAndRetried(t *testing.T) {
	r := newRig(t)
	r.engine.SendTimeout = 50 * time.Millisecond
	h := &hangOnce{Messenger: r.tg, to: bot.Address{Platform: bot.PlatformTelegram, ID: "1002"}, cancelled: make(chan error, 1)}
	r.engine.Messengers[bot.PlatformTelegram] = h
	r.list("people", telegramFile(3))
	id := r.campaign("people", "Hi", nil)
	r.run()
	if _, err := r.svc.Start(context.Background(), id, mod); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-h.cancelled:
		if err == nil {
			t.Fatal("the hanging call ended without its context ending")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the hanging call was never cut")
	}
	r.until("the campaign to finish", func() bool { return r.state(id) == bot.CampaignDone })
	if c := r.counts(id); c != (bot.SendingCounts{Total: 3, Sent: 3}) {
		t.Fatalf("counts = %+v", c)
	}
	if n := len(r.tg.SentTo(h.to)); n != 1 {
		t.Fatalf("the slow recipient got %d messages, want 1", n)
	}
}

func TestPauseResumeCancel(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.list("people", telegramFile(30))
	id := r.campaign("people", "Hi", func(c *bot.Campaign) { c.Schedule.Window = time.Hour })
	r.run()
	if _, err := r.svc.Start(ctx, id, mod); err != nil {
		t.Fatal(err)
	}
	r.until("some sends", func() bool { return r.counts(id).Sent >= 5 })
	if _, err := r.svc.Pause(ctx, id, mod); err != nil {
		t.Fatal(err)
	}
	// Sends already under way finish (at most one per worker); then
	// nothing more goes out, however far the clock moves.
	atPause := len(r.tg.Sent())
	r.until("in-flight sends to finish", func() bool { return r.counts(id).InFlight == 0 })
	time.Sleep(10 * time.Millisecond)
	settled := len(r.tg.Sent())
	if settled-atPause > r.engine.Workers {
		t.Fatalf("%d sends started after the pause", settled-atPause)
	}
	r.clock.Advance(2 * time.Hour)
	time.Sleep(20 * time.Millisecond)
	if n := len(r.tg.Sent()); n != settled {
		t.Fatalf("%d sent while paused", n-settled)
	}
	if _, err := r.svc.Edit(ctx, id, mod, bot.Change{What: "x"}, func(*bot.Campaign) error { return nil }); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("edit while paused: %v", err)
	}
	if _, err := r.svc.Resume(ctx, id, mod); err != nil {
		t.Fatal(err)
	}
	r.until("the campaign to finish", func() bool { return r.state(id) == bot.CampaignDone })
	if c := r.counts(id); c.Sent != 30 || len(r.tg.Sent()) != 30 {
		t.Fatalf("after resume: %+v, %d messages", c, len(r.tg.Sent()))
	}

	// Cancel a second campaign midway: the rest is skipped, what went out
	// stays sent, and every sending is final.
	r.list("more", telegramFile(40))
	id2 := r.campaign("more", "Bye", func(c *bot.Campaign) { c.Schedule.Window = 10 * time.Hour })
	if _, err := r.svc.Start(ctx, id2, mod); err != nil {
		t.Fatal(err)
	}
	r.until("some sends", func() bool { return r.counts(id2).Sent >= 3 })
	if _, err := r.svc.Cancel(ctx, id2, mod); err != nil {
		t.Fatal(err)
	}
	r.until("every sending to be final", func() bool {
		c := r.counts(id2)
		return c.Pending+c.Scheduled+c.InFlight == 0
	})
	c := r.counts(id2)
	if c.Sent+c.Skipped != 40 || c.Skipped == 0 || r.state(id2) != bot.CampaignCancelled {
		t.Fatalf("after cancel: %+v, state %s", c, r.state(id2))
	}
	if _, err := r.svc.Resume(ctx, id2, mod); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("resume after cancel: %v", err)
	}
}

func TestInFlightAtCrashIsResentAndReported(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	r := newRigAt(t, path)
	r.list("people", telegramFile(3))
	id := r.campaign("people", "Hi", nil)
	// Start, and let the engine prepare and mark everything in flight, then
	// "crash": the platform never answers, and the process goes away.
	hang := make(chan struct{})
	r.tg.Hook = func(bot.Address, bot.Message) error { <-hang; return nil }
	r.run()
	if _, err := r.svc.Start(ctx, id, mod); err != nil {
		t.Fatal(err)
	}
	r.until("three in flight", func() bool { return r.counts(id).InFlight == 3 })
	// Forget the engine without letting it record anything more; then the
	// platform takes the three.
	r.stop = nil
	r.db.Close()
	close(hang)
	for len(r.tg.Sent()) < 3 {
		time.Sleep(time.Millisecond)
	}

	r2 := newRigAt(t, path)
	r2.run()
	r2.until("the campaign to finish", func() bool { return r2.state(id) == bot.CampaignDone })
	rows := r2.report(id)
	if len(rows) != 4 || len(rows[0]) != 6 {
		t.Fatalf("report = %q", rows)
	}
	for _, row := range rows[1:] {
		if row[2] != "true" || !strings.Contains(row[5], "sent again after a restart") {
			t.Fatalf("row = %q", row)
		}
	}
}

// keyedPlatform is a platform that takes a key with a message and keeps
// it (an engine.OnceSender): a second message with a known key is not sent.
type keyedPlatform struct {
	*bottest.Messenger
	mu   *sync.Mutex
	keys map[string]bot.MessageRef
}

func (k keyedPlatform) SendOnce(ctx context.Context, to bot.Address, m bot.Message, key string) (bot.MessageRef, bool, error) {
	k.mu.Lock()
	ref, ok := k.keys[key]
	k.mu.Unlock()
	if ok {
		return ref, true, nil
	}
	ref, err := k.Messenger.Send(ctx, to, m)
	if err == nil {
		k.mu.Lock()
		k.keys[key] = ref
		k.mu.Unlock()
	}
	return ref, false, err
}

func (keyedPlatform) OnceWindow() time.Duration { return 5 * time.Minute }

// TestInFlightAtCrashIsReconciledByKey: on a platform that takes keys, the
// sendings in flight at a crash are sent again with their keys after a
// restart within the platform's window; the platform drops the repeats,
// everyone has one message, and the report does not flag them. After the
// window (the platform forgot the keys) they arrive twice and are flagged.
func TestInFlightAtCrashIsReconciledByKey(t *testing.T) {
	for _, late := range []bool{false, true} {
		t.Run(map[bool]string{false: "within the window", true: "after the window"}[late], func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "herald.db")
			r := newRigAt(t, path)
			platform := keyedPlatform{Messenger: r.tg, mu: &sync.Mutex{}, keys: map[string]bot.MessageRef{}}
			r.engine.Messengers[bot.PlatformTelegram] = platform
			r.list("people", telegramFile(3))
			id := r.campaign("people", "Hi", nil)
			hang := make(chan struct{})
			r.tg.Hook = func(bot.Address, bot.Message) error { <-hang; return nil }
			r.run()
			if _, err := r.svc.Start(ctx, id, mod); err != nil {
				t.Fatal(err)
			}
			r.until("three in flight", func() bool { return r.counts(id).InFlight == 3 })
			// Crash: herald records nothing more, then the platform takes
			// the three.
			r.stop = nil
			r.db.Close()
			close(hang)
			for taken := 0; taken < 3; time.Sleep(time.Millisecond) {
				platform.mu.Lock()
				taken = len(platform.keys)
				platform.mu.Unlock()
			}

			r2 := newRigAt(t, path)
			r2.tg = r.tg // the same platform, which remembers what it took
			platform.Messenger = r.tg
			r2.engine.Messengers[bot.PlatformTelegram] = platform
			if late {
				r2.clock.Advance(time.Hour)
				platform.mu.Lock()
				clear(platform.keys)
				platform.mu.Unlock()
			}
			r2.run()
			// Without moving the clock: the resends are due at once, and
			// pushing the clock from timer to timer (the engine's minute
			// poll) while a loaded machine is slow to send them would take
			// it past the platform's window.
			r2.waitReal("the campaign to finish", func() bool { return r2.state(id) == bot.CampaignDone })
			want, flagged := 3, false
			if late {
				want, flagged = 6, true
			}
			if n := len(r.tg.Sent()); n != want {
				t.Fatalf("the platform took %d messages, want %d", n, want)
			}
			rows := r2.report(id)
			if !flagged {
				if len(rows[0]) != 4 {
					t.Fatalf("report = %q, want no failedStep or errorMessage", rows)
				}
				return
			}
			for _, row := range rows[1:] {
				if !strings.Contains(row[5], "sent again after a restart") {
					t.Fatalf("row = %q", row)
				}
			}
		})
	}
}

// bulkMessenger counts the messages sent as a campaign's (SendBulk).
type bulkMessenger struct {
	*bottest.Messenger
	bulk atomic.Int64
}

func (m *bulkMessenger) SendBulk(ctx context.Context, to bot.Address, msg bot.Message) (bot.MessageRef, error) {
	m.bulk.Add(1)
	return m.Messenger.Send(ctx, to, msg)
}

// A campaign's messages go through SendBulk where a messenger has it, so
// that the platform's queue puts answers and relays first.
func TestCampaignMessagesAreBulk(t *testing.T) {
	r := newRig(t)
	m := &bulkMessenger{Messenger: r.tg}
	r.engine.Messengers[bot.PlatformTelegram] = m
	r.list("people", telegramFile(5))
	id := r.campaign("people", "Hello {{first_name}}", nil)
	r.run()
	if _, err := r.svc.Start(context.Background(), id, mod); err != nil {
		t.Fatal(err)
	}
	r.until("the campaign to finish", func() bool { return r.state(id) == bot.CampaignDone })
	if n := m.bulk.Load(); n != 5 || len(r.tg.Sent()) != 5 {
		t.Fatalf("%d of %d messages sent as bulk", n, len(r.tg.Sent()))
	}
}
