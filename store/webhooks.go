package store

import (
	"context"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/events"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/webhooks"
)

// Outbound webhooks (schema 13): endpoints by lower-cased name, their
// secrets apart, deliveries under their ID indexed by due time and by
// MsgID, and one log bucket per webhook (sequence → attempt).

var (
	bucketWebhooks       = []byte("webhooks")
	bucketWebhookSecrets = []byte("webhook_secrets")
	bucketWebhookOutbox  = []byte("webhook_outbox")
	bucketWebhookDue     = []byte("webhook_due")
	bucketWebhookIDs     = []byte("webhook_ids")
	bucketWebhookIDsTime = []byte("webhook_ids_by_time") // schema 15: queued Unix nanoseconds + message id
	bucketWebhookLog     = []byte("webhook_log")
)

func migrateV12toV13(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketWebhooks, bucketWebhookSecrets, bucketWebhookOutbox, bucketWebhookDue, bucketWebhookIDs, bucketWebhookLog} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

func webhookKey(name string) []byte { return []byte(strings.ToLower(name)) }

func noWebhook(name string) error {
	return bot.Errorf(bot.ENOTFOUND, "no webhook named %s: `webhook list` shows them", name).Translated("err.webhook.not_found", name)
}

// PutWebhook stores w, replacing the webhook of that name.
func (db *DB) PutWebhook(ctx context.Context, w *webhooks.Webhook) error {
	if strings.TrimSpace(w.Name) == "" {
		return bot.Errorf(bot.EINVALID, "a webhook needs a name")
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		return put(tx.Bucket(bucketWebhooks), webhookKey(w.Name), w)
	})
}

// Webhook returns the webhook named name, or ENOTFOUND.
func (db *DB) Webhook(ctx context.Context, name string) (*webhooks.Webhook, error) {
	var w webhooks.Webhook
	err := db.view(ctx, func(tx *bolt.Tx) error {
		ok, err := get(tx.Bucket(bucketWebhooks), webhookKey(name), &w)
		if err == nil && !ok {
			err = noWebhook(name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &w, nil
}

// Webhooks returns every webhook, by name.
func (db *DB) Webhooks(ctx context.Context) ([]*webhooks.Webhook, error) {
	var out []*webhooks.Webhook
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketWebhooks).ForEach(func(_, v []byte) error {
			var w webhooks.Webhook
			if err := decode(v, &w); err != nil {
				return err
			}
			out = append(out, &w)
			return nil
		})
	})
	return out, err
}

// DeleteWebhook removes the webhook, its secrets and its log, unless a
// recipe calls it.
func (db *DB) DeleteWebhook(ctx context.Context, name string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		key := webhookKey(name)
		if tx.Bucket(bucketWebhooks).Get(key) == nil {
			return noWebhook(name)
		}
		err := tx.Bucket(bucketRecipes).ForEach(func(_, v []byte) error {
			var r recipes.Recipe
			if err := decode(v, &r); err != nil {
				return err
			}
			for _, a := range r.Actions {
				if a.Kind == recipes.RecipeWebhook && strings.EqualFold(a.Webhook, name) {
					return bot.Errorf(bot.ECONFLICT, "recipe %d (%s) calls webhook %s: change its actions first", r.ID, r.Name, name).Translated("err.webhook.used", r.ID, r.Name, name)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, b := range [][]byte{bucketWebhooks, bucketWebhookSecrets} {
			if err := tx.Bucket(b).Delete(key); err != nil {
				return internal("deleting a webhook: %w", err)
			}
		}
		if tx.Bucket(bucketWebhookLog).Bucket(key) != nil {
			if err := tx.Bucket(bucketWebhookLog).DeleteBucket(key); err != nil {
				return internal("deleting a webhook's log: %w", err)
			}
		}
		return nil
	})
}

type webhookSecrets struct {
	Signing       string `json:"signing"`
	Authorization string `json:"authorization,omitempty"`
}

// SetWebhookSecrets keeps webhook name's secrets.
func (db *DB) SetWebhookSecrets(ctx context.Context, name, signing, authorization string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketWebhooks).Get(webhookKey(name)) == nil {
			return noWebhook(name)
		}
		return put(tx.Bucket(bucketWebhookSecrets), webhookKey(name), webhookSecrets{signing, authorization})
	})
}

// WebhookSecrets returns webhook name's secrets.
func (db *DB) WebhookSecrets(ctx context.Context, name string) (string, string, error) {
	var s webhookSecrets
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if tx.Bucket(bucketWebhooks).Get(webhookKey(name)) == nil {
			return noWebhook(name)
		}
		_, err := get(tx.Bucket(bucketWebhookSecrets), webhookKey(name), &s)
		return err
	})
	return s.Signing, s.Authorization, err
}

func webhookDueKey(d *webhooks.Delivery) []byte {
	return append(itob(uint64(d.Due.UnixNano())), itob(d.ID)...)
}

