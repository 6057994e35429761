package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

// A conversation's history is its events, read through an index of
// conversation ID and Seq (8 + 8 bytes, no value).

var bucketEventsByConv = []byte("events_by_conversation")

// migrateV9toV10 adds the index of events by conversation and fills it
// from the events kept.
func migrateV9toV10(tx *bolt.Tx) error {
	if _, err := tx.CreateBucketIfNotExists(bucketEventsByConv); err != nil {
		return err
	}
	return tx.Bucket(bucketEvents).ForEach(func(_, v []byte) error {
		var e bot.Event
		if err := decode(v, &e); err != nil {
			return err
		}
		return indexConversationEvent(tx, &e)
	})
}

// indexConversationEvent indexes e, stored, by its conversation, if it
// has one.
func indexConversationEvent(tx *bolt.Tx, e *bot.Event) error {
	if e.ConversationID == 0 {
		return nil
	}
	if err := tx.Bucket(bucketEventsByConv).Put(append(itob(uint64(e.ConversationID)), itob(e.Seq)...), nil); err != nil {
		return internal("indexing an event: %w", err)
	}
	return nil
}

// ConversationEvents returns up to limit (0: all) events of conversation
// id after Seq after, in order.
func (db *DB) ConversationEvents(ctx context.Context, id bot.ConversationID, after uint64, limit int) ([]*bot.Event, error) {
	var out []*bot.Event
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = indexedEvents(tx, bucketEventsByConv, uint64(id), after, limit)
		return err
	})
	return out, err
}

// indexedEvents reads up to limit (0: all) events through index (keys of
// an 8-byte id and an 8-byte Seq) for id, with Seq after after.
func indexedEvents(tx *bolt.Tx, index []byte, id, after uint64, limit int) ([]*bot.Event, error) {
	var out []*bot.Event
	events := tx.Bucket(bucketEvents)
	c := tx.Bucket(index).Cursor()
	prefix := itob(id)
	for k, _ := c.Seek(append(itob(id), itob(after+1)...)); k != nil && len(k) == 16 && string(k[:8]) == string(prefix); k, _ = c.Next() {
		var e bot.Event
		ok, err := get(events, k[8:], &e)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue // an event removed since
		}
		out = append(out, &e)
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}
