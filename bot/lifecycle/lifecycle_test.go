package lifecycle_test

import (
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lifecycle"
)

func TestCampaignLifecycle(t *testing.T) {
	all := []bot.CampaignState{bot.CampaignDraft, bot.CampaignScheduled, bot.CampaignRunning, bot.CampaignPaused, bot.CampaignDone, bot.CampaignCancelled}
	allowed := map[[2]bot.CampaignState]bool{
		{bot.CampaignDraft, bot.CampaignScheduled}:     true,
		{bot.CampaignScheduled, bot.CampaignDraft}:     true,
		{bot.CampaignScheduled, bot.CampaignRunning}:   true,
		{bot.CampaignScheduled, bot.CampaignCancelled}: true,
		{bot.CampaignRunning, bot.CampaignPaused}:      true,
		{bot.CampaignRunning, bot.CampaignDone}:        true,
		{bot.CampaignRunning, bot.CampaignCancelled}:   true,
		{bot.CampaignPaused, bot.CampaignRunning}:      true,
		{bot.CampaignPaused, bot.CampaignCancelled}:    true,
	}
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	mod := bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "U1"}}
	for _, from := range all {
		for _, to := range all {
			c := &bot.Campaign{ID: 3, State: from}
			err := lifecycle.Transition(c, to, at, mod)
			want := allowed[[2]bot.CampaignState{from, to}]
			if want != (err == nil) {
				t.Errorf("%s → %s: err = %v, allowed = %v", from, to, err, want)
				continue
			}
			if err != nil {
				if bot.ErrorCode(err) != bot.ECONFLICT || c.State != from || len(c.History) != 0 {
					t.Errorf("%s → %s: refused move changed the campaign or has code %q", from, to, bot.ErrorCode(err))
				}
				continue
			}
			if c.State != to || len(c.History) != 1 || c.History[0].By != mod || !c.UpdatedAt.Equal(at) {
				t.Errorf("%s → %s: not recorded: %+v", from, to, c)
			}
			// The line names the move in English and, for other
			// languages, by its key and the two states.
			if ch := c.History[0]; ch.What != string(from)+" → "+string(to) || ch.Key != lifecycle.KeyTransition ||
				len(ch.Args) != 2 || ch.Args[0] != string(from) || ch.Args[1] != string(to) {
				t.Errorf("%s → %s: history line %+v", from, to, ch)
			}
		}
		if from.Final() != (from == bot.CampaignDone || from == bot.CampaignCancelled) {
			t.Errorf("Final(%s) wrong", from)
		}
	}
	if !lifecycle.Editable(&bot.Campaign{State: bot.CampaignScheduled}) || lifecycle.Editable(&bot.Campaign{State: bot.CampaignRunning}) {
		t.Error("only draft and scheduled campaigns are editable")
	}
}
