package store

import (
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

// AppendEvent stores e at the end of the log, setting Seq (and At if
// unset).
func (db *DB) AppendEvent(ctx context.Context, e *bot.Event) error {
	if e.Type == "" {
		return bot.Errorf(bot.EINVALID, "an event needs a type")
	}
	return db.update(ctx, func(tx *bolt.Tx) error { return db.appendEvent(tx, e) })
}

func (db *DB) appendEvent(tx *bolt.Tx, e *bot.Event) error {
	if e.Type == "" {
		return bot.Errorf(bot.EINVALID, "an event needs a type")
	}
	b := tx.Bucket(bucketEvents)
	seq, err := b.NextSequence()
	if err != nil {
		return internal("event sequence: %w", err)
	}
	e.Seq = seq
	if e.At.IsZero() {
		e.At = db.now()
	}
	if err := put(b, itob(seq), e); err != nil {
		return err
	}
	if err := indexEvent(tx, e); err != nil {
		return err
	}
	return indexConversationEvent(tx, e)
}

// Events returns up to limit events after seq, in order.
func (db *DB) Events(ctx context.Context, after uint64, limit int) ([]*bot.Event, error) {
	var out []*bot.Event
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = pageAfter[bot.Event](tx.Bucket(bucketEvents), after, limit)
		return err
	})
	return out, err
}

// LastEvents returns the last n events, oldest first.
func (db *DB) LastEvents(ctx context.Context, n int) ([]*bot.Event, error) {
	var out []*bot.Event
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketEvents).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			var e bot.Event
			if err := decode(v, &e); err != nil {
				return err
			}
			out = append(out, &e)
		}
		return nil
	})
	slices.Reverse(out)
	return out, err
}
