package surveys_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/surveys"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

var (
	ana = bot.Actor{Address: bot.Address{Platform: bot.PlatformTelegram, ID: "1001"}, Name: "Ana"}
	bob = bot.Actor{Address: bot.Address{Platform: bot.PlatformTelegram, ID: "1002"}, Name: "Bob"}
	mo  = bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, Name: "Mo"}
)

type rig struct {
	db  *bottest.Store
	svc *surveys.Service
	c   *bot.Campaign
}

func newRig(t *testing.T, s *bot.Survey) *rig {
	t.Helper()
	clk := bottest.NewClock(t0)
	db := bottest.NewStore(clk)
	c := &bot.Campaign{Name: "Feedback", Message: bot.Message{Text: "A few questions about the session."}, Survey: s, State: bot.CampaignDraft}
	if err := db.CreateCampaign(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	c, err := db.UpdateCampaign(context.Background(), c.ID, func(c *bot.Campaign) error { c.State = bot.CampaignRunning; return nil })
	if err != nil {
		t.Fatal(err)
	}
	return &rig{db: db, svc: &surveys.Service{Campaigns: db, Store: db, Outbox: db, Clock: clk}, c: c}
}

// press answers as who pressing the button labelled label in m.
func (r *rig) press(t *testing.T, who bot.Actor, m bot.Message, label string) {
	t.Helper()
	for _, b := range m.Buttons {
		if b.Label == label {
			r.write(t, who, b.Action.Value)
			return
		}
	}
	t.Fatalf("no button %q in %+v", label, m)
}

func (r *rig) write(t *testing.T, who bot.Actor, text string) bool {
	t.Helper()
	ok, err := r.svc.Handle(context.Background(), who, text, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// said returns the messages queued since the last call.
func (r *rig) said(t *testing.T) []bot.Message {
	t.Helper()
	out, err := r.db.Outbox(context.Background(), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	var ms []bot.Message
	for _, p := range out {
		ids = append(ids, p.ID)
		ms = append(ms, p.Message)
	}
	r.db.Settle(context.Background(), ids, nil)
	return ms
}

func (r *rig) response(t *testing.T, respondent string) *surveys.Response {
	t.Helper()
	var got *surveys.Response
	r.db.Responses(context.Background(), r.c.ID, func(x *surveys.Response) error {
		if x.Respondent == respondent {
			got = x
		}
		return nil
	})
	return got
}

func threeQuestions() *bot.Survey {
	return &bot.Survey{Questions: []bot.Question{
		{Kind: bot.QuestionChoice, Text: "How was the session?", Choices: []string{"Great", "OK", "Bad"}},
		{Kind: bot.QuestionRating, Text: "How likely are you to come again?", Scale: 10},
		{Kind: bot.QuestionText, Text: "Anything else?", Optional: true},
	}, Thanks: "Thanks, see you soon."}
}

// One question after another: each answer brings the next; a button
// pressed twice counts once; the text question takes the next message;
// an earlier answer can be changed; the last brings the thanks.
func TestASurveyAnsweredOneQuestionAfterAnother(t *testing.T) {
	r := newRig(t, threeQuestions())
	open := surveys.Opening(r.c)
	if !strings.Contains(open.Text, "A few questions") || !strings.Contains(open.Text, "1/3 · How was the session?") || len(open.Buttons) != 3 {
		t.Fatalf("the opening: %+v", open)
	}
	r.press(t, ana, open, "OK")
	said := r.said(t)
	if len(said) != 1 || !strings.HasPrefix(said[0].Text, "2/3") || len(said[0].Buttons) != 11 {
		t.Fatalf("the second question: %+v", said)
	}
	q2 := said[0]
	r.press(t, ana, open, "OK") // pressed twice
	if said := r.said(t); len(said) != 0 {
		t.Fatalf("a second press said: %+v", said)
	}
	r.press(t, ana, q2, "0")
	said = r.said(t)
	if len(said) != 1 || !strings.HasPrefix(said[0].Text, "3/3 · Anything else?") || len(said[0].Buttons) != 1 {
		t.Fatalf("the text question, with its skip button: %+v", said)
	}
	if !r.write(t, ana, "More coffee, please") {
		t.Fatal("the text answer was not taken")
	}
	if said := r.said(t); len(said) != 1 || said[0].Text != "Thanks, see you soon." {
		t.Fatalf("the thanks: %+v", said)
	}
	if r.write(t, ana, "and one more thing") {
		t.Fatal("a message after the survey was taken as an answer")
	}
	r.press(t, ana, open, "Great") // changed
	if said := r.said(t); len(said) != 1 || !strings.Contains(said[0].Text, "question 1 is changed") {
		t.Fatalf("the change: %+v", said)
	}
	resp := r.response(t, ana.Address.String())
	if resp == nil || resp.Name != "Ana" || resp.Asking != 3 || resp.Answers[0].Choices[0] != 0 || resp.Answers[1].Rating != 0 ||
		resp.Answers[2].Text != "More coffee, please" {
		t.Fatalf("the response: %+v", resp)
	}
	if r.write(t, bob, "hello") {
		t.Fatal("someone not asked anything had their message taken")
	}
}

// A multiple choice takes toggles, then ✓; an optional question can be
// skipped; a survey that opens with a text question starts with a
// button.
func TestMultipleChoiceSkipAndStart(t *testing.T) {
	r := newRig(t, &bot.Survey{Questions: []bot.Question{
		{Kind: bot.QuestionText, Text: "Your name for the badge?"},
		{Kind: bot.QuestionMulti, Text: "Which workshops?", Choices: []string{"Go", "Rust", "Zig"}},
		{Kind: bot.QuestionRating, Text: "Rate the venue", Optional: true},
	}})
	open := surveys.Opening(r.c)
	if len(open.Buttons) != 1 || strings.Contains(open.Text, "badge") {
		t.Fatalf("a text-first opening: %+v", open)
	}
	if r.write(t, ana, "Ana B.") {
		t.Fatal("a text taken before the survey started")
	}
	r.press(t, ana, open, open.Buttons[0].Label)
	if said := r.said(t); len(said) != 1 || !strings.Contains(said[0].Text, "badge") {
		t.Fatalf("the first question: %+v", said)
	}
	r.write(t, ana, "Ana B.")
	q2 := r.said(t)[0]
	r.press(t, ana, q2, "✓")
	if said := r.said(t); len(said) != 1 || !strings.Contains(said[0].Text, "at least one") {
		t.Fatalf("done with nothing picked: %+v", said)
	}
	r.press(t, ana, q2, "Go")
	r.press(t, ana, q2, "Zig")
	r.press(t, ana, q2, "Go")
	if said := r.said(t); len(said) != 3 || !strings.Contains(said[2].Text, "Zig") || strings.Contains(said[2].Text, "Go") {
		t.Fatalf("the toggles: %+v", said)
	}
	r.press(t, ana, q2, "✓")
	q3 := r.said(t)[0]
	if len(q3.Buttons) != 6 {
		t.Fatalf("a 1-5 rating with a skip button: %+v", q3)
	}
	r.press(t, ana, q3, "⏭")
	if said := r.said(t); len(said) != 1 || !strings.Contains(said[0].Text, "Thank you") {
		t.Fatalf("the default thanks: %+v", said)
	}
	resp := r.response(t, ana.Address.String())
	if resp.Answers[0].Text != "Ana B." || len(resp.Answers[1].Choices) != 1 || resp.Answers[1].Choices[0] != 2 || !resp.Answers[2].Skipped {
		t.Fatalf("the response: %+v", resp)
	}
}

// An anonymous survey keeps no name nor address; a closed one takes no
// answer and says so.
func TestAnonymousAndClosed(t *testing.T) {
	s := threeQuestions()
	s.Anonymous, s.Salt = true, []byte("0123456789abcdef")
	r := newRig(t, s)
	open := surveys.Opening(r.c)
	r.press(t, ana, open, "Bad")
	var all []*surveys.Response
	r.db.Responses(context.Background(), r.c.ID, func(x *surveys.Response) error { all = append(all, x); return nil })
	if len(all) != 1 || all[0].Name != "" || strings.Contains(all[0].Respondent, "1001") || !strings.HasPrefix(all[0].Respondent, "anon:") {
		t.Fatalf("an anonymous response: %+v", all)
	}
	r.said(t)
	r.db.UpdateCampaign(context.Background(), r.c.ID, func(c *bot.Campaign) error { c.Survey.ClosedAt = t0; return nil })
	r.press(t, bob, open, "Great")
	if said := r.said(t); len(said) != 1 || !strings.Contains(said[0].Text, "closed") {
		t.Fatalf("a closed survey's answer: %+v", said)
	}
	all = nil
	r.db.Responses(context.Background(), r.c.ID, func(x *surveys.Response) error { all = append(all, x); return nil })
	if len(all) != 1 {
		t.Fatalf("responses after the close: %d", len(all))
	}
}

// The running tally equals a count of every response afresh, after
// answers, changes, toggles, skips and presses twice from many people.
func TestTheTallyEqualsARecount(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, &bot.Survey{Questions: []bot.Question{
		{Kind: bot.QuestionChoice, Text: "How was it?", Choices: []string{"Great", "OK", "Bad"}},
		{Kind: bot.QuestionMulti, Text: "Which days?", Choices: []string{"Mon", "Tue", "Wed"}, Optional: true},
		{Kind: bot.QuestionRating, Text: "Again?", Scale: 10},
		{Kind: bot.QuestionText, Text: "Anything else?", Optional: true},
	}})
	rnd := rand.New(rand.NewPCG(1, 2))
	tok := func(q int, v string) string {
		return "sv:" + strconv.FormatUint(uint64(r.c.ID), 10) + ":" + strconv.Itoa(q) + ":" + v
	}
	for step := range 600 {
		who := bot.Actor{Address: bot.Address{Platform: bot.PlatformWeb, ID: "p" + strconv.Itoa(rnd.IntN(25))}, Name: "P"}
		var text string
		switch q := rnd.IntN(4); q {
		case 0:
			text = tok(0, strconv.Itoa(rnd.IntN(3)))
		case 1:
			text = tok(1, []string{"0", "1", "2", "done", "skip"}[rnd.IntN(5)])
		case 2:
			text = tok(2, strconv.Itoa(rnd.IntN(11)))
		case 3:
			text = []string{tok(3, "skip"), "a thought " + strconv.Itoa(step)}[rnd.IntN(2)]
		}
		if _, err := r.svc.Handle(ctx, who, text, nil); err != nil {
			t.Fatal(err)
		}
		r.said(t)
	}
	kept, err := r.db.SurveyTally(ctx, r.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := r.svc.Recount(ctx, r.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	k, a := *kept, *again
	if k.Responses == 0 || k.Questions[0].Answered == 0 {
		t.Fatalf("nothing counted: %+v", k)
	}
	for i := range k.Questions {
		k.Questions[i].Texts, a.Questions[i].Texts = nil, nil // the tally keeps texts as they came, the recount by time
	}
	if !reflect.DeepEqual(k, a) {
		t.Fatalf("the tally drifted from the responses:\nkept  %+v\nagain %+v", k, a)
	}
}

// A close date lets answers come and change until it, then none.
func TestACloseDate(t *testing.T) {
	clk := bottest.NewClock(t0)
	r := newRig(t, threeQuestions())
	r.svc.Clock = clk
	if _, err := r.svc.Close(context.Background(), r.c.ID, t0.Add(time.Hour), mo); err != nil {
		t.Fatal(err)
	}
	open := surveys.Opening(r.c)
	r.press(t, ana, open, "OK")
	if said := r.said(t); len(said) != 1 || !strings.HasPrefix(said[0].Text, "2/3") {
		t.Fatalf("before the close date: %+v", said)
	}
	clk.Advance(time.Hour)
	r.press(t, bob, open, "Great")
	if said := r.said(t); len(said) != 1 || !strings.Contains(said[0].Text, "closed") {
		t.Fatalf("at the close date: %+v", said)
	}
	if _, err := r.svc.Close(context.Background(), r.c.ID, time.Time{}, mo); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("closing a closed survey: %v", err)
	}
}

// From a review: a second press on an answered question keeps the text
// question's mark, so the next message still answers it; a typed "skip"
// or "start" is a text like any other; an empty or unsent survey takes no
// answer and never fails on one.
func TestReviewedEdges(t *testing.T) {
	r := newRig(t, &bot.Survey{Questions: []bot.Question{
		{Kind: bot.QuestionChoice, Text: "How was it?", Choices: []string{"Great", "OK"}},
		{Kind: bot.QuestionText, Text: "Why?"},
	}})
	open := surveys.Opening(r.c)
	r.press(t, ana, open, "Great")
	r.press(t, ana, open, "Great") // twice
	r.said(t)
	if !r.write(t, ana, "skip") {
		t.Fatal("the text answer after a second press went elsewhere")
	}
	if resp := r.response(t, ana.Address.String()); resp.Answers[1].Text != "skip" || resp.Answers[1].Skipped || resp.Asking != 2 {
		t.Fatalf("a typed skip: %+v", resp.Answers[1])
	}
	// A survey with no questions, or not sent: nothing recorded, no panic.
	ctx := context.Background()
	for _, c := range []*bot.Campaign{
		{Name: "Empty", Survey: &bot.Survey{}, State: bot.CampaignDraft},
		{Name: "Scheduled", Survey: threeQuestions(), State: bot.CampaignDraft},
	} {
		if err := r.db.CreateCampaign(ctx, c); err != nil {
			t.Fatal(err)
		}
		to := bot.CampaignRunning
		if c.Name == "Scheduled" {
			to = bot.CampaignScheduled
		}
		r.db.UpdateCampaign(ctx, c.ID, func(c *bot.Campaign) error { c.State = to; return nil })
		for _, v := range []string{"start", "0"} {
			ok, err := r.svc.Handle(ctx, bob, "sv:"+strconv.FormatUint(uint64(c.ID), 10)+":0:"+v, nil)
			if !ok || err != nil {
				t.Fatalf("%s: %v %v", c.Name, ok, err)
			}
		}
		n := 0
		r.db.Responses(ctx, c.ID, func(*surveys.Response) error { n++; return nil })
		if n != 0 {
			t.Fatalf("%s took an answer", c.Name)
		}
	}
}

// Two surveys ask a text question at once: the next message answers the
// one that asked last, and the other's question is then asked again, so
// that the message after answers it.
func TestTwoSurveysAskingText(t *testing.T) {
	ctx := context.Background()
	r := newRig(t, &bot.Survey{Questions: []bot.Question{{Kind: bot.QuestionText, Text: "First survey's question?"}}})
	second := &bot.Campaign{Name: "Second", Survey: &bot.Survey{Questions: []bot.Question{{Kind: bot.QuestionText, Text: "Second survey's question?"}}}, State: bot.CampaignDraft}
	if err := r.db.CreateCampaign(ctx, second); err != nil {
		t.Fatal(err)
	}
	second, _ = r.db.UpdateCampaign(ctx, second.ID, func(c *bot.Campaign) error { c.State = bot.CampaignRunning; return nil })
	r.press(t, ana, surveys.Opening(r.c), "▶")
	r.press(t, ana, surveys.Opening(second), "▶")
	r.said(t)
	r.write(t, ana, "for the second")
	said := r.said(t)
	if len(said) != 2 || !strings.Contains(said[1].Text, "First survey's question?") {
		t.Fatalf("after the second survey's answer: %+v", said)
	}
	r.write(t, ana, "for the first")
	if got := r.response(t, ana.Address.String()); got == nil || got.Answers[0].Text != "for the first" {
		t.Fatalf("the first survey's answer: %+v", got)
	}
	var other *surveys.Response
	r.db.Responses(ctx, second.ID, func(x *surveys.Response) error { other = x; return nil })
	if other == nil || other.Answers[0].Text != "for the second" {
		t.Fatalf("the second survey's answer: %+v", other)
	}
}

// TestAnsweredByEmail: by email a multiple choice's link picks (followed
// twice it stays picked); a text question carries a link to write the
// answer, whose text names its survey and question: it answers that
// question (changed when written again), and never becomes a message.
func TestAnsweredByEmail(t *testing.T) {
	r := newRig(t, &bot.Survey{Questions: []bot.Question{
		{Kind: bot.QuestionMulti, Text: "Which workshops?", Choices: []string{"Go", "Rust", "Zig"}},
		{Kind: bot.QuestionText, Text: "Anything else?"},
	}})
	r.svc.TextLink = func(to bot.Address, value, label string) string { return "https://herald.test/a/" + value }
	em := bot.Actor{Address: bot.Address{Platform: bot.PlatformEmail, ID: "em@example.org"}}
	open := surveys.Opening(r.c)
	r.press(t, em, open, "Go")
	r.press(t, em, open, "Go")
	r.press(t, em, open, "✓")
	said := r.said(t)
	q2 := said[len(said)-1]
	if len(q2.Buttons) != 1 || q2.Buttons[0].Action.Kind != bot.ActionLink || q2.Buttons[0].Action.URL != "https://herald.test/a/sv:"+strconv.FormatUint(uint64(r.c.ID), 10)+":1:text" {
		t.Fatalf("the text question by email: %+v", q2)
	}
	value := strings.TrimPrefix(q2.Buttons[0].Action.URL, "https://herald.test/a/")
	for _, text := range []string{"Less coffee", "More coffee"} {
		if !r.write(t, em, value+":"+text) {
			t.Fatalf("%q was not the survey's", text)
		}
	}
	resp := r.response(t, em.Address.String())
	if len(resp.Answers[0].Choices) != 1 || resp.Answers[0].Choices[0] != 0 || resp.Answers[1].Text != "More coffee" || resp.Asking != 2 {
		t.Fatalf("the response: %+v", resp)
	}
	// Asked on another platform, the text question has no link.
	r.press(t, ana, open, "Rust")
	r.press(t, ana, open, "✓")
	said = r.said(t)
	if q := said[len(said)-1]; len(q.Buttons) != 0 {
		t.Fatalf("a text question in chat: %+v", q)
	}
}

// TestMultipleChoiceAsASelect: a multiple choice comes with a Select (its
// answers as options, the buttons it stands for marked); what a select
// sends is the whole pick, however often it comes, then ✓ goes on.
func TestMultipleChoiceAsASelect(t *testing.T) {
	r := newRig(t, &bot.Survey{Questions: []bot.Question{
		{Kind: bot.QuestionMulti, Text: "Which workshops?", Choices: []string{"Go", "Rust", "Zig"}},
		{Kind: bot.QuestionText, Text: "Anything else?"},
	}})
	open := surveys.Opening(r.c)
	if open.Select == nil || len(open.Select.Options) != 3 || open.Select.Options[2].Label != "Zig" || !open.Buttons[0].Option || open.Buttons[3].Option || open.Buttons[3].Label != "✓" {
		t.Fatalf("the opening's select: %+v %+v", open.Select, open.Buttons)
	}
	for _, pick := range []string{"2,0", "2,0", "0,2,2,9,x"} {
		r.write(t, ana, open.Select.Value+pick)
	}
	if said := r.said(t); len(said) != 0 {
		t.Fatalf("a pick said something: %+v", said)
	}
	if resp := r.response(t, ana.Address.String()); !reflect.DeepEqual(resp.Answers[0].Choices, []int{0, 2}) || resp.Asking != 0 {
		t.Fatalf("the pick: %+v", resp)
	}
	r.press(t, ana, open, "✓")
	if said := r.said(t); len(said) != 1 || !strings.Contains(said[0].Text, "Anything else?") {
		t.Fatalf("after ✓: %+v", said)
	}
}
