package commands

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/schedule"
	"github.com/heraldchat/herald/bot/webhooks"
)

// Recipes, calendars and webhooks as one YAML file, so that they can live
// in version control: `herald recipes export` writes it, `herald recipes
// import` reads it back. Each recipe is written in the command language
// (when, if, do, hours), as a moderator types it; a webhook's secrets are
// written as ${ENV} references, never as themselves, and read from the
// environment on import.

// Exchange is the file.
type Exchange struct {
	Calendars []ExchangeCalendar `yaml:"calendars,omitempty"`
	Filters   []ExchangeFilter   `yaml:"filters,omitempty"`
	Webhooks  []ExchangeWebhook  `yaml:"webhooks,omitempty"`
	Recipes   []ExchangeRecipe   `yaml:"recipes,omitempty"`
}

// ExchangeCalendar is a calendar: its parts as `calendar new` reads them.
type ExchangeCalendar struct {
	Name  string `yaml:"name"`
	Hours string `yaml:"hours"`
}

// ExchangeFilter is a saved filter: its condition as typed.
type ExchangeFilter struct {
	Name string `yaml:"name"`
	If   string `yaml:"if"`
}

// ExchangeWebhook is a webhook; Secret and Authorization are ${ENV}
// references.
type ExchangeWebhook struct {
	Name          string   `yaml:"name"`
	Description   string   `yaml:"description,omitempty"`
	URL           string   `yaml:"url"`
	Method        string   `yaml:"method"`
	ContentType   string   `yaml:"content_type"`
	Vars          []string `yaml:"vars,omitempty"`
	Secret        string   `yaml:"secret"`
	Authorization string   `yaml:"authorization,omitempty"`
	Disabled      bool     `yaml:"disabled,omitempty"`
}

// ExchangeRecipe is a recipe in the command language.
type ExchangeRecipe struct {
	Name    string `yaml:"name"`
	Enabled bool   `yaml:"enabled"`
	When    string `yaml:"when"`
	If      string `yaml:"if,omitempty"`
	Do      string `yaml:"do"`
	Hours   string `yaml:"hours,omitempty"`
}

// ExchangeStore is what export and import read and write.
type ExchangeStore interface {
	recipes.RecipeStore
	schedule.CalendarStore
	webhooks.Store
	recipes.FilterStore
	LastEventSeq(ctx context.Context) (uint64, error)
}

// secretEnv is the environment variable a webhook's secret is read from.
func secretEnv(name, what string) string {
	return "HERALD_WEBHOOK_" + strings.ToUpper(regexp.MustCompile(`[^A-Za-z0-9]+`).ReplaceAllString(name, "_")) + "_" + what
}

