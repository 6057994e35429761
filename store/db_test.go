package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/store"
)

var epoch = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// MustOpen opens a fresh database in a temporary directory, closed when the
// test ends.
func MustOpen(tb testing.TB) *store.DB {
	tb.Helper()
	return MustOpenPath(tb, filepath.Join(tb.TempDir(), "herald.db"))
}

// MustOpenPath opens the database at path with a fake clock set to epoch.
func MustOpenPath(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := store.Open(path, store.Options{Clock: bottest.NewClock(epoch), LockTimeout: 100 * time.Millisecond})
	if err != nil {
		tb.Fatalf("open %s: %v", path, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestOpenCreatesPrivateFileAtCurrentSchema(t *testing.T) {
	db := MustOpen(t)
	fi, err := os.Stat(db.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v, want 0600", fi.Mode().Perm())
	}
	if v, err := db.SchemaVersion(); err != nil || v != store.SchemaVersion {
		t.Fatalf("schema = %d, %v", v, err)
	}
	if err := db.Ping(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestOpenTightensLooseMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	db := MustOpenPath(t, path)
	db.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	MustOpenPath(t, path)
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode = %v after reopen, want 0600", fi.Mode().Perm())
	}
}

func TestOpenFailsFastWhenLocked(t *testing.T) {
	db := MustOpen(t)
	start := time.Now()
	_, err := store.Open(db.Path(), store.Options{LockTimeout: 200 * time.Millisecond})
	if err == nil {
		t.Fatal("a second open of a locked file succeeded")
	}
	if bot.ErrorCode(err) != bot.EUNAVAILABLE || !strings.Contains(err.Error(), "is in use by another herald process") {
		t.Fatalf("error = %q (%s)", err, bot.ErrorCode(err))
	}
	if time.Since(start) > 10*time.Second {
		t.Fatal("the second open hung")
	}
}

func TestOpenRefusesForeignFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, bytes.Repeat([]byte("hello herald\n"), 1000), 0o600)
	if _, err := store.Open(text, store.Options{}); bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), "not a herald database") {
		t.Fatalf("text file: %v", err)
	}

	other := filepath.Join(dir, "other.db")
	b, err := bolt.Open(other, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("widgets")); return err })
	b.Close()
	if _, err := store.Open(other, store.Options{}); bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), "not a herald database") {
		t.Fatalf("foreign bbolt file: %v", err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	MustOpenPath(t, path).Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("99"))
	})
	b.Close()
	_, err = store.Open(path, store.Options{})
	if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), "newer than this herald knows") {
		t.Fatalf("error = %v", err)
	}
}

// TestMigrateFromVersion1 writes a file in the version 1 layout (no email
// index) with raw bbolt, opens it, and checks that it was migrated: the
// version is current and contacts are found by email.
func TestMigrateFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.db")
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = b.Update(func(tx *bolt.Tx) error {
		for _, name := range []string{"meta", "contacts", "contacts_by_address", "lists", "list_recipients",
			"campaigns", "sendings", "conversations", "conversations_by_participant", "conversations_by_thread", "events"} {
			if _, err := tx.CreateBucket([]byte(name)); err != nil {
				return err
			}
		}
		meta := tx.Bucket([]byte("meta"))
		meta.Put([]byte("app"), []byte("herald"))
		meta.Put([]byte("schema_version"), []byte("1"))
		contacts := tx.Bucket([]byte("contacts"))
		contacts.SetSequence(3)
		contacts.Put([]byte{0, 0, 0, 0, 0, 0, 0, 1}, []byte(`{"id":1,"name":"Ana","email":"Ana@Example.org"}`))
		contacts.Put([]byte{0, 0, 0, 0, 0, 0, 0, 2}, []byte(`{"id":2,"name":"Ana again","email":"ana@example.org"}`))
		contacts.Put([]byte{0, 0, 0, 0, 0, 0, 0, 3}, []byte(`{"id":3,"name":"Bob"}`))
		return nil
	})
	b.Close()
	if err != nil {
		t.Fatal(err)
	}

	db := MustOpenPath(t, path)
	if v, _ := db.SchemaVersion(); v != store.SchemaVersion {
		t.Fatalf("schema after migration = %d", v)
	}
	c, err := db.ContactByEmail(context.Background(), "ANA@example.org")
	if err != nil || c.ID != 1 {
		t.Fatalf("by email = %+v, %v; want the older contact 1", c, err)
	}
	next := &bot.Contact{Name: "Cleo", Email: "cleo@example.org"}
	if err := db.CreateContact(context.Background(), next); err != nil || next.ID != 4 {
		t.Fatalf("create after migration: id %d, %v", next.ID, err)
	}
}

