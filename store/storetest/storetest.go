package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/apitokens"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/engagement"
	"github.com/heraldchat/herald/bot/events"
	"github.com/heraldchat/herald/bot/lifecycle"
	"github.com/heraldchat/herald/bot/nudges"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/schedule"
	"github.com/heraldchat/herald/bot/surveys"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/bot/webhooks"
)

// Store is every store port of bot: what an implementation must provide to
// pass the suite.
type Store interface {
	bot.OutboxStore
	threads.IntakeStore
	threads.ContactHistory
	bot.CampaignStore
	bot.SendingStore
	bot.ListStore
	bot.ContactStore
	bot.EventStore
	bot.ConversationStore
	bot.PostStore
	threads.SnippetStore
	apitokens.Store
	events.Recorder
	nudges.Store
	recipes.RecipeStore
	schedule.CalendarStore
	webhooks.Store
	recipes.FilterStore
	surveys.Store
	engagement.RecordStore
}

// Opener returns a fresh, empty store stamped by clock, closed when the
// test ends.
type Opener func(t *testing.T, clock clock.Clock) Store

// Epoch is the time a store's clock reads during the suite.
var Epoch = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

var epoch = Epoch

// Run runs the conformance suite against stores made by open: every
// behaviour of the store ports that services rely on (identity and
// indexes, conflicts, all-or-nothing batches, counters equal to the
// records, exactly one conversation per participant, files kept with
// their post).
func Run(t *testing.T, opener Opener) {
	open := func(t *testing.T) Store { return opener(t, bottest.NewClock(Epoch)) }
	t.Run("ContactRoundTrip", func(t *testing.T) { contactRoundTrip(t, open) })
	t.Run("MoveAddress", func(t *testing.T) { moveAddress(t, open) })
	t.Run("ListRoundTrip", func(t *testing.T) { listRoundTrip(t, open) })
	t.Run("ReplaceRecipients", func(t *testing.T) { replaceRecipients(t, open) })
	t.Run("CampaignRoundTrip", func(t *testing.T) { campaignRoundTrip(t, open) })
	t.Run("SendingRoundTrip", func(t *testing.T) { sendingRoundTrip(t, open) })
	t.Run("DueSendings", func(t *testing.T) { dueSendings(t, open) })
	t.Run("ConversationRoundTrip", func(t *testing.T) { conversationRoundTrip(t, open) })
	t.Run("ConversationForIsExactlyOnce", func(t *testing.T) { conversationForIsExactlyOnce(t, open) })
	t.Run("DueConversations", func(t *testing.T) { dueConversations(t, open) })
	t.Run("EventLog", func(t *testing.T) { eventLog(t, open) })
	t.Run("CancelledContextTouchesNothing", func(t *testing.T) { cancelledContextTouchesNothing(t, open) })
	t.Run("CountsMatchRecords", func(t *testing.T) { countsMatchRecords(t, open) })
	t.Run("PostFilesAreKeptWithTheirPost", func(t *testing.T) { postFilesAreKeptWithTheirPost(t, open) })
	t.Run("Snippets", func(t *testing.T) { snippets(t, open) })
	t.Run("Outbox", func(t *testing.T) { outbox(t, open) })
	t.Run("Intake", func(t *testing.T) { intake(t, opener) })
	t.Run("Secrets", func(t *testing.T) { secrets(t, open) })
	t.Run("APITokens", func(t *testing.T) { apiTokens(t, open) })
	t.Run("RecordEvents", func(t *testing.T) { recordEvents(t, opener) })
	t.Run("Nudges", func(t *testing.T) { nudgeStore(t, open) })
	t.Run("RecipeStore", func(t *testing.T) { recipeStore(t, open) })
	t.Run("Calendars", func(t *testing.T) { calendars(t, open) })
	t.Run("TickNotify", func(t *testing.T) { tickNotify(t, open) })
	t.Run("Webhooks", func(t *testing.T) { webhookEndpoints(t, open) })
	t.Run("Filters", func(t *testing.T) { filters(t, open) })
	t.Run("SurveyStore", func(t *testing.T) { surveyStore(t, open) })
	t.Run("Engagement", func(t *testing.T) { engagementStore(t, open) })
}

var (
	ana  = bot.Address{Platform: bot.PlatformSlack, ID: "U1"}
	anaT = bot.Address{Platform: bot.PlatformTelegram, ID: "1001"}
	bob  = bot.Address{Platform: bot.PlatformSlack, ID: "U2"}
	mod  = bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, Name: "Mo"}
)

func code(t testing.TB, err error, want string) {
	t.Helper()
	if got := bot.ErrorCode(err); got != want {
		t.Fatalf("error %v has code %q, want %q", err, got, want)
	}
}

