package bot

import (
	"context"
	"time"
)

// Class orders what herald posts within a platform's budget: interactive
// posts (what a person waits for: relayed messages, replies, command
// answers, card edits) go before bulk ones (campaign sends).
type Class uint8

// The classes, in the order they are served.
const (
	ClassInteractive Class = iota
	ClassBulk
)

// OutgoingKind says what an outgoing post does on its platform.
type OutgoingKind string

// The kinds of outgoing posts.
const (
	// OutgoingRelay carries what a participant wrote into their thread;
	// the thread is the conversation's at the time it is posted, opened
	// first (headed by the conversation's card) when it has none. Relays
	// of one conversation waiting together go as one post.
	OutgoingRelay OutgoingKind = "relay"
	// OutgoingThreadPost posts Message in Thread (a note, an answer in a
	// thread).
	OutgoingThreadPost OutgoingKind = "thread_post"
	// OutgoingMessage sends Message to To (a reply to a participant, a
	// command answer in a chat).
	OutgoingMessage OutgoingKind = "message"
	// OutgoingEdit replaces the message Edit with Message (a live card).
	// Only the last waiting edit of a message is posted.
	OutgoingEdit OutgoingKind = "edit"
)

// Outgoing is one thing herald posts, kept in the outbox from the moment
// it is decided until the platform took it: a crash between the two
// loses nothing, and the post goes on after a restart.
type Outgoing struct {
	// ID is the outbox's sequence, set by the store: posts are served in
	// ID order within a class.
	ID    uint64       `json:"id"`
	Class Class        `json:"class"`
	Kind  OutgoingKind `json:"kind"`
	// Lane keeps order: posts of one lane go one at a time, in ID order
	// (a conversation's relays, a chat's answers). "" for none.
	Lane string `json:"lane,omitempty"`
	// Platform is whose budget the post spends.
	Platform Platform `json:"platform"`
	// Where it goes, as Kind says.
	To             Address        `json:"to,omitzero"`
	Thread         ThreadRef      `json:"thread,omitzero"`
	Edit           MessageRef     `json:"edit,omitzero"`
	ConversationID ConversationID `json:"conversation_id,omitempty"`
	// From names who wrote a relayed message, for a batch's header.
	From    string    `json:"from,omitempty"`
	Message Message   `json:"message"`
	Due     time.Time `json:"due"`
	// Tries counts failed attempts; LastError says why the last failed.
	Tries     int       `json:"tries,omitempty"`
	LastError string    `json:"last_error,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// OutboxStore keeps the outbox. Each method is one transaction;
// implementations are safe for concurrent use.
type OutboxStore interface {
	// Enqueue stores posts at the end of the outbox, setting their IDs
	// (and CreatedAt, and Due when zero, to now).
	Enqueue(ctx context.Context, posts []*Outgoing) error
	// Outbox returns up to limit waiting posts with IDs after the given
	// one, in ID order.
	Outbox(ctx context.Context, after uint64, limit int) ([]*Outgoing, error)
	// Settle removes the posts done (posted, or given up with their
	// reason told elsewhere) and saves retry (new Due, Tries, LastError),
	// in one transaction. Unknown IDs in done are ignored: a post settled
	// twice is settled once; retry returns ENOTFOUND for a post not in the
	// outbox.
	Settle(ctx context.Context, done []uint64, retry []*Outgoing) error
	// OutboxDepth returns how many posts wait in the outbox, per platform
	// (platforms with none are absent). It reads kept counts, not the
	// posts, so its cost does not grow with a backlog.
	OutboxDepth(ctx context.Context) (map[Platform]int, error)
}

// KeyTTL is how long an intake key is remembered against redelivery:
// longer than any platform retries an event.
const KeyTTL = 24 * time.Hour
