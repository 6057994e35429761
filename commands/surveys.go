package commands

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/schedule"
	"github.com/heraldchat/herald/bot/surveys"
)

// Surveys is what the survey commands need (surveys.Service).
type Surveys interface {
	AddQuestion(ctx context.Context, id bot.CampaignID, q bot.Question, by bot.Actor) (*bot.Campaign, error)
	MoveQuestion(ctx context.Context, id bot.CampaignID, from, to int, by bot.Actor) (*bot.Campaign, error)
	DeleteQuestion(ctx context.Context, id bot.CampaignID, n int, by bot.Actor) (*bot.Campaign, error)
	SetThanks(ctx context.Context, id bot.CampaignID, text string, by bot.Actor) (*bot.Campaign, error)
	SetAnonymous(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error)
	Close(ctx context.Context, id bot.CampaignID, at time.Time, by bot.Actor) (*bot.Campaign, error)
	Stats(ctx context.Context, id bot.CampaignID) (*surveys.Stats, error)
	ExportAnswers(ctx context.Context, id bot.CampaignID, w bot.RowWriter) error
	Answers(ctx context.Context, id bot.CampaignID, n int) (*bot.Campaign, *surveys.Response, int, error)
}

func (h *handlers) surveys() (Surveys, error) {
	if h.deps.Surveys == nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "surveys are not set up on this herald")
	}
	return h.deps.Surveys, nil
}

// surveyCommand reads a survey command's campaign ID (its first word).
func (h *handlers) surveyCommand(fn func(ctx context.Context, sv Surveys, id bot.CampaignID, w *Reply, r *Request) error) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		sv, err := h.surveys()
		if err != nil {
			return err
		}
		id, err := campaignID(r.Args[0])
		if err != nil {
			return err
		}
		return fn(ctx, sv, id, w, r)
	}
}

// ParseQuestion reads a question as typed after `campaign question ID
// add`: KIND "TEXT" [optional] [CHOICE | CHOICE …], KIND one of choice,
// multi, rating (1-5), nps (0-10), text (in French: choix, multiple,
// note, nps, texte; facultative).
func ParseQuestion(typed string) (bot.Question, error) {
	var q bot.Question
	kind, rest := nextWord(strings.TrimSpace(typed))
	switch strings.ToLower(kind) {
	case "choice", "choix":
		q.Kind = bot.QuestionChoice
	case "multi", "multiple":
		q.Kind = bot.QuestionMulti
	case "rating", "note":
		q.Kind, q.Scale = bot.QuestionRating, 5
	case "nps":
		q.Kind, q.Scale = bot.QuestionRating, 10
	case "text", "texte":
		q.Kind = bot.QuestionText
	default:
		return q, argErrorT(TextErrQuestionKind, kind)
	}
	rest = strings.TrimSpace(rest)
	if !strings.HasPrefix(rest, "\"") && !strings.HasPrefix(rest, "“") {
		return q, argErrorT(TextErrQuestionQuote)
	}
	open := "\""
	if strings.HasPrefix(rest, "“") {
		open = "“"
	}
	body := rest[len(open):]
	end := strings.IndexAny(body, "\"”")
	if end < 0 {
		return q, argErrorT(TextErrQuestionQuote)
	}
	q.Text = strings.TrimSpace(body[:end])
	after := strings.TrimSpace(body[end+len(string([]rune(body[end:])[0])):])
	// "optional" comes right after the question, before any answers (a
	// choice may itself say "optional").
	if first, rest := nextWord(after); slices.Contains([]string{"optional", "facultative", "facultatif"}, strings.ToLower(first)) {
		q.Optional, after = true, strings.TrimSpace(rest)
	}
	if after != "" {
		if q.Kind != bot.QuestionChoice && q.Kind != bot.QuestionMulti {
			return q, argErrorT(TextErrQuestionNoChoices, string(q.Kind))
		}
		for _, c := range strings.Split(after, "|") {
			q.Choices = append(q.Choices, strings.TrimSpace(c))
		}
	}
	return q, surveys.CheckQuestion(q)
}

