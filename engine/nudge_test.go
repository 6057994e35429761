package engine_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
)

// nudgeRig is the engine rig with a nudge scheduler that polls rarely, so
// that the fake clock moves in large steps; the tests tell it of events.
func nudgeRig(t *testing.T) *rig {
	r := newRig(t)
	r.engine.NudgePoll = 24 * time.Hour
	return r
}

// contact adds a contact reachable on Telegram at chat id.
func (r *rig) contact(id string, attrs map[string]string) bot.ContactID {
	r.t.Helper()
	c := &bot.Contact{Name: "P" + id, Attributes: attrs, Addresses: []bot.ContactAddress{{Address: bot.Address{Platform: bot.PlatformTelegram, ID: id}, Reach: bot.ReachReachable}}}
	if err := r.db.CreateContact(context.Background(), c); err != nil {
		r.t.Fatal(err)
	}
	return c.ID
}

// event records a custom event for contact id now, and tells the engine.
func (r *rig) event(name string, id bot.ContactID, data map[string]string) {
	r.t.Helper()
	if err := r.db.AppendEvent(context.Background(), &bot.Event{Type: bot.EventCustom, Name: name, ContactID: id, At: r.clock.Now(), Data: data}); err != nil {
		r.t.Fatal(err)
	}
	r.engine.EventsRecorded()
}

// nudge creates and enables a nudge with text. Unless n says otherwise,
// a firing may be found a month late: until moves the fake clock faster
// than the engine keeps up with under the race detector.
func (r *rig) nudge(name, text string, n bot.Nudge, edit func(*bot.Campaign)) bot.CampaignID {
	r.t.Helper()
	if n.MaxLate == 0 {
		n.MaxLate = 30 * 24 * time.Hour
	}
	ctx := context.Background()
	c, err := r.svc.Create(ctx, name, mod)
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.svc.SetMessage(ctx, c.ID, bot.Message{Text: text}, mod); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.svc.Edit(ctx, c.ID, mod, bot.Change{What: "nudge"}, func(c *bot.Campaign) error {
		c.Nudge = &n
		if edit != nil {
			edit(c)
		}
		return nil
	}); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.svc.Start(ctx, c.ID, mod); err != nil {
		r.t.Fatal(err)
	}
	r.waitReal("the nudge to run", func() bool { return r.state(c.ID) == bot.CampaignRunning })
	return c.ID
}

// patiently waits in real time until cond holds, moving the fake clock to
// its next timer only when nothing has changed for a while: a timer the
// engine armed just after the test moved the clock still fires, and the
// clock never runs ahead of a busy engine.
func (r *rig) patiently(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	last, still := r.engineProgress(), time.Now()
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
		if c := r.engineProgress(); c != last {
			last, still = c, time.Now()
		} else if time.Since(still) > 200*time.Millisecond {
			r.clock.AdvanceToNext()
			still = time.Now()
		}
	}
}

// engineProgress sums what the engine has written (any campaign's
// counters move when it works).
func (r *rig) engineProgress() bot.SendingCounts {
	var sum bot.SendingCounts
	cs, _ := r.db.Campaigns(context.Background(), bot.CampaignFilter{})
	for _, c := range cs {
		n := r.counts(c.ID)
		sum.Total, sum.Sent, sum.Failed, sum.Skipped = sum.Total+n.Total, sum.Sent+n.Sent, sum.Failed+n.Failed, sum.Skipped+n.Skipped
	}
	return sum
}

func (r *rig) sentTo(id string) []bot.Message {
	return r.tg.SentTo(bot.Address{Platform: bot.PlatformTelegram, ID: id})
}

// sendings returns the campaign's sendings.
func (r *rig) sendings(id bot.CampaignID) []*bot.Sending {
	r.t.Helper()
	ss, err := r.db.Sendings(context.Background(), id, 0, 0)
	if err != nil {
		r.t.Fatal(err)
	}
	return ss
}

