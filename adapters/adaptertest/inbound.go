package adaptertest

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/threads"
)

// InboundHarness is one adapter with threads wired to its fake, for the
// inbound half: what moderators write in participants' threads goes
// through the adapter's real inbound path to the command language.
type InboundHarness struct {
	// Surface is the adapter, where participants' threads live, in
	// Channel.
	Surface bot.ThreadPoster
	Channel bot.Address
	// Store keeps the conversations (a real store).
	Store bottest.ThreadStore
	// Moderator is who writes in threads on this surface.
	Moderator bot.Address
	// Serve makes the adapter hand what it receives to h from now on.
	Serve func(h bot.InboundHandler)
	// Language is the command language's handler over threads, moderated
	// by auth, as cmd/herald wires it (commands.NewInbound).
	Language func(th *threads.Service, auth *moderators.Set) bot.InboundHandler
	// Write has Moderator write text in thread t, through the fake
	// platform, as a person would.
	Write func(t bot.ThreadRef, text string)
	// Shown returns what herald showed in thread t, in order and as
	// rendered, answers only moderators see included; not what moderators
	// wrote themselves.
	Shown func(t bot.ThreadRef) []string
}

// counting counts the events handled.
type counting struct {
	next bot.InboundHandler
	n    atomic.Int64
}

func (c *counting) Handle(ctx context.Context, in bot.Inbound) (bot.InboundReply, error) {
	defer c.n.Add(1)
	return c.next.Handle(ctx, in)
}