// moveAddress: a confirmed second device moves to the contact it proved
// to be; both contacts and the address index change together.
func moveAddress(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	web := bot.Address{Platform: bot.PlatformWeb, ID: "v2"}
	first := &bot.Contact{Email: "ana@example.org", Addresses: []bot.ContactAddress{{Address: ana}}}
	second := &bot.Contact{Addresses: []bot.ContactAddress{{Address: web, Reach: bot.ReachReachable}}, Claim: &bot.EmailClaim{Email: "ana@example.org"}}
	for _, c := range []*bot.Contact{first, second} {
		if err := db.CreateContact(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.MoveAddress(ctx, web, first.ID)
	if err != nil || got.ID != first.ID || len(got.Addresses) != 2 || got.Addresses[1].Address != web || got.Addresses[1].Reach != bot.ReachReachable {
		t.Fatalf("moved: %+v %v", got, err)
	}
	if c, err := db.ContactByAddress(ctx, web); err != nil || c.ID != first.ID {
		t.Fatalf("the address points at %+v %v", c, err)
	}
	if c, _ := db.Contact(ctx, second.ID); len(c.Addresses) != 0 || c.Claim != nil {
		t.Fatalf("the contact left: %+v", c)
	}
	if c, err := db.MoveAddress(ctx, web, first.ID); err != nil || len(c.Addresses) != 2 {
		t.Fatalf("moving to its own contact: %+v %v", c, err)
	}
	_, err = db.MoveAddress(ctx, bot.Address{Platform: bot.PlatformWeb, ID: "nobody"}, first.ID)
	code(t, err, bot.ENOTFOUND)
	_, err = db.MoveAddress(ctx, web, 999)
	code(t, err, bot.ENOTFOUND)
}

func contactRoundTrip(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	c := &bot.Contact{
		Name: "Ana", Email: "Ana@Example.org",
		Addresses:  []bot.ContactAddress{{Address: ana, Reach: bot.ReachReachable, CheckedAt: epoch}},
		Attributes: map[string]string{"first_name": "Ana"},
		LastSeen:   epoch,
	}
	if err := db.CreateContact(ctx, c); err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || !c.CreatedAt.Equal(epoch) {
		t.Fatalf("create did not stamp: %+v", c)
	}
	for name, get := range map[string]func() (*bot.Contact, error){
		"id":      func() (*bot.Contact, error) { return db.Contact(ctx, c.ID) },
		"address": func() (*bot.Contact, error) { return db.ContactByAddress(ctx, ana) },
		"email":   func() (*bot.Contact, error) { return db.ContactByEmail(ctx, " ana@EXAMPLE.org") },
	} {
		got, err := get()
		if err != nil || !reflect.DeepEqual(got, c) {
			t.Fatalf("by %s: %+v, %v; want %+v", name, got, err, c)
		}
	}

	err := db.CreateContact(ctx, &bot.Contact{Email: "ana@example.org"})
	code(t, err, bot.ECONFLICT)
	err = db.CreateContact(ctx, &bot.Contact{Addresses: []bot.ContactAddress{{Address: ana}}})
	code(t, err, bot.ECONFLICT)
	err = db.CreateContact(ctx, &bot.Contact{Addresses: []bot.ContactAddress{{Address: bot.Address{Platform: "myspace", ID: "1"}}}})
	code(t, err, bot.EINVALID)

	b := &bot.Contact{Name: "Bob", Addresses: []bot.ContactAddress{{Address: bob}}}
	if err := db.CreateContact(ctx, b); err != nil {
		t.Fatal(err)
	}
	// Move Ana from Slack to Telegram and change her email.
	up, err := db.UpdateContact(ctx, c.ID, func(c *bot.Contact) error {
		c.Addresses = []bot.ContactAddress{{Address: anaT, Reach: bot.ReachNotStarted}}
		c.Email = "ana@new.example"
		return nil
	})
	if err != nil || up.Email != "ana@new.example" {
		t.Fatalf("update: %+v, %v", up, err)
	}
	_, err = db.ContactByAddress(ctx, ana)
	code(t, err, bot.ENOTFOUND)
	_, err = db.ContactByEmail(ctx, "ana@example.org")
	code(t, err, bot.ENOTFOUND)
	if got, err := db.ContactByAddress(ctx, anaT); err != nil || got.ID != c.ID {
		t.Fatalf("by new address: %v, %v", got, err)
	}
	// Taking Bob's address is a conflict and changes nothing.
	_, err = db.UpdateContact(ctx, c.ID, func(c *bot.Contact) error {
		c.Addresses = append(c.Addresses, bot.ContactAddress{Address: bob})
		return nil
	})
	code(t, err, bot.ECONFLICT)
	if got, _ := db.ContactByAddress(ctx, bob); got.ID != b.ID {
		t.Fatal("a refused update moved Bob's address")
	}

	all, err := db.Contacts(ctx, bot.ContactFilter{})
	if err != nil || len(all) != 2 {
		t.Fatalf("contacts: %d, %v", len(all), err)
	}
	slack, _ := db.Contacts(ctx, bot.ContactFilter{Platform: bot.PlatformSlack})
	if len(slack) != 1 || slack[0].ID != b.ID {
		t.Fatalf("slack contacts: %+v", slack)
	}
	reach, _ := db.Contacts(ctx, bot.ContactFilter{Platform: bot.PlatformTelegram, Reachable: true})
	if len(reach) != 0 {
		t.Fatalf("Ana did not start the bot, yet is reachable: %+v", reach)
	}
	page, _ := db.Contacts(ctx, bot.ContactFilter{After: c.ID, Limit: 1})
	if len(page) != 1 || page[0].ID != b.ID {
		t.Fatalf("page after %d: %+v", c.ID, page)
	}

	if err := db.DeleteContact(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.ContactByAddress(ctx, anaT)
	code(t, err, bot.ENOTFOUND)
	code(t, db.DeleteContact(ctx, c.ID), bot.ENOTFOUND)
}

func listRoundTrip(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	l := &bot.List{Name: "Spring-2026", KeyColumn: "email", Columns: []string{"first_name", "city"}, CreatedBy: mod}
	if err := db.CreateList(ctx, l); err != nil {
		t.Fatal(err)
	}
	code(t, db.CreateList(ctx, &bot.List{Name: "spring-2026", KeyColumn: "email"}), bot.ECONFLICT)
	// Names people give are checked by the lists service (lists.ValidateName).

	rs := []bot.Recipient{
		{Key: "ana@example.org", Attributes: map[string]string{"first_name": "Ana", "city": "Lyon"}},
		{Key: "bob@example.org", Attributes: map[string]string{"first_name": "Bob", "city": ""}},
		{Key: "cleo@example.org"},
	}
	if err := db.PutRecipients(ctx, "SPRING-2026", rs, mod); err != nil {
		t.Fatal(err)
	}
	if rs[0].ID != 1 || rs[2].ID != 3 {
		t.Fatalf("ids not set: %+v", rs)
	}
	// Update Ana in place (with a new column), append Dan.
	batch := []bot.Recipient{
		{ID: 1, Key: "ana@example.org", Attributes: map[string]string{"first_name": "Anna", "team": "red"}},
		{Key: "dan@example.org"},
	}
	if err := db.PutRecipients(ctx, "spring-2026", batch, mod); err != nil {
		t.Fatal(err)
	}
	code(t, db.PutRecipients(ctx, "spring-2026", []bot.Recipient{{Key: "eve@example.org"}, {Key: " "}}, mod), bot.EINVALID)
	code(t, db.PutRecipients(ctx, "spring-2026", []bot.Recipient{{ID: 99, Key: "x@example.org"}}, mod), bot.ENOTFOUND)
	code(t, db.PutRecipients(ctx, "nope", []bot.Recipient{{Key: "x@example.org"}}, mod), bot.ENOTFOUND)

	got, err := db.List(ctx, "spring-2026")
	if err != nil || got.Size != 4 || got.Name != "Spring-2026" || !reflect.DeepEqual(got.Columns, []string{"first_name", "city", "team"}) || got.UpdatedBy != mod {
		t.Fatalf("list: %+v, %v", got, err)
	}
	var all []bot.Recipient
	for after := uint64(0); ; {
		page, err := db.Recipients(ctx, "spring-2026", after, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		all = append(all, page...)
		after = page[len(page)-1].ID
	}
	want := []bot.Recipient{
		{ID: 1, Key: "ana@example.org", Attributes: map[string]string{"first_name": "Anna", "team": "red"}},
		{ID: 2, Key: "bob@example.org", Attributes: map[string]string{"first_name": "Bob"}},
		{ID: 3, Key: "cleo@example.org"},
		{ID: 4, Key: "dan@example.org"},
	}
	if !reflect.DeepEqual(all, want) {
		t.Fatalf("recipients =\n%+v\nwant\n%+v (eve never written)", all, want)
	}
	// The filled counts follow the rows: Ana's update took her city and
	// gave her a team; Bob's empty city never counted.
	if want := map[string]int{"first_name": 2, "team": 1}; !reflect.DeepEqual(got.Filled, want) {
		t.Fatalf("filled = %v, want %v", got.Filled, want)
	}

	db.CreateList(ctx, &bot.List{Name: "alpha", KeyColumn: "slack_id"})
	lists, _ := db.Lists(ctx)
	if len(lists) != 2 || lists[0].Name != "alpha" {
		t.Fatalf("lists: %+v", lists)
	}
	if err := db.DeleteList(ctx, "Spring-2026"); err != nil {
		t.Fatal(err)
	}
	_, err = db.Recipients(ctx, "spring-2026", 0, 10)
	code(t, err, bot.ENOTFOUND)
	code(t, db.DeleteList(ctx, "spring-2026"), bot.ENOTFOUND)
	// The name is free again, and the new list starts empty.
	if err := db.CreateList(ctx, &bot.List{Name: "spring-2026", KeyColumn: "email"}); err != nil {
		t.Fatal(err)
	}
	if page, _ := db.Recipients(ctx, "spring-2026", 0, 10); len(page) != 0 {
		t.Fatalf("a recreated list kept old recipients: %v", page)
	}
}

func replaceRecipients(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	put := func(name, key string, keys ...string) {
		t.Helper()
		if err := db.CreateList(ctx, &bot.List{Name: name, KeyColumn: key, CreatedBy: mod}); err != nil {
			t.Fatal(err)
		}
		var rs []bot.Recipient
		for _, k := range keys {
			rs = append(rs, bot.Recipient{Key: k, Attributes: map[string]string{"from": name}})
		}
		if err := db.PutRecipients(ctx, name, rs, mod); err != nil {
			t.Fatal(err)
		}
	}
	keys := func(name string) []string {
		rs, err := db.Recipients(ctx, name, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range rs {
			out = append(out, r.Key+"/"+r.Attributes["from"])
		}
		return out
	}
	put("team", "email", "a@x.org", "b@x.org", "c@x.org")
	put("~import-1", "email", "z@x.org")
	if err := db.ReplaceRecipients(ctx, "team", "~import-1", mod); err != nil {
		t.Fatal(err)
	}
	if got := keys("team"); !reflect.DeepEqual(got, []string{"z@x.org/~import-1"}) {
		t.Fatalf("team after replace = %v", got)
	}
	if l, _ := db.List(ctx, "team"); l.Size != 1 {
		t.Fatalf("size after replace = %d", l.Size)
	}
	_, err := db.List(ctx, "~import-1")
	code(t, err, bot.ENOTFOUND)

	// Into a new name: the staging list is renamed.
	put("~import-2", "email", "n@x.org")
	if err := db.ReplaceRecipients(ctx, "fresh", "~import-2", mod); err != nil {
		t.Fatal(err)
	}
	if got := keys("fresh"); !reflect.DeepEqual(got, []string{"n@x.org/~import-2"}) {
		t.Fatalf("fresh = %v", got)
	}
	// Key columns must match, and a refused swap changes nothing.
	put("~import-3", "slack_id", "U1")
	code(t, db.ReplaceRecipients(ctx, "team", "~import-3", mod), bot.EINVALID)
	if got := keys("~import-3"); len(got) != 1 {
		t.Fatal("a refused swap lost the staging list")
	}
	code(t, db.ReplaceRecipients(ctx, "team", "~nothing", mod), bot.ENOTFOUND)
}

func campaignRoundTrip(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	c := &bot.Campaign{
		Name:      "Welcome",
		Message:   bot.Message{Kind: bot.KindCard, Title: "Hi {{first_name}}", Text: "See you", Buttons: []bot.Button{{Label: "Open", Action: bot.Action{Kind: bot.ActionLink, URL: "https://example.org"}}}},
		Audience:  bot.Audience{Kind: bot.AudienceList, List: "spring"},
		Platform:  bot.PlatformAuto,
		Schedule:  bot.Schedule{StartAt: epoch, Window: 2 * time.Hour, Seed: 42, TimeZone: "Europe/Paris", Days: []time.Weekday{time.Monday, time.Friday}, HoursFrom: 9 * 60, HoursTo: 18 * 60},
		CreatedBy: mod,
		CreatedAt: epoch,
	}
	if err := db.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	got, err := db.Campaign(ctx, c.ID)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("campaign = %+v, %v\nwant %+v", got, err, c)
	}
	code(t, db.CreateCampaign(ctx, &bot.Campaign{Name: "x", State: bot.CampaignRunning}), bot.EINVALID)

	second := &bot.Campaign{Name: "Second"}
	db.CreateCampaign(ctx, second)
	up, err := db.UpdateCampaign(ctx, second.ID, func(c *bot.Campaign) error {
		return lifecycle.Transition(c, bot.CampaignScheduled, epoch.Add(time.Minute), mod)
	})
	if err != nil || up.State != bot.CampaignScheduled || len(up.History) != 1 {
		t.Fatalf("update: %+v, %v", up, err)
	}
	_, err = db.UpdateCampaign(ctx, second.ID, func(c *bot.Campaign) error {
		return lifecycle.Transition(c, bot.CampaignDone, epoch, mod)
	})
	code(t, err, bot.ECONFLICT)
	if again, _ := db.Campaign(ctx, second.ID); again.State != bot.CampaignScheduled {
		t.Fatal("a refused transition was saved")
	}
	_, err = db.UpdateCampaign(ctx, 999, func(*bot.Campaign) error { return nil })
	code(t, err, bot.ENOTFOUND)

	all, _ := db.Campaigns(ctx, bot.CampaignFilter{})
	if len(all) != 2 || all[0].ID != second.ID {
		t.Fatalf("campaigns newest first: %+v", all)
	}
	drafts, _ := db.Campaigns(ctx, bot.CampaignFilter{States: []bot.CampaignState{bot.CampaignDraft}})
	if len(drafts) != 1 || drafts[0].ID != c.ID {
		t.Fatalf("drafts: %+v", drafts)
	}

	code(t, db.DeleteCampaign(ctx, second.ID), bot.ECONFLICT)
	db.CreateSendings(ctx, c.ID, []*bot.Sending{{Key: "a"}})
	if err := db.DeleteCampaign(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	_, err = db.Campaign(ctx, c.ID)
	code(t, err, bot.ENOTFOUND)
	if ss, _ := db.Sendings(ctx, c.ID, 0, 0); len(ss) != 0 {
		t.Fatal("deleting a draft left its sendings")
	}
}

// dueSendings: the open sendings come in due order, page after page, and
// every write (a mark, a retry, an outcome) moves them in that order; a
// cancelled campaign takes no more recipients.
func dueSendings(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	c := &bot.Campaign{Name: "c"}
	db.CreateCampaign(ctx, c)
	// Planned in an order unlike their IDs (a window spreads them).
	minutes := []int{5, 1, 3, 1, 9, 0}
	ss := make([]*bot.Sending, len(minutes))
	for i, m := range minutes {
		ss[i] = &bot.Sending{Key: fmt.Sprint("r", i), PlannedAt: epoch.Add(time.Duration(m) * time.Minute), State: bot.SendingScheduled}
	}
	ss[5].State = bot.SendingSkipped // final from the start: never due
	if err := db.CreateSendings(ctx, c.ID, ss); err != nil {
		t.Fatal(err)
	}
	ids := func(after bot.DuePos, limit int) []bot.SendingID {
		t.Helper()
		page, err := db.DueSendings(ctx, c.ID, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []bot.SendingID
		for _, s := range page {
			out = append(out, s.ID)
		}
		return out
	}
	if got := ids(bot.DuePos{}, 0); !reflect.DeepEqual(got, []bot.SendingID{2, 4, 3, 1, 5}) {
		t.Fatalf("due order: %v", got)
	}
	first, _ := db.DueSendings(ctx, c.ID, bot.DuePos{}, 2)
	if got := ids(bot.PosOf(first[1]), 2); !reflect.DeepEqual(got, []bot.SendingID{3, 1}) {
		t.Fatalf("the page after %v: %v", bot.PosOf(first[1]), got)
	}
	// In flight stays due; sent leaves; a retry moves to its new time.
	if err := db.ApplySendings(ctx, []bot.SendingMark{{CampaignID: c.ID, ID: 2, State: bot.SendingInFlight}}, nil, nil); err != nil {
		t.Fatal(err)
	}
	ss[3].State, ss[3].SentAt = bot.SendingSent, epoch
	ss[0].NextAt, ss[0].Attempts = epoch.Add(20*time.Minute), 1
	if err := db.UpdateSendings(ctx, []*bot.Sending{ss[3], ss[0]}); err != nil {
		t.Fatal(err)
	}
	if got := ids(bot.DuePos{}, 0); !reflect.DeepEqual(got, []bot.SendingID{2, 3, 5, 1}) {
		t.Fatalf("after a mark, a send and a retry: %v", got)
	}
	if got, _ := db.DueSendings(ctx, c.ID, bot.DuePos{}, 1); got[0].State != bot.SendingInFlight {
		t.Fatalf("the in-flight sending reads %+v", got[0])
	}
	if got := ids(bot.DuePos{}, 0); len(got) != 4 {
		t.Fatalf("due: %v", got)
	}
	c.State = bot.CampaignCancelled
	if _, err := db.UpdateCampaign(ctx, c.ID, func(x *bot.Campaign) error { x.State = bot.CampaignCancelled; return nil }); err != nil {
		t.Fatal(err)
	}
	code(t, db.CreateSendings(ctx, c.ID, []*bot.Sending{{Key: "late"}}), bot.ECONFLICT)
	if got, err := db.DueSendings(ctx, 999, bot.DuePos{}, 0); err != nil || len(got) != 0 {
		t.Fatalf("no such campaign: %v %v", got, err)
	}
}

func sendingRoundTrip(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	c := &bot.Campaign{Name: "c"}
	db.CreateCampaign(ctx, c)
	code(t, db.CreateSendings(ctx, 77, []*bot.Sending{{Key: "x"}}), bot.ENOTFOUND)

	ss := make([]*bot.Sending, 10)
	for i := range ss {
		ss[i] = &bot.Sending{Key: fmt.Sprintf("r%d@example.org", i), Attributes: map[string]string{"i": fmt.Sprint(i)}, PlannedAt: epoch.Add(time.Duration(i) * time.Minute)}
	}
	if err := db.CreateSendings(ctx, c.ID, ss); err != nil {
		t.Fatal(err)
	}
	if ss[0].ID != 1 || ss[9].ID != 10 || ss[3].CampaignID != c.ID || ss[3].State != bot.SendingPending {
		t.Fatalf("ids not set: %+v", ss[3])
	}
	got, err := db.Sending(ctx, c.ID, 4)
	if err != nil || !reflect.DeepEqual(got, ss[3]) {
		t.Fatalf("sending 4 = %+v, %v", got, err)
	}
	_, err = db.Sending(ctx, c.ID, 11)
	code(t, err, bot.ENOTFOUND)

	ss[0].State, ss[0].SentAt, ss[0].Message = bot.SendingSent, epoch, bot.MessageRef{Channel: ana, ID: "1.2"}
	ss[1].State, ss[1].Step, ss[1].Error = bot.SendingFailed, bot.StepSend, "blocked"
	ss[2].State, ss[2].Reason = bot.SendingSkipped, "no first_name"
	ss[3].State = bot.SendingInFlight
	ss[4].State = bot.SendingScheduled
	if err := db.UpdateSendings(ctx, ss[:5]); err != nil {
		t.Fatal(err)
	}
	ghost := &bot.Sending{ID: 99, CampaignID: c.ID, State: bot.SendingSent}
	ss[5].State = bot.SendingSent
	code(t, db.UpdateSendings(ctx, []*bot.Sending{ss[5], ghost}), bot.ENOTFOUND)

	counts, err := db.SendingCounts(ctx, c.ID)
	want := bot.SendingCounts{Total: 10, Pending: 5, Scheduled: 1, InFlight: 1, Sent: 1, Failed: 1, Skipped: 1}
	if err != nil || counts != want {
		t.Fatalf("counts = %+v, %v; want %+v (the refused batch must not count)", counts, err, want)
	}
	page, _ := db.Sendings(ctx, c.ID, 8, 5)
	if len(page) != 2 || page[0].ID != 9 {
		t.Fatalf("page after 8: %+v", page)
	}
	if got, _ := db.Sending(ctx, c.ID, 2); got.Step != bot.StepSend || got.Error != "blocked" {
		t.Fatalf("failed sending = %+v", got)
	}
}

func conversationRoundTrip(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	thread := bot.ThreadRef{Channel: bot.Address{Platform: bot.PlatformSlack, ID: "CMOD"}, ID: "1700000000.0001"}
	c, created, err := db.ConversationFor(ctx, anaT, func(c *bot.Conversation) {
		c.Source, c.CampaignID = "webinar", 3
	})
	if err != nil || !created || c.Status != bot.ConversationOpen || c.Source != "webinar" {
		t.Fatalf("create: %+v %v %v", c, created, err)
	}
	again, created, err := db.ConversationFor(ctx, anaT, func(*bot.Conversation) { t.Fatal("init called for an existing conversation") })
	if err != nil || created || again.ID != c.ID {
		t.Fatalf("second call: %+v %v %v", again, created, err)
	}
	up, err := db.UpdateConversation(ctx, c.ID, func(c *bot.Conversation) error {
		c.Thread, c.Tags, c.Assignee = thread, []string{"vip"}, mod
		return nil
	})
	if err != nil || up.Thread != thread {
		t.Fatalf("update: %+v, %v", up, err)
	}
	if got, err := db.ConversationByThread(ctx, thread); err != nil || got.ID != c.ID || got.Assignee != mod {
		t.Fatalf("by thread: %+v, %v", got, err)
	}
	if got, err := db.ConversationByParticipant(ctx, anaT); err != nil || !reflect.DeepEqual(got, up) {
		t.Fatalf("by participant: %+v, %v", got, err)
	}
	_, err = db.UpdateConversation(ctx, c.ID, func(c *bot.Conversation) error { c.Participant = bob; return nil })
	code(t, err, bot.EINVALID)

	other, _, _ := db.ConversationFor(ctx, bob, nil)
	_, err = db.UpdateConversation(ctx, other.ID, func(c *bot.Conversation) error { c.Thread = thread; return nil })
	code(t, err, bot.ECONFLICT)

	moved := bot.ThreadRef{Channel: thread.Channel, ID: "1700000000.0002"}
	db.UpdateConversation(ctx, c.ID, func(c *bot.Conversation) error { c.Thread, c.Status = moved, bot.ConversationResolved; return nil })
	_, err = db.ConversationByThread(ctx, thread)
	code(t, err, bot.ENOTFOUND)
	resolved, _ := db.Conversations(ctx, bot.ConversationFilter{Status: bot.ConversationResolved})
	if len(resolved) != 1 || resolved[0].ID != c.ID {
		t.Fatalf("resolved: %+v", resolved)
	}
	all, _ := db.Conversations(ctx, bot.ConversationFilter{})
	if len(all) != 2 {
		t.Fatalf("all: %d", len(all))
	}
	_, _, err = db.ConversationFor(ctx, bot.Address{}, nil)
	code(t, err, bot.EINVALID)
}

// TestConversationForIsExactlyOnce has many goroutines ask for the same
// participants' conversations at once; each participant gets exactly one.
func conversationForIsExactlyOnce(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created = map[bot.Address]int{}
		ids     = map[bot.Address]map[bot.ConversationID]bool{}
	)
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := bot.Address{Platform: bot.PlatformWeb, ID: fmt.Sprint("r", i%20)}
			c, ok, err := db.ConversationFor(ctx, p, nil)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if ok {
				created[p]++
			}
			if ids[p] == nil {
				ids[p] = map[bot.ConversationID]bool{}
			}
			ids[p][c.ID] = true
		}()
	}
	wg.Wait()
	if len(created) != 20 {
		t.Fatalf("%d participants got a conversation, want 20", len(created))
	}
	for p, n := range created {
		if n != 1 || len(ids[p]) != 1 {
			t.Errorf("%s: created %d times, %d distinct ids", p, n, len(ids[p]))
		}
	}
}

func eventLog(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	code(t, db.AppendEvent(ctx, &bot.Event{}), bot.EINVALID)
	e := &bot.Event{Type: bot.EventParticipantJoined, Subject: anaT, ConversationID: 1, Data: map[string]string{"campaign": "3"}}
	if err := db.AppendEvent(ctx, e); err != nil || e.Seq != 1 || !e.At.Equal(epoch) {
		t.Fatalf("append: %+v %v", e, err)
	}
	for range 4 {
		db.AppendEvent(ctx, &bot.Event{Type: bot.EventMessageReceived})
	}
	got, err := db.Events(ctx, 0, 1)
	if err != nil || len(got) != 1 || !reflect.DeepEqual(got[0], e) {
		t.Fatalf("first event: %+v, %v", got, err)
	}
	rest, _ := db.Events(ctx, 2, 0)
	if len(rest) != 3 || rest[0].Seq != 3 || rest[2].Seq != 5 {
		t.Fatalf("events after 2: %+v", rest)
	}
	// A conversation's history: its events only, in order, with who did
	// what and the message's text.
	mod := bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, Name: "Mo"}
	for _, e := range []*bot.Event{
		{Type: bot.EventMessageReceived, ConversationID: 2, Text: "refund please"},
		{Type: bot.EventStatusChanged, ConversationID: 1, By: mod},
		{Type: bot.EventReplySent, ConversationID: 2, By: bot.Actor{Name: "recipe Auto", Recipe: "Auto", Depth: 1}},
	} {
		if err := db.AppendEvent(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	h, err := db.ConversationEvents(ctx, 2, 0, 0)
	if err != nil || len(h) != 2 || h[0].Seq != 6 || h[0].Text != "refund please" || h[1].Seq != 8 || h[1].By.Recipe != "Auto" || h[1].By.Depth != 1 {
		t.Fatalf("conversation 2's history: %+v %v", h, err)
	}
	if h, _ := db.ConversationEvents(ctx, 1, 1, 0); len(h) != 1 || h[0].Seq != 7 || h[0].By != mod {
		t.Fatalf("conversation 1's history after 1: %+v", h)
	}
	if h, _ := db.ConversationEvents(ctx, 2, 0, 1); len(h) != 1 || h[0].Seq != 6 {
		t.Fatalf("limit 1: %+v", h)
	}
}

func cancelledContextTouchesNothing(t *testing.T, open func(*testing.T) Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	db := open(t)
	if err := db.AppendEvent(ctx, &bot.Event{Type: bot.EventCustom}); err == nil {
		t.Fatal("append with a cancelled context succeeded")
	}
	if evs, _ := db.Events(context.Background(), 0, 0); len(evs) != 0 {
		t.Fatal("a cancelled append wrote")
	}
}

// TestCountsMatchRecords moves sendings through random transitions, some
// twice in one batch, and checks after each batch that the counters equal
// a count of the records.
func countsMatchRecords(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	c := &bot.Campaign{Name: "c"}
	db.CreateCampaign(ctx, c)
	ss := make([]*bot.Sending, 300)
	for i := range ss {
		ss[i] = &bot.Sending{Key: fmt.Sprint(i), State: bot.SendingScheduled}
	}
	if err := db.CreateSendings(ctx, c.ID, ss); err != nil {
		t.Fatal(err)
	}
	states := []bot.SendingState{bot.SendingPending, bot.SendingScheduled, bot.SendingInFlight, bot.SendingSent, bot.SendingFailed, bot.SendingSkipped}
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 50 {
		var batch []*bot.Sending
		for range 20 {
			s := *ss[r.IntN(len(ss))]
			s.State = states[r.IntN(len(states))]
			batch = append(batch, &s)
			*ss[s.ID-1] = s
		}
		if err := db.UpdateSendings(ctx, batch); err != nil {
			t.Fatal(err)
		}
		var want bot.SendingCounts
		all, _ := db.Sendings(ctx, c.ID, 0, 0)
		for _, s := range all {
			want.Add(s.State)
		}
		got, err := db.SendingCounts(ctx, c.ID)
		if err != nil || got != want {
			t.Fatalf("round %d: counters %+v, records %+v (%v)", round, got, want, err)
		}
	}
	bad := *ss[0]
	bad.State = "lost"
	code(t, db.UpdateSendings(ctx, []*bot.Sending{&bad}), bot.EINVALID)
}

func postFilesAreKeptWithTheirPost(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	ana := bot.Address{Platform: bot.PlatformWeb, ID: "AAAAAAAAAAAAAAAAAAAAAA"}
	p := &bot.Post{Channel: ana, Message: bot.Message{Text: "my ticket", Files: []bot.File{
		{Name: "ticket.pdf", ContentType: "application/pdf", Data: []byte("%PDF ticket")},
		{Name: "empty.txt"},
	}}}
	if err := db.AppendPost(ctx, p); err != nil {
		t.Fatal(err)
	}
	f := p.Message.Files[0]
	if f.ID == "" || f.Size != 11 || p.Message.Files[1].ID != "" {
		t.Fatalf("files after append: %+v", p.Message.Files)
	}
	got, owner, err := db.PostFile(ctx, f.ID)
	if err != nil || owner != ana || got.Name != "ticket.pdf" || got.ContentType != "application/pdf" || string(got.Data) != "%PDF ticket" {
		t.Fatalf("PostFile: %+v %v %v", got, owner, err)
	}
	// The post keeps the file's name and id, not its data; posting the
	// same file again (relayed to a thread) does not store it twice.
	posts, _ := db.Posts(ctx, ana, "", 0, 0)
	if len(posts) != 1 || posts[0].Message.Files[0].ID != f.ID || posts[0].Message.Files[0].Data != nil {
		t.Fatalf("stored post: %+v", posts)
	}
	relay := &bot.Post{Channel: bot.Address{Platform: bot.PlatformWeb, ID: "console"}, Thread: "T1", Message: p.Message}
	if err := db.AppendPost(ctx, relay); err != nil || relay.Message.Files[0].ID != f.ID {
		t.Fatalf("relayed: %+v %v", relay.Message.Files, err)
	}
	if _, _, err := db.PostFile(ctx, "999"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("a file that is not there: %v", err)
	}
}

func snippets(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	code(t, db.PutSnippet(ctx, &threads.Snippet{Name: "two words", Text: "x"}), bot.EINVALID)
	code(t, db.PutSnippet(ctx, &threads.Snippet{Name: "empty", Text: " "}), bot.EINVALID)
	for _, s := range []*threads.Snippet{{Name: "Thanks", Text: "Thank you!"}, {Name: "bye", Text: "Bye"}, {Name: "thanks", Text: "Thanks a lot!"}} {
		if err := db.PutSnippet(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Snippet(ctx, "THANKS")
	if err != nil || got.Text != "Thanks a lot!" {
		t.Fatalf("snippet by any case: %+v, %v (a second put replaces)", got, err)
	}
	all, err := db.Snippets(ctx)
	if err != nil || len(all) != 2 || all[0].Name != "bye" {
		t.Fatalf("snippets in name order: %+v, %v", all, err)
	}
	if err := db.DeleteSnippet(ctx, "Thanks"); err != nil {
		t.Fatal(err)
	}
	_, err = db.Snippet(ctx, "thanks")
	code(t, err, bot.ENOTFOUND)
	code(t, db.DeleteSnippet(ctx, "thanks"), bot.ENOTFOUND)
}

// secretKeeper is the optional secrets half of a store.
type secretKeeper interface {
	Secret(ctx context.Context, name string, size int) ([]byte, error)
	InitSecret(ctx context.Context, name string, make func() ([]byte, error)) ([]byte, bool, error)
}

func secrets(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db, ok := open(t).(secretKeeper)
	if !ok {
		t.Skip("the store keeps no secrets")
	}
	a, err := db.Secret(ctx, "signing", 32)
	if err != nil || len(a) != 32 {
		t.Fatalf("secret: %x, %v", a, err)
	}
	if b, _ := db.Secret(ctx, "signing", 32); string(a) != string(b) {
		t.Fatal("a secret changed on the second read")
	}
	v, created, err := db.InitSecret(ctx, "token", func() ([]byte, error) { return []byte("hash"), nil })
	if err != nil || !created || string(v) != "hash" {
		t.Fatalf("init: %q %v %v", v, created, err)
	}
	v, created, _ = db.InitSecret(ctx, "token", func() ([]byte, error) { t.Fatal("made twice"); return nil, nil })
	if created || string(v) != "hash" {
		t.Fatalf("second init: %q %v", v, created)
	}
}

// dueConversations: conversations with a delayed close or replies waiting
// for email are found by when they are due, earliest first; one whose due
// time moves, or that has nothing due any more, moves or leaves.
func dueConversations(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	mk := func(id string, set func(*bot.Conversation)) *bot.Conversation {
		c, _, err := db.ConversationFor(ctx, bot.Address{Platform: bot.PlatformWeb, ID: id}, set)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	at := func(m int) time.Time { return Epoch.Add(time.Duration(m) * time.Minute) }
	idle := mk("idle", nil)
	closing := mk("closing", func(c *bot.Conversation) { c.CloseAt = at(30) })
	mailing := mk("mailing", func(c *bot.Conversation) { c.Outbox, c.OutboxDue = []bot.Message{{Text: "r"}}, at(10) })
	both := mk("both", func(c *bot.Conversation) {
		c.CloseAt, c.Outbox, c.OutboxDue = at(50), []bot.Message{{Text: "r"}}, at(40)
	})
	ids := func(now time.Time, limit int) []bot.ConversationID {
		t.Helper()
		cs, err := db.DueConversations(ctx, now, limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []bot.ConversationID
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	if got := ids(at(5), 0); len(got) != 0 {
		t.Fatalf("due at +5m: %v", got)
	}
	if got, want := ids(at(45), 0), []bot.ConversationID{mailing.ID, closing.ID, both.ID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("due at +45m: %v, want %v", got, want)
	}
	if got := ids(at(45), 1); !reflect.DeepEqual(got, []bot.ConversationID{mailing.ID}) {
		t.Fatalf("the first due: %v", got)
	}
	// Mailed: nothing due for it any more; the close moved later.
	db.UpdateConversation(ctx, mailing.ID, func(c *bot.Conversation) error { c.Outbox, c.OutboxDue = nil, time.Time{}; return nil })
	db.UpdateConversation(ctx, closing.ID, func(c *bot.Conversation) error { c.CloseAt = at(100); return nil })
	db.UpdateConversation(ctx, idle.ID, func(c *bot.Conversation) error { c.Tags = []string{"x"}; return nil })
	if got, want := ids(at(200), 0), []bot.ConversationID{both.ID, closing.ID}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after the changes: %v, want %v", got, want)
	}
}

// apiTokens: tokens are found by hash, named once among those not
// revoked, revoked by name (and found still, revoked).
func apiTokens(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	tok := &apitokens.Token{Name: "crm", Hash: apitokens.Hash("hrld_a")}
	if err := db.CreateAPIToken(ctx, tok); err != nil || tok.ID == 0 || !tok.CreatedAt.Equal(epoch) {
		t.Fatalf("create: %+v %v", tok, err)
	}
	code(t, db.CreateAPIToken(ctx, &apitokens.Token{Name: "crm", Hash: apitokens.Hash("hrld_b")}), bot.ECONFLICT)
	code(t, db.CreateAPIToken(ctx, &apitokens.Token{Name: "x"}), bot.EINVALID)
	got, err := db.APITokenByHash(ctx, apitokens.Hash("hrld_a"))
	if err != nil || got.Name != "crm" || got.Revoked() {
		t.Fatalf("by hash: %+v %v", got, err)
	}
	_, err = db.APITokenByHash(ctx, apitokens.Hash("hrld_nope"))
	code(t, err, bot.ENOTFOUND)
	if r, err := db.RevokeAPIToken(ctx, "crm", epoch.Add(time.Hour)); err != nil || !r.Revoked() {
		t.Fatalf("revoke: %+v %v", r, err)
	}
	_, err = db.RevokeAPIToken(ctx, "crm", epoch)
	code(t, err, bot.ENOTFOUND)
	if got, _ := db.APITokenByHash(ctx, apitokens.Hash("hrld_a")); got == nil || !got.Revoked() {
		t.Fatalf("a revoked token is found as revoked: %+v", got)
	}
	if err := db.CreateAPIToken(ctx, &apitokens.Token{Name: "crm", Hash: apitokens.Hash("hrld_c")}); err != nil {
		t.Fatalf("a name is free again once revoked: %v", err)
	}
	if all, _ := db.APITokens(ctx); len(all) != 2 || all[0].Name != "crm" || !all[0].Revoked() || all[1].Revoked() {
		t.Fatalf("all tokens: %+v", all)
	}
}

// recordEvents: events with keys are recorded once per scope within
// events.KeyTTL (a second call, or the same key twice in one call,
// returns the first Seq as a duplicate); another scope is another key;
// after the TTL the key is free again.
func recordEvents(t *testing.T, opener Opener) {
	ctx := context.Background()
	clock := bottest.NewClock(Epoch)
	db := opener(t, clock)
	ev := func(name string) *bot.Event { return &bot.Event{Type: bot.EventCustom, Name: name} }
	batch := []*bot.Event{ev("a"), ev("b"), ev("a-again")}
	dup, err := db.RecordEvents(ctx, "tok1", batch, []string{"k1", "", "k1"})
	if err != nil || !reflect.DeepEqual(dup, []bool{false, false, true}) || batch[2].Seq != batch[0].Seq || batch[1].Seq == batch[0].Seq {
		t.Fatalf("first batch: %v %v %+v", dup, err, batch)
	}
	again := []*bot.Event{ev("a"), ev("c")}
	dup, _ = db.RecordEvents(ctx, "tok1", again, []string{"k1", "k2"})
	if !reflect.DeepEqual(dup, []bool{true, false}) || again[0].Seq != batch[0].Seq {
		t.Fatalf("second batch: %v %+v", dup, again)
	}
	other := []*bot.Event{ev("a")}
	if dup, _ := db.RecordEvents(ctx, "tok2", other, []string{"k1"}); dup[0] {
		t.Fatal("a key of another scope was taken as a duplicate")
	}
	if all, _ := db.Events(ctx, 0, 0); len(all) != 4 {
		t.Fatalf("%d events recorded, want 4", len(all))
	}
	_, err = db.RecordEvents(ctx, "tok1", []*bot.Event{ev("x"), {}}, []string{"k9", ""})
	code(t, err, bot.EINVALID)
	if all, _ := db.Events(ctx, 0, 0); len(all) != 4 {
		t.Fatal("a refused batch recorded some of its events")
	}
	clock.Advance(events.KeyTTL + time.Minute)
	late := []*bot.Event{ev("a")}
	if dup, _ := db.RecordEvents(ctx, "tok1", late, []string{"k1"}); dup[0] || late[0].Seq == batch[0].Seq {
		t.Fatalf("a key past its time is still taken: %+v", late)
	}
}
