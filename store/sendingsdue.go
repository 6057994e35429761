package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

// The open sendings of a campaign (pending, scheduled, in flight) are
// indexed by due time under "sendings_due", a bucket per campaign keyed by
// due time (Unix nanoseconds) then ID, both big-endian, with empty
// values: the engine reads what is left to send in the order it is due,
// a page at a time, without holding a campaign in memory. A write that
// opens a sending or moves its due time adds its entry in the same
// transaction; entries are not removed one by one (that would cost every
// send a second B+tree write): an entry whose sending is final, or due at
// another time, is stale, and DueSendings skips it. A campaign's index
// goes when the campaign is done or cancelled.

var bucketSendingsDue = []byte("sendings_due")

// openCode reports whether a stored state byte is an open state.
func openCode(c byte) bool {
	return c == stateCodes[bot.SendingPending] || c == stateCodes[bot.SendingScheduled] || c == stateCodes[bot.SendingInFlight]
}

// dueKey is the index key of a sending due at due.
func dueKey(due time.Time, id bot.SendingID) []byte {
	k := make([]byte, 16)
	binary.BigEndian.PutUint64(k, dueNanos(due))
	binary.BigEndian.PutUint64(k[8:], uint64(id))
	return k
}

// dueNanos is the first half of a due key: due in Unix nanoseconds, 0
// for the zero time.
func dueNanos(due time.Time) uint64 {
	if due.IsZero() {
		return 0
	}
	return uint64(due.UnixNano())
}

// sequentialReader reads records of one bucket by key, as Bucket.Get
// does, cheaper when the keys come mostly in ascending order with few
// gaps: a key at most two records after the last one read is a step of
// the cursor rather than a search from the root. A campaign's sendings
// come so from its due index when they are due at once or in the order
// they were recorded; those a sending window spreads by recipient come in
// no order, and each costs a search, as with Get. Read-only transactions
// only (a write invalidates the cursor).
type sequentialReader struct {
	c    *bolt.Cursor
	last []byte // the cursor's key, or nil before the first read
}

// get returns key's value, or nil when key is absent or a bucket.
func (r *sequentialReader) get(key []byte) []byte {
	if r.last != nil && bytes.Compare(r.last, key) < 0 {
		// A step or two forwards before a search: the next key is
		// usually the one wanted.
		for range 2 {
			k, v := r.c.Next()
			r.last = k
			if k == nil {
				break
			}
			switch c := bytes.Compare(k, key); {
			case c == 0:
				return v
			case c > 0:
				return nil
			}
		}
	}
	k, v := r.c.Seek(key)
	r.last = k
	if !bytes.Equal(k, key) {
		return nil
	}
	return v
}

// storedDue reads the due time of a stored sending (state byte first)
// without decoding the rest of it.
func storedDue(v []byte) (time.Time, error) {
	if len(v) < 2 || v[1] != sendingFormat1 {
		return time.Time{}, internal("a sending record has an unknown format")
	}
	r := &sendingReader{b: v[2:], ok: true}
	r.uvarint() // id
	r.uvarint() // campaign
	r.skip()    // key
	r.uvarint() // source
	n := r.uvarint()
	for i := uint64(0); i < n && r.ok; i++ {
		r.skip()
		r.skip()
	}
	r.skip() // address
	r.skip()
	planned, next := r.time(), r.time()
	if !r.ok {
		return time.Time{}, internal("a sending record is damaged")
	}
	if next.IsZero() {
		return planned, nil
	}
	return next, nil
}

// dueIndex returns campaign cid's due index, made when missing.
func dueIndex(tx *bolt.Tx, cid bot.CampaignID) (*bolt.Bucket, error) {
	root := tx.Bucket(bucketSendingsDue)
	if root == nil {
		return nil, internal("no sendings_due bucket")
	}
	b, err := root.CreateBucketIfNotExists(itob(uint64(cid)))
	if err != nil {
		return nil, internal("creating a due index: %w", err)
	}
	return b, nil
}

// reindex adds a sending's index entry when a rewrite from old to v (both
// stored records) opens it or moves its due time; newDue is v's due time,
// read only when needed. What the entry replaces is left stale.
func reindex(idx *bolt.Bucket, id bot.SendingID, old, v []byte, newDue func() (time.Time, error)) error {
	if !openCode(v[0]) {
		return nil // final: its entry, now stale, is skipped by readers
	}
	after, err := newDue()
	if err != nil {
		return err
	}
	if openCode(old[0]) {
		before, err := storedDue(old)
		if err != nil {
			return err
		}
		if before.Equal(after) {
			return nil
		}
	}
	if err := idx.Put(dueKey(after, id), nil); err != nil {
		return internal("updating the due index: %w", err)
	}
	return nil
}

// dropDueIndex removes campaign cid's index (done or cancelled: nothing
// of it is due any more).
func dropDueIndex(tx *bolt.Tx, cid bot.CampaignID) error {
	root := tx.Bucket(bucketSendingsDue)
	if root == nil || root.Bucket(itob(uint64(cid))) == nil {
		return nil
	}
	if err := root.DeleteBucket(itob(uint64(cid))); err != nil {
		return internal("dropping a due index: %w", err)
	}
	return nil
}

// DueSendings returns up to limit open sendings of campaign cid after the
// position after, in due order.
func (db *DB) DueSendings(ctx context.Context, cid bot.CampaignID, after bot.DuePos, limit int) ([]*bot.Sending, error) {
	var out []*bot.Sending
	err := db.view(ctx, func(tx *bolt.Tx) error {
		idx := tx.Bucket(bucketSendingsDue).Bucket(itob(uint64(cid)))
		b := tx.Bucket(bucketSendings).Bucket(itob(uint64(cid)))
		if idx == nil || b == nil {
			return nil
		}
		start := dueKey(after.At, after.ID)
		cur := idx.Cursor()
		k, _ := cur.Seek(start)
		if k != nil && string(k) == string(start) {
			k, _ = cur.Next()
		}
		recs := sequentialReader{c: b.Cursor()}
		for ; k != nil; k, _ = cur.Next() {
			if len(k) != 16 {
				return internal("a due index key is damaged")
			}
			v := recs.get(k[8:])
			if v == nil || !openCode(v[0]) {
				continue // stale: the sending is final
			}
			due, err := storedDue(v)
			if err != nil {
				return err
			}
			if dueNanos(due) != binary.BigEndian.Uint64(k) {
				continue // stale: the sending is due at another time now
			}
			s, err := decodeSending(v)
			if err != nil {
				return err
			}
			out = append(out, s)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// migrateV3toV4 builds the due index of every campaign's open sendings.
func migrateV3toV4(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketSendingsDue); err != nil {
		return err
	}
	return tx.Bucket(bucketSendings).ForEachBucket(func(cid []byte) error {
		idx, err := dueIndex(tx, bot.CampaignID(btoi(cid)))
		if err != nil {
			return err
		}
		return tx.Bucket(bucketSendings).Bucket(cid).ForEach(func(k, v []byte) error {
			if btoi(k) == 0 || len(v) == 0 || !openCode(v[0]) {
				return nil // the counters, or a final sending
			}
			due, err := storedDue(v)
			if err != nil {
				return err
			}
			return idx.Put(dueKey(due, bot.SendingID(btoi(k))), nil)
		})
	})
}
