package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/commands"
)

// The README's two worked examples, typed as a moderator types them, then
// played: herald acts as they say, and the history says so.
func TestRecipeCommandsWorkedExamples(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	say := func(text, want string) string {
		t.Helper()
		r := w.run(mo, text)
		got := render(r)
		if !strings.Contains(got, want) {
			t.Fatalf("%s:\n%s\nwant it to say %q", text, got, want)
		}
		return got
	}
	// 1. Resolve after 30 minutes without an answer.
	say("recipe new Auto-close", "Recipe #1 *Auto-close* created, off")
	say("recipe when 1 status pending", "when status pending")
	say("recipe if 1 status is pending", "if status is pending")
	say("recipe do 1 wait 30m; resolve", "wait 30m0s; resolve")
	say("recipe enable 1", "is on")
	// 2. Notify #support on the 5th message about refunds, at most
	// hourly, outside business hours.
	say("calendar new office tz Europe/Paris mon-fri 9-12 mon-fri 13-18 closed 2026-12-25", "Calendar *office*: Mon,Tue,Wed,Thu,Fri 09:00–12:00 · Mon,Tue,Wed,Thu,Fri 13:00–18:00 · closed 2026-12-25 · Europe/Paris")
	say("recipe new Refunds", "Recipe #2")
	say("recipe when 2 new message", "when new message")
	say(`recipe if 2 message contains "refund"`, `if message contains "refund"`)
	say(`recipe do 2 notify slack:CSUPPORT after 5 at most hourly "{{count}} messages about refunds: the last from {{contact}}"`, "notify slack:CSUPPORT after 5 at most every 1h0m0s")
	say("recipe hours 2 outside office", "(outside the hours of office)")
	say("recipe enable 2", "is on")
	info := say("recipe info 2", "*Recipe #2 Refunds* (on)")
	if !strings.Contains(info, `lower(message) contains "refund"`) {
		t.Errorf("info does not show the expression:\n%s", info)
	}
	say("recipes", "#1 *Auto-close* · on")
	say("calendar delete office", "recipe 2 (Refunds) runs by calendar office")

	// Played. t0 is a Tuesday at 10:00 UTC (11:00 in Paris): open.
	zoe := bot.Address{Platform: bot.PlatformSlack, ID: "UZOE"}
	if _, err := w.threads.Receive(ctx, threads.Incoming{From: zoe, Name: "Zoe", Message: bot.Message{Text: "Hi, a refund?"}}); err != nil {
		t.Fatal(err)
	}
	c, _ := w.db.ConversationByParticipant(ctx, zoe)
	if _, err := w.threads.Reply(ctx, c.Thread, mo, bot.Message{Text: "Looking into it"}); err != nil {
		t.Fatal(err)
	}
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(31 * time.Minute)
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.db.Conversation(ctx, c.ID); got.Status != bot.ConversationResolved {
		t.Fatalf("not resolved 30 minutes after the answer: %s", got.Status)
	}
	hist := render(w.mux.Serve(ctx, &commands.Request{Actor: mo, Text: "history", Thread: c.Thread}))
	if !strings.Contains(hist, "recipe Auto-close closed the conversation (pending → resolved)") {
		t.Fatalf("history:\n%s", hist)
	}
	// In office hours the refund message counted for nothing; in the
	// evening five do.
	w.clock.Set(time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC))
	for i := range 5 {
		from := bot.Address{Platform: bot.PlatformSlack, ID: "UP" + string(rune('A'+i))}
		w.threads.Receive(ctx, threads.Incoming{From: from, Name: "P", Message: bot.Message{Text: "Refund please"}})
	}
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	posts, _ := w.db.Outbox(ctx, 0, 0)
	var told []string
	for _, p := range posts {
		if p.To.ID == "CSUPPORT" {
			told = append(told, p.Message.Text)
		}
	}
	if len(told) != 1 || !strings.HasPrefix(told[0], "5 messages about refunds: the last from P (slack:UPE)") {
		t.Fatalf("notifications: %q", told)
	}
}

func TestRecipeCommandsRefuseWhatCannotWork(t *testing.T) {
	w := newWorld(t, commands.LocaleFrench)
	w.run(mo, "recipe new Essai")
	for _, tc := range []struct{ text, want string }{
		{"recipe enable 1", "pas encore de déclencheur"},
		{"recipe when 1 statut endormi", "ouverte, en attente ou résolue"},
		{"recipe when 1 nouveau message extra", "dites quand elle se déclenche"},
		{"recipe if 1 plateforme est myspace", "not a platform"},
		{"recipe if 1 platfrom is slack", `did you mean "platform"`},
		{"recipe do 1 explose", "n'est pas une action"},
		{"recipe do 1 attendre 30m", "a wait is followed by what it waits for"},
		{"recipe hours 1 pendant bureau", "pas de calendrier nommé bureau"},
		{"recipe info 9", "pas de recette n°9"},
		{"calendar new bureau lun-ven", "have no hours"},
		{"calendar new bureau tz Mars/X 9-18", "unknown time zone"},
	} {
		if got := render(w.run(mo, tc.text)); !strings.Contains(got, tc.want) {
			t.Errorf("%s:\n%s\nwant %q", tc.text, got, tc.want)
		}
	}
}
