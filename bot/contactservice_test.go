package bot_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
)

// These tests drive bot.ContactService over the real store.

func TestContactDirectory(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	clock := bottest.NewClock(svcEpoch)
	svc := &bot.ContactService{Store: db, Clock: clock}

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
	svc := &bot.ContactService{Store: db, Clock: bottest.NewClock(svcEpoch)}
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

func TestAudienceSize(t *testing.T) {
	ctx := context.Background()
	db := bottest.NewStore(bottest.NewClock(svcEpoch))
	svc := &bot.ContactService{Store: db, Clock: bottest.NewClock(svcEpoch)}
	for i := range 5 {
		reach := bot.ReachReachable
		if i%2 == 1 {
			reach = bot.ReachBlocked
		}
		svc.Seen(ctx, bot.Address{Platform: bot.PlatformTelegram, ID: fmt.Sprint(i)}, "", "", reach)
	}
	svc.Seen(ctx, slackBob, "Bob", "", bot.ReachReachable)
	if n, err := bot.AudienceSize(ctx, db, db, bot.Audience{Kind: bot.AudiencePlatform, Platform: bot.PlatformTelegram}); err != nil || n != 3 {
		t.Fatalf("reachable on telegram: %d, %v", n, err)
	}
	lists := &bot.ListService{Store: db}
	if _, err := lists.Import(ctx, "l", mustReader(t, "email\na@x.org\nb@x.org\n"), bot.ImportReplace, listMod); err != nil {
		t.Fatal(err)
	}
	if n, err := bot.AudienceSize(ctx, db, db, bot.Audience{Kind: bot.AudienceList, List: "l"}); err != nil || n != 2 {
		t.Fatalf("list audience: %d, %v", n, err)
	}
	for _, a := range []bot.Audience{{}, {Kind: bot.AudiencePlatform, Platform: "fax"}} {
		if _, err := bot.AudienceSize(ctx, db, db, a); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%+v: %v", a, err)
		}
	}
	if _, err := bot.AudienceSize(ctx, db, db, bot.Audience{Kind: bot.AudienceList, List: "nope"}); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("missing list: %v", err)
	}
}
