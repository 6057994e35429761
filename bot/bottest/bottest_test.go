package bottest_test

import (
	"context"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
)

func TestClockFiresTimersInOrder(t *testing.T) {
	start := time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC)
	c := bottest.NewClock(start)
	late, early := c.NewTimer(2*time.Hour), c.NewTimer(time.Hour)
	stopped := c.NewTimer(30 * time.Minute)
	if !stopped.Stop() || stopped.Stop() {
		t.Fatal("Stop must report true once, then false")
	}
	c.Advance(90 * time.Minute)
	select {
	case at := <-early.C():
		if !at.Equal(start.Add(time.Hour)) {
			t.Fatalf("early fired with %v", at)
		}
	default:
		t.Fatal("the early timer did not fire")
	}
	select {
	case <-late.C():
		t.Fatal("the late timer fired too soon")
	case <-stopped.C():
		t.Fatal("a stopped timer fired")
	default:
	}
	if c.Timers() != 1 {
		t.Fatalf("%d timers wait, want 1", c.Timers())
	}
	c.Set(start) // backwards: ignored
	if !c.Now().Equal(start.Add(90 * time.Minute)) {
		t.Fatal("the clock went backwards")
	}
	c.Advance(time.Hour)
	if _, ok := <-late.C(); !ok {
		t.Fatal("the late timer did not fire")
	}
	if now := <-c.NewTimer(0).C(); !now.Equal(c.Now()) {
		t.Fatal("a zero timer must fire at once")
	}
}

func TestMessenger(t *testing.T) {
	ctx := context.Background()
	m := bottest.NewMessenger(bot.PlatformSlack)
	ana := bot.Address{Platform: bot.PlatformSlack, ID: "U1"}
	bob := bot.Address{Platform: bot.PlatformSlack, ID: "U2"}
	m.FailTo(bob, bot.Errorf(bot.EFORBIDDEN, "blocked"))

	ref, err := m.Send(ctx, ana, bot.Message{Text: "hi"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Send(ctx, bob, bot.Message{Text: "hi"}); bot.ErrorCode(err) != bot.EFORBIDDEN {
		t.Fatalf("send to a failing address: %v", err)
	}
	if _, err := m.Send(ctx, ana, bot.Message{}); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("an invalid message must be refused, got %v", err)
	}
	if err := m.EditMessage(ctx, ref, bot.Message{Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	if got := m.SentTo(ana); len(got) != 1 || got[0].Text != "hello" {
		t.Fatalf("sent to ana: %+v", got)
	}
	if err := m.EditMessage(ctx, bot.MessageRef{Channel: ana, ID: "99"}, bot.Message{Text: "x"}); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("edit of an unknown message: %v", err)
	}

	channel := bot.Address{Platform: bot.PlatformSlack, ID: "C1"}
	th, err := m.StartThread(ctx, channel, bot.Message{Text: "head"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.PostInThread(ctx, th, bot.Message{Text: "reply"}); err != nil {
		t.Fatal(err)
	}
	if s := m.Sent(); len(s) != 3 || s[2].Thread != th {
		t.Fatalf("thread reply not recorded: %+v", s)
	}

	m.AddUser("Ana@Example.org", ana)
	if a, err := m.ResolveEmail(ctx, "ana@example.org "); err != nil || a != ana {
		t.Fatalf("resolve = %v, %v", a, err)
	}
	if _, err := m.ResolveEmail(ctx, "zoe@example.org"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("resolve unknown = %v", err)
	}
	m.SetPresence(ana, bot.PresenceActive)
	if p, _ := m.Presence(ctx, ana); p != bot.PresenceActive {
		t.Fatalf("presence = %q", p)
	}
}
