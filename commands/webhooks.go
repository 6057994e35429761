package commands

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/webhooks"
)

// WebhookDeps are what the webhook commands need besides the store: the
// URL check (package webhook, with the configuration's allow_http and
// allow_private), a new signing secret, and the sender's Wake.
type WebhookDeps struct {
	Store     webhooks.Store
	CheckURL  func(raw string) error
	NewSecret func() (string, error)
	Queued    func()
}

func (h *handlers) webhooks() (*WebhookDeps, error) {
	if h.deps.Webhooks == nil || h.deps.Webhooks.Store == nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "webhooks are not set up on this herald")
	}
	return h.deps.Webhooks, nil
}

// webhookNew reads: webhook new NAME URL [get|post] [json|form] [vars
// conversation,contact,…|all] [desc "…"]. The signing secret is shown
// once, privately.
func (h *handlers) webhookNew(ctx context.Context, w *Reply, r *Request) error {
	wd, err := h.webhooks()
	if err != nil {
		return err
	}
	name, raw := r.Args[0], r.Args[1]
	if strings.ContainsAny(name, "/:") || len(name) > 64 {
		return argErrorT(TextErrWebhookName)
	}
	if _, err := wd.Store.Webhook(ctx, name); err == nil {
		return bot.Errorf(bot.ECONFLICT, "a webhook is already named %s", name).Translated("err.webhook.exists", name)
	}
	if err := wd.CheckURL(raw); err != nil {
		return err
	}
	now := h.deps.Clock.Now().UTC()
	hook := &webhooks.Webhook{Name: name, URL: raw, Method: "POST", ContentType: "json", Vars: []string{"all"}, CreatedAt: now, UpdatedAt: now, UpdatedBy: r.Actor}
	if err := webhookWords(hook, restAfter(r.Rest, 2)); err != nil {
		return err
	}
	secret, err := wd.NewSecret()
	if err != nil {
		return err
	}
	if err := wd.Store.PutWebhook(ctx, hook); err != nil {
		return err
	}
	if err := wd.Store.SetWebhookSecrets(ctx, name, secret, ""); err != nil {
		return err
	}
	w.Private = true
	w.Text(bot.KindSuccess, h.text.T(TextWebhookCreated, hook.Name, hostOnly(hook.URL), secret))
	return nil
}

// webhookWords sets what rest says of hook: [get|post] [json|form] [vars
// …] [desc "…"].
func webhookWords(hook *webhooks.Webhook, rest string) error {
	if desc, ok := cutQuoted(rest, "desc"); ok {
		hook.Description = desc
		rest = rest[:strings.Index(rest, "desc")]
	}
	ws := strings.Fields(rest)
	for i := 0; i < len(ws); i++ {
		switch x := strings.ToLower(ws[i]); {
		case x == "get" || x == "post":
			hook.Method = strings.ToUpper(x)
		case x == "json" || x == "form":
			hook.ContentType = x
		case x == "vars" && i+1 < len(ws):
			vars, err := parseVars(ws[i+1])
			if err != nil {
				return err
			}
			hook.Vars = vars
			i++
		default:
			return argErrorT(TextErrWebhookWords, ws[i])
		}
	}
	return nil
}

// webhookEdit reads: webhook edit NAME [URL] [get|post] [json|form] [vars
// …] [desc "…"]; its secrets and state stay as they are.
func (h *handlers) webhookEdit(ctx context.Context, w *Reply, r *Request) error {
	wd, err := h.webhooks()
	if err != nil {
		return err
	}
	hook, err := wd.Store.Webhook(ctx, r.Args[0])
	if err != nil {
		return err
	}
	rest := restAfter(r.Rest, 1)
	if strings.Contains(r.Args[1], "://") {
		if err := wd.CheckURL(r.Args[1]); err != nil {
			return err
		}
		hook.URL = r.Args[1]
		rest = restAfter(r.Rest, 2)
	}
	if err := webhookWords(hook, rest); err != nil {
		return err
	}
	hook.UpdatedAt, hook.UpdatedBy = h.deps.Clock.Now().UTC(), r.Actor
	if err := wd.Store.PutWebhook(ctx, hook); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextWebhookEdited, hook.Name, hook.Method, hostOnly(hook.URL), hook.ContentType, strings.Join(hook.Vars, ",")))
	return nil
}

// cutQuoted returns the quoted text after word in s.
func cutQuoted(s, word string) (string, bool) {
	i := strings.Index(s, word+" ")
	if i < 0 {
		return "", false
	}
	return strings.Trim(strings.TrimSpace(s[i+len(word):]), "\"“”"), true
}

func parseVars(s string) ([]string, error) {
	var out []string
	for _, v := range strings.Split(strings.ToLower(s), ",") {
		switch v = strings.TrimSpace(v); v {
		case "conversation", "contact", "message", "event", "all":
			out = append(out, v)
		case "":
		default:
			return nil, argErrorT(TextErrWebhookVars, v)
		}
	}
	return out, nil
}

func hostOnly(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return "?"
}

