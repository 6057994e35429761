package surveys

import (
	"context"
	"crypto/rand"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lifecycle"
)

// Limits on what a survey holds.
const (
	MaxQuestions    = 20
	MaxChoices      = 10
	MaxQuestionText = 500
	MaxChoiceText   = 75 // a button's label on the strictest platform
)

// Editor edits a draft or scheduled campaign and records what changed
// (campaigns.Service.Edit).
type Editor func(ctx context.Context, id bot.CampaignID, by bot.Actor, what bot.Change, fn func(*bot.Campaign) error) (*bot.Campaign, error)

// CheckQuestion refuses a question that cannot be asked.
func CheckQuestion(q bot.Question) error {
	text := strings.TrimSpace(q.Text)
	if text == "" || utf8.RuneCountInString(text) > MaxQuestionText {
		return bot.Errorf(bot.EINVALID, "a question is 1 to %d characters", MaxQuestionText).Translated("err.survey.question_text", MaxQuestionText)
	}
	switch q.Kind {
	case bot.QuestionChoice, bot.QuestionMulti:
		if len(q.Choices) < 2 || len(q.Choices) > MaxChoices {
			return bot.Errorf(bot.EINVALID, "a choice question has 2 to %d answers, separated by |", MaxChoices).Translated("err.survey.choices", MaxChoices)
		}
		seen := map[string]bool{}
		for _, c := range q.Choices {
			c = strings.TrimSpace(c)
			if c == "" || utf8.RuneCountInString(c) > MaxChoiceText {
				return bot.Errorf(bot.EINVALID, "an answer is 1 to %d characters", MaxChoiceText).Translated("err.survey.choice_text", MaxChoiceText)
			}
			if seen[strings.ToLower(c)] {
				return bot.Errorf(bot.EINVALID, "the answer %q is there twice", c).Translated("err.survey.choice_twice", c)
			}
			seen[strings.ToLower(c)] = true
		}
	case bot.QuestionRating:
		if q.Scale != 5 && q.Scale != 10 {
			return bot.Errorf(bot.EINVALID, "a rating goes from 1 to 5, or from 0 to 10").Translated("err.survey.scale")
		}
	case bot.QuestionText:
	default:
		return bot.Errorf(bot.EINVALID, "a question is choice, multi, rating, nps or text, not %q", q.Kind).Translated("err.survey.kind", string(q.Kind))
	}
	return nil
}

// AddQuestion appends q to draft campaign id, making it a survey.
func (s *Service) AddQuestion(ctx context.Context, id bot.CampaignID, q bot.Question, by bot.Actor) (*bot.Campaign, error) {
	if err := CheckQuestion(q); err != nil {
		return nil, err
	}
	return s.editSurvey(ctx, id, by, lifecycle.Note("question added", lifecycle.KeyQuestionAdded), func(sv *bot.Survey) error {
		if len(sv.Questions) >= MaxQuestions {
			return bot.Errorf(bot.EINVALID, "a survey has at most %d questions", MaxQuestions).Translated("err.survey.too_many", MaxQuestions)
		}
		sv.Questions = append(sv.Questions, q)
		return nil
	})
}

// MoveQuestion moves question from (1-based) to place to.
func (s *Service) MoveQuestion(ctx context.Context, id bot.CampaignID, from, to int, by bot.Actor) (*bot.Campaign, error) {
	return s.editSurvey(ctx, id, by, lifecycle.Note("question moved", lifecycle.KeyQuestionMoved), func(sv *bot.Survey) error {
		if err := inRange(sv, from); err != nil {
			return err
		}
		if err := inRange(sv, to); err != nil {
			return err
		}
		q := sv.Questions[from-1]
		rest := append(append([]bot.Question(nil), sv.Questions[:from-1]...), sv.Questions[from:]...)
		sv.Questions = append(append(append([]bot.Question(nil), rest[:to-1]...), q), rest[to-1:]...)
		return nil
	})
}

