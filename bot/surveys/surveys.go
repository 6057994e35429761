// Package surveys runs survey campaigns: the message that opens one (its
// introduction and first question), the answers participants give with
// the buttons herald sends (or by typing, for a text question), and the
// next question each answer brings. A response is durable, with the next
// question queued in the outbox, the moment it is recorded.
package surveys

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
)

// tokenPrefix starts the value of a survey's buttons: "sv:" campaign ":"
// question ":" choice (a choice's index, a rating, "done" for a multiple
// choice, "skip" for an optional question, "start" for a survey that
// opens with a text question).
const tokenPrefix = "sv:"

// MaxText is the longest text answer kept, in bytes.
const MaxText = 2000

// Service records answers and asks the next question.
type Service struct {
	Campaigns interface {
		Campaign(ctx context.Context, id bot.CampaignID) (*bot.Campaign, error)
		UpdateCampaign(ctx context.Context, id bot.CampaignID, fn func(*bot.Campaign) error) (*bot.Campaign, error)
	}
	// Edit changes a draft or scheduled campaign (campaigns.Service.Edit):
	// questions change only before a survey is sent.
	Edit   Editor
	Store  Store
	Outbox interface {
		Enqueue(ctx context.Context, posts []*bot.Outgoing) error
	}
	Clock clock.Clock
	// Wake, when set, is called after posts were queued (the outbox's
	// Wake).
	Wake func()
	// Text translates the participants' messages (commands' catalogue);
	// nil: English.
	Text func(key string, args ...any) string
	// TextLink, when set, is a link to a page where to writes the answer
	// to a text question (engagement.Tracker.TextLink), whose value is
	// sent back followed by ":" and the text: a text question asked by
	// email carries one, since herald reads no email replies.
	TextLink func(to bot.Address, value, label string) string
}

// ask is question i of survey campaign c as asked to: Ask's message,
// and for a text question asked by email a link to a page to write the
// answer in.
func (s *Service) ask(c *bot.Campaign, i int, to bot.Address) bot.Message {
	m := Ask(c, i)
	if q := c.Survey.Questions[i]; q.Kind == bot.QuestionText && to.Platform == bot.PlatformEmail && s.TextLink != nil {
		if u := s.TextLink(to, token(c.ID, i, "text"), q.Text); u != "" {
			m.Buttons = append([]bot.Button{{Label: "✎ " + s.tr("survey.write", "Write your answer"), Action: bot.Action{Kind: bot.ActionLink, URL: u}}}, m.Buttons...)
		}
	}
	return m
}

func (s *Service) tr(key, english string, args ...any) string {
	if s.Text != nil {
		if t := s.Text(key, args...); t != "" && t != key {
			return t
		}
	}
	return fmt.Sprintf(english, args...)
}

// Opening returns the message that opens survey campaign c: its message
// (the introduction) with the first question and its buttons; for a
// survey that opens with a text question, a button to start it.
func Opening(c *bot.Campaign) bot.Message {
	m := c.Message
	if c.Survey == nil || len(c.Survey.Questions) == 0 {
		return m
	}
	first := c.Survey.Questions[0]
	if first.Kind == bot.QuestionText {
		m.Buttons = append(append([]bot.Button(nil), m.Buttons...), bot.Button{Label: "▶", Style: "primary",
			Action: bot.Action{Kind: bot.ActionReply, Value: token(c.ID, 0, "start")}})
		return m
	}
	q := Ask(c, 0)
	m.Text = strings.TrimSpace(m.Text + "\n\n" + q.Text)
	m.Buttons = append(append([]bot.Button(nil), m.Buttons...), q.Buttons...)
	m.Select = q.Select
	return m
}

func token(id bot.CampaignID, q int, v string) string {
	return tokenPrefix + strconv.FormatUint(uint64(id), 10) + ":" + strconv.Itoa(q) + ":" + v
}

// parseToken reads a survey button's value.
func parseToken(text string) (id bot.CampaignID, q int, v string, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(text), tokenPrefix)
	if !found {
		return 0, 0, "", false
	}
	parts := strings.SplitN(rest, ":", 3)
	if len(parts) != 3 {
		return 0, 0, "", false
	}
	n, err1 := strconv.ParseUint(parts[0], 10, 64)
	q, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || n == 0 || q < 0 {
		return 0, 0, "", false
	}
	return bot.CampaignID(n), q, parts[2], true
}

