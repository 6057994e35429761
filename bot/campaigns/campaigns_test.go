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

// rowCounter is the store counting the list rows read.
type rowCounter struct {
	*bottest.Store
	rows int
}

func (r *rowCounter) Recipients(ctx context.Context, name string, after uint64, limit int) ([]bot.Recipient, error) {
	rs, err := r.Store.Recipients(ctx, name, after, limit)
	r.rows += len(rs)
	return rs, err
}

// TestCheckKnowsFromTheListsCounts: when every row of the list has what
// the message reads (or the key or a default gives it), the check says so
// without reading a row; when some lack it, it reads them to name them.
func TestCheckKnowsFromTheListsCounts(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(epoch)
	db := &rowCounter{Store: bottest.NewStore(clock)}
	mod := bot.Actor{Name: "Mo"}
	imp := func(name, file string) {
		rd, err := csvfile.NewReader(strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := (&lists.Service{Store: db}).Import(ctx, name, rd, lists.Replace, mod); err != nil {
			t.Fatal(err)
		}
	}
	imp("full", "email,First Name,city\na@x.org,Ana,Lyon\nb@x.org,Bob,\n")
	imp("gaps", "email,first_name\na@x.org,Ana\nb@x.org,\n")
	svc := &campaigns.Service{Store: db, Clock: clock}
	check := func(list, text string, defaults map[string]string) *campaigns.Check {
		t.Helper()
		c, _ := svc.Create(ctx, "c", mod)
		svc.SetMessage(ctx, c.ID, bot.Message{Text: text}, mod)
		svc.SetAudience(ctx, c.ID, bot.Audience{Kind: bot.AudienceList, List: list}, mod)
		if defaults != nil {
			db.UpdateCampaign(ctx, c.ID, func(c *bot.Campaign) error { c.Defaults = defaults; return nil })
		}
		db.rows = 0
		chk, err := svc.Check(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return chk
	}
	if chk := check("full", "Hi {{first_name}} <{{email}}>", nil); chk.LackingTotal != 0 || db.rows != 0 {
		t.Fatalf("everyone has a first name: %+v, %d rows read", chk, db.rows)
	}
	if chk := check("full", "Hi {{first_name}} from {{city}}", map[string]string{"city": "your town"}); chk.LackingTotal != 0 || db.rows != 0 {
		t.Fatalf("a default fills the city: %+v, %d rows read", chk, db.rows)
	}
	if chk := check("full", "From {{city}}", nil); chk.LackingTotal != 1 || chk.Lacking[0].Key != "b@x.org" || db.rows == 0 {
		t.Fatalf("Bob has no city: %+v", chk)
	}
	if chk := check("gaps", "Hi {{first_name}}", nil); chk.LackingTotal != 1 || chk.Lacking[0].Key != "b@x.org" {
		t.Fatalf("gaps: %+v", chk)
	}
}
