package commands_test

import (
	"context"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/bot/webhooks"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/engine"
)

// says runs text as mo and fails unless the reply says want.
func (w *world) says(t *testing.T, text, want string) string {
	t.Helper()
	got := render(w.run(mo, text))
	if !strings.Contains(got, want) {
		t.Fatalf("%s:\n%s\nwant it to say %q", text, got, want)
	}
	return got
}

// inThread runs text as mo in thread.
func (w *world) inThread(thread bot.ThreadRef, text string) *commands.Reply {
	return w.mux.Serve(context.Background(), &commands.Request{Actor: mo, Text: text, Thread: thread})
}

// recipe returns the stored recipe id, failing when there is none.
func (w *world) recipe(t *testing.T, id bot.RecipeID) *recipes.Recipe {
	t.Helper()
	rc, err := w.db.Recipe(context.Background(), id)
	if err != nil {
		t.Fatalf("recipe %d: %v", id, err)
	}
	return rc
}

// `recipe test ID`, typed in a participant's thread, checks the recipe's
// condition on the conversation's last message and says which actions
// would run, privately; it runs none, and plans nothing.
func TestRecipeTestRunsNothing(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	for _, cmd := range []string{"recipe new Refunds", "recipe when 1 new message", `recipe if 1 message contains "refund"`,
		`recipe do 1 tag add refund; note "refund asked"; reply "We are on it"; resolve`} {
		w.run(mo, cmd)
	}
	zoe := bot.Address{Platform: bot.PlatformSlack, ID: "UZOE"}
	yan := bot.Address{Platform: bot.PlatformSlack, ID: "UYAN"}
	for who, text := range map[bot.Address]string{zoe: "Where is my refund?", yan: "hello"} {
		if _, err := w.threads.Receive(ctx, threads.Incoming{From: who, Name: "P", Message: bot.Message{Text: text}}); err != nil {
			t.Fatal(err)
		}
	}
	c, _ := w.db.ConversationByParticipant(ctx, zoe)
	before, _ := w.db.ConversationEvents(ctx, c.ID, 0, 0)
	sentBefore := len(w.slack.Sent())

	r := w.inThread(c.Thread, "recipe test 1")
	got := render(r)
	if !r.Private || !strings.Contains(got, `Recipe #1 *Refunds* would act on this conversation: tag add refund; note "refund asked"; reply "We are on it"; resolve`) {
		t.Fatalf("recipe test on a matching conversation:\n%s", got)
	}
	y, _ := w.db.ConversationByParticipant(ctx, yan)
	if got := render(w.inThread(y.Thread, "recipe test 1")); !strings.Contains(got, "Recipe #1 *Refunds* would not act on this conversation: its condition does not hold.") {
		t.Fatalf("recipe test on a conversation that does not match:\n%s", got)
	}
	// Nothing ran: no tag, no status change, no event, nothing sent, no
	// run waiting; and the recipe is as it was, off.
	after, _ := w.db.ConversationEvents(ctx, c.ID, 0, 0)
	now, _ := w.db.Conversation(ctx, c.ID)
	if len(after) != len(before) || len(now.Tags) != 0 || now.Status != c.Status {
		t.Fatalf("recipe test changed the conversation: %d events (were %d), tags %v, status %s", len(after), len(before), now.Tags, now.Status)
	}
	if n := len(w.slack.Sent()); n != sentBefore {
		t.Fatalf("recipe test sent %d messages", n-sentBefore)
	}
	if due, _ := w.db.DueRecipeRuns(ctx, t0.Add(24*time.Hour), 0); len(due) != 0 {
		t.Fatalf("recipe test planned runs: %+v", due)
	}
	if rc := w.recipe(t, 1); rc.Enabled {
		t.Fatal("recipe test turned the recipe on")
	}
	// Outside a thread it says where to type it; an unknown recipe is
	// named.
	if got := render(w.run(mo, "recipe test 1")); !strings.Contains(got, "type this command in a participant's thread") {
		t.Fatalf("recipe test outside a thread:\n%s", got)
	}
	if got := render(w.inThread(c.Thread, "recipe test 9")); !strings.Contains(got, "no recipe 9") {
		t.Fatalf("recipe test of a recipe that is not:\n%s", got)
	}
}

