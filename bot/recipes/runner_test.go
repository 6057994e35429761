package recipes_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/schedule"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/exprfilter"
	"github.com/heraldchat/herald/store"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

var (
	ana = bot.Address{Platform: bot.PlatformTelegram, ID: "1001"}
	mo  = bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, Name: "Mo"}
)

// rig is herald's recipes on a real database: the threads service acting,
// the runner planning and running, the management service.
type rig struct {
	db     *store.DB
	th     *threads.Service
	run    *recipes.Runner
	svc    *recipes.Service
	chat   *bottest.Messenger
	clock  *bottest.Clock
	recipe map[string]bot.RecipeID
}

func open(t *testing.T, path string, clock *bottest.Clock) *rig {
	t.Helper()
	db, err := store.Open(path, store.Options{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	chat := bottest.NewMessenger(bot.PlatformTelegram)
	th := &threads.Service{Store: db, Contacts: &contacts.Service{Store: db, Clock: clock},
		Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: chat}, Moderators: bottest.NewMessenger(bot.PlatformSlack),
		Channel: bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, Clock: clock}
	run := &recipes.Runner{Store: db, Conversations: th, Compiler: exprfilter.Compiler{}, Clock: clock}
	th.Decide = run.Decide
	svc := &recipes.Service{Store: db, Compiler: exprfilter.Compiler{}, Clock: clock, Changed: run.Changed}
	return &rig{db: db, th: th, run: run, svc: svc, chat: chat, clock: clock, recipe: map[string]bot.RecipeID{}}
}

// add makes and enables a recipe.
func (r *rig) add(t *testing.T, name string, trig recipes.Trigger, expr string, actions ...recipes.Action) {
	t.Helper()
	ctx := context.Background()
	rc, err := r.svc.Create(ctx, name, mo)
	if err == nil {
		_, err = r.svc.SetTrigger(ctx, rc.ID, trig, mo)
	}
	if err == nil {
		_, err = r.svc.SetCondition(ctx, rc.ID, expr, expr, mo)
	}
	if err == nil {
		_, err = r.svc.SetActions(ctx, rc.ID, actions, mo)
	}
	if err == nil {
		_, err = r.svc.Enable(ctx, rc.ID, mo)
	}
	if err != nil {
		t.Fatal(err)
	}
	r.recipe[name] = rc.ID
}

func (r *rig) step(t *testing.T) {
	t.Helper()
	if err := r.run.Step(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func (r *rig) writes(t *testing.T, text string) *bot.Conversation {
	t.Helper()
	c, err := r.th.Receive(context.Background(), threads.Incoming{From: ana, Name: "Ana", Message: bot.Message{Text: text}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (r *rig) conv(t *testing.T) *bot.Conversation {
	t.Helper()
	c, err := r.db.ConversationByParticipant(context.Background(), ana)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// history is the conversation's events as "type by what" lines.
func (r *rig) history(t *testing.T) string {
	t.Helper()
	evs, err := r.db.ConversationEvents(context.Background(), r.conv(t).ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range evs {
		lines = append(lines, strings.TrimSpace(string(e.Type)+" "+e.By.String()+" "+e.Data["what"]+e.Data["tag"]))
	}
	return strings.Join(lines, "\n")
}

// "Resolve after 30 minutes without an answer": the wait is a stored run,
// so herald stopped and started again in between still resolves; and a
// participant who writes during the wait keeps the conversation open.
func TestAWaitSurvivesARestartAndChecksAgain(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	clock := bottest.NewClock(t0)
	r := open(t, path, clock)
	r.add(t, "Auto-close", recipes.Trigger{Kind: recipes.TriggerStatus, Value: "pending"}, `status == "pending"`,
		recipes.Action{Kind: recipes.RecipeWait, Wait: 30 * time.Minute}, recipes.Action{Kind: recipes.RecipeResolve})
	c := r.writes(t, "Where is my order?")
	if err := r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipePending}); err != nil { // a moderator answered
		t.Fatal(err)
	}
	r.step(t)
	if next, _ := r.db.NextRecipeRun(ctx); !next.Equal(t0.Add(30 * time.Minute)) {
		t.Fatalf("the wait is not stored: next run at %s", next)
	}
	r.db.Close()

	clock.Advance(31 * time.Minute)
	r = open(t, path, clock) // herald started again
	r.step(t)
	if got := r.conv(t); got.Status != bot.ConversationResolved {
		t.Fatalf("after the wait and a restart: %s", got.Status)
	}
	if h := r.history(t); !strings.Contains(h, "status_changed recipe Auto-close closed") {
		t.Fatalf("the history lacks the recipe's close:\n%s", h)
	}

	// Again, but Ana writes during the wait: the condition no longer
	// holds, and the history says why nothing was done.
	if err := r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipePending}); err != nil {
		t.Fatal(err)
	}
	r.step(t)
	clock.Advance(10 * time.Minute)
	r.writes(t, "Still waiting!")
	clock.Advance(25 * time.Minute)
	r.step(t)
	if got := r.conv(t); got.Status != bot.ConversationOpen {
		t.Fatalf("resolved although Ana wrote during the wait: %s", got.Status)
	}
	if h := r.history(t); !strings.Contains(h, "recipe_action recipe Auto-close stopped after the wait: the condition no longer holds") {
		t.Fatalf("the history does not say why:\n%s", h)
	}
}

// Two recipes that undo each other stop at the depth limit, and the stop
// is in the history, once.
func TestALoopIsStopped(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.add(t, "Untag", recipes.Trigger{Kind: recipes.TriggerTagAdded, Value: "x"}, "", recipes.Action{Kind: recipes.RecipeTagRemove, Tag: "x"})
	r.add(t, "Retag", recipes.Trigger{Kind: recipes.TriggerTagRemoved, Value: "x"}, "", recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "x"})
	c := r.writes(t, "hello")
	if err := r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "x"}); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		r.step(t)
	}
	h := r.history(t)
	if n := strings.Count(h, "tag_added") + strings.Count(h, "tag_removed"); n != 1+recipes.DefaultMaxDepth {
		t.Errorf("%d tag changes, want the moderator's and %d by recipes:\n%s", n, recipes.DefaultMaxDepth, h)
	}
	if strings.Count(h, "stopped: recipes triggered one another") != 1 {
		t.Errorf("the stop is not in the history once:\n%s", h)
	}
	if due, _ := r.db.DueRecipeRuns(ctx, t0.Add(time.Hour), 0); len(due) != 0 {
		t.Errorf("runs still due after the loop stopped: %+v", due)
	}
}

