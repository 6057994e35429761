package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lifecycle"
)

// nudgeStore checks the nudge scheduler's ports: events found by contact
// (by ContactID, or by an address a contact holds), the cursor written
// with the sendings, once per contact kept across calls, only running or
// paused nudges taking sendings, and completions recorded with their
// sending's outcome.
func nudgeStore(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	ana := &bot.Contact{Name: "Ana", Addresses: []bot.ContactAddress{{Address: anaT}}}
	bob := &bot.Contact{Name: "Bob"}
	for _, c := range []*bot.Contact{ana, bob} {
		if err := db.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	if seq, err := db.LastEventSeq(ctx); err != nil || seq != 0 {
		t.Fatalf("last event of an empty log: %d %v", seq, err)
	}
	for _, e := range []*bot.Event{
		{Type: bot.EventCustom, Name: "signed_up", ContactID: ana.ID},
		{Type: bot.EventCustom, Name: "signed_up", ContactID: bob.ID},
		{Type: bot.EventMessageReceived, Subject: anaT}, // Ana's, by her address
		{Type: bot.EventMessageReceived, Subject: bot.Address{Platform: bot.PlatformSlack, ID: "UNOBODY"}},
	} {
		if err := db.AppendEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := db.ContactEvents(ctx, ana.ID, 0, 0)
	if err != nil || len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 3 {
		t.Fatalf("Ana's events: %+v %v", evs, err)
	}
	if evs, _ := db.ContactEvents(ctx, ana.ID, 1, 0); len(evs) != 1 || evs[0].Seq != 3 {
		t.Fatalf("Ana's events after 1: %+v", evs)
	}
	// Newest first, below a Seq, up to a limit.
	seqs := func(evs []*bot.Event, err error) []uint64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var out []uint64
		for _, e := range evs {
			out = append(out, e.Seq)
		}
		return out
	}
	for _, c := range []struct {
		id     bot.ContactID
		before uint64
		limit  int
		want   []uint64
	}{
		{ana.ID, 0, 0, []uint64{3, 1}},
		{ana.ID, 3, 0, []uint64{1}},
		{ana.ID, 4, 0, []uint64{3, 1}},
		{ana.ID, 99, 0, []uint64{3, 1}},
		{ana.ID, 1, 0, nil},
		{ana.ID, 0, 1, []uint64{3}},
		{bob.ID, 0, 0, []uint64{2}},
		{bob.ID + 100, 0, 0, nil},
	} {
		if got := seqs(db.ContactEventsBefore(ctx, c.id, c.before, c.limit)); !slices.Equal(got, c.want) {
			t.Errorf("ContactEventsBefore(%d, %d, %d) = %v, want %v", c.id, c.before, c.limit, got, c.want)
		}
	}
	if last, _ := db.LastEventSeq(ctx); last != 4 {
		t.Fatalf("last event %d, want 4", last)
	}

	newNudge := func(each bool, state bot.CampaignState) *bot.Campaign {
		c := &bot.Campaign{Name: "n", State: bot.CampaignDraft, Nudge: &bot.Nudge{Trigger: "signed_up", EachTime: each}}
		if err := db.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
		for _, to := range map[bot.CampaignState][]bot.CampaignState{
			bot.CampaignDraft:   nil,
			bot.CampaignRunning: {bot.CampaignScheduled, bot.CampaignRunning},
			bot.CampaignPaused:  {bot.CampaignScheduled, bot.CampaignRunning, bot.CampaignPaused},
		}[state] {
			if _, err := db.UpdateCampaign(ctx, c.ID, func(c *bot.Campaign) error { return lifecycle.Transition(c, to, epoch, bot.Actor{}) }); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	once, each, paused, draft := newNudge(false, bot.CampaignRunning), newNudge(true, bot.CampaignRunning), newNudge(false, bot.CampaignPaused), newNudge(false, bot.CampaignDraft)
	firing := func(c *bot.Campaign, who *bot.Contact) *bot.Sending {
		return &bot.Sending{CampaignID: c.ID, Key: who.Name, Source: uint64(who.ID), State: bot.SendingScheduled, PlannedAt: epoch.Add(time.Hour)}
	}
	if cur, _ := db.NudgeCursor(ctx); cur != 0 {
		t.Fatalf("cursor of a new store %d", cur)
	}
	batch := []*bot.Sending{firing(once, ana), firing(once, ana), firing(each, ana), firing(each, ana), firing(paused, bob), firing(draft, bob),
		{CampaignID: 999, Source: uint64(ana.ID), State: bot.SendingScheduled}}
	if err := db.ScheduleNudges(ctx, 2, batch); err != nil {
		t.Fatal(err)
	}
	made := []bool{true, false, true, true, true, false, false}
	for i, s := range batch {
		if (s.ID != 0) != made[i] {
			t.Errorf("sending %d: ID %d, want made %v", i, s.ID, made[i])
		}
	}
	if cur, _ := db.NudgeCursor(ctx); cur != 2 {
		t.Fatalf("cursor %d, want 2", cur)
	}
	again := []*bot.Sending{firing(once, ana), firing(once, bob)}
	if err := db.ScheduleNudges(ctx, 4, again); err != nil {
		t.Fatal(err)
	}
	if again[0].ID != 0 || again[1].ID == 0 {
		t.Fatalf("once per contact across calls: %d %d", again[0].ID, again[1].ID)
	}
	if c, _ := db.SendingCounts(ctx, once.ID); c.Total != 2 || c.Scheduled != 2 {
		t.Fatalf("once's counts %+v", c)
	}
	if due, _ := db.DueSendings(ctx, each.ID, bot.DuePos{}, 0); len(due) != 2 {
		t.Fatalf("each's due sendings %d, want 2", len(due))
	}

	// A completion goes with its sending's outcome.
	s := batch[0]
	s.State = bot.SendingSent
	done := &bot.Event{Type: bot.EventNudgeCompleted, ContactID: ana.ID, CampaignID: once.ID}
	if err := db.ApplySendings(ctx, nil, []*bot.Sending{s}, []*bot.Event{done}); err != nil {
		t.Fatal(err)
	}
	if done.Seq != 5 {
		t.Fatalf("completion Seq %d, want 5", done.Seq)
	}
	if evs, _ := db.ContactEvents(ctx, ana.ID, 3, 0); len(evs) != 1 || evs[0].Type != bot.EventNudgeCompleted {
		t.Fatalf("Ana's events after 3: %+v", evs)
	}
	// All or nothing: a missing sending records no completion either.
	lost := &bot.Sending{CampaignID: once.ID, ID: 99, State: bot.SendingSent}
	code(t, db.ApplySendings(ctx, nil, []*bot.Sending{lost}, []*bot.Event{{Type: bot.EventNudgeCompleted, ContactID: ana.ID}}), bot.ENOTFOUND)
	if last, _ := db.LastEventSeq(ctx); last != 5 {
		t.Fatalf("a refused batch recorded its event: last %d", last)
	}
}
