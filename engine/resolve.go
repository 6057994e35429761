package engine

import (
	"context"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
)

// platformColumns maps key columns that name a platform to it.
var platformColumns = map[string]bot.Platform{
	"slack_id": bot.PlatformSlack, "discord_id": bot.PlatformDiscord, "telegram_id": bot.PlatformTelegram, "teams_id": bot.PlatformTeams,
}

// resolve finds where sending s goes on the campaign's platform. Failures
// are *Errors at StepResolve: ENOTFOUND or EFORBIDDEN when no attempt will
// help, EUNAVAILABLE when a later one may.
func (e *Engine) resolve(ctx context.Context, c *bot.Campaign, s *bot.Sending) (bot.Address, error) {
	if !s.Address.IsZero() {
		return s.Address, nil
	}
	if c.Nudge != nil {
		return e.resolveContact(ctx, c, s)
	}
	p := c.Platform
	key := strings.TrimSpace(s.Key)
	if col, ok := platformColumns[c.KeyColumn]; ok {
		if p != "" && p != bot.PlatformAuto && p != col {
			return bot.Address{}, bot.StepErrorf(bot.StepResolve, bot.EINVALID, "the list gives %s ids but the campaign sends on %s", col, p)
		}
		return e.checkReach(ctx, bot.Address{Platform: col, ID: key})
	}
	switch {
	case c.KeyColumn == "respondentID" && (p == bot.PlatformAuto || p == ""):
		return e.checkReach(ctx, bot.Address{Platform: bot.PlatformWeb, ID: key})
	case c.KeyColumn == "respondentID":
		return e.checkReach(ctx, bot.Address{Platform: p, ID: key})
	case p == bot.PlatformEmail:
		return bot.Address{Platform: bot.PlatformEmail, ID: key}, nil
	}
	// An email on a chat platform: the directory first, then the platform.
	ct, err := e.Store.ContactByEmail(ctx, key)
	if err == nil {
		for _, a := range ct.Addresses {
			if (p == bot.PlatformAuto || a.Address.Platform == p) && !a.Reach.Unreachable() {
				return a.Address, nil
			}
		}
		if p != bot.PlatformAuto {
			if a, ok := ct.AddressOn(p); ok {
				return bot.Address{}, unreachable(a)
			}
		}
	} else if bot.ErrorCode(err) != bot.ENOTFOUND {
		return bot.Address{}, bot.StepErrorf(bot.StepResolve, bot.EUNAVAILABLE, "looking up %s: %s", key, bot.ErrorMessage(err))
	}
	if p == bot.PlatformAuto {
		return e.resolveAnywhere(ctx, key)
	}
	m, ok := e.Messengers[p]
	if !ok {
		return bot.Address{}, bot.StepErrorf(bot.StepResolve, bot.EUNAVAILABLE, "%s is not connected", p)
	}
	r, ok := m.(EmailResolver)
	if !ok {
		return bot.Address{}, bot.StepErrorf(bot.StepResolve, bot.ENOTFOUND, "%s cannot find people by email, and herald has never met %s there", p, key)
	}
	addr, err := r.ResolveEmail(ctx, key)
	if err != nil {
		return bot.Address{}, &bot.Error{Code: bot.ErrorCode(err), Message: bot.ErrorMessage(err), Err: err, Step: bot.StepResolve, RetryAfter: retryAfterOf(err)}
	}
	return addr, nil
}

func retryAfterOf(err error) time.Duration {
	d, _ := bot.ErrorRetryAfter(err)
	return d
}

// reachTTL is how long the engine trusts its copy of who cannot be
// reached on a platform.
const reachTTL = time.Minute

// reachCache is the directory's unreachable addresses on one platform.
type reachCache struct {
	at  time.Time
	bad map[bot.Address]bot.ContactAddress
}

// checkReach refuses an address the directory knows to be unreachable. It
// reads a copy of the platform's unreachable addresses refreshed every
// minute, rather than the directory per message.
func (e *Engine) checkReach(ctx context.Context, addr bot.Address) (bot.Address, error) {
	now := e.Clock.Now()
	e.mu.Lock()
	rc := e.reach[addr.Platform]
	e.mu.Unlock()
	if rc == nil || now.Sub(rc.at) > reachTTL {
		// One refresh at a time: the workers that find the copy stale
		// together (all of them, at a start) wait for the one reading.
		e.reachMu.Lock()
		defer e.reachMu.Unlock()
		e.mu.Lock()
		rc = e.reach[addr.Platform]
		e.mu.Unlock()
	}
	if rc == nil || now.Sub(rc.at) > reachTTL {
		fresh := &reachCache{at: now, bad: map[bot.Address]bot.ContactAddress{}}
		for after := bot.ContactID(0); ; {
			page, err := e.Store.Contacts(ctx, bot.ContactFilter{Platform: addr.Platform, After: after, Limit: pageSize})
			if err != nil {
				return bot.Address{}, bot.StepErrorf(bot.StepResolve, bot.EUNAVAILABLE, "reading the contact directory: %s", bot.ErrorMessage(err))
			}
			if len(page) == 0 {
				break
			}
			for _, ct := range page {
				for _, a := range ct.Addresses {
					if a.Reach.Unreachable() {
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
		return bot.Address{}, unreachable(a)
	}
	return addr, nil
}

// autoOrder is the order in which platform auto looks an email up in the
// connected platforms' directories.
var autoOrder = []bot.Platform{bot.PlatformSlack, bot.PlatformTeams, bot.PlatformDiscord, bot.PlatformTelegram}

// resolveAnywhere finds an email herald has never met, for platform auto:
// each connected platform that can find people by email (Slack's
// directory, …) in turn, then email itself when it is connected.
func (e *Engine) resolveAnywhere(ctx context.Context, email string) (bot.Address, error) {
	var passing error
	for _, p := range autoOrder {
		r, ok := e.Messengers[p].(EmailResolver)
		if !ok {
			continue
		}
		addr, err := r.ResolveEmail(ctx, email)
		if err == nil {
			return e.checkReach(ctx, addr)
		}
		if bot.ErrorCode(err) == bot.EUNAVAILABLE {
			passing = err // tried again later, unless another finds them
		}
	}
	if _, ok := e.Messengers[bot.PlatformEmail]; ok {
		return bot.Address{Platform: bot.PlatformEmail, ID: email}, nil
	}
	if passing != nil {
		return bot.Address{}, &bot.Error{Code: bot.EUNAVAILABLE, Message: bot.ErrorMessage(passing), Err: passing, Step: bot.StepResolve, RetryAfter: retryAfterOf(passing)}
	}
	return bot.Address{}, bot.StepErrorf(bot.StepResolve, bot.ENOTFOUND, "herald has never met %s on any platform, and no connected directory knows the address", email)
}

func unreachable(a bot.ContactAddress) error {
	switch a.Reach {
	case bot.ReachBlocked:
		return bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "%s blocked the bot", a.Address)
	case bot.ReachNotStarted:
		return bot.StepErrorf(bot.StepResolve, bot.EFORBIDDEN, "%s never started the bot: a bot can only write to people who started it", a.Address)
	case bot.ReachNotInstalled:
		return bot.StepErrorf(bot.StepResolve, bot.EFORBIDDEN, "the app is not installed for %s", a.Address)
	case bot.ReachGone:
		return bot.StepErrorf(bot.StepResolve, bot.EFORBIDDEN, "%s no longer exists on the platform (deleted or deactivated)", a.Address)
	}
	return bot.StepErrorf(bot.StepResolve, bot.EFORBIDDEN, "%s cannot be reached", a.Address)
}
