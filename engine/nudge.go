package engine

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lifecycle"
	"github.com/heraldchat/herald/bot/nudges"
)

// Nudges: the scheduler reads the event log after its durable cursor, a
// page at a time; for each event and each running nudge it triggers, it
// makes the contact's sending (due a delay later), and writes the page's
// sendings with the new cursor in one transaction (ScheduleNudges), so
// that an event is scheduled once whatever happens. The sendings then go
// as any campaign's: the due index, the window, the limiter, retries and
// the report. Before one goes, the contact's events are read for the
// nudge's Until and Block events, and a firing found long overdue is
// skipped. A final sending that completes its nudge is recorded with a
// nudge_completed event in the same group commit, which the scheduler
// reads in turn: nudges chain.

// nudgePage is how many events the scheduler reads at a time.
const nudgePage = 1000

// DefaultNudgePoll is how often the scheduler looks for new events when
// nobody tells it of them (EventsRecorded).
const DefaultNudgePoll = time.Second

// EventsRecorded tells the engine that events were recorded, so that the
// nudges they trigger are scheduled at once rather than at the next poll.
// Safe to call from any goroutine; it never blocks.
func (e *Engine) EventsRecorded() {
	e.init()
	select {
	case e.nudgeWake <- struct{}{}:
	default:
	}
}

// runNudges schedules nudges until ctx is done.
func (e *Engine) runNudges(ctx context.Context) {
	poll := e.NudgePoll
	if poll <= 0 {
		poll = DefaultNudgePoll
	}
	for {
		n, err := e.scheduleNudges(ctx)
		if err != nil && ctx.Err() == nil {
			e.Log.Error("nudges: scheduling from the event log", "err", err)
		}
		if err == nil && n == nudgePage {
			continue // more to read
		}
		if !e.nudging() {
			// No nudge runs: nothing to poll for. Enabling one wakes this.
			select {
			case <-ctx.Done():
				return
			case <-e.nudgeWake:
			}
			continue
		}
		t := e.Clock.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-e.nudgeWake:
			t.Stop()
		case <-t.C():
		}
	}
}

// nudging reports whether a nudge runs.
func (e *Engine) nudging() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.active {
		if a.c.Nudge != nil && a.state == bot.CampaignRunning {
			return true
		}
	}
	return false
}

// scheduleNudges reads one page of events after the cursor, makes the
// sendings they trigger and writes them with the new cursor. It returns
// how many events it read.
func (e *Engine) scheduleNudges(ctx context.Context) (int, error) {
	cursor, err := e.Store.NudgeCursor(ctx)
	if err != nil {
		return 0, err
	}
	// The nudges running, read after the events (not from memory, where
	// a nudge enabled a moment ago may not be yet): one enabled after an
	// event of this page has a Since past it.
	cs, err := e.Store.Campaigns(ctx, bot.CampaignFilter{States: []bot.CampaignState{bot.CampaignRunning}})
	if err != nil {
		return 0, err
	}
	cs = slices.DeleteFunc(cs, func(c *bot.Campaign) bool { return c.Nudge == nil })
	if len(cs) == 0 {
		return 0, nil // nothing to schedule: the cursor waits where it is
	}
	// Events no running nudge can fire on are passed at once.
	from := cs[0].Nudge.Since
	for _, c := range cs {
		from = min(from, c.Nudge.Since)
	}
	cursor = max(cursor, from)
	events, err := e.Store.Events(ctx, cursor, nudgePage)
	if err != nil || len(events) == 0 {
		return 0, err
	}
	var ss []*bot.Sending
	contacts := map[bot.ContactID]*bot.Contact{}
	for _, ev := range events {
		for _, c := range cs {
			if ev.Seq <= c.Nudge.Since || !nudges.Triggers(c.Nudge, ev) {
				continue
			}
			ct, err := e.eventContact(ctx, ev, contacts)
			if err != nil {
				if ctx.Err() != nil {
					return 0, err
				}
				// One unreadable contact must not hold every nudge back.
				e.Log.Error("nudges: cannot read the contact of an event; it fires nothing", "event", ev.Seq, "err", err)
				break
			}
			if ct == nil {
				continue // nobody herald knows
			}
			ss = append(ss, nudges.Firing(c, ev, ct))
		}
	}
	last := events[len(events)-1].Seq
	e.fillMu.Lock()
	err = e.Store.ScheduleNudges(ctx, last, ss)
	if err == nil {
		byCampaign := map[bot.CampaignID][]*bot.Sending{}
		for _, s := range ss {
			if s.ID != 0 {
				byCampaign[s.CampaignID] = append(byCampaign[s.CampaignID], s)
			}
		}
		for id, batch := range byCampaign {
			e.landedLocked(id, batch, nil)
		}
	}
	e.fillMu.Unlock()
	e.poke()
	if err != nil {
		return 0, err
	}
	return len(events), nil
}