// ExportRecipes writes every calendar, webhook and recipe as YAML.
func ExportRecipes(ctx context.Context, st ExchangeStore) ([]byte, error) {
	var x Exchange
	cals, err := st.Calendars(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cals {
		x.Calendars = append(x.Calendars, ExchangeCalendar{Name: c.Name, Hours: CalendarText(c)})
	}
	filters, err := st.Filters(ctx)
	if err != nil {
		return nil, err
	}
	for _, f := range filters {
		x.Filters = append(x.Filters, ExchangeFilter{Name: f.Name, If: f.Condition})
	}
	hooks, err := st.Webhooks(ctx)
	if err != nil {
		return nil, err
	}
	for _, w := range hooks {
		_, auth, err := st.WebhookSecrets(ctx, w.Name)
		if err != nil {
			return nil, err
		}
		xw := ExchangeWebhook{Name: w.Name, Description: w.Description, URL: w.URL, Method: w.Method, ContentType: w.ContentType,
			Vars: w.Vars, Secret: "${" + secretEnv(w.Name, "SECRET") + "}", Disabled: w.Disabled}
		if auth != "" {
			xw.Authorization = "${" + secretEnv(w.Name, "AUTH") + "}"
		}
		x.Webhooks = append(x.Webhooks, xw)
	}
	rs, err := st.Recipes(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		cond := r.Condition
		if cond == "" && r.Expr != "" {
			cond = "expr: " + r.Expr
		}
		if r.Filter != "" {
			cond = "filter " + r.Filter
		}
		xr := ExchangeRecipe{Name: r.Name, Enabled: r.Enabled, When: TriggerText(r.Trigger), If: cond, Do: ActionsText(r.Actions)}
		if r.Hours != "" {
			xr.Hours = r.Hours + " " + r.Calendar
		}
		x.Recipes = append(x.Recipes, xr)
	}
	var b bytes.Buffer
	b.WriteString("# herald recipes, calendars and webhooks: herald recipes import FILE reads this back.\n")
	b.WriteString("# Webhook secrets are read from the environment variables named.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(x); err != nil {
		return nil, bot.Errorf(bot.EINTERNAL, "writing the recipes: %w", err)
	}
	return b.Bytes(), nil
}

// ImportReport says what an import did.
type ImportReport struct {
	Calendars, Webhooks, Recipes int
	// Warnings say what the operator must still do: a secret's variable
	// that was not set (the webhook's secret kept, or a new one made and
	// shown here once).
	Warnings []string `json:"warnings,omitempty"`
}

// ImportRecipes reads a file written by ExportRecipes (or by hand) and
// makes or replaces each calendar, webhook and recipe by name, as by. It
// checks everything before it writes anything: a file with a mistake
// changes nothing and says where. A webhook's secrets come from the
// environment (env); when a variable is not set, a webhook that exists
// keeps its secret, a new one gets a new signing secret (newSecret, shown
// once in the report's warnings) and no Authorization header, and the
// report says so.
func ImportRecipes(ctx context.Context, st ExchangeStore, svc *recipes.Service, data []byte, env func(string) (string, bool),
	newSecret func() (string, error), checkURL func(string) error, by bot.Actor, now time.Time) (ImportReport, error) {
	var rep ImportReport
	var x Exchange
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&x); err != nil {
		return rep, bot.Errorf(bot.EINVALID, "the recipes file cannot be read: %v", err)
	}
	// Check all of it first.
	cals := make([]*schedule.Calendar, len(x.Calendars))
	for i, c := range x.Calendars {
		cals[i] = &schedule.Calendar{Name: c.Name, UpdatedAt: now, UpdatedBy: by}
		if err := ParseCalendar(c.Hours, cals[i]); err != nil {
			return rep, bot.Errorf(bot.EINVALID, "calendar %q: %s", c.Name, bot.ErrorMessage(err))
		}
	}
	filters := make([]*recipes.Filter, len(x.Filters))
	named := map[string]bool{}
	for i, f := range x.Filters {
		expr, err := ParseCondition(f.If)
		if err != nil {
			return rep, bot.Errorf(bot.EINVALID, "filter %q: %s", f.Name, bot.ErrorMessage(err))
		}
		filters[i] = &recipes.Filter{Name: f.Name, Condition: f.If, Expr: expr}
		named[strings.ToLower(f.Name)] = true
	}
	// expand reads a secret's ${ENV} reference: its value, and the
	// variable's name when it is not set ("" when v is empty).
	expand := func(v string) (value, unset string, err error) {
		if m := regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`).FindStringSubmatch(v); m != nil {
			s, ok := env(m[1])
			if !ok || s == "" {
				return "", m[1], nil
			}
			return s, "", nil
		}
		if v != "" {
			return "", "", bot.Errorf(bot.EINVALID, "secrets are written as ${ENV} references, not in the file")
		}
		return "", "", nil
	}
	type hook struct {
		w          *webhooks.Webhook
		sign, auth string
		keep       [2]bool // keep the stored signing secret, authorization
	}
	hooks := make([]hook, len(x.Webhooks))
	for i, w := range x.Webhooks {
		if err := checkURL(w.URL); err != nil {
			return rep, bot.Errorf(bot.EINVALID, "webhook %q: %s", w.Name, bot.ErrorMessage(err))
		}
		method, ctype := strings.ToUpper(w.Method), strings.ToLower(w.ContentType)
		if method != "GET" && method != "POST" || ctype != "json" && ctype != "form" {
			return rep, bot.Errorf(bot.EINVALID, "webhook %q: method is GET or POST, content_type json or form", w.Name)
		}
		if _, err := parseVars(strings.Join(w.Vars, ",")); err != nil {
			return rep, bot.Errorf(bot.EINVALID, "webhook %q: %s", w.Name, bot.ErrorMessage(err))
		}
		sign, signUnset, err := expand(w.Secret)
		auth, authUnset, aerr := expand(w.Authorization)
		if err != nil || aerr != nil {
			return rep, bot.Errorf(bot.EINVALID, "webhook %q: secrets are written as ${ENV} references", w.Name)
		}
		if sign != "" && !validSigningSecret(sign) {
			return rep, bot.Errorf(bot.EINVALID, "webhook %q: the signing secret is whsec_ followed by base64 of at least 24 bytes", w.Name)
		}
		h := hook{w: &webhooks.Webhook{Name: w.Name, Description: w.Description, URL: w.URL, Method: method, ContentType: ctype, Vars: w.Vars,
			Disabled: w.Disabled, CreatedAt: now, UpdatedAt: now, UpdatedBy: by}, sign: sign, auth: auth}
		_, known := st.Webhook(ctx, w.Name)
		if known != nil && bot.ErrorCode(known) != bot.ENOTFOUND {
			return rep, known
		}
		exists := known == nil
		switch {
		case signUnset != "" && exists:
			h.keep[0] = true
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("webhook %s: %s is not set: its signing secret is kept", w.Name, signUnset))
		case sign == "":
			if h.sign, err = newSecret(); err != nil {
				return rep, err
			}
			why := "it had none"
			if signUnset != "" {
				why = signUnset + " is not set"
			}
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("webhook %s: %s: its new signing secret, shown this once: %s", w.Name, why, h.sign))
		}
		if authUnset != "" {
			if exists {
				h.keep[1] = true
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("webhook %s: %s is not set: its Authorization header is kept", w.Name, authUnset))
			} else {
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("webhook %s: %s is not set: it has no Authorization header (webhook auth %s \"…\" sets one)", w.Name, authUnset, w.Name))
			}
		}
		hooks[i] = h
	}
	type recipe struct {
		x       ExchangeRecipe
		trig    recipes.Trigger
		expr    string
		filter  string
		actions []recipes.Action
		how     string
		cal     string
	}
	rcs := make([]recipe, len(x.Recipes))
	for i, r := range x.Recipes {
		fail := func(err error) error { return bot.Errorf(bot.EINVALID, "recipe %q: %s", r.Name, bot.ErrorMessage(err)) }
		t, err := ParseTrigger(r.When)
		if err != nil {
			return rep, fail(err)
		}
		filter := ""
		expr := ""
		if ws := strings.Fields(r.If); len(ws) == 2 && ws[0] == "filter" {
			if _, err := st.Filter(ctx, ws[1]); err != nil && !named[strings.ToLower(ws[1])] {
				return rep, fail(err)
			}
			filter = ws[1]
		} else if expr, err = ParseCondition(r.If); err != nil {
			return rep, fail(err)
		}
		as, err := ParseRecipeActions(r.Do, "")
		if err != nil {
			return rep, fail(err)
		}
		if err := recipes.CheckActions(as); err != nil {
			return rep, fail(err)
		}
		how, cal, _ := strings.Cut(strings.TrimSpace(r.Hours), " ")
		if how != "" && how != "during" && how != "outside" {
			return rep, fail(fmt.Errorf("hours are during CALENDAR or outside CALENDAR"))
		}
		rcs[i] = recipe{r, t, expr, filter, as, how, strings.TrimSpace(cal)}
	}
	// Then write.
	for _, f := range filters {
		if _, err := svc.SaveFilter(ctx, f.Name, f.Condition, f.Expr, by); err != nil {
			return rep, bot.Errorf(bot.ErrorCode(err), "filter %q: %s", f.Name, bot.ErrorMessage(err))
		}
	}
	for _, c := range cals {
		if err := st.PutCalendar(ctx, c); err != nil {
			return rep, err
		}
		rep.Calendars++
	}
	for _, h := range hooks {
		if h.keep[0] || h.keep[1] {
			sign, auth, err := st.WebhookSecrets(ctx, h.w.Name)
			if err != nil {
				return rep, err
			}
			if h.keep[0] {
				h.sign = sign
			}
			if h.keep[1] {
				h.auth = auth
			}
		}
		if err := st.PutWebhook(ctx, h.w); err != nil {
			return rep, err
		}
		if err := st.SetWebhookSecrets(ctx, h.w.Name, h.sign, h.auth); err != nil {
			return rep, err
		}
		rep.Webhooks++
	}
	existing, err := st.Recipes(ctx)
	if err != nil {
		return rep, err
	}
	ids := map[string]bot.RecipeID{}
	for _, r := range existing {
		ids[strings.ToLower(r.Name)] = r.ID
	}
	for _, r := range rcs {
		id, ok := ids[strings.ToLower(r.x.Name)]
		if !ok {
			made, err := svc.Create(ctx, r.x.Name, by)
			if err != nil {
				return rep, err
			}
			id = made.ID
		}
		steps := []func() (*recipes.Recipe, error){
			func() (*recipes.Recipe, error) { return svc.Disable(ctx, id, by) },
			func() (*recipes.Recipe, error) { return svc.SetTrigger(ctx, id, r.trig, by) },
			func() (*recipes.Recipe, error) {
				if r.filter != "" {
					return svc.UseFilter(ctx, id, r.filter, by)
				}
				return svc.SetCondition(ctx, id, strings.TrimSpace(r.x.If), r.expr, by)
			},
			func() (*recipes.Recipe, error) { return svc.SetActions(ctx, id, r.actions, by) },
			func() (*recipes.Recipe, error) { return svc.SetHours(ctx, id, r.how, r.cal, by) },
		}
		if r.x.Enabled {
			steps = append(steps, func() (*recipes.Recipe, error) { return svc.Enable(ctx, id, by) })
		}
		for _, step := range steps {
			if _, err := step(); err != nil {
				return rep, bot.Errorf(bot.ErrorCode(err), "recipe %q: %s", r.x.Name, bot.ErrorMessage(err))
			}
		}
		rep.Recipes++
	}
	return rep, nil
}

// validSigningSecret reports whether s reads as a Standard Webhooks
// signing secret: whsec_ and the base64 of at least 24 bytes.
func validSigningSecret(s string) bool {
	raw, ok := strings.CutPrefix(s, "whsec_")
	if !ok {
		return false
	}
	b, err := base64.StdEncoding.DecodeString(raw)
	return err == nil && len(b) >= 24
}

// TriggerText writes a trigger as ParseTrigger reads it.
func TriggerText(t recipes.Trigger) string {
	var s string
	switch t.Kind {
	case recipes.TriggerNewConversation:
		return "new conversation"
	case recipes.TriggerNewMessage:
		return "new message"
	case recipes.TriggerStatus:
		s = "status"
	case recipes.TriggerTagAdded:
		s = "tag added"
	case recipes.TriggerTagRemoved:
		s = "tag removed"
	case recipes.TriggerEvent:
		s = "event"
	default:
		return ""
	}
	return strings.TrimSpace(s + " " + t.Value)
}

// durationText writes d as ParseDuration reads it, shortest: 30m, 2h, 1h30m.
func durationText(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// quoted quotes a text for an action, with curly quotes when it holds a
// straight one.
func quoted(s string) string {
	if strings.Contains(s, `"`) {
		return "“" + s + "”"
	}
	return `"` + s + `"`
}