func TestNudgeGoesAfterItsDelayUnlessBlocked(t *testing.T) {
	r := nudgeRig(t)
	r.run()
	at9 := 9 * 60
	id := r.nudge("reminder", "Hi {{name}}, how is {{event.course}} going?",
		bot.Nudge{Trigger: "signed_up", Delay: bot.Delay{N: 3, Unit: bot.DelayDay, At: at9, AtSet: true}, Block: "activity_completed"}, nil)
	ana, bob, cy := r.contact("1001", nil), r.contact("1002", nil), r.contact("1003", nil)
	r.event("signed_up", ana, map[string]string{"course": "Go 101"})
	r.event("signed_up", bob, map[string]string{"course": "Go 101"})
	r.waitReal("two firings", func() bool { return r.counts(id).Scheduled == 2 })
	// Before the due time: Bob completes the activity, which blocks his.
	r.clock.Advance(26 * time.Hour)
	r.event("activity_completed", bob, nil)
	// Cy completes it after his would have gone: it does not exist yet,
	// and his firing is later.
	r.event("signed_up", cy, map[string]string{"course": "Go 101"})
	r.waitReal("three firings", func() bool { return r.counts(id).Total == 3 })

	due := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC) // t0 + 3 days, at 9:00
	r.clock.Set(due)
	r.patiently("Ana's and Bob's firings", func() bool { c := r.counts(id); return c.Sent+c.Skipped >= 2 })
	if got := r.sentTo("1001"); len(got) != 1 || got[0].Text != "Hi P1001, how is Go 101 going?" {
		t.Fatalf("Ana got %+v", got)
	}
	if s := r.sendings(id)[0]; s.SentAt.Before(due) {
		t.Fatalf("Ana's went at %s, before %s", s.SentAt, due)
	}
	if got := r.sentTo("1002"); len(got) != 0 {
		t.Fatalf("Bob was blocked but got %+v", got)
	}
	for _, s := range r.sendings(id) {
		if s.Source == uint64(bob) && (s.State != bot.SendingSkipped || !strings.Contains(s.Reason, "activity_completed")) {
			t.Fatalf("Bob's sending %s %q", s.State, s.Reason)
		}
	}
	r.clock.Advance(24 * time.Hour)
	r.patiently("Cy's firing", func() bool { return r.counts(id).Sent == 2 })
	if got := r.sentTo("1003"); len(got) != 1 {
		t.Fatalf("Cy got %+v", got)
	}
	// The completion of Ana's and Cy's was recorded with their outcome.
	evs, err := r.db.ContactEvents(context.Background(), ana, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if last := evs[len(evs)-1]; last.Type != bot.EventNudgeCompleted || last.Data["nudge"] != fmt.Sprint(id) || last.Data["sent"] != "true" {
		t.Fatalf("Ana's last event %+v", last)
	}
	if r.state(id) != bot.CampaignRunning {
		t.Fatalf("a nudge with nothing left is %s, want running", r.state(id))
	}
}

func TestNudgesChainAndCompleteOnDelay(t *testing.T) {
	r := nudgeRig(t)
	r.run()
	welcome := r.nudge("welcome", "Welcome", bot.Nudge{Trigger: "signed_up", Delay: bot.Delay{N: 0, Unit: bot.DelayMinute}}, nil)
	day3 := r.nudge("day 3", "Day 3", bot.Nudge{Trigger: string(bot.EventNudgeCompleted), Where: map[string]string{"nudge": fmt.Sprint(welcome)},
		Delay: bot.Delay{N: 3, Unit: bot.DelayDay}, Block: "opted_out", CompleteOnDelay: true}, nil)
	day7 := r.nudge("day 7", "Day 7", bot.Nudge{Trigger: string(bot.EventNudgeCompleted), Where: map[string]string{"nudge": fmt.Sprint(day3)},
		Delay: bot.Delay{N: 4, Unit: bot.DelayDay}}, nil)
	ana, bob := r.contact("1001", nil), r.contact("1002", nil)
	r.event("signed_up", ana, nil)
	r.event("signed_up", bob, nil)
	r.patiently("both welcomed", func() bool { return r.counts(welcome).Sent == 2 })
	r.event("opted_out", bob, nil) // blocks Bob's day 3, which completes anyway
	r.waitReal("day 3 scheduled", func() bool { return r.counts(day3).Scheduled == 2 })
	r.clock.Advance(3 * 24 * time.Hour)
	r.patiently("day 3 for both", func() bool { c := r.counts(day3); return c.Sent+c.Skipped == 2 })
	r.waitReal("day 7 scheduled", func() bool { return r.counts(day7).Scheduled == 2 })
	r.clock.Advance(4 * 24 * time.Hour)
	r.patiently("day 7 for both", func() bool { return r.counts(day7).Sent == 2 })
	if got := r.sentTo("1001"); len(got) != 3 || got[0].Text != "Welcome" || got[1].Text != "Day 3" || got[2].Text != "Day 7" {
		t.Fatalf("Ana got %+v", got)
	}
	if got := r.sentTo("1002"); len(got) != 2 || got[1].Text != "Day 7" {
		t.Fatalf("Bob got %+v", got)
	}
	if c := r.counts(day3); c.Sent != 1 || c.Skipped != 1 {
		t.Fatalf("day 3 counts %+v", c)
	}
	for _, s := range r.sendings(day7) {
		if d := s.SentAt.Sub(t0); d < 7*24*time.Hour {
			t.Fatalf("day 7 went %s after the sign-up", d)
		}
	}
}

