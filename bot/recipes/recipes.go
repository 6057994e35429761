package recipes

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/schedule"
)

// MaxActions is the most actions a recipe has.
const MaxActions = 20

// MaxWait is the longest a recipe waits in one step.
const MaxWait = 30 * 24 * time.Hour

// Service manages recipes: create, change, enable, test, delete. Every
// change is checked before it is stored (a condition compiles, actions
// are whole) and stamped with who made it.
type Service struct {
	Store    Store
	Compiler Compiler
	Clock    clock.Clock
	// Changed, when set, is called after a recipe changed (the Runner's
	// Wake).
	Changed func()
}

func (s *Service) changed() {
	if s.Changed != nil {
		s.Changed()
	}
}

// ValidName reports whether name may name a recipe: 1 to 64 bytes on one
// line, not a number (numbers are IDs).
func ValidName(name string) bool {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 64 || strings.ContainsAny(name, "\n\r") {
		return false
	}
	return strings.Trim(name, "0123456789") != ""
}

// Create makes a disabled recipe named name.
func (s *Service) Create(ctx context.Context, name string, by bot.Actor) (*Recipe, error) {
	name = strings.TrimSpace(name)
	if !ValidName(name) {
		return nil, bot.Errorf(bot.EINVALID, "a recipe's name is 1 to 64 characters on one line, not a number").Translated("err.recipe.name")
	}
	now := s.Clock.Now().UTC()
	r := &Recipe{Name: name, CreatedAt: now, CreatedBy: by, UpdatedAt: now, UpdatedBy: by}
	if err := s.Store.CreateRecipe(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// Rename names recipe id name; ECONFLICT when another recipe has it.
func (s *Service) Rename(ctx context.Context, id bot.RecipeID, name string, by bot.Actor) (*Recipe, error) {
	name = strings.TrimSpace(name)
	if !ValidName(name) {
		return nil, bot.Errorf(bot.EINVALID, "a recipe's name is 1 to 64 characters on one line, not a number").Translated("err.recipe.name")
	}
	return s.update(ctx, id, by, func(r *Recipe) error { r.Name = name; return nil })
}

// Clone makes a disabled copy of recipe id, named after it.
func (s *Service) Clone(ctx context.Context, id bot.RecipeID, by bot.Actor) (*Recipe, error) {
	r, err := s.Store.Recipe(ctx, id)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	c := *r
	c.ID, c.Enabled, c.Since = 0, false, 0
	c.CreatedAt, c.CreatedBy, c.UpdatedAt, c.UpdatedBy = now, by, now, by
	c.Actions = append([]Action(nil), r.Actions...)
	for i := 2; ; i++ {
		c.Name = r.Name + " (" + strconv.Itoa(i) + ")"
		err := s.Store.CreateRecipe(ctx, &c)
		if bot.ErrorCode(err) != bot.ECONFLICT || i > 99 {
			return &c, err
		}
	}
}

func (s *Service) update(ctx context.Context, id bot.RecipeID, by bot.Actor, fn func(*Recipe) error) (*Recipe, error) {
	r, err := s.Store.UpdateRecipe(ctx, id, func(r *Recipe) error {
		if err := fn(r); err != nil {
			return err
		}
		r.UpdatedAt, r.UpdatedBy = s.Clock.Now().UTC(), by
		return nil
	})
	if err == nil {
		s.changed()
	}
	return r, err
}

// SetTrigger sets what starts recipe id.
func (s *Service) SetTrigger(ctx context.Context, id bot.RecipeID, t Trigger, by bot.Actor) (*Recipe, error) {
	switch t.Kind {
	case TriggerNewConversation, TriggerNewMessage:
		t.Value = ""
	case TriggerStatus:
		switch bot.ConversationStatus(t.Value) {
		case "", bot.ConversationOpen, bot.ConversationPending, bot.ConversationResolved:
		default:
			return nil, bot.Errorf(bot.EINVALID, "a conversation is open, pending or resolved, not %q", t.Value).Translated("err.recipe.status", t.Value)
		}
	case TriggerTagAdded, TriggerTagRemoved:
		t.Value = strings.ToLower(t.Value)
	case TriggerEvent:
		if t.Value == "" || strings.ContainsAny(t.Value, " \t\n") {
			return nil, bot.Errorf(bot.EINVALID, "an event trigger names one event").Translated("err.recipe.event")
		}
	default:
		return nil, bot.Errorf(bot.EINVALID, "no trigger %q", t.Kind).Translated("err.recipe.trigger", t.Kind)
	}
	return s.update(ctx, id, by, func(r *Recipe) error { r.Trigger = t; return nil })
}

// SetCondition sets recipe id's condition: typed as the moderator wrote
// it, expr the expression it compiles to ("" for every conversation). An
// expression that does not compile is refused, and nothing changes.
func (s *Service) SetCondition(ctx context.Context, id bot.RecipeID, typed, expr string, by bot.Actor) (*Recipe, error) {
	if _, err := compile(s.Compiler, expr); err != nil {
		return nil, err
	}
	return s.update(ctx, id, by, func(r *Recipe) error { r.Condition, r.Expr, r.Filter = typed, expr, ""; return nil })
}

// UseFilter makes the saved filter named name recipe id's condition:
// saving the filter again changes the recipe's too.
func (s *Service) UseFilter(ctx context.Context, id bot.RecipeID, name string, by bot.Actor) (*Recipe, error) {
	f, err := s.Store.Filter(ctx, name)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, id, by, func(r *Recipe) error {
		r.Condition, r.Expr, r.Filter = "filter "+f.Name, f.Expr, f.Name
		return nil
	})
}

// SaveFilter saves a condition under name (typed as the moderator wrote
// it, expr what it compiles to, checked first), for recipes to use by
// name; the recipes using it change with it.
func (s *Service) SaveFilter(ctx context.Context, name, typed, expr string, by bot.Actor) (*Filter, error) {
	if !ValidName(name) || strings.ContainsAny(name, " \t") {
		return nil, bot.Errorf(bot.EINVALID, "a filter's name is one word").Translated("err.filter.name")
	}
	if _, err := compile(s.Compiler, expr); err != nil {
		return nil, err
	}
	f := &Filter{Name: name, Condition: typed, Expr: expr, UpdatedAt: s.Clock.Now().UTC(), UpdatedBy: by}
	if err := s.Store.PutFilter(ctx, f); err != nil {
		return nil, err
	}
	s.changed()
	return f, nil
}

// CheckActions says what is wrong with actions, if anything.
func CheckActions(actions []Action) error {
	if len(actions) > MaxActions {
		return bot.Errorf(bot.EINVALID, "a recipe has at most %d actions", MaxActions).Translated("err.recipe.too_many", MaxActions)
	}
	for i, a := range actions {
		bad := ""
		switch a.Kind {
		case RecipeResolve, RecipePending, RecipeReopen, RecipeBlock:
		case RecipeTagAdd, RecipeTagRemove:
			if a.Tag == "" || strings.ContainsAny(a.Tag, " \t\n") {
				bad = "tag"
			}
		case RecipeAssign:
			if a.To == (bot.Actor{}) {
				bad = "assign"
			}
		case RecipeReply, RecipeNote, RecipeDraft, RecipeApproval:
			if strings.TrimSpace(a.Text) == "" {
				bad = "text"
			}
		case RecipeNotify:
			if len(a.Notify) == 0 {
				bad = "notify"
			}
			if strings.TrimSpace(a.Text) == "" {
				bad = "text"
			}
			if a.Every < 0 || a.Every > 10000 || a.AtMost < 0 {
				bad = "every"
			}
		case RecipeSet:
			attr, isContact := strings.CutPrefix(a.Key, "contact.")
			if isContact && attr == "" || !isContact && a.Key != "priority" && a.Key != "language" && a.Key != "category" {
				bad = "set"
			}
		case RecipeSurvey:
			if a.Key != "csat" && a.Key != "nps" {
				bad = "survey"
			}
		case RecipeSmartAssign:
			if a.Wait <= 0 || a.Wait > MaxWait {
				bad = "smart"
			}
		case RecipeWebhook:
			if a.Webhook == "" {
				bad = "webhook"
			}
			for _, v := range a.Vars {
				if !validVar(v) {
					bad = "vars"
				}
			}
		case RecipeWait:
			if a.Wait <= 0 || a.Wait > MaxWait {
				bad = "wait"
			}
			if i == len(actions)-1 {
				bad = "wait_last"
			}
		default:
			bad = "none"
		}
		if bad != "" {
			return bot.Errorf(bot.EINVALID, "action %d (%s): %s", i+1, a.Kind, actionWhy[bad]).Translated("err.recipe.action."+bad, i+1, string(a.Kind))
		}
	}
	return nil
}

// actionWhy says in English why an action is refused, by the code its
// message's key ends with ("err.recipe.action." + code).
var actionWhy = map[string]string{
	"tag":       "a tag is one word",
	"assign":    "assign to whom?",
	"text":      "it needs a text",
	"notify":    "notify whom?",
	"every":     "after 1 to 10000 items, at most once per a positive period",
	"set":       "set priority, language, category or contact.ATTRIBUTE",
	"survey":    "a survey is csat or nps",
	"smart":     "smart-assign looks back 3h, 24h, 2d, 3d or 1w",
	"webhook":   "which webhook?",
	"vars":      "a webhook carries conversation, contact, message, event, or all",
	"wait":      "a wait is more than nothing and at most 30 days",
	"wait_last": "a wait is followed by what it waits for",
	"none":      "no such action",
}

// validVar reports whether v names what a webhook may carry.
func validVar(v string) bool {
	switch v {
	case "conversation", "contact", "message", "event", "all":
		return true
	}
	return false
}

// SetActions sets recipe id's actions; the webhooks they call must exist.
func (s *Service) SetActions(ctx context.Context, id bot.RecipeID, actions []Action, by bot.Actor) (*Recipe, error) {
	if err := CheckActions(actions); err != nil {
		return nil, err
	}
	for _, a := range actions {
		if a.Kind == RecipeWebhook {
			if _, err := s.Store.Webhook(ctx, a.Webhook); err != nil {
				return nil, err
			}
		}
	}
	return s.update(ctx, id, by, func(r *Recipe) error { r.Actions = actions; return nil })
}

// Enable turns recipe id on: it runs on events recorded from now. A
// recipe without a trigger or actions is refused.
func (s *Service) Enable(ctx context.Context, id bot.RecipeID, by bot.Actor) (*Recipe, error) {
	last, err := s.Store.LastEventSeq(ctx)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, id, by, func(r *Recipe) error {
		switch {
		case r.Trigger.Kind == "":
			return bot.Errorf(bot.EINVALID, "recipe %d has no trigger yet: `recipe when %d …`", r.ID, r.ID).Translated("err.recipe.no_trigger", r.ID)
		case len(r.Actions) == 0:
			return bot.Errorf(bot.EINVALID, "recipe %d has no actions yet: `recipe do %d …`", r.ID, r.ID).Translated("err.recipe.no_actions", r.ID)
		}
		if !r.Enabled {
			r.Enabled, r.Since = true, last
		}
		return nil
	})
}