// TestMigrateFromVersion3 takes a file whose campaign was running before
// the due index existed: opening it builds the index, so the engine finds
// what is left to send.
func TestMigrateFromVersion3(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	db, err := store.Open(path, store.Options{Clock: bottest.NewClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	c := &bot.Campaign{Name: "c"}
	db.CreateCampaign(ctx, c)
	ss := []*bot.Sending{{Key: "a", PlannedAt: epoch.Add(time.Minute)}, {Key: "b", PlannedAt: epoch}, {Key: "c", State: bot.SendingSent}}
	if err := db.CreateSendings(ctx, c.ID, ss); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("3"))
		return tx.DeleteBucket([]byte("sendings_due"))
	})
	b.Close()

	db = MustOpenPath(t, path)
	due, err := db.DueSendings(ctx, c.ID, bot.DuePos{}, 0)
	if err != nil || len(due) != 2 || due[0].Key != "b" || due[1].Key != "a" {
		t.Fatalf("due after migration: %+v %v", due, err)
	}
}

// TestMigrateFromVersion9 takes a file with events from before they were
// indexed by conversation: opening it indexes them, so the history of a
// conversation includes what happened before the upgrade.
func TestMigrateFromVersion9(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	db, err := store.Open(path, store.Options{Clock: bottest.NewClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []bot.ConversationID{3, 0, 3} {
		if err := db.AppendEvent(ctx, &bot.Event{Type: bot.EventStatusChanged, ConversationID: id}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("9"))
		return tx.DeleteBucket([]byte("events_by_conversation"))
	})
	b.Close()

	db = MustOpenPath(t, path)
	h, err := db.ConversationEvents(ctx, 3, 0, 0)
	if err != nil || len(h) != 2 || h[0].Seq != 1 || h[1].Seq != 3 {
		t.Fatalf("history after migration: %+v %v", h, err)
	}
}

// TestMigrateFromVersion5 takes a file with posts waiting from before the
// outbox was counted: opening it counts them.
func TestMigrateFromVersion5(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	db, err := store.Open(path, store.Options{Clock: bottest.NewClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	posts := []*bot.Outgoing{{Platform: bot.PlatformSlack}, {Platform: bot.PlatformSlack}, {Platform: bot.PlatformWeb}}
	if err := db.Enqueue(ctx, posts); err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("5"))
		return tx.DeleteBucket([]byte("outbox_depth"))
	})
	b.Close()

	db = MustOpenPath(t, path)
	depth, err := db.OutboxDepth(ctx)
	if err != nil || depth[bot.PlatformSlack] != 2 || depth[bot.PlatformWeb] != 1 || len(depth) != 2 {
		t.Fatalf("depth after migration: %v %v", depth, err)
	}
}

// TestMigrateFromVersion6 takes a file with a delayed close from before
// conversations were indexed by due time: opening it indexes it.
func TestMigrateFromVersion6(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	db, err := store.Open(path, store.Options{Clock: bottest.NewClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := db.ConversationFor(ctx, bot.Address{Platform: bot.PlatformWeb, ID: "p"}, func(c *bot.Conversation) { c.CloseAt = epoch.Add(time.Hour) })
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("6"))
		return tx.DeleteBucket([]byte("conversations_due"))
	})
	b.Close()

	db = MustOpenPath(t, path)
	due, err := db.DueConversations(ctx, epoch.Add(2*time.Hour), 0)
	if err != nil || len(due) != 1 || due[0].ID != c.ID {
		t.Fatalf("due after migration: %+v %v", due, err)
	}
}

