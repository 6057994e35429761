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

// Record appends a history line to c and stamps the update.
func Record(c *bot.Campaign, at time.Time, by bot.Actor, what string) {
	c.UpdatedAt, c.UpdatedBy = at, by
	c.History = append(c.History, bot.Change{At: at, By: by, What: what})
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
	Record(c, at, by, string(from)+" → "+string(to))
	return nil
}