// SetHours runs recipe id only during (how "during") or only outside
// ("outside") the hours of the calendar named calendar, or at any time
// (how ""). The calendar must exist.
func (s *Service) SetHours(ctx context.Context, id bot.RecipeID, how, calendar string, by bot.Actor) (*Recipe, error) {
	switch how {
	case "":
		calendar = ""
	case "during", "outside":
		c, err := s.Store.Calendar(ctx, calendar)
		if err != nil {
			return nil, err
		}
		calendar = c.Name
	default:
		return nil, bot.Errorf(bot.EINVALID, "a recipe runs always, during or outside a calendar's hours")
	}
	return s.update(ctx, id, by, func(r *Recipe) error { r.Hours, r.Calendar = how, calendar; return nil })
}

// Disable turns recipe id off; its waiting runs are dropped when due.
func (s *Service) Disable(ctx context.Context, id bot.RecipeID, by bot.Actor) (*Recipe, error) {
	return s.update(ctx, id, by, func(r *Recipe) error { r.Enabled = false; return nil })
}

// Delete removes recipe id and its waiting runs.
func (s *Service) Delete(ctx context.Context, id bot.RecipeID) error {
	if err := s.Store.DeleteRecipe(ctx, id); err != nil {
		return err
	}
	s.changed()
	return nil
}

