package storetest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/schedule"
)

// recipeStore: names are unique (any case), runs are planned once per
// recipe and event, come due in order, advance and end; deleting a recipe
// deletes its runs.
func recipeStore(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	a := &recipes.Recipe{Name: "Auto-close", Trigger: recipes.Trigger{Kind: recipes.TriggerStatus, Value: "pending"},
		Actions: []recipes.Action{{Kind: recipes.RecipeWait, Wait: 30 * time.Minute}, {Kind: recipes.RecipeResolve}}}
	if err := db.CreateRecipe(ctx, a); err != nil || a.ID != 1 {
		t.Fatalf("create: %+v %v", a, err)
	}
	code(t, db.CreateRecipe(ctx, &recipes.Recipe{Name: "auto-CLOSE"}), bot.ECONFLICT)
	b := &recipes.Recipe{Name: "Refunds"}
	if err := db.CreateRecipe(ctx, b); err != nil {
		t.Fatal(err)
	}
	_, err := db.UpdateRecipe(ctx, b.ID, func(r *recipes.Recipe) error { r.Name = "auto-close"; return nil })
	code(t, err, bot.ECONFLICT)
	if r, err := db.UpdateRecipe(ctx, b.ID, func(r *recipes.Recipe) error { r.Name = "Refund"; r.Enabled = true; return nil }); err != nil || !r.Enabled || r.ID != b.ID {
		t.Fatalf("rename: %+v %v", r, err)
	}
	if got, err := db.Recipe(ctx, a.ID); err != nil || len(got.Actions) != 2 || got.Actions[0].Wait != 30*time.Minute {
		t.Fatalf("read back: %+v %v", got, err)
	}
	_, err = db.Recipe(ctx, 99)
	code(t, err, bot.ENOTFOUND)

	runs := []*bot.RecipeRun{
		{Recipe: a.ID, Event: 7, ConversationID: 3, Due: epoch.Add(time.Minute)},
		{Recipe: b.ID, Event: 7, ConversationID: 3, Due: epoch},
	}
	stop := &bot.Event{Type: bot.EventRecipeAction, ConversationID: 4, Data: map[string]string{"recipe": "Refund", "what": "stopped"}}
	// Runs written before the planner's cursor reached their event (with
	// their message, or a page whose cursor was not kept before a crash).
	if err := db.PlanRecipeRuns(ctx, 6, runs, []*bot.Event{stop}); err != nil || runs[0].ID == 0 || stop.Seq == 0 {
		t.Fatalf("plan: %+v %v", runs, err)
	}
	// The planner meets the same event again: nothing new.
	again := []*bot.RecipeRun{{Recipe: a.ID, Event: 7, ConversationID: 3, Due: epoch}}
	if err := db.PlanRecipeRuns(ctx, 7, again, nil); err != nil {
		t.Fatal(err)
	}
	if cur, _ := db.RecipeCursor(ctx); cur != 7 {
		t.Fatalf("cursor %d", cur)
	}
	// The cursor never moves back.
	if err := db.PlanRecipeRuns(ctx, 3, nil, nil); err != nil {
		t.Fatal(err)
	}
	if cur, _ := db.RecipeCursor(ctx); cur != 7 {
		t.Fatalf("cursor moved back to %d", cur)
	}
	due, err := db.DueRecipeRuns(ctx, epoch.Add(time.Hour), 0)
	if err != nil || len(due) != 2 || due[0].Recipe != b.ID || due[1].Recipe != a.ID {
		t.Fatalf("due: %+v %v", due, err)
	}
	if due, _ := db.DueRecipeRuns(ctx, epoch, 0); len(due) != 1 {
		t.Fatalf("due at epoch: %+v", due)
	}
	if next, _ := db.NextRecipeRun(ctx); !next.Equal(epoch) {
		t.Fatalf("next %s", next)
	}
	// The first waits 30 minutes at step 1; the second ends.
	w := due[1]
	w.Step, w.Due = 1, epoch.Add(31*time.Minute)
	if err := db.AdvanceRecipeRun(ctx, w, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.AdvanceRecipeRun(ctx, due[0], true, []*bot.Event{{Type: bot.EventRecipeAction, ConversationID: 3}}); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueRecipeRuns(ctx, epoch.Add(30*time.Minute), 0); len(due) != 0 {
		t.Fatalf("due before the wait ends: %+v", due)
	}
	if due, _ := db.DueRecipeRuns(ctx, epoch.Add(31*time.Minute), 0); len(due) != 1 || due[0].Step != 1 {
		t.Fatalf("due after the wait: %+v", due)
	}
	if h, _ := db.ConversationEvents(ctx, 3, 0, 0); len(h) != 1 || h[0].Type != bot.EventRecipeAction {
		t.Fatalf("the run's event: %+v", h)
	}
	if err := db.DeleteRecipe(ctx, a.ID); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueRecipeRuns(ctx, epoch.Add(time.Hour), 0); len(due) != 0 {
		t.Fatalf("a deleted recipe's run is still due: %+v", due)
	}
	if rs, _ := db.Recipes(ctx); len(rs) != 1 || rs[0].Name != "Refund" {
		t.Fatalf("recipes: %+v", rs)
	}
	code(t, db.DeleteRecipe(ctx, a.ID), bot.ENOTFOUND)
}

// calendars: by name in any case; one a recipe runs by cannot go.
func calendars(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	office := &schedule.Calendar{Name: "Office", TimeZone: "Europe/Paris", Hours: []bot.Schedule{{Days: []time.Weekday{time.Monday}, HoursFrom: 9 * 60, HoursTo: 18 * 60}}, Closed: []string{"2026-12-25"}}
	if err := db.PutCalendar(ctx, office); err != nil {
		t.Fatal(err)
	}
	db.PutCalendar(ctx, &schedule.Calendar{Name: "night", Hours: []bot.Schedule{{HoursFrom: 22 * 60, HoursTo: 6 * 60}}})
	got, err := db.Calendar(ctx, "office")
	if err != nil || got.TimeZone != "Europe/Paris" || len(got.Hours) != 1 || got.Closed[0] != "2026-12-25" {
		t.Fatalf("read back: %+v %v", got, err)
	}
	if all, _ := db.Calendars(ctx); len(all) != 2 || all[0].Name != "night" || all[1].Name != "Office" {
		t.Fatalf("calendars: %+v", all)
	}
	r := &recipes.Recipe{Name: "Out of hours", Hours: "outside", Calendar: "OFFICE"}
	db.CreateRecipe(ctx, r)
	code(t, db.DeleteCalendar(ctx, "office"), bot.ECONFLICT)
	if err := db.DeleteCalendar(ctx, "night"); err != nil {
		t.Fatal(err)
	}
	code(t, db.DeleteCalendar(ctx, "night"), bot.ENOTFOUND)
	_, err = db.Calendar(ctx, "night")
	code(t, err, bot.ENOTFOUND)
}

// tickNotify: a notification every 3 items, at most once an hour; its
// posts are queued only when it fires.
func tickNotify(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	var counts []int
	post := func() func(int) []*bot.Outgoing {
		return func(n int) []*bot.Outgoing {
			counts = append(counts, n)
			return []*bot.Outgoing{{Class: bot.ClassInteractive, Kind: bot.OutgoingMessage, Platform: bot.PlatformSlack, To: bot.Address{Platform: bot.PlatformSlack, ID: "C1"}, Message: bot.Message{Text: strconv.Itoa(n) + " refunds"}}}
		}
	}
	var fired []int
	at := epoch
	for i := 1; i <= 9; i++ {
		ok, err := db.TickNotify(ctx, "r1/0", 3, time.Hour, at, post())
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			fired = append(fired, i)
		}
		at = at.Add(20 * time.Minute)
	}
	// Items 3 (09:40) fires; 6 (10:40) is an hour after: fires; 9 too.
	if len(fired) != 3 || fired[0] != 3 || fired[1] != 6 || fired[2] != 9 {
		t.Fatalf("fired at items %v", fired)
	}
	var burst []int
	for i := 1; i <= 6; i++ { // all at once: the hour holds the second back
		if ok, _ := db.TickNotify(ctx, "r2/0", 3, time.Hour, epoch, post()); ok {
			burst = append(burst, i)
		}
	}
	if len(burst) != 1 || burst[0] != 3 {
		t.Fatalf("a burst fired at %v", burst)
	}
	if posts, _ := db.Outbox(ctx, 0, 0); len(posts) != 4 {
		t.Fatalf("%d posts queued, want 4", len(posts))
	}
	// Each says how many items it covers: 3 each time, then the burst's
	// first 3; the 3 held back by the hour are counted into the next.
	if len(counts) != 4 || counts[0] != 3 || counts[1] != 3 || counts[2] != 3 || counts[3] != 3 {
		t.Fatalf("the counts told: %v", counts)
	}
	if ok, _ := db.TickNotify(ctx, "r2/0", 3, time.Hour, epoch.Add(time.Hour), post()); !ok || counts[len(counts)-1] != 4 {
		t.Fatalf("after the hour, the items held back and this one: %v (fired %v)", counts, ok)
	}
}