// surveyQuestion serves `campaign question ID add|list|move|delete …`.
func (h *handlers) surveyQuestion(ctx context.Context, sv Surveys, id bot.CampaignID, w *Reply, r *Request) error {
	verb := strings.ToLower(r.Args[1])
	var c *bot.Campaign
	var err error
	switch verb {
	case "add", "ajouter":
		q, perr := ParseQuestion(restAfter(r.Rest, 2))
		if perr != nil {
			return perr
		}
		c, err = sv.AddQuestion(ctx, id, q, r.Actor)
	case "move", "déplacer":
		if len(r.Args) != 4 {
			return argErrorT(TextErrQuestionMove)
		}
		from, e1 := strconv.Atoi(r.Args[2])
		to, e2 := strconv.Atoi(r.Args[3])
		if e1 != nil || e2 != nil {
			return argErrorT(TextErrQuestionMove)
		}
		c, err = sv.MoveQuestion(ctx, id, from, to, r.Actor)
	case "delete", "supprimer":
		n, e := strconv.Atoi(strings.TrimSpace(restAfter(r.Rest, 2)))
		if e != nil {
			return argErrorT(TextErrQuestionNumber, restAfter(r.Rest, 2))
		}
		c, err = sv.DeleteQuestion(ctx, id, n, r.Actor)
	case "list", "liste":
		st, serr := sv.Stats(ctx, id)
		if serr != nil {
			return serr
		}
		c = st.Campaign
	default:
		return argErrorT(TextErrQuestionVerb, r.Args[1])
	}
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.questionsText(c))
	return nil
}

// questionsText lists a survey's questions, numbered.
func (h *handlers) questionsText(c *bot.Campaign) string {
	lines := []string{h.text.T(TextSurveyHead, c.ID, c.Name, len(c.Survey.Questions))}
	for i, q := range c.Survey.Questions {
		kind := string(q.Kind)
		if q.Kind == bot.QuestionRating {
			kind = map[int]string{5: "rating 1-5", 10: "nps 0-10"}[q.Scale]
		}
		line := fmt.Sprintf("%d. %s (%s)", i+1, q.Text, kind)
		if len(q.Choices) > 0 {
			line += ": " + strings.Join(q.Choices, " | ")
		}
		if q.Optional {
			line += " · " + h.text.T(TextSurveyOptional)
		}
		lines = append(lines, line)
	}
	if c.Survey.Anonymous {
		lines = append(lines, h.text.T(TextSurveyAnonymous))
	}
	return strings.Join(lines, "\n")
}

func (h *handlers) surveyThanks(ctx context.Context, sv Surveys, id bot.CampaignID, w *Reply, r *Request) error {
	if _, err := sv.SetThanks(ctx, id, restAfter(r.Rest, 1), r.Actor); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextSurveyThanksSet, id))
	return nil
}

func (h *handlers) surveyAnonymous(ctx context.Context, sv Surveys, id bot.CampaignID, w *Reply, r *Request) error {
	if _, err := sv.SetAnonymous(ctx, id, r.Actor); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextSurveyMadeAnonymous, id))
	return nil
}

// surveyClose serves `campaign close ID [at WHEN]` (WHEN in the
// campaign's time zone).
func (h *handlers) surveyClose(ctx context.Context, sv Surveys, id bot.CampaignID, w *Reply, r *Request) error {
	var at time.Time
	if len(r.Args) > 1 {
		if !strings.EqualFold(r.Args[1], "at") && !strings.EqualFold(r.Args[1], "le") || len(r.Args) < 3 {
			return argErrorT(TextErrSurveyCloseAt)
		}
		c, _, err := h.deps.Campaigns.Show(ctx, id)
		if err != nil {
			return err
		}
		loc, err := schedule.Location(c.Schedule)
		if err != nil {
			return err
		}
		if at, err = ParseWhen(restAfter(r.Rest, 2), h.deps.Clock.Now(), loc); err != nil {
			return err
		}
	}
	c, err := sv.Close(ctx, id, at, r.Actor)
	if err != nil {
		return err
	}
	if !c.Survey.ClosesAt.IsZero() && c.Survey.ClosedAt.IsZero() {
		loc, _ := schedule.Location(c.Schedule)
		w.Text(bot.KindSuccess, h.text.T(TextSurveyClosesAt, id, c.Survey.ClosesAt.In(loc).Format("2006-01-02 15:04 MST")))
		return nil
	}
	w.Text(bot.KindSuccess, h.text.T(TextSurveyClosed, id))
	return nil
}