// Ask returns question i of survey campaign c as a message: its text,
// numbered, and a button per answer.
func Ask(c *bot.Campaign, i int) bot.Message {
	q := c.Survey.Questions[i]
	text := strconv.Itoa(i+1) + "/" + strconv.Itoa(len(c.Survey.Questions)) + " · " + q.Text
	m := bot.Message{Text: text}
	button := func(label, v string) {
		m.Buttons = append(m.Buttons, bot.Button{Label: label, Action: bot.Action{Kind: bot.ActionReply, Value: token(c.ID, i, v)}})
	}
	switch q.Kind {
	case bot.QuestionChoice, bot.QuestionMulti:
		for k, choice := range q.Choices {
			button(choice, strconv.Itoa(k))
		}
		if q.Kind == bot.QuestionMulti {
			// Checkboxes or a menu where the surface has them, a button per
			// answer elsewhere; ✓ on every surface.
			m.Select = &bot.Select{Value: token(c.ID, i, "set:")}
			for k, choice := range q.Choices {
				m.Select.Options = append(m.Select.Options, bot.Option{Label: choice, Value: strconv.Itoa(k)})
				m.Buttons[k].Option = true
			}
			button("✓", "done")
		}
	case bot.QuestionRating:
		lo, hi := RatingRange(q)
		for n := lo; n <= hi; n++ {
			button(strconv.Itoa(n), strconv.Itoa(n))
		}
	}
	if q.Optional {
		button("⏭", "skip")
	}
	return m
}

// RatingRange is the answers a rating question takes.
func RatingRange(q bot.Question) (lo, hi int) {
	if q.Scale == 10 {
		return 0, 10
	}
	return 1, 5
}

// Respondent is who answers survey c from address a: the address, or for
// an anonymous survey a salted hash of it (it only tells a second
// response from a first).
func Respondent(c *bot.Campaign, a bot.Address) string {
	if c.Survey == nil || !c.Survey.Anonymous {
		return a.String()
	}
	mac := hmac.New(sha256.New, c.Survey.Salt)
	mac.Write([]byte(a.String()))
	return "anon:" + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:16])
}

// Handle reads a participant's message as a survey answer: the value of
// a survey's button, or the text of the text question they are asked.
// It reports false for any other message (it goes to their thread).
// copy, when not nil, is the participant's own copy of what they sent
// (the web chat's): it is kept with the answer, saying the answer in
// words ("Great", not the button's value).
func (s *Service) Handle(ctx context.Context, from bot.Actor, text string, copy *bot.Post) (bool, error) {
	id, q, v, ok := parseToken(text)
	// typed is a text answer: the next message after a text question, or
	// a text given for a named question (sv:ID:Q:text:…, the page an
	// email links to).
	typed := !ok
	if written, isText := strings.CutPrefix(v, "text:"); ok && isText {
		v, typed = written, true
	}
	if !ok {
		asked, err := s.Store.AskingText(ctx, from.Address)
		if err != nil || asked == 0 {
			return false, err
		}
		id, q, v = asked, -1, text
	}
	c, err := s.Campaigns.Campaign(ctx, id)
	if err != nil || !answerable(c) {
		if bot.ErrorCode(err) == bot.ENOTFOUND || err == nil {
			if !ok {
				return false, nil // a text mark of a survey gone: a message like any other
			}
			return true, s.tell(ctx, from.Address, s.tr("survey.gone", "This survey is no longer open."))
		}
		return false, err
	}
	now := s.Clock.Now().UTC()
	if c.Survey.Closed(now) {
		if !ok {
			return false, nil
		}
		return true, s.tell(ctx, from.Address, s.tr("survey.closed", "This survey is closed: your answer was not recorded."))
	}
	var cleared bool // this survey's text question answered, none asked after it
	_, err = s.Store.Respond(ctx, id, Respondent(c, from.Address), from.Address, func(r *Response) (Step, error) {
		qs := c.Survey.Questions
		wasText := r.Asking < len(qs) && qs[r.Asking].Kind == bot.QuestionText
		before := snapshot(r)
		if !c.Survey.Anonymous {
			r.Name = from.Name
		}
		step, err := s.answer(c, r, from.Address, q, v, typed, now)
		cleared = wasText && !step.AskingText
		after := snapshot(r)
		step.Tally = func(t *Tally) { tally(t, c.Survey.Questions, before, after) }
		if copy != nil && !c.Survey.Anonymous { // an anonymous answer is kept nowhere with the person
			shown := v
			if !typed {
				shown = Shown(c, q, v)
			}
			copy.Message = bot.Message{Text: shown}
			step.Copy = copy
		}
		return step, err
	})
	if err != nil {
		return true, err
	}
	if cleared {
		// Another survey asked a text question meanwhile: it is asked
		// again, so that the person knows what their next message answers.
		if other, err := s.Store.AskingText(ctx, from.Address); err == nil && other != 0 && other != id {
			s.askAgain(ctx, other, from.Address)
		}
	}
	if s.Wake != nil {
		s.Wake()
	}
	return true, nil
}

