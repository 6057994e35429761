package store

import (
	"context"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
)

// Recipes and their runs (schema 11). A run is kept under its ID, indexed
// by when it is due (due Unix nanoseconds + ID) and by what planned it
// (event Seq + recipe ID since schema 15; recipe first before), so that a
// page of events planned again after a crash plans nothing twice. The
// planner never reads again the events up to its cursor, so the keys of
// those events are forgotten as the cursor moves.

var (
	bucketRecipes       = []byte("recipes")
	bucketRecipesByName = []byte("recipes_by_name")
	bucketRecipeRuns    = []byte("recipe_runs")
	bucketRecipeRunsDue = []byte("recipe_runs_due")
	bucketRecipeRunsKey = []byte("recipe_runs_by_key")
	keyRecipeCursor     = []byte("recipe_cursor")
)

func migrateV10toV11(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketRecipes, bucketRecipesByName, bucketRecipeRuns, bucketRecipeRunsDue, bucketRecipeRunsKey} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	return nil
}

func recipeNameKey(name string) []byte { return []byte(strings.ToLower(name)) }

// CreateRecipe stores r, setting its ID; ECONFLICT when its name is taken.
func (db *DB) CreateRecipe(ctx context.Context, r *recipes.Recipe) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		names := tx.Bucket(bucketRecipesByName)
		if names.Get(recipeNameKey(r.Name)) != nil {
			return bot.Errorf(bot.ECONFLICT, "a recipe is already named %s", r.Name)
		}
		b := tx.Bucket(bucketRecipes)
		id, err := b.NextSequence()
		if err != nil {
			return internal("recipe sequence: %w", err)
		}
		r.ID = bot.RecipeID(id)
		if err := names.Put(recipeNameKey(r.Name), itob(id)); err != nil {
			return internal("indexing a recipe: %w", err)
		}
		return put(b, itob(id), r)
	})
}

func recipeByID(tx *bolt.Tx, id bot.RecipeID) (*recipes.Recipe, error) {
	var r recipes.Recipe
	ok, err := get(tx.Bucket(bucketRecipes), itob(uint64(id)), &r)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no recipe %d", id).Translated("err.recipe.not_found", id)
	}
	return &r, nil
}

// Recipe returns the recipe with that ID, or ENOTFOUND.
func (db *DB) Recipe(ctx context.Context, id bot.RecipeID) (*recipes.Recipe, error) {
	var r *recipes.Recipe
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		r, err = recipeByID(tx, id)
		return err
	})
	return r, err
}

// Recipes returns every recipe, by ID.
func (db *DB) Recipes(ctx context.Context) ([]*recipes.Recipe, error) {
	var out []*recipes.Recipe
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = pageAfter[recipes.Recipe](tx.Bucket(bucketRecipes), 0, 0)
		return err
	})
	return out, err
}

