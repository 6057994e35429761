package commands

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/suggest"
)

// Recipes manages automation recipes (recipes.Service).
type Recipes interface {
	Create(ctx context.Context, name string, by bot.Actor) (*recipes.Recipe, error)
	Clone(ctx context.Context, id bot.RecipeID, by bot.Actor) (*recipes.Recipe, error)
	SetTrigger(ctx context.Context, id bot.RecipeID, t recipes.Trigger, by bot.Actor) (*recipes.Recipe, error)
	SetCondition(ctx context.Context, id bot.RecipeID, typed, expr string, by bot.Actor) (*recipes.Recipe, error)
	SetActions(ctx context.Context, id bot.RecipeID, actions []recipes.Action, by bot.Actor) (*recipes.Recipe, error)
	Enable(ctx context.Context, id bot.RecipeID, by bot.Actor) (*recipes.Recipe, error)
	Disable(ctx context.Context, id bot.RecipeID, by bot.Actor) (*recipes.Recipe, error)
	SetHours(ctx context.Context, id bot.RecipeID, how, calendar string, by bot.Actor) (*recipes.Recipe, error)
	UseFilter(ctx context.Context, id bot.RecipeID, name string, by bot.Actor) (*recipes.Recipe, error)
	SaveFilter(ctx context.Context, name, typed, expr string, by bot.Actor) (*recipes.Filter, error)
	Delete(ctx context.Context, id bot.RecipeID) error
	Test(ctx context.Context, id bot.RecipeID, e *bot.Event, c *bot.Conversation, ct *bot.Contact) (recipes.Trial, error)
	Rename(ctx context.Context, id bot.RecipeID, name string, by bot.Actor) (*recipes.Recipe, error)
}

func (h *handlers) recipes() (Recipes, error) {
	if h.deps.Recipes == nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "recipes are not set up on this herald")
	}
	return h.deps.Recipes, nil
}

func recipeID(arg string) (bot.RecipeID, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil || n == 0 {
		return 0, argErrorT(TextErrRecipeID, arg)
	}
	return bot.RecipeID(n), nil
}

// recipeCommand wraps a handler of `recipe VERB ID …`.
func (h *handlers) recipeCommand(fn func(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		rs, err := h.recipes()
		if err != nil {
			return err
		}
		id, err := recipeID(r.Args[0])
		if err != nil {
			return err
		}
		return fn(ctx, rs, id, w, r)
	}
}

func (h *handlers) recipeNew(ctx context.Context, w *Reply, r *Request) error {
	rs, err := h.recipes()
	if err != nil {
		return err
	}
	rc, err := rs.Create(ctx, r.Rest, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextRecipeCreated, rc.ID, rc.Name))
	w.Recipe = rc.ID
	return nil
}

// ParseTrigger reads what starts a recipe: new conversation, new message,
// status [open|pending|resolved], tag added|removed [TAG], event NAME; in
// French nouvelle conversation, nouveau message, statut …, étiquette
// ajoutée|retirée …, événement NOM.
func ParseTrigger(s string) (recipes.Trigger, error) {
	ws := strings.Fields(strings.ToLower(s))
	arg := func(i int) string {
		if len(ws) > i {
			return ws[i]
		}
		return ""
	}
	switch two := strings.Join(ws[:min(2, len(ws))], " "); {
	case (two == "new conversation" || two == "nouvelle conversation") && len(ws) == 2:
		return recipes.Trigger{Kind: recipes.TriggerNewConversation}, nil
	case (two == "new message" || two == "nouveau message") && len(ws) == 2:
		return recipes.Trigger{Kind: recipes.TriggerNewMessage}, nil
	case (two == "tag added" || two == "étiquette ajoutée") && len(ws) <= 3:
		return recipes.Trigger{Kind: recipes.TriggerTagAdded, Value: arg(2)}, nil
	case (two == "tag removed" || two == "étiquette retirée") && len(ws) <= 3:
		return recipes.Trigger{Kind: recipes.TriggerTagRemoved, Value: arg(2)}, nil
	}
	switch arg(0) {
	case "status", "statut":
		st := map[string]string{"": "", "open": "open", "ouverte": "open", "pending": "pending", "en_attente": "pending", "resolved": "resolved", "résolue": "resolved"}
		v, ok := st[arg(1)]
		if !ok || len(ws) > 2 {
			return recipes.Trigger{}, argErrorT(TextErrRecipeStatus, arg(1))
		}
		return recipes.Trigger{Kind: recipes.TriggerStatus, Value: v}, nil
	case "event", "événement":
		if len(ws) != 2 {
			return recipes.Trigger{}, argErrorT(TextErrRecipeTrigger)
		}
		return recipes.Trigger{Kind: recipes.TriggerEvent, Value: strings.Fields(s)[1]}, nil
	}
	return recipes.Trigger{}, argErrorT(TextErrRecipeTrigger)
}

