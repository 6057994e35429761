package bot

import (
	"context"
	"time"
)

// ConversationID identifies a participant's conversation.
type ConversationID uint64

// ConversationStatus is where a conversation stands for moderators.
type ConversationStatus string

// The conversation statuses.
const (
	ConversationOpen     ConversationStatus = "open"
	ConversationPending  ConversationStatus = "pending"
	ConversationResolved ConversationStatus = "resolved"
)

// Conversation is one participant's thread in a moderators' channel. A
// participant address has at most one conversation.
type Conversation struct {
	ID          ConversationID `json:"id"`
	Participant Address        `json:"participant"`
	ContactID   ContactID      `json:"contact_id,omitempty"`
	// Thread is where moderators see the conversation; zero until the
	// thread is opened. Unheaded says it was opened (a topic, a thread of
	// a channel) but its head card is not posted yet.
	Thread   ThreadRef          `json:"thread,omitzero"`
	Unheaded bool               `json:"unheaded,omitempty"`
	Status   ConversationStatus `json:"status"`
	Assignee Actor              `json:"assignee,omitzero"`
	Tags     []string           `json:"tags,omitempty"`
	Blocked  bool               `json:"blocked,omitempty"`
	// CampaignID or Source says what brought the participant, when known.
	CampaignID    CampaignID `json:"campaign_id,omitempty"`
	Source        string     `json:"source,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	LastMessageAt time.Time  `json:"last_message_at,omitzero"`
	// CloseAt is when a delayed close happens (zero when none waits);
	// CloseMessage is sent to the participant then. A new message from
	// the participant cancels it.
	CloseAt      time.Time `json:"close_at,omitzero"`
	CloseMessage string    `json:"close_message,omitempty"`
	// Outbox holds replies waiting to go by email, together, at OutboxDue.
	Outbox    []Message `json:"outbox,omitempty"`
	OutboxDue time.Time `json:"outbox_due,omitzero"`
	// Drafts are replies a recipe wrote and left for a moderator to send,
	// edit or discard (for approval, when Approval); one sent or
	// discarded leaves the list. DraftSeq numbers them.
	Drafts   []Draft `json:"drafts,omitempty"`
	DraftSeq int     `json:"draft_seq,omitempty"`
	// Props are the conversation's properties moderators and recipes set
	// (priority, language, category).
	Props map[string]string `json:"props,omitempty"`
	// Asking is the rating question put to the participant and not yet
	// answered ("csat" or "nps"); Rating their last answer, when Rated
	// (an NPS answer can be 0).
	Asking string `json:"asking,omitempty"`
	Rating int    `json:"rating,omitempty"`
	Rated  bool   `json:"rated,omitempty"`
}

// Draft is a reply waiting for a moderator.
type Draft struct {
	ID       int       `json:"id"`
	Text     string    `json:"text"`
	Recipe   string    `json:"recipe,omitempty"`
	Approval bool      `json:"approval,omitempty"`
	At       time.Time `json:"at"`
}

// ConversationFilter selects conversations; zero fields select all.
type ConversationFilter struct {
	Status ConversationStatus
	After  ConversationID
	Limit  int
}

// ConversationStore keeps conversations and finds them by participant and
// by thread. Each method is one transaction; implementations are safe for
// concurrent use.
type ConversationStore interface {
	// ConversationFor returns the participant's conversation, creating it
	// with init (which sets every field but ID and timestamps) when there
	// is none. created says which happened. Concurrent calls for one
	// participant create exactly one conversation.
	ConversationFor(ctx context.Context, participant Address, init func(*Conversation)) (c *Conversation, created bool, err error)
	// Conversation returns the conversation with that ID, or ENOTFOUND.
	Conversation(ctx context.Context, id ConversationID) (*Conversation, error)
	// ConversationByParticipant returns the participant's conversation, or
	// ENOTFOUND.
	ConversationByParticipant(ctx context.Context, participant Address) (*Conversation, error)
	// ConversationByThread returns the conversation shown in thread t, or
	// ENOTFOUND.
	ConversationByThread(ctx context.Context, t ThreadRef) (*Conversation, error)
	// UpdateConversation applies fn to the stored conversation and saves the
	// result in the same transaction; an error from fn aborts and is
	// returned. The participant cannot change. fn may be called more than
	// once (writes made at once share a transaction), each time on the
	// stored conversation: it changes only the conversation it is given.
	UpdateConversation(ctx context.Context, id ConversationID, fn func(*Conversation) error) (*Conversation, error)
	// Conversations returns the conversations matching f in ID order.
	Conversations(ctx context.Context, f ConversationFilter) ([]*Conversation, error)
	// DueConversations returns up to limit (0: all) conversations with
	// something due at or before now — a delayed close (CloseAt) or
	// replies waiting to be emailed (Outbox, OutboxDue) —, earliest
	// first. It reads an index, so its cost follows what is due, not how
	// many conversations there are.
	DueConversations(ctx context.Context, now time.Time, limit int) ([]*Conversation, error)
}

// DueAt returns when something is next due for c: the earlier of its
// delayed close and its emailed replies; zero when nothing is.
func (c *Conversation) DueAt() time.Time {
	var at time.Time
	if !c.CloseAt.IsZero() {
		at = c.CloseAt
	}
	if len(c.Outbox) > 0 && (at.IsZero() || c.OutboxDue.Before(at)) {
		at = c.OutboxDue
	}
	return at
}
