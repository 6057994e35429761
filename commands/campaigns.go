package commands

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/schedule"
)

func campaignID(s string) (bot.CampaignID, error) {
	n, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || n == 0 {
		return 0, argErrorT(TextErrCampaignNumber, s)
	}
	return bot.CampaignID(n), nil
}

var stateFilters = map[string][]bot.CampaignState{
	"drafts": {bot.CampaignDraft}, "draft": {bot.CampaignDraft},
	"scheduled": {bot.CampaignScheduled},
	"running":   {bot.CampaignRunning, bot.CampaignPaused}, "paused": {bot.CampaignPaused},
	"done": {bot.CampaignDone, bot.CampaignCancelled}, "cancelled": {bot.CampaignCancelled},
}

func (h *handlers) campaigns(ctx context.Context, w *Reply, r *Request) error {
	var f bot.CampaignFilter
	if len(r.Args) == 1 {
		states, ok := stateFilters[strings.ToLower(r.Args[0])]
		if !ok {
			return argErrorT(TextErrState, r.Args[0])
		}
		f.States = states
	}
	cs, err := h.deps.Campaigns.List(ctx, f)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		w.Text(bot.KindMessage, h.text.T(TextNoCampaigns))
		return nil
	}
	cs = slices.DeleteFunc(cs, func(c *bot.Campaign) bool { return c.Nudge != nil }) // see nudges
	if len(cs) == 0 {
		w.Text(bot.KindMessage, h.text.T(TextNoCampaigns))
		return nil
	}
	var lines []string
	for i, c := range cs {
		if i == 30 {
			lines = append(lines, h.text.T(TextMoreInvalid, len(cs)-30))
			break
		}
		_, n, err := h.deps.Campaigns.Show(ctx, c.ID)
		if err != nil {
			return err
		}
		lines = append(lines, "• "+h.text.T(TextCampaignLine, c.ID, c.Name, h.text.T(CampaignStateText(c.State)), n.Sent, n.Total))
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Title: h.text.T(TextCampaignsTitle), Text: strings.Join(lines, "\n")})
	return nil
}

func (h *handlers) card(ctx context.Context, w *Reply, id bot.CampaignID) error {
	c, n, err := h.deps.Campaigns.Show(ctx, id)
	if err != nil {
		return err
	}
	w.Say(CampaignCard(h.text, h.signer, c, n))
	return nil
}

func (h *handlers) campaignNew(ctx context.Context, w *Reply, r *Request) error {
	c, err := h.deps.Campaigns.Create(ctx, r.Rest, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextCreated, c.ID, c.Name, c.ID))
	w.Created = c.ID
	return nil
}

var messageKeys = map[string]string{"kind": "kind", "title": "title", "image": "image", "button": "button", "field": "field",
	"type": "kind", "titre": "title", "bouton": "button", "champ": "field"}

// campaignMessage reads: campaign message ID [kind:K] [title:"…"]
// [image:URL] [button:"Label|https://…" or "Label|reply"]… [field:"Label|Value"]… TEXT.
func (h *handlers) campaignMessage(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	opts, text := scanOptions(restAfter(r.Rest, 1), messageKeys, nil)
	m := bot.Message{Kind: bot.KindMessage, Text: strings.TrimSpace(text)}
	for _, o := range opts {
		switch o.key {
		case "kind":
			m.Kind = bot.Kind(strings.ToLower(o.value))
		case "title":
			m.Title = o.value
		case "image":
			m.ImageURL = o.value
		case "button":
			label, target, ok := strings.Cut(o.value, "|")
			if !ok || strings.TrimSpace(label) == "" || strings.TrimSpace(target) == "" {
				return argErrorT(TextErrButton, o.value)
			}
			b := bot.Button{Label: strings.TrimSpace(label)}
			if t := strings.TrimSpace(target); strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") || strings.HasPrefix(t, "{{") {
				b.Action = bot.Action{Kind: bot.ActionLink, URL: t}
			} else {
				b.Action = bot.Action{Kind: bot.ActionReply, Value: t}
			}
			m.Buttons = append(m.Buttons, b)
		case "field":
			label, value, _ := strings.Cut(o.value, "|")
			m.Fields = append(m.Fields, bot.Field{Label: strings.TrimSpace(label), Value: strings.TrimSpace(value), Short: true})
		}
	}
	if len(m.Buttons) > 0 && m.Kind == bot.KindMessage {
		m.Kind = bot.KindCard
	}
	if _, err := h.deps.Campaigns.SetMessage(ctx, id, m, r.Actor); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextMessageSet, id, id, id))
	return nil
}

