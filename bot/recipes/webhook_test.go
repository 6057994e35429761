package recipes_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/webhooks"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/webhook"
)

// A recipe's webhook action: what happened, frozen when the recipe acted,
// delivered signed — verified by the Standard Webhooks reference library
// — once per step, even when the step is replayed.
func TestARecipeCallsAWebhook(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(t0)
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), clock)
	secret, _ := webhook.NewSecret()
	ref, _ := standardwebhooks.NewWebhook(secret)
	var mu sync.Mutex
	var bodies []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		if err := ref.VerifyIgnoringTimestamp(body, req.Header); err != nil { // the fake clock is not the reference's
			t.Errorf("the reference library refused: %v", err)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var v map[string]any
		json.Unmarshal(body, &v)
		mu.Lock()
		bodies = append(bodies, v)
		mu.Unlock()
	}))
	defer srv.Close()
	r.db.PutWebhook(ctx, &webhooks.Webhook{Name: "crm", URL: srv.URL, Method: "POST", ContentType: "json", Vars: []string{"all"}})
	r.db.SetWebhookSecrets(ctx, "crm", secret, "")
	r.add(t, "Leads", recipes.Trigger{Kind: recipes.TriggerNewMessage}, `lower(message) contains "pricing"`,
		recipes.Action{Kind: recipes.RecipeTagAdd, Tag: "lead"}, recipes.Action{Kind: recipes.RecipeWebhook, Webhook: "crm", Vars: []string{"contact", "message", "conversation"}})
	r.writes(t, "What is your pricing?")
	r.writes(t, "hello") // no match
	r.step(t)
	sender := &engine.Webhooks{Store: r.db, Poster: &webhook.Poster{AllowHTTP: true, AllowPrivate: true}, Clock: clock}
	if _, err := sender.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 1 {
		t.Fatalf("%d deliveries, want 1", len(bodies))
	}
	data := bodies[0]["data"].(map[string]any)
	msg, _ := data["message"].(map[string]any)
	conv, _ := data["conversation"].(map[string]any)
	contact, _ := data["contact"].(map[string]any)
	if bodies[0]["type"] != "recipe.Leads" || msg["text"] != "What is your pricing?" || contact["name"] != "Ana" || data["event"] != nil ||
		!strings.Contains(strings.Join(anyStrings(conv["tags"]), ","), "lead") {
		t.Fatalf("the body: %v", bodies[0])
	}
	if h := r.history(t); !strings.Contains(h, "recipe_action recipe Leads called webhook crm") {
		t.Fatalf("history:\n%s", h)
	}
	// The same delivery queued again (a step replayed after a crash)
	// delivers nothing more.
	due, _ := r.db.WebhookLog(ctx, "crm", 0)
	if len(due) != 1 || due[0].Outcome != "delivered" || !strings.HasPrefix(due[0].MsgID, "msg_r") {
		t.Fatalf("log: %+v", due)
	}
	r.db.EnqueueWebhooks(ctx, []*webhooks.Delivery{{MsgID: due[0].MsgID, Webhook: "crm", Body: []byte(`{}`)}})
	if n, _ := sender.Step(ctx); n != 0 {
		t.Fatalf("a replayed step delivered again")
	}
}

func anyStrings(v any) []string {
	var out []string
	if xs, ok := v.([]any); ok {
		for _, x := range xs {
			s, _ := x.(string)
			out = append(out, s)
		}
	}
	return out
}