func TestNudgeCompletesOnSendOnlyWhenSent(t *testing.T) {
	r := nudgeRig(t)
	r.run()
	first := r.nudge("first", "First", bot.Nudge{Trigger: "signed_up", Delay: bot.Delay{N: 1, Unit: bot.DelayHour}, Block: "opted_out"}, nil)
	next := r.nudge("next", "Next", bot.Nudge{Trigger: string(bot.EventNudgeCompleted), Where: map[string]string{"nudge": fmt.Sprint(first)}, Delay: bot.Delay{N: 1, Unit: bot.DelayHour}}, nil)
	ana := r.contact("1001", nil)
	r.event("signed_up", ana, nil)
	r.event("opted_out", ana, nil)
	r.clock.Advance(time.Hour)
	r.patiently("the first, blocked", func() bool { return r.counts(first).Skipped == 1 })
	r.clock.Advance(48 * time.Hour)
	r.waitReal("the scheduler to read the log", func() bool { c, _ := r.db.NudgeCursor(context.Background()); return c >= 2 })
	if c := r.counts(next); c.Total != 0 {
		t.Fatalf("a blocked nudge that completes on send chained: %+v", c)
	}
}

func TestNudgeOncePerContactOrEachTime(t *testing.T) {
	r := nudgeRig(t)
	r.run()
	once := r.nudge("once", "Once", bot.Nudge{Trigger: "logged_in", Delay: bot.Delay{N: 10, Unit: bot.DelayMinute}}, nil)
	each := r.nudge("each", "Each", bot.Nudge{Trigger: "logged_in", Delay: bot.Delay{N: 10, Unit: bot.DelayMinute}, EachTime: true}, nil)
	ana := r.contact("1001", nil)
	for range 3 {
		r.event("logged_in", ana, nil)
		r.clock.Advance(time.Minute)
	}
	r.waitReal("every firing scheduled", func() bool { return r.counts(each).Total == 3 })
	r.clock.Advance(10 * time.Minute)
	r.patiently("every firing", func() bool { return r.counts(once).Sent == 1 && r.counts(each).Sent == 3 })
	r.event("logged_in", ana, nil)
	r.waitReal("the fourth login's scheduled", func() bool { return r.counts(each).Total == 4 })
	r.clock.Advance(10 * time.Minute)
	r.patiently("the fourth login's", func() bool { return r.counts(each).Sent == 4 })
	if c := r.counts(once); c.Total != 1 {
		t.Fatalf("once per contact made %+v", c)
	}
}

func TestNudgeUntilEndsTheWeeklyNewsletter(t *testing.T) {
	r := nudgeRig(t)
	r.run()
	r.nudge("start", "Subscribed", bot.Nudge{Trigger: "subscribed", Delay: bot.Delay{Unit: bot.DelayMinute}}, nil)
	// Every Monday at 9:00 after a nudge completes: the start, then each
	// issue of its own.
	monday9 := bot.Delay{Unit: bot.DelayWeekday, Weekday: time.Monday, At: 9 * 60, AtSet: true}
	weekly := r.nudge("weekly", "This week", bot.Nudge{Trigger: string(bot.EventNudgeCompleted), Delay: monday9, Until: "unsubscribed", EachTime: true}, nil)
	ana := r.contact("1001", nil)
	r.event("subscribed", ana, nil)
	r.waitReal("the first issue scheduled", func() bool { return r.counts(weekly).Total == 1 })
	mondays := []time.Time{time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC), time.Date(2026, 12, 14, 9, 0, 0, 0, time.UTC)}
	for i, m := range mondays {
		r.clock.Set(m)
		r.patiently("an issue", func() bool { return r.counts(weekly).Sent == i+1 })
		r.waitReal("the next issue scheduled", func() bool { return r.counts(weekly).Total == i+2 })
	}
	r.clock.Set(time.Date(2026, 12, 16, 12, 0, 0, 0, time.UTC))
	r.event("unsubscribed", ana, nil)
	r.clock.Set(time.Date(2026, 12, 21, 9, 0, 0, 0, time.UTC))
	r.patiently("the third issue, stopped", func() bool { return r.counts(weekly).Skipped == 1 })
	r.clock.Advance(30 * 24 * time.Hour)
	r.waitReal("the scheduler to read the log", func() bool {
		c, _ := r.db.NudgeCursor(context.Background())
		last, _ := r.db.LastEventSeq(context.Background())
		return c == last
	})
	if c := r.counts(weekly); c.Total != 3 || c.Sent != 2 {
		t.Fatalf("weekly counts %+v: an until event must end it", c)
	}
	if s := r.sendings(weekly)[2]; !strings.HasPrefix(s.Reason, "stopped: unsubscribed") {
		t.Fatalf("reason %q", s.Reason)
	}
}

