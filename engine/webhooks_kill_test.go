package engine_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/webhooks"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/store"
	"github.com/heraldchat/herald/webhook"
)

// TestWebhookSenderChild is the process TestWebhooksSurviveAKill kills:
// it delivers the outbox of the database it is given until it is killed.
func TestWebhookSenderChild(t *testing.T) {
	path := os.Getenv("HERALD_WEBHOOK_CHILD_DB")
	if path == "" {
		t.Skip("run by TestWebhooksSurviveAKill")
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	h := &engine.Webhooks{Store: db, Poster: &webhook.Poster{AllowHTTP: true, AllowPrivate: true}, Clock: clock.System(),
		Workers: 32, Schedule: []time.Duration{0, 20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond,
			200 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond, 200 * time.Millisecond}, Poll: 20 * time.Millisecond}
	h.Run(context.Background()) // until killed
}

// TestWebhooksSurviveAKill: deliveries queued durably, the sender killed
// (SIGKILL) in the middle of them while the receiver fails a third of
// them twice, then started again: every delivery reaches the receiver with a
// 2xx; the only repeats are deliveries answered 2xx in the instant before
// the kill (sent again with the same webhook-id, which receivers dedupe),
// at most as many as were in flight.
func TestWebhooksSurviveAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a process; skipped with -short")
	}
	const n = 3000
	path := filepath.Join(t.TempDir(), "herald.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	ok, tries := map[string]int{}, map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("webhook-id")
		mu.Lock()
		defer mu.Unlock()
		// A third of the deliveries fail their first two attempts: fewer
		// than the schedule allows, so none is given up.
		if i, _ := strconv.Atoi(strings.TrimPrefix(id, "msg_")); i%3 == 0 && tries[id] < 2 {
			tries[id]++
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		ok[id]++
	}))
	defer srv.Close()
	ctx := context.Background()
	db.PutWebhook(ctx, &webhooks.Webhook{Name: "sink", URL: srv.URL, Method: "POST", ContentType: "json"})
	secret, _ := webhook.NewSecret()
	db.SetWebhookSecrets(ctx, "sink", secret, "")
	var ds []*webhooks.Delivery
	for i := range n {
		ds = append(ds, &webhooks.Delivery{MsgID: "msg_" + strconv.Itoa(i), Webhook: "sink", Body: []byte(`{"i":` + strconv.Itoa(i) + `}`)})
	}
	if err := db.EnqueueWebhooks(ctx, ds); err != nil {
		t.Fatal(err)
	}
	db.Close()
	delivered := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(ok)
	}
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWebhookSenderChild$")
		cmd.Env = append(os.Environ(), "HERALD_WEBHOOK_CHILD_DB="+path)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	first := start()
	deadline := time.Now().Add(60 * time.Second)
	for delivered() < n/3 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	if got := delivered(); got >= n {
		t.Skip("everything was delivered before the kill; nothing to recover")
	}
	second := start()
	for delivered() < n && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	second.Process.Signal(syscall.SIGKILL)
	second.Wait()
	mu.Lock()
	defer mu.Unlock()
	twice := 0
	for i := range n {
		switch c := ok["msg_"+strconv.Itoa(i)]; {
		case c == 0:
			t.Errorf("msg_%d was lost", i)
		case c > 1:
			twice += c - 1
		}
	}
	if twice > 32 { // Workers: what can be in flight at the kill
		t.Errorf("%d deliveries answered 2xx twice, more than were in flight", twice)
	}
	t.Logf("%d delivered, %d again after the kill (same webhook-id)", len(ok), twice)
	db, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if next, _ := db.NextWebhook(ctx); !next.IsZero() {
		// The last batch may be unsettled when the second sender was
		// killed after the receiver saw it: still queued, to go again.
		due, _ := db.DueWebhooks(ctx, time.Now().Add(time.Hour), 0)
		if len(due) > 32*8 {
			t.Errorf("%d deliveries still queued", len(due))
		}
	}
}
