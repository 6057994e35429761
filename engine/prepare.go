package engine

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/audience"
	"github.com/heraldchat/herald/bot/personalize"
	"github.com/heraldchat/herald/bot/schedule"
)

// pageSize is how many records the engine reads at a time when it walks
// a campaign's sendings or the contact directory.
const pageSize = 5000

func itoa(n int) string { return strconv.Itoa(n) }

// startDue prepares and starts the scheduled campaigns whose time came.
func (e *Engine) startDue(ctx context.Context, now time.Time) {
	e.mu.Lock()
	var due []bot.CampaignID
	for id, at := range e.starting {
		if !at.After(now) {
			due = append(due, id)
			delete(e.starting, id)
		}
	}
	e.mu.Unlock()
	for _, id := range due {
		if err := e.prepare(ctx, id, now); err != nil {
			e.Log.Error("campaign engine: cannot start a campaign", "campaign", id, "err", err)
			e.mu.Lock()
			e.starting[id] = now.Add(time.Minute) // try again later
			e.mu.Unlock()
			continue
		}
		if err := e.reload(ctx, id); err != nil {
			e.Log.Error("campaign engine: loading a started campaign", "campaign", id, "err", err)
		}
	}
}

// prepare writes one sending per recipient of a scheduled campaign, each
// with its planned time, then makes the campaign running. It resumes after
// the last sending written, so a crash while preparing loses nothing and
// doubles nothing.
func (e *Engine) prepare(ctx context.Context, id bot.CampaignID, now time.Time) error {
	c, err := e.Store.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if c.State != bot.CampaignScheduled {
		return nil
	}
	start := c.Schedule.StartAt
	if start.IsZero() || start.Before(c.UpdatedAt) {
		start = now
	}
	counts, err := e.Store.SendingCounts(ctx, id)
	if err != nil {
		return err
	}
	var after uint64
	if counts.Total > 0 {
		last, err := e.Store.Sending(ctx, id, bot.SendingID(counts.Total))
		if err != nil {
			return err
		}
		after = last.Source
	}
	attrs := personalize.Attrs(c.Message)
	if c.KeyColumn, err = audience.KeyColumn(ctx, e.Store, c); err != nil {
		return err
	}
	keyColumn, err := audience.Each(ctx, e.Store, e.Store, c, after, func(batch []*bot.Sending) error {
		for _, s := range batch {
			s.PlannedAt = schedule.PlannedAt(c.Schedule, start, s.Key)
			s.NextAt, s.State = s.PlannedAt, bot.SendingScheduled
			if missing := personalize.Missing(c, s, attrs); len(missing) > 0 && c.Missing == bot.MissingSkip {
				s.State, s.Reason, s.Step = bot.SendingSkipped, "no value for "+strings.Join(missing, ", "), bot.StepRender
			}
		}
		return e.Store.CreateSendings(ctx, id, batch)
	})
	if err != nil {
		return err
	}
	running := e.Clock.Now().UTC() // once every recipient is recorded
	_, err = e.Store.UpdateCampaign(ctx, id, func(c *bot.Campaign) error {
		if c.State != bot.CampaignScheduled {
			return nil
		}
		c.KeyColumn, c.StartedAt = keyColumn, running
		return c.Transition(bot.CampaignRunning, running, bot.Actor{})
	})
	return err
}
