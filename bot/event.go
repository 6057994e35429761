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
}

// EventStore is the ordered log of events. Each method is one transaction;
// implementations are safe for concurrent use.
type EventStore interface {
	// AppendEvent stores e, setting its Seq.
	AppendEvent(ctx context.Context, e *Event) error
	// Events returns up to limit events with Seq greater than after, in
	// order.
	Events(ctx context.Context, after uint64, limit int) ([]*Event, error)
}