// campaignAudience reads: campaign audience ID list:NAME | all:PLATFORM,
// or an attached file.
func (h *handlers) campaignAudience(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	if len(r.Args) == 1 {
		if len(r.Files) == 0 {
			return argErrorT(TextErrAudienceWho)
		}
		rd, err := h.deps.OpenRecipients(bytes.NewReader(r.Files[0].Data))
		if err != nil {
			return err
		}
		res, err := h.deps.Campaigns.SetAudienceFile(ctx, id, rd, r.Actor)
		if err != nil {
			return err
		}
		text := h.text.T(TextAudienceSet, id, res.List.Name, res.List.Size, id, id)
		if res.Invalid > 0 {
			text += "\n" + h.text.T(TextImportInvalid, res.Invalid) + "\n" + h.invalidLines(res.Errors, res.Invalid)
		}
		w.Text(bot.KindSuccess, text)
		return nil
	}
	kind, value, ok := strings.Cut(r.Args[1], ":")
	var a bot.Audience
	switch strings.ToLower(kind) {
	case "list", "liste":
		a = bot.Audience{Kind: bot.AudienceList, List: value}
	case "all", "tous":
		a = bot.Audience{Kind: bot.AudiencePlatform, Platform: bot.Platform(strings.ToLower(value))}
	}
	if !ok || value == "" || a.Kind == "" {
		return argErrorT(TextErrAudience, r.Args[1])
	}
	c, err := h.deps.Campaigns.SetAudience(ctx, id, a, r.Actor)
	if err != nil {
		return err
	}
	chk, err := h.deps.Campaigns.Check(ctx, c.ID)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextAudienceSet, id, a.String(), chk.Audience, id, id))
	return nil
}

func (h *handlers) campaignPlatform(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	p := bot.Platform(strings.ToLower(r.Args[1]))
	if _, err := h.deps.Campaigns.SetPlatform(ctx, id, p, r.Actor); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextPlatformSet, id, p))
	return nil
}

var scheduleKeys = map[string]string{
	"at": "at", "when": "at", "quand": "at", "le": "at",
	"window": "window", "fenetre": "window", "fenêtre": "window", "duration": "window", "duree": "window", "durée": "window",
	"hours": "hours", "heures": "hours",
	"days": "days", "jours": "days",
	"tz": "tz", "timezone": "tz", "zone": "tz", "fuseau": "tz",
	"presence": "presence", "présence": "presence",
	"retries": "retries", "relances": "retries",
	"steps": "steps", "etapes": "steps", "étapes": "steps",
}

