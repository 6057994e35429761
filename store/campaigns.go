package store

import (
	"context"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
)

// CreateCampaign stores c as a new draft, setting its ID and CreatedAt if
// unset. It returns EINVALID when c is not a draft.
func (db *DB) CreateCampaign(ctx context.Context, c *bot.Campaign) error {
	if c.State == "" {
		c.State = bot.CampaignDraft
	}
	if c.State != bot.CampaignDraft {
		return bot.Errorf(bot.EINVALID, "a new campaign must be a draft, not %s", c.State)
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCampaigns)
		id, err := b.NextSequence()
		if err != nil {
			return internal("campaign sequence: %w", err)
		}
		c.ID = bot.CampaignID(id)
		if c.CreatedAt.IsZero() {
			c.CreatedAt = db.now()
		}
		if c.UpdatedAt.IsZero() {
			c.UpdatedAt, c.UpdatedBy = c.CreatedAt, c.CreatedBy
		}
		return put(b, itob(id), c)
	})
}

// Campaign returns the campaign with that ID, or ENOTFOUND.
func (db *DB) Campaign(ctx context.Context, id bot.CampaignID) (*bot.Campaign, error) {
	var c *bot.Campaign
	err := db.view(ctx, func(tx *bolt.Tx) error {
		var err error
		c, err = campaignByID(tx, id)
		return err
	})
	return c, err
}

// Campaigns returns the campaigns matching f, newest first.
func (db *DB) Campaigns(ctx context.Context, f bot.CampaignFilter) ([]*bot.Campaign, error) {
	var out []*bot.Campaign
	err := db.view(ctx, func(tx *bolt.Tx) error {
		cur := tx.Bucket(bucketCampaigns).Cursor()
		for k, v := cur.Last(); k != nil; k, v = cur.Prev() {
			var c bot.Campaign
			if err := decode(v, &c); err != nil {
				return err
			}
			if len(f.States) == 0 || slices.Contains(f.States, c.State) {
				out = append(out, &c)
			}
		}
		return nil
	})
	return out, err
}

// UpdateCampaign applies fn to the stored campaign and saves the result.
// The ID cannot change.
func (db *DB) UpdateCampaign(ctx context.Context, id bot.CampaignID, fn func(*bot.Campaign) error) (*bot.Campaign, error) {
	var c *bot.Campaign
	err := db.update(ctx, func(tx *bolt.Tx) error {
		var err error
		if c, err = campaignByID(tx, id); err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		c.ID = id
		if c.State == bot.CampaignDone || c.State == bot.CampaignCancelled {
			if err := dropDueIndex(tx, id); err != nil {
				return err
			}
		}
		return put(tx.Bucket(bucketCampaigns), itob(uint64(id)), c)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteCampaign removes a draft campaign and its sendings.
func (db *DB) DeleteCampaign(ctx context.Context, id bot.CampaignID) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		c, err := campaignByID(tx, id)
		if err != nil {
			return err
		}
		if c.State != bot.CampaignDraft {
			return bot.Errorf(bot.ECONFLICT, "campaign %d is %s: only drafts can be deleted (cancel it instead)", id, c.State)
		}
		for _, root := range [][]byte{bucketSendings, bucketSendingsDue} {
			if tx.Bucket(root).Bucket(itob(uint64(id))) != nil {
				if err := tx.Bucket(root).DeleteBucket(itob(uint64(id))); err != nil {
					return internal("deleting sendings: %w", err)
				}
			}
		}
		return tx.Bucket(bucketCampaigns).Delete(itob(uint64(id)))
	})
}

func campaignByID(tx *bolt.Tx, id bot.CampaignID) (*bot.Campaign, error) {
	var c bot.Campaign
	ok, err := get(tx.Bucket(bucketCampaigns), itob(uint64(id)), &c)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "campaign %d not found", id).Translated("err.campaign.not_found", id)
	}
	return &c, nil
}
