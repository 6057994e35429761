package bottest_test

import (
	"context"
	"testing"

	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/store/storetest"
)

// A new in-memory store holds nothing.
func TestNewStoreIsEmpty(t *testing.T) {
	s := bottest.NewStore(nil)
	if ls, err := s.Lists(context.Background()); err != nil || len(ls) != 0 {
		t.Fatalf("lists of a new store: %v %v", ls, err)
	}
}

// The in-memory store passes the same suite as the bbolt store.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock clock.Clock) storetest.Store {
		return bottest.NewStore(clock)
	})
}
