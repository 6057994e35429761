package engine_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/webhooks"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/webhook"
)

// A delivery that reaches no answer — a port nothing listens on
// (connection refused), or a receiver that hangs past the poster's
// timeout — is tried again on the schedule, each attempt in the log as a
// retry, never marked delivered; given up only once the schedule is
// spent. The schedule runs on the fake clock: an attempt is not made
// before it is due.
func TestNoAnswerIsRetriedOnTheSchedule(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := bottest.NewClock(t0)
	db := bottest.NewStore(clock)

	// Nothing listens on refused's port.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := ln.Addr().String()
	ln.Close()
	// hang answers nothing until the test ends (or the poster gives up
	// and closes the connection).
	release := make(chan struct{})
	var hung atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hung.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) }) // before srv.Close, which waits for the handlers

	for name, url := range map[string]string{"refused": "http://" + refused + "/hook", "hang": srv.URL + "/hook"} {
		if err := db.PutWebhook(ctx, &webhooks.Webhook{Name: name, URL: url, Method: "POST", ContentType: "json"}); err != nil {
			t.Fatal(err)
		}
		secret, _ := webhook.NewSecret()
		db.SetWebhookSecrets(ctx, name, secret, "")
	}
	if err := db.EnqueueWebhooks(ctx, []*webhooks.Delivery{
		{MsgID: "msg_refused", Webhook: "refused", Body: []byte(`{}`)},
		{MsgID: "msg_hang", Webhook: "hang", Body: []byte(`{}`)},
	}); err != nil {
		t.Fatal(err)
	}
	schedule := []time.Duration{0, 5 * time.Second, time.Minute}
	// The timeout is the poster's own (wall clock): the receiver never
	// answers, so only how soon the attempt gives up depends on it.
	h := &engine.Webhooks{Store: db, Poster: &webhook.Poster{AllowHTTP: true, AllowPrivate: true, Timeout: 200 * time.Millisecond},
		Clock: clock, Schedule: schedule}
	step := func(want int) {
		t.Helper()
		n, err := h.Step(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != want {
			t.Fatalf("%d attempts at %s, want %d", n, clock.Now().Sub(t0), want)
		}
	}
	waiting := func() map[string]*webhooks.Delivery {
		ds, _ := db.DueWebhooks(ctx, t0.Add(24*time.Hour), 0)
		out := map[string]*webhooks.Delivery{}
		for _, d := range ds {
			out[d.MsgID] = d
		}
		return out
	}
	outcomes := func(name string) []string {
		log, _ := db.WebhookLog(ctx, name, 0)
		var out []string
		for i := len(log) - 1; i >= 0; i-- { // oldest first
			out = append(out, log[i].Outcome+" "+log[i].Error)
		}
		return out
	}
	// checkWaiting checks that both deliveries wait for attempt n, due
	// on the schedule (up to 20% later) after from.
	checkWaiting := func(n int, from time.Time) {
		t.Helper()
		w := waiting()
		if len(w) != 2 {
			t.Fatalf("waiting after attempt %d: %v", n, w)
		}
		for id, d := range w {
			lo, hi := from.Add(schedule[n]), from.Add(schedule[n]+schedule[n]/5)
			if d.Attempt != n || d.Due.Before(lo) || d.Due.After(hi) {
				t.Errorf("%s waits for attempt %d at %s, want attempt %d between %s and %s", id, d.Attempt, d.Due, n, lo, hi)
			}
		}
		if d := w["msg_refused"]; d != nil && !strings.Contains(d.LastError, "connection refused") {
			t.Errorf("msg_refused's last error: %q", d.LastError)
		}
		if d := w["msg_hang"]; d != nil && !strings.Contains(d.LastError, "timed out") {
			t.Errorf("msg_hang's last error: %q", d.LastError)
		}
	}

	step(2) // the first attempt, at once
	checkWaiting(1, t0)
	clock.Advance(4 * time.Second) // before the retry is due: nothing
	step(0)
	clock.Set(t0.Add(7 * time.Second)) // past 5 s and its 20%
	at1 := clock.Now()
	step(2)
	checkWaiting(2, at1)
	clock.Advance(59 * time.Second)
	step(0)
	clock.Advance(13 * time.Second)
	step(2) // the last attempt of the schedule: given up
	if w := waiting(); len(w) != 0 {
		t.Fatalf("still waiting after the schedule: %v", w)
	}
	if n := hung.Load(); n != 3 {
		t.Errorf("the hanging receiver got %d requests, want 3", n)
	}
	for name, reason := range map[string]string{"refused": "connection refused", "hang": "timed out"} {
		got := outcomes(name)
		want := []string{"retry", "retry", "failed"}
		if len(got) != len(want) {
			t.Fatalf("%s's log: %q", name, got)
		}
		for i, o := range got {
			if !strings.HasPrefix(o, want[i]+" ") || !strings.Contains(o, reason) {
				t.Errorf("%s's attempt %d: %q, want %s (%s)", name, i+1, o, want[i], reason)
			}
		}
	}
}