// ActionsText writes actions as ParseRecipeActions reads them.
func ActionsText(as []recipes.Action) string {
	var parts []string
	for _, a := range as {
		var p string
		switch a.Kind {
		case recipes.RecipeResolve, recipes.RecipePending, recipes.RecipeReopen, recipes.RecipeBlock:
			p = string(a.Kind)
		case recipes.RecipeTagAdd:
			p = "tag add " + a.Tag
		case recipes.RecipeTagRemove:
			p = "tag remove " + a.Tag
		case recipes.RecipeAssign:
			if a.To.Group != "" {
				p = "assign group " + a.To.Group
			} else if !a.To.Address.IsZero() {
				p = "assign " + a.To.Address.String()
			} else {
				p = "assign @" + a.To.Name
			}
		case recipes.RecipeReply, recipes.RecipeNote, recipes.RecipeDraft:
			p = string(a.Kind) + " " + quoted(a.Text)
		case recipes.RecipeApproval:
			p = "approve " + quoted(a.Text)
		case recipes.RecipeWait:
			p = "wait " + durationText(a.Wait)
		case recipes.RecipeSmartAssign:
			p = "smart-assign " + durationText(a.Wait)
		case recipes.RecipeSet:
			p = "set " + a.Key + " " + quoted(a.Text)
		case recipes.RecipeSurvey:
			p = "survey " + a.Key
			if a.Text != "" {
				p += " " + quoted(a.Text)
			}
		case recipes.RecipeWebhook:
			p = "webhook " + a.Webhook
			if len(a.Vars) > 0 {
				p += " vars " + strings.Join(a.Vars, ",")
			}
		case recipes.RecipeNotify:
			var to []string
			for _, addr := range a.Notify {
				to = append(to, addr.String())
			}
			p = "notify " + strings.Join(to, ",")
			if a.Every > 1 {
				p += " after " + strconv.Itoa(a.Every)
			}
			if a.AtMost > 0 {
				p += " every " + durationText(a.AtMost)
			}
			p += " " + quoted(a.Text)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// CalendarText writes a calendar's parts as ParseCalendar reads them.
func CalendarText(c *schedule.Calendar) string {
	var parts []string
	if c.TimeZone != "" {
		parts = append(parts, "tz "+c.TimeZone)
	}
	for _, h := range c.Hours {
		days := "mon-sun"
		if len(h.Days) > 0 {
			ds := append([]time.Weekday(nil), h.Days...)
			sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
			var names []string
			for _, d := range ds {
				names = append(names, strings.ToLower(d.String()[:3]))
			}
			days = strings.Join(names, ",")
		}
		hours := "0:00-24:00"
		if h.HoursFrom != h.HoursTo {
			hours = fmt.Sprintf("%d:%02d-%d:%02d", h.HoursFrom/60, h.HoursFrom%60, h.HoursTo/60, h.HoursTo%60)
		}
		parts = append(parts, days+" "+hours)
	}
	if len(c.Closed) > 0 {
		parts = append(parts, "closed "+strings.Join(c.Closed, ","))
	}
	return strings.Join(parts, " ")
}