func (h *handlers) recipeWhen(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
	t, err := ParseTrigger(restAfter(r.Rest, 1))
	if err != nil {
		return err
	}
	rc, err := rs.SetTrigger(ctx, id, t, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextRecipeSet, rc.ID, h.recipeText(rc)))
	return nil
}

func (h *handlers) recipeIf(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
	typed := restAfter(r.Rest, 1)
	if ws := strings.Fields(typed); len(ws) == 2 && (strings.EqualFold(ws[0], "filter") || strings.EqualFold(ws[0], "filtre")) {
		rc, err := rs.UseFilter(ctx, id, ws[1], r.Actor)
		if err != nil {
			return err
		}
		w.Text(bot.KindSuccess, h.text.T(TextRecipeSet, rc.ID, h.recipeText(rc)))
		return nil
	}
	expr, err := ParseCondition(typed)
	if err != nil {
		return err
	}
	if expr == "" {
		typed = ""
	}
	rc, err := rs.SetCondition(ctx, id, typed, expr, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextRecipeSet, rc.ID, h.recipeText(rc)))
	return nil
}

// ParseRecipeActions reads a recipe's actions, separated by ";": resolve,
// pending, reopen, tag add|remove TAG, assign @NAME|ADDRESS, block,
// reply TEXT, note TEXT, wait DURATION; in French résoudre, en_attente,
// rouvrir, étiquette ajouter|retirer, attribuer, bloquer, répondre, note,
// attendre.
func ParseRecipeActions(s string, on bot.Platform) ([]recipes.Action, error) {
	var out []recipes.Action
	parts, ok := splitOutsideQuotes(s, ';')
	if !ok {
		return nil, argErrorT(TextErrActQuote)
	}
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		verb, rest, _ := strings.Cut(part, " ")
		rest = strings.TrimSpace(rest)
		text := strings.Trim(rest, "\"“”")
		var a recipes.Action
		switch strings.ToLower(verb) {
		case "resolve", "résoudre", "close", "fermer":
			a.Kind = recipes.RecipeResolve
		case "pending", "en_attente":
			a.Kind = recipes.RecipePending
		case "reopen", "rouvrir":
			a.Kind = recipes.RecipeReopen
		case "block", "bloquer":
			a.Kind = recipes.RecipeBlock
		case "tag", "étiquette":
			how, tag, _ := strings.Cut(rest, " ")
			switch strings.ToLower(how) {
			case "add", "ajouter":
				a.Kind = recipes.RecipeTagAdd
			case "remove", "retirer":
				a.Kind = recipes.RecipeTagRemove
			default:
				return nil, argErrorT(TextErrActTag)
			}
			a.Tag = strings.ToLower(strings.TrimSpace(tag))
		case "assign", "attribuer":
			to, err := assignee(rest, on)
			if err != nil {
				return nil, err
			}
			a.Kind, a.To = recipes.RecipeAssign, to
		case "reply", "répondre":
			a.Kind, a.Text = recipes.RecipeReply, text
		case "note":
			a.Kind, a.Text = recipes.RecipeNote, text
		case "draft", "brouillon":
			a.Kind, a.Text = recipes.RecipeDraft, text
		case "approve", "approval", "approbation":
			a.Kind, a.Text = recipes.RecipeApproval, text
		case "notify", "notifier":
			n, err := parseNotify(rest)
			if err != nil {
				return nil, err
			}
			a = n
		case "survey", "enquête":
			kind, question, _ := strings.Cut(rest, " ")
			a.Kind, a.Key, a.Text = recipes.RecipeSurvey, strings.ToLower(kind), strings.Trim(strings.TrimSpace(question), "\"“”")
		case "set", "définir":
			key, value, _ := strings.Cut(rest, " ")
			a.Kind, a.Key, a.Text = recipes.RecipeSet, strings.ToLower(key), strings.Trim(strings.TrimSpace(value), "\"“”")
		case "smart-assign", "attribution-auto":
			d, err := ParseDuration(rest)
			if err != nil {
				return nil, err
			}
			a.Kind, a.Wait = recipes.RecipeSmartAssign, d
		case "webhook":
			ws := strings.Fields(rest)
			if len(ws) == 0 {
				return nil, argErrorT(TextErrRecipeAction, verb)
			}
			a.Kind, a.Webhook = recipes.RecipeWebhook, ws[0]
			if len(ws) == 3 && strings.EqualFold(ws[1], "vars") {
				vars, err := parseVars(ws[2])
				if err != nil {
					return nil, err
				}
				a.Vars = vars
			} else if len(ws) != 1 {
				return nil, argErrorT(TextErrActWebhook)
			}
		case "wait", "attendre":
			d, err := ParseDuration(rest)
			if err != nil {
				return nil, err
			}
			a.Kind, a.Wait = recipes.RecipeWait, d
		default:
			if s := suggest.Closest(verb, []string{"resolve", "pending", "reopen", "block", "tag", "assign", "reply", "note", "draft", "approve", "wait", "notify", "webhook", "set", "smart-assign", "survey"}); s != "" {
				return nil, argErrorT(TextErrActSuggest, verb, s)
			}
			return nil, argErrorT(TextErrRecipeAction, verb)
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, argErrorT(TextErrRecipeAction, "")
	}
	return out, nil
}

