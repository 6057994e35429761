package bot

import (
	"context"
	"time"
)

// CampaignID identifies a campaign; moderators type it in commands.
type CampaignID uint64

// CampaignState is where a campaign is in its life:
// draft → scheduled → running ⇄ paused → done, or cancelled.
type CampaignState string

// The campaign states.
const (
	CampaignDraft     CampaignState = "draft"
	CampaignScheduled CampaignState = "scheduled"
	CampaignRunning   CampaignState = "running"
	CampaignPaused    CampaignState = "paused"
	CampaignDone      CampaignState = "done"
	CampaignCancelled CampaignState = "cancelled"
)

// Final reports whether no transition leaves s.
func (s CampaignState) Final() bool { return s == CampaignDone || s == CampaignCancelled }

// AudienceKind says where a campaign's recipients come from.
type AudienceKind string

// The audience kinds.
const (
	AudienceList     AudienceKind = "list"     // a stored list
	AudiencePlatform AudienceKind = "platform" // all reachable users of a platform
)

// Audience is who a campaign goes to.
type Audience struct {
	Kind     AudienceKind `json:"kind,omitempty"`
	List     string       `json:"list,omitempty"`
	Platform Platform     `json:"platform,omitempty"`
}

// String renders the audience as moderators type it.
func (a Audience) String() string {
	switch a.Kind {
	case AudienceList:
		return "list:" + a.List
	case AudiencePlatform:
		return "all:" + string(a.Platform)
	}
	return "none"
}

// Schedule is when a campaign sends. The zero Schedule means "now, as fast
// as the platform allows, at any hour". Package schedule computes the
// times it gives and checks it.
type Schedule struct {
	// StartAt is the start of sending; zero means when started.
	StartAt time.Time `json:"start_at,omitzero"`
	// Window spreads the sends at random over this duration after StartAt.
	Window time.Duration `json:"window,omitempty"`
	// Seed makes the spread reproducible: the planned time of each
	// recipient is a function of the seed and the recipient.
	Seed int64 `json:"seed,omitempty"`
	// TimeZone is an IANA zone name used for working hours, {{date}} and
	// {{time}}; empty means UTC.
	TimeZone string `json:"time_zone,omitempty"`
	// Days are the working days; empty means every day.
	Days []time.Weekday `json:"days,omitempty"`
	// HoursFrom and HoursTo bound the working hours in minutes after
	// midnight; equal values mean all day.
	HoursFrom int `json:"hours_from,omitempty"`
	HoursTo   int `json:"hours_to,omitempty"`
	// Closed are dates (2006-01-02, in TimeZone) with no working hours at
	// all: holidays, a closed week.
	Closed []string `json:"closed,omitempty"`
	// OnlyWhenActive sends only to recipients the platform shows as active,
	// where the platform exposes presence.
	OnlyWhenActive bool `json:"only_when_active,omitempty"`
	// RetryCycles is how many times the retry ladder runs for recipients
	// away or unreachable for a passing reason: 0 means three, a
	// negative number none.
	RetryCycles int `json:"retry_cycles,omitempty"`
	// RetrySteps are the delays, from a cycle's start, of its later
	// attempts, growing; empty means 10 minutes, then the top of the next
	// hour.
	RetrySteps []time.Duration `json:"retry_steps,omitempty"`
}

// MissingPolicy says what happens to recipients lacking an attribute.
type MissingPolicy string

// The missing-attribute policies.
const (
	MissingRefuse MissingPolicy = ""     // refuse to start until fixed
	MissingSkip   MissingPolicy = "skip" // skip those recipients
)

// Change is one line of a campaign's history. What is the line in
// English; Key, when set, names it in the catalogue of the language herald
// speaks, with Args (a transition's are the two states), so that the line
// is shown in the moderator's language.
type Change struct {
	At   time.Time `json:"at"`
	By   Actor     `json:"by"`
	What string    `json:"what"`
	Key  string    `json:"key,omitempty"`
	Args []string  `json:"args,omitempty"`
}

// Campaign is a message sent to an audience under a schedule.
type Campaign struct {
	ID       CampaignID `json:"id"`
	Name     string     `json:"name"`
	Message  Message    `json:"message"`
	Audience Audience   `json:"audience"`
	// Nudge, when set, makes the campaign a nudge: its sendings are made
	// one by one as its trigger event happens, not from the audience.
	Nudge *Nudge `json:"nudge,omitempty"`
	// Survey, when set, makes the campaign a survey: its message is the
	// introduction, sent with the first question.
	Survey   *Survey       `json:"survey,omitempty"`
	Platform Platform      `json:"platform,omitempty"` // a platform, or PlatformAuto
	Schedule Schedule      `json:"schedule"`
	State    CampaignState `json:"state"`
	// Defaults fill attributes a recipient lacks, by attribute name.
	Defaults map[string]string `json:"defaults,omitempty"`
	// Missing is what to do with recipients lacking an attribute the
	// message uses and that has no default: MissingRefuse (the start is
	// refused, listing them) or MissingSkip.
	Missing MissingPolicy `json:"missing,omitempty"`
	// KeyColumn names the recipients' key in the report (email,
	// respondentID, a platform's id column, …); set when sending begins.
	KeyColumn string    `json:"key_column,omitempty"`
	StartedAt time.Time `json:"started_at,omitzero"`
	// Preparing is set while the campaign runs and the rest of its
	// audience is still being recorded (sending begins with the first
	// batch); it is not done before Preparing clears.
	Preparing  bool      `json:"preparing,omitempty"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	CreatedAt  time.Time `json:"created_at"`
	CreatedBy  Actor     `json:"created_by"`
	UpdatedAt  time.Time `json:"updated_at"`
	UpdatedBy  Actor     `json:"updated_by"`
	History    []Change  `json:"history,omitempty"`
}

// CampaignFilter selects campaigns; empty States selects all.
type CampaignFilter struct {
	States []CampaignState
}

// CampaignStore keeps campaigns. Each method is one transaction;
// implementations are safe for concurrent use.
type CampaignStore interface {
	// CreateCampaign stores c, setting its ID. Its state must be draft.
	CreateCampaign(ctx context.Context, c *Campaign) error
	// Campaign returns the campaign with that ID, or ENOTFOUND.
	Campaign(ctx context.Context, id CampaignID) (*Campaign, error)
	// Campaigns returns the campaigns matching f, newest first.
	Campaigns(ctx context.Context, f CampaignFilter) ([]*Campaign, error)
	// UpdateCampaign applies fn to the stored campaign and saves the result
	// in the same transaction; an error from fn aborts and is returned.
	UpdateCampaign(ctx context.Context, id CampaignID, fn func(*Campaign) error) (*Campaign, error)
	// DeleteCampaign removes a draft campaign. It returns ENOTFOUND, or
	// ECONFLICT when the campaign is not a draft.
	DeleteCampaign(ctx context.Context, id CampaignID) error
}