// askAgain queues the text question survey id asks a again, or clears a
// mark its survey no longer stands behind (closed, gone, answered).
func (s *Service) askAgain(ctx context.Context, id bot.CampaignID, a bot.Address) {
	c, err := s.Campaigns.Campaign(ctx, id)
	stands := err == nil && answerable(c) && !c.Survey.Closed(s.Clock.Now())
	if err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		return
	}
	respondent := a.String()
	if err == nil {
		respondent = Respondent(c, a)
	}
	s.Store.Respond(ctx, id, respondent, a, func(r *Response) (Step, error) {
		var step Step
		if stands && r.Asking < len(c.Survey.Questions) && c.Survey.Questions[r.Asking].Kind == bot.QuestionText {
			m := s.ask(c, r.Asking, a)
			step.Posts = []*bot.Outgoing{post(a, m)}
			step.AskingText = true
		}
		return step, nil
	})
}

// answerable reports whether survey campaign c takes answers: it has
// questions and was sent (running, paused, or done), so that its
// questions no longer change under the answers.
func answerable(c *bot.Campaign) bool {
	if c.Survey == nil || len(c.Survey.Questions) == 0 {
		return false
	}
	switch c.State {
	case bot.CampaignRunning, bot.CampaignPaused, bot.CampaignDone:
		return true
	}
	return false
}

// Shown is an answer in words: a choice's label, a rating, ✓ for a
// multiple choice's end, ⏭ for a skip, ▶ for a start, or the text (q -1:
// the text question asked).
func Shown(c *bot.Campaign, q int, v string) string {
	switch v {
	case "done":
		return "✓"
	case "skip":
		return "⏭"
	case "start":
		return "▶"
	}
	if q < 0 || q >= len(c.Survey.Questions) {
		return v
	}
	question := c.Survey.Questions[q]
	if question.Kind == bot.QuestionChoice || question.Kind == bot.QuestionMulti {
		if k, err := strconv.Atoi(v); err == nil && k >= 0 && k < len(question.Choices) {
			return question.Choices[k]
		}
	}
	return v
}

