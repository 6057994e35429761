package store

import (
	"context"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

// Sendings live in a bucket per campaign under "sendings", keyed by their
// sequence within the campaign.

// CreateSendings stores ss for campaign cid in one transaction.
func (db *DB) CreateSendings(ctx context.Context, cid bot.CampaignID, ss []*bot.Sending) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		if _, err := campaignByID(tx, cid); err != nil {
			return err
		}
		b, err := tx.Bucket(bucketSendings).CreateBucketIfNotExists(itob(uint64(cid)))
		if err != nil {
			return internal("creating sendings bucket: %w", err)
		}
		for _, s := range ss {
			id, err := b.NextSequence()
			if err != nil {
				return internal("sending sequence: %w", err)
			}
			s.ID, s.CampaignID = bot.SendingID(id), cid
			if s.State == "" {
				s.State = bot.SendingPending
			}
			if err := put(b, itob(id), s); err != nil {
				return err
			}
		}
		return nil
	})
}

// Sending returns one sending, or ENOTFOUND.
func (db *DB) Sending(ctx context.Context, cid bot.CampaignID, id bot.SendingID) (*bot.Sending, error) {
	var s bot.Sending
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSendings).Bucket(itob(uint64(cid)))
		if b == nil {
			return bot.Errorf(bot.ENOTFOUND, "sending %d of campaign %d not found", id, cid)
		}
		ok, err := get(b, itob(uint64(id)), &s)
		if err == nil && !ok {
			err = bot.Errorf(bot.ENOTFOUND, "sending %d of campaign %d not found", id, cid)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// Sendings returns up to limit sendings of campaign cid after the given ID.
func (db *DB) Sendings(ctx context.Context, cid bot.CampaignID, after bot.SendingID, limit int) ([]*bot.Sending, error) {
	var out []*bot.Sending
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSendings).Bucket(itob(uint64(cid)))
		if b == nil {
			return nil
		}
		cur := b.Cursor()
		for k, v := cur.Seek(itob(uint64(after) + 1)); k != nil; k, v = cur.Next() {
			var s bot.Sending
			if err := decode(v, &s); err != nil {
				return err
			}
			out = append(out, &s)
			if limit > 0 && len(out) == limit {
				break
			}
		}
		return nil
	})
	return out, err
}

// UpdateSendings saves every sending of ss in one transaction, or none if
// one of them does not exist.
func (db *DB) UpdateSendings(ctx context.Context, ss []*bot.Sending) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		root := tx.Bucket(bucketSendings)
		for _, s := range ss {
			b := root.Bucket(itob(uint64(s.CampaignID)))
			if b == nil || b.Get(itob(uint64(s.ID))) == nil {
				return bot.Errorf(bot.ENOTFOUND, "sending %d of campaign %d not found", s.ID, s.CampaignID)
			}
			if err := put(b, itob(uint64(s.ID)), s); err != nil {
				return err
			}
		}
		return nil
	})
}

// SendingCounts counts the sendings of campaign cid by state.
func (db *DB) SendingCounts(ctx context.Context, cid bot.CampaignID) (bot.SendingCounts, error) {
	var c bot.SendingCounts
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketSendings).Bucket(itob(uint64(cid)))
		if b == nil {
			return nil
		}
		return b.ForEach(func(_, v []byte) error {
			var s struct {
				State bot.SendingState `json:"state"`
			}
			if err := decode(v, &s); err != nil {
				return err
			}
			c.Add(s.State)
			return nil
		})
	})
	return c, err
}
