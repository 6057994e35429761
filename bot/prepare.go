package bot

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// prepareBatch is how many sendings preparing a campaign writes per
// transaction.
const prepareBatch = 5000

func itoa(n int) string { return strconv.Itoa(n) }

// startDue prepares and starts the scheduled campaigns whose time came.
func (e *Engine) startDue(ctx context.Context, now time.Time) {
	e.mu.Lock()
	var due []CampaignID
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
func (e *Engine) prepare(ctx context.Context, id CampaignID, now time.Time) error {
	c, err := e.Store.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if c.State != CampaignScheduled {
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
		last, err := e.Store.Sending(ctx, id, SendingID(counts.Total))
		if err != nil {
			return err
		}
		after = last.Source
	}
	attrs := MessageAttrs(c.Message)
	if c.KeyColumn, err = AudienceKeyColumn(ctx, e.Store, c); err != nil {
		return err
	}
	keyColumn, err := EachRecipient(ctx, e.Store, e.Store, c, after, func(batch []*Sending) error {
		for _, s := range batch {
			s.PlannedAt = c.Schedule.PlannedAt(start, s.Key)
			s.NextAt, s.State = s.PlannedAt, SendingScheduled
			if missing := MissingValues(c, s, attrs); len(missing) > 0 && c.Missing == MissingSkip {
				s.State, s.Reason, s.Step = SendingSkipped, "no value for "+strings.Join(missing, ", "), StepRender
			}
		}
		return e.Store.CreateSendings(ctx, id, batch)
	})
	if err != nil {
		return err
	}
	running := e.Clock.Now().UTC() // once every recipient is recorded
	_, err = e.Store.UpdateCampaign(ctx, id, func(c *Campaign) error {
		if c.State != CampaignScheduled {
			return nil
		}
		c.KeyColumn, c.StartedAt = keyColumn, running
		return c.Transition(CampaignRunning, running, Actor{})
	})
	return err
}

// platformColumns maps key columns that name a platform to it.
var platformColumns = map[string]Platform{
	"slack_id": PlatformSlack, "discord_id": PlatformDiscord, "telegram_id": PlatformTelegram, "teams_id": PlatformTeams,
}

// resolve finds where sending s goes on the campaign's platform. Failures
// are *Errors at StepResolve: ENOTFOUND or EFORBIDDEN when no attempt will
// help, EUNAVAILABLE when a later one may.
func (e *Engine) resolve(ctx context.Context, c *Campaign, s *Sending) (Address, error) {
	if !s.Address.IsZero() {
		return s.Address, nil
	}
	p := c.Platform
	key := strings.TrimSpace(s.Key)
	if col, ok := platformColumns[c.KeyColumn]; ok {
		if p != "" && p != PlatformAuto && p != col {
			return Address{}, StepErrorf(StepResolve, EINVALID, "the list gives %s ids but the campaign sends on %s", col, p)
		}
		return e.checkReach(ctx, Address{Platform: col, ID: key})
	}
	switch {
	case c.KeyColumn == "respondentID" && (p == PlatformAuto || p == ""):
		return e.checkReach(ctx, Address{Platform: PlatformWeb, ID: key})
	case c.KeyColumn == "respondentID":
		return e.checkReach(ctx, Address{Platform: p, ID: key})
	case p == PlatformEmail:
		return Address{Platform: PlatformEmail, ID: key}, nil
	}
	// An email on a chat platform: the directory first, then the platform.
	ct, err := e.Store.ContactByEmail(ctx, key)
	if err == nil {
		for _, a := range ct.Addresses {
			if (p == PlatformAuto || a.Address.Platform == p) && a.Reach != ReachBlocked && a.Reach != ReachNotStarted && a.Reach != ReachNotInstalled {
				return a.Address, nil
			}
		}
		if p != PlatformAuto {
			if a, ok := ct.AddressOn(p); ok {
				return Address{}, unreachable(a)
			}
		}
	} else if ErrorCode(err) != ENOTFOUND {
		return Address{}, StepErrorf(StepResolve, EUNAVAILABLE, "looking up %s: %s", key, ErrorMessage(err))
	}
	if p == PlatformAuto {
		return Address{}, StepErrorf(StepResolve, ENOTFOUND, "herald has never met %s on any platform", key)
	}
	m, ok := e.Messengers[p]
	if !ok {
		return Address{}, StepErrorf(StepResolve, EUNAVAILABLE, "%s is not connected", p)
	}
	r, ok := m.(EmailResolver)
	if !ok {
		return Address{}, StepErrorf(StepResolve, ENOTFOUND, "%s cannot find people by email, and herald has never met %s there", p, key)
	}
	addr, err := r.ResolveEmail(ctx, key)
	if err != nil {
		return Address{}, &Error{Code: ErrorCode(err), Message: ErrorMessage(err), Err: err, Step: StepResolve, RetryAfter: retryAfterOf(err)}
	}
	return addr, nil
}

func retryAfterOf(err error) time.Duration {
	d, _ := ErrorRetryAfter(err)
	return d
}

// reachTTL is how long the engine trusts its copy of who cannot be
// reached on a platform.
const reachTTL = time.Minute

// reachCache is the directory's unreachable addresses on one platform.
type reachCache struct {
	at  time.Time
	bad map[Address]ContactAddress
}

// checkReach refuses an address the directory knows to be unreachable. It
// reads a copy of the platform's unreachable addresses refreshed every
// minute, rather than the directory per message.
func (e *Engine) checkReach(ctx context.Context, addr Address) (Address, error) {
	now := e.Clock.Now()
	e.mu.Lock()
	rc := e.reach[addr.Platform]
	e.mu.Unlock()
	if rc == nil || now.Sub(rc.at) > reachTTL {
		fresh := &reachCache{at: now, bad: map[Address]ContactAddress{}}
		for after := ContactID(0); ; {
			page, err := e.Store.Contacts(ctx, ContactFilter{Platform: addr.Platform, After: after, Limit: prepareBatch})
			if err != nil {
				return Address{}, StepErrorf(StepResolve, EUNAVAILABLE, "reading the contact directory: %s", ErrorMessage(err))
			}
			if len(page) == 0 {
				break
			}
			for _, ct := range page {
				for _, a := range ct.Addresses {
					if a.Reach == ReachBlocked || a.Reach == ReachNotStarted || a.Reach == ReachNotInstalled {
						fresh.bad[a.Address] = a
					}
				}
			}
			after = page[len(page)-1].ID
		}
		e.mu.Lock()
		e.reach[addr.Platform] = fresh
		e.mu.Unlock()
		rc = fresh
	}
	if a, ok := rc.bad[addr]; ok {
		return Address{}, unreachable(a)
	}
	return addr, nil
}

func unreachable(a ContactAddress) error {
	switch a.Reach {
	case ReachBlocked:
		return StepErrorf(StepSend, EFORBIDDEN, "%s blocked the bot", a.Address)
	case ReachNotStarted:
		return StepErrorf(StepResolve, EFORBIDDEN, "%s never started the bot: a bot can only write to people who started it", a.Address)
	case ReachNotInstalled:
		return StepErrorf(StepResolve, EFORBIDDEN, "the app is not installed for %s", a.Address)
	}
	return StepErrorf(StepResolve, EFORBIDDEN, "%s cannot be reached", a.Address)
}