// answer applies one answer (question q, value v; typed: the text of the
// text question asked) to r and returns what follows: the next question,
// the thanks, a word on what was not understood. Whatever it records, the
// step says whether a text question is then asked (an answer that
// changes nothing leaves the mark as it was).
func (s *Service) answer(c *bot.Campaign, r *Response, to bot.Address, q int, v string, typed bool, now time.Time) (step Step, err error) {
	qs := c.Survey.Questions
	defer func() { step.AskingText = r.Asking < len(qs) && qs[r.Asking].Kind == bot.QuestionText }()
	say := func(m bot.Message) {
		step.Posts = append(step.Posts, post(to, m))
	}
	if typed {
		if q < 0 {
			q = r.Asking // the next message after a text question
		}
		if q >= len(qs) || q > r.Asking || qs[q].Kind != bot.QuestionText {
			return step, nil // the mark outlived its question (or it was not asked): nothing to record
		}
	}
	if !typed && v == "start" {
		if r.Asking == 0 && len(r.Answers) == 0 {
			say(s.ask(c, 0, to))
			step.AskingText = qs[0].Kind == bot.QuestionText
		}
		return step, nil
	}
	if q >= len(qs) || q > r.Asking {
		return step, nil // a question not asked yet (or gone): nothing to record
	}
	question := qs[q]
	prev, had := r.Answers[q]
	a := Answer{At: now}
	complete := true
	switch {
	case !typed && v == "skip":
		if !question.Optional {
			return step, nil
		}
		a.Skipped = true
	case question.Kind == bot.QuestionText:
		a.Text = clip(strings.TrimSpace(v), MaxText)
		if a.Text == "" {
			return step, nil
		}
	case question.Kind == bot.QuestionRating:
		n, err := strconv.Atoi(v)
		lo, hi := RatingRange(question)
		if err != nil || n < lo || n > hi {
			return step, nil
		}
		a.Rating = n
	case question.Kind == bot.QuestionChoice:
		k, err := strconv.Atoi(v)
		if err != nil || k < 0 || k >= len(question.Choices) {
			return step, nil
		}
		a.Choices = []int{k}
	case question.Kind == bot.QuestionMulti && strings.HasPrefix(v, "set:"):
		// Checkboxes or a menu: what is picked now, whole.
		a.Choices = nil
		for _, f := range strings.Split(strings.TrimPrefix(v, "set:"), ",") {
			k, err := strconv.Atoi(f)
			if f == "" || err != nil || k < 0 || k >= len(question.Choices) || indexOf(a.Choices, k) >= 0 {
				continue
			}
			a.Choices = append(a.Choices, k)
		}
		slices.Sort(a.Choices)
		complete = false // ✓ goes on; the widget itself shows what is picked
	case question.Kind == bot.QuestionMulti:
		a.Choices = append([]int(nil), prev.Choices...)
		if v == "done" {
			if len(a.Choices) == 0 && !question.Optional {
				say(bot.Message{Text: s.tr("survey.pick", "Pick at least one answer, then press ✓.")})
				return step, nil
			}
		} else if q < r.Asking && len(a.Choices) == 1 && a.Choices[0] == mustAtoi(v) && !question.Optional {
			say(bot.Message{Text: s.tr("survey.keep_one", "A question that needs an answer keeps at least one: pick another first.")})
			return step, nil
		} else {
			k, err := strconv.Atoi(v)
			if err != nil || k < 0 || k >= len(question.Choices) {
				return step, nil
			}
			if i := indexOf(a.Choices, k); i >= 0 {
				if to.Platform != bot.PlatformEmail { // by email a link picks, once however often it is followed
					a.Choices = append(a.Choices[:i], a.Choices[i+1:]...)
				}
			} else {
				a.Choices = append(a.Choices, k)
			}
			complete = false
			var picked []string
			for _, k := range a.Choices {
				picked = append(picked, question.Choices[k])
			}
			if q == r.Asking {
				say(bot.Message{Text: s.tr("survey.picked", "Chosen: %s. Press ✓ when done.", strings.Join(picked, ", "))})
			}
		}
	}
	if had && sameAnswer(prev, a) && q < r.Asking {
		return step, nil // pressed twice: counted once
	}
	r.Answers[q] = a
	if q < r.Asking {
		if complete && question.Kind != bot.QuestionMulti {
			say(bot.Message{Text: s.tr("survey.changed", "Your answer to question %d is changed.", q+1)})
		}
		step.AskingText = r.Asking < len(qs) && qs[r.Asking].Kind == bot.QuestionText
		return step, nil
	}
	if !complete {
		return step, nil
	}
	r.Asking = q + 1
	if r.Asking < len(qs) {
		say(s.ask(c, r.Asking, to))
		step.AskingText = qs[r.Asking].Kind == bot.QuestionText
		return step, nil
	}
	thanks := c.Survey.Thanks
	if thanks == "" {
		thanks = s.tr("survey.thanks", "Thank you for your answers!")
	}
	say(bot.Message{Kind: bot.KindSuccess, Text: thanks})
	return step, nil
}

// post is m to participant to through the outbox: interactive, in the
// participant's survey lane so that questions keep their order.
func post(to bot.Address, m bot.Message) *bot.Outgoing {
	return &bot.Outgoing{Class: bot.ClassInteractive, Kind: bot.OutgoingMessage, Platform: to.Platform, To: to, Lane: "survey:" + to.String(), Message: m}
}

