package contacts

import (
	"context"
	"maps"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/expiring"
)

// Service keeps the contact directory: every person herald has met
// on each platform, with what it knows of reaching them. Adapters call Seen
// when a person writes, joins or is resolved; the campaign engine calls
// SetReach and Assign. It is safe for concurrent use.
type Service struct {
	Store bot.ContactStore
	Clock clock.Clock
	// Mail, when set, emails the codes that confirm a claimed email (see
	// Claim).
	Mail bot.Messenger
	// Text, when set, renders the catalogue's text for key in the
	// configured language (the code's email); unset, English.
	Text func(key string, args ...any) string

	codesMu sync.Mutex
	codes   *expiring.Map[string, []time.Time] // codes emailed per address in the last hour (reserveCode)
}

// Seen records that a person was met at addr, and returns their contact.
// The contact is found by address, else by email (the address is then
// added to it), else created. A name or email learned now fills in what
// the contact lacked; LastSeen moves to now (to the minute: a contact seen
// less than a minute ago is not written again); reach, unless ReachUnknown,
// becomes the address's reachability. Concurrent calls for one new person
// create one contact. The email is one the platform vouches for (a
// profile, a list); one a person typed themselves goes through Claim. An
// email another contact already has is left out rather than refused.
func (s *Service) Seen(ctx context.Context, addr bot.Address, name, email string, reach bot.Reachability) (*bot.Contact, error) {
	if !addr.Platform.Valid() || addr.ID == "" {
		return nil, bot.Errorf(bot.EINVALID, "cannot record a contact at %q: not a platform address", addr)
	}
	now := s.Clock.Now().UTC()
	for attempt := 0; ; attempt++ {
		c, err := s.Store.ContactByAddress(ctx, addr)
		if bot.ErrorCode(err) == bot.ENOTFOUND && email != "" {
			c, err = s.Store.ContactByEmail(ctx, email)
		}
		switch {
		case err == nil && fresh(c, addr, name, email, reach, now):
			return c, nil // nothing worth a write: a busy participant costs no commit per message
		case err == nil:
			updated, err := s.Store.UpdateContact(ctx, c.ID, func(c *bot.Contact) error {
				touch(c, addr, name, email, reach, now)
				return nil
			})
			if bot.ErrorCode(err) == bot.ECONFLICT && email != "" {
				// The email is another contact's: this person is not
				// refused for it, nor made that contact on their word.
				email = ""
				continue
			}
			return updated, err
		case bot.ErrorCode(err) != bot.ENOTFOUND:
			return nil, err
		}
		c = &bot.Contact{}
		touch(c, addr, name, email, reach, now)
		err = s.Store.CreateContact(ctx, c)
		if bot.ErrorCode(err) == bot.ECONFLICT && attempt == 0 {
			continue // another call created them meanwhile: update that one
		}
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

// seenEvery is how precisely Seen keeps LastSeen and an address's
// reachability check: within a minute.
const seenEvery = time.Minute

// fresh reports whether c already holds what Seen would record: touch
// would only move LastSeen or the address's check by less than seenEvery.
func fresh(c *bot.Contact, addr bot.Address, name, email string, reach bot.Reachability, now time.Time) bool {
	if (c.Name == "" && name != "") || (c.Email == "" && email != "") || now.Sub(c.LastSeen) >= seenEvery {
		return false
	}
	for _, a := range c.Addresses {
		if a.Address == addr {
			return reach == bot.ReachUnknown || (a.Reach == reach && now.Sub(a.CheckedAt) < seenEvery)
		}
	}
	return false
}

// touch applies what Seen learned to c.
func touch(c *bot.Contact, addr bot.Address, name, email string, reach bot.Reachability, now time.Time) {
	if c.Name == "" {
		c.Name = name
	}
	if c.Email == "" {
		c.Email = email
	}
	c.LastSeen = now
	for i := range c.Addresses {
		if c.Addresses[i].Address == addr {
			if reach != bot.ReachUnknown {
				c.Addresses[i].Reach, c.Addresses[i].CheckedAt = reach, now
			}
			return
		}
	}
	ca := bot.ContactAddress{Address: addr, Reach: reach}
	if reach != bot.ReachUnknown {
		ca.CheckedAt = now
	}
	c.Addresses = append(c.Addresses, ca)
}

// SetReach records whether addr can be written to, for example blocked
// after the platform refused a message. It returns ENOTFOUND when no
// contact holds addr.
func (s *Service) SetReach(ctx context.Context, addr bot.Address, reach bot.Reachability) error {
	c, err := s.Store.ContactByAddress(ctx, addr)
	if err != nil {
		return err
	}
	now := s.Clock.Now().UTC()
	_, err = s.Store.UpdateContact(ctx, c.ID, func(c *bot.Contact) error {
		for i := range c.Addresses {
			if c.Addresses[i].Address == addr {
				c.Addresses[i].Reach, c.Addresses[i].CheckedAt = reach, now
			}
		}
		return nil
	})
	return err
}

// Reached records what a platform said of addr when it refused a message
// (blocked, never started, gone), creating the contact when herald had
// never met them (a campaign sent to a list's platform ids). It is
// cleared when the person writes again (Seen, as reachable).
func (s *Service) Reached(ctx context.Context, addr bot.Address, reach bot.Reachability) error {
	err := s.SetReach(ctx, addr, reach)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		_, err = s.Seen(ctx, addr, "", "", reach)
	}
	return err
}

// Assign merges attrs into the contact's attributes (a list's attributes,
// when a campaign reaches the contact); empty values are ignored.
func (s *Service) Assign(ctx context.Context, id bot.ContactID, attrs map[string]string) error {
	_, err := s.Store.UpdateContact(ctx, id, func(c *bot.Contact) error {
		if c.Attributes == nil {
			c.Attributes = make(map[string]string, len(attrs))
		}
		maps.Copy(c.Attributes, attrs)
		maps.DeleteFunc(c.Attributes, func(_, v string) bool { return v == "" })
		return nil
	})
	return err
}