// `recipe clone`: an off copy with the same trigger, condition, hours and
// actions, named after the original (2, 3, …), stamped with who cloned
// it; changing the copy leaves the original as it was.
func TestRecipeClone(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	for _, cmd := range []string{"calendar new office mon-fri 9-18", "recipe new Refunds", "recipe when 1 new message", `recipe if 1 message contains "refund"`,
		"recipe do 1 tag add refund; assign @billing", "recipe hours 1 during office", "recipe enable 1"} {
		w.run(mo, cmd)
	}
	w.clock.Advance(time.Hour)
	w.says(t, "recipe clone 1", "Recipe #2 *Refunds (2)* created, off.")
	w.says(t, "recipe clone 1", "Recipe #3 *Refunds (3)* created, off.")
	orig, clone := w.recipe(t, 1), w.recipe(t, 2)
	if clone.Enabled || clone.Since != 0 {
		t.Errorf("the clone is on (%v) or has a start (%d)", clone.Enabled, clone.Since)
	}
	if clone.Trigger != orig.Trigger || clone.Condition != orig.Condition || clone.Expr != orig.Expr || clone.Hours != "during" || clone.Calendar != "office" ||
		commands.ActionsText(clone.Actions) != commands.ActionsText(orig.Actions) {
		t.Errorf("the clone differs from the original:\n%+v\n%+v", clone, orig)
	}
	if !clone.CreatedAt.Equal(t0.Add(time.Hour)) || clone.CreatedBy != mo {
		t.Errorf("the clone's creation: %s by %+v", clone.CreatedAt, clone.CreatedBy)
	}
	w.says(t, "recipe do 2 tag add other", "tag add other")
	if got := commands.ActionsText(w.recipe(t, 1).Actions); got != "tag add refund; assign @billing" {
		t.Errorf("changing the clone changed the original: %s", got)
	}
	if !w.recipe(t, 1).Enabled {
		t.Error("cloning turned the original off")
	}
	if got := render(w.run(mo, "recipe clone 9")); !strings.Contains(got, "no recipe 9") {
		t.Errorf("clone of a recipe that is not:\n%s", got)
	}
	all, _ := w.db.Recipes(ctx)
	if len(all) != 3 {
		t.Errorf("%d recipes, want 3", len(all))
	}
}