// A recipe never fires on its own doing, and a conversation gets at most
// Rate runs per window.
func TestTheRateGuard(t *testing.T) {
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.run.Rate = 3
	r.add(t, "Echo", recipes.Trigger{Kind: recipes.TriggerNewMessage}, "", recipes.Action{Kind: recipes.RecipeNote, Text: "seen"})
	for i := range 5 {
		r.writes(t, "message "+string(rune('a'+i)))
	}
	r.step(t)
	h := r.history(t)
	if n := strings.Count(h, "note_added recipe Echo"); n != 3 {
		t.Errorf("%d notes, want 3 (the rate):\n%s", n, h)
	}
	if !strings.Contains(h, "stopped: 3 recipe runs on this conversation within 10m0s") {
		t.Errorf("the rate stop is not in the history:\n%s", h)
	}
}

// Each trigger starts its recipes, and only its; a condition reads the
// message, the conversation and the contact.
func TestTriggersAndConditions(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	note := func(s string) recipes.Action { return recipes.Action{Kind: recipes.RecipeNote, Text: s} }
	r.add(t, "Hello", recipes.Trigger{Kind: recipes.TriggerNewConversation}, "", note("new"))
	r.add(t, "Refunds", recipes.Trigger{Kind: recipes.TriggerNewMessage}, `lower(message) contains "refund" && platform == "telegram"`,
		recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "refund"}, recipes.Action{Kind: recipes.RecipeAssign, To: bot.Actor{Name: "billing"}})
	r.add(t, "Resolved", recipes.Trigger{Kind: recipes.TriggerStatus, Value: "resolved"}, "", note("bye"))
	r.add(t, "Untagged", recipes.Trigger{Kind: recipes.TriggerTagRemoved}, `"refund" in tags == false`, note("untagged"))
	r.add(t, "Paid", recipes.Trigger{Kind: recipes.TriggerEvent, Value: "payment_received"}, `event.data["amount"] != ""`, recipes.Action{Kind: recipes.RecipeReply, Text: "Thanks for your payment"})
	c := r.writes(t, "hello")
	r.step(t)
	r.writes(t, "I want a Refund")
	r.step(t)
	got := r.conv(t)
	if strings.Join(got.Tags, ",") != "refund" || got.Assignee.Name != "billing" {
		t.Fatalf("after a refund message: tags %v, assignee %+v", got.Tags, got.Assignee)
	}
	r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipeTagRemove, Tag: "refund"})
	r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipeResolve})
	r.db.AppendEvent(ctx, &bot.Event{Type: bot.EventCustom, Name: "payment_received", Subject: ana, Data: map[string]string{"amount": "10"}})
	r.db.AppendEvent(ctx, &bot.Event{Type: bot.EventCustom, Name: "payment_received", Subject: ana}) // no amount: no run
	r.step(t)
	h := r.history(t)
	for _, want := range []string{"note_added recipe Hello", "tag_added recipe Refunds refund", "status_changed recipe Refunds assigned to billing",
		"note_added recipe Resolved", "note_added recipe Untagged", "reply_sent recipe Paid"} {
		if strings.Count(h, want) != 1 {
			t.Errorf("%q not once in the history:\n%s", want, h)
		}
	}
	if sent := r.chat.SentTo(ana); len(sent) != 1 || sent[0].Text != "Thanks for your payment" {
		t.Errorf("the reply: %+v", sent)
	}
}