// eventContact returns the contact event ev happened to (by its
// ContactID, else its Subject's address), or nil when herald knows
// nobody there; cache keeps those read for this page.
func (e *Engine) eventContact(ctx context.Context, ev *bot.Event, cache map[bot.ContactID]*bot.Contact) (*bot.Contact, error) {
	id := ev.ContactID
	if id == 0 {
		if ev.Subject.IsZero() {
			return nil, nil
		}
		ct, err := e.Store.ContactByAddress(ctx, ev.Subject)
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		cache[ct.ID] = ct
		return ct, nil
	}
	if ct, ok := cache[id]; ok {
		return ct, nil
	}
	ct, err := e.Store.Contact(ctx, id)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		ct, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	cache[id] = ct
	return ct, nil
}

// nudgeStop says whether sending s of nudge campaign c must not go now:
// too late, or stopped by what happened to its contact. reason is empty
// when it may go; err is a passing failure to read the contact's events.
func (e *Engine) nudgeStop(ctx context.Context, c *bot.Campaign, s *bot.Sending) (reason string, err error) {
	n := c.Nudge
	if late := e.maxLate(n); s.Attempts == 0 && !s.Resent && e.Clock.Now().Sub(s.PlannedAt) > late {
		return "too late: due " + s.PlannedAt.UTC().Format(time.RFC3339) + ", more than " + late.String() + " ago", nil
	}
	reason, _, err = nudges.StoppedIn(ctx, e.Store, n, s, eventPage)
	if err != nil {
		return "", bot.StepErrorf(bot.StepResolve, bot.EUNAVAILABLE, "reading what happened to the contact: %s", bot.ErrorMessage(err))
	}
	return reason, nil
}

// eventPage is how many of a contact's events the engine reads at a time
// when it checks a nudge's stop rules.
const eventPage = 500

// maxLate is how overdue a firing of n may be found and still go.
func (e *Engine) maxLate(n *bot.Nudge) time.Duration {
	switch {
	case n.MaxLate > 0:
		return n.MaxLate
	case e.NudgeMaxLate > 0:
		return e.NudgeMaxLate
	}
	return nudges.DefaultMaxLate
}

// completion returns the event that records the outcome of sending s,
// final: a nudge's completion, or a campaign's message sent to a person
// or failed while a running nudge listens for those; nil otherwise.
func (e *Engine) completion(s *bot.Sending) *bot.Event {
	if !s.State.Final() {
		return nil
	}
	e.mu.Lock()
	a := e.active[s.CampaignID]
	var c *bot.Campaign
	if a != nil {
		c = a.c
	}
	var typ bot.EventType
	if c != nil && c.Nudge == nil && !s.Address.IsZero() {
		switch s.State {
		case bot.SendingSent:
			typ = bot.EventCampaignSent
		case bot.SendingFailed:
			typ = bot.EventSendingFailed
		}
		if typ != "" && !e.listeningLocked(typ) {
			typ = ""
		}
	}
	e.mu.Unlock()
	if typ != "" {
		data := map[string]string{"campaign": strconv.FormatUint(uint64(c.ID), 10), "name": c.Name}
		if s.State == bot.SendingFailed {
			data["step"], data["error"] = string(s.Step), s.Error
		}
		return &bot.Event{Type: typ, Subject: s.Address, CampaignID: c.ID, At: e.Clock.Now().UTC(), Data: data}
	}
	if c == nil || c.Nudge == nil {
		return nil
	}
	ended := s.State == bot.SendingSkipped && strings.HasPrefix(s.Reason, nudges.EndedPrefix)
	if !nudges.Completes(c.Nudge, s, ended) {
		return nil
	}
	return nudges.Completion(c, s, e.Clock.Now().UTC())
}

