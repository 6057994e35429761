package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/engagement"
)

// Engagement (schema 17) is kept by campaign ID + sending ID, with each
// campaign's counts beside it, updated in the same transaction.

var (
	bucketEngagement       = []byte("engagement")
	bucketEngagementCounts = []byte("engagement_counts") // campaign ID → engagement.Counts
)

func migrateV16toV17(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketEngagement, bucketEngagementCounts} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// Engage applies fn to one sending's engagement and saves it with the
// campaign's counts, in a transaction shared with other writes at once.
func (db *DB) Engage(ctx context.Context, id bot.CampaignID, sid bot.SendingID, fn func(e *engagement.Record) error) (*engagement.Record, error) {
	var out *engagement.Record
	err := db.batch(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEngagement)
		key := append(itob(uint64(id)), itob(uint64(sid))...)
		e := &engagement.Record{}
		ok, err := get(b, key, e)
		if err != nil {
			return err
		}
		if !ok {
			e = &engagement.Record{CampaignID: id, SendingID: sid}
		}
		before := *e
		if err := fn(e); err != nil {
			return err
		}
		e.CampaignID, e.SendingID = id, sid
		if err := put(b, key, e); err != nil {
			return err
		}
		cb := tx.Bucket(bucketEngagementCounts)
		var n engagement.Counts
		if _, err := get(cb, itob(uint64(id)), &n); err != nil {
			return err
		}
		n.Seen += flag(!e.SeenAt.IsZero()) - flag(!before.SeenAt.IsZero())
		n.Clicked += flag(e.Clicks > 0) - flag(before.Clicks > 0)
		n.Clicks += e.Clicks - before.Clicks
		if err := put(cb, itob(uint64(id)), &n); err != nil {
			return err
		}
		out = e
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Engagement returns one sending's engagement.
func (db *DB) Engagement(ctx context.Context, id bot.CampaignID, sid bot.SendingID) (*engagement.Record, error) {
	e := &engagement.Record{CampaignID: id, SendingID: sid}
	err := db.view(ctx, func(tx *bolt.Tx) error {
		_, err := get(tx.Bucket(bucketEngagement), append(itob(uint64(id)), itob(uint64(sid))...), e)
		return err
	})
	return e, err
}

// EngagementCounts returns campaign id's counts.
func (db *DB) EngagementCounts(ctx context.Context, id bot.CampaignID) (engagement.Counts, error) {
	var n engagement.Counts
	err := db.view(ctx, func(tx *bolt.Tx) error {
		_, err := get(tx.Bucket(bucketEngagementCounts), itob(uint64(id)), &n)
		return err
	})
	return n, err
}

// Engagements calls fn with each engagement of campaign id, by sending.
func (db *DB) Engagements(ctx context.Context, id bot.CampaignID, fn func(*engagement.Record) error) error {
	return db.view(ctx, func(tx *bolt.Tx) error {
		prefix := itob(uint64(id))
		c := tx.Bucket(bucketEngagement).Cursor()
		for k, v := c.Seek(prefix); k != nil && len(k) == 16 && btoi(k[:8]) == uint64(id); k, v = c.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			var e engagement.Record
			if err := decode(v, &e); err != nil {
				return err
			}
			if err := fn(&e); err != nil {
				return err
			}
		}
		return nil
	})
}

var _ engagement.RecordStore = (*DB)(nil)
