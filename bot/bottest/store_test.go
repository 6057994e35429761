package bottest_test

import (
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/store/storetest"
)

// The in-memory store passes the same suite as the bbolt store.
func TestStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, clock bot.Clock) storetest.Store {
		return bottest.NewStore(clock)
	})
}
