package campaigns

import (
	"context"
	"maps"
	"slices"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/audience"
)

// ReachCount is how much of a campaign's audience one platform can reach,
// from what the contact directory knows (what platforms said when they
// refused a message, cleared when the person writes again).
type ReachCount struct {
	Platform bot.Platform `json:"platform"`
	Total    int          `json:"total"`
	// Unreachable counts those the directory knows herald cannot write
	// to, by reason (blocked, not_started, not_installed, gone).
	Unreachable map[bot.Reachability]int `json:"unreachable"`
}

// NeverMet marks, in Unreachable, the emails of a campaign on platform
// auto that herald's directory does not know: not counted out of
// Reachable, since the engine looks them up in the connected platforms'
// directories at send.
const NeverMet bot.Reachability = "never_met"

// Reachable is Total less those known unreachable.
func (r ReachCount) Reachable() int {
	n := r.Total
	for k, v := range r.Unreachable {
		if k != NeverMet {
			n -= v
		}
	}
	return n
}

// keyPlatforms maps key columns that name a platform to it.
var keyPlatforms = map[string]bot.Platform{
	"slack_id": bot.PlatformSlack, "discord_id": bot.PlatformDiscord, "telegram_id": bot.PlatformTelegram, "teams_id": bot.PlatformTeams,
}

// Reach counts, per platform the campaign would use, how many of its
// audience can be reached: every recipient is looked up where the engine
// would send (a platform id on its platform; a respondent id on the web
// chat, or on the campaign's platform; an email through the directory's
// addresses on the campaign's platform, or by email). It reads the whole
// audience: a check a moderator asks for, not a step of every start.
func (s *Service) Reach(ctx context.Context, id bot.CampaignID) ([]ReachCount, error) {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.KeyColumn, err = audience.KeyColumn(ctx, s.Store, c); err != nil {
		return nil, err
	}
	counts := map[bot.Platform]*ReachCount{}
	count := func(p bot.Platform, r bot.Reachability) {
		rc := counts[p]
		if rc == nil {
			rc = &ReachCount{Platform: p, Unreachable: map[bot.Reachability]int{}}
			counts[p] = rc
		}
		rc.Total++
		if r.Unreachable() || r == NeverMet {
			rc.Unreachable[r]++
		}
	}
	bad := map[bot.Platform]map[string]bot.Reachability{} // per platform, the known unreachable ids
	unreachableOn := func(p bot.Platform) (map[string]bot.Reachability, error) {
		if m, ok := bad[p]; ok {
			return m, nil
		}
		m := map[string]bot.Reachability{}
		for after := bot.ContactID(0); ; {
			page, err := s.Store.Contacts(ctx, bot.ContactFilter{Platform: p, After: after, Limit: 1000})
			if err != nil {
				return nil, err
			}
			if len(page) == 0 {
				break
			}
			for _, ct := range page {
				for _, a := range ct.Addresses {
					if a.Address.Platform == p && a.Reach.Unreachable() {
						m[a.Address.ID] = a.Reach
					}
				}
			}
			after = page[len(page)-1].ID
		}
		bad[p] = m
		return m, nil
	}
	p := c.Platform
	_, err = audience.Each(ctx, s.Store, s.Store, c, 0, func(batch []*bot.Sending) error {
		for _, sd := range batch {
			on := p
			switch {
			case keyPlatforms[c.KeyColumn] != "":
				on = keyPlatforms[c.KeyColumn]
			case c.KeyColumn == "respondentID" && (p == "" || p == bot.PlatformAuto):
				on = bot.PlatformWeb
			case c.KeyColumn == "respondentID":
			case p == bot.PlatformEmail:
				count(bot.PlatformEmail, bot.ReachUnknown)
				continue
			default: // an email on a chat platform, or anywhere (auto)
				ct, err := s.Store.ContactByEmail(ctx, sd.Key)
				if bot.ErrorCode(err) == bot.ENOTFOUND {
					if p == "" || p == bot.PlatformAuto {
						count(bot.PlatformAuto, NeverMet)
					} else {
						count(p, bot.ReachUnknown) // the platform's directory may know the email
					}
					continue
				}
				if err != nil {
					return err
				}
				best := bot.ContactAddress{Address: bot.Address{Platform: p}, Reach: bot.ReachUnknown}
				for _, a := range ct.Addresses {
					if (p == bot.PlatformAuto || a.Address.Platform == p) && (best.Address.ID == "" || !a.Reach.Unreachable()) {
						best = a
					}
				}
				count(best.Address.Platform, best.Reach)
				continue
			}
			m, err := unreachableOn(on)
			if err != nil {
				return err
			}
			r := m[sd.Key]
			if on == bot.PlatformWeb && r == bot.ReachUnknown {
				// herald makes a visitor's id and records them at their
				// first visit: an id it does not know never opened the chat.
				if _, err := s.Store.ContactByAddress(ctx, bot.Address{Platform: bot.PlatformWeb, ID: sd.Key}); bot.ErrorCode(err) == bot.ENOTFOUND {
					r = bot.ReachNotStarted
				} else if err != nil {
					return err
				}
			}
			count(on, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]ReachCount, 0, len(counts))
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		out = append(out, *counts[k])
	}
	return out, nil
}