// What a moderator sets is checked before it is stored.
func TestRecipesAreCheckedWhenSaved(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	rc, err := r.svc.Create(ctx, "Check", mo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Enable(ctx, rc.ID, mo); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("enabled without a trigger: %v", err)
	}
	if _, err := r.svc.SetCondition(ctx, rc.ID, "x", `platfrom == "slack"`, mo); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("a condition that does not compile: %v", err)
	}
	for _, bad := range [][]recipes.Action{{{Kind: recipes.RecipeWait, Wait: time.Minute}}, {{Kind: recipes.RecipeTagAdd}}, {{Kind: "explode"}}} {
		if _, err := r.svc.SetActions(ctx, rc.ID, bad, mo); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("actions %+v: %v", bad, err)
		}
	}
	if _, err := r.svc.Create(ctx, "check", mo); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Errorf("a second recipe with the name: %v", err)
	}
}

// "Notify #support on the 5th message about refunds, at most hourly,
// outside business hours": messages in office hours count for nothing;
// outside them every fifth tells #support, but not twice within the hour.
func TestNotifyOutsideBusinessHours(t *testing.T) {
	ctx := context.Background()
	paris, _ := time.LoadLocation("Europe/Paris")
	clock := bottest.NewClock(time.Date(2026, 12, 1, 10, 0, 0, 0, paris)) // a Tuesday, open
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), clock)
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	if err := r.db.PutCalendar(ctx, &schedule.Calendar{Name: "office", TimeZone: "Europe/Paris", Hours: []bot.Schedule{{Days: weekdays, HoursFrom: 9 * 60, HoursTo: 18 * 60}}}); err != nil {
		t.Fatal(err)
	}
	support := bot.Address{Platform: bot.PlatformSlack, ID: "CSUPPORT"}
	ops := bot.Address{Platform: bot.PlatformEmail, ID: "ops@example.org"} // chat and email both
	r.add(t, "Refunds", recipes.Trigger{Kind: recipes.TriggerNewMessage}, `lower(message) contains "refund"`,
		recipes.Action{Kind: recipes.RecipeNotify, Notify: []bot.Address{support, ops}, Every: 5, AtMost: time.Hour, Text: "{{count}} messages about refunds, the last from {{contact}} in {{conversation}}"})
	if _, err := r.svc.SetHours(ctx, r.recipe["Refunds"], "outside", "office", mo); err != nil {
		t.Fatal(err)
	}
	from := func(i int) bot.Address {
		return bot.Address{Platform: bot.PlatformTelegram, ID: "2" + string(rune('0'+i/10)) + string(rune('0'+i%10))}
	}
	writes := func(n int, text string) {
		for i := range n {
			if _, err := r.th.Receive(ctx, threads.Incoming{From: from(i), Name: "P", Message: bot.Message{Text: text}}); err != nil {
				t.Fatal(err)
			}
		}
		r.step(t)
	}
	told := func() (out []string) {
		posts, _ := r.db.Outbox(ctx, 0, 0)
		for _, p := range posts {
			if p.To == support {
				out = append(out, p.Message.Text)
			}
		}
		return out
	}
	writes(7, "refund please") // in office hours
	if n := len(told()); n != 0 {
		t.Fatalf("%d notifications in office hours", n)
	}
	clock.Set(time.Date(2026, 12, 1, 19, 0, 0, 0, paris))
	writes(4, "a refund?")
	writes(3, "hello") // not about refunds
	if n := len(told()); n != 0 {
		t.Fatalf("%d notifications before the fifth", n)
	}
	writes(1, "REFUND now")
	if got := told(); len(got) != 1 || !strings.HasPrefix(got[0], "5 messages about refunds, the last from P (telegram:") {
		t.Fatalf("after the fifth: %q", got)
	}
	writes(10, "refund") // ten more within the hour: held back
	if n := len(told()); n != 1 {
		t.Fatalf("%d notifications within the hour", n)
	}
	clock.Advance(time.Hour)
	writes(5, "refund")
	got := told()
	if len(got) != 2 || !strings.HasPrefix(got[1], "11 messages about refunds") {
		t.Fatalf("an hour later, the ten held back and the next one: %q", got)
	}
	posts, _ := r.db.Outbox(ctx, 0, 0)
	var mailed []string
	for _, p := range posts {
		if p.To == ops && p.Platform == bot.PlatformEmail {
			mailed = append(mailed, p.Message.Text)
		}
	}
	if len(mailed) != 2 || mailed[1] != got[1] {
		t.Fatalf("the email notifications: %q", mailed)
	}
}

