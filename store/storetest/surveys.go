package storetest

import (
	"context"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/surveys"
)

// surveyStore: a response is made on the first answer and changed after;
// its posts are queued with it, and a failing change leaves both as they
// were; the text-question mark follows the last step, and another
// survey's mark is left alone.
func surveyStore(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	post := func(text string) *bot.Outgoing {
		return &bot.Outgoing{Class: bot.ClassInteractive, Kind: bot.OutgoingMessage, Platform: anaT.Platform, To: anaT, Message: bot.Message{Text: text}}
	}
	r, err := db.Respond(ctx, 7, anaT.String(), anaT, func(r *surveys.Response) (surveys.Step, error) {
		if len(r.Answers) != 0 || r.Asking != 0 {
			t.Fatalf("a new response: %+v", r)
		}
		r.Answers[0] = surveys.Answer{Choices: []int{1}, At: epoch}
		r.Asking = 1
		return surveys.Step{Posts: []*bot.Outgoing{post("Anything else?")}, AskingText: true,
			Tally: func(t *surveys.Tally) { t.Responses++ }}, nil
	})
	if err != nil || r.Asking != 1 || !r.StartedAt.Equal(epoch) {
		t.Fatalf("respond: %+v %v", r, err)
	}
	if id, err := db.AskingText(ctx, anaT); err != nil || id != 7 {
		t.Fatalf("asking text: %d %v", id, err)
	}
	if out, _ := db.Outbox(ctx, 0, 0); len(out) != 1 || out[0].Message.Text != "Anything else?" {
		t.Fatalf("the next question queued: %+v", out)
	}
	// A failing change keeps the response, the outbox and the mark.
	_, err = db.Respond(ctx, 7, anaT.String(), anaT, func(r *surveys.Response) (surveys.Step, error) {
		r.Asking = 2
		return surveys.Step{Posts: []*bot.Outgoing{post("lost")}, Tally: func(t *surveys.Tally) { t.Responses += 10 }}, bot.Errorf(bot.ECONFLICT, "closed")
	})
	code(t, err, bot.ECONFLICT)
	if tl, err := db.SurveyTally(ctx, 7); err != nil || tl.Responses != 1 {
		t.Fatalf("the tally, kept with the answer and not with a failed one: %+v %v", tl, err)
	}
	if tl, err := db.SurveyTally(ctx, 99); err != nil || tl.Responses != 0 {
		t.Fatalf("a survey without answers: %+v %v", tl, err)
	}
	if id, _ := db.AskingText(ctx, anaT); id != 7 {
		t.Fatal("a failed answer cleared the mark")
	}
	// Another survey asks a text question: its mark replaces this one; an
	// answer to this survey then leaves it.
	if _, err := db.Respond(ctx, 8, anaT.String(), anaT, func(r *surveys.Response) (surveys.Step, error) {
		return surveys.Step{AskingText: true}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Respond(ctx, 7, anaT.String(), anaT, func(r *surveys.Response) (surveys.Step, error) {
		r.Answers[1] = surveys.Answer{Text: "no", At: epoch}
		r.Asking = 2
		return surveys.Step{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if id, _ := db.AskingText(ctx, anaT); id != 8 {
		t.Fatalf("the other survey's mark: %d", id)
	}
	if _, err := db.Respond(ctx, 8, anaT.String(), anaT, func(r *surveys.Response) (surveys.Step, error) { return surveys.Step{}, nil }); err != nil {
		t.Fatal(err)
	}
	if id, _ := db.AskingText(ctx, anaT); id != 0 {
		t.Fatalf("the mark after the answer: %d", id)
	}
	// Two surveys asking at once: the last to ask answers first, the
	// other's mark stays.
	ask := func(id bot.CampaignID, asking bool) {
		t.Helper()
		if _, err := db.Respond(ctx, id, anaT.String(), anaT, func(r *surveys.Response) (surveys.Step, error) {
			return surveys.Step{AskingText: asking}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	ask(7, true)
	ask(8, true)
	if id, _ := db.AskingText(ctx, anaT); id != 8 {
		t.Fatalf("two asking: %d, want the last", id)
	}
	ask(8, false)
	if id, _ := db.AskingText(ctx, anaT); id != 7 {
		t.Fatalf("the last answered: %d, want the other", id)
	}
	ask(7, false)
	if _, err := db.Respond(ctx, 7, bob.String(), bot.Address{}, func(r *surveys.Response) (surveys.Step, error) {
		r.Answers[0] = surveys.Answer{Choices: []int{0}, At: epoch}
		return surveys.Step{}, nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []*surveys.Response
	if err := db.Responses(ctx, 7, func(r *surveys.Response) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Respondent != bob.String() || got[1].Respondent != anaT.String() || got[1].Answers[1].Text != "no" || got[1].Asking != 2 {
		t.Fatalf("responses: %+v", got)
	}
	_, err = db.Respond(ctx, 7, "", anaT, func(r *surveys.Response) (surveys.Step, error) { return surveys.Step{}, nil })
	code(t, err, bot.EINVALID)
}