func TestNudgeFoundLongOverdueIsSkipped(t *testing.T) {
	r := nudgeRig(t)
	r.run()
	id := r.nudge("late", "Late", bot.Nudge{Trigger: "signed_up", Delay: bot.Delay{N: 1, Unit: bot.DelayHour}, MaxLate: time.Hour}, nil)
	ana := r.contact("1001", nil)
	// A backfilled event from two days ago: its firing was due long ago.
	if err := r.db.AppendEvent(context.Background(), &bot.Event{Type: bot.EventCustom, Name: "signed_up", ContactID: ana, At: t0.Add(-48 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	r.engine.EventsRecorded()
	r.patiently("the firing, skipped", func() bool { return r.counts(id).Skipped == 1 })
	if s := r.sendings(id)[0]; !strings.HasPrefix(s.Reason, "too late") {
		t.Fatalf("reason %q", s.Reason)
	}
	if len(r.tg.Sent()) != 0 {
		t.Fatal("a firing too late was sent")
	}
}

// TestNudgeRestartWithTenThousandWaiting schedules 10,000 firings, half
// before herald stops and half from events recorded while it is down (and
// some sent again under the same keys), restarts it on the same file, and
// lets every firing come due: each contact gets its message once.
func TestNudgeRestartWithTenThousandWaiting(t *testing.T) {
	if testing.Short() {
		t.Skip("10,000 contacts")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	r := newRigAt(t, path)
	r.engine.NudgePoll = 24 * time.Hour
	r.run()
	id := r.nudge("later", "Later", bot.Nudge{Trigger: "signed_up", Delay: bot.Delay{N: 2, Unit: bot.DelayHour}}, nil)
	const n = 10000
	cs := make([]*bot.Contact, n)
	for i := range cs {
		cs[i] = &bot.Contact{Addresses: []bot.ContactAddress{{Address: bot.Address{Platform: bot.PlatformTelegram, ID: fmt.Sprint(100000 + i)}, Reach: bot.ReachReachable}}}
	}
	if err := r.db.CreateContacts(ctx, cs); err != nil {
		t.Fatal(err)
	}
	// The first half is scheduled before the stop; the second half's
	// events are recorded while herald is down (the engine never read
	// them), and scheduled at the restart from the durable cursor.
	record := func(from, to int) {
		evs := make([]*bot.Event, 0, to-from)
		keys := make([]string, 0, to-from)
		for i := from; i < to; i++ {
			evs = append(evs, &bot.Event{Type: bot.EventCustom, Name: "signed_up", ContactID: cs[i].ID, At: r.clock.Now()})
			keys = append(keys, fmt.Sprint("k", i))
		}
		if _, err := r.db.RecordEvents(ctx, "test", evs, keys); err != nil {
			t.Fatal(err)
		}
	}
	record(0, n/2)
	r.engine.EventsRecorded()
	r.waitReal("the first half scheduled", func() bool { return r.counts(id).Total == n/2 })
	r.halt()
	record(n/2, n)
	record(0, 10) // sent again by a client that did not see its answer: nothing new
	r.db.Close()

	r2 := newRigAt(t, path)
	r2.engine.NudgePoll = 24 * time.Hour
	r2.engine.Window, r2.engine.Workers = 1024, 32 // 10,000 to send, not a window's paging
	r2.clock.Set(r.clock.Now())
	r2.run()
	r2.engine.EventsRecorded()
	r2.waitReal("every firing scheduled", func() bool { return r2.counts(id).Total == n })
	r2.clock.Advance(2 * time.Hour)
	r2.patiently("every firing sent", func() bool { return r2.counts(id).Sent == n })
	got := map[string]int{}
	for _, s := range r2.tg.Sent() {
		got[s.To.ID]++
	}
	if len(got) != n {
		t.Fatalf("%d contacts got a message, want %d", len(got), n)
	}
	for to, k := range got {
		if k != 1 {
			t.Fatalf("%s got %d messages", to, k)
		}
	}
}

// TestNudgeAsAModeratorWithACopy: a nudge sent as a moderator carries
// their name; one with a copy keeps, after each firing sent, a post for
// the moderator in the outbox.
func TestNudgeAsAModeratorWithACopy(t *testing.T) {
	r := nudgeRig(t)
	woken := make(chan struct{}, 10)
	r.engine.Copies, r.engine.CopiesQueued = r.db, func() { woken <- struct{}{} }
	r.run()
	mod := bot.Address{Platform: bot.PlatformTelegram, ID: "-100777"}
	r.nudge("hello", "Hello", bot.Nudge{Trigger: "signed_up", Delay: bot.Delay{Unit: bot.DelayMinute}, From: "Alice", CopyTo: mod, CopyText: "The welcome went to {{contact}} ({{event.course}})"}, nil)
	ana := r.contact("1001", nil)
	r.event("signed_up", ana, map[string]string{"course": "Go"})
	select {
	case <-woken:
	case <-time.After(20 * time.Second):
		t.Fatal("no copy was kept")
	}
	posts, err := r.db.Outbox(context.Background(), 0, 0)
	if err != nil || len(posts) != 1 {
		t.Fatalf("outbox %+v %v", posts, err)
	}
	if p := posts[0]; p.To != mod || p.Message.Text != "The welcome went to telegram:1001 (Go)" || p.Class != bot.ClassBulk {
		t.Fatalf("the copy %+v", p)
	}
	if got := r.sentTo("1001"); len(got) != 1 || got[0].Text != "Alice: Hello" {
		t.Fatalf("sent as Alice: %+v", got)
	}
}

// TestNudgeAfterACampaignReachedThem: while a nudge listens for
// campaign_sent, a campaign's sends are recorded as events, and the nudge
// follows each person the campaign reached.
func TestNudgeAfterACampaignReachedThem(t *testing.T) {
	r := nudgeRig(t)
	r.run()
	follow := r.nudge("follow-up", "Did you read it?", bot.Nudge{Trigger: string(bot.EventCampaignSent), Delay: bot.Delay{N: 1, Unit: bot.DelayDay}}, nil)
	r.contact("1001", nil)
	r.contact("1002", nil)
	r.list("people", telegramFile(2))
	id := r.campaign("people", "News", nil)
	if _, err := r.svc.Start(context.Background(), id, mod); err != nil {
		t.Fatal(err)
	}
	r.patiently("the campaign", func() bool { return r.state(id) == bot.CampaignDone })
	r.waitReal("the follow-ups scheduled", func() bool { return r.counts(follow).Total == 2 })
	r.clock.Advance(24 * time.Hour)
	r.patiently("the follow-ups", func() bool { return r.counts(follow).Sent == 2 })
	for _, to := range []string{"1001", "1002"} {
		if got := r.sentTo(to); len(got) != 2 || got[0].Text != "News" || got[1].Text != "Did you read it?" {
			t.Fatalf("%s got %+v", to, got)
		}
	}
}

// TestNudgeEditedWhileWaiting: a new text applies to the firings not sent
// yet; deleting the nudge cancels those still waiting.
func TestNudgeEditedWhileWaiting(t *testing.T) {
	r := nudgeRig(t)
	r.run()
	id := r.nudge("edited", "First text", bot.Nudge{Trigger: "signed_up", Delay: bot.Delay{N: 1, Unit: bot.DelayHour}}, nil)
	ana, bob := r.contact("1001", nil), r.contact("1002", nil)
	r.event("signed_up", ana, nil)
	r.waitReal("Ana's firing", func() bool { return r.counts(id).Total == 1 })
	if _, err := r.svc.SetMessage(context.Background(), id, bot.Message{Text: "Second text"}, mod); err != nil {
		t.Fatal(err)
	}
	r.engine.Sync()
	r.clock.Advance(time.Hour)
	r.patiently("Ana's firing sent", func() bool { return r.counts(id).Sent == 1 })
	if got := r.sentTo("1001"); len(got) != 1 || got[0].Text != "Second text" {
		t.Fatalf("Ana got %+v", got)
	}
	r.event("signed_up", bob, nil)
	r.waitReal("Bob's firing", func() bool { return r.counts(id).Total == 2 })
	if _, err := r.svc.Cancel(context.Background(), id, mod); err != nil {
		t.Fatal(err)
	}
	r.waitReal("Bob's firing cancelled", func() bool { return r.counts(id).Skipped == 1 })
	r.clock.Advance(2 * time.Hour)
	if got := r.sentTo("1002"); len(got) != 0 {
		t.Fatalf("Bob got %+v after the nudge was deleted", got)
	}
}