func TestMigrateFromVersion8(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	db, err := store.Open(path, store.Options{Clock: bottest.NewClock(epoch)})
	if err != nil {
		t.Fatal(err)
	}
	ana := bot.Address{Platform: bot.PlatformTelegram, ID: "1"}
	ct := &bot.Contact{Addresses: []bot.ContactAddress{{Address: ana}}}
	if err := db.CreateContact(ctx, ct); err != nil {
		t.Fatal(err)
	}
	db.AppendEvent(ctx, &bot.Event{Type: bot.EventCustom, Name: "a", ContactID: ct.ID})
	db.AppendEvent(ctx, &bot.Event{Type: bot.EventMessageReceived, Subject: ana})
	db.AppendEvent(ctx, &bot.Event{Type: bot.EventCustom, Name: "nobody's"})
	db.Close()
	b, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	b.Update(func(tx *bolt.Tx) error {
		tx.Bucket([]byte("meta")).Put([]byte("schema_version"), []byte("8"))
		tx.DeleteBucket([]byte("nudge_once"))
		return tx.DeleteBucket([]byte("events_by_contact"))
	})
	b.Close()

	db = MustOpenPath(t, path)
	evs, err := db.ContactEvents(ctx, ct.ID, 0, 0)
	if err != nil || len(evs) != 2 || evs[0].Name != "a" || evs[1].Type != bot.EventMessageReceived {
		t.Fatalf("the contact's events after migration: %+v %v", evs, err)
	}
}

func TestBackupIsConsistentAndPrivate(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	for i := range 50 {
		if err := db.AppendEvent(ctx, &bot.Event{Type: bot.EventCustom, Name: "e", Data: map[string]string{"i": string(rune('a' + i%26))}}); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "copy.db")
	// Writes go on while the copy is taken.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 50 {
			db.AppendEvent(ctx, &bot.Event{Type: bot.EventCustom})
		}
	}()
	n, err := db.BackupFile(ctx, out)
	<-done
	if err != nil || n == 0 {
		t.Fatalf("backup: %d bytes, %v", n, err)
	}
	fi, err := os.Stat(out)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Size() != n {
		t.Fatalf("backup file: %v, %v", fi, err)
	}
	copyDB := MustOpenPath(t, out)
	evs, err := copyDB.Events(ctx, 0, 0)
	if err != nil || len(evs) < 50 || len(evs) > 100 {
		t.Fatalf("backup holds %d events, %v", len(evs), err)
	}
	for i, e := range evs {
		if e.Seq != uint64(i+1) {
			t.Fatalf("backup has a gap at %d: seq %d", i, e.Seq)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(out))
	if len(entries) != 1 {
		t.Fatalf("temporary files left beside the backup: %v", entries)
	}
}

func TestSecretIsMadeOnceAndKept(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	db := MustOpenPath(t, path)
	a, err := db.Secret(ctx, "actions", 32)
	if err != nil || len(a) != 32 || bytes.Equal(a, make([]byte, 32)) {
		t.Fatalf("secret = %x, %v", a, err)
	}
	other, _ := db.Secret(ctx, "other", 32)
	if bytes.Equal(a, other) {
		t.Fatal("two secrets are equal")
	}
	db.Close()
	again, _ := MustOpenPath(t, path).Secret(ctx, "actions", 32)
	if !bytes.Equal(a, again) {
		t.Fatal("the secret changed across a restart")
	}
}

func TestLastEvents(t *testing.T) {
	ctx := context.Background()
	db := MustOpen(t)
	for range 5 {
		db.AppendEvent(ctx, &bot.Event{Type: bot.EventCustom, Name: "e"})
	}
	evs, err := db.LastEvents(ctx, 3)
	if err != nil || len(evs) != 3 || evs[0].Seq != 3 || evs[2].Seq != 5 {
		t.Fatalf("last 3: %+v %v", evs, err)
	}
	if evs, _ := db.LastEvents(ctx, 10); len(evs) != 5 || evs[0].Seq != 1 {
		t.Fatalf("more than there are: %d", len(evs))
	}
}