// campaignSchedule reads: campaign schedule ID [at WHEN] [window DUR]
// [hours mon-fri 9-18] [days mon-fri] [tz ZONE] [presence active|any]
// [retries N]; each as "key value" or "key:value". What is not given
// keeps its current value.
func (h *handlers) campaignSchedule(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	c, _, err := h.deps.Campaigns.Show(ctx, id)
	if err != nil {
		return err
	}
	opts, rest := scanOptions(restAfter(r.Rest, 1), scheduleKeys, scheduleKeys)
	if strings.TrimSpace(rest) != "" {
		return argErrorT(TextErrScheduleWord, rest)
	}
	if len(opts) == 0 {
		return argErrorT(TextErrScheduleWhat)
	}
	s := c.Schedule
	// The zone first: dates are read in it.
	for _, o := range opts {
		if o.key == "tz" {
			s.TimeZone = o.value
			if _, err := schedule.Location(s); err != nil {
				return err
			}
		}
	}
	loc, err := schedule.Location(s)
	if err != nil {
		return err
	}
	var said []string
	for _, o := range opts {
		switch o.key {
		case "at":
			t, err := ParseWhen(o.value, h.deps.Clock.Now(), loc)
			if err != nil {
				return err
			}
			s.StartAt = t
			said = append(said, t.In(loc).Format("2006-01-02 15:04 MST"))
		case "window":
			if o.value == "0" || strings.EqualFold(o.value, "none") {
				s.Window = 0
			} else if s.Window, err = ParseDuration(o.value); err != nil {
				return err
			}
			said = append(said, h.text.T(TextSaidWindow)+" "+shortDuration(s.Window))
		case "hours":
			days, from, to, err := ParseWorkingTime(o.value)
			if err != nil {
				return err
			}
			if days != nil {
				s.Days = days
			}
			s.HoursFrom, s.HoursTo = from, to
			said = append(said, h.text.T(TextSaidHours)+" "+o.value)
		case "days":
			if s.Days, err = ParseDays(o.value); err != nil {
				return err
			}
			said = append(said, h.text.T(TextSaidDays)+" "+o.value)
		case "tz":
			said = append(said, o.value)
		case "presence":
			switch strings.ToLower(o.value) {
			case "active", "actif", "available", "disponible":
				s.OnlyWhenActive = true
			case "any", "all", "tous", "regardless", "always", "toujours":
				s.OnlyWhenActive = false
			default:
				return argErrorT(TextErrPresence, o.value)
			}
			said = append(said, h.text.T(TextSaidPresence)+" "+o.value)
		case "retries":
			n, err := strconv.Atoi(o.value)
			if err != nil || n < 0 || n > 10 {
				return argErrorT(TextErrRetries, o.value)
			}
			s.RetryCycles = n
			if n == 0 {
				s.RetryCycles = -1
			}
			said = append(said, h.text.T(TextSaidRetries)+" "+o.value)
		case "steps":
			s.RetrySteps = nil
			if !strings.EqualFold(o.value, "default") {
				for _, part := range strings.Split(o.value, ",") {
					d, err := ParseDuration(strings.TrimSpace(part))
					if err != nil {
						return err
					}
					s.RetrySteps = append(s.RetrySteps, d)
				}
			}
			said = append(said, h.text.T(TextSaidSteps)+" "+o.value)
		}
	}
	if _, err := h.deps.Campaigns.SetSchedule(ctx, id, s, r.Actor); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextScheduleSet, id, strings.Join(said, ", "), id))
	return nil
}

// campaignMissing reads: campaign missing ID skip | ATTR=VALUE…
func (h *handlers) campaignMissing(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	defaults := map[string]string{}
	policy := bot.MissingRefuse
	var said []string
	for _, a := range r.Args[1:] {
		if k, v, ok := strings.Cut(a, "="); ok && k != "" {
			defaults[k] = v
			said = append(said, fmt.Sprintf("%s=%q", k, v))
			continue
		}
		switch strings.ToLower(a) {
		case "skip", "ignorer", "ignore":
			policy = bot.MissingSkip
			said = append(said, "skip")
		default:
			return argErrorT(TextErrMissing, a)
		}
	}
	if _, err := h.deps.Campaigns.SetMissing(ctx, id, defaults, policy, r.Actor); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextMissingSet, id, strings.Join(said, ", ")))
	return nil
}

func (h *handlers) campaignCheck(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	chk, err := h.deps.Campaigns.Check(ctx, id)
	if err != nil {
		return err
	}
	reach, err := h.deps.Campaigns.Reach(ctx, id)
	if err != nil {
		return err
	}
	var reachLines []string
	reachable := 0
	for _, rc := range reach {
		line := "• " + h.text.T(TextReachLine, string(rc.Platform), rc.Reachable(), rc.Total)
		var why []string
		for _, r := range []bot.Reachability{bot.ReachBlocked, bot.ReachNotStarted, bot.ReachNotInstalled, bot.ReachGone, campaigns.NeverMet} {
			if n := rc.Unreachable[r]; n > 0 {
				why = append(why, h.text.T(TextReachWhy, n, reachWord(h.text.Locale(), r)))
			}
		}
		if len(why) > 0 {
			line += " (" + strings.Join(why, ", ") + ")"
		}
		reachLines = append(reachLines, line)
		reachable += rc.Reachable()
	}
	if chk.Audience > 0 && reachable == 0 {
		w.Text(bot.KindImportant, h.text.T(TextReachNobody, id)+"\n"+strings.Join(reachLines, "\n"))
		return nil
	}
	if chk.LackingTotal == 0 {
		w.Text(bot.KindSuccess, h.text.T(TextCheckOK, id, chk.Audience, id)+"\n"+strings.Join(reachLines, "\n"))
		return nil
	}
	var lines []string
	for i, l := range chk.Lacking {
		if i == maxShown {
			lines = append(lines, h.text.T(TextMoreInvalid, chk.LackingTotal-maxShown))
			break
		}
		lines = append(lines, "• "+h.text.T(TextLackingLine, l.Key, strings.Join(l.Missing, ", ")))
	}
	w.Text(bot.KindImportant, h.text.T(TextCheckLacking, id, chk.Audience, chk.LackingTotal, id, id)+"\n"+strings.Join(append(lines, reachLines...), "\n"))
	return nil
}

