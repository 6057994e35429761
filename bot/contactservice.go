package bot

import (
	"context"
	"maps"
	"time"
)

// ContactService keeps the contact directory: every person herald has met
// on each platform, with what it knows of reaching them. Adapters call Seen
// when a person writes, joins or is resolved; the campaign engine calls
// SetReach and Assign. It is safe for concurrent use.
type ContactService struct {
	Store ContactStore
	Clock Clock
}

// Seen records that a person was met at addr, and returns their contact.
// The contact is found by address, else by email (the address is then
// added to it), else created. A name or email learned now fills in what
// the contact lacked; LastSeen moves to now; reach, unless ReachUnknown,
// becomes the address's reachability. Concurrent calls for one new person
// create one contact.
func (s *ContactService) Seen(ctx context.Context, addr Address, name, email string, reach Reachability) (*Contact, error) {
	if !addr.Platform.Valid() || addr.ID == "" {
		return nil, Errorf(EINVALID, "cannot record a contact at %q: not a platform address", addr)
	}
	now := s.Clock.Now().UTC()
	for attempt := 0; ; attempt++ {
		c, err := s.Store.ContactByAddress(ctx, addr)
		if ErrorCode(err) == ENOTFOUND && email != "" {
			c, err = s.Store.ContactByEmail(ctx, email)
		}
		switch {
		case err == nil:
			return s.Store.UpdateContact(ctx, c.ID, func(c *Contact) error {
				touch(c, addr, name, email, reach, now)
				return nil
			})
		case ErrorCode(err) != ENOTFOUND:
			return nil, err
		}
		c = &Contact{}
		touch(c, addr, name, email, reach, now)
		err = s.Store.CreateContact(ctx, c)
		if ErrorCode(err) == ECONFLICT && attempt == 0 {
			continue // another call created them meanwhile: update that one
		}
		if err != nil {
			return nil, err
		}
		return c, nil
	}
}

// touch applies what Seen learned to c.
func touch(c *Contact, addr Address, name, email string, reach Reachability, now time.Time) {
	if c.Name == "" {
		c.Name = name
	}
	if c.Email == "" {
		c.Email = email
	}
	c.LastSeen = now
	for i := range c.Addresses {
		if c.Addresses[i].Address == addr {
			if reach != ReachUnknown {
				c.Addresses[i].Reach, c.Addresses[i].CheckedAt = reach, now
			}
			return
		}
	}
	ca := ContactAddress{Address: addr, Reach: reach}
	if reach != ReachUnknown {
		ca.CheckedAt = now
	}
	c.Addresses = append(c.Addresses, ca)
}

// SetReach records whether addr can be written to, for example blocked
// after the platform refused a message. It returns ENOTFOUND when no
// contact holds addr.
func (s *ContactService) SetReach(ctx context.Context, addr Address, reach Reachability) error {
	c, err := s.Store.ContactByAddress(ctx, addr)
	if err != nil {
		return err
	}
	now := s.Clock.Now().UTC()
	_, err = s.Store.UpdateContact(ctx, c.ID, func(c *Contact) error {
		for i := range c.Addresses {
			if c.Addresses[i].Address == addr {
				c.Addresses[i].Reach, c.Addresses[i].CheckedAt = reach, now
			}
		}
		return nil
	})
	return err
}

// Assign merges attrs into the contact's attributes (a list's attributes,
// when a campaign reaches the contact); empty values are ignored.
func (s *ContactService) Assign(ctx context.Context, id ContactID, attrs map[string]string) error {
	_, err := s.Store.UpdateContact(ctx, id, func(c *Contact) error {
		if c.Attributes == nil {
			c.Attributes = make(map[string]string, len(attrs))
		}
		maps.Copy(c.Attributes, attrs)
		maps.DeleteFunc(c.Attributes, func(_, v string) bool { return v == "" })
		return nil
	})
	return err
}

// AudienceSize returns how many recipients an audience holds before
// anything is sent: the size of the list, or the number of contacts
// reachable on the platform.
func AudienceSize(ctx context.Context, lists ListStore, contacts ContactStore, a Audience) (int, error) {
	switch a.Kind {
	case AudienceList:
		l, err := lists.List(ctx, a.List)
		if err != nil {
			return 0, err
		}
		return l.Size, nil
	case AudiencePlatform:
		if !a.Platform.Valid() {
			return 0, Errorf(EINVALID, "%q is not a platform", a.Platform)
		}
		return contacts.CountContacts(ctx, ContactFilter{Platform: a.Platform, Reachable: true})
	}
	return 0, Errorf(EINVALID, "the campaign has no audience yet: choose a list or all:PLATFORM")
}