// set changes a conversation's property or the contact's attribute;
// smart-assign gives the conversation to whoever last answered the same
// person within the window, and to no one past it.
func TestSetAndSmartAssign(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(t0)
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), clock)
	r.add(t, "Triage", recipes.Trigger{Kind: recipes.TriggerNewMessage}, `lower(message) contains "urgent"`,
		recipes.Action{Kind: recipes.RecipeSet, Key: "priority", Text: "high"},
		recipes.Action{Kind: recipes.RecipeSet, Key: "contact.tier", Text: "escalated"},
		recipes.Action{Kind: recipes.RecipeSmartAssign, Wait: 3 * time.Hour})
	c := r.writes(t, "hello")
	ana2 := bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}, Name: "Ana M."}
	if err := r.th.Act(ctx, c.ID, ana2, recipes.Action{Kind: recipes.RecipeReply, Text: "Hi!"}); err != nil { // Ana answered
		t.Fatal(err)
	}
	// The participant then writes more than the look back reads at a
	// time: Ana's answer is found past them.
	for i := range 150 {
		r.writes(t, fmt.Sprintf("detail %d", i))
	}
	clock.Advance(2 * time.Hour)
	r.writes(t, "URGENT: it broke")
	r.step(t)
	got := r.conv(t)
	if got.Props["priority"] != "high" || got.Assignee != ana2 {
		t.Fatalf("after triage: props %v, assignee %+v", got.Props, got.Assignee)
	}
	if ct, _ := r.db.Contact(ctx, got.ContactID); ct.Attributes["tier"] != "escalated" {
		t.Fatalf("the contact's tier: %v", ct.Attributes)
	}
	// Four hours later no one answered within 3 h: left as it is.
	r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipeAssign, To: mo})
	clock.Advance(4 * time.Hour)
	r.writes(t, "urgent again")
	r.step(t)
	if got := r.conv(t); got.Assignee != mo {
		t.Fatalf("smart-assign past its window: %+v", got.Assignee)
	}
	if h := r.history(t); !strings.Contains(h, "status_changed recipe Triage set priority to high") || !strings.Contains(h, "status_changed recipe Triage assigned to Ana M. (slack:UANA)") {
		t.Fatalf("history:\n%s", h)
	}
}

