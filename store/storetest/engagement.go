package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/engagement"
)

// engagementStore: a sending's engagement is made on first use and
// changed after; the campaign's counts follow the records (a recipient
// seen or clicking counts once, clicks all), a failing change leaves both
// as they were, and campaigns do not mix.
func engagementStore(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	click := func(e *engagement.Record) error {
		if e.Clicks == 0 {
			e.FirstClick = epoch
		}
		e.Clicks++
		e.LastClick = epoch.Add(time.Minute)
		return nil
	}
	seen := func(e *engagement.Record) error {
		if e.SeenAt.IsZero() {
			e.SeenAt = epoch
		}
		return nil
	}
	for _, step := range []struct {
		sid bot.SendingID
		fn  func(*engagement.Record) error
	}{{1, seen}, {1, seen}, {1, click}, {1, click}, {2, click}, {3, seen}} {
		if _, err := db.Engage(ctx, 7, step.sid, step.fn); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Engage(ctx, 8, 1, click); err != nil {
		t.Fatal(err)
	}
	e, err := db.Engage(ctx, 7, 1, func(e *engagement.Record) error {
		e.Clicks += 10
		return bot.Errorf(bot.ECONFLICT, "refused")
	})
	code(t, err, bot.ECONFLICT)
	if e != nil {
		t.Fatalf("a failed change returned %+v", e)
	}
	if e, err := db.Engagement(ctx, 7, 1); err != nil || e.Clicks != 2 || !e.SeenAt.Equal(epoch) || e.SendingID != 1 {
		t.Fatalf("one engagement: %+v %v", e, err)
	}
	if e, err := db.Engagement(ctx, 7, 99); err != nil || e.Clicks != 0 || !e.SeenAt.IsZero() || e.SendingID != 99 || e.CampaignID != 7 {
		t.Fatalf("none recorded: %+v %v", e, err)
	}
	want := engagement.Counts{Seen: 2, Clicked: 2, Clicks: 3}
	if n, err := db.EngagementCounts(ctx, 7); err != nil || n != want {
		t.Fatalf("counts: %+v %v, want %+v", n, err, want)
	}
	if n, _ := db.EngagementCounts(ctx, 99); n != (engagement.Counts{}) {
		t.Fatalf("a campaign without engagement: %+v", n)
	}
	var got []engagement.Record
	if err := db.Engagements(ctx, 7, func(e *engagement.Record) error { got = append(got, *e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].SendingID != 1 || got[0].Clicks != 2 || !got[0].SeenAt.Equal(epoch) || !got[0].FirstClick.Equal(epoch) ||
		got[1].SendingID != 2 || got[2].SendingID != 3 || got[2].Clicks != 0 || got[0].CampaignID != 7 {
		t.Fatalf("records: %+v", got)
	}
	// The counts equal a recount of the records.
	var re engagement.Counts
	for _, e := range got {
		re.Seen += one(!e.SeenAt.IsZero())
		re.Clicked += one(e.Clicks > 0)
		re.Clicks += e.Clicks
	}
	if re != want {
		t.Fatalf("recount %+v, counts %+v", re, want)
	}
}

func one(b bool) int {
	if b {
		return 1
	}
	return 0
}
