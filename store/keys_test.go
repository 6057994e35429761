package store_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/events"
	"github.com/heraldchat/herald/bot/webhooks"
	"github.com/heraldchat/herald/store"
)

// bucketLen counts the keys of a top-level bucket of the file at path
// (closed).
func bucketLen(t *testing.T, path, name string) int {
	t.Helper()
	b, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	n := 0
	b.View(func(tx *bolt.Tx) error {
		if bk := tx.Bucket([]byte(name)); bk != nil {
			n = bk.Stats().KeyN
		}
		return nil
	})
	return n
}

// The keys that keep a run from being planned twice live until the
// planner's cursor passes their event; a webhook's message id until
// events.KeyTTL after it was queued: neither index grows with the
// store's age.
func TestRunKeysAndWebhookIDsAreForgotten(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	clk := bottest.NewClock(epoch)
	db, err := store.Open(path, store.Options{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	var runs []*bot.RecipeRun
	for e := range uint64(100) {
		runs = append(runs, &bot.RecipeRun{Recipe: 1, Event: e + 1, ConversationID: 1, Due: epoch})
	}
	if err := db.PlanRecipeRuns(ctx, 0, runs, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.PlanRecipeRuns(ctx, 60, nil, nil); err != nil {
		t.Fatal(err)
	}
	var ds []*webhooks.Delivery
	for i := range 10 {
		ds = append(ds, &webhooks.Delivery{MsgID: "msg_" + strconv.Itoa(i), Webhook: "crm", Body: []byte("{}")})
	}
	if err := db.EnqueueWebhooks(ctx, ds); err != nil {
		t.Fatal(err)
	}
	clk.Advance(events.KeyTTL + time.Minute)
	if err := db.EnqueueWebhooks(ctx, []*webhooks.Delivery{{MsgID: "msg_late", Webhook: "crm", Body: []byte("{}")}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if n := bucketLen(t, path, "recipe_runs_by_key"); n != 40 {
		t.Fatalf("run keys after the cursor passed 60 of 100 events: %d, want 40", n)
	}
	if n, m := bucketLen(t, path, "webhook_ids"), bucketLen(t, path, "webhook_ids_by_time"); n != 1 || m != 1 {
		t.Fatalf("webhook ids after their time: %d (by time %d), want the last one", n, m)
	}
}

// A file of schema 14 keeps its run keys (by recipe then) and its webhook
// ids: opened, they are by event, and the ids indexed by time.
func TestMigrationOrdersRunKeysByEvent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	db := MustOpenPath(t, path)
	if err := db.PlanRecipeRuns(ctx, 0, []*bot.RecipeRun{{Recipe: 3, Event: 9, ConversationID: 1, Due: epoch}}, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.EnqueueWebhooks(ctx, []*webhooks.Delivery{{MsgID: "msg_1", Webhook: "crm", Body: []byte("{}")}}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	be := binary.BigEndian
	b.Update(func(tx *bolt.Tx) error {
		tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("14"))
		tx.DeleteBucket([]byte("webhook_ids_by_time"))
		keys := tx.Bucket([]byte("recipe_runs_by_key"))
		old := be.AppendUint64(be.AppendUint64(nil, 3), 9) // recipe, then event
		keys.Delete(be.AppendUint64(be.AppendUint64(nil, 9), 3))
		return keys.Put(old, be.AppendUint64(nil, 1))
	})
	b.Close()

	db = MustOpenPath(t, path)
	// The run's key found by event: planned again, nothing new.
	again := []*bot.RecipeRun{{Recipe: 3, Event: 9, ConversationID: 1, Due: epoch}}
	if err := db.PlanRecipeRuns(ctx, 0, again, nil); err != nil || again[0].ID != 0 {
		t.Fatalf("planned again after migration: %+v %v", again[0], err)
	}
	if due, err := db.DueRecipeRuns(ctx, epoch, 0); err != nil || len(due) != 1 {
		t.Fatalf("runs after migration: %+v %v", due, err)
	}
	db.Close()
	b, err = bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	b.View(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket([]byte("webhook_ids_by_time")).Cursor().First()
		if k == nil || !bytes.HasSuffix(k, []byte("msg_1")) || be.Uint64(k[:8]) != uint64(epoch.UnixNano()) {
			t.Errorf("webhook id by time after migration: %q", k)
		}
		return nil
	})
}
