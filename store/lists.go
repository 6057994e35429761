package store

import (
	"context"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

// Each list has a bucket under list_recipients named after its key, holding
// "rows" (sequence → recipient, in the order first added) and "keys"
// (normalised recipient key → sequence).
var (
	bucketRows = []byte("rows")
	bucketKeys = []byte("keys")
)

func listKey(name string) []byte { return []byte(strings.ToLower(strings.TrimSpace(name))) }

// recipientKey is the form under which a recipient key is compared: emails
// case-insensitively, other ids exactly.
func recipientKey(keyColumn, key string) []byte {
	key = strings.TrimSpace(key)
	if keyColumn == "email" {
		key = bot.NormalizeEmail(key)
	}
	return []byte(key)
}

// CreateList stores l with Size 0. It returns ECONFLICT when a list with
// that name (compared case-insensitively) exists.
func (db *DB) CreateList(ctx context.Context, l *bot.List) error {
	if err := bot.ValidateListName(l.Name); err != nil {
		return err
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		lists := tx.Bucket(bucketLists)
		key := listKey(l.Name)
		if lists.Get(key) != nil {
			return bot.Errorf(bot.ECONFLICT, "a list named %s already exists", l.Name)
		}
		now := db.now()
		l.Size, l.CreatedAt, l.UpdatedAt = 0, now, now
		if l.UpdatedBy == (bot.Actor{}) {
			l.UpdatedBy = l.CreatedBy
		}
		lb, err := tx.Bucket(bucketListRecipients).CreateBucket(key)
		if err != nil {
			return internal("creating list bucket: %w", err)
		}
		for _, name := range [][]byte{bucketRows, bucketKeys} {
			if _, err := lb.CreateBucket(name); err != nil {
				return internal("creating list bucket: %w", err)
			}
		}
		return put(lists, key, l)
	})
}

// List returns the list named name, or ENOTFOUND.
func (db *DB) List(ctx context.Context, name string) (*bot.List, error) {
	var l *bot.List
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		l, err = listByName(tx, name)
		return err
	})
	return l, err
}

// Lists returns every list in name order.
func (db *DB) Lists(ctx context.Context) ([]*bot.List, error) {
	var out []*bot.List
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLists).ForEach(func(_, v []byte) error {
			var l bot.List
			if err := decode(v, &l); err != nil {
				return err
			}
			out = append(out, &l)
			return nil
		})
	})
	return out, err
}

// DeleteList removes the list and every recipient in it.
func (db *DB) DeleteList(ctx context.Context, name string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		if _, err := listByName(tx, name); err != nil {
			return err
		}
		key := listKey(name)
		if err := tx.Bucket(bucketListRecipients).DeleteBucket(key); err != nil {
			return internal("deleting list recipients: %w", err)
		}
		return tx.Bucket(bucketLists).Delete(key)
	})
}

// PutRecipients adds or updates rs in one transaction. A recipient with an
// empty key is refused with EINVALID and nothing is written.
func (db *DB) PutRecipients(ctx context.Context, name string, rs []bot.Recipient, by bot.Actor) (added, updated int, err error) {
	err = db.update(ctx, func(tx *bolt.Tx) error {
		added, updated = 0, 0
		l, err := listByName(tx, name)
		if err != nil {
			return err
		}
		lb := tx.Bucket(bucketListRecipients).Bucket(listKey(name))
		rows, keys := lb.Bucket(bucketRows), lb.Bucket(bucketKeys)
		for i := range rs {
			k := recipientKey(l.KeyColumn, rs[i].Key)
			if len(k) == 0 {
				return bot.Errorf(bot.EINVALID, "recipient %d of the batch has an empty key", i+1)
			}
			seq := keys.Get(k)
			if seq != nil {
				updated++
			} else {
				n, err := rows.NextSequence()
				if err != nil {
					return internal("recipient sequence: %w", err)
				}
				seq = itob(n)
				if err := keys.Put(k, seq); err != nil {
					return internal("indexing recipient: %w", err)
				}
				added++
			}
			if err := put(rows, seq, &rs[i]); err != nil {
				return err
			}
		}
		l.Size += added
		l.UpdatedAt, l.UpdatedBy = db.now(), by
		return put(tx.Bucket(bucketLists), listKey(name), l)
	})
	if err != nil {
		return 0, 0, err
	}
	return added, updated, nil
}

// Recipients returns a page of the list's recipients in the order they
// were first added, and the cursor of the next page (0 at the end).
func (db *DB) Recipients(ctx context.Context, name string, cursor uint64, limit int) ([]bot.Recipient, uint64, error) {
	var (
		out  []bot.Recipient
		next uint64
	)
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if _, err := listByName(tx, name); err != nil {
			return err
		}
		cur := tx.Bucket(bucketListRecipients).Bucket(listKey(name)).Bucket(bucketRows).Cursor()
		for k, v := cur.Seek(itob(cursor + 1)); k != nil; k, v = cur.Next() {
			if limit > 0 && len(out) == limit {
				next = btoi(k) - 1
				break
			}
			var r bot.Recipient
			if err := decode(v, &r); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	return out, next, err
}

func listByName(tx *bolt.Tx, name string) (*bot.List, error) {
	var l bot.List
	ok, err := get(tx.Bucket(bucketLists), listKey(name), &l)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no list named %s", name)
	}
	return &l, nil
}
