package engine

import (
	"context"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lifecycle"
)

// commitOp is one request to the committer: a sending's new state (done,
// when set, receives the outcome once it is on disk), or the skipping of a
// cancelled campaign's remaining sendings.
type commitOp struct {
	s      *bot.Sending // a copy owned by the op; nil for a mark or a cancel
	event  *bot.Event   // recorded with s (a nudge's completion), or nil
	mark   bot.SendingMark
	cancel bot.CampaignID
	done   chan error
}

// maxGroup bounds the transitions written in one transaction.
const maxGroup = 4096

// submit queues s's state for the committer. When wait is set it returns
// once the state is on disk. It returns EUNAVAILABLE once the engine is
// stopping.
func (e *Engine) submit(s *bot.Sending, wait bool) error {
	cp := *s
	return e.send1(commitOp{s: &cp, event: e.completion(&cp)}, wait)
}

// mark queues a change of s's state alone (cheaper to write than the whole
// sending) and returns once it is on disk. done is the caller's own
// channel (buffered, reused from one mark to the next).
func (e *Engine) mark(s *bot.Sending, done chan error) error {
	op := commitOp{mark: bot.SendingMark{CampaignID: s.CampaignID, ID: s.ID, State: s.State}, done: done}
	if err := e.send1(op, false); err != nil {
		return err
	}
	return <-done
}

func (e *Engine) send1(op commitOp, wait bool) error {
	if wait {
		op.done = make(chan error, 1)
	}
	e.commitMu.RLock()
	if e.stopped {
		e.commitMu.RUnlock()
		return bot.Errorf(bot.EUNAVAILABLE, "the campaign engine is stopping")
	}
	e.commits <- op
	e.commitMu.RUnlock()
	if wait {
		return <-op.done
	}
	return nil
}

// committer writes transitions in groups: it takes every request waiting
// (up to maxGroup) and writes them in one transaction, so that a busy
// engine makes few fsyncs and an idle one adds no delay.
func (e *Engine) committer() {
	ctx := context.Background()
	var linger *time.Timer
	for op := range e.commits {
		group := []commitOp{op}
		if e.CommitLinger > 0 {
			// Gather what arrives within the linger: on a busy engine a
			// few large groups cost far less than many small ones (each
			// commit syncs the disk twice and holds a thread meanwhile).
			if linger == nil {
				linger = time.NewTimer(e.CommitLinger)
			} else {
				linger.Reset(e.CommitLinger)
			}
		gather:
			for len(group) < maxGroup {
				select {
				case op, ok := <-e.commits:
					if !ok {
						break gather
					}
					group = append(group, op)
				case <-linger.C:
					break gather
				}
			}
			linger.Stop()
		}
	drain:
		for len(group) < maxGroup {
			select {
			case op, ok := <-e.commits:
				if !ok {
					break drain
				}
				group = append(group, op)
			default:
				break drain
			}
		}
		e.writeGroup(ctx, group)
	}
}

func (e *Engine) writeGroup(ctx context.Context, group []commitOp) {
	touched := map[bot.CampaignID]bool{}
	var (
		ss     []*bot.Sending
		marks  []bot.SendingMark
		events []*bot.Event
		evOf   = map[*bot.Sending]*bot.Event{}
	)
	flush := func() {
		if len(ss) == 0 && len(marks) == 0 {
			return
		}
		start := time.Now()
		err := e.Store.ApplySendings(ctx, marks, ss, events)
		if e.Committed != nil {
			e.Committed(len(marks)+len(ss), time.Since(start))
		}
		if err != nil {
			// One bad record must not sink the others: write them one by one.
			e.Log.Error("campaign engine: a group commit failed; writing one by one", "err", err)
			for _, m := range marks {
				if err := e.Store.ApplySendings(ctx, []bot.SendingMark{m}, nil, nil); err != nil {
					e.Log.Error("campaign engine: cannot record a sending", "campaign", m.CampaignID, "sending", m.ID, "state", m.State, "err", err)
				}
			}
			for _, s := range ss {
				var evs []*bot.Event
				if ev := evOf[s]; ev != nil {
					evs = []*bot.Event{ev}
				}
				if err := e.Store.ApplySendings(ctx, nil, []*bot.Sending{s}, evs); err != nil {
					e.Log.Error("campaign engine: cannot record a sending", "campaign", s.CampaignID, "sending", s.ID, "state", s.State, "err", err)
				}
			}
		}
		if len(events) > 0 {
			e.EventsRecorded() // a nudge's completion: the nudges after it
		}
		ss, marks, events = ss[:0], marks[:0], events[:0]
		clear(evOf)
	}
	for i := range group {
		op := &group[i]
		if op.cancel != 0 {
			flush() // what was submitted before the cancel lands first
			op.done <- e.skip(ctx, op.cancel)
			touched[op.cancel] = true
			continue
		}
		if op.s != nil {
			ss = append(ss, op.s)
			if op.event != nil {
				events, evOf[op.s] = append(events, op.event), op.event
			}
			touched[op.s.CampaignID] = true
		} else {
			marks = append(marks, op.mark)
			touched[op.mark.CampaignID] = true
		}
	}
	flush()
	for i := range group {
		if group[i].cancel == 0 && group[i].done != nil {
			group[i].done <- nil
		}
	}
	e.copyNudges(ctx, group)
	e.afterCommit(ctx, touched)
}

