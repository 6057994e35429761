package bot

import (
	"context"
	"time"
)

// SendingID identifies a sending within its campaign.
type SendingID uint64

// SendingState is where one recipient of one campaign stands:
// pending → scheduled → in_flight → sent | failed | skipped.
type SendingState string

// The sending states.
const (
	SendingPending   SendingState = "pending"
	SendingScheduled SendingState = "scheduled"
	SendingInFlight  SendingState = "in_flight"
	SendingSent      SendingState = "sent"
	SendingFailed    SendingState = "failed"
	SendingSkipped   SendingState = "skipped"
)

// Final reports whether the sending has reached its one final state.
func (s SendingState) Final() bool {
	return s == SendingSent || s == SendingFailed || s == SendingSkipped
}

// Step names where a failed sending failed.
type Step string

// The steps of delivering one sending.
const (
	StepResolve Step = "resolve" // finding the user on the platform
	StepOpen    Step = "open"    // opening the direct conversation
	StepRender  Step = "render"  // personalising the message
	StepSend    Step = "send"    // the platform refused the message
	StepDeliver Step = "deliver" // absent or unanswered after every retry
)

// Sending is one recipient of one campaign, stored before anything is sent.
type Sending struct {
	ID         SendingID  `json:"id"`
	CampaignID CampaignID `json:"campaign_id"`
	Key        string     `json:"key"`
	// Source is the list row (or contact) the sending was made from, so
	// that preparing a campaign resumes where it stopped.
	Source     uint64            `json:"source,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// Address is where the message goes, once resolved.
	Address   Address      `json:"address,omitzero"`
	State     SendingState `json:"state"`
	PlannedAt time.Time    `json:"planned_at,omitzero"`
	NextAt    time.Time    `json:"next_at,omitzero"`
	Attempts  int          `json:"attempts,omitempty"`
	Step      Step         `json:"step,omitempty"`
	Error     string       `json:"error,omitempty"`
	Reason    string       `json:"reason,omitempty"` // why skipped
	SentAt    time.Time    `json:"sent_at,omitzero"`
	Message   MessageRef   `json:"message,omitzero"`
	// Resent is set when the sending was in flight at a crash and was sent
	// again because the platform could not tell whether it arrived. A
	// platform that takes a key with a message (the engine's OnceSender) tells, and
	// then Resent is cleared when the message is sent.
	Resent bool `json:"resent,omitempty"`
}

// Due is when the sending is next to go: NextAt, else PlannedAt.
func (s *Sending) Due() time.Time {
	if s.NextAt.IsZero() {
		return s.PlannedAt
	}
	return s.NextAt
}

// Open reports whether the sending still has to go: pending, scheduled or
// in flight.
func (s *Sending) Open() bool {
	return s.State == SendingPending || s.State == SendingScheduled || s.State == SendingInFlight
}

// DuePos is a place in a campaign's open sendings ordered by due time,
// then ID (see SendingStore.DueSendings); the zero DuePos is before all.
type DuePos struct {
	At time.Time
	ID SendingID
}

// Before reports whether p comes before q.
func (p DuePos) Before(q DuePos) bool {
	if !p.At.Equal(q.At) {
		return p.At.Before(q.At)
	}
	return p.ID < q.ID
}

// PosOf is where s sits among its campaign's open sendings.
func PosOf(s *Sending) DuePos { return DuePos{At: s.Due(), ID: s.ID} }

// SendingMark is a change of state alone, such as marking a sending in
// flight before it is sent.
type SendingMark struct {
	CampaignID CampaignID
	ID         SendingID
	State      SendingState
}

// SendingCounts are a campaign's counters, derived from its sendings.
type SendingCounts struct {
	Total     int `json:"total"`
	Pending   int `json:"pending"`
	Scheduled int `json:"scheduled"`
	InFlight  int `json:"in_flight"`
	Sent      int `json:"sent"`
	Failed    int `json:"failed"`
	Skipped   int `json:"skipped"`
}

// Add counts one sending in state s.
func (c *SendingCounts) Add(s SendingState) {
	c.Total++
	switch s {
	case SendingPending:
		c.Pending++
	case SendingScheduled:
		c.Scheduled++
	case SendingInFlight:
		c.InFlight++
	case SendingSent:
		c.Sent++
	case SendingFailed:
		c.Failed++
	case SendingSkipped:
		c.Skipped++
	}
}

// SendingStore keeps sendings. Each method is one transaction, so a batch
// of transitions is one group commit; implementations are safe for
// concurrent use.
type SendingStore interface {
	// CreateSendings stores ss for campaign id in one transaction, setting
	// their IDs and CampaignID. It returns ENOTFOUND if the campaign does
	// not exist, and ECONFLICT, writing nothing, once it is cancelled or
	// done (a preparation still running stops there).
	CreateSendings(ctx context.Context, id CampaignID, ss []*Sending) error
	// Sending returns one sending, or ENOTFOUND.
	Sending(ctx context.Context, cid CampaignID, id SendingID) (*Sending, error)
	// Sendings returns up to limit sendings of the campaign with IDs after
	// the given one, in ID order.
	Sendings(ctx context.Context, cid CampaignID, after SendingID, limit int) ([]*Sending, error)
	// DueSendings returns up to limit open sendings (pending, scheduled,
	// in flight) of the campaign that come after the position after, in
	// order of due time (Due), then ID: the engine's cursor over what is
	// left to send, kept by an index that every write keeps current.
	DueSendings(ctx context.Context, cid CampaignID, after DuePos, limit int) ([]*Sending, error)
	// UpdateSendings saves every sending of ss (identified by CampaignID and
	// ID) in one transaction. It returns ENOTFOUND, and saves none, if one
	// of them does not exist.
	UpdateSendings(ctx context.Context, ss []*Sending) error
	// ApplySendings changes the state of the sendings named by marks, saves
	// ss, then appends events (setting their Seq), all in one transaction
	// (a group commit of the engine: a nudge's completion is recorded with
	// its outcome). A mark changes nothing but the state. It returns
	// ENOTFOUND, and saves nothing, if one of them does not exist.
	ApplySendings(ctx context.Context, marks []SendingMark, ss []*Sending, events []*Event) error
	// SendingCounts returns the counters of campaign cid.
	SendingCounts(ctx context.Context, cid CampaignID) (SendingCounts, error)
	// SendingsWrittenAt returns when ApplySendings last wrote (zero if
	// never): after a crash, about when the engine stopped.
	SendingsWrittenAt(ctx context.Context) (time.Time, error)
}
