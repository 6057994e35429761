package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/personalize"
)

// Nudges are campaigns with a bot.Nudge: the commands below make and run
// them through the campaign service, and show them as nudges (on, off,
// draft; the rule in words).

// nudge reads a nudge's ID and returns it; ENOTFOUND or a refusal for a
// campaign that is not a nudge.
func (h *handlers) nudge(ctx context.Context, arg string) (*bot.Campaign, bot.SendingCounts, error) {
	id, err := campaignID(arg)
	if err != nil {
		return nil, bot.SendingCounts{}, err
	}
	c, n, err := h.deps.Campaigns.Show(ctx, id)
	if err != nil {
		return nil, n, err
	}
	if c.Nudge == nil {
		return nil, n, argErrorT(TextErrNotNudge, id)
	}
	return c, n, nil
}

// nudgeState names a nudge's state as moderators think of it.
func (h *handlers) nudgeState(c *bot.Campaign) string {
	fr := h.text.Locale() == LocaleFrench
	switch c.State {
	case bot.CampaignRunning, bot.CampaignScheduled:
		if fr {
			return "active"
		}
		return "on"
	case bot.CampaignPaused:
		if fr {
			return "désactivée"
		}
		return "off"
	case bot.CampaignDraft:
		if fr {
			return "brouillon"
		}
		return "draft"
	}
	return h.text.T(CampaignStateText(c.State))
}

func (h *handlers) nudgeNew(ctx context.Context, w *Reply, r *Request) error {
	c, err := h.deps.Campaigns.CreateNudge(ctx, r.Rest, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeCreated, c.ID, c.Name))
	w.Created = c.ID
	return nil
}

func (h *handlers) nudgeWhen(ctx context.Context, w *Reply, r *Request) error {
	c, _, err := h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	n, err := ParseNudgeRule(restAfter(r.Rest, 1))
	if err != nil {
		return err
	}
	// The rule changes; who it goes out as and its copy stay.
	n.From, n.CopyTo, n.CopyText = c.Nudge.From, c.Nudge.CopyTo, c.Nudge.CopyText
	if _, err := h.deps.Campaigns.SetNudge(ctx, c.ID, n, r.Actor); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeRuleSet, c.ID, NudgeRuleText(&n, h.text.Locale())))
	return nil
}

func (h *handlers) nudgeMessage(ctx context.Context, w *Reply, r *Request) error {
	c, _, err := h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	var quiet Reply
	if err := h.campaignMessage(ctx, &quiet, r); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeMessageSet, c.ID))
	c, _, err = h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	// A contact's values are not known before a firing: say which ones a
	// firing needs, and how to give a default.
	rowOnly := map[string]bool{}
	for _, a := range personalize.RowOnly(c.KeyColumn, c.Defaults, personalize.Attrs(c.Message)) {
		rowOnly[a] = true
	}
	var lacking []string
	for _, p := range personalize.Placeholders(c.Message) {
		name := strings.Trim(p.Written, "{}[]% ")
		if rowOnly[p.Attr] && !strings.HasPrefix(strings.ToLower(name), "event.") {
			lacking = append(lacking, name)
		}
	}
	if len(lacking) > 0 {
		w.Text(bot.KindImportant, h.text.T(TextNudgeLacking, strings.Join(lacking, ", "), c.ID, lacking[0]))
	}
	return nil
}

// nudgeHours reads: nudge hours ID [DAYS] [HOURS] [tz ZONE] [closed
// DATE,DATE…], or always.
func (h *handlers) nudgeHours(ctx context.Context, w *Reply, r *Request) error {
	c, _, err := h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	sc := c.Schedule
	var rest []string
	args := r.Args[1:]
	for i := 0; i < len(args); i++ {
		switch strings.ToLower(args[i]) {
		case "tz", "fuseau":
			if i+1 == len(args) {
				return argErrorT(TextErrNudgeRule, args[i])
			}
			sc.TimeZone = args[i+1]
			i++
		case "closed", "ferme", "fermé", "holidays", "feries", "fériés":
			if i+1 == len(args) {
				return argErrorT(TextErrNudgeRule, args[i])
			}
			sc.Closed = nil
			for _, d := range strings.FieldsFunc(args[i+1], func(r rune) bool { return r == ',' || r == ';' }) {
				sc.Closed = append(sc.Closed, strings.TrimSpace(d))
			}
			i++
		case "always", "toujours", "any", "tout":
			sc.Days, sc.HoursFrom, sc.HoursTo, sc.Closed = nil, 0, 0, nil
		default:
			rest = append(rest, args[i])
		}
	}
	if len(rest) > 0 { // a time zone alone keeps the days and hours
		if sc.Days, sc.HoursFrom, sc.HoursTo, err = ParseWorkingTime(strings.Join(rest, " ")); err != nil {
			return err
		}
	}
	if _, err := h.deps.Campaigns.SetSchedule(ctx, c.ID, sc, r.Actor); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeHoursSet, c.ID, nudgeHoursText(h.text, sc)))
	return nil
}

