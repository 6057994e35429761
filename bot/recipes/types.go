package recipes

import (
	"context"
	"time"

	"github.com/heraldchat/herald/bot"
)

// TriggerKind says which events start a recipe.
type TriggerKind string

// The triggers: a new conversation, a participant's message, a
// conversation's status moving (to Trigger.Value, or any), a tag added or
// removed (Trigger.Value, or any), or a named event (the event API's, or
// herald's own event types).
const (
	TriggerNewConversation TriggerKind = "new_conversation"
	TriggerNewMessage      TriggerKind = "new_message"
	TriggerStatus          TriggerKind = "status"
	TriggerTagAdded        TriggerKind = "tag_added"
	TriggerTagRemoved      TriggerKind = "tag_removed"
	TriggerEvent           TriggerKind = "event"
)

// Trigger is what starts a recipe.
type Trigger struct {
	Kind  TriggerKind `json:"kind"`
	Value string      `json:"value,omitempty"`
}

// ActionKind names what a recipe's step does.
type ActionKind string

// The actions: set the conversation's status; tag it; assign it; block
// the participant; reply to them (Text); write a note in the thread
// (Text, for moderators only); wait (Wait) and check the condition again
// before the next step; notify moderators.
const (
	RecipeResolve   ActionKind = "resolve"
	RecipePending   ActionKind = "pending"
	RecipeReopen    ActionKind = "reopen"
	RecipeTagAdd    ActionKind = "tag_add"
	RecipeTagRemove ActionKind = "tag_remove"
	RecipeAssign    ActionKind = "assign"
	RecipeBlock     ActionKind = "block"
	RecipeReply     ActionKind = "reply"
	RecipeNote      ActionKind = "note"
	RecipeWait      ActionKind = "wait"
	// RecipeNotify tells moderators or channels (Notify) with Text, after
	// Every matching items, at most once per AtMost.
	RecipeNotify ActionKind = "notify"
	// RecipeWebhook calls the webhook named Webhook with Vars (the
	// webhook's own when empty).
	RecipeWebhook ActionKind = "webhook"
	// RecipeDraft leaves Text as a draft reply in the thread, for a
	// moderator to send, edit or discard; RecipeApproval the same, asking
	// for approval (Approve, Edit, Discard).
	RecipeDraft    ActionKind = "draft"
	RecipeApproval ActionKind = "approval"
	// RecipeSet sets Key to Text: a conversation property (priority,
	// language, category) or, for "contact.NAME", an attribute of the
	// contact.
	RecipeSet ActionKind = "set"
	// RecipeSmartAssign assigns the conversation to whoever last answered
	// the same contact within Wait (3 h, a day, a week…), if anyone did.
	RecipeSmartAssign ActionKind = "smart_assign"
	// RecipeSurvey asks the participant to rate the conversation: Key
	// "csat" (1 to 5, with buttons) or "nps" (0 to 10); Text is the
	// question ("" for herald's). The answer is recorded on the
	// conversation (Rating) and as an event.
	RecipeSurvey ActionKind = "survey"
)

// Action is one step of a recipe.
type Action struct {
	Kind ActionKind    `json:"kind"`
	Text string        `json:"text,omitempty"`
	Tag  string        `json:"tag,omitempty"`
	To   bot.Actor     `json:"to,omitzero"`
	Wait time.Duration `json:"wait,omitempty"`
	// Notify, Every and AtMost are a notify action's: where it goes,
	// after how many matching items (0 or 1: each), and at most how often
	// (0: no bound).
	Notify []bot.Address `json:"notify,omitempty"`
	Every  int           `json:"every,omitempty"`
	AtMost time.Duration `json:"at_most,omitempty"`
	// Key is a set action's property.
	Key string `json:"key,omitempty"`
	// Webhook and Vars are a webhook action's.
	Webhook string   `json:"webhook,omitempty"`
	Vars    []string `json:"vars,omitempty"`
}

