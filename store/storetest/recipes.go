package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
)

// recipeStore: names are unique (any case), runs are planned once per
// recipe and event, come due in order, advance and end; deleting a recipe
// deletes its runs.
func recipeStore(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	a := &bot.Recipe{Name: "Auto-close", Trigger: bot.Trigger{Kind: bot.TriggerStatus, Value: "pending"},
		Actions: []bot.RecipeAction{{Kind: bot.RecipeWait, Wait: 30 * time.Minute}, {Kind: bot.RecipeResolve}}}
	if err := db.CreateRecipe(ctx, a); err != nil || a.ID != 1 {
		t.Fatalf("create: %+v %v", a, err)
	}
	code(t, db.CreateRecipe(ctx, &bot.Recipe{Name: "auto-CLOSE"}), bot.ECONFLICT)
	b := &bot.Recipe{Name: "Refunds"}
	if err := db.CreateRecipe(ctx, b); err != nil {
		t.Fatal(err)
	}
	_, err := db.UpdateRecipe(ctx, b.ID, func(r *bot.Recipe) error { r.Name = "auto-close"; return nil })
	code(t, err, bot.ECONFLICT)
	if r, err := db.UpdateRecipe(ctx, b.ID, func(r *bot.Recipe) error { r.Name = "Refund"; r.Enabled = true; return nil }); err != nil || !r.Enabled || r.ID != b.ID {
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
	if err := db.PlanRecipeRuns(ctx, 7, runs, []*bot.Event{stop}); err != nil || runs[0].ID == 0 || stop.Seq == 0 {
		t.Fatalf("plan: %+v %v", runs, err)
	}
	// The same page planned again (after a crash): nothing new.
	again := []*bot.RecipeRun{{Recipe: a.ID, Event: 7, ConversationID: 3, Due: epoch}}
	if err := db.PlanRecipeRuns(ctx, 7, again, nil); err != nil {
		t.Fatal(err)
	}
	if cur, _ := db.RecipeCursor(ctx); cur != 7 {
		t.Fatalf("cursor %d", cur)
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