// ruledNudge returns nudge arg and a copy of its rule to change (for
// SetNudge); ECONFLICT when it has no rule yet.
func (h *handlers) ruledNudge(ctx context.Context, arg string) (*bot.Campaign, bot.Nudge, error) {
	c, _, err := h.nudge(ctx, arg)
	if err != nil {
		return nil, bot.Nudge{}, err
	}
	if c.Nudge.Trigger == "" {
		return nil, bot.Nudge{}, bot.Errorf(bot.ECONFLICT, "nudge %d has no rule yet: `nudge when %d signed_up in 3 days at 9h`", c.ID, c.ID).Translated("err.nudge.no_rule", c.ID, c.ID)
	}
	return c, *c.Nudge, nil
}

// nudgeCopy reads: nudge copy ID ADDRESS|me TEXT, or nudge copy ID off.
func (h *handlers) nudgeCopy(ctx context.Context, w *Reply, r *Request) error {
	c, n, err := h.ruledNudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	switch strings.ToLower(r.Args[1]) {
	case "off", "none", "aucune", "non":
		n.CopyTo, n.CopyText = bot.Address{}, ""
	default:
		to := r.Actor.Address
		if a := strings.ToLower(r.Args[1]); a != "me" && a != "moi" {
			if to, err = ParseAddress(r.Args[1]); err != nil {
				return err
			}
		}
		text := strings.TrimSpace(restAfter(r.Rest, 2))
		if text == "" {
			return argErrorT(TextErrNudgeCopy)
		}
		n.CopyTo, n.CopyText = to, text
	}
	if _, err := h.deps.Campaigns.SetNudge(ctx, c.ID, n, r.Actor); err != nil {
		return err
	}
	if n.CopyTo.IsZero() {
		w.Text(bot.KindSuccess, h.text.T(TextNudgeCopyOff, c.ID))
		return nil
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeCopySet, c.ID, n.CopyTo.String()))
	return nil
}

// nudgeFrom reads: nudge from ID me|herald|NAME.
func (h *handlers) nudgeFrom(ctx context.Context, w *Reply, r *Request) error {
	c, n, err := h.ruledNudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	switch who := strings.Join(r.Args[1:], " "); strings.ToLower(who) {
	case "herald", "bot":
		n.From = ""
	case "me", "moi":
		n.From = r.Actor.Name
		if n.From == "" {
			n.From = r.Actor.Address.ID
		}
	default:
		n.From = who
	}
	if _, err := h.deps.Campaigns.SetNudge(ctx, c.ID, n, r.Actor); err != nil {
		return err
	}
	if n.From == "" {
		w.Text(bot.KindSuccess, h.text.T(TextNudgeFromHerald, c.ID))
		return nil
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeFromSet, c.ID, n.From))
	return nil
}

// nudgeEnable turns a nudge on: a draft is started, a disabled one
// resumed.
func (h *handlers) nudgeEnable(ctx context.Context, w *Reply, r *Request) error {
	c, _, err := h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	switch c.State {
	case bot.CampaignDraft:
		_, err = h.deps.Campaigns.Start(ctx, c.ID, r.Actor)
	case bot.CampaignPaused:
		_, err = h.deps.Campaigns.Resume(ctx, c.ID, r.Actor)
	case bot.CampaignCancelled, bot.CampaignDone:
		err = bot.Errorf(bot.ECONFLICT, "nudge %d was deleted: `nudge clone %d` makes a new one from it", c.ID, c.ID).Translated("err.nudge.deleted", c.ID, c.ID)
	}
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeEnabled, c.ID))
	return nil
}

func (h *handlers) nudgeDisable(ctx context.Context, w *Reply, r *Request) error {
	c, _, err := h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	if c.State != bot.CampaignPaused {
		if _, err := h.deps.Campaigns.Pause(ctx, c.ID, r.Actor); err != nil {
			return err
		}
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeDisabled, c.ID))
	return nil
}

