package surveys

import (
	"context"
	"sort"
	"strconv"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Stats are a survey's answers counted.
type Stats struct {
	Campaign *bot.Campaign
	// Responses counts the people who answered at least one question;
	// Complete those who answered (or skipped) the last.
	Responses, Complete int
	// AverageTime is the mean, over respondents with two answers or more,
	// of the time from their first answer to their last.
	AverageTime time.Duration
	Questions   []QuestionStats
}

// QuestionStats are one question's answers counted.
type QuestionStats struct {
	Question bot.Question
	// Answered counts the answers, Skipped the questions skipped.
	Answered, Skipped int
	// Labels and Counts are the answers offered and how many took each
	// (choices, or ratings from low to high).
	Labels []string
	Counts []int
	// Average is a rating's mean; Texts a text question's answers, the
	// latest first.
	Average float64
	Texts   []string
}

// Percent is count's share of the question's answers, rounded.
func (q QuestionStats) Percent(count int) int {
	if q.Answered == 0 {
		return 0
	}
	return (count*100 + q.Answered/2) / q.Answered
}

// Stats counts survey id's answers from its running tally (kept with
// each answer: reading it does not grow with the respondents).
func (s *Service) Stats(ctx context.Context, id bot.CampaignID) (*Stats, error) {
	c, err := s.Campaigns.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Survey == nil {
		return nil, notSurvey(id)
	}
	t, err := s.Store.SurveyTally(ctx, id)
	if err != nil {
		return nil, err
	}
	return statsOf(c, t), nil
}

// statsOf reads tally t of survey campaign c as Stats.
func statsOf(c *bot.Campaign, t *Tally) *Stats {
	qs := c.Survey.Questions
	st := &Stats{Campaign: c, Responses: t.Responses, Complete: t.Complete, Questions: make([]QuestionStats, len(qs))}
	if t.Timed > 0 {
		st.AverageTime = t.Span / time.Duration(t.Timed)
	}
	for i, q := range qs {
		qst := QuestionStats{Question: q}
		switch q.Kind {
		case bot.QuestionChoice, bot.QuestionMulti:
			qst.Labels = append([]string(nil), q.Choices...)
		case bot.QuestionRating:
			lo, hi := RatingRange(q)
			for n := lo; n <= hi; n++ {
				qst.Labels = append(qst.Labels, strconv.Itoa(n))
			}
		}
		qst.Counts = make([]int, len(qst.Labels))
		if i < len(t.Questions) {
			qt := t.Questions[i]
			qst.Answered, qst.Skipped = qt.Answered, qt.Skipped
			copy(qst.Counts, qt.Counts)
			if q.Kind == bot.QuestionRating && qt.Answered > 0 {
				qst.Average = float64(qt.RatingSum) / float64(qt.Answered)
			}
			for k := len(qt.Texts) - 1; k >= 0; k-- {
				qst.Texts = append(qst.Texts, qt.Texts[k]) // the latest first
			}
		}
		st.Questions[i] = qst
	}
	return st
}

// Recount counts survey id's answers again from every response, as the
// tally should hold them (its texts aside: the latest MaxTallyTexts by
// time). It reads every response: for checks, not for every `stats`.
func (s *Service) Recount(ctx context.Context, id bot.CampaignID) (*Tally, error) {
	c, err := s.Campaigns.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Survey == nil {
		return nil, notSurvey(id)
	}
	qs := c.Survey.Questions
	t := &Tally{}
	tally(t, qs, &Response{}, &Response{}) // sized
	type text struct {
		at time.Time
		s  string
	}
	texts := make([][]text, len(qs))
	err = s.Store.Responses(ctx, id, func(r *Response) error {
		contribute(t, qs, r, +1)
		for i, q := range qs {
			if a, ok := r.Answers[i]; ok && q.Kind == bot.QuestionText && !a.Skipped && a.Text != "" {
				texts[i] = append(texts[i], text{a.At, a.Text})
			}
		}
		return nil
	})
	for i := range qs {
		sort.SliceStable(texts[i], func(a, b int) bool { return texts[i][a].at.Before(texts[i][b].at) })
		for _, x := range texts[i][max(0, len(texts[i])-MaxTallyTexts):] {
			t.Questions[i].Texts = append(t.Questions[i].Texts, x.s)
		}
	}
	return t, err
}

// ExportAnswers writes one row per respondent (a person, or an anonymous
// respondent numbered in order) and one column per question: a choice's
// label, the choices taken joined by "; ", a rating, a text, or "" for
// a question not answered ("(skipped)" when skipped).
func (s *Service) ExportAnswers(ctx context.Context, id bot.CampaignID, w bot.RowWriter) error {
	c, err := s.Campaigns.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if c.Survey == nil {
		return notSurvey(id)
	}
	qs := c.Survey.Questions
	head := []string{"respondent", "name", "started", "complete"}
	for i, q := range qs {
		head = append(head, "Q"+strconv.Itoa(i+1)+" "+q.Text)
	}
	if err := w.WriteRow(head); err != nil {
		return err
	}
	n := 0
	return s.Store.Responses(ctx, id, func(r *Response) error {
		if len(r.Answers) == 0 {
			return nil
		}
		n++
		who, name := r.Respondent, r.Name
		if c.Survey.Anonymous {
			who, name = "respondent "+strconv.Itoa(n), ""
		}
		row := []string{who, name, r.StartedAt.UTC().Format(time.RFC3339), strconv.FormatBool(r.Asking >= len(qs))}
		for i, q := range qs {
			row = append(row, AnswerText(q, r.Answers[i], r.Answers[i].At.IsZero()))
		}
		return w.WriteRow(row)
	})
}

// AnswerText is answer a to question q in words ("" when missing).
func AnswerText(q bot.Question, a Answer, missing bool) string {
	if missing {
		return ""
	}
	if a.Skipped {
		return "(skipped)"
	}
	switch q.Kind {
	case bot.QuestionChoice, bot.QuestionMulti:
		var out string
		for j, k := range a.Choices {
			if k >= 0 && k < len(q.Choices) {
				if j > 0 {
					out += "; "
				}
				out += q.Choices[k]
			}
		}
		return out
	case bot.QuestionRating:
		return strconv.Itoa(a.Rating)
	}
	return a.Text
}

// Answers returns survey id's n-th respondent (1-based, in the store's
// order) with how many answered. An anonymous survey refuses: its
// answers are not shown person by person.
func (s *Service) Answers(ctx context.Context, id bot.CampaignID, n int) (*bot.Campaign, *Response, int, error) {
	c, err := s.Campaigns.Campaign(ctx, id)
	if err != nil {
		return nil, nil, 0, err
	}
	if c.Survey == nil {
		return nil, nil, 0, notSurvey(id)
	}
	if c.Survey.Anonymous {
		return nil, nil, 0, bot.Errorf(bot.EFORBIDDEN, "survey %d is anonymous: its answers are not shown person by person", id).Translated("err.survey.anonymous_view", id)
	}
	var found *Response
	total := 0
	err = s.Store.Responses(ctx, id, func(r *Response) error {
		if len(r.Answers) == 0 {
			return nil
		}
		total++
		if total == n {
			found = r
		}
		return nil
	})
	if err != nil {
		return nil, nil, 0, err
	}
	if found == nil {
		return nil, nil, total, bot.Errorf(bot.ENOTFOUND, "survey %d has %d respondents, not %d", id, total, n).Translated("err.survey.no_respondent", id, total, n)
	}
	return c, found, total, nil
}
