package storetest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/webhooks"
)

// webhooks: endpoints by name with secrets apart; deliveries once per
// message id, due in order, retried and settled; logs kept to their size,
// latest first; one a recipe calls cannot go.
func webhookEndpoints(t *testing.T, open func(*testing.T) Store) {
	ctx := context.Background()
	db := open(t)
	crm := &webhooks.Webhook{Name: "CRM", URL: "https://crm.example.org/hook", Method: "POST", ContentType: "json", Vars: []string{"all"}}
	if err := db.PutWebhook(ctx, crm); err != nil {
		t.Fatal(err)
	}
	code(t, db.SetWebhookSecrets(ctx, "nobody", "whsec_x", ""), bot.ENOTFOUND)
	if err := db.SetWebhookSecrets(ctx, "crm", "whsec_abc", "Bearer s3cret"); err != nil {
		t.Fatal(err)
	}
	if sign, auth, err := db.WebhookSecrets(ctx, "Crm"); err != nil || sign != "whsec_abc" || auth != "Bearer s3cret" {
		t.Fatalf("secrets: %q %q %v", sign, auth, err)
	}
	if w, err := db.Webhook(ctx, "crm"); err != nil || w.URL != crm.URL {
		t.Fatalf("read back: %+v %v", w, err)
	}
	ds := []*webhooks.Delivery{
		{MsgID: "msg_1", Webhook: "CRM", Body: []byte(`{"a":1}`), Due: epoch.Add(time.Minute)},
		{MsgID: "msg_2", Webhook: "CRM", Body: []byte(`{"a":2}`)},
	}
	if err := db.EnqueueWebhooks(ctx, ds); err != nil || ds[0].ID == 0 || !ds[1].Due.Equal(epoch) {
		t.Fatalf("enqueue: %+v %v", ds, err)
	}
	if err := db.EnqueueWebhooks(ctx, []*webhooks.Delivery{{MsgID: "msg_1", Webhook: "CRM"}}); err != nil {
		t.Fatal(err)
	}
	due, _ := db.DueWebhooks(ctx, epoch.Add(time.Hour), 0)
	if len(due) != 2 || due[0].MsgID != "msg_2" || due[1].MsgID != "msg_1" || string(due[1].Body) != `{"a":1}` {
		t.Fatalf("due: %+v", due)
	}
	if next, _ := db.NextWebhook(ctx); !next.Equal(epoch) {
		t.Fatalf("next: %s", next)
	}
	retry := due[0]
	retry.Attempt, retry.Due, retry.LastError = 1, epoch.Add(5*time.Second), "503"
	log := map[string][]*webhooks.Attempt{"CRM": {{MsgID: "msg_2", Attempt: 1, Status: 503, Host: "crm.example.org", Outcome: "retry"}}}
	if err := db.SettleWebhooks(ctx, []uint64{due[1].ID}, []*webhooks.Delivery{retry}, log); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueWebhooks(ctx, epoch.Add(time.Hour), 0); len(due) != 1 || due[0].Attempt != 1 || !due[0].Due.Equal(epoch.Add(5*time.Second)) {
		t.Fatalf("after settling: %+v", due)
	}
	code(t, db.SettleWebhooks(ctx, nil, []*webhooks.Delivery{{ID: 999}}, nil), bot.ENOTFOUND)
	// The log keeps its last webhooks.LogSize lines, latest first.
	for i := range webhooks.LogSize + 5 {
		db.SettleWebhooks(ctx, nil, nil, map[string][]*webhooks.Attempt{"crm": {{MsgID: "m" + strconv.Itoa(i), Outcome: "delivered"}}})
	}
	lines, _ := db.WebhookLog(ctx, "CRM", 0)
	if len(lines) != webhooks.LogSize || lines[0].MsgID != "m"+strconv.Itoa(webhooks.LogSize+4) {
		t.Fatalf("log: %d lines, first %+v", len(lines), lines[0])
	}
	if lines, _ := db.WebhookLog(ctx, "crm", 3); len(lines) != 3 {
		t.Fatalf("log limit: %d", len(lines))
	}
	r := &recipes.Recipe{Name: "Sync", Actions: []recipes.Action{{Kind: recipes.RecipeWebhook, Webhook: "crm"}}}
	db.CreateRecipe(ctx, r)
	code(t, db.DeleteWebhook(ctx, "crm"), bot.ECONFLICT)
	db.DeleteRecipe(ctx, r.ID)
	if err := db.DeleteWebhook(ctx, "crm"); err != nil {
		t.Fatal(err)
	}
	_, _, err := db.WebhookSecrets(ctx, "crm")
	code(t, err, bot.ENOTFOUND)
	if lines, _ := db.WebhookLog(ctx, "crm", 0); len(lines) != 0 {
		t.Fatalf("a deleted webhook's log: %d lines", len(lines))
	}
}
