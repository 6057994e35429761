package email_test

import (
	"context"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/internal/kindtest"

	"github.com/heraldchat/herald/adapters/adaptertest"
	"github.com/heraldchat/herald/adapters/email"
	"github.com/heraldchat/herald/adapters/email/emailfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/status"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/store"
)

// startSMTP runs the server on loopback and returns a messenger for it.
func startSMTP(t *testing.T) (*emailfake.Server, *email.Adapter) {
	t.Helper()
	box, err := emailfake.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { box.Close() })
	return box, email.New(email.Config{Host: "127.0.0.1", Port: box.Port(), TLS: "none", From: "Herald <herald@example.org>", Timeout: 5 * time.Second})
}

func TestSendThroughSMTP(t *testing.T) {
	box, a := startSMTP(t)
	to := bot.Address{Platform: bot.PlatformEmail, ID: "ana@example.org"}
	m := bot.Message{Title: "Your *order*", Text: "Hello _Ana_,\nsee [the page](https://example.org/o?id=1&x=<2>).",
		Fields: []bot.Field{{Label: "Room", Value: "B12"}}, Buttons: []bot.Button{{Label: "Open", Action: bot.Action{Kind: bot.ActionLink, URL: "https://example.org"}}}}
	if _, err := a.Send(context.Background(), to, m); err != nil {
		t.Fatal(err)
	}
	got := box.Mail()
	if len(got) != 1 || got[0].From != "herald@example.org" || len(got[0].To) != 1 || got[0].To[0] != "ana@example.org" {
		t.Fatalf("received %+v", got)
	}
	d := decoded(t, got[0].Data)
	for _, want := range []string{"Subject: Your order", "Hello Ana,", "the page (https://example.org/o?id=1&x=<2>)", "Room: B12", "Open: https://example.org", "text/html", "&lt;2&gt;"} {
		if !strings.Contains(d, want) {
			t.Errorf("the email lacks %q:\n%s", want, d)
		}
	}
}

func TestSMTPFailures(t *testing.T) {
	_, a := startSMTP(t)
	_, err := a.Send(context.Background(), bot.Address{Platform: bot.PlatformEmail, ID: "zoe@refused.example"}, bot.Message{Text: "hi"})
	if bot.ErrorCode(err) != bot.EINVALID || bot.ErrorStep(err) != bot.StepSend {
		t.Fatalf("a refused recipient: %v (%s, %s)", err, bot.ErrorCode(err), bot.ErrorStep(err))
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	board := &status.Board{Clock: bottest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))}
	down := email.New(email.Config{Board: board, Host: "127.0.0.1", Port: port, TLS: "none", From: "h@example.org", Timeout: 2 * time.Second})
	_, err = down.Send(context.Background(), bot.Address{Platform: bot.PlatformEmail, ID: "ana@example.org"}, bot.Message{Text: "hi"})
	if bot.ErrorCode(err) != bot.EUNAVAILABLE {
		t.Fatalf("a server that is down: %v (%s)", err, bot.ErrorCode(err))
	}
	// A server that is down is the operator's to fix: it shows in status;
	// one recipient refused is not.
	if st := board.Status(); len(st.Errors) != 1 || st.Errors[0].Platform != bot.PlatformEmail || !strings.Contains(st.Errors[0].Fix, "email.host") {
		t.Fatalf("status after the server was down: %+v", st.Errors)
	}
	if _, err := a.Send(context.Background(), bot.Address{Platform: bot.PlatformSlack, ID: "U1"}, bot.Message{Text: "x"}); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("a Slack address: %v", err)
	}
}

// awayMessenger is a chat whose participant's page is closed: it keeps the
// message and says the participant is away.
type awayMessenger struct{ *bottest.Messenger }

func (awayMessenger) Presence(context.Context, bot.Address) (bot.Presence, error) {
	return bot.PresenceAway, nil
}

