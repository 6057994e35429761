package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

// Events are indexed by contact (contact ID + Seq → nothing), so that a
// nudge's blocking event is found among one person's events without
// reading the log. An event names its contact by ContactID, or by the
// address it happened at (Subject) when that address is a contact's. The
// nudge scheduler's cursor is a key of the meta bucket, written in the
// transaction that writes the sendings it made; nudge_once holds, for a
// nudge sent once per contact, who already has their sending (campaign
// ID + contact ID → sending ID).

var (
	bucketEventsByContact = []byte("events_by_contact")
	bucketNudgeOnce       = []byte("nudge_once")
	keyNudgeCursor        = []byte("nudge_cursor")
)

// migrateV8toV9 adds the nudges' buckets and indexes the events so far by
// contact.
func migrateV8toV9(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketEventsByContact, bucketNudgeOnce} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketEvents).ForEach(func(_, v []byte) error {
		var e bot.Event
		if err := decode(v, &e); err != nil {
			return err
		}
		return indexEvent(tx, &e)
	})
}

// eventContact returns the contact event e happened to, or 0.
func eventContact(tx *bolt.Tx, e *bot.Event) bot.ContactID {
	if e.ContactID != 0 {
		return e.ContactID
	}
	if e.Subject.IsZero() {
		return 0
	}
	if v := tx.Bucket(bucketContactsByAddr).Get([]byte(e.Subject.String())); len(v) == 8 {
		return bot.ContactID(btoi(v))
	}
	return 0
}

// indexEvent indexes e, stored, by its contact.
func indexEvent(tx *bolt.Tx, e *bot.Event) error {
	id := eventContact(tx, e)
	if id == 0 {
		return nil
	}
	if err := tx.Bucket(bucketEventsByContact).Put(contactSeqKey(id, e.Seq), nil); err != nil {
		return internal("indexing an event: %w", err)
	}
	return nil
}

func contactSeqKey(id bot.ContactID, seq uint64) []byte {
	return append(itob(uint64(id)), itob(seq)...)
}

// ContactEvents returns up to limit events of contact id after Seq after.
func (db *DB) ContactEvents(ctx context.Context, id bot.ContactID, after uint64, limit int) ([]*bot.Event, error) {
	var out []*bot.Event
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = indexedEvents(tx, bucketEventsByContact, uint64(id), after, limit)
		return err
	})
	return out, err
}

// ContactEventsBefore returns up to limit (0: all) events of contact id
// with Seq below before (0: no bound), newest first.
func (db *DB) ContactEventsBefore(ctx context.Context, id bot.ContactID, before uint64, limit int) ([]*bot.Event, error) {
	var out []*bot.Event
	err := db.view(ctx, func(tx *bolt.Tx) error {
		events := tx.Bucket(bucketEvents)
		c := tx.Bucket(bucketEventsByContact).Cursor()
		prefix := itob(uint64(id))
		var k []byte
		if before == 0 {
			// The contact's last key is the one before the next contact's first.
			if k, _ = c.Seek(itob(uint64(id) + 1)); k == nil {
				k, _ = c.Last()
			} else {
				k, _ = c.Prev()
			}
		} else if k, _ = c.Seek(append(itob(uint64(id)), itob(before)...)); k == nil {
			k, _ = c.Last()
		} else {
			k, _ = c.Prev()
		}
		for ; k != nil && len(k) == 16 && string(k[:8]) == string(prefix); k, _ = c.Prev() {
			var e bot.Event
			ok, err := get(events, k[8:], &e)
			if err != nil {
				return err
			}
			if !ok {
				continue // an event removed since
			}
			out = append(out, &e)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// LastEventSeq returns the Seq of the last event recorded (0 if none).
func (db *DB) LastEventSeq(ctx context.Context) (uint64, error) {
	var seq uint64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if k, _ := tx.Bucket(bucketEvents).Cursor().Last(); len(k) == 8 {
			seq = btoi(k)
		}
		return nil
	})
	return seq, err
}

// NudgeCursor returns the Seq of the last event the nudge scheduler took
// into account.
func (db *DB) NudgeCursor(ctx context.Context) (uint64, error) {
	var seq uint64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyNudgeCursor); len(v) == 8 {
			seq = btoi(v)
		}
		return nil
	})
	return seq, err
}

// ScheduleNudges creates the sendings of ss that their nudge takes and
// moves the cursor, in one transaction.
func (db *DB) ScheduleNudges(ctx context.Context, cursor uint64, ss []*bot.Sending) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		campaigns := map[bot.CampaignID]*bot.Campaign{}
		byCampaign := map[bot.CampaignID][]*bot.Sending{}
		var order []bot.CampaignID
		once := tx.Bucket(bucketNudgeOnce)
		for _, s := range ss {
			s.ID = 0
			c, seen := campaigns[s.CampaignID]
			if !seen {
				var err error
				c, err = campaignByID(tx, s.CampaignID)
				if bot.ErrorCode(err) == bot.ENOTFOUND {
					c = nil
				} else if err != nil {
					return err
				}
				if c != nil && (c.Nudge == nil || c.State != bot.CampaignRunning && c.State != bot.CampaignPaused) {
					c = nil
				}
				campaigns[s.CampaignID] = c
			}
			if c == nil {
				continue
			}
			if !c.Nudge.EachTime {
				key := contactSeqKey(bot.ContactID(c.ID), s.Source)
				if once.Get(key) != nil {
					continue
				}
				if err := once.Put(key, itob(1)); err != nil {
					return internal("recording a nudge's contact: %w", err)
				}
			}
			if len(byCampaign[c.ID]) == 0 {
				order = append(order, c.ID)
			}
			byCampaign[c.ID] = append(byCampaign[c.ID], s)
		}
		for _, cid := range order {
			if err := createSendings(tx, cid, byCampaign[cid]); err != nil {
				return err
			}
		}
		if err := tx.Bucket(bucketMeta).Put(keyNudgeCursor, itob(cursor)); err != nil {
			return internal("recording the nudge cursor: %w", err)
		}
		return nil
	})
}
