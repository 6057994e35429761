package store

import (
	"context"
	"encoding/binary"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/threads"
)

// The outbox is a bucket of posts keyed by their sequence. Intake keys
// live in a bucket of their own (key → when taken) and in a time index
// (when taken + key), from which keys older than bot.KeyTTL are pruned a
// few at a time by every intake. The outbox's depth per platform is kept
// in a bucket of its own (platform → count), changed with every post
// added or removed.

var (
	bucketOutbox         = []byte("outbox")
	bucketOutboxDepth    = []byte("outbox_depth")
	bucketIntakeKeys     = []byte("intake_keys")
	bucketIntakeKeysTime = []byte("intake_keys_by_time")
)

// pruneBatch bounds how many expired intake keys one intake removes.
const pruneBatch = 64

// Enqueue stores posts at the end of the outbox, setting their IDs, their
// CreatedAt and, when zero, their Due.
func (db *DB) Enqueue(ctx context.Context, posts []*bot.Outgoing) error {
	return db.update(ctx, func(tx *bolt.Tx) error { return db.enqueue(tx, posts) })
}

func (db *DB) enqueue(tx *bolt.Tx, posts []*bot.Outgoing) error {
	b := tx.Bucket(bucketOutbox)
	now := db.now()
	added := map[bot.Platform]int{}
	for _, p := range posts {
		if !p.Platform.Valid() {
			return bot.Errorf(bot.EINVALID, "an outgoing post needs a platform, not %q", p.Platform)
		}
		id, err := b.NextSequence()
		if err != nil {
			return internal("outbox sequence: %w", err)
		}
		p.ID, p.CreatedAt = id, now
		if p.Due.IsZero() {
			p.Due = now
		}
		if err := put(b, itob(id), p); err != nil {
			return err
		}
		added[p.Platform]++
	}
	return addOutboxDepth(tx, added)
}

// postPlatform is the part of a stored post its count needs.
type postPlatform struct {
	Platform bot.Platform `json:"platform"`
}

// addOutboxDepth adds change to the kept counts of waiting posts.
func addOutboxDepth(tx *bolt.Tx, change map[bot.Platform]int) error {
	b := tx.Bucket(bucketOutboxDepth)
	for p, n := range change {
		if n == 0 {
			continue
		}
		var cur int64
		if v := b.Get([]byte(p)); len(v) == 8 {
			cur = int64(binary.BigEndian.Uint64(v))
		}
		cur = max(cur+int64(n), 0)
		if err := b.Put([]byte(p), itob(uint64(cur))); err != nil {
			return internal("counting the outbox: %w", err)
		}
	}
	return nil
}

// OutboxDepth returns how many posts wait in the outbox, per platform.
func (db *DB) OutboxDepth(ctx context.Context) (map[bot.Platform]int, error) {
	out := map[bot.Platform]int{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutboxDepth).ForEach(func(k, v []byte) error {
			if n := btoi(v); n > 0 {
				out[bot.Platform(k)] = int(n)
			}
			return nil
		})
	})
	return out, err
}

// migrateV5toV6 counts the posts waiting in the outbox.
func migrateV5toV6(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketOutboxDepth); err != nil {
		return err
	}
	count := map[bot.Platform]int{}
	err := tx.Bucket(bucketOutbox).ForEach(func(_, v []byte) error {
		var p postPlatform
		if err := decode(v, &p); err != nil {
			return err
		}
		count[p.Platform]++
		return nil
	})
	if err != nil {
		return err
	}
	return addOutboxDepth(tx, count)
}

// Outbox returns up to limit waiting posts after the given ID, in ID
// order.
func (db *DB) Outbox(ctx context.Context, after uint64, limit int) ([]*bot.Outgoing, error) {
	var out []*bot.Outgoing
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = pageAfter[bot.Outgoing](tx.Bucket(bucketOutbox), after, limit)
		return err
	})
	return out, err
}

// Settle removes the posts done and saves retry, in one transaction
// (settles made at once share it).
func (db *DB) Settle(ctx context.Context, done []uint64, retry []*bot.Outgoing) error {
	return db.batch(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		for _, p := range retry {
			if b.Get(itob(p.ID)) == nil {
				return bot.Errorf(bot.ENOTFOUND, "outgoing post %d is not in the outbox", p.ID)
			}
			if err := put(b, itob(p.ID), p); err != nil {
				return err
			}
		}
		removed := map[bot.Platform]int{}
		for _, id := range done {
			v := b.Get(itob(id))
			if v == nil {
				continue
			}
			var p postPlatform
			if err := decode(v, &p); err != nil {
				return err
			}
			removed[p.Platform]--
			if err := b.Delete(itob(id)); err != nil {
				return internal("settling post %d: %w", id, err)
			}
		}
		return addOutboxDepth(tx, removed)
	})
}