// parseNotify reads: ADDRESS[,ADDRESS…] [after N] [at most hourly|daily|
// every DURATION] "TEXT" (après N, au plus toutes les DURÉE).
func parseNotify(s string) (recipes.Action, error) {
	a := recipes.Action{Kind: recipes.RecipeNotify}
	q := strings.IndexAny(s, "\"“")
	if q < 0 {
		return a, argErrorT(TextErrNotifyText)
	}
	text := strings.TrimSpace(s[q:])
	if !strings.HasSuffix(text, "\"") && !strings.HasSuffix(text, "”") || len(text) < 2 {
		return a, argErrorT(TextErrNotifyLast)
	}
	a.Text = strings.Trim(text, "\"“”")
	ws := strings.Fields(s[:q])
	if len(ws) == 0 {
		return a, argErrorT(TextErrNotifyWhom)
	}
	for _, to := range strings.Split(ws[0], ",") {
		addr, err := ParseAddress(strings.TrimSpace(to))
		if err != nil {
			return a, err
		}
		a.Notify = append(a.Notify, addr)
	}
	for i := 1; i < len(ws); i++ {
		w := strings.ToLower(ws[i])
		switch {
		case (w == "after" || w == "après") && i+1 < len(ws):
			n, err := strconv.Atoi(ws[i+1])
			if err != nil || n < 1 {
				return a, argErrorT(TextErrNotifyCount, ws[i+1])
			}
			a.Every = n
			i++
		case w == "hourly" || w == "daily":
			a.AtMost = map[string]time.Duration{"hourly": time.Hour, "daily": 24 * time.Hour}[w]
		case w == "every" || w == "toutes" || w == "tous":
			if i+1 < len(ws) && (ws[i+1] == "les") {
				i++
			}
			if i+1 == len(ws) {
				return a, argErrorT(TextErrNotifyEvery)
			}
			d, err := ParseDuration(ws[i+1])
			if err != nil {
				return a, err
			}
			a.AtMost = d
			i++
		case w == "at" || w == "most" || w == "au" || w == "plus" || w == "once" || w == "une" || w == "fois" || w == "per" || w == "par":
			// "at most hourly", "at most once every 1h", "au plus toutes les 1h"
		case w == "hour" || w == "heure":
			a.AtMost = time.Hour
		case w == "day" || w == "jour":
			a.AtMost = 24 * time.Hour
		default:
			return a, argErrorT(TextErrNotifyWord, ws[i])
		}
	}
	return a, nil
}

