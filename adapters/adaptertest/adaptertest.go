// Package adaptertest is the conformance suite every platform adapter
// passes against its fake: every message kind is delivered and rendered,
// a 429 is a pause with its Retry-After and not a failure, a server error
// is a passing failure, permanent refusals carry the step where they
// failed, threads open and take replies, files go out. Each adapter's
// tests build a Harness and call Run.
//
// RunInbound is the inbound half: each adapter with threads drives the
// same scripted thread conversation through its real inbound path.
//
// Import rule: adaptertest imports bot, bot/bottest and the standard
// library only.
package adaptertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Harness is one adapter wired to its fake. Optional parts left nil skip
// the checks that need them.
type Harness struct {
	Messenger bot.Messenger
	// Participant is an address the platform accepts messages for.
	Participant bot.Address
	// Received returns what the fake shows for messages sent to to (or
	// posted in thread t, for threads), one string per message, as the
	// platform would display it (rendered, markup included).
	Received func(to bot.Address) []string
	// Refused is an address the platform refuses for good (a user who
	// blocked the bot, never started it, or does not exist).
	Refused bot.Address
	// RateLimit makes the next send answer 429 asking to wait d.
	RateLimit func(d time.Duration)
	// ServerError makes the next send fail on the platform's side (5xx).
	ServerError func()
	// Channel is the moderators' channel, for threads; ThreadReceived
	// returns the messages of thread t.
	Channel        bot.Address
	ThreadReceived func(t bot.ThreadRef) []string
	// FilesReceived returns the names of files uploaded.
	FilesReceived func() []string
}

// Run runs the suite on the harness newHarness builds for each check.
func Run(t *testing.T, newHarness func(t *testing.T) *Harness) {
	ctx := context.Background()
	t.Run("EveryKindIsDelivered", func(t *testing.T) {
		h := newHarness(t)
		kinds := []bot.Message{
			{Kind: bot.KindMessage, Text: "plain *bold* message"},
			{Kind: bot.KindIdea, Text: "an idea"},
			{Kind: bot.KindSuccess, Text: "a success"},
			{Kind: bot.KindImportant, Text: "something important"},
			{Kind: bot.KindCard, Title: "Card title", Text: "card text", ImageURL: "https://example.org/a.png",
				Fields:  []bot.Field{{Label: "Room", Value: "B12", Short: true}},
				Buttons: []bot.Button{{Label: "Open", Action: bot.Action{Kind: bot.ActionLink, URL: "https://example.org"}}, {Label: "Yes", Action: bot.Action{Kind: bot.ActionReply, Value: "yes"}}}},
		}
		for _, m := range kinds {
			if _, err := h.Messenger.Send(ctx, h.Participant, m); err != nil {
				t.Fatalf("%s: %v", m.Kind, err)
			}
		}
		got := h.Received(h.Participant)
		if len(got) != len(kinds) {
			t.Fatalf("%d messages arrived for %d sent: %q", len(got), len(kinds), got)
		}
		for i, want := range []string{"bold", "an idea", "a success", "something important", "card text"} {
			if !strings.Contains(got[i], want) {
				t.Errorf("message %d arrived as %q, without %q", i, got[i], want)
			}
		}
		card := got[4]
		for _, want := range []string{"Card title", "Room", "B12"} {
			if !strings.Contains(card, want) {
				t.Errorf("the card lacks %q: %q", want, card)
			}
		}
	})
	t.Run("RateLimitIsAPause", func(t *testing.T) {
		h := newHarness(t)
		if h.RateLimit == nil {
			t.Skip("the platform has no rate limit")
		}
		h.RateLimit(3 * time.Second)
		_, err := h.Messenger.Send(ctx, h.Participant, bot.Message{Text: "too fast"})
		d, ok := bot.ErrorRetryAfter(err)
		if !ok || d != 3*time.Second || bot.ErrorCode(err) != bot.EUNAVAILABLE {
			t.Fatalf("a 429 came back as %v (retry after %s, %v)", err, d, ok)
		}
		if _, err := h.Messenger.Send(ctx, h.Participant, bot.Message{Text: "later"}); err != nil {
			t.Fatalf("the send after the pause: %v", err)
		}
	})
	t.Run("ServerErrorIsPassing", func(t *testing.T) {
		h := newHarness(t)
		if h.ServerError == nil {
			t.Skip("no fault injection")
		}
		h.ServerError()
		_, err := h.Messenger.Send(ctx, h.Participant, bot.Message{Text: "x"})
		if bot.ErrorCode(err) != bot.EUNAVAILABLE {
			t.Fatalf("a server error came back as %v (%s): it must be retried, not failed", err, bot.ErrorCode(err))
		}
	})
	t.Run("PermanentErrorsHaveAStep", func(t *testing.T) {
		h := newHarness(t)
		if h.Refused.IsZero() {
			t.Skip("no address the platform refuses")
		}
		_, err := h.Messenger.Send(ctx, h.Refused, bot.Message{Text: "x"})
		code := bot.ErrorCode(err)
		if err == nil || code == bot.EUNAVAILABLE || code == bot.EINTERNAL {
			t.Fatalf("a refusal came back as %v (%s): it must be permanent", err, code)
		}
		if step := bot.ErrorStep(err); step == "" {
			t.Fatalf("a refusal has no step: %v", err)
		}
		if msg := bot.ErrorMessage(err); len(msg) < 10 {
			t.Fatalf("a refusal says too little: %q", msg)
		}
	})
	t.Run("ThreadsOpenAndTakeReplies", func(t *testing.T) {
		h := newHarness(t)
		tp, ok := h.Messenger.(bot.ThreadPoster)
		if !ok || h.ThreadReceived == nil {
			t.Skip("the adapter carries no threads")
		}
		ref, err := tp.StartThread(ctx, h.Channel, bot.Message{Kind: bot.KindCard, Title: "Ana", Text: "New conversation"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tp.PostInThread(ctx, ref, bot.Message{Text: "first reply"}); err != nil {
			t.Fatal(err)
		}
		got := strings.Join(h.ThreadReceived(ref), "\n")
		if !strings.Contains(got, "first reply") {
			t.Fatalf("the thread shows %q", got)
		}
	})
	t.Run("FilesGoOut", func(t *testing.T) {
		h := newHarness(t)
		fu, ok := h.Messenger.(bot.FileUploader)
		if !ok || h.FilesReceived == nil {
			t.Skip("the adapter uploads no files")
		}
		to := h.Channel
		if to.IsZero() {
			to = h.Participant
		}
		if _, err := fu.UploadFile(ctx, to, bot.File{Name: "report.csv", ContentType: "text/csv", Data: []byte("a,b\n")}, "the report"); err != nil {
			t.Fatal(err)
		}
		if got := h.FilesReceived(); len(got) != 1 || got[0] != "report.csv" {
			t.Fatalf("files received: %q", got)
		}
	})
}