// EnqueueWebhooks stores deliveries, each MsgID once.
func (db *DB) EnqueueWebhooks(ctx context.Context, ds []*webhooks.Delivery) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b, ids, byTime := tx.Bucket(bucketWebhookOutbox), tx.Bucket(bucketWebhookIDs), tx.Bucket(bucketWebhookIDsTime)
		now := db.now()
		if err := pruneKeys(byTime, ids, now.Add(-events.KeyTTL), max(pruneBatch, 2*len(ds))); err != nil {
			return err
		}
		for _, d := range ds {
			if d.MsgID == "" {
				return bot.Errorf(bot.EINVALID, "a webhook delivery needs a message id")
			}
			if ids.Get([]byte(d.MsgID)) != nil {
				continue
			}
			id, err := b.NextSequence()
			if err != nil {
				return internal("webhook sequence: %w", err)
			}
			d.ID, d.CreatedAt = id, now
			if d.Due.IsZero() {
				d.Due = now
			}
			at := itob(uint64(now.UnixNano()))
			if err := ids.Put([]byte(d.MsgID), at); err != nil {
				return internal("indexing a delivery: %w", err)
			}
			if err := byTime.Put(append(at, d.MsgID...), nil); err != nil {
				return internal("indexing a delivery: %w", err)
			}
			if err := putDelivery(tx, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func putDelivery(tx *bolt.Tx, d *webhooks.Delivery) error {
	if err := put(tx.Bucket(bucketWebhookOutbox), itob(d.ID), d); err != nil {
		return err
	}
	if err := tx.Bucket(bucketWebhookDue).Put(webhookDueKey(d), nil); err != nil {
		return internal("indexing a delivery: %w", err)
	}
	return nil
}

func removeDelivery(tx *bolt.Tx, id uint64) error {
	var d webhooks.Delivery
	ok, err := get(tx.Bucket(bucketWebhookOutbox), itob(id), &d)
	if err != nil || !ok {
		return err
	}
	if err := tx.Bucket(bucketWebhookDue).Delete(webhookDueKey(&d)); err != nil {
		return internal("removing a delivery: %w", err)
	}
	if err := tx.Bucket(bucketWebhookOutbox).Delete(itob(id)); err != nil {
		return internal("removing a delivery: %w", err)
	}
	return nil
}

// DueWebhooks returns up to limit deliveries due at or before now.
func (db *DB) DueWebhooks(ctx context.Context, now time.Time, limit int) ([]*webhooks.Delivery, error) {
	var out []*webhooks.Delivery
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = dueRecords[webhooks.Delivery](tx, bucketWebhookDue, bucketWebhookOutbox, now, limit)
		return err
	})
	return out, err
}

// NextWebhook returns when the earliest delivery is due (zero if none).
func (db *DB) NextWebhook(ctx context.Context) (time.Time, error) {
	var at time.Time
	err := db.view(ctx, func(tx *bolt.Tx) error {
		at = firstDue(tx, bucketWebhookDue)
		return nil
	})
	return at, err
}

// SettleWebhooks removes done, saves retry and appends the log lines.
func (db *DB) SettleWebhooks(ctx context.Context, done []uint64, retry []*webhooks.Delivery, log map[string][]*webhooks.Attempt) error {
	return db.batch(ctx, func(tx *bolt.Tx) error {
		for _, id := range done {
			if err := removeDelivery(tx, id); err != nil {
				return err
			}
		}
		for _, d := range retry {
			if tx.Bucket(bucketWebhookOutbox).Get(itob(d.ID)) == nil {
				return bot.Errorf(bot.ENOTFOUND, "no webhook delivery %d", d.ID)
			}
			if err := removeDelivery(tx, d.ID); err != nil {
				return err
			}
			if err := putDelivery(tx, d); err != nil {
				return err
			}
		}
		for name, lines := range log {
			if tx.Bucket(bucketWebhooks).Get(webhookKey(name)) == nil {
				continue // deleted meanwhile: its log went with it
			}
			b, err := tx.Bucket(bucketWebhookLog).CreateBucketIfNotExists(webhookKey(name))
			if err != nil {
				return internal("a webhook's log: %w", err)
			}
			for _, a := range lines {
				seq, err := b.NextSequence()
				if err != nil {
					return internal("a webhook's log: %w", err)
				}
				if err := put(b, itob(seq), a); err != nil {
					return err
				}
			}
			// Keep the last webhooks.LogSize: the log is at most that and a
			// batch long, so counting it is cheap.
			n := 0
			c := b.Cursor()
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				n++
			}
			for k, _ := c.First(); k != nil && n > webhooks.LogSize; k, _ = c.First() {
				if err := c.Delete(); err != nil {
					return internal("pruning a webhook's log: %w", err)
				}
				n--
			}
		}
		return nil
	})
}

// WebhookLog returns up to limit of webhook name's last attempts, latest
// first.
func (db *DB) WebhookLog(ctx context.Context, name string, limit int) ([]*webhooks.Attempt, error) {
	var out []*webhooks.Attempt
	err := db.view(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketWebhookLog).Bucket(webhookKey(name))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, v = c.Prev() {
			var a webhooks.Attempt
			if err := decode(v, &a); err != nil {
				return err
			}
			out = append(out, &a)
		}
		return nil
	})
	return out, err
}