// tell queues one message to a participant.
func (s *Service) tell(ctx context.Context, to bot.Address, text string) error {
	err := s.Outbox.Enqueue(ctx, []*bot.Outgoing{post(to, bot.Message{Text: text})})
	if err == nil && s.Wake != nil {
		s.Wake()
	}
	return err
}

// mustAtoi is v as a number, -1 when it is not one.
func mustAtoi(v string) int {
	n, err := strconv.Atoi(v)
	if err != nil {
		return -1
	}
	return n
}

func indexOf(xs []int, x int) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}

func sameAnswer(a, b Answer) bool {
	if a.Rating != b.Rating || a.Text != b.Text || a.Skipped != b.Skipped || len(a.Choices) != len(b.Choices) {
		return false
	}
	for i := range a.Choices {
		if a.Choices[i] != b.Choices[i] {
			return false
		}
	}
	return true
}

// clip cuts s to at most n bytes, at a character's start.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// snapshot copies what of r the tally counts.
func snapshot(r *Response) *Response {
	c := *r
	c.Answers = make(map[int]Answer, len(r.Answers))
	for k, a := range r.Answers {
		a.Choices = append([]int(nil), a.Choices...)
		c.Answers[k] = a
	}
	return &c
}

// tally moves t from counting response before to counting after.
func tally(t *Tally, qs []bot.Question, before, after *Response) {
	for len(t.Questions) < len(qs) {
		t.Questions = append(t.Questions, QuestionTally{})
	}
	for i, q := range qs {
		if n := answerCount(q); len(t.Questions[i].Counts) < n {
			t.Questions[i].Counts = append(t.Questions[i].Counts, make([]int, n-len(t.Questions[i].Counts))...)
		}
	}
	contribute(t, qs, before, -1)
	contribute(t, qs, after, +1)
	for i, q := range qs {
		a, ok := after.Answers[i]
		if q.Kind != bot.QuestionText || !ok || a.Skipped || a.Text == "" || before.Answers[i].Text == a.Text {
			continue
		}
		qt := &t.Questions[i]
		if old := before.Answers[i].Text; old != "" {
			// A changed answer replaces its text (a person takes back
			// what they wrote).
			if k := slices.Index(qt.Texts, old); k >= 0 {
				qt.Texts = slices.Delete(qt.Texts, k, k+1)
			}
		}
		qt.Texts = append(qt.Texts, a.Text)
		if len(qt.Texts) > MaxTallyTexts {
			qt.Texts = qt.Texts[len(qt.Texts)-MaxTallyTexts:]
		}
	}
}

// answerCount is how many answers question q counts apart.
func answerCount(q bot.Question) int {
	switch q.Kind {
	case bot.QuestionChoice, bot.QuestionMulti:
		return len(q.Choices)
	case bot.QuestionRating:
		lo, hi := RatingRange(q)
		return hi - lo + 1
	}
	return 0
}

// contribute adds response r's answers to t, or takes them off (sign -1).
func contribute(t *Tally, qs []bot.Question, r *Response, sign int) {
	if len(r.Answers) == 0 {
		return
	}
	t.Responses += sign
	if r.Asking >= len(qs) {
		t.Complete += sign
	}
	if len(r.Answers) > 1 {
		var first, last time.Time
		for _, a := range r.Answers {
			if first.IsZero() || a.At.Before(first) {
				first = a.At
			}
			if a.At.After(last) {
				last = a.At
			}
		}
		t.Timed += sign
		t.Span += time.Duration(sign) * last.Sub(first)
	}
	for i, a := range r.Answers {
		if i < 0 || i >= len(qs) {
			continue
		}
		qt := &t.Questions[i]
		if a.Skipped {
			qt.Skipped += sign
			continue
		}
		qt.Answered += sign
		switch qs[i].Kind {
		case bot.QuestionChoice, bot.QuestionMulti:
			for _, k := range a.Choices {
				if k >= 0 && k < len(qt.Counts) {
					qt.Counts[k] += sign
				}
			}
		case bot.QuestionRating:
			lo, _ := RatingRange(qs[i])
			if k := a.Rating - lo; k >= 0 && k < len(qt.Counts) {
				qt.Counts[k] += sign
			}
			qt.RatingSum += sign * a.Rating
		}
	}
}
