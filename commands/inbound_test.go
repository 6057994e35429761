package commands_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

// TestInboundThreadDialectInFrench: the thread dialect answers in the
// catalogue's language: a slash command, an undelivered reply; a note is
// kept as an internal echo; a thread that is no participant's is ignored.
func TestInboundThreadDialectInFrench(t *testing.T) {
	w := newWorld(t, commands.LocaleFrench)
	ctx := context.Background()
	h := commands.NewInbound(w.mux, w.threads)
	ana := bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}
	if _, err := h.Handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: bot.Actor{Address: ana, Name: "Ana"}, Text: "Bonjour"}); err != nil {
		t.Fatal(err)
	}
	c, err := w.db.ConversationByParticipant(ctx, ana)
	if err != nil {
		t.Fatal(err)
	}
	in := func(text string) bot.InboundReply {
		t.Helper()
		out, err := h.Handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: mo, Thread: c.Thread, Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	out := in("/tag add vip")
	if len(out.Replies) != 1 || out.Echo != nil || !strings.Contains(out.Replies[0].Messages[0].Text, "Étiquettes : vip") {
		t.Fatalf("/tag add vip: %+v", out)
	}
	out = in("note elle a déjà écrit")
	if len(out.Replies) != 0 || out.Echo == nil || !out.Echo.Internal || out.Echo.Message.Text != "elle a déjà écrit" {
		t.Fatalf("note: %+v", out)
	}
	w.slack.FailTo(ana, bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "blocked"))
	out = in("Voici la facture")
	if len(out.Replies) != 1 || !out.Replies[0].Private || !strings.HasPrefix(out.Replies[0].Messages[0].Text, "Non remis : ") || out.Echo == nil || out.Echo.Internal {
		t.Fatalf("an undelivered reply: %+v", out)
	}
	// Someone in the channel who is no moderator: their reply and their
	// note reach no one and change nothing; they are told, privately,
	// once a while (each answer takes a post from the channel's budget).
	eve := bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UEVE"}, Name: "Eve"}
	w.slack.FailTo(ana, nil)
	before := len(w.slack.SentTo(ana))
	events, _ := w.db.ConversationEvents(ctx, c.ID, 0, 0)
	for i, text := range []string{"Je peux aider ?", "note pas une modératrice", "/note non plus"} {
		out, err := h.Handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: eve, Thread: c.Thread, Text: text})
		if err != nil || out.Echo != nil {
			t.Fatalf("%q from someone who is no moderator: %+v, %v", text, out, err)
		}
		if told := len(out.Replies) == 1 && out.Replies[0].Private && strings.Contains(out.Replies[0].Messages[0].Text, "modérateurs"); told != (i == 0) || i > 0 && len(out.Replies) != 0 {
			t.Fatalf("%q from someone who is no moderator (message %d): %+v; want them told the first time only", text, i, out)
		}
	}
	if n := len(w.slack.SentTo(ana)); n != before {
		t.Fatalf("a reply from someone who is no moderator reached the participant (%d messages, %d before)", n, before)
	}
	if after, _ := w.db.ConversationEvents(ctx, c.ID, 0, 0); len(after) != len(events) {
		t.Fatalf("a note or reply from someone who is no moderator was recorded: %d events, %d before", len(after), len(events))
	}
	other := bot.ThreadRef{Channel: c.Thread.Channel, ID: "elsewhere"}
	for _, text := range []string{"close", "/close", "bonjour"} {
		if out, err := h.Handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: mo, Thread: other, Text: text}); err != nil || len(out.Replies) != 0 || out.Echo != nil {
			t.Fatalf("%q in a thread that is no participant's: %+v, %v", text, out, err)
		}
	}
}

// TestInboundForms: a bare `campaign new` asks a surface that offers the
// form to open it, for a moderator only; a submitted form runs as the
// commands a moderator would type.
func TestInboundForms(t *testing.T) {
	w := newWorld(t, commands.LocaleEnglish)
	ctx := context.Background()
	h := commands.NewInbound(w.mux, w.threads)
	forms := []string{bot.FormCampaign, bot.FormListImport}
	if out, _ := h.Handle(ctx, bot.Inbound{Kind: bot.InboundCommand, From: mo, Text: "campaign  new", Forms: forms}); out.Form != bot.FormCampaign {
		t.Fatalf("a moderator's bare campaign new: %+v", out)
	}
	if out, _ := h.Handle(ctx, bot.Inbound{Kind: bot.InboundCommand, From: stray, Text: "campaign new", Forms: forms}); out.Form != "" || len(out.Replies) != 1 {
		t.Fatalf("a stranger's bare campaign new: %+v", out)
	}
	out, _ := h.Handle(ctx, bot.Inbound{Kind: bot.InboundForm, From: mo, Form: bot.FormCampaign,
		Fields: map[string]string{"name": "Welcome", "text": "Hello {{first_name}}", "at": "tomorrow 9:00"}})
	last := out.Replies[len(out.Replies)-1]
	if len(last.Messages) == 0 || last.Messages[0].Campaign == 0 || !strings.Contains(last.Messages[0].Title, "Welcome") {
		t.Fatalf("the form's card: %+v", out.Replies)
	}

	// The nudge form: a bare `nudge new` opens it; a submission makes the
	// nudge, off, with its rule, message and hours, or says what it could
	// not read above what it made.
	nudgeForms := []string{bot.FormCampaign, bot.FormNudge}
	if out, _ := h.Handle(ctx, bot.Inbound{Kind: bot.InboundCommand, From: mo, Text: "nudge new", Forms: nudgeForms}); out.Form != bot.FormNudge {
		t.Fatalf("a moderator's bare nudge new: %+v", out)
	}
	out, _ = h.Handle(ctx, bot.Inbound{Kind: bot.InboundForm, From: mo, Form: bot.FormNudge,
		Fields: map[string]string{"name": "Reminder", "when": "signed_up in 3 days at 9h", "text": "Hi {{first_name}}", "hours": "mon-fri 9-18", "tz": "Europe/Paris"}})
	if len(out.Replies) != 2 || out.Replies[0].Private || !strings.Contains(out.Replies[0].Messages[0].Text, "first_name") {
		t.Fatalf("the nudge form's warning: %+v", out.Replies)
	}
	info := out.Replies[1].Messages[0]
	if !strings.Contains(info.Title, "Reminder") || !strings.Contains(fmt.Sprint(info.Fields), "signed_up in 3 days at 09:00") || !strings.Contains(fmt.Sprint(info.Fields), "Europe/Paris") {
		t.Fatalf("the nudge form's card: %+v", info)
	}
	out, _ = h.Handle(ctx, bot.Inbound{Kind: bot.InboundForm, From: mo, Form: bot.FormNudge,
		Fields: map[string]string{"name": "Broken", "when": "signed_up in three days", "text": "Hi"}})
	if len(out.Replies) != 2 || !out.Replies[0].Private || !strings.Contains(out.Replies[0].Messages[0].Text, "not a delay") ||
		!strings.Contains(out.Replies[1].Messages[0].Title, "Broken") || out.Replies[1].Messages[0].Text != "Hi" {
		t.Fatalf("a nudge form with a rule it cannot read (the message typed is kept): %+v", out.Replies)
	}
}

