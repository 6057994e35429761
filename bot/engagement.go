package bot

import (
	"context"
	"time"
)

// Tracking says which campaign sending a message is, so that a surface
// that can tell when a message is shown reports it seen (the web chat, an
// email's open pixel), and whether its links were rewritten to count
// clicks: platforms' link previews are then turned off, since a preview
// fetch is not a click and would show the tracking address.
type Tracking struct {
	Campaign CampaignID `json:"campaign"`
	Sending  SendingID  `json:"sending"`
	// Links is set when the message's links go through herald.
	Links bool `json:"links,omitempty"`
	// Pixel, when set, is the address of a one-pixel image that records
	// the message seen; email shows it when email.track_opens is on.
	Pixel string `json:"pixel,omitempty"`
}

// Engagement is what one recipient did with a campaign's message, besides
// receiving it: seen (where the platform tells), and links clicked.
type Engagement struct {
	CampaignID CampaignID `json:"campaign_id"`
	SendingID  SendingID  `json:"sending_id"`
	SeenAt     time.Time  `json:"seen_at,omitzero"`
	// FirstClick and LastClick bound Clicks, the clicks counted on the
	// message's links (scanners and HEAD requests are not counted).
	FirstClick time.Time `json:"first_click,omitzero"`
	LastClick  time.Time `json:"last_click,omitzero"`
	Clicks     int       `json:"clicks,omitempty"`
}

// EngagementCounts are a campaign's engagement counted as it comes:
// recipients seen, recipients who clicked, and all clicks.
type EngagementCounts struct {
	Seen    int `json:"seen"`
	Clicked int `json:"clicked"`
	Clicks  int `json:"clicks"`
}

// EngagementStore keeps campaign engagement. Each method is one
// transaction; implementations are safe for concurrent use.
type EngagementStore interface {
	// Engage applies fn to the engagement of sending sid of campaign id
	// (an empty one the first time) and saves it, with the campaign's
	// counts updated by the difference. An error from fn aborts it.
	Engage(ctx context.Context, id CampaignID, sid SendingID, fn func(e *Engagement) error) (*Engagement, error)
	// Engagement returns the engagement of sending sid of campaign id (an
	// empty one when nothing was recorded).
	Engagement(ctx context.Context, id CampaignID, sid SendingID) (*Engagement, error)
	// EngagementCounts returns campaign id's counts (zero before any).
	EngagementCounts(ctx context.Context, id CampaignID) (EngagementCounts, error)
	// Engagements calls fn with each engagement of campaign id, by
	// sending; an error from fn stops and is returned.
	Engagements(ctx context.Context, id CampaignID, fn func(*Engagement) error) error
}
