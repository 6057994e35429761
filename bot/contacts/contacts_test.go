package contacts_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/contacts"
)

// These tests drive contacts.Service over the in-memory store
// (bot/bottest), which passes the same conformance suite as the bbolt
// store.

var (
	svcEpoch    = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	slackAna    = bot.Address{Platform: bot.PlatformSlack, ID: "U1"}
	telegramAna = bot.Address{Platform: bot.PlatformTelegram, ID: "1001"}
	slackBob    = bot.Address{Platform: bot.PlatformSlack, ID: "U2"}
)

func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := bot.ErrorCode(err); got != want {
		t.Fatalf("error %v has code %q, want %q", err, got, want)
	}
}

func TestContactDirectory(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	clock := bottest.NewClock(svcEpoch)
	svc := &contacts.Service{Store: db, Clock: clock}

	// Ana writes on Telegram without having started the bot... then starts it.
	c, err := svc.Seen(ctx, telegramAna, "Ana", "", bot.ReachNotStarted)
	if err != nil || c.Name != "Ana" || len(c.Addresses) != 1 || c.Addresses[0].Reach != bot.ReachNotStarted {
		t.Fatalf("first seen: %+v, %v", c, err)
	}
	clock.Advance(time.Hour)
	c, err = svc.Seen(ctx, telegramAna, "Ana L.", "ana@example.org", bot.ReachReachable)
	if err != nil || c.Name != "Ana" || c.Email != "ana@example.org" || c.Addresses[0].Reach != bot.ReachReachable || !c.LastSeen.Equal(svcEpoch.Add(time.Hour)) {
		t.Fatalf("seen again: %+v, %v", c, err)
	}
	// The same person on Slack, known by email: one contact, two addresses.
	s, err := svc.Seen(ctx, slackAna, "", "ANA@example.org", bot.ReachUnknown)
	if err != nil || s.ID != c.ID || len(s.Addresses) != 2 {
		t.Fatalf("seen on slack: %+v, %v", s, err)
	}
	if _, err := svc.Seen(ctx, bot.Address{Platform: "fax", ID: "1"}, "", "", bot.ReachUnknown); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("bad address: %v", err)
	}

	// The bot gets blocked on Telegram; list attributes reach the contact.
	if err := svc.SetReach(ctx, telegramAna, bot.ReachBlocked); err != nil {
		t.Fatal(err)
	}
	if err := svc.Assign(ctx, c.ID, map[string]string{"first_name": "Ana", "city": "Lyon", "empty": ""}); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Contact(ctx, c.ID)
	if a, _ := got.AddressOn(bot.PlatformTelegram); a.Reach != bot.ReachBlocked {
		t.Fatalf("telegram reach = %q", a.Reach)
	}
	if len(got.Attributes) != 2 || got.Attributes["city"] != "Lyon" {
		t.Fatalf("attributes = %v", got.Attributes)
	}
	wantCode(t, svc.SetReach(ctx, slackBob, bot.ReachBlocked), bot.ENOTFOUND)
}

func TestSeenConcurrentlyMakesOneContact(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	svc := &contacts.Service{Store: db, Clock: bottest.NewClock(svcEpoch)}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := svc.Seen(ctx, telegramAna, "Ana", "", bot.ReachReachable); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n, _ := db.CountContacts(ctx, bot.ContactFilter{}); n != 1 {
		t.Fatalf("%d contacts for one person", n)
	}
}
