package surveys

import (
	"context"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Answer is one question's answer: the indexes of the choices taken
// (choice, multi), the rating, or the text.
type Answer struct {
	Choices []int     `json:"choices,omitempty"`
	Rating  int       `json:"rating,omitempty"`
	Text    string    `json:"text,omitempty"`
	Skipped bool      `json:"skipped,omitempty"`
	At      time.Time `json:"at"`
}

// Response is one respondent's answers to one survey.
type Response struct {
	CampaignID bot.CampaignID `json:"campaign_id"`
	// Respondent is who answers: their address ("telegram:42"), or for an
	// anonymous survey a salted hash of it.
	Respondent string `json:"respondent"`
	// Name is the respondent's name as the platform gave it; empty for an
	// anonymous survey.
	Name string `json:"name,omitempty"`
	// Answers are by question index; a question moved or deleted after
	// answers came keeps its answers under its old place.
	Answers map[int]Answer `json:"answers"`
	// Asking is the question sent and waiting for its answer; len
	// (Questions) once the survey is complete.
	Asking    int       `json:"asking"`
	StartedAt time.Time `json:"started_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Step is what recording an answer does besides saving the
// response: the posts it queues (the next question, the thanks), and
// whether the participant is then asked a text question of the survey
// (their next message is its answer).
type Step struct {
	Posts      []*bot.Outgoing
	AskingText bool
	// Tally, when set, updates the survey's running counts in the same
	// transaction (the answer's difference to them).
	Tally func(t *Tally)
	// Copy, when set, is the participant's own copy of their answer (the
	// web chat keeps one), kept with it.
	Copy *bot.Post
}

// Tally is a survey's answers counted as they come, so that its
// statistics do not read every response.
type Tally struct {
	// Responses counts respondents with an answer, Complete those past the
	// last question; Timed those with two answers or more, and Span the
	// sum of their times from first answer to last.
	Responses int             `json:"responses"`
	Complete  int             `json:"complete"`
	Timed     int             `json:"timed"`
	Span      time.Duration   `json:"span"`
	Questions []QuestionTally `json:"questions"`
}

// QuestionTally counts one question's answers: Counts by choice (or by
// rating, from the lowest), RatingSum a rating's total, Texts the latest
// text answers, the newest last (at most MaxTallyTexts).
type QuestionTally struct {
	Answered  int      `json:"answered"`
	Skipped   int      `json:"skipped"`
	Counts    []int    `json:"counts,omitempty"`
	RatingSum int      `json:"rating_sum,omitempty"`
	Texts     []string `json:"texts,omitempty"`
}

// MaxTallyTexts is how many text answers a tally keeps per question.
const MaxTallyTexts = 20

// Store keeps survey responses. Each method is one transaction;
// implementations are safe for concurrent use.
type Store interface {
	// Respond applies fn to the response of respondent to survey id (a
	// new one, with no answer, the first time) and saves it with the
	// posts fn returns (queued in the outbox); participant is then marked
	// as asked a text question of survey id, or not (the marks of other
	// surveys are left alone). An error from fn aborts it all.
	Respond(ctx context.Context, id bot.CampaignID, respondent string, participant bot.Address, fn func(r *Response) (Step, error)) (*Response, error)
	// Responses calls fn with each response to survey id, in the order of
	// their respondents; an error from fn stops and is returned.
	Responses(ctx context.Context, id bot.CampaignID, fn func(*Response) error) error
	// AskingText returns the survey whose text question participant was
	// asked last, 0 when none.
	AskingText(ctx context.Context, participant bot.Address) (bot.CampaignID, error)
	// Tally returns survey id's running counts (empty before the
	// first answer).
	SurveyTally(ctx context.Context, id bot.CampaignID) (*Tally, error)
}