// TestForgottenButton: a button whose value the surface no longer holds
// (from before a restart) is answered privately, in the catalogue's
// language, and runs nothing.
func TestForgottenButton(t *testing.T) {
	for _, c := range []struct {
		locale commands.Locale
		want   string
	}{{commands.LocaleEnglish, "run the command again"}, {commands.LocaleFrench, "relancez la commande"}} {
		w := newWorld(t, c.locale)
		out, err := commands.NewInbound(w.mux, w.threads).Handle(context.Background(), bot.Inbound{Kind: bot.InboundButton, From: mo})
		if err != nil || len(out.Replies) != 1 || !out.Replies[0].Private || !strings.Contains(out.Replies[0].Messages[0].Text, c.want) {
			t.Errorf("%s: %+v %v", c.locale, out, err)
		}
	}
}

// TestInboundThreadMessageRedelivered: a moderator's reply, note or thread
// command that the platform delivers again (it saw no acknowledgement)
// is handled once, however the handler was restarted meanwhile: the
// participant gets one reply, the history one note. A message without the
// platform's id (the web console's) is handled each time.
func TestInboundThreadMessageRedelivered(t *testing.T) {
	w := newWorld(t, commands.LocaleEnglish)
	ctx := context.Background()
	ana := bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}
	if _, err := commands.NewInbound(w.mux, w.threads).Handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: bot.Actor{Address: ana, Name: "Ana"}, ID: "1.1", Text: "Hello"}); err != nil {
		t.Fatal(err)
	}
	c, err := w.db.ConversationByParticipant(ctx, ana)
	if err != nil {
		t.Fatal(err)
	}
	notes := func() int {
		evs, err := w.db.ConversationEvents(ctx, c.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range evs {
			if e.Type == bot.EventNoteAdded {
				n++
			}
		}
		return n
	}
	sent := len(w.slack.SentTo(ana))
	for delivery := range 3 {
		h := commands.NewInbound(w.mux, w.threads) // a handler with no memory of earlier deliveries
		for _, m := range []struct{ id, text string }{{"2.1", "Here is the invoice"}, {"2.2", "note she wrote before"}, {"2.3", "tag add vip"}} {
			out, err := h.Handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: mo, ID: m.id, Thread: c.Thread, Text: m.text})
			if err != nil {
				t.Fatal(err)
			}
			if handled := out.Echo != nil || len(out.Replies) > 0; handled != (delivery == 0) {
				t.Fatalf("delivery %d of %q: %+v; want it handled the first time only", delivery+1, m.text, out)
			}
		}
	}
	if got := len(w.slack.SentTo(ana)) - sent; got != 1 {
		t.Fatalf("the participant got %d replies from one reply delivered three times", got)
	}
	if n := notes(); n != 1 {
		t.Fatalf("%d notes recorded from one note delivered three times", n)
	}
	// The same id from another moderator, or in another participant's
	// thread, is another message.
	ben := bot.Address{Platform: bot.PlatformSlack, ID: "UBEN"}
	h := commands.NewInbound(w.mux, w.threads)
	if _, err := h.Handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: bot.Actor{Address: ben, Name: "Ben"}, ID: "1.2", Text: "Hi"}); err != nil {
		t.Fatal(err)
	}
	cb, err := w.db.ConversationByParticipant(ctx, ben)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := h.Handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: mo, ID: "2.1", Thread: cb.Thread, Text: "Hello Ben"}); err != nil || out.Echo == nil || len(w.slack.SentTo(ben)) != 1 {
		t.Fatalf("a reply in another thread with an id used in Ana's: %+v, %v; Ben got %d messages", out, err, len(w.slack.SentTo(ben)))
	}
	if out, err := h.Handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD2"}, Name: "Mia"}, ID: "2.2", Thread: c.Thread, Text: "note mine too"}); err != nil || out.Echo == nil {
		t.Fatalf("another moderator's note with an id Mo used: %+v, %v", out, err)
	}
	for range 2 {
		if _, err := h.Handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: mo, Thread: c.Thread, Text: "note without an id"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := notes(); n != 4 {
		t.Fatalf("%d notes after Mia's and two notes without an id, want 4", n)
	}
}
