package store_test

import (
	"context"
	"path/filepath"
	"testing"
)

// TestJournal: what is journaled is read back by prefix, and after a
// reopen (what a restart reads); Unjournal forgets one key only.
func TestJournal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	db := MustOpenPath(t, path)
	if got, err := db.Journaled(ctx, "slack:"); err != nil || len(got) != 0 {
		t.Fatalf("an empty journal: %v, %v", got, err)
	}
	for k, v := range map[string]string{"slack:Ev1": "one", "slack:Ev2": "two", "telegram:7": "seven"} {
		if err := db.Journal(ctx, k, []byte(v)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Unjournal(ctx, "slack:Ev1"); err != nil {
		t.Fatal(err)
	}
	if err := db.Unjournal(ctx, "slack:never"); err != nil {
		t.Fatalf("forgetting a key never kept: %v", err)
	}
	db.Close()
	db = MustOpenPath(t, path)
	got, err := db.Journaled(ctx, "slack:")
	if err != nil || len(got) != 1 || string(got["slack:Ev2"]) != "two" {
		t.Fatalf("the Slack journal after a reopen: %q, %v", got, err)
	}
	if got, _ := db.Journaled(ctx, "telegram:"); string(got["telegram:7"]) != "seven" || len(got) != 1 {
		t.Fatalf("the Telegram journal: %q", got)
	}
}