// failOnce fails the first PlanRecipeRuns that has runs to write.
type failOnce struct {
	*store.DB
	failed bool
}

func (f *failOnce) PlanRecipeRuns(ctx context.Context, cursor uint64, runs []*bot.RecipeRun, events []*bot.Event) error {
	if len(runs) > 0 && !f.failed {
		f.failed = true
		return bot.Errorf(bot.EUNAVAILABLE, "the disk is full")
	}
	return f.DB.PlanRecipeRuns(ctx, cursor, runs, events)
}

// A page whose runs could not be written is planned again: nothing is
// skipped. And a recipe on recipes' own bookkeeping never fires.
func TestAFailedPlanIsPlannedAgain(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.add(t, "Tag", recipes.Trigger{Kind: recipes.TriggerNewMessage}, "", recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "seen"})
	r.add(t, "Meta", recipes.Trigger{Kind: recipes.TriggerEvent, Value: "recipe_action"}, "", recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "meta"})
	r.run.Store = &failOnce{DB: r.db}
	r.writes(t, "hello")
	if err := r.run.Step(ctx); bot.ErrorCode(err) != bot.EUNAVAILABLE {
		t.Fatalf("the failed write: %v", err)
	}
	r.step(t)
	got := r.conv(t)
	if strings.Join(got.Tags, ",") != "seen" {
		t.Fatalf("tags after the page was planned again: %v", got.Tags)
	}
	r.db.AppendEvent(ctx, &bot.Event{Type: bot.EventRecipeAction, ConversationID: got.ID, Data: map[string]string{"what": "x"}})
	r.step(t)
	if got := r.conv(t); strings.Contains(strings.Join(got.Tags, ","), "meta") {
		t.Fatal("a recipe fired on recipes' own bookkeeping")
	}
}

// A rating after a conversation is resolved: the question with its
// buttons goes to the participant; their answer (a number in range) is
// recorded on the conversation and as an event; a number out of range,
// or later messages, are messages only.
func TestSurveyAfterResolve(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.add(t, "CSAT", recipes.Trigger{Kind: recipes.TriggerStatus, Value: "resolved"}, "", recipes.Action{Kind: recipes.RecipeSurvey, Key: "csat"})
	c := r.writes(t, "thanks for the help")
	r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipeResolve})
	r.step(t)
	sent := r.chat.SentTo(ana)
	if len(sent) != 1 || len(sent[0].Buttons) != 5 || sent[0].Buttons[3].Action.Value != "4" || !strings.Contains(sent[0].Text, "rate") {
		t.Fatalf("the question: %+v", sent)
	}
	r.writes(t, "9") // out of range
	if got := r.conv(t); got.Asking != "csat" || got.Rating != 0 {
		t.Fatalf("after 9: %+v", got)
	}
	r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipeResolve}) // 9 reopened it
	r.writes(t, "4")
	got := r.conv(t)
	if got.Rating != 4 || got.Asking != "" || got.Status != bot.ConversationResolved {
		t.Fatalf("the rating: %d, asking %q, status %s (an answer does not reopen)", got.Rating, got.Asking, got.Status)
	}
	r.writes(t, "5") // not asked any more: a message, which reopens
	if got := r.conv(t); got.Rating != 4 || got.Status != bot.ConversationOpen {
		t.Fatalf("after 5: %+v", got)
	}
	if h := r.history(t); strings.Count(h, "survey_answered") != 1 {
		t.Fatalf("history:\n%s", h)
	}
}