func (h *handlers) campaignPreview(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	key := ""
	if len(r.Args) > 1 {
		key = r.Args[1]
	}
	m, who, err := h.deps.Campaigns.Preview(ctx, id, key)
	if err != nil {
		return err
	}
	w.Text(bot.KindMessage, h.text.T(TextPreviewFor, id, who))
	w.Say(m)
	return nil
}

func (h *handlers) campaignTry(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	to := r.Actor.Address
	if len(r.Args) > 1 {
		if to, err = ParseAddress(r.Args[1]); err != nil {
			return err
		}
	}
	res, err := h.deps.Campaigns.Try(ctx, id, to)
	if err != nil {
		return err
	}
	if res.Delivered {
		w.Text(bot.KindSuccess, h.text.T(TextTryDelivered, id, res.To))
		return nil
	}
	w.Text(bot.KindImportant, h.text.T(TextTryFailed, id, to, res.Step, h.text.Reason(res.Reason, res.ReasonKey, res.ReasonArgs)))
	return nil
}

// lifecycle serves start, pause, resume, cancel: it changes the campaign
// and answers with its card.
func (h *handlers) lifecycle(do func(context.Context, bot.CampaignID, bot.Actor) (*bot.Campaign, error), done TextKey) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		id, err := campaignID(r.Args[0])
		if err != nil {
			return err
		}
		c, err := do(ctx, id, r.Actor)
		if err != nil {
			return err
		}
		switch {
		case done == TextStarted && c.Schedule.StartAt.After(h.deps.Clock.Now()):
			loc, _ := schedule.Location(c.Schedule)
			if loc == nil {
				loc = time.UTC
			}
			w.Text(bot.KindSuccess, h.text.T(TextScheduled, id, c.Schedule.StartAt.In(loc).Format("2006-01-02 15:04 MST")))
		default:
			w.Text(bot.KindSuccess, h.text.T(done, id, id))
		}
		return h.card(ctx, w, id)
	}
}

func (h *handlers) campaignClone(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	c, err := h.deps.Campaigns.Clone(ctx, id, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextCloned, c.ID, id, c.ID))
	return h.card(ctx, w, c.ID)
}

func (h *handlers) campaignDelete(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	if err := h.deps.Campaigns.Delete(ctx, id); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextDeleted, id))
	return nil
}

func (h *handlers) campaignShow(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	return h.card(ctx, w, id)
}

func (h *handlers) campaignReport(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	data, err := h.deps.table(func(rows bot.RowWriter) error { return h.deps.Campaigns.Report(ctx, id, rows) })
	if err != nil {
		return err
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Text: h.text.T(TextReportReady, id),
		Files: []bot.File{{Name: fmt.Sprintf("campaign-%d-report.csv", id), ContentType: "text/csv", Size: int64(len(data)), Data: data}}})
	return nil
}

// reachWord names why people cannot be reached, in the locale.
func reachWord(l Locale, r bot.Reachability) string {
	words := map[bot.Reachability][2]string{
		bot.ReachBlocked:      {"blocked the bot", "ont bloqué le bot"},
		bot.ReachNotStarted:   {"never started it", "ne l'ont jamais démarré"},
		bot.ReachNotInstalled: {"without the app", "sans l'application"},
		bot.ReachGone:         {"gone", "comptes disparus"},
		campaigns.NeverMet:    {"not met yet, looked up when sent", "pas encore rencontrés, cherchés à l'envoi"},
	}
	w := words[r]
	if l == LocaleFrench {
		return w[1]
	}
	return w[0]
}