// splitOutsideQuotes splits s at sep where sep is not inside quotes; ok
// is false when a quote is left open.
func splitOutsideQuotes(s string, sep rune) (parts []string, ok bool) {
	start, quoted := 0, false
	for i, c := range s {
		switch {
		case c == '"' || c == '“' && !quoted || c == '”' && quoted:
			quoted = !quoted
		case c == sep && !quoted:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:]), !quoted
}

func (h *handlers) recipeDo(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
	actions, err := ParseRecipeActions(restAfter(r.Rest, 1), r.Actor.Address.Platform)
	if err != nil {
		return err
	}
	rc, err := rs.SetActions(ctx, id, actions, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextRecipeSet, rc.ID, h.recipeText(rc)))
	return nil
}

func (h *handlers) recipeSwitch(on bool) func(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
	return func(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
		var rc *recipes.Recipe
		var err error
		if on {
			rc, err = rs.Enable(ctx, id, r.Actor)
		} else {
			rc, err = rs.Disable(ctx, id, r.Actor)
		}
		if err != nil {
			return err
		}
		key := TextRecipeOff
		if on {
			key = TextRecipeOn
		}
		w.Text(bot.KindSuccess, h.text.T(key, rc.ID, rc.Name))
		return nil
	}
}

func (h *handlers) recipeDelete(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
	if err := rs.Delete(ctx, id); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextRecipeDeleted, id))
	return nil
}

// recipeEdit changes one part of a recipe: `recipe edit ID name NAME`,
// or `when|if|do|hours …` as those commands take them.
func (h *handlers) recipeEdit(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
	part := strings.ToLower(r.Args[1])
	rest := strings.TrimSpace(restAfter(r.Rest, 2))
	if part == "name" || part == "nom" {
		rc, err := rs.Rename(ctx, id, rest, r.Actor)
		if err != nil {
			return err
		}
		w.Text(bot.KindSuccess, h.text.T(TextRecipeRenamed, rc.ID, rc.Name))
		return nil
	}
	fn := map[string]func(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error{
		"when": h.recipeWhen, "quand": h.recipeWhen, "if": h.recipeIf, "si": h.recipeIf, "do": h.recipeDo, "faire": h.recipeDo,
		"hours": h.recipeHours, "heures": h.recipeHours}[part]
	if fn == nil || rest == "" {
		return argErrorT(TextErrRecipeEditPart, r.Args[1])
	}
	// The part's own command, as if typed: `recipe when ID …`.
	inner := *r
	inner.Args = append([]string{r.Args[0]}, r.Args[2:]...)
	inner.Rest = r.Args[0] + " " + rest
	return fn(ctx, rs, id, w, &inner)
}

func (h *handlers) recipeClone(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
	rc, err := rs.Clone(ctx, id, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextRecipeCreated, rc.ID, rc.Name))
	return nil
}

func (h *handlers) recipeInfo(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
	trial, err := rs.Test(ctx, id, nil, nil, nil)
	rc := trial.Recipe
	if err != nil && rc == nil {
		return err
	}
	lines := []string{h.text.T(TextRecipeHead, rc.ID, rc.Name, h.recipeState(rc)), h.recipeText(rc)}
	if rc.Expr != "" {
		lines = append(lines, "`"+rc.Expr+"`")
	}
	lines = append(lines, h.text.T(TextRecipeUpdated, rc.UpdatedAt.UTC().Format("2006-01-02 15:04"), rc.UpdatedBy.String()))
	w.Text(bot.KindMessage, strings.Join(lines, "\n"))
	return nil
}

// recipeTest runs recipe id's condition against the thread's
// conversation (its last message) and says which actions would run,
// running none.
func (h *handlers) recipeTest(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
	if r.Thread.IsZero() {
		return argErrorT(TextErrInThread)
	}
	cs, err := h.conversations()
	if err != nil {
		return err
	}
	c, evs, err := cs.History(ctx, r.Thread)
	if err != nil {
		return err
	}
	var last *bot.Event
	for _, e := range evs {
		if e.Type == bot.EventMessageReceived {
			last = e
		}
	}
	var ct *bot.Contact
	if d, ok := h.deps.Directory.(interface {
		Contact(ctx context.Context, id bot.ContactID) (*bot.Contact, error)
	}); ok && c.ContactID != 0 {
		ct, _ = d.Contact(ctx, c.ContactID)
	}
	trial, err := rs.Test(ctx, id, last, c, ct)
	if err != nil {
		return err
	}
	rc := trial.Recipe
	w.Private = true
	if !trial.Holds {
		w.Text(bot.KindIdea, h.text.T(TextRecipeWouldNot, rc.ID, rc.Name))
		return nil
	}
	text := h.text.T(TextRecipeWould, rc.ID, rc.Name, h.actionsText(rc.Actions))
	if trial.NotNow {
		text += "\n" + h.text.T(TextRecipeNotNow, h.hoursText(rc))
	}
	w.Text(bot.KindSuccess, text)
	return nil
}