// Trial is what Test found: the recipe, whether its condition holds, and
// whether its business hours keep it from running now.
type Trial struct {
	Recipe *Recipe
	Holds  bool
	// NotNow is set for a recipe whose business hours (during or outside
	// its calendar) do not include now.
	NotNow bool
}

// Test runs recipe id's condition against event e (nil: none) on
// conversation c of contact ct, without running its actions, and says
// whether its business hours include now. The Trial's Recipe is set even
// when the error is its condition's.
func (s *Service) Test(ctx context.Context, id bot.RecipeID, e *bot.Event, c *bot.Conversation, ct *bot.Contact) (Trial, error) {
	r, err := s.Store.Recipe(ctx, id)
	if err != nil {
		return Trial{}, err
	}
	t := Trial{Recipe: r}
	open, err := hoursOpen(ctx, s.Store, r, s.Clock.Now())
	if err != nil {
		return t, err
	}
	t.NotNow = !open
	m, err := compile(s.Compiler, r.Expr)
	if err != nil {
		return t, err
	}
	t.Holds, err = m.Match(NewEnv(e, c, ct))
	return t, err
}

// hoursOpen reports whether recipe rc runs at t: always, or during or
// outside its calendar's hours. A calendar gone runs nothing.
func hoursOpen(ctx context.Context, store schedule.CalendarStore, rc *Recipe, t time.Time) (bool, error) {
	if rc.Hours == "" {
		return true, nil
	}
	cal, err := store.Calendar(ctx, rc.Calendar)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return schedule.Open(cal, t) == (rc.Hours == "during"), nil
}