func (h *handlers) nudgeList(ctx context.Context, w *Reply, r *Request) error {
	cs, err := h.deps.Campaigns.List(ctx, bot.CampaignFilter{})
	if err != nil {
		return err
	}
	var lines []string
	for _, c := range cs {
		if c.Nudge == nil || c.State == bot.CampaignCancelled {
			continue
		}
		_, n, err := h.deps.Campaigns.Show(ctx, c.ID)
		if err != nil {
			return err
		}
		rule := h.text.T(TextNudgeNoRule, c.ID)
		if c.Nudge.Trigger != "" {
			rule = NudgeRuleText(c.Nudge, h.text.Locale())
		}
		lines = append(lines, "• "+h.text.T(TextNudgeLine, c.ID, c.Name, h.nudgeState(c), rule, n.Sent))
	}
	if len(lines) == 0 {
		w.Text(bot.KindMessage, h.text.T(TextNoNudges))
		return nil
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Title: h.text.T(TextNudgesTitle), Text: strings.Join(lines, "\n")})
	return nil
}

func (h *handlers) nudgeInfo(ctx context.Context, w *Reply, r *Request) error {
	c, n, err := h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	rule := h.text.T(TextNudgeNoRule, c.ID)
	if c.Nudge.Trigger != "" {
		rule = NudgeRuleText(c.Nudge, h.text.Locale())
	}
	fields := []bot.Field{
		{Label: h.text.T(TextCardState), Value: h.nudgeState(c), Short: true},
		{Label: h.text.T(TextNudgeRule), Value: rule},
		{Label: h.text.T(TextCardHours), Value: nudgeHoursText(h.text, c.Schedule), Short: true},
	}
	if c.Nudge.From != "" {
		fields = append(fields, bot.Field{Label: h.text.T(TextNudgeFromLabel), Value: c.Nudge.From, Short: true})
	}
	if !c.Nudge.CopyTo.IsZero() {
		fields = append(fields, bot.Field{Label: h.text.T(TextNudgeCopyLabel), Value: c.Nudge.CopyTo.String() + ": " + c.Nudge.CopyText})
	}
	fields = append(fields, []bot.Field{
		{Label: h.text.T(TextNudgeSendings), Value: h.text.T(TextNudgeCounts, n.Pending+n.Scheduled+n.InFlight, n.Sent, n.Failed, n.Skipped)},
	}...)
	text := c.Message.Text
	if text == "" {
		text = "—"
	}
	w.Say(bot.Message{Kind: bot.KindCard, Title: fmt.Sprintf("#%d %s", c.ID, c.Name), Text: text, Fields: fields})
	return nil
}

func (h *handlers) nudgeDelete(ctx context.Context, w *Reply, r *Request) error {
	c, n, err := h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	if c.State == bot.CampaignDraft {
		if err := h.deps.Campaigns.Delete(ctx, c.ID); err != nil {
			return err
		}
		w.Text(bot.KindSuccess, h.text.T(TextNudgeDeleted, c.ID))
		return nil
	}
	if _, err := h.deps.Campaigns.Cancel(ctx, c.ID, r.Actor); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeCancelled, c.ID, n.Pending+n.Scheduled))
	return nil
}

func (h *handlers) nudgeClone(ctx context.Context, w *Reply, r *Request) error {
	c, _, err := h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	cp, err := h.deps.Campaigns.Clone(ctx, c.ID, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeCloned, cp.ID, c.ID))
	w.Created = cp.ID
	return nil
}

// nudgeTest sends the nudge now to one contact (an email, or a platform
// address), outside its report.
func (h *handlers) nudgeTest(ctx context.Context, w *Reply, r *Request) error {
	c, _, err := h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	to, err := ParseAddress(r.Args[1])
	if err != nil {
		return err
	}
	res, err := h.deps.Campaigns.Try(ctx, c.ID, to)
	if err != nil {
		return err
	}
	if !res.Delivered {
		w.Text(bot.KindImportant, h.text.T(TextTryFailed, c.ID, to, res.Step, h.text.Reason(res.Reason, res.ReasonKey, res.ReasonArgs)))
		return nil
	}
	w.Text(bot.KindSuccess, h.text.T(TextNudgeTried, c.ID, res.To))
	return nil
}

func (h *handlers) nudgeReport(ctx context.Context, w *Reply, r *Request) error {
	c, _, err := h.nudge(ctx, r.Args[0])
	if err != nil {
		return err
	}
	data, err := h.deps.table(func(rows bot.RowWriter) error { return h.deps.Campaigns.Report(ctx, c.ID, rows) })
	if err != nil {
		return err
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Text: h.text.T(TextNudgeReport, c.ID),
		Files: []bot.File{{Name: fmt.Sprintf("nudge-%d-report.csv", c.ID), ContentType: "text/csv", Size: int64(len(data)), Data: data}}})
	return nil
}

// nudgeHoursText says when a nudge may go: its working time, or at any
// time.
func nudgeHoursText(t *Text, sc bot.Schedule) string {
	if w := workingTime(sc, t.Locale()); w != "" {
		return w
	}
	return t.T(TextCardNoWindow)
}
