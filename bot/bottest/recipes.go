package bottest

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
)

// The in-memory store's recipes and runs (bot.RecipeStore).

var _ bot.RecipeStore = (*Store)(nil)

type memRecipes struct {
	recipes map[bot.RecipeID][]byte
	runs    map[uint64][]byte
	planned map[[2]uint64]bool // recipe ID, event Seq
	cursor  uint64
}

func (s *Store) recipesLocked() *memRecipes {
	if s.recipes == nil {
		s.recipes = &memRecipes{recipes: map[bot.RecipeID][]byte{}, runs: map[uint64][]byte{}, planned: map[[2]uint64]bool{}}
	}
	return s.recipes
}

func (m *memRecipes) named(name string, except bot.RecipeID) bool {
	for id, b := range m.recipes {
		if id != except && strings.EqualFold(dec[bot.Recipe](b).Name, name) {
			return true
		}
	}
	return false
}

// CreateRecipe stores r, setting its ID; ECONFLICT when its name is taken.
func (s *Store) CreateRecipe(ctx context.Context, r *bot.Recipe) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	if m.named(r.Name, 0) {
		return bot.Errorf(bot.ECONFLICT, "a recipe is already named %s", r.Name)
	}
	r.ID = bot.RecipeID(s.next("recipes"))
	m.recipes[r.ID] = enc(r)
	return nil
}

// Recipe returns the recipe with that ID, or ENOTFOUND.
func (s *Store) Recipe(ctx context.Context, id bot.RecipeID) (*bot.Recipe, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	b, ok := s.recipesLocked().recipes[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no recipe %d", id).Translated("err.recipe.not_found", id)
	}
	return dec[bot.Recipe](b), nil
}

// Recipes returns every recipe, by ID.
func (s *Store) Recipes(ctx context.Context) ([]*bot.Recipe, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*bot.Recipe
	for _, b := range s.recipesLocked().recipes {
		out = append(out, dec[bot.Recipe](b))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// UpdateRecipe applies fn to the stored recipe and saves it.
func (s *Store) UpdateRecipe(ctx context.Context, id bot.RecipeID, fn func(*bot.Recipe) error) (*bot.Recipe, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	b, ok := m.recipes[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no recipe %d", id).Translated("err.recipe.not_found", id)
	}
	r := dec[bot.Recipe](b)
	if err := fn(r); err != nil {
		return nil, err
	}
	r.ID = id
	if m.named(r.Name, id) {
		return nil, bot.Errorf(bot.ECONFLICT, "a recipe is already named %s", r.Name)
	}
	m.recipes[id] = enc(r)
	return r, nil
}

// DeleteRecipe removes the recipe and its runs.
func (s *Store) DeleteRecipe(ctx context.Context, id bot.RecipeID) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	if _, ok := m.recipes[id]; !ok {
		return bot.Errorf(bot.ENOTFOUND, "no recipe %d", id).Translated("err.recipe.not_found", id)
	}
	delete(m.recipes, id)
	for rid, b := range m.runs {
		if dec[bot.RecipeRun](b).Recipe == id {
			delete(m.runs, rid)
		}
	}
	return nil
}

// RecipeCursor returns the Seq of the last event planned for.
func (s *Store) RecipeCursor(ctx context.Context) (uint64, error) {
	if err := s.begin(ctx); err != nil {
		return 0, err
	}
	defer s.mu.Unlock()
	return s.recipesLocked().cursor, nil
}

// PlanRecipeRuns stores runs, appends events and moves the cursor.
func (s *Store) PlanRecipeRuns(ctx context.Context, cursor uint64, runs []*bot.RecipeRun, events []*bot.Event) error {
	for _, e := range events {
		if e.Type == "" {
			return bot.Errorf(bot.EINVALID, "an event needs a type")
		}
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	for _, r := range runs {
		key := [2]uint64{uint64(r.Recipe), r.Event}
		if m.planned[key] {
			continue
		}
		m.planned[key] = true
		r.ID = s.next("recipe_runs")
		m.runs[r.ID] = enc(r)
	}
	now := s.now()
	for _, e := range events {
		s.appendEvent(e, now)
	}
	m.cursor = cursor
	return nil
}

// DueRecipeRuns returns up to limit runs due at or before now, earliest
// first.
func (s *Store) DueRecipeRuns(ctx context.Context, now time.Time, limit int) ([]*bot.RecipeRun, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*bot.RecipeRun
	for _, r := range s.runsInOrder() {
		if r.Due.After(now) || limit > 0 && len(out) == limit {
			break
		}
		out = append(out, r)
	}
	return out, nil
}

// runsInOrder returns every run by due time, then ID; s.mu is held.
func (s *Store) runsInOrder() []*bot.RecipeRun {
	var all []*bot.RecipeRun
	for _, b := range s.recipesLocked().runs {
		all = append(all, dec[bot.RecipeRun](b))
	}
	sort.Slice(all, func(i, j int) bool {
		if !all[i].Due.Equal(all[j].Due) {
			return all[i].Due.Before(all[j].Due)
		}
		return all[i].ID < all[j].ID
	})
	return all
}

// NextRecipeRun returns when the earliest run is due (zero if none).
func (s *Store) NextRecipeRun(ctx context.Context) (time.Time, error) {
	if err := s.begin(ctx); err != nil {
		return time.Time{}, err
	}
	defer s.mu.Unlock()
	if all := s.runsInOrder(); len(all) > 0 {
		return all[0].Due, nil
	}
	return time.Time{}, nil
}

// AdvanceRecipeRun saves run, or removes it when done, and appends events.
func (s *Store) AdvanceRecipeRun(ctx context.Context, run *bot.RecipeRun, done bool, events []*bot.Event) error {
	for _, e := range events {
		if e.Type == "" {
			return bot.Errorf(bot.EINVALID, "an event needs a type")
		}
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	if done {
		delete(m.runs, run.ID)
	} else {
		m.runs[run.ID] = enc(run)
	}
	now := s.now()
	for _, e := range events {
		s.appendEvent(e, now)
	}
	return nil
}