// Once the planner has read the recipes, a message's runs are decided in
// the transaction that records it: durable with the message, before any
// planning; the planner then passes the message by, and nothing runs
// twice.
func TestAMessageIsDecidedWithItsOwnWrite(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.add(t, "Tag", recipes.Trigger{Kind: recipes.TriggerNewMessage}, `lower(message) contains "refund"`, recipes.Action{Kind: recipes.RecipeNote, Text: "refund asked"})
	r.step(t) // the planner reads the recipes
	r.writes(t, "A refund, please")
	r.writes(t, "hello")
	due, err := r.db.DueRecipeRuns(ctx, t0.Add(time.Hour), 0)
	if err != nil || len(due) != 1 {
		t.Fatalf("runs written with the message, before planning: %+v %v", due, err)
	}
	r.step(t)
	r.step(t)
	if h := r.history(t); strings.Count(h, "note_added recipe Tag") != 1 {
		t.Fatalf("history:\n%s", h)
	}
}

// The guard's memory of runs and stops follows the conversations active
// within its window: a conversation quiet for longer is forgotten.
func TestTheGuardForgetsQuietConversations(t *testing.T) {
	ctx := context.Background()
	clk := bottest.NewClock(t0)
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), clk)
	r.add(t, "Tag", recipes.Trigger{Kind: recipes.TriggerNewMessage}, `lower(message) contains "refund"`, recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "refund"})
	r.step(t)
	r.writes(t, "A refund, please")
	r.step(t)
	if n := recipes.Remembered(r.run); n != 1 {
		t.Fatalf("conversations remembered after a run: %d", n)
	}
	clk.Advance(recipes.DefaultRateWindow + time.Minute)
	bob := bot.Address{Platform: bot.PlatformTelegram, ID: "1002"}
	if _, err := r.th.Receive(ctx, threads.Incoming{From: bob, Name: "Bob", Message: bot.Message{Text: "my refund?"}}); err != nil {
		t.Fatal(err)
	}
	r.step(t)
	if n := recipes.Remembered(r.run); n != 1 {
		t.Fatalf("conversations remembered once Ana's run is past the window: %d, want Bob's only", n)
	}
}

// A recipe's enabling is committed before the runner is told of it: a
// message written in between, planned with the recipes as they were,
// is read again for the new recipe once the runner hears of it.
func TestARecipeEnabledUnheardStillSeesTheMessagesAfterIt(t *testing.T) {
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.add(t, "First", recipes.Trigger{Kind: recipes.TriggerNewMessage}, `lower(message) contains "refund"`, recipes.Action{Kind: recipes.RecipeNote, Text: "first"})
	r.step(t)
	r.writes(t, "hello")
	r.step(t)
	changed := r.svc.Changed
	r.svc.Changed = nil // the enabling committed, the runner not told yet
	r.add(t, "Late", recipes.Trigger{Kind: recipes.TriggerNewMessage}, `lower(message) contains "invoice"`, recipes.Action{Kind: recipes.RecipeNote, Text: "late"})
	r.writes(t, "my invoice and a refund")
	r.step(t)
	changed()
	r.step(t)
	r.step(t)
	h := r.history(t)
	if strings.Count(h, "note_added recipe First") != 1 || strings.Count(h, "note_added recipe Late") != 1 {
		t.Fatalf("each recipe once on the message:\n%s", h)
	}
}
