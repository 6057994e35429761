package bot

import (
	"time"
)

// Survey makes a campaign ask questions, one after another: the
// campaign's message is the survey's introduction, sent with the first
// question; each answer brings the next question, and the last the
// thank-you message. Package surveys runs it.
type Survey struct {
	Questions []Question `json:"questions"`
	// Thanks is sent once the last question is answered.
	Thanks string `json:"thanks,omitempty"`
	// Anonymous surveys keep answers without the link to the person: the
	// respondent is a salted hash of their address, that only stops a
	// second response. It cannot be turned off after the first answer.
	Anonymous bool `json:"anonymous,omitempty"`
	// Salt is the anonymous respondents' hash key, made when the survey
	// is made anonymous; never shown.
	Salt []byte `json:"salt,omitempty"`
	// ClosesAt, when set, closes the survey then; ClosedAt is when it
	// closed (`campaign close`, or ClosesAt passed). A closed survey takes
	// no answer, new or changed.
	ClosesAt time.Time `json:"closes_at,omitzero"`
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

// Closed reports whether the survey takes no more answers at now.
func (s *Survey) Closed(now time.Time) bool {
	return !s.ClosedAt.IsZero() || !s.ClosesAt.IsZero() && !now.Before(s.ClosesAt)
}

// QuestionKind is the kind of answer a question takes.
type QuestionKind string

const (
	// QuestionChoice takes one of its choices.
	QuestionChoice QuestionKind = "choice"
	// QuestionMulti takes any of its choices (at least one when required).
	QuestionMulti QuestionKind = "multi"
	// QuestionRating takes a number: 1 to 5, or 0 to 10 (NPS) when Scale
	// is 10.
	QuestionRating QuestionKind = "rating"
	// QuestionText takes the respondent's next message.
	QuestionText QuestionKind = "text"
)

// Question is one question of a survey.
type Question struct {
	Kind    QuestionKind `json:"kind"`
	Text    string       `json:"text"`
	Choices []string     `json:"choices,omitempty"`
	// Scale is a rating's top: 5 (1 to 5) or 10 (0 to 10).
	Scale int `json:"scale,omitempty"`
	// Optional questions can be skipped.
	Optional bool `json:"optional,omitempty"`
}
