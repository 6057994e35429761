package bot_test

import (
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
)

// The service tests run over the in-memory store (bot/bottest), which
// passes the same conformance suite as the bbolt store.

var (
	svcEpoch    = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	slackAna    = bot.Address{Platform: bot.PlatformSlack, ID: "U1"}
	telegramAna = bot.Address{Platform: bot.PlatformTelegram, ID: "1001"}
	slackBob    = bot.Address{Platform: bot.PlatformSlack, ID: "U2"}
	listMod     = bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, Name: "Mo"}
)

func wantCode(t *testing.T, err error, want string) {
	t.Helper()
	if got := bot.ErrorCode(err); got != want {
		t.Fatalf("error %v has code %q, want %q", err, got, want)
	}
}
