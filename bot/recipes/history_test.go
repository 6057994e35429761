package recipes_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/threads"
)

// linesBy returns the history lines of recipe name, in order.
func (r *rig) linesBy(t *testing.T, name string) []string {
	t.Helper()
	var out []string
	for _, l := range strings.Split(r.history(t), "\n") {
		if strings.Contains(l, " recipe "+name) {
			out = append(out, l)
		}
	}
	return out
}

// One recipe of many actions on one message: each is in the
// conversation's history under the recipe's name, in the recipe's order,
// and the conversation ends as the last of them left it.
func TestEveryActionIsInTheHistoryInOrder(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.add(t, "Triage", recipes.Trigger{Kind: recipes.TriggerNewMessage}, `lower(message) contains "urgent"`,
		recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "vip"},
		recipes.Action{Kind: recipes.RecipeNote, Text: "looked at by Triage"},
		recipes.Action{Kind: recipes.RecipeSet, Key: "priority", Text: "high"},
		recipes.Action{Kind: recipes.RecipePending},
		recipes.Action{Kind: recipes.RecipeReopen},
		recipes.Action{Kind: recipes.RecipeBlock},
		recipes.Action{Kind: recipes.RecipeResolve})
	r.writes(t, "hello") // no match: nothing by the recipe
	r.step(t)
	if got := r.linesBy(t, "Triage"); len(got) != 0 {
		t.Fatalf("the recipe acted on a message that does not match: %q", got)
	}
	r.writes(t, "URGENT: it broke")
	r.step(t)
	want := []string{
		"tag_added recipe Triage vip",
		"note_added recipe Triage",
		"status_changed recipe Triage set priority to high",
		"status_changed recipe Triage set pending",
		"status_changed recipe Triage reopened",
		"status_changed recipe Triage blocked",
		"status_changed recipe Triage closed",
	}
	if got := r.linesBy(t, "Triage"); !slices.Equal(got, want) {
		t.Fatalf("the recipe's history lines:\n%s\nwant:\n%s\nwhole history:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), r.history(t))
	}
	// The actions follow the message that started them, nothing between.
	h := strings.Split(r.history(t), "\n")
	if j := slices.Index(h, want[0]); j < 1 || h[j-1] != "message_received herald" || !slices.Equal(h[j:], want) {
		t.Errorf("the recipe's lines do not follow the message at once:\n%s", strings.Join(h, "\n"))
	}
	c := r.conv(t)
	if !slices.Equal(c.Tags, []string{"vip"}) || c.Props["priority"] != "high" || !c.Blocked || c.Status != bot.ConversationResolved {
		t.Fatalf("the conversation after the recipe: tags %v, props %v, blocked %v, status %s", c.Tags, c.Props, c.Blocked, c.Status)
	}
	// The status events say where each change came from.
	evs, err := r.db.ConversationEvents(ctx, c.ID, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	var moves []string
	for _, e := range evs {
		if e.Type == bot.EventStatusChanged && e.By.Recipe == "Triage" {
			moves = append(moves, e.Data["from"]+">"+e.Data["status"])
		}
		if e.Type == bot.EventNoteAdded && e.By.Recipe == "Triage" && e.Text != "looked at by Triage" {
			t.Errorf("the note's text: %q", e.Text)
		}
	}
	if want := []string{"open>open", "open>pending", "pending>open", "open>open", "open>resolved"}; !slices.Equal(moves, want) {
		t.Errorf("status moves %v, want %v", moves, want)
	}
}

// The NPS survey: the question (0 to 10, no buttons) goes to the
// participant; a typed number out of range is a message; one in range,
// 0 included, is the rating, recorded on the conversation and as an
// event, and does not reopen.
func TestNPSSurveyAnsweredByATypedNumber(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.add(t, "NPS", recipes.Trigger{Kind: recipes.TriggerStatus, Value: "resolved"}, "", recipes.Action{Kind: recipes.RecipeSurvey, Key: "nps"})
	c := r.writes(t, "thanks")
	resolve := func() {
		t.Helper()
		if err := r.th.Act(ctx, c.ID, mo, recipes.Action{Kind: recipes.RecipeResolve}); err != nil {
			t.Fatal(err)
		}
		r.step(t)
	}
	resolve()
	sent := r.chat.SentTo(ana)
	if len(sent) != 1 || len(sent[0].Buttons) != 0 || !strings.Contains(sent[0].Text, "From 0 (not at all) to 10 (very likely)") {
		t.Fatalf("the question: %+v", sent)
	}
	if got := r.conv(t); got.Asking != "nps" {
		t.Fatalf("asking %q, want nps", got.Asking)
	}
	r.writes(t, "11") // out of range: a message, which reopens
	if got := r.conv(t); got.Asking != "nps" || got.Rating != 0 || got.Status != bot.ConversationOpen {
		t.Fatalf("after 11: asking %q, rating %d, status %s", got.Asking, got.Rating, got.Status)
	}
	resolve() // asked again
	r.writes(t, " 10 ")
	if got := r.conv(t); got.Rating != 10 || got.Asking != "" || got.Status != bot.ConversationResolved {
		t.Fatalf("after 10: rating %d, asking %q, status %s", got.Rating, got.Asking, got.Status)
	}
	r.writes(t, "one more question") // reopens
	resolve()                        // asked a third time
	r.writes(t, "0")
	if got := r.conv(t); got.Rating != 0 || got.Asking != "" || got.Status != bot.ConversationResolved {
		t.Fatalf("after 0: rating %d, asking %q, status %s", got.Rating, got.Asking, got.Status)
	}
	if n := len(r.chat.SentTo(ana)); n != 3 {
		t.Errorf("%d questions sent, want 3", n)
	}
	evs, _ := r.db.ConversationEvents(ctx, c.ID, 0, 0)
	var answers []string
	for _, e := range evs {
		if e.Type == bot.EventSurveyAnswered {
			answers = append(answers, e.Data["survey"]+"="+e.Data["rating"])
		}
	}
	if !slices.Equal(answers, []string{"nps=10", "nps=0"}) {
		t.Fatalf("survey answers recorded: %v", answers)
	}
	want := []string{"status_changed recipe NPS asked for a rating (nps)", "reply_sent recipe NPS"}
	if got := r.linesBy(t, "NPS"); !slices.Equal(got, append(append(append([]string{}, want...), want...), want...)) {
		t.Errorf("the recipe's history lines:\n%s", strings.Join(got, "\n"))
	}
}

// A reply's placeholders are filled from the participant's contact (its
// first name, an attribute a set action just wrote, the date) before it
// reaches their messenger; a placeholder the contact lacks fails the
// action, sends nothing, and the history says why.
func TestAReplyWithPlaceholdersReachesTheParticipant(t *testing.T) {
	ctx := context.Background()
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), bottest.NewClock(t0))
	r.add(t, "Greet", recipes.Trigger{Kind: recipes.TriggerNewConversation}, "",
		recipes.Action{Kind: recipes.RecipeSet, Key: "contact.city", Text: "Lyon"},
		recipes.Action{Kind: recipes.RecipeReply, Text: "Hi {{first_name}} from {{city}}, today is {{date}}."})
	r.add(t, "Plan", recipes.Trigger{Kind: recipes.TriggerNewMessage}, `message contains "plan"`,
		recipes.Action{Kind: recipes.RecipeReply, Text: "Your plan is {{plan}}."},
		recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "after-plan"})
	if _, err := r.th.Receive(ctx, threads.Incoming{From: ana, Name: "Ana Lima", Message: bot.Message{Text: "hello"}}); err != nil {
		t.Fatal(err)
	}
	r.step(t)
	sent := r.chat.SentTo(ana)
	if len(sent) != 1 || sent[0].Text != "Hi Ana from Lyon, today is 2026-12-01." {
		t.Fatalf("the reply: %+v", sent)
	}
	// A reply answers: the conversation waits for the participant.
	if got := r.linesBy(t, "Greet"); !slices.Equal(got, []string{"status_changed recipe Greet set contact.city to Lyon", "reply_sent recipe Greet", "status_changed recipe Greet answered"}) {
		t.Fatalf("history lines of Greet: %q", got)
	}
	if c := r.conv(t); c.Status != bot.ConversationPending {
		t.Fatalf("status after the reply: %s", c.Status)
	}
	r.writes(t, "what is my plan?")
	r.step(t)
	if sent := r.chat.SentTo(ana); len(sent) != 1 {
		t.Fatalf("a reply with a placeholder the contact lacks was sent: %+v", sent[1:])
	}
	got := r.linesBy(t, "Plan")
	if len(got) != 1 || !strings.HasPrefix(got[0], "recipe_action recipe Plan action 1 (reply) failed:") || !strings.Contains(got[0], "no value for {{plan}}") {
		t.Fatalf("history lines of Plan: %q", got)
	}
	if c := r.conv(t); slices.Contains(c.Tags, "after-plan") {
		t.Fatal("the run went on after its reply failed")
	}
}