// RunInbound runs the inbound half: the same scripted conversation in a
// participant's thread — a note, `close in 2h`, `/reopen`, `tag add vip`,
// a reply to a participant chat cannot reach whose email is known, and
// one to a participant with no email — gives the same state changes and
// the same answers to moderators on every surface; and a thread that is
// no participant's is ignored, commands included.
func RunInbound(t *testing.T, newHarness func(t *testing.T) *InboundHarness) {
	ctx := context.Background()
	h := newHarness(t)
	clock := bottest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	// Participants write from a chat platform other than the surface's,
	// which a fake stands for.
	pp := bot.PlatformTeams
	if h.Channel.Platform == bot.PlatformTeams {
		pp = bot.PlatformTelegram
	}
	chat, mail := bottest.NewMessenger(pp), bottest.NewMessenger(bot.PlatformEmail)
	threads := bottest.NewThreads(h.Store, clock, h.Surface, h.Channel, mail, chat)
	auth := &moderators.Set{Users: map[bot.Platform][]string{h.Moderator.Platform: {h.Moderator.ID}}}
	lang := h.Language(threads, auth)
	handled := &counting{next: lang}
	h.Serve(handled)

	// Two participants write; chat cannot reach them afterwards (the app
	// was uninstalled). Ana gave her email, Bob did not.
	ana := bot.Address{Platform: pp, ID: "ana"}
	bob := bot.Address{Platform: pp, ID: "bob"}
	conv := map[bot.Address]*bot.Conversation{}
	for _, p := range []struct {
		who         bot.Address
		name, email string
	}{{ana, "Ana", "ana@example.org"}, {bob, "Bob", ""}} {
		if _, err := lang.Handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: bot.Actor{Address: p.who, Name: p.name}, Email: p.email, Text: "Hello, a question"}); err != nil {
			t.Fatalf("%s writes: %v", p.name, err)
		}
		c, err := h.Store.ConversationByParticipant(ctx, p.who)
		if err != nil || c.Thread.IsZero() {
			t.Fatalf("%s's thread: %+v, %v", p.name, c, err)
		}
		conv[p.who] = c
		chat.FailTo(p.who, bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "the app is not installed for them"))
	}

	// write has the moderator write text in thread and returns what herald
	// showed in answer: it waits for the adapter to hand the message over,
	// then for an answer when one is expected.
	write := func(thread bot.ThreadRef, text string, answers bool) []string {
		t.Helper()
		before, n := len(h.Shown(thread)), handled.n.Load()
		h.Write(thread, text)
		waitUntil(t, "the adapter to hand over "+text, func() bool { return handled.n.Load() > n })
		if answers {
			waitUntil(t, "an answer to "+text, func() bool { return len(h.Shown(thread)) > before })
		} else {
			time.Sleep(100 * time.Millisecond)
		}
		return h.Shown(thread)[before:]
	}
	state := func(who bot.Address) *bot.Conversation {
		t.Helper()
		c, err := h.Store.ConversationByParticipant(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	says := func(step string, got []string, want string) {
		t.Helper()
		if want == "" && len(got) != 0 || want != "" && (len(got) != 1 || !strings.Contains(got[0], want)) {
			t.Errorf("%s: moderators were shown %q, want %q", step, got, want)
		}
	}
	th := conv[ana].Thread

	says("note", write(th, "note she is a VIP", false), "")
	if len(chat.Sent()) != 0 || len(state(ana).Outbox) != 0 {
		t.Errorf("a note went to the participant: %+v", chat.Sent())
	}

	says("close in 2h", write(th, "close in 2h", true), "The conversation closes at 2026-11-24 12:00 UTC")
	if c := state(ana); !c.CloseAt.Equal(clock.Now().Add(2*time.Hour)) || c.Status != bot.ConversationOpen {
		t.Errorf("after close in 2h: close at %s, %s", c.CloseAt, c.Status)
	}

	says("/reopen", write(th, "/reopen", true), "Conversation open again.")
	if c := state(ana); !c.CloseAt.IsZero() || c.Status != bot.ConversationOpen {
		t.Errorf("after reopen: close at %s, %s", c.CloseAt, c.Status)
	}

	says("tag add vip", write(th, "tag add vip", true), "Tags: vip")
	if c := state(ana); len(c.Tags) != 1 || c.Tags[0] != "vip" {
		t.Errorf("after tag add vip: tags %q", c.Tags)
	}

	says("a reply by email", write(th, "Here is your invoice.", true), "this reply goes by email to ana@example.org at 10:02 UTC")
	if c := state(ana); len(c.Outbox) != 1 || c.Outbox[0].Text != "Here is your invoice." || c.Status != bot.ConversationPending {
		t.Errorf("after a reply by email: outbox %+v, %s", c.Outbox, c.Status)
	}

	says("a reply to no one", write(conv[bob].Thread, "Hello Bob", true), "Not delivered: "+bob.String()+" cannot be reached in chat (the app is not installed for them) and no email is known for them")
	if c := state(bob); len(c.Outbox) != 0 || c.Status != bot.ConversationOpen {
		t.Errorf("after an undelivered reply: outbox %+v, %s", c.Outbox, c.Status)
	}

	// The history lists all of it, in order, on every surface; a word of
	// a command that takes no argument, followed by more, is a reply.
	hist := write(th, "history", true)
	want := []string{"message from the participant", "wrote a note", "set it to close at 2026-11-24 12:00 UTC", "reopened the conversation",
		"added the tag vip", "replied, by email: “Here is your invoice.”", "answered: waiting for the participant (open → pending)"}
	if len(hist) != 1 {
		t.Errorf("history: moderators were shown %q", hist)
	} else {
		at := 0
		for _, line := range want {
			i := strings.Index(hist[0][at:], line)
			if i < 0 {
				t.Errorf("history lacks %q (or has it out of order): %s", line, hist[0])
				break
			}
			at += i + len(line)
		}
	}
	says("a reply that starts with a command's word", write(th, "history of your order: shipped", true), "this reply goes by email")

	// A thread that is no participant's: ordinary talk, commands included.
	other, err := h.Surface.StartThread(ctx, h.Channel, bot.Message{Kind: bot.KindCard, Title: "Lunch", Text: "Where do we eat?"})
	if err != nil {
		t.Fatal(err)
	}
	says("close in a thread that is no participant's", write(other, "close", false), "")
	says("talk in a thread that is no participant's", write(other, "the usual place", false), "")
	if len(chat.Sent())+len(mail.Sent()) != 0 {
		t.Errorf("something reached participants: %+v %+v", chat.Sent(), mail.Sent())
	}
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
