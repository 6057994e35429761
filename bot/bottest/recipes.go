package bottest

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/schedule"
)

// The in-memory store's recipes and runs (recipes.RecipeStore).

var (
	_ recipes.RecipeStore    = (*Store)(nil)
	_ schedule.CalendarStore = (*Store)(nil)
)

type memRecipes struct {
	recipes   map[bot.RecipeID][]byte
	runs      map[uint64][]byte
	planned   map[[2]uint64]bool // recipe ID, event Seq
	cursor    uint64
	calendars map[string][]byte // by lower-cased name
	filters   map[string][]byte // by lower-cased name
	notify    map[string]notifyCount
}

type notifyCount struct {
	count int
	last  time.Time
}

func (s *Store) recipesLocked() *memRecipes {
	if s.recipes == nil {
		s.recipes = &memRecipes{recipes: map[bot.RecipeID][]byte{}, runs: map[uint64][]byte{}, planned: map[[2]uint64]bool{},
			calendars: map[string][]byte{}, notify: map[string]notifyCount{}}
	}
	return s.recipes
}

// checkEvents refuses events without a type, as the store does.
func checkEvents(events []*bot.Event) error {
	for _, e := range events {
		if e.Type == "" {
			return bot.Errorf(bot.EINVALID, "an event needs a type")
		}
	}
	return nil
}

func (m *memRecipes) named(name string, except bot.RecipeID) bool {
	for id, b := range m.recipes {
		if id != except && strings.EqualFold(dec[recipes.Recipe](b).Name, name) {
			return true
		}
	}
	return false
}

