package store

import (
	"context"
	"encoding/binary"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/schedule"
)

// Business-hours calendars, and the recipes' notification counters
// (schema 12).

var (
	bucketCalendars    = []byte("calendars")
	bucketRecipeNotify = []byte("recipe_notify")
)

func migrateV11toV12(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketCalendars, bucketRecipeNotify} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

// PutCalendar stores c, replacing the calendar of that name.
func (db *DB) PutCalendar(ctx context.Context, c *schedule.Calendar) error {
	if strings.TrimSpace(c.Name) == "" {
		return bot.Errorf(bot.EINVALID, "a calendar needs a name")
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		return put(tx.Bucket(bucketCalendars), []byte(strings.ToLower(c.Name)), c)
	})
}

// Calendar returns the calendar named name, or ENOTFOUND.
func (db *DB) Calendar(ctx context.Context, name string) (*schedule.Calendar, error) {
	var c schedule.Calendar
	err := db.view(ctx, func(tx *bolt.Tx) error {
		ok, err := get(tx.Bucket(bucketCalendars), []byte(strings.ToLower(name)), &c)
		if err == nil && !ok {
			err = bot.Errorf(bot.ENOTFOUND, "no calendar named %s: `calendar list` shows them", name).Translated("err.calendar.not_found", name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Calendars returns every calendar, by name.
func (db *DB) Calendars(ctx context.Context) ([]*schedule.Calendar, error) {
	var out []*schedule.Calendar
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketCalendars).ForEach(func(_, v []byte) error {
			var c schedule.Calendar
			if err := decode(v, &c); err != nil {
				return err
			}
			out = append(out, &c)
			return nil
		})
	})
	return out, err
}

// DeleteCalendar removes the calendar named name, unless a recipe runs by
// it.
func (db *DB) DeleteCalendar(ctx context.Context, name string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketCalendars)
		key := []byte(strings.ToLower(name))
		if b.Get(key) == nil {
			return bot.Errorf(bot.ENOTFOUND, "no calendar named %s: `calendar list` shows them", name).Translated("err.calendar.not_found", name)
		}
		err := tx.Bucket(bucketRecipes).ForEach(func(_, v []byte) error {
			var r recipes.Recipe
			if err := decode(v, &r); err != nil {
				return err
			}
			if r.Hours != "" && strings.EqualFold(r.Calendar, name) {
				return bot.Errorf(bot.ECONFLICT, "recipe %d (%s) runs by calendar %s: change its hours first", r.ID, r.Name, name).Translated("err.calendar.used", r.ID, r.Name, name)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := b.Delete(key); err != nil {
			return internal("deleting a calendar: %w", err)
		}
		return nil
	})
}

// TickNotify counts one more item for key and reports whether a
// notification is due; when it is, the posts made for the count are
// queued and the count starts again, at once.
func (db *DB) TickNotify(ctx context.Context, key string, every int, atMost time.Duration, now time.Time, posts func(count int) []*bot.Outgoing) (bool, error) {
	fired := false
	err := db.update(ctx, func(tx *bolt.Tx) error {
		fired = false
		b := tx.Bucket(bucketRecipeNotify)
		var count uint64
		var last int64
		if v := b.Get([]byte(key)); len(v) == 16 {
			count, last = binary.BigEndian.Uint64(v[:8]), int64(binary.BigEndian.Uint64(v[8:]))
		}
		count++
		if count >= uint64(max(1, every)) && (last == 0 || atMost <= 0 || now.Sub(time.Unix(0, last)) >= atMost) {
			made := posts(int(count))
			fired, count, last = true, 0, now.UnixNano()
			if err := db.enqueue(tx, made); err != nil {
				return err
			}
		}
		v := make([]byte, 16)
		binary.BigEndian.PutUint64(v[:8], count)
		binary.BigEndian.PutUint64(v[8:], uint64(last))
		if err := b.Put([]byte(key), v); err != nil {
			return internal("counting a notification: %w", err)
		}
		return nil
	})
	return fired, err
}
