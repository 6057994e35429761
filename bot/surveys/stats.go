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

// Stats counts survey id's answers.
func (s *Service) Stats(ctx context.Context, id bot.CampaignID) (*Stats, error) {
	c, err := s.Campaigns.Campaign(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.Survey == nil {
		return nil, notSurvey(id)
	}
	qs := c.Survey.Questions
	st := &Stats{Campaign: c, Questions: make([]QuestionStats, len(qs))}
	type text struct {
		at time.Time
		s  string
	}
	texts := make([][]text, len(qs))
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
		st.Questions[i] = qst
	}
	var timed int
	var total time.Duration
	err = s.Store.Responses(ctx, id, func(r *bot.Response) error {
		if len(r.Answers) == 0 {
			return nil
		}
		st.Responses++
		if r.Asking >= len(qs) {
			st.Complete++
		}
		var first, last time.Time
		for i, a := range r.Answers {
			if first.IsZero() || a.At.Before(first) {
				first = a.At
			}
			if a.At.After(last) {
				last = a.At
			}
			if i < 0 || i >= len(qs) {
				continue // a question deleted since
			}
			q := &st.Questions[i]
			if a.Skipped {
				q.Skipped++
				continue
			}
			q.Answered++
			switch qs[i].Kind {
			case bot.QuestionChoice, bot.QuestionMulti:
				for _, k := range a.Choices {
					if k >= 0 && k < len(q.Counts) {
						q.Counts[k]++
					}
				}
			case bot.QuestionRating:
				lo, _ := RatingRange(qs[i])
				if k := a.Rating - lo; k >= 0 && k < len(q.Counts) {
					q.Counts[k]++
				}
				q.Average += float64(a.Rating)
			case bot.QuestionText:
				texts[i] = append(texts[i], text{a.At, a.Text})
			}
		}
		if len(r.Answers) > 1 {
			timed++
			total += last.Sub(first)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if timed > 0 {
		st.AverageTime = total / time.Duration(timed)
	}
	for i := range st.Questions {
		q := &st.Questions[i]
		if q.Question.Kind == bot.QuestionRating && q.Answered > 0 {
			q.Average /= float64(q.Answered)
		}
		sort.SliceStable(texts[i], func(a, b int) bool { return texts[i][a].at.After(texts[i][b].at) })
		for _, t := range texts[i] {
			q.Texts = append(q.Texts, t.s)
		}
	}
	return st, nil
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
	return s.Store.Responses(ctx, id, func(r *bot.Response) error {
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
func AnswerText(q bot.Question, a bot.Answer, missing bool) string {
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