func (h *handlers) recipeList(ctx context.Context, w *Reply, r *Request) error {
	if h.deps.RecipeList == nil {
		return bot.Errorf(bot.EUNAVAILABLE, "recipes are not set up on this herald")
	}
	all, err := h.deps.RecipeList.Recipes(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		w.Text(bot.KindIdea, h.text.T(TextRecipeNone))
		return nil
	}
	var lines []string
	for _, rc := range all {
		lines = append(lines, fmt.Sprintf("• #%d *%s* · %s · %s", rc.ID, rc.Name, h.recipeState(rc), h.recipeText(rc)))
	}
	w.Text(bot.KindMessage, strings.Join(lines, "\n"))
	return nil
}

func (h *handlers) recipeState(rc *recipes.Recipe) string {
	if rc.Enabled {
		return h.text.T(TextRecipeStateOn)
	}
	return h.text.T(TextRecipeStateOff)
}

// hoursText says when recipe rc runs: during or outside its calendar's
// hours.
func (h *handlers) hoursText(rc *recipes.Recipe) string {
	how := rc.Hours
	if h.text.Locale() == LocaleFrench {
		how = map[string]string{"during": "pendant", "outside": "hors"}[how]
	}
	return h.text.T(TextRecipeHours, how, rc.Calendar)
}

// recipeText says a recipe in words: when, if, then.
func (h *handlers) recipeText(rc *recipes.Recipe) string {
	when := "—"
	if rc.Trigger.Kind != "" {
		when = strings.TrimSpace(strings.ReplaceAll(string(rc.Trigger.Kind), "_", " ") + " " + rc.Trigger.Value)
	}
	if rc.Hours != "" {
		when += " (" + h.hoursText(rc) + ")"
	}
	cond := rc.Condition
	if cond == "" {
		cond = h.text.T(TextRecipeAll)
	}
	return h.text.T(TextRecipeRule, when, cond, h.actionsText(rc.Actions))
}

// actionsText is how a recipe's actions read in its description: as
// `recipe do` takes them.
func (h *handlers) actionsText(as []recipes.Action) string {
	if len(as) == 0 {
		return "—"
	}
	return ActionsText(as)
}

// filterSave reads: filter save NAME CONDITION…
func (h *handlers) filterSave(ctx context.Context, w *Reply, r *Request) error {
	rs, err := h.recipes()
	if err != nil {
		return err
	}
	typed := restAfter(r.Rest, 1)
	expr, err := ParseCondition(typed)
	if err != nil {
		return err
	}
	f, err := rs.SaveFilter(ctx, r.Args[0], typed, expr, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextFilterSaved, f.Name, f.Condition))
	return nil
}

func (h *handlers) filterList(ctx context.Context, w *Reply, r *Request) error {
	if h.deps.Filters == nil {
		return bot.Errorf(bot.EUNAVAILABLE, "recipes are not set up on this herald")
	}
	all, err := h.deps.Filters.Filters(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		w.Text(bot.KindIdea, h.text.T(TextFilterNone))
		return nil
	}
	var lines []string
	for _, f := range all {
		lines = append(lines, "• *"+f.Name+"* · "+f.Condition)
	}
	w.Text(bot.KindMessage, strings.Join(lines, "\n"))
	return nil
}

func (h *handlers) filterDelete(ctx context.Context, w *Reply, r *Request) error {
	if h.deps.Filters == nil {
		return bot.Errorf(bot.EUNAVAILABLE, "recipes are not set up on this herald")
	}
	if err := h.deps.Filters.DeleteFilter(ctx, r.Args[0]); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextFilterDeleted, r.Args[0]))
	return nil
}
