package recipes

import (
	"context"
	"strconv"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/schedule"
	"github.com/heraldchat/herald/bot/webhooks"
)

// Env is what a recipe's condition can read: the event that triggered it,
// the conversation as it stands, and the contact.
type Env struct {
	// Message is the text of the participant's message (message events);
	// Files how many files came with it.
	Message  string   `expr:"message"`
	Files    int      `expr:"files"`
	Platform string   `expr:"platform"`
	Status   string   `expr:"status"`
	Tags     []string `expr:"tags"`
	Assignee string   `expr:"assignee"`
	Source   string   `expr:"source"`
	Campaign int      `expr:"campaign"`
	Blocked  bool     `expr:"blocked"`
	// Props are the conversation's properties (priority, language,
	// category); Rating its last survey answer, when Rated.
	Props  map[string]string `expr:"props"`
	Rating int               `expr:"rating"`
	Rated  bool              `expr:"rated"`
	// Contact holds the contact's attributes, with "name" and "email".
	Contact map[string]string `expr:"contact"`
	Event   EventEnv          `expr:"event"`
}

// EventEnv is the triggering event in an Env.
type EventEnv struct {
	Type   string            `expr:"type"`
	Name   string            `expr:"name"`
	Tag    string            `expr:"tag"`
	Status string            `expr:"status"`
	From   string            `expr:"from"`
	Data   map[string]string `expr:"data"`
}

// NewEnv builds the Env of event e on conversation c (nil when none) of
// contact ct (nil when unknown).
func NewEnv(e *bot.Event, c *bot.Conversation, ct *bot.Contact) *Env {
	env := &Env{Contact: map[string]string{}, Props: map[string]string{}, Event: EventEnv{Data: map[string]string{}}}
	if e != nil {
		env.Event = EventEnv{Type: string(e.Type), Name: e.Name, Tag: e.Data["tag"], Status: e.Data["status"], From: e.Data["from"], Data: e.Data}
		if env.Event.Data == nil {
			env.Event.Data = map[string]string{}
		}
		if e.Type == bot.EventMessageReceived {
			env.Message = e.Text
			env.Files, _ = strconv.Atoi(e.Data["files"])
		}
		env.Platform = string(e.Subject.Platform)
	}
	if c != nil {
		env.Platform = string(c.Participant.Platform)
		env.Status, env.Tags, env.Source, env.Blocked = string(c.Status), c.Tags, c.Source, c.Blocked
		env.Campaign, env.Rating, env.Rated = int(c.CampaignID), c.Rating, c.Rated
		for k, v := range c.Props {
			env.Props[k] = v
		}
		if c.Assignee != (bot.Actor{}) {
			env.Assignee = c.Assignee.String()
		}
	}
	if env.Tags == nil {
		env.Tags = []string{}
	}
	if ct != nil {
		for k, v := range ct.Attributes {
			env.Contact[k] = v
		}
		env.Contact["name"], env.Contact["email"] = ct.Name, ct.MailTo()
	}
	return env
}

// Matcher is a compiled condition.
type Matcher interface {
	// Match reports whether the condition holds in env; an error says the
	// condition could not be evaluated (it does not hold then).
	Match(env *Env) (bool, error)
}

// Compiler compiles conditions. Compile returns an EINVALID error naming
// the part it cannot read, or a type it does not expect.
type Compiler interface {
	Compile(expr string) (Matcher, error)
}

// always is the condition of a recipe without one.
type always struct{}

func (always) Match(*Env) (bool, error) { return true, nil }

// compile returns the matcher of expr ("" holds always).
func compile(c Compiler, expr string) (Matcher, error) {
	if expr == "" {
		return always{}, nil
	}
	if c == nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "conditions cannot be compiled on this herald")
	}
	return c.Compile(expr)
}

// Triggers reports whether event e starts recipe r (whatever its
// condition).
func Triggers(r *Recipe, e *bot.Event) bool {
	v := r.Trigger.Value
	switch r.Trigger.Kind {
	case TriggerNewConversation:
		return e.Type == bot.EventConversationOpen
	case TriggerNewMessage:
		return e.Type == bot.EventMessageReceived && e.Data["blocked"] != "true"
	case TriggerStatus:
		return e.Type == bot.EventStatusChanged && e.Data["from"] != e.Data["status"] && (v == "" || e.Data["status"] == v)
	case TriggerTagAdded:
		return e.Type == bot.EventTagAdded && (v == "" || e.Data["tag"] == v)
	case TriggerTagRemoved:
		return e.Type == bot.EventTagRemoved && (v == "" || e.Data["tag"] == v)
	case TriggerEvent:
		// Not on recipes' own bookkeeping (a stop, a notification, a
		// webhook called): recipes would then trigger one another past
		// the depth guard.
		return e.Type == bot.EventCustom && e.Name == v || e.Type != bot.EventCustom && e.Type != bot.EventRecipeAction && string(e.Type) == v
	}
	return false
}

// Store is what recipes keep and read.
type Store interface {
	RecipeStore
	schedule.CalendarStore
	webhooks.Store
	FilterStore
	bot.EventStore
	Conversation(ctx context.Context, id bot.ConversationID) (*bot.Conversation, error)
	ConversationByParticipant(ctx context.Context, participant bot.Address) (*bot.Conversation, error)
	Contact(ctx context.Context, id bot.ContactID) (*bot.Contact, error)
	LastEventSeq(ctx context.Context) (uint64, error)
}
