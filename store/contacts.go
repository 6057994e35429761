package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/contacts"
)

// CreateContact stores c, setting its ID and timestamps. It returns
// ECONFLICT if one of its addresses or its email belongs to another contact.
func (db *DB) CreateContact(ctx context.Context, c *bot.Contact) error {
	return db.CreateContacts(ctx, []*bot.Contact{c})
}

// CreateContacts stores every contact of cs in one transaction (an import
// of many), as CreateContact does one: all of them, or none when one is
// refused.
func (db *DB) CreateContacts(ctx context.Context, cs []*bot.Contact) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketContacts)
		now := db.now()
		for _, c := range cs {
			if err := checkContactIndexes(tx, c, 0); err != nil {
				return err
			}
			id, err := b.NextSequence()
			if err != nil {
				return internal("contact sequence: %w", err)
			}
			c.ID = bot.ContactID(id)
			if c.CreatedAt.IsZero() {
				c.CreatedAt = now
			}
			c.UpdatedAt = now
			if err := put(b, itob(id), c); err != nil {
				return err
			}
			if err := indexContact(tx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// Contact returns the contact with that ID, or ENOTFOUND.
func (db *DB) Contact(ctx context.Context, id bot.ContactID) (*bot.Contact, error) {
	var c *bot.Contact
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		c, err = contactByID(tx, id)
		return err
	})
	return c, err
}

// ContactByAddress returns the contact holding addr, or ENOTFOUND.
func (db *DB) ContactByAddress(ctx context.Context, addr bot.Address) (*bot.Contact, error) {
	var c *bot.Contact
	err := db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketContactsByAddr).Get([]byte(addr.String()))
		if id == nil {
			return bot.Errorf(bot.ENOTFOUND, "no contact has the address %s", addr)
		}
		var err error
		c, err = contactByID(tx, bot.ContactID(btoi(id)))
		return err
	})
	return c, err
}

// ContactByEmail returns the contact with that email, or ENOTFOUND.
func (db *DB) ContactByEmail(ctx context.Context, email string) (*bot.Contact, error) {
	var c *bot.Contact
	err := db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketContactsByEmail).Get([]byte(contacts.NormalizeEmail(email)))
		if id == nil {
			return bot.Errorf(bot.ENOTFOUND, "no contact has the email %s", email)
		}
		var err error
		c, err = contactByID(tx, bot.ContactID(btoi(id)))
		return err
	})
	return c, err
}

// UpdateContact applies fn to the stored contact and saves it, keeping the
// address and email indexes in step. It returns ECONFLICT if fn gives the
// contact an address or email of another contact.
func (db *DB) UpdateContact(ctx context.Context, id bot.ContactID, fn func(*bot.Contact) error) (*bot.Contact, error) {
	var c *bot.Contact
	err := db.update(ctx, func(tx *bolt.Tx) error {
		old, err := contactByID(tx, id)
		if err != nil {
			return err
		}
		c, err = contactByID(tx, id) // a separate copy for fn to change
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		c.ID, c.CreatedAt, c.UpdatedAt = old.ID, old.CreatedAt, db.now()
		if err := checkContactIndexes(tx, c, id); err != nil {
			return err
		}
		if err := unindexContact(tx, old); err != nil {
			return err
		}
		if err := put(tx.Bucket(bucketContacts), itob(uint64(id)), c); err != nil {
			return err
		}
		return indexContact(tx, c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Contacts returns the contacts matching f in ID order.
func (db *DB) Contacts(ctx context.Context, f bot.ContactFilter) ([]*bot.Contact, error) {
	var out []*bot.Contact
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return eachContact(tx, f, func(c *bot.Contact) bool {
			out = append(out, c)
			return f.Limit <= 0 || len(out) < f.Limit
		})
	})
	return out, err
}

// CountContacts returns how many contacts match f.
func (db *DB) CountContacts(ctx context.Context, f bot.ContactFilter) (int, error) {
	f.After, f.Limit = 0, 0
	n := 0
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return eachContact(tx, f, func(*bot.Contact) bool { n++; return true })
	})
	return n, err
}

// eachContact calls fn for the contacts matching f's Platform, Reachable
// and After, in ID order, until fn returns false.
func eachContact(tx *bolt.Tx, f bot.ContactFilter, fn func(*bot.Contact) bool) error {
	cur := tx.Bucket(bucketContacts).Cursor()
	for k, v := cur.Seek(itob(uint64(f.After) + 1)); k != nil; k, v = cur.Next() {
		var c bot.Contact
		if err := decode(v, &c); err != nil {
			return err
		}
		if f.Platform != "" {
			a, ok := c.AddressOn(f.Platform)
			if !ok || (f.Reachable && a.Reach != bot.ReachReachable) {
				continue
			}
		}
		if !fn(&c) {
			return nil
		}
	}
	return nil
}

// DeleteContact removes the contact and its index entries.
func (db *DB) DeleteContact(ctx context.Context, id bot.ContactID) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		c, err := contactByID(tx, id)
		if err != nil {
			return err
		}
		if err := unindexContact(tx, c); err != nil {
			return err
		}
		return tx.Bucket(bucketContacts).Delete(itob(uint64(id)))
	})
}

