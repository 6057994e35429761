package engine

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/audience"
	"github.com/heraldchat/herald/bot/lifecycle"
	"github.com/heraldchat/herald/bot/personalize"
	"github.com/heraldchat/herald/bot/schedule"
)

// pageSize is how many records the engine reads at a time when it walks
// a campaign's sendings or the contact directory.
const pageSize = 5000

func itoa(n int) string { return strconv.Itoa(n) }

// startDue starts preparing the scheduled campaigns whose time came, each
// in a goroutine of its own: sending begins as soon as the first batch of
// recipients is recorded, while the rest are.
func (e *Engine) startDue(ctx context.Context, now time.Time) {
	e.mu.Lock()
	var due []bot.CampaignID
	for id, at := range e.starting {
		if !at.After(now) && !e.preparing[id] {
			due = append(due, id)
			delete(e.starting, id)
			e.preparing[id] = true
		}
	}
	e.mu.Unlock()
	for _, id := range due {
		e.prepares.Add(1)
		go func() {
			defer e.prepares.Done()
			err := e.prepare(ctx, id, now)
			e.mu.Lock()
			delete(e.preparing, id)
			if err != nil && ctx.Err() == nil {
				e.Log.Error("campaign engine: cannot start a campaign", "campaign", id, "err", err)
				e.starting[id] = e.Clock.Now().Add(time.Minute) // try again later, from where it stopped
			}
			e.mu.Unlock()
			if err != nil {
				e.poke()
			}
		}()
	}
}

// prepare writes one sending per recipient of a scheduled campaign, each
// with its planned time, a batch per transaction. Once the first batch is
// durable the campaign runs (Preparing) and its sendings go while the rest
// are written; then Preparing clears. It resumes after the last sending
// written — a crash while preparing loses nothing and doubles nothing —
// and stops when the campaign is cancelled meanwhile.
func (e *Engine) prepare(ctx context.Context, id bot.CampaignID, now time.Time) error {
	c, err := e.Store.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if c.State != bot.CampaignScheduled && !(c.Preparing && (c.State == bot.CampaignRunning || c.State == bot.CampaignPaused)) {
		return nil
	}
	if c.Nudge != nil {
		return e.enable(ctx, c)
	}
	start := c.Schedule.StartAt
	if start.IsZero() || start.Before(c.UpdatedAt) {
		start = now
	}
	if !c.StartedAt.IsZero() {
		start = c.StartedAt // resuming: plan the rest as the first were
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
	ph := personalize.Placeholders(c.Message)
	if c.KeyColumn, err = audience.KeyColumn(ctx, e.Store, c); err != nil {
		return err
	}
	running := c.State != bot.CampaignScheduled
	run := func() error {
		at := e.Clock.Now().UTC()
		_, err := e.Store.UpdateCampaign(ctx, id, func(x *bot.Campaign) error {
			if x.State != bot.CampaignScheduled {
				return nil
			}
			x.KeyColumn, x.StartedAt, x.Preparing = c.KeyColumn, at, true
			return lifecycle.Transition(x, bot.CampaignRunning, at, bot.Actor{})
		})
		if err != nil {
			return err
		}
		running = true
		return e.reload(ctx, id)
	}
	_, err = audience.Each(ctx, e.Store, e.Store, c, after, func(batch []*bot.Sending) error {
		for _, s := range batch {
			s.PlannedAt = schedule.PlannedAt(c.Schedule, start, s.Key)
			s.NextAt, s.State = s.PlannedAt, bot.SendingScheduled
			if c.Missing != bot.MissingSkip {
				continue // a lacking value fails that sending when it is rendered
			}
			if missing := personalize.Missing(c, s, ph); len(missing) > 0 {
				s.State, s.Reason, s.Step = bot.SendingSkipped, "no value for "+strings.Join(missing, ", "), bot.StepRender
			}
		}
		if err := e.record(ctx, id, batch); err != nil {
			return err
		}
		if !running {
			return run() // sending begins with the first batch
		}
		return nil
	})
	if bot.ErrorCode(err) == bot.ECONFLICT {
		return nil // cancelled meanwhile: what was recorded is skipped
	}
	if err != nil {
		return err
	}
	if !running { // nobody to send to
		if err := run(); err != nil {
			return err
		}
	}
	_, err = e.Store.UpdateCampaign(ctx, id, func(x *bot.Campaign) error {
		x.Preparing = false
		return nil
	})
	if err != nil {
		return err
	}
	e.afterCommit(ctx, map[bot.CampaignID]bool{id: true}) // all sent already: done
	return nil
}
