package campaigns_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/csvfile"
)

// These tests drive campaigns.Service over the in-memory store
// (bot/bottest); engine's tests drive it over a real engine.

var epoch = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// TestCheckCountsTheAudience checks that a campaign's audience is counted
// before anything is sent: the contacts reachable on a platform, or the
// rows of a list.
func TestCheckCountsTheAudience(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(epoch)
	db := bottest.NewStore(clock)
	mod := bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, Name: "Mo"}
	people := &contacts.Service{Store: db, Clock: clock}
	for i := range 5 {
		reach := bot.ReachReachable
		if i%2 == 1 {
			reach = bot.ReachBlocked
		}
		people.Seen(ctx, bot.Address{Platform: bot.PlatformTelegram, ID: fmt.Sprint(i)}, "", "", reach)
	}
	people.Seen(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "U2"}, "Bob", "", bot.ReachReachable)
	rd, err := csvfile.NewReader(strings.NewReader("email\na@x.org\nb@x.org\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&lists.Service{Store: db}).Import(ctx, "l", rd, lists.Replace, mod); err != nil {
		t.Fatal(err)
	}
	svc := &campaigns.Service{Store: db, Clock: clock} // drafts never reach the dispatcher
	c, err := svc.Create(ctx, "c", mod)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Check(ctx, c.ID); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("check without an audience: %v", err)
	}
	for _, tc := range []struct {
		a    bot.Audience
		want int
	}{
		{bot.Audience{Kind: bot.AudiencePlatform, Platform: bot.PlatformTelegram}, 3},
		{bot.Audience{Kind: bot.AudienceList, List: "l"}, 2},
	} {
		if _, err := svc.SetAudience(ctx, c.ID, tc.a, mod); err != nil {
			t.Fatal(err)
		}
		if chk, err := svc.Check(ctx, c.ID); err != nil || chk.Audience != tc.want {
			t.Errorf("%s: check = %+v, %v; want %d", tc.a, chk, err, tc.want)
		}
	}
	for _, a := range []bot.Audience{{}, {Kind: bot.AudiencePlatform, Platform: "fax"}} {
		if _, err := svc.SetAudience(ctx, c.ID, a, mod); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%+v: %v", a, err)
		}
	}
	if _, err := svc.SetAudience(ctx, c.ID, bot.Audience{Kind: bot.AudienceList, List: "nope"}, mod); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Errorf("missing list: %v", err)
	}
}