// listeningLocked reports whether a running nudge triggers on (or is
// blocked or ended by) events of type t; e.mu is held.
func (e *Engine) listeningLocked(t bot.EventType) bool {
	for _, a := range e.active {
		n := a.c.Nudge
		if n == nil || a.state != bot.CampaignRunning {
			continue
		}
		for _, name := range []string{n.Trigger, n.Block, n.Until} {
			if strings.EqualFold(name, string(t)) {
				return true
			}
		}
	}
	return false
}

// resolveContact finds where a nudge's sending goes: the contact's first
// address on the campaign's platform (any, for auto) that herald is
// connected to and can reach, else their email.
func (e *Engine) resolveContact(ctx context.Context, c *bot.Campaign, s *bot.Sending) (bot.Address, error) {
	ct, err := e.Store.Contact(ctx, bot.ContactID(s.Source))
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return bot.Address{}, bot.StepErrorf(bot.StepResolve, bot.ENOTFOUND, "contact %s is no longer in the directory", s.Key)
	}
	if err != nil {
		return bot.Address{}, bot.StepErrorf(bot.StepResolve, bot.EUNAVAILABLE, "looking up %s: %s", s.Key, bot.ErrorMessage(err))
	}
	p := c.Platform
	any := p == "" || p == bot.PlatformAuto
	var last error
	for _, a := range ct.Addresses {
		if !any && a.Address.Platform != p {
			continue
		}
		if _, ok := e.Messengers[a.Address.Platform]; !ok {
			continue
		}
		if a.Reach.Unreachable() {
			last = unreachable(a)
			continue
		}
		return a.Address, nil // the contact says it is reachable: no need of the directory's copy
	}
	if _, ok := e.Messengers[bot.PlatformEmail]; ok && ct.Email != "" && (any || p == bot.PlatformEmail) {
		return bot.Address{Platform: bot.PlatformEmail, ID: ct.Email}, nil
	}
	if last != nil {
		return bot.Address{}, last
	}
	return bot.Address{}, bot.StepErrorf(bot.StepResolve, bot.ENOTFOUND, "herald has no way to reach %s", s.Key)
}

// enable runs nudge campaign c found scheduled (campaigns.Service runs a
// nudge at once; this covers one left scheduled): it has no audience to
// record, its sendings come from the events it triggers on.
func (e *Engine) enable(ctx context.Context, c *bot.Campaign) error {
	at := e.Clock.Now().UTC()
	since, err := e.Store.LastEventSeq(ctx)
	if err != nil {
		return err
	}
	_, err = e.Store.UpdateCampaign(ctx, c.ID, func(x *bot.Campaign) error {
		if x.State != bot.CampaignScheduled || x.Nudge == nil {
			return nil
		}
		x.Nudge.Since = since
		x.KeyColumn, x.StartedAt, x.Preparing = nudges.KeyColumn, at, false
		return lifecycle.Transition(x, bot.CampaignRunning, at, bot.Actor{})
	})
	if err != nil {
		return err
	}
	return e.reload(ctx, c.ID)
}

// copyNudges keeps in the outbox the copies of the nudges this group
// recorded sent (bot.Nudge.CopyTo), once their outcome is on disk. A
// crash between the two loses a copy, never a send: a copy is a notice.
func (e *Engine) copyNudges(ctx context.Context, group []commitOp) {
	if e.Copies == nil {
		return
	}
	var posts []*bot.Outgoing
	for _, op := range group {
		if op.s == nil || op.s.State != bot.SendingSent {
			continue
		}
		e.mu.Lock()
		a := e.active[op.s.CampaignID]
		var c *bot.Campaign
		if a != nil {
			c = a.c
		}
		e.mu.Unlock()
		if c == nil || c.Nudge == nil || c.Nudge.CopyTo.IsZero() || strings.TrimSpace(c.Nudge.CopyText) == "" {
			continue
		}
		posts = append(posts, nudges.Copy(c, op.s, e.Clock.Now()))
	}
	if len(posts) == 0 {
		return
	}
	if err := e.Copies.Enqueue(ctx, posts); err != nil {
		e.Log.Error("nudges: keeping the copies to moderators", "count", len(posts), "err", err)
		return
	}
	if e.CopiesQueued != nil {
		e.CopiesQueued()
	}
}
