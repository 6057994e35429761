package store_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/store"
	"github.com/heraldchat/herald/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock clock.Clock) storetest.Store {
		db, err := store.Open(filepath.Join(t.TempDir(), "herald.db"), store.Options{Clock: clock, LockTimeout: 100 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}