// filters: by name in any case; saving one again changes the recipes
// using it; one in use cannot go.
func filters(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	if err := db.PutFilter(ctx, &recipes.Filter{Name: "VIP", Condition: "plan = gold", Expr: `contact["plan"] == "gold"`}); err != nil {
		t.Fatal(err)
	}
	r := &recipes.Recipe{Name: "r", Filter: "vip", Expr: `contact["plan"] == "gold"`}
	db.CreateRecipe(ctx, r)
	other := &recipes.Recipe{Name: "o", Expr: `status == "open"`}
	db.CreateRecipe(ctx, other)
	if err := db.PutFilter(ctx, &recipes.Filter{Name: "vip", Condition: "plan in gold,platinum", Expr: `contact["plan"] in ["gold", "platinum"]`, UpdatedAt: epoch}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.Recipe(ctx, r.ID); got.Expr != `contact["plan"] in ["gold", "platinum"]` || !got.UpdatedAt.Equal(epoch) {
		t.Fatalf("the recipe did not follow its filter: %+v", got)
	}
	if got, _ := db.Recipe(ctx, other.ID); got.Expr != `status == "open"` {
		t.Fatalf("another recipe changed: %+v", got)
	}
	if fs, _ := db.Filters(ctx); len(fs) != 1 || fs[0].Condition != "plan in gold,platinum" {
		t.Fatalf("filters: %+v", fs)
	}
	code(t, db.DeleteFilter(ctx, "VIP"), bot.ECONFLICT)
	db.DeleteRecipe(ctx, r.ID)
	if err := db.DeleteFilter(ctx, "vip"); err != nil {
		t.Fatal(err)
	}
	_, err := db.Filter(ctx, "vip")
	code(t, err, bot.ENOTFOUND)
}
