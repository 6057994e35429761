package store

import (
	"context"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
)

// Saved filters (schema 14), by lower-cased name.

var bucketFilters = []byte("filters")

func migrateV13toV14(tx *bolt.Tx) error {
	_, err := tx.CreateBucketIfNotExists(bucketFilters)
	return err
}

func noFilter(name string) error {
	return bot.Errorf(bot.ENOTFOUND, "no filter named %s: `filter list` shows them", name).Translated("err.filter.not_found", name)
}

// PutFilter stores f and sets the condition of the recipes using it.
func (db *DB) PutFilter(ctx context.Context, f *recipes.Filter) error {
	if strings.TrimSpace(f.Name) == "" {
		return bot.Errorf(bot.EINVALID, "a filter needs a name")
	}
	return db.update(ctx, func(tx *bolt.Tx) error {
		if err := put(tx.Bucket(bucketFilters), []byte(strings.ToLower(f.Name)), f); err != nil {
			return err
		}
		b := tx.Bucket(bucketRecipes)
		return b.ForEach(func(k, v []byte) error {
			var r recipes.Recipe
			if err := decode(v, &r); err != nil {
				return err
			}
			if !strings.EqualFold(r.Filter, f.Name) || r.Expr == f.Expr {
				return nil
			}
			r.Expr, r.UpdatedAt, r.UpdatedBy = f.Expr, f.UpdatedAt, f.UpdatedBy
			return put(b, k, &r)
		})
	})
}

// Filter returns the filter named name, or ENOTFOUND.
func (db *DB) Filter(ctx context.Context, name string) (*recipes.Filter, error) {
	var f recipes.Filter
	err := db.view(ctx, func(tx *bolt.Tx) error {
		ok, err := get(tx.Bucket(bucketFilters), []byte(strings.ToLower(name)), &f)
		if err == nil && !ok {
			err = noFilter(name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &f, nil
}

// Filters returns every filter, by name.
func (db *DB) Filters(ctx context.Context) ([]*recipes.Filter, error) {
	var out []*recipes.Filter
	err := db.view(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFilters).ForEach(func(_, v []byte) error {
			var f recipes.Filter
			if err := decode(v, &f); err != nil {
				return err
			}
			out = append(out, &f)
			return nil
		})
	})
	return out, err
}

// DeleteFilter removes the filter, unless a recipe uses it.
func (db *DB) DeleteFilter(ctx context.Context, name string) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		key := []byte(strings.ToLower(name))
		if tx.Bucket(bucketFilters).Get(key) == nil {
			return noFilter(name)
		}
		err := tx.Bucket(bucketRecipes).ForEach(func(_, v []byte) error {
			var r recipes.Recipe
			if err := decode(v, &r); err != nil {
				return err
			}
			if strings.EqualFold(r.Filter, name) {
				return bot.Errorf(bot.ECONFLICT, "recipe %d (%s) uses filter %s: change its condition first", r.ID, r.Name, name).Translated("err.filter.used", r.ID, r.Name, name)
			}
			return nil
		})
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketFilters).Delete(key); err != nil {
			return internal("deleting a filter: %w", err)
		}
		return nil
	})
}
