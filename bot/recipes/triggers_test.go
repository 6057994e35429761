package recipes_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/events"
	"github.com/heraldchat/herald/bot/recipes"
)

// "status open": a resolved conversation that a new message reopens
// starts it; a new conversation (born open), a close, and a message to a
// conversation already open do not. A moderator's reopen starts it too.
func TestStatusOpenTrigger(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.add(t, "Back", recipes.Trigger{Kind: recipes.TriggerStatus, Value: "open"}, "", recipes.Action{Kind: recipes.RecipeNote, Text: "reopened"})
	r.step(t) // the planner reads the recipes: messages are decided with their write
	c := r.writes(t, "hello")
	r.step(t)
	if n := r.fired(t, "Back"); n != 0 {
		t.Fatalf("ran %d times on a new conversation", n)
	}
	if err := r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipeResolve}); err != nil {
		t.Fatal(err)
	}
	r.step(t)
	if n := r.fired(t, "Back"); n != 0 {
		t.Fatalf("ran %d times on a close", n)
	}
	r.writes(t, "I am back")
	r.step(t)
	if got := r.conv(t); got.Status != bot.ConversationOpen {
		t.Fatalf("a message did not reopen: %s", got.Status)
	}
	if n := r.fired(t, "Back"); n != 1 {
		t.Fatalf("ran %d times after a message reopened the conversation, want 1:\n%s", n, r.history(t))
	}
	r.writes(t, "still here") // open already: no status change
	r.step(t)
	if n := r.fired(t, "Back"); n != 1 {
		t.Fatalf("ran %d times after a message to an open conversation, want 1:\n%s", n, r.history(t))
	}
	// Once the planner has passed it, the same event plans nothing twice.
	r.step(t)
	if n := r.fired(t, "Back"); n != 1 {
		t.Fatalf("ran %d times after another step, want 1", n)
	}
	if err := r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipePending}); err != nil {
		t.Fatal(err)
	}
	if err := r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipeReopen}); err != nil {
		t.Fatal(err)
	}
	r.step(t)
	if n := r.fired(t, "Back"); n != 2 {
		t.Fatalf("ran %d times after a moderator reopened, want 2:\n%s", n, r.history(t))
	}
}

// An event trigger on one of herald's own event types (here
// survey_answered, with its rating in event.data): a low rating tags and
// reopens the conversation, a high one does nothing.
func TestATriggerOnAnInternalEventType(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.add(t, "CSAT", recipes.Trigger{Kind: recipes.TriggerStatus, Value: "resolved"}, "", recipes.Action{Kind: recipes.RecipeSurvey, Key: "csat"})
	r.add(t, "Unhappy", recipes.Trigger{Kind: recipes.TriggerEvent, Value: "survey_answered"}, `event.data["rating"] in ["1", "2"]`,
		recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "unhappy"}, recipes.Action{Kind: recipes.RecipeReopen})
	c := r.writes(t, "thanks")
	resolve := func() {
		t.Helper()
		if err := r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipeResolve}); err != nil {
			t.Fatal(err)
		}
		r.step(t)
	}
	resolve()
	r.writes(t, "5")
	r.step(t)
	if got := r.conv(t); got.Rating != 5 || slices.Contains(got.Tags, "unhappy") || got.Status != bot.ConversationResolved {
		t.Fatalf("after a 5: rating %d, tags %v, status %s", got.Rating, got.Tags, got.Status)
	}
	r.writes(t, "one more thing") // reopens
	resolve()                     // asked again
	r.writes(t, "2")
	r.step(t)
	got := r.conv(t)
	if got.Rating != 2 || !slices.Equal(got.Tags, []string{"unhappy"}) || got.Status != bot.ConversationOpen {
		t.Fatalf("after a 2: rating %d, tags %v, status %s\n%s", got.Rating, got.Tags, got.Status, r.history(t))
	}
	if lines := r.linesBy(t, "Unhappy"); !slices.Equal(lines, []string{"tag_added recipe Unhappy unhappy", "status_changed recipe Unhappy reopened"}) {
		t.Fatalf("history lines of Unhappy: %q", lines)
	}
}

// Triggers, directly: an event trigger names herald's event types as
// well as custom events, never recipes' own bookkeeping; a status
// trigger needs the status to move.
func TestTriggersOnEventTypes(t *testing.T) {
	on := func(kind recipes.TriggerKind, value string) *recipes.Recipe {
		return &recipes.Recipe{Trigger: recipes.Trigger{Kind: kind, Value: value}}
	}
	status := func(from, to string) *bot.Event {
		return &bot.Event{Type: bot.EventStatusChanged, Data: map[string]string{"from": from, "status": to}}
	}
	for _, tc := range []struct {
		name string
		r    *recipes.Recipe
		e    *bot.Event
		want bool
	}{
		{"internal type", on(recipes.TriggerEvent, "note_added"), &bot.Event{Type: bot.EventNoteAdded}, true},
		{"internal type, another", on(recipes.TriggerEvent, "note_added"), &bot.Event{Type: bot.EventReplySent}, false},
		// One name space: a custom event of a type's name starts it too
		// (which is why the event API refuses herald's types as names).
		{"custom named like a type", on(recipes.TriggerEvent, "note_added"), &bot.Event{Type: bot.EventCustom, Name: "note_added"}, true},
		{"custom", on(recipes.TriggerEvent, "payment"), &bot.Event{Type: bot.EventCustom, Name: "payment"}, true},
		{"custom type name", on(recipes.TriggerEvent, "custom"), &bot.Event{Type: bot.EventCustom, Name: "payment"}, false},
		{"bookkeeping", on(recipes.TriggerEvent, "recipe_action"), &bot.Event{Type: bot.EventRecipeAction}, false},
		{"status open, reopened", on(recipes.TriggerStatus, "open"), status("resolved", "open"), true},
		{"status open, from pending", on(recipes.TriggerStatus, "open"), status("pending", "open"), true},
		{"status open, not moved", on(recipes.TriggerStatus, "open"), status("open", "open"), false},
		{"status open, closed", on(recipes.TriggerStatus, "open"), status("open", "resolved"), false},
		{"any status, moved", on(recipes.TriggerStatus, ""), status("open", "pending"), true},
	} {
		if got := recipes.Triggers(tc.r, tc.e); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// The event API cannot post an event named like one of herald's own
// types (events.reserved): otherwise an API client could start the
// recipes written for herald's own events (a custom "survey_answered"
// with rating 1 runs the recipe for unhappy customers).
func TestTheEventAPICannotPoseAsHeraldsOwnEvents(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(t0)
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), clock)
	r.add(t, "Unhappy", recipes.Trigger{Kind: recipes.TriggerEvent, Value: "survey_answered"}, `event.data["rating"] in ["1", "2"]`,
		recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "unhappy"})
	r.writes(t, "hello")
	api := &events.Service{Store: r.db, Clock: clock}
	for _, typ := range []bot.EventType{bot.EventReplySent, bot.EventNoteAdded, bot.EventDraftAdded, bot.EventDraftDiscarded, bot.EventSurveyAnswered, bot.EventRecipeAction,
		bot.EventMessageReceived, bot.EventStatusChanged} {
		_, err := api.Record(ctx, "test", []events.Input{{Type: string(typ), Contact: ana.String(), Attributes: map[string]string{"rating": "1"}}})
		if bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("the API recorded an event named %s: %v", typ, err)
		}
	}
	r.step(t)
	if got := r.conv(t); slices.Contains(got.Tags, "unhappy") {
		t.Errorf("an API event started a recipe on herald's survey_answered: tags %v", got.Tags)
	}
}
