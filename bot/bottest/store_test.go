package bottest_test

import (
	"testing"

	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/store/storetest"
)

// The in-memory store passes the same suite as the bbolt store.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) storetest.Store {
		return bottest.NewStore(bottest.NewClock(storetest.Epoch))
	})
}