// Take writes an intake in one transaction: its key, the participant's
// conversation (created or changed), its posts and its events; or nothing
// when the key was taken already. Intakes made at once share a
// transaction (and its fsync); in's functions may then run more than
// once, each time from scratch.
func (db *DB) Take(ctx context.Context, in *threads.Intake) (*bot.Conversation, bool, bool, error) {
	if in.Participant.IsZero() {
		return nil, false, false, bot.Errorf(bot.EINVALID, "an intake needs a participant address")
	}
	var (
		c            *bot.Conversation
		created, dup bool
		keep         func(*bolt.Tx) error
	)
	if in.Copy != nil {
		if in.Copy.Channel.IsZero() {
			return nil, false, false, bot.Errorf(bot.EINVALID, "a post needs a channel")
		}
		keep = db.postKeeper(in.Copy)
	}
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		c, created, dup = nil, false, false
		now := db.now()
		if err := pruneIntakeKeys(tx, now); err != nil {
			return err
		}
		if in.Key != "" {
			keys := tx.Bucket(bucketIntakeKeys)
			if keys.Get([]byte(in.Key)) != nil {
				dup = true
				return nil
			}
			at := make([]byte, 8)
			binary.BigEndian.PutUint64(at, uint64(now.UnixNano()))
			if err := keys.Put([]byte(in.Key), at); err != nil {
				return internal("recording intake key: %w", err)
			}
			if err := tx.Bucket(bucketIntakeKeysTime).Put(append(at, in.Key...), nil); err != nil {
				return internal("recording intake key: %w", err)
			}
		}
		if keep != nil {
			if err := keep(tx); err != nil {
				return err
			}
		}
		var err error
		if c, created, err = db.conversationFor(tx, in.Participant, in.Init); err != nil {
			return err
		}
		if in.Update != nil {
			if c, err = db.updateConversation(tx, c.ID, in.Update); err != nil {
				return err
			}
		}
		if in.Then == nil {
			return nil
		}
		posts, events := in.Then(c, created)
		for _, p := range posts {
			p.ConversationID = c.ID
		}
		if err := db.enqueue(tx, posts); err != nil {
			return err
		}
		for _, e := range events {
			e.ConversationID = c.ID
			if err := db.appendEvent(tx, e); err != nil {
				return err
			}
		}
		if in.Plan != nil {
			return planRuns(tx, in.Plan(c, events))
		}
		return nil
	})
	if err != nil || dup {
		return nil, false, dup, err
	}
	return c, created, false, nil
}

// IntakeTaken reports whether an intake took key within bot.KeyTTL.
func (db *DB) IntakeTaken(ctx context.Context, key string) (bool, error) {
	var taken bool
	err := db.view(ctx, func(tx *bolt.Tx) error {
		at := tx.Bucket(bucketIntakeKeys).Get([]byte(key))
		taken = len(at) == 8 && btoi(at) > uint64(db.now().Add(-bot.KeyTTL).UnixNano())
		return nil
	})
	return taken, err
}

// pruneIntakeKeys forgets up to pruneBatch keys taken more than
// bot.KeyTTL before now.
func pruneIntakeKeys(tx *bolt.Tx, now time.Time) error {
	return pruneKeys(tx.Bucket(bucketIntakeKeysTime), tx.Bucket(bucketIntakeKeys), now.Add(-bot.KeyTTL), pruneBatch)
}

// pruneKeys forgets up to n idempotency keys recorded before cut: byTime
// holds, in order, each key's time (8 bytes) followed by the key, and
// keys the keys themselves.
func pruneKeys(byTime, keys *bolt.Bucket, cut time.Time, n int) error {
	limit := uint64(cut.UnixNano())
	cur := byTime.Cursor()
	for range n {
		k, _ := cur.First()
		if k == nil || len(k) < 8 || btoi(k[:8]) >= limit {
			break
		}
		if err := keys.Delete(k[8:]); err != nil {
			return internal("forgetting a key: %w", err)
		}
		if err := cur.Delete(); err != nil {
			return internal("forgetting a key: %w", err)
		}
	}
	return nil
}

var (
	_ bot.OutboxStore     = (*DB)(nil)
	_ threads.IntakeStore = (*DB)(nil)
)

var bucketCursors = []byte("cursors")

// SetCursor records value under key: how far herald has read something
// (the last message id of a chat a platform does not redeliver).
func (db *DB) SetCursor(ctx context.Context, key, value string) error {
	return db.batch(ctx, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketCursors)
		if err != nil {
			return internal("cursors bucket: %w", err)
		}
		return b.Put([]byte(key), []byte(value))
	})
}

// Cursors returns the cursors whose keys start with prefix.
func (db *DB) Cursors(ctx context.Context, prefix string) (map[string]string, error) {
	out := map[string]string{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCursors)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
			out[string(k)] = string(v)
		}
		return nil
	})
	return out, err
}

var bucketJournal = []byte("journal")

// Journal keeps value under key until Unjournal: an event a surface
// acknowledged to its platform before handling it, so that a restart
// handles it rather than losing it.
func (db *DB) Journal(ctx context.Context, key string, value []byte) error {
	return db.batch(ctx, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bucketJournal)
		if err != nil {
			return internal("journal bucket: %w", err)
		}
		return b.Put([]byte(key), value)
	})
}

// Unjournal forgets key (a key not kept is no error).
func (db *DB) Unjournal(ctx context.Context, key string) error {
	return db.batch(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJournal)
		if b == nil {
			return nil
		}
		return b.Delete([]byte(key))
	})
}

// Journaled returns what the journal keeps under keys that start with
// prefix.
func (db *DB) Journaled(ctx context.Context, prefix string) (map[string][]byte, error) {
	out := map[string][]byte{}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketJournal)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek([]byte(prefix)); k != nil && strings.HasPrefix(string(k), prefix); k, v = c.Next() {
			out[string(k)] = append([]byte(nil), v...)
		}
		return nil
	})
	return out, err
}
