package threads

import (
	"context"

	"github.com/heraldchat/herald/bot"
)

// Intake is what one inbound platform event changes, written in one
// transaction so that a person's message is durable — recorded, and its
// relay queued — before the event counts as handled, and redelivery of
// the event changes nothing.
type Intake struct {
	// Key identifies the platform event (platform and message id); a key
	// already taken within bot.KeyTTL makes the whole intake a no-op reported
	// as a duplicate. "" takes no key.
	Key string
	// Participant's conversation is created with Init when missing, then
	// changed by Update (both may be nil).
	Participant bot.Address
	Init        func(*bot.Conversation)
	Update      func(*bot.Conversation) error
	// Then, given the conversation as saved and whether it was created
	// now, returns the posts to queue and the events to append (nil for
	// none); the conversation's ID is set on each.
	Then func(c *bot.Conversation, created bool) ([]*bot.Outgoing, []*bot.Event)
	// Plan, when set, is given the conversation as saved and the events
	// Then returned, appended (their Seq set), and returns the recipe runs
	// they start, written in the same transaction (once per recipe and
	// event, as PlanRecipeRuns writes them): the decisions on a message
	// are durable with it. It may be called again when the write is.
	Plan func(c *bot.Conversation, events []*bot.Event) []*bot.RecipeRun
	// Copy, when set, is appended to its channel's posts (its ID, time and
	// files' ids set) in the same transaction: the participant's own copy
	// of their message on a surface whose history herald keeps, the web
	// chat, so that what the page acknowledges is both shown and relayed.
	Copy *bot.Post
}

// IntakeStore writes intakes.
type IntakeStore interface {
	// Take writes in in one transaction and returns the conversation as
	// saved and whether it was created; dup reports a key already taken,
	// in which case nothing was written (and c is nil).
	Take(ctx context.Context, in *Intake) (c *bot.Conversation, created, dup bool, err error)
	// IntakeTaken reports whether an intake took key within bot.KeyTTL.
	IntakeTaken(ctx context.Context, key string) (bool, error)
}

// Snippet is a saved answer moderators send by name.
type Snippet struct {
	Name string    `json:"name"`
	Text string    `json:"text"`
	By   bot.Actor `json:"by"`
}

// SnippetStore keeps snippets by name (compared case-insensitively). Each
// method is one transaction.
type SnippetStore interface {
	PutSnippet(ctx context.Context, s *Snippet) error
	Snippet(ctx context.Context, name string) (*Snippet, error) // ENOTFOUND
	Snippets(ctx context.Context) ([]*Snippet, error)           // in name order
	DeleteSnippet(ctx context.Context, name string) error       // ENOTFOUND
}

// AuthoredPoster is an optional ability of a bot.ThreadPoster that shows who
// wrote each post (the web console): a participant's relayed messages are
// posted as theirs, rather than by the bot with their name before the
// text.
type AuthoredPoster interface {
	PostAs(ctx context.Context, t bot.ThreadRef, from bot.Actor, m bot.Message) (bot.MessageRef, error)
}

// MaxEventText is the most of a message's text an event keeps (bytes).
const MaxEventText = 4096
