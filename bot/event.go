package bot

import (
	"context"
	"time"
)

// EventType names what happened.
type EventType string

// The event types sequences and recipes subscribe to.
const (
	EventParticipantJoined EventType = "participant_joined"
	EventMessageReceived   EventType = "message_received"
	EventStatusChanged     EventType = "status_changed"
	EventTagAdded          EventType = "tag_added"
	EventTagRemoved        EventType = "tag_removed"
	EventConversationOpen  EventType = "conversation_opened"
	EventCampaignDone      EventType = "campaign_done"
	EventSendingFailed     EventType = "sending_failed"
	// EventCampaignSent is a campaign's message sent to a person (its
	// Subject); with EventSendingFailed, recorded while a nudge listens
	// for it (nudges fire on events after they are enabled).
	EventCampaignSent EventType = "campaign_sent"
	EventCustom       EventType = "custom"
	// EventNudgeCompleted is a nudge's completion for one contact; its
	// Data holds "nudge" (the campaign's ID) and "sent" ("true" or
	// "false").
	EventNudgeCompleted EventType = "nudge_completed"
	// EventReplySent is a reply sent to a conversation's participant (By
	// wrote it; Data "via" says chat or email); EventNoteAdded a note
	// written in its thread.
	EventReplySent EventType = "reply_sent"
	EventNoteAdded EventType = "note_added"
	// EventDraftAdded is a draft reply left in the thread (Data "draft"
	// its number, "approval" "true" when it asks for approval);
	// EventDraftEdited one changed (Text its new text); EventDraftDiscarded
	// one discarded.
	EventDraftAdded     EventType = "draft_added"
	EventDraftEdited    EventType = "draft_edited"
	EventDraftDiscarded EventType = "draft_discarded"
	// EventSurveyAnswered is a participant's answer to a rating question
	// (Data "survey" csat or nps, "rating").
	EventSurveyAnswered EventType = "survey_answered"
	// EventRecipeAction is a recipe's doing that no other event records:
	// a run stopped by the loop guard or by its condition after a wait,
	// a step that failed (Data "recipe", "what").
	EventRecipeAction EventType = "recipe_action"
)

// Event is something that happened, kept in order. Seq is assigned by the
// store and grows strictly.
type Event struct {
	Seq            uint64            `json:"seq"`
	Type           EventType         `json:"type"`
	Name           string            `json:"name,omitempty"` // for custom events
	At             time.Time         `json:"at"`
	Subject        Address           `json:"subject,omitzero"`
	ContactID      ContactID         `json:"contact_id,omitempty"`
	ConversationID ConversationID    `json:"conversation_id,omitempty"`
	CampaignID     CampaignID        `json:"campaign_id,omitempty"`
	Data           map[string]string `json:"data,omitempty"`
	// By is who caused the event, when a person or a recipe did (a
	// moderator's command, a recipe's action); zero otherwise.
	By Actor `json:"by,omitzero"`
	// Text is the message's text, for a message received (at most
	// threads.MaxEventText bytes), so that recipes can test it.
	Text string `json:"text,omitempty"`
}

// EventStore is the ordered log of events. Each method is one transaction;
// implementations are safe for concurrent use.
type EventStore interface {
	// AppendEvent stores e, setting its Seq.
	AppendEvent(ctx context.Context, e *Event) error
	// Events returns up to limit events with Seq greater than after, in
	// order.
	Events(ctx context.Context, after uint64, limit int) ([]*Event, error)
	// ConversationEvents returns up to limit (0: all) events of
	// conversation id with Seq greater than after, in order: the
	// conversation's history.
	ConversationEvents(ctx context.Context, id ConversationID, after uint64, limit int) ([]*Event, error)
}