// `recipe disable` turns it off (the store says so) and drops its waiting
// runs: the wait that was under way does nothing when it ends.
// `recipe delete` removes it and its runs; it is gone from the list.
func TestRecipeDisableAndDelete(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	for _, cmd := range []string{"recipe new Auto-close", "recipe when 1 new message", "recipe do 1 wait 30m; resolve", "recipe enable 1",
		"recipe new Tagger", "recipe when 2 new message", "recipe do 2 wait 30m; tag add late", "recipe enable 2"} {
		w.run(mo, cmd)
	}
	w.recipes.Step(ctx) // the planner reads the recipes
	zoe := bot.Address{Platform: bot.PlatformSlack, ID: "UZOE"}
	if _, err := w.threads.Receive(ctx, threads.Incoming{From: zoe, Name: "Zoe", Message: bot.Message{Text: "hello"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if due, _ := w.db.DueRecipeRuns(ctx, t0.Add(time.Hour), 0); len(due) != 2 {
		t.Fatalf("%d runs waiting, want 2", len(due))
	}
	w.says(t, "recipe disable 1", "Recipe #1 *Auto-close* is off; its waiting runs are dropped.")
	if w.recipe(t, 1).Enabled {
		t.Fatal("recipe 1 is still on in the store")
	}
	w.says(t, "recipe delete 2", "Recipe #2 deleted.")
	if _, err := w.db.Recipe(ctx, 2); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("recipe 2 after delete: %v", err)
	}
	w.clock.Advance(31 * time.Minute)
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	c, _ := w.db.ConversationByParticipant(ctx, zoe)
	if c.Status == bot.ConversationResolved || slices.Contains(c.Tags, "late") {
		t.Fatalf("a run went on after its recipe was turned off or deleted: status %s, tags %v", c.Status, c.Tags)
	}
	if due, _ := w.db.DueRecipeRuns(ctx, t0.Add(48*time.Hour), 0); len(due) != 0 {
		t.Fatalf("runs left: %+v", due)
	}
	list := render(w.run(mo, "recipes"))
	if !strings.Contains(list, "#1 *Auto-close* · off") || strings.Contains(list, "Tagger") {
		t.Fatalf("recipes after disable and delete:\n%s", list)
	}
	if got := render(w.run(mo, "recipe delete 2")); !strings.Contains(got, "no recipe 2") {
		t.Fatalf("delete again:\n%s", got)
	}
	// Enabled again, it acts on what happens from then on only.
	w.says(t, "recipe enable 1", "is on")
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if due, _ := w.db.DueRecipeRuns(ctx, t0.Add(48*time.Hour), 0); len(due) != 0 {
		t.Fatalf("enabling again planned runs for older messages: %+v", due)
	}
}

// `calendar edit` changes the parts it is given and keeps the others;
// `calendar list` lists every calendar by name, or says there is none.
func TestCalendarEditAndList(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	w.says(t, "calendar list", "No calendar yet")
	w.says(t, "calendar edit office closed 2026-12-25", "no calendar named office")
	w.says(t, "calendar new office tz Europe/Paris mon-fri 9-18 closed 2026-12-25", "Calendar *office*: Mon,Tue,Wed,Thu,Fri 09:00–18:00 · closed 2026-12-25 · Europe/Paris")
	w.clock.Advance(time.Hour)
	w.says(t, "calendar edit office closed 2026-12-25,2027-01-01", "Calendar *office*: Mon,Tue,Wed,Thu,Fri 09:00–18:00 · closed 2026-12-25,2027-01-01 · Europe/Paris")
	c, err := w.db.Calendar(ctx, "office")
	if err != nil {
		t.Fatal(err)
	}
	if c.TimeZone != "Europe/Paris" || len(c.Hours) != 1 || c.Hours[0].HoursFrom != 9*60 || c.Hours[0].HoursTo != 18*60 || len(c.Hours[0].Days) != 5 ||
		!slices.Equal(c.Closed, []string{"2026-12-25", "2027-01-01"}) {
		t.Fatalf("the calendar after closed dates were edited: %+v", c)
	}
	if !c.UpdatedAt.Equal(t0.Add(time.Hour)) || c.UpdatedBy != mo {
		t.Errorf("the edit's stamp: %s by %+v", c.UpdatedAt, c.UpdatedBy)
	}
	w.says(t, "calendar edit office mon-sat 8-20 sun 10-14", "Calendar *office*: Mon,Tue,Wed,Thu,Fri,Sat 08:00–20:00 · Sun 10:00–14:00 · closed 2026-12-25,2027-01-01 · Europe/Paris")
	w.says(t, "calendar edit office tz UTC", "Calendar *office*: Mon,Tue,Wed,Thu,Fri,Sat 08:00–20:00 · Sun 10:00–14:00 · closed 2026-12-25,2027-01-01 · UTC")
	// A bad edit changes nothing.
	w.says(t, "calendar edit office tz Mars/Olympus", "unknown time zone")
	if c, _ := w.db.Calendar(ctx, "office"); c.TimeZone != "UTC" || len(c.Hours) != 2 {
		t.Fatalf("a refused edit changed the calendar: %+v", c)
	}
	w.says(t, "calendar new night 22-6", "Calendar *night*: 22:00–06:00")
	list := render(w.run(mo, "calendar list"))
	want := "• *night* · 22:00–06:00\n• *office* · Mon,Tue,Wed,Thu,Fri,Sat 08:00–20:00 · Sun 10:00–14:00 · closed 2026-12-25,2027-01-01 · UTC"
	if !strings.Contains(list, want) {
		t.Fatalf("calendar list:\n%s\nwant:\n%s", list, want)
	}
}

// `webhook disable` turns a webhook off, saying who did; `webhook enable`
// turns it on again. Both keep its signing secret. What is queued for a
// disabled webhook is not posted: its log says why.
func TestWebhookEnableDisable(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	w.says(t, "webhook new crm https://crm.example.org/herald vars contact", "whsec_")
	secret, _, err := w.db.WebhookSecrets(ctx, "crm")
	if err != nil || secret == "" {
		t.Fatalf("secret: %q %v", secret, err)
	}
	w.clock.Advance(time.Minute)
	w.says(t, "webhook disable crm", "*crm*: POST crm.example.org · json · contact · off (turned off by Mo (slack:UMOD))")
	hook, err := w.db.Webhook(ctx, "crm")
	if err != nil {
		t.Fatal(err)
	}
	if !hook.Disabled || hook.DisabledReason != "turned off by Mo (slack:UMOD)" || hook.UpdatedBy != mo || !hook.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after disable: %+v", hook)
	}
	w.says(t, "webhook list", "• *crm* · POST crm.example.org · json · contact · off (turned off by Mo (slack:UMOD))")
	w.says(t, "webhook test crm", "A test delivery to *crm* is queued")
	poster := &countingPoster{}
	sender := &engine.Webhooks{Store: w.db, Poster: poster, Clock: w.clock}
	if n, err := sender.Step(ctx); err != nil || n != 1 {
		t.Fatalf("the sender's step: %d %v", n, err)
	}
	if poster.n.Load() != 0 {
		t.Fatal("a delivery was posted to a disabled webhook")
	}
	if log, _ := w.db.WebhookLog(ctx, "crm", 0); len(log) != 1 || log[0].Outcome != "failed" || !strings.Contains(log[0].Error, "endpoint disabled: turned off by Mo") {
		t.Fatalf("the log of a disabled webhook: %+v", log)
	}
	w.says(t, "webhook enable crm", "*crm*: POST crm.example.org · json · contact · on")
	hook, _ = w.db.Webhook(ctx, "crm")
	if hook.Disabled || hook.DisabledReason != "" {
		t.Fatalf("after enable: %+v", hook)
	}
	if s, _, _ := w.db.WebhookSecrets(ctx, "crm"); s != secret {
		t.Fatal("disabling and enabling changed the signing secret")
	}
	w.says(t, "webhook enable nothere", "no webhook named nothere")
	w.says(t, "webhook disable nothere", "no webhook named nothere")
}

// countingPoster counts the deliveries it is asked to post, and answers
// 200.
type countingPoster struct{ n atomic.Int32 }

func (p *countingPoster) Post(context.Context, *webhooks.Webhook, string, string, *webhooks.Delivery, time.Time) (int, string, time.Duration, error) {
	p.n.Add(1)
	return 200, "", 0, nil
}