// TestRepliesGoByEmailTogether: a participant whose chat page is closed
// gets the moderators' replies by email, those of two minutes in one
// email, and the thread says so.
func TestRepliesGoByEmailTogether(t *testing.T) {
	ctx := context.Background()
	box, mailer := startSMTP(t)
	clock := bottest.NewClock(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
	db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	chat := awayMessenger{bottest.NewMessenger(bot.PlatformWeb)}
	mods := bottest.NewMessenger(bot.PlatformWeb)
	th := bottest.NewThreads(db, clock, mods, bot.Address{Platform: bot.PlatformWeb, ID: "console"}, mailer, chat)
	ana := bot.Address{Platform: bot.PlatformWeb, ID: "AAAAAAAAAAAAAAAAAAAAAA"}
	if _, err := th.Receive(ctx, threads.Incoming{From: ana, Name: "Ana", Email: "ana@example.org", Message: bot.Message{Text: "Are you there?"}}); err != nil {
		t.Fatal(err)
	}
	c, err := db.ConversationByParticipant(ctx, ana) // with its thread, opened by the outbox
	if err != nil {
		t.Fatal(err)
	}
	mo := bot.Actor{Name: "Mo"}
	d1, err := th.Reply(ctx, c.Thread, mo, bot.Message{Text: "Yes! One moment."})
	if err != nil || !d1.Chat || d1.EmailTo != "ana@example.org" {
		t.Fatalf("first reply: %+v, %v", d1, err)
	}
	clock.Advance(time.Minute)
	d2, _ := th.Reply(ctx, c.Thread, mo, bot.Message{Text: "Your room is B12."})
	if !d2.EmailAt.Equal(d1.EmailAt) {
		t.Fatalf("the second reply is due at %v, the first at %v: not one batch", d2.EmailAt, d1.EmailAt)
	}
	th.Tick(ctx)
	if n := len(box.Mail()); n != 0 {
		t.Fatalf("%d emails before the batch is due", n)
	}
	clock.Advance(90 * time.Second)
	th.Tick(ctx)
	got := box.Mail()
	if len(got) != 1 || !strings.Contains(decoded(t, got[0].Data), "One moment.") || !strings.Contains(decoded(t, got[0].Data), "Your room is B12.") {
		t.Fatalf("emails: %+v", got)
	}
	th.Tick(ctx)
	if len(box.Mail()) != 1 {
		t.Fatal("the batch went twice")
	}
	posts := mods.Sent()
	if last := posts[len(posts)-1].Message.Text; !strings.Contains(last, "Sent by email to ana@example.org (2 replies)") {
		t.Fatalf("the thread says %q", last)
	}
	if conv, _ := db.Conversation(ctx, c.ID); len(conv.Outbox) != 0 {
		t.Fatalf("outbox left: %+v", conv.Outbox)
	}

	// Someone chat cannot reach and whose email is unknown: the reply
	// fails, saying why.
	bob := bot.Address{Platform: bot.PlatformWeb, ID: "BBBBBBBBBBBBBBBBBBBBBB"}
	chat.FailTo(bob, bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "bot was blocked by the user"))
	th.Receive(ctx, threads.Incoming{From: bob, Message: bot.Message{Text: "hi"}})
	cb, _ := db.ConversationByParticipant(ctx, bob)
	if _, err := th.Reply(ctx, cb.Thread, mo, bot.Message{Text: "hello"}); err == nil || !strings.Contains(err.Error(), "no email is known") {
		t.Fatalf("unreachable without email: %v", err)
	}
}

// decoded returns a message's subject and its parts' decoded bodies, each
// with its content type, as text.
func decoded(t *testing.T, raw string) string {
	t.Helper()
	out := emailfake.Mail{Data: raw}.Decoded()
	if strings.Contains(out, "unreadable: ") {
		t.Fatal(out)
	}
	return out
}

func TestConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) *adaptertest.Harness {
		box, a := startSMTP(t)
		return &adaptertest.Harness{
			Messenger:   a,
			Participant: bot.Address{Platform: bot.PlatformEmail, ID: "ana@example.org"},
			Received: func(to bot.Address) []string {
				var out []string
				for _, m := range box.Mail() {
					if len(m.To) == 1 && m.To[0] == to.ID {
						out = append(out, decoded(t, m.Data))
					}
				}
				return out
			},
			Refused: bot.Address{Platform: bot.PlatformEmail, ID: "zoe@refused.example"},
		}
	})
}

// TestKindsRender pins how each message kind reads in email: a label in
// the plain-text part, a coloured bar with the label in the HTML part.
func TestKindsRender(t *testing.T) {
	for _, k := range kindtest.KindSamples {
		kindtest.Golden(t, filepath.Join("testdata", "kinds", k.Name+".txt"), email.Text(k.Message))
		kindtest.Golden(t, filepath.Join("testdata", "kinds", k.Name+".html"), email.HTML(k.Message))
		kindtest.Golden(t, filepath.Join("testdata", "kinds", k.Name+".fr.txt"), email.TextIn(k.Message, "fr"))
	}
}
