package bot

import (
	"time"
)

// RecipeID identifies an automation recipe.
type RecipeID uint64

// RecipeRun is one firing of a recipe on one event: durable from the
// moment it is decided, so that a wait survives a restart.
type RecipeRun struct {
	ID             uint64         `json:"id"`
	Recipe         RecipeID       `json:"recipe"`
	Event          uint64         `json:"event"` // the trigger's Seq
	ConversationID ConversationID `json:"conversation_id"`
	// Step is the next action to run, at Due; Depth is the recipe depth
	// of what it does (its trigger's, plus one).
	Step  int       `json:"step"`
	Due   time.Time `json:"due"`
	Depth int       `json:"depth"`
	// Version is the recipe's UpdatedAt when the run was planned: a run
	// of a recipe changed since stops rather than resume at a step that
	// may no longer follow the one before.
	Version time.Time `json:"version,omitzero"`
}
