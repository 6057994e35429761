package store

import (
	"context"
	"encoding/binary"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/apitokens"
	"github.com/heraldchat/herald/bot/events"
)

// API tokens live in a bucket by ID, with an index by hash. Event keys
// (the event API's idempotency) live in a bucket of their own (scope NUL
// key → the event's Seq and when it was taken) and a time index (when
// taken + scope NUL key), pruned a few at a time by every recording, as
// intake keys are.

var (
	bucketAPITokens       = []byte("api_tokens")
	bucketAPITokensByHash = []byte("api_tokens_by_hash")
	bucketEventKeys       = []byte("event_keys")
	bucketEventKeysTime   = []byte("event_keys_by_time")
)

// migrateV7toV8 adds the API tokens' and the event keys' buckets.
func migrateV7toV8(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketAPITokens, bucketAPITokensByHash, bucketEventKeys, bucketEventKeysTime} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// CreateAPIToken stores t, setting its ID; ECONFLICT when a token not
// revoked has its name.
func (db *DB) CreateAPIToken(ctx context.Context, t *apitokens.Token) error {
	if t.Name == "" || t.Hash == "" {
		return bot.Errorf(bot.EINVALID, "an API token needs a name and a hash")
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAPITokens)
		err := b.ForEach(func(_, v []byte) error {
			var o apitokens.Token
			if err := decode(v, &o); err != nil {
				return err
			}
			if o.Name == t.Name && !o.Revoked() {
				return bot.Errorf(bot.ECONFLICT, "a token named %s exists: revoke it first, or choose another name", t.Name)
			}
			return nil
		})
		if err != nil {
			return err
		}
		id, err := b.NextSequence()
		if err != nil {
			return internal("token sequence: %w", err)
		}
		t.ID = id
		if t.CreatedAt.IsZero() {
			t.CreatedAt = db.now()
		}
		if err := put(b, itob(id), t); err != nil {
			return err
		}
		return tx.Bucket(bucketAPITokensByHash).Put([]byte(t.Hash), itob(id))
	})
}

// APITokenByHash returns the token with that hash, or ENOTFOUND.
func (db *DB) APITokenByHash(ctx context.Context, hash string) (*apitokens.Token, error) {
	var t apitokens.Token
	err := db.view(ctx, func(tx *bolt.Tx) error {
		id := tx.Bucket(bucketAPITokensByHash).Get([]byte(hash))
		if id == nil {
			return bot.Errorf(bot.ENOTFOUND, "no such token")
		}
		ok, err := get(tx.Bucket(bucketAPITokens), id, &t)
		if err == nil && !ok {
			err = bot.Errorf(bot.ENOTFOUND, "no such token")
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// APITokens returns every token by ID.
func (db *DB) APITokens(ctx context.Context) ([]*apitokens.Token, error) {
	var out []*apitokens.Token
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = pageAfter[apitokens.Token](tx.Bucket(bucketAPITokens), 0, 0)
		return err
	})
	return out, err
}

// RevokeAPIToken revokes the token not revoked named name.
func (db *DB) RevokeAPIToken(ctx context.Context, name string, at time.Time) (*apitokens.Token, error) {
	var out *apitokens.Token
	err := db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketAPITokens)
		c := b.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			var t apitokens.Token
			if err := decode(v, &t); err != nil {
				return err
			}
			if t.Name == name && !t.Revoked() {
				t.RevokedAt = at.UTC()
				out = &t
				return put(b, k, &t)
			}
		}
		return bot.Errorf(bot.ENOTFOUND, "no token named %s to revoke", name)
	})
	return out, err
}

// RecordEvents appends events in one transaction, a key recorded within
// events.KeyTTL (in scope) appending nothing again.
func (db *DB) RecordEvents(ctx context.Context, scope string, evs []*bot.Event, keys []string) ([]bool, error) {
	if len(keys) != len(evs) {
		return nil, bot.Errorf(bot.EINVALID, "%d keys for %d events", len(keys), len(evs))
	}
	dup := make([]bool, len(evs))
	err := db.update(ctx, func(tx *bolt.Tx) error {
		now := db.now()
		cut := now.Add(-events.KeyTTL)
		kb, tb := tx.Bucket(bucketEventKeys), tx.Bucket(bucketEventKeysTime)
		// At least as many keys go as this recording may add, so that the
		// keys never outgrow what 7 days bring.
		if err := pruneKeys(tb, kb, cut, max(pruneBatch, 2*len(evs))); err != nil {
			return err
		}
		for i, e := range evs {
			var key []byte
			if keys[i] != "" {
				key = []byte(scope + "\x00" + keys[i])
				if v := kb.Get(key); len(v) == 16 && btoi(v[8:]) >= uint64(cut.UnixNano()) {
					e.Seq, dup[i] = btoi(v), true
					continue
				} else if len(v) == 16 {
					// Past its time but not pruned yet: free, its time entry goes.
					if err := tb.Delete(append(append([]byte(nil), v[8:]...), key...)); err != nil {
						return internal("pruning an event key: %w", err)
					}
				}
			}
			if err := db.appendEvent(tx, e); err != nil {
				return err
			}
			if key == nil {
				continue
			}
			v := make([]byte, 16)
			binary.BigEndian.PutUint64(v, e.Seq)
			binary.BigEndian.PutUint64(v[8:], uint64(now.UnixNano()))
			if err := kb.Put(key, v); err != nil {
				return internal("recording an event key: %w", err)
			}
			if err := tb.Put(append(append([]byte(nil), v[8:]...), key...), nil); err != nil {
				return internal("recording an event key: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return dup, nil
}