// surveyStats answers `campaign stats ID`: per question, each answer's
// count and share with a bar; a rating's mean; the latest texts.
// head, when set, comes first (the campaign's engagement).
func (h *handlers) surveyStats(ctx context.Context, sv Surveys, id bot.CampaignID, head []string, w *Reply) error {
	st, err := sv.Stats(ctx, id)
	if err != nil {
		return err
	}
	c := st.Campaign
	lines := append(head, "", h.text.T(TextSurveyStatsHead, c.ID, c.Name, st.Responses, st.Complete, roughly(st.AverageTime)))
	if len(head) == 0 {
		lines = lines[1:]
	}
	for i, q := range st.Questions {
		lines = append(lines, "", fmt.Sprintf("*%d. %s* — %s", i+1, q.Question.Text, h.text.T(TextSurveyAnswers, q.Answered, q.Skipped)))
		for k, label := range q.Labels {
			pct := q.Percent(q.Counts[k])
			lines = append(lines, fmt.Sprintf("%s `%s` %d (%d%%)", label, strings.Repeat("█", pct/10)+strings.Repeat("·", 10-pct/10), q.Counts[k], pct))
		}
		if q.Question.Kind == bot.QuestionRating && q.Answered > 0 {
			lines = append(lines, h.text.T(TextSurveyAverage, fmt.Sprintf("%.1f", q.Average)))
		}
		for j, t := range q.Texts {
			if j == 5 {
				lines = append(lines, h.text.T(TextSurveyMoreTexts, len(q.Texts)-5, c.ID))
				break
			}
			lines = append(lines, "› "+t)
		}
	}
	m := bot.Message{Kind: bot.KindMessage, Text: strings.Join(lines, "\n")}
	// A chart per question answered with a choice or a rating.
	for i, q := range st.Questions {
		if h.deps.Chart == nil || len(q.Labels) == 0 || q.Answered == 0 {
			continue
		}
		png, err := h.deps.Chart(fmt.Sprintf("%d. %s", i+1, q.Question.Text), q.Labels, q.Counts, q.Answered)
		if err != nil {
			return err
		}
		m.Files = append(m.Files, bot.File{Name: fmt.Sprintf("campaign-%d-q%d.png", c.ID, i+1), ContentType: "image/png", Size: int64(len(png)), Data: png})
	}
	w.Say(m)
	return nil
}

// roughly writes a time span as a person reads it: to the second under a
// minute, to the minute under a day, to the hour beyond.
func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < 24*time.Hour:
		return shortDuration(d.Round(time.Minute))
	}
	return shortDuration(d.Round(time.Hour))
}

// surveyExport answers `campaign export ID answers`: one row per
// respondent, one column per question.
func (h *handlers) surveyExport(ctx context.Context, sv Surveys, id bot.CampaignID, w *Reply) error {
	data, err := h.deps.table(func(rows bot.RowWriter) error { return sv.ExportAnswers(ctx, id, rows) })
	if err != nil {
		return err
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Text: h.text.T(TextSurveyExportReady, id),
		Files: []bot.File{{Name: fmt.Sprintf("campaign-%d-answers.csv", id), ContentType: "text/csv", Size: int64(len(data)), Data: data}}})
	return nil
}

// surveyAnswers serves `campaign answers ID [N]`: one respondent's
// answers, with buttons to the previous and the next.
func (h *handlers) surveyAnswers(ctx context.Context, sv Surveys, id bot.CampaignID, w *Reply, r *Request) error {
	n := 1
	if len(r.Args) > 1 {
		var err error
		if n, err = strconv.Atoi(r.Args[1]); err != nil || n < 1 {
			return argErrorT(TextErrQuestionNumber, r.Args[1])
		}
	}
	c, resp, total, err := sv.Answers(ctx, id, n)
	if err != nil {
		return err
	}
	who := resp.Respondent
	if resp.Name != "" {
		who = resp.Name + " (" + resp.Respondent + ")"
	}
	lines := []string{h.text.T(TextSurveyRespondent, n, total, who)}
	for i, q := range c.Survey.Questions {
		a, ok := resp.Answers[i]
		text := surveys.AnswerText(q, a, !ok)
		if text == "" {
			text = "—"
		}
		lines = append(lines, fmt.Sprintf("%d. %s — %s", i+1, q.Text, text))
	}
	m := bot.Message{Kind: bot.KindCard, Title: c.Name, Text: strings.Join(lines, "\n")}
	if n > 1 {
		m.Buttons = append(m.Buttons, bot.Button{Label: "◀ " + h.text.T(TextSurveyPrevious), Action: bot.Action{Kind: bot.ActionCommand, Value: h.signer.Sign(fmt.Sprintf("campaign answers %d %d", id, n-1))}})
	}
	if n < total {
		m.Buttons = append(m.Buttons, bot.Button{Label: h.text.T(TextSurveyNext) + " ▶", Action: bot.Action{Kind: bot.ActionCommand, Value: h.signer.Sign(fmt.Sprintf("campaign answers %d %d", id, n+1))}})
	}
	w.Say(m)
	return nil
}