// Recipe is an automation: when Trigger happens to a conversation and its
// condition holds, Actions run in order, each recorded in the
// conversation's history under the recipe's name.
type Recipe struct {
	ID      bot.RecipeID `json:"id"`
	Name    string       `json:"name"`
	Enabled bool         `json:"enabled"`
	Trigger Trigger      `json:"trigger"`
	// Condition is the condition as the moderator typed it ("" for
	// every conversation); Expr is the expression it compiles to, checked
	// when saved.
	Condition string `json:"condition,omitempty"`
	Expr      string `json:"expr,omitempty"`
	// Filter names the saved filter the condition is, when it is one:
	// saving the filter again changes the recipe's condition too.
	Filter  string   `json:"filter,omitempty"`
	Actions []Action `json:"actions,omitempty"`
	// Hours, "during" or "outside", runs the recipe only during or only
	// outside the business hours of the calendar named Calendar; ""
	// runs it at any time.
	Hours    string `json:"hours,omitempty"`
	Calendar string `json:"calendar,omitempty"`
	// Since is the Seq of the last event recorded when the recipe was
	// enabled: it runs on later events only.
	Since     uint64    `json:"since,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy bot.Actor `json:"created_by"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy bot.Actor `json:"updated_by"`
}

// RecipeStore keeps recipes and their runs. Each method is one
// transaction; implementations are safe for concurrent use.
type RecipeStore interface {
	// CreateRecipe stores r, setting its ID; ECONFLICT when its name is
	// taken.
	CreateRecipe(ctx context.Context, r *Recipe) error
	// Recipe returns the recipe with that ID, or ENOTFOUND.
	Recipe(ctx context.Context, id bot.RecipeID) (*Recipe, error)
	// Recipes returns every recipe, by ID.
	Recipes(ctx context.Context) ([]*Recipe, error)
	// UpdateRecipe applies fn to the stored recipe and saves it; an error
	// from fn aborts. ECONFLICT when the new name is another's.
	UpdateRecipe(ctx context.Context, id bot.RecipeID, fn func(*Recipe) error) (*Recipe, error)
	// DeleteRecipe removes the recipe and its runs; ENOTFOUND when none.
	DeleteRecipe(ctx context.Context, id bot.RecipeID) error
	// RecipeCursor returns the Seq of the last event the recipes were
	// planned for.
	RecipeCursor(ctx context.Context) (uint64, error)
	// PlanRecipeRuns stores runs (setting their IDs; a run whose recipe
	// and event were planned before is skipped), appends events, and
	// moves the cursor, all at once.
	PlanRecipeRuns(ctx context.Context, cursor uint64, runs []*bot.RecipeRun, events []*bot.Event) error
	// DueRecipeRuns returns up to limit runs due at or before now,
	// earliest first.
	DueRecipeRuns(ctx context.Context, now time.Time, limit int) ([]*bot.RecipeRun, error)
	// NextRecipeRun returns when the earliest run is due (zero if none).
	NextRecipeRun(ctx context.Context) (time.Time, error)
	// AdvanceRecipeRun saves run (its Step and Due), or removes it when
	// done, and appends events, at once.
	AdvanceRecipeRun(ctx context.Context, run *bot.RecipeRun, done bool, events []*bot.Event) error
	// TickNotify counts one more matching item for key (a recipe's
	// notify action) and reports whether a notification is due: every
	// items counted since the last, and at least atMost since it (zero:
	// no bound). When one is, the posts made by posts (given how many items
	// were counted) are queued in the outbox and the count starts again,
	// in the same transaction.
	TickNotify(ctx context.Context, key string, every int, atMost time.Duration, now time.Time, posts func(count int) []*bot.Outgoing) (bool, error)
}

// Filter is a saved condition, named, that recipes use by name.
type Filter struct {
	Name      string    `json:"name"`
	Condition string    `json:"condition"` // as typed
	Expr      string    `json:"expr"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy bot.Actor `json:"updated_by"`
}

// FilterStore keeps saved filters by name (any case). Each method is one
// transaction; implementations are safe for concurrent use.
type FilterStore interface {
	// PutFilter stores f, replacing the filter of that name, and sets the
	// condition of every recipe using it to f's, at once.
	PutFilter(ctx context.Context, f *Filter) error
	// Filter returns the filter named name, or ENOTFOUND.
	Filter(ctx context.Context, name string) (*Filter, error)
	// Filters returns every filter, by name.
	Filters(ctx context.Context) ([]*Filter, error)
	// DeleteFilter removes it: ENOTFOUND when none, ECONFLICT while a
	// recipe uses it.
	DeleteFilter(ctx context.Context, name string) error
}
