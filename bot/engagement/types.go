package engagement

import (
	"context"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Record is what one recipient did with a campaign's message, besides
// receiving it: seen (where the platform tells), and links clicked.
type Record struct {
	CampaignID bot.CampaignID `json:"campaign_id"`
	SendingID  bot.SendingID  `json:"sending_id"`
	SeenAt     time.Time      `json:"seen_at,omitzero"`
	// FirstClick and LastClick bound Clicks, the clicks counted on the
	// message's links (scanners and HEAD requests are not counted).
	FirstClick time.Time `json:"first_click,omitzero"`
	LastClick  time.Time `json:"last_click,omitzero"`
	Clicks     int       `json:"clicks,omitempty"`
}

// Counts are a campaign's engagement counted as it comes:
// recipients seen, recipients who clicked, and all clicks.
type Counts struct {
	Seen    int `json:"seen"`
	Clicked int `json:"clicked"`
	Clicks  int `json:"clicks"`
}

// RecordStore keeps campaign engagement. Each method is one
// transaction; implementations are safe for concurrent use.
type RecordStore interface {
	// Engage applies fn to the engagement of sending sid of campaign id
	// (an empty one the first time) and saves it, with the campaign's
	// counts updated by the difference. An error from fn aborts it.
	Engage(ctx context.Context, id bot.CampaignID, sid bot.SendingID, fn func(e *Record) error) (*Record, error)
	// Engagement returns the engagement of sending sid of campaign id (an
	// empty one when nothing was recorded).
	Engagement(ctx context.Context, id bot.CampaignID, sid bot.SendingID) (*Record, error)
	// EngagementCounts returns campaign id's counts (zero before any).
	EngagementCounts(ctx context.Context, id bot.CampaignID) (Counts, error)
	// Engagements calls fn with each engagement of campaign id, by
	// sending; an error from fn stops and is returned.
	Engagements(ctx context.Context, id bot.CampaignID, fn func(*Record) error) error
}