// DeleteQuestion removes question n (1-based).
func (s *Service) DeleteQuestion(ctx context.Context, id bot.CampaignID, n int, by bot.Actor) (*bot.Campaign, error) {
	return s.editSurvey(ctx, id, by, lifecycle.Note("question deleted", lifecycle.KeyQuestionDeleted), func(sv *bot.Survey) error {
		if err := inRange(sv, n); err != nil {
			return err
		}
		sv.Questions = append(sv.Questions[:n-1], sv.Questions[n:]...)
		return nil
	})
}

// SetThanks sets the message sent after the last answer.
func (s *Service) SetThanks(ctx context.Context, id bot.CampaignID, text string, by bot.Actor) (*bot.Campaign, error) {
	return s.editSurvey(ctx, id, by, lifecycle.Note("thanks changed", lifecycle.KeyThanks), func(sv *bot.Survey) error {
		sv.Thanks = strings.TrimSpace(text)
		return nil
	})
}

// SetAnonymous makes survey id anonymous, for good: its answers are kept
// without the link to the person.
func (s *Service) SetAnonymous(ctx context.Context, id bot.CampaignID, by bot.Actor) (*bot.Campaign, error) {
	salt := make([]byte, 32)
	if _, err := rand.Read(salt); err != nil {
		return nil, bot.Errorf(bot.EINTERNAL, "making a survey anonymous: %v", err)
	}
	return s.editSurvey(ctx, id, by, lifecycle.Note("made anonymous", lifecycle.KeyAnonymous), func(sv *bot.Survey) error {
		if !sv.Anonymous {
			sv.Anonymous, sv.Salt = true, salt
		}
		return nil
	})
}

// Close closes survey id at (now when zero or past): from then it takes
// no more answers, new or changed. A later close date can be set again.
func (s *Service) Close(ctx context.Context, id bot.CampaignID, at time.Time, by bot.Actor) (*bot.Campaign, error) {
	now := s.Clock.Now().UTC()
	return s.Campaigns.UpdateCampaign(ctx, id, func(c *bot.Campaign) error {
		if c.Survey == nil {
			return notSurvey(c.ID)
		}
		if c.Survey.Closed(now) {
			return bot.Errorf(bot.ECONFLICT, "survey %d is closed already", c.ID).Translated("err.survey.closed_already", c.ID)
		}
		if at.After(now) {
			c.Survey.ClosesAt = at.UTC()
			ch := lifecycle.Note("survey closes "+at.UTC().Format(time.RFC3339), lifecycle.KeySurveyCloses, at.UTC().Format(time.RFC3339))
			ch.At, ch.By = now, by
			c.History = append(c.History, ch)
			return nil
		}
		c.Survey.ClosedAt = now
		ch := lifecycle.Note("survey closed", lifecycle.KeySurveyClosed)
		ch.At, ch.By = now, by
		c.History = append(c.History, ch)
		return nil
	})
}

func notSurvey(id bot.CampaignID) error {
	return bot.Errorf(bot.EINVALID, "campaign %d has no questions: add one with `campaign question %d add …`", id, id).Translated("err.survey.none", id, id)
}

func inRange(sv *bot.Survey, n int) error {
	if n < 1 || n > len(sv.Questions) {
		return bot.Errorf(bot.EINVALID, "there is no question %d: the survey has %d", n, len(sv.Questions)).Translated("err.survey.no_question", n, len(sv.Questions))
	}
	return nil
}

// editSurvey applies fn to the survey of draft or scheduled campaign id
// (made a survey if it was not), through the campaigns' Editor.
func (s *Service) editSurvey(ctx context.Context, id bot.CampaignID, by bot.Actor, what bot.Change, fn func(*bot.Survey) error) (*bot.Campaign, error) {
	if s.Edit == nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "surveys are not set up on this herald")
	}
	return s.Edit(ctx, id, by, what, func(c *bot.Campaign) error {
		if c.Nudge != nil {
			return bot.Errorf(bot.EINVALID, "campaign %d is a nudge: a survey is a campaign of its own", c.ID).Translated("err.survey.nudge", c.ID)
		}
		sv := bot.Survey{}
		if c.Survey != nil {
			sv = *c.Survey
			sv.Questions = append([]bot.Question(nil), c.Survey.Questions...)
		}
		if err := fn(&sv); err != nil {
			return err
		}
		c.Survey = &sv
		return nil
	})
}
