// Package lifecycle holds a campaign's lifecycle: the states it may move
// between, and the history line each move records. The campaign service
// and the engine both move campaigns through it.
package lifecycle

import (
	"slices"
	"time"

	"github.com/heraldchat/herald/bot"
)

// transitions lists, for each state, the states a campaign may move to.
var transitions = map[bot.CampaignState][]bot.CampaignState{
	bot.CampaignDraft:     {bot.CampaignScheduled},
	bot.CampaignScheduled: {bot.CampaignDraft, bot.CampaignRunning, bot.CampaignCancelled},
	bot.CampaignRunning:   {bot.CampaignPaused, bot.CampaignDone, bot.CampaignCancelled},
	bot.CampaignPaused:    {bot.CampaignRunning, bot.CampaignCancelled},
}

// CanBecome reports whether a campaign in state from may move to state to.
func CanBecome(from, to bot.CampaignState) bool {
	return slices.Contains(transitions[from], to)
}

// Editable reports whether the campaign's content may still change: a
// draft or scheduled campaign, or a nudge not cancelled (an edit applies
// to what it has not sent yet).
func Editable(c *bot.Campaign) bool {
	return c.State == bot.CampaignDraft || c.State == bot.CampaignScheduled || c.Nudge != nil && !c.State.Final()
}

// Note is a history line: what in English, and its key and arguments in
// the catalogue (bot.Change).
func Note(what, key string, args ...string) bot.Change {
	return bot.Change{What: what, Key: key, Args: args}
}

// The keys of a campaign's history lines (bot.Change.Key), which the
// command language's catalogue names in each language. KeyTransition's
// arguments are the state before and the state after; KeyCloned's the
// campaign copied; KeyAudience's and KeyPlatform's the new value;
// KeySurveyCloses's the time it closes (RFC 3339).
const (
	KeyTransition      = "campaign.change.transition"
	KeyCreated         = "campaign.change.created"
	KeyCloned          = "campaign.change.cloned"
	KeyMessage         = "campaign.change.message"
	KeyAudience        = "campaign.change.audience"
	KeyPlatform        = "campaign.change.platform"
	KeySchedule        = "campaign.change.schedule"
	KeyMissing         = "campaign.change.missing"
	KeyNudge           = "campaign.change.nudge"
	KeyQuestionAdded   = "campaign.change.question_added"
	KeyQuestionMoved   = "campaign.change.question_moved"
	KeyQuestionDeleted = "campaign.change.question_deleted"
	KeyThanks          = "campaign.change.thanks"
	KeyAnonymous       = "campaign.change.anonymous"
	KeySurveyCloses    = "campaign.change.survey_closes"
	KeySurveyClosed    = "campaign.change.survey_closed"
)

// Record appends the history line ch to c, at at and by by, and stamps the
// update.
func Record(c *bot.Campaign, at time.Time, by bot.Actor, ch bot.Change) {
	c.UpdatedAt, c.UpdatedBy = at, by
	ch.At, ch.By = at, by
	c.History = append(c.History, ch)
}

// Transition moves c to state to and records who did it. It returns an
// ECONFLICT error, and changes nothing, when the lifecycle does not allow
// the move.
func Transition(c *bot.Campaign, to bot.CampaignState, at time.Time, by bot.Actor) error {
	if !CanBecome(c.State, to) {
		return bot.Errorf(bot.ECONFLICT, "campaign %d is %s and cannot become %s", c.ID, c.State, to)
	}
	from := c.State
	c.State = to
	Record(c, at, by, Note(string(from)+" → "+string(to), KeyTransition, string(from), string(to)))
	return nil
}