// UpdateRecipe applies fn to the stored recipe and saves it.
func (db *DB) UpdateRecipe(ctx context.Context, id bot.RecipeID, fn func(*recipes.Recipe) error) (*recipes.Recipe, error) {
	var r *recipes.Recipe
	err := db.update(ctx, func(tx *bolt.Tx) (err error) {
		if r, err = recipeByID(tx, id); err != nil {
			return err
		}
		old := r.Name
		if err := fn(r); err != nil {
			return err
		}
		r.ID = id
		if !strings.EqualFold(old, r.Name) {
			names := tx.Bucket(bucketRecipesByName)
			if names.Get(recipeNameKey(r.Name)) != nil {
				return bot.Errorf(bot.ECONFLICT, "a recipe is already named %s", r.Name)
			}
			if err := names.Delete(recipeNameKey(old)); err != nil {
				return internal("renaming a recipe: %w", err)
			}
			if err := names.Put(recipeNameKey(r.Name), itob(uint64(id))); err != nil {
				return internal("renaming a recipe: %w", err)
			}
		}
		return put(tx.Bucket(bucketRecipes), itob(uint64(id)), r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteRecipe removes the recipe and its runs.
func (db *DB) DeleteRecipe(ctx context.Context, id bot.RecipeID) error {
	return db.update(ctx, func(tx *bolt.Tx) error {
		r, err := recipeByID(tx, id)
		if err != nil {
			return err
		}
		if err := tx.Bucket(bucketRecipesByName).Delete(recipeNameKey(r.Name)); err != nil {
			return internal("deleting a recipe: %w", err)
		}
		if err := tx.Bucket(bucketRecipes).Delete(itob(uint64(id))); err != nil {
			return internal("deleting a recipe: %w", err)
		}
		// Its runs still to do (a run done is removed), and their keys.
		var dead []*bot.RecipeRun
		err = tx.Bucket(bucketRecipeRuns).ForEach(func(_, v []byte) error {
			var r bot.RecipeRun
			if err := decode(v, &r); err != nil {
				return err
			}
			if r.Recipe == id {
				dead = append(dead, &r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range dead {
			if err := removeRun(tx, r.ID); err != nil {
				return err
			}
			if err := tx.Bucket(bucketRecipeRunsKey).Delete(runKey(r)); err != nil {
				return internal("deleting a recipe's runs: %w", err)
			}
		}
		return nil
	})
}

// RecipeCursor returns the Seq of the last event the recipes were planned
// for.
func (db *DB) RecipeCursor(ctx context.Context) (uint64, error) {
	var seq uint64
	err := db.view(ctx, func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keyRecipeCursor); len(v) == 8 {
			seq = btoi(v)
		}
		return nil
	})
	return seq, err
}

func runDueKey(due time.Time, id uint64) []byte {
	return append(itob(uint64(due.UnixNano())), itob(id)...)
}

// runKey is what planned run r: its event's Seq, then its recipe's ID.
func runKey(r *bot.RecipeRun) []byte {
	return append(itob(r.Event), itob(uint64(r.Recipe))...)
}

// runKeysPruned bounds how many run keys one planning forgets.
const runKeysPruned = 1024

// PlanRecipeRuns stores runs, appends events and moves the cursor: never
// back (a cursor lower than the one stored keeps the stored one), and
// the keys of the runs planned for events up to it are forgotten, a page
// at a time.
func (db *DB) PlanRecipeRuns(ctx context.Context, cursor uint64, runs []*bot.RecipeRun, events []*bot.Event) error {
	// In a batch: it shares its commit with the intakes written at once.
	return db.batch(ctx, func(tx *bolt.Tx) error {
		if err := planRuns(tx, runs); err != nil {
			return err
		}
		for _, e := range events {
			if err := db.appendEvent(tx, e); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if v := meta.Get(keyRecipeCursor); len(v) == 8 {
			cursor = max(cursor, btoi(v))
		}
		if err := meta.Put(keyRecipeCursor, itob(cursor)); err != nil {
			return internal("moving the recipes' cursor: %w", err)
		}
		return pruneRunKeys(tx, cursor, max(runKeysPruned, 2*len(runs)))
	})
}

// pruneRunKeys forgets up to n run keys of events up to cursor: the
// planner does not read those events again.
func pruneRunKeys(tx *bolt.Tx, cursor uint64, n int) error {
	c := tx.Bucket(bucketRecipeRunsKey).Cursor()
	for range n {
		k, _ := c.First()
		if len(k) < 8 || btoi(k[:8]) > cursor {
			return nil
		}
		if err := c.Delete(); err != nil {
			return internal("forgetting a run's key: %w", err)
		}
	}
	return nil
}

// migrateV14toV15 orders the run keys by event (they were by recipe),
// so that those of events planned can be forgotten in order, and indexes
// the webhook message ids by when they were queued, so that they can be
// forgotten after events.KeyTTL.
func migrateV14toV15(tx *bolt.Tx) error {
	type kv struct{ k, v []byte }
	var keys []kv
	old := tx.Bucket(bucketRecipeRunsKey)
	if err := old.ForEach(func(k, v []byte) error {
		if len(k) == 16 {
			keys = append(keys, kv{append(append([]byte{}, k[8:]...), k[:8]...), append([]byte{}, v...)})
		}
		return nil
	}); err != nil {
		return err
	}
	if err := tx.DeleteBucket(bucketRecipeRunsKey); err != nil {
		return err
	}
	b, err := tx.CreateBucket(bucketRecipeRunsKey)
	if err != nil {
		return err
	}
	for _, e := range keys {
		if err := b.Put(e.k, e.v); err != nil {
			return err
		}
	}
	byTime, err := tx.CreateBucketIfNotExists(bucketWebhookIDsTime)
	if err != nil {
		return err
	}
	return tx.Bucket(bucketWebhookIDs).ForEach(func(k, v []byte) error {
		if len(v) != 8 {
			return nil
		}
		return byTime.Put(append(append([]byte{}, v...), k...), nil)
	})
}

// planRuns stores runs, setting their IDs; a run whose recipe and event
// were planned before is skipped.
func planRuns(tx *bolt.Tx, runs []*bot.RecipeRun) error {
	b, keys := tx.Bucket(bucketRecipeRuns), tx.Bucket(bucketRecipeRunsKey)
	for _, r := range runs {
		if keys.Get(runKey(r)) != nil {
			continue // planned before
		}
		id, err := b.NextSequence()
		if err != nil {
			return internal("run sequence: %w", err)
		}
		r.ID = id
		if err := keys.Put(runKey(r), itob(id)); err != nil {
			return internal("indexing a run: %w", err)
		}
		if err := putRun(tx, r); err != nil {
			return err
		}
	}
	return nil
}

func putRun(tx *bolt.Tx, r *bot.RecipeRun) error {
	if err := put(tx.Bucket(bucketRecipeRuns), itob(r.ID), r); err != nil {
		return err
	}
	if err := tx.Bucket(bucketRecipeRunsDue).Put(runDueKey(r.Due, r.ID), nil); err != nil {
		return internal("indexing a run: %w", err)
	}
	return nil
}

// removeRun deletes run id and its due entry (not its key: a run done
// stays planned, so that its event does not plan it again).
func removeRun(tx *bolt.Tx, id uint64) error {
	var r bot.RecipeRun
	ok, err := get(tx.Bucket(bucketRecipeRuns), itob(id), &r)
	if err != nil || !ok {
		return err
	}
	if err := tx.Bucket(bucketRecipeRunsDue).Delete(runDueKey(r.Due, id)); err != nil {
		return internal("removing a run: %w", err)
	}
	if err := tx.Bucket(bucketRecipeRuns).Delete(itob(id)); err != nil {
		return internal("removing a run: %w", err)
	}
	return nil
}

// DueRecipeRuns returns up to limit runs due at or before now, earliest
// first.
func (db *DB) DueRecipeRuns(ctx context.Context, now time.Time, limit int) ([]*bot.RecipeRun, error) {
	var out []*bot.RecipeRun
	err := db.view(ctx, func(tx *bolt.Tx) (err error) {
		out, err = dueRecords[bot.RecipeRun](tx, bucketRecipeRunsDue, bucketRecipeRuns, now, limit)
		return err
	})
	return out, err
}

// NextRecipeRun returns when the earliest run is due (zero if none).
func (db *DB) NextRecipeRun(ctx context.Context) (time.Time, error) {
	var at time.Time
	err := db.view(ctx, func(tx *bolt.Tx) error {
		at = firstDue(tx, bucketRecipeRunsDue)
		return nil
	})
	return at, err
}

// dueRecords reads up to limit (0: all) records of bucket recs through
// index, whose keys are a due time (Unix nanoseconds) and the record's
// 8-byte key, due at or before now, earliest first.
func dueRecords[T any](tx *bolt.Tx, index, recs []byte, now time.Time, limit int) ([]*T, error) {
	var out []*T
	b := tx.Bucket(recs)
	c := tx.Bucket(index).Cursor()
	end := uint64(now.UnixNano())
	for k, _ := c.First(); len(k) == 16 && btoi(k[:8]) <= end; k, _ = c.Next() {
		r := new(T)
		ok, err := get(b, k[8:], r)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, r)
		}
		if limit > 0 && len(out) == limit {
			break
		}
	}
	return out, nil
}

// firstDue returns the earliest due time of index (zero if empty).
func firstDue(tx *bolt.Tx, index []byte) time.Time {
	if k, _ := tx.Bucket(index).Cursor().First(); len(k) == 16 {
		return time.Unix(0, int64(btoi(k[:8]))).UTC()
	}
	return time.Time{}
}

// AdvanceRecipeRun saves run, or removes it when done, and appends events.
func (db *DB) AdvanceRecipeRun(ctx context.Context, run *bot.RecipeRun, done bool, events []*bot.Event) error {
	return db.batch(ctx, func(tx *bolt.Tx) error {
		if err := removeRun(tx, run.ID); err != nil {
			return err
		}
		if !done {
			if err := putRun(tx, run); err != nil {
				return err
			}
		}
		for _, e := range events {
			if err := db.appendEvent(tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}