// webhookAuth reads: webhook auth NAME "Bearer …"|off. The header is kept
// with the secrets, never shown again.
func (h *handlers) webhookAuth(ctx context.Context, w *Reply, r *Request) error {
	wd, err := h.webhooks()
	if err != nil {
		return err
	}
	name := r.Args[0]
	auth := strings.Trim(strings.TrimSpace(restAfter(r.Rest, 1)), "\"“”")
	if strings.EqualFold(auth, "off") {
		auth = ""
	}
	sign, _, err := wd.Store.WebhookSecrets(ctx, name)
	if err != nil {
		return err
	}
	if err := wd.Store.SetWebhookSecrets(ctx, name, sign, auth); err != nil {
		return err
	}
	w.Private = true
	w.Text(bot.KindSuccess, h.text.T(TextWebhookAuth, name))
	return nil
}

func (h *handlers) webhookSwitch(on bool) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		wd, err := h.webhooks()
		if err != nil {
			return err
		}
		hook, err := wd.Store.Webhook(ctx, r.Args[0])
		if err != nil {
			return err
		}
		hook.Disabled, hook.DisabledReason = !on, ""
		if !on {
			hook.DisabledReason = "turned off by " + r.Actor.String()
		}
		hook.UpdatedAt, hook.UpdatedBy = h.deps.Clock.Now().UTC(), r.Actor
		if err := wd.Store.PutWebhook(ctx, hook); err != nil {
			return err
		}
		w.Text(bot.KindSuccess, h.text.T(TextWebhookInfo, hook.Name, h.webhookLine(hook)))
		return nil
	}
}

func (h *handlers) webhookLine(hook *webhooks.Webhook) string {
	state := h.text.T(TextRecipeStateOn)
	if hook.Disabled {
		state = h.text.T(TextRecipeStateOff) + " (" + hook.DisabledReason + ")"
	}
	line := fmt.Sprintf("%s %s · %s · %s · %s", hook.Method, hostOnly(hook.URL), hook.ContentType, strings.Join(hook.Vars, ","), state)
	if hook.Description != "" {
		line += " · " + hook.Description
	}
	return line
}

func (h *handlers) webhookList(ctx context.Context, w *Reply, r *Request) error {
	wd, err := h.webhooks()
	if err != nil {
		return err
	}
	all, err := wd.Store.Webhooks(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		w.Text(bot.KindIdea, h.text.T(TextWebhookNone))
		return nil
	}
	var lines []string
	for _, hook := range all {
		lines = append(lines, "• *"+hook.Name+"* · "+h.webhookLine(hook))
	}
	w.Text(bot.KindMessage, strings.Join(lines, "\n"))
	return nil
}

func (h *handlers) webhookInfo(ctx context.Context, w *Reply, r *Request) error {
	wd, err := h.webhooks()
	if err != nil {
		return err
	}
	hook, err := wd.Store.Webhook(ctx, r.Args[0])
	if err != nil {
		return err
	}
	w.Text(bot.KindMessage, h.text.T(TextWebhookInfo, hook.Name, h.webhookLine(hook)))
	return nil
}

// webhookLog lists a webhook's last attempts: when, which message and
// attempt, the answer, how long it took, the answer's start.
func (h *handlers) webhookLog(ctx context.Context, w *Reply, r *Request) error {
	wd, err := h.webhooks()
	if err != nil {
		return err
	}
	if _, err := wd.Store.Webhook(ctx, r.Args[0]); err != nil {
		return err
	}
	lines, err := wd.Store.WebhookLog(ctx, r.Args[0], 20)
	if err != nil {
		return err
	}
	if len(lines) == 0 {
		w.Text(bot.KindIdea, h.text.T(TextWebhookNoLog, r.Args[0]))
		return nil
	}
	out := []string{h.text.T(TextWebhookLogHead, r.Args[0], lines[0].Host)}
	for _, a := range lines {
		answer := a.Error
		if a.Status != 0 {
			answer = strconv.Itoa(a.Status)
		}
		line := fmt.Sprintf("• %s · %s #%d · %s · %s · %s", a.At.UTC().Format("2006-01-02 15:04:05"), a.MsgID, a.Attempt, a.Outcome, answer, a.Took.Round(time.Millisecond))
		if a.Excerpt != "" {
			line += " · `" + strings.ReplaceAll(quoteShort(a.Excerpt), "`", "'") + "`"
		}
		out = append(out, line)
	}
	w.Text(bot.KindMessage, strings.Join(out, "\n"))
	return nil
}

// webhookTest queues a test delivery, signed like any other.
func (h *handlers) webhookTest(ctx context.Context, w *Reply, r *Request) error {
	wd, err := h.webhooks()
	if err != nil {
		return err
	}
	hook, err := wd.Store.Webhook(ctx, r.Args[0])
	if err != nil {
		return err
	}
	now := h.deps.Clock.Now().UTC()
	body := fmt.Sprintf(`{"type":"test","timestamp":%q,"data":{"by":%q}}`, now.Format(time.RFC3339), r.Actor.String())
	d := &webhooks.Delivery{MsgID: "msg_test_" + strconv.FormatInt(now.UnixNano(), 36), Webhook: hook.Name, Body: []byte(body)}
	if err := wd.Store.EnqueueWebhooks(ctx, []*webhooks.Delivery{d}); err != nil {
		return err
	}
	if wd.Queued != nil {
		wd.Queued()
	}
	w.Text(bot.KindSuccess, h.text.T(TextWebhookTest, hook.Name, d.MsgID))
	return nil
}

func (h *handlers) webhookDelete(ctx context.Context, w *Reply, r *Request) error {
	wd, err := h.webhooks()
	if err != nil {
		return err
	}
	if err := wd.Store.DeleteWebhook(ctx, r.Args[0]); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextWebhookDeleted, r.Args[0]))
	return nil
}