// skip marks every pending or scheduled sending of campaign id skipped.
func (e *Engine) skip(ctx context.Context, id bot.CampaignID) error {
	var batch []*bot.Sending
	for after := bot.SendingID(0); ; {
		page, err := e.Store.Sendings(ctx, id, after, 5000)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, s := range page {
			if s.State == bot.SendingPending || s.State == bot.SendingScheduled {
				s.State, s.Reason = bot.SendingSkipped, "the campaign was cancelled"
				batch = append(batch, s)
			}
		}
		after = page[len(page)-1].ID
		if len(batch) >= 5000 {
			if err := e.Store.UpdateSendings(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if len(batch) == 0 {
		return nil
	}
	return e.Store.UpdateSendings(ctx, batch)
}

// afterCommit finishes the running campaigns that have no sending left to
// send, and reports every touched campaign as changed.
func (e *Engine) afterCommit(ctx context.Context, touched map[bot.CampaignID]bool) {
	for id := range touched {
		e.mu.Lock()
		a := e.active[id]
		running := a != nil && a.state == bot.CampaignRunning && a.c.Nudge == nil // a nudge is never done
		e.mu.Unlock()
		if running {
			counts, err := e.Store.SendingCounts(ctx, id)
			if err != nil {
				e.Log.Error("campaign engine: reading counters", "campaign", id, "err", err)
			} else if counts.Pending+counts.Scheduled+counts.InFlight == 0 {
				e.finish(ctx, id, counts)
			}
		}
		if e.Changed != nil {
			e.Changed(id)
		}
	}
}

// finish moves a campaign whose every sending is final to done.
func (e *Engine) finish(ctx context.Context, id bot.CampaignID, counts bot.SendingCounts) {
	now := e.Clock.Now().UTC()
	done := false
	_, err := e.Store.UpdateCampaign(ctx, id, func(c *bot.Campaign) error {
		if done = c.State == bot.CampaignRunning && !c.Preparing; !done {
			return nil // paused or cancelled meanwhile, or more recipients to come
		}
		c.FinishedAt = now
		return lifecycle.Transition(c, bot.CampaignDone, now, bot.Actor{})
	})
	if err != nil {
		e.Log.Error("campaign engine: finishing a campaign", "campaign", id, "err", err)
		return
	}
	if !done {
		return
	}
	e.mu.Lock()
	delete(e.active, id)
	e.mu.Unlock()
	e.assignAttributes(ctx, id)
	e.Log.Info("campaign done", "campaign", id, "sent", counts.Sent, "failed", counts.Failed, "skipped", counts.Skipped)
	ev := &bot.Event{Type: bot.EventCampaignDone, CampaignID: id, At: now, Data: map[string]string{
		"sent": itoa(counts.Sent), "failed": itoa(counts.Failed), "skipped": itoa(counts.Skipped)}}
	if err := e.Store.AppendEvent(ctx, ev); err != nil {
		e.Log.Error("campaign engine: recording campaign_done", "campaign", id, "err", err)
	}
}

// assignAttributes gives the contacts a finished campaign reached the
// attributes their list row had, a batch per transaction.
func (e *Engine) assignAttributes(ctx context.Context, id bot.CampaignID) {
	batch := map[bot.Address]map[string]string{}
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := e.Store.AssignAttributes(ctx, batch); err != nil {
			e.Log.Warn("campaign engine: cannot give contacts their list attributes", "campaign", id, "err", err)
		}
		clear(batch)
	}
	for after := bot.SendingID(0); ; {
		page, err := e.Store.Sendings(ctx, id, after, pageSize)
		if err != nil || len(page) == 0 {
			break
		}
		for _, s := range page {
			if s.State == bot.SendingSent && len(s.Attributes) > 0 {
				batch[s.Address] = s.Attributes
			}
		}
		after = page[len(page)-1].ID
		if len(batch) >= pageSize {
			flush()
		}
	}
	flush()
}