// MoveAddress moves addr from the contact holding it to contact to.
func (db *DB) MoveAddress(ctx context.Context, addr bot.Address, to bot.ContactID) (*bot.Contact, error) {
	var out *bot.Contact
	err := db.update(ctx, func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketContactsByAddr).Get([]byte(addr.String()))
		if v == nil {
			return bot.Errorf(bot.ENOTFOUND, "no contact holds the address %s", addr)
		}
		from, err := contactByID(tx, bot.ContactID(btoi(v)))
		if err != nil {
			return err
		}
		dst, err := contactByID(tx, to)
		if err != nil || from.ID == to {
			out = dst
			return err
		}
		for _, c := range []*bot.Contact{from, dst} {
			if err := unindexContact(tx, c); err != nil {
				return err
			}
		}
		contacts.MoveAddress(from, dst, addr, db.now())
		for _, c := range []*bot.Contact{from, dst} {
			if err := put(tx.Bucket(bucketContacts), itob(uint64(c.ID)), c); err != nil {
				return err
			}
			if err := indexContact(tx, c); err != nil {
				return err
			}
		}
		out = dst
		return nil
	})
	return out, err
}

func contactByID(tx *bolt.Tx, id bot.ContactID) (*bot.Contact, error) {
	var c bot.Contact
	ok, err := get(tx.Bucket(bucketContacts), itob(uint64(id)), &c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "contact %d not found", id)
	}
	return &c, nil
}

// checkContactIndexes returns ECONFLICT when an address or the email of c
// belongs to a contact other than self (0 for none).
func checkContactIndexes(tx *bolt.Tx, c *bot.Contact, self bot.ContactID) error {
	byAddr := tx.Bucket(bucketContactsByAddr)
	seen := map[bot.Address]bool{}
	for _, a := range c.Addresses {
		if !a.Address.Platform.Valid() || a.Address.ID == "" {
			return bot.Errorf(bot.EINVALID, "contact address %q is not valid", a.Address)
		}
		if seen[a.Address] {
			return bot.Errorf(bot.EINVALID, "contact lists the address %s twice", a.Address)
		}
		seen[a.Address] = true
		if id := byAddr.Get([]byte(a.Address.String())); id != nil && bot.ContactID(btoi(id)) != self {
			return bot.Errorf(bot.ECONFLICT, "the address %s already belongs to contact %d", a.Address, btoi(id))
		}
	}
	if email := contacts.NormalizeEmail(c.Email); email != "" {
		if id := tx.Bucket(bucketContactsByEmail).Get([]byte(email)); id != nil && bot.ContactID(btoi(id)) != self {
			return bot.Errorf(bot.ECONFLICT, "the email %s already belongs to contact %d", c.Email, btoi(id))
		}
	}
	return nil
}

func indexContact(tx *bolt.Tx, c *bot.Contact) error {
	id := itob(uint64(c.ID))
	for _, a := range c.Addresses {
		if err := tx.Bucket(bucketContactsByAddr).Put([]byte(a.Address.String()), id); err != nil {
			return internal("indexing contact: %w", err)
		}
	}
	if email := contacts.NormalizeEmail(c.Email); email != "" {
		if err := tx.Bucket(bucketContactsByEmail).Put([]byte(email), id); err != nil {
			return internal("indexing contact: %w", err)
		}
	}
	return nil
}

// unindexContact removes the index entries that point at c.
func unindexContact(tx *bolt.Tx, c *bot.Contact) error {
	mine := func(b *bolt.Bucket, key string) error {
		if id := b.Get([]byte(key)); id != nil && bot.ContactID(btoi(id)) == c.ID {
			return b.Delete([]byte(key))
		}
		return nil
	}
	for _, a := range c.Addresses {
		if err := mine(tx.Bucket(bucketContactsByAddr), a.Address.String()); err != nil {
			return internal("unindexing contact: %w", err)
		}
	}
	if email := contacts.NormalizeEmail(c.Email); email != "" {
		if err := mine(tx.Bucket(bucketContactsByEmail), email); err != nil {
			return internal("unindexing contact: %w", err)
		}
	}
	return nil
}

// AssignAttributes merges attributes into the contacts holding the given
// addresses, in one transaction.
func (db *DB) AssignAttributes(ctx context.Context, attrs map[bot.Address]map[string]string) (int, error) {
	n := 0
	err := db.update(ctx, func(tx *bolt.Tx) error {
		n = 0
		byAddr, contacts := tx.Bucket(bucketContactsByAddr), tx.Bucket(bucketContacts)
		now := db.now()
		for addr, a := range attrs {
			id := byAddr.Get([]byte(addr.String()))
			if id == nil {
				continue
			}
			c, err := contactByID(tx, bot.ContactID(btoi(id)))
			if err != nil {
				return err
			}
			changed := false
			for k, v := range a {
				if v != "" && c.Attributes[k] != v {
					if c.Attributes == nil {
						c.Attributes = map[string]string{}
					}
					c.Attributes[k], changed = v, true
				}
			}
			if !changed {
				continue
			}
			c.UpdatedAt = now
			if err := put(contacts, id, c); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
