package engine_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/webhooks"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/webhook"
)

// receiver answers each delivery by its message id: a script of statuses,
// then 200.
type receiver struct {
	mu      sync.Mutex
	script  map[string][]int
	calls   map[string]int
	headers map[string]http.Header
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	id := r.Header.Get("webhook-id")
	rc.calls[id]++
	rc.headers[id] = r.Header.Clone()
	status := 200
	if s := rc.script[id]; len(s) > 0 {
		status, rc.script[id] = s[0], s[1:]
	}
	if status == 429 {
		w.Header().Set("Retry-After", "120")
	}
	w.WriteHeader(status)
	w.Write([]byte("status " + strconv.Itoa(status)))
}

func TestWebhookRetriesGoneAndLog(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	clock := bottest.NewClock(t0)
	db := bottest.NewStore(clock)
	rc := &receiver{script: map[string][]int{
		"flaky": {503, 500},      // then delivered, on the third attempt
		"slow":  {429},           // waits the two minutes it asks
		"bad":   {400},           // fails at once
		"never": {503, 503, 503}, // past the schedule: given up
		"gone":  {410},
	}, calls: map[string]int{}, headers: map[string]http.Header{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	for _, name := range []string{"crm", "old"} {
		db.PutWebhook(ctx, &webhooks.Webhook{Name: name, URL: srv.URL + "/" + name, Method: "POST", ContentType: "json"})
		secret, _ := webhook.NewSecret()
		db.SetWebhookSecrets(ctx, name, secret, "")
	}
	var ds []*webhooks.Delivery
	for _, id := range []string{"flaky", "slow", "bad", "never", "ok"} {
		ds = append(ds, &webhooks.Delivery{MsgID: id, Webhook: "crm", Body: []byte(`{}`)})
	}
	ds = append(ds, &webhooks.Delivery{MsgID: "gone", Webhook: "old", Body: []byte(`{}`)},
		&webhooks.Delivery{MsgID: "after-gone", Webhook: "old", Body: []byte(`{}`), Due: t0.Add(time.Minute)})
	if err := db.EnqueueWebhooks(ctx, ds); err != nil {
		t.Fatal(err)
	}
	h := &engine.Webhooks{Store: db, Poster: &webhook.Poster{AllowHTTP: true, AllowPrivate: true}, Clock: clock,
		Schedule: []time.Duration{0, 5 * time.Second, time.Minute}}
	step := func() {
		t.Helper()
		if _, err := h.Step(ctx); err != nil {
			t.Fatal(err)
		}
	}
	step()
	due := func(at time.Duration) []string {
		ds, _ := db.DueWebhooks(ctx, t0.Add(at), 0)
		var ids []string
		for _, d := range ds {
			ids = append(ids, d.MsgID)
		}
		return ids
	}
	if got := due(time.Hour); len(got) != 4 { // flaky, never (5-6 s), after-gone (1 min), slow (2 min)
		t.Fatalf("waiting after the first round: %v", got)
	}
	if got := due(4 * time.Second); len(got) != 0 {
		t.Fatalf("retried before 5 s: %v", got)
	}
	if w, _ := db.Webhook(ctx, "old"); !w.Disabled {
		t.Fatal("410 did not disable the endpoint")
	}
	for range 6 {
		clock.Advance(time.Minute)
		step()
	}
	if got := due(24 * time.Hour); len(got) != 0 {
		t.Fatalf("still waiting: %v", got)
	}
	want := map[string]int{"flaky": 3, "slow": 2, "bad": 1, "never": 3, "ok": 1, "gone": 1, "after-gone": 0}
	for id, n := range want {
		if rc.calls[id] != n {
			t.Errorf("%s: %d calls, want %d", id, rc.calls[id], n)
		}
	}
	if rc.headers["flaky"].Get("webhook-id") != "flaky" || rc.headers["flaky"].Get("webhook-signature") == "" {
		t.Errorf("headers: %v", rc.headers["flaky"])
	}
	log, _ := db.WebhookLog(ctx, "crm", 0)
	outcomes := map[string]string{}
	for i := len(log) - 1; i >= 0; i-- {
		outcomes[log[i].MsgID] += log[i].Outcome + " "
	}
	for id, w := range map[string]string{"flaky": "retry retry delivered ", "slow": "retry delivered ", "bad": "failed ", "never": "retry retry failed ", "ok": "delivered "} {
		if outcomes[id] != w {
			t.Errorf("%s's log: %q, want %q", id, outcomes[id], w)
		}
	}
	if log[0].Host != srv.Listener.Addr().String() || log[0].Took <= 0 {
		t.Errorf("a log line: %+v", log[0])
	}
	old, _ := db.WebhookLog(ctx, "old", 0)
	if len(old) != 2 || old[1].Outcome != "disabled" || old[0].Outcome != "failed" {
		t.Errorf("the gone endpoint's log: %+v %+v", old[0], old[1])
	}
}