// CreateRecipe stores r, setting its ID; ECONFLICT when its name is taken.
func (s *Store) CreateRecipe(ctx context.Context, r *recipes.Recipe) error {
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
func (s *Store) Recipe(ctx context.Context, id bot.RecipeID) (*recipes.Recipe, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	b, ok := s.recipesLocked().recipes[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no recipe %d", id).Translated("err.recipe.not_found", id)
	}
	return dec[recipes.Recipe](b), nil
}

// Recipes returns every recipe, by ID.
func (s *Store) Recipes(ctx context.Context) ([]*recipes.Recipe, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []*recipes.Recipe
	for _, b := range s.recipesLocked().recipes {
		out = append(out, dec[recipes.Recipe](b))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// UpdateRecipe applies fn to the stored recipe and saves it.
func (s *Store) UpdateRecipe(ctx context.Context, id bot.RecipeID, fn func(*recipes.Recipe) error) (*recipes.Recipe, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	b, ok := m.recipes[id]
	if !ok {
		return nil, bot.Errorf(bot.ENOTFOUND, "no recipe %d", id).Translated("err.recipe.not_found", id)
	}
	r := dec[recipes.Recipe](b)
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

// PlanRecipeRuns stores runs, appends events and moves the cursor, never
// back; the keys of runs planned for events up to it are forgotten.
func (s *Store) PlanRecipeRuns(ctx context.Context, cursor uint64, runs []*bot.RecipeRun, events []*bot.Event) error {
	if err := checkEvents(events); err != nil {
		return err
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	s.planRunsLocked(runs)
	now := s.now()
	for _, e := range events {
		s.appendEvent(e, now)
	}
	m.cursor = max(m.cursor, cursor) // never back
	for key := range m.planned {
		if key[1] <= m.cursor {
			delete(m.planned, key) // the planner does not read those events again
		}
	}
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
	if err := checkEvents(events); err != nil {
		return err
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

// TickNotify counts one more item for key and reports whether a
// notification is due; when it is, posts are queued and the count starts
// again.
func (s *Store) TickNotify(ctx context.Context, key string, every int, atMost time.Duration, now time.Time, posts func(count int) []*bot.Outgoing) (bool, error) {
	if err := s.begin(ctx); err != nil {
		return false, err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	n := m.notify[key]
	n.count++
	fired := false
	if n.count >= max(1, every) && (n.last.IsZero() || atMost <= 0 || now.Sub(n.last) >= atMost) {
		if err := s.enqueue(posts(n.count)); err != nil {
			return false, err
		}
		fired, n.count, n.last = true, 0, now
	}
	m.notify[key] = n
	return fired, nil
}

// PutCalendar stores c, replacing the calendar of that name.
func (s *Store) PutCalendar(ctx context.Context, c *schedule.Calendar) error {
	if strings.TrimSpace(c.Name) == "" {
		return bot.Errorf(bot.EINVALID, "a calendar needs a name")
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	s.recipesLocked().calendars[strings.ToLower(c.Name)] = enc(c)
	return nil
}

// Calendar returns the calendar named name, or ENOTFOUND.
func (s *Store) Calendar(ctx context.Context, name string) (*schedule.Calendar, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return getNamed[schedule.Calendar](s.recipesLocked().calendars, name,
		bot.Errorf(bot.ENOTFOUND, "no calendar named %s: `calendar list` shows them", name).Translated("err.calendar.not_found", name))
}

// Calendars returns every calendar, by name.
func (s *Store) Calendars(ctx context.Context) ([]*schedule.Calendar, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return listNamed[schedule.Calendar](s.recipesLocked().calendars), nil
}

// DeleteCalendar removes the calendar named name, unless a recipe runs by
// it.
func (s *Store) DeleteCalendar(ctx context.Context, name string) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	key := strings.ToLower(name)
	if _, ok := m.calendars[key]; !ok {
		return bot.Errorf(bot.ENOTFOUND, "no calendar named %s: `calendar list` shows them", name).Translated("err.calendar.not_found", name)
	}
	for _, b := range m.recipes {
		if r := dec[recipes.Recipe](b); r.Hours != "" && strings.EqualFold(r.Calendar, name) {
			return bot.Errorf(bot.ECONFLICT, "recipe %d (%s) runs by calendar %s: change its hours first", r.ID, r.Name, name).Translated("err.calendar.used", r.ID, r.Name, name)
		}
	}
	delete(m.calendars, key)
	return nil
}

var _ recipes.FilterStore = (*Store)(nil)

// PutFilter stores f and sets the condition of the recipes using it.
func (s *Store) PutFilter(ctx context.Context, f *recipes.Filter) error {
	if strings.TrimSpace(f.Name) == "" {
		return bot.Errorf(bot.EINVALID, "a filter needs a name")
	}
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	if m.filters == nil {
		m.filters = map[string][]byte{}
	}
	m.filters[strings.ToLower(f.Name)] = enc(f)
	for id, b := range m.recipes {
		if r := dec[recipes.Recipe](b); strings.EqualFold(r.Filter, f.Name) && r.Expr != f.Expr {
			r.Expr, r.UpdatedAt, r.UpdatedBy = f.Expr, f.UpdatedAt, f.UpdatedBy
			m.recipes[id] = enc(r)
		}
	}
	return nil
}

// Filter returns the filter named name, or ENOTFOUND.
func (s *Store) Filter(ctx context.Context, name string) (*recipes.Filter, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return getNamed[recipes.Filter](s.recipesLocked().filters, name,
		bot.Errorf(bot.ENOTFOUND, "no filter named %s: `filter list` shows them", name).Translated("err.filter.not_found", name))
}

// Filters returns every filter, by name.
func (s *Store) Filters(ctx context.Context) ([]*recipes.Filter, error) {
	if err := s.begin(ctx); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return listNamed[recipes.Filter](s.recipesLocked().filters), nil
}

// DeleteFilter removes the filter, unless a recipe uses it.
func (s *Store) DeleteFilter(ctx context.Context, name string) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	defer s.mu.Unlock()
	m := s.recipesLocked()
	if _, ok := m.filters[strings.ToLower(name)]; !ok {
		return bot.Errorf(bot.ENOTFOUND, "no filter named %s: `filter list` shows them", name).Translated("err.filter.not_found", name)
	}
	for _, b := range m.recipes {
		if r := dec[recipes.Recipe](b); strings.EqualFold(r.Filter, name) {
			return bot.Errorf(bot.ECONFLICT, "recipe %d (%s) uses filter %s: change its condition first", r.ID, r.Name, name).Translated("err.filter.used", r.ID, r.Name, name)
		}
	}
	delete(m.filters, strings.ToLower(name))
	return nil
}

// getNamed decodes the record named name (any case) of m, or returns
// missing.
func getNamed[T any](m map[string][]byte, name string, missing error) (*T, error) {
	b, ok := m[strings.ToLower(name)]
	if !ok {
		return nil, missing
	}
	return dec[T](b), nil
}

// listNamed decodes every record of m, by name.
func listNamed[T any](m map[string][]byte) []*T {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []*T
	for _, k := range keys {
		out = append(out, dec[T](m[k]))
	}
	return out
}

// planRunsLocked stores runs, each recipe and event once; s.mu is held.
func (s *Store) planRunsLocked(runs []*bot.RecipeRun) {
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
}
