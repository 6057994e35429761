package bot_test

import (
	"testing"

	"github.com/heraldchat/herald/bot"
)

func TestSendingCounts(t *testing.T) {
	var c bot.SendingCounts
	for _, s := range []bot.SendingState{bot.SendingPending, bot.SendingScheduled, bot.SendingInFlight, bot.SendingSent, bot.SendingSent, bot.SendingFailed, bot.SendingSkipped} {
		c.Add(s)
	}
	want := bot.SendingCounts{Total: 7, Pending: 1, Scheduled: 1, InFlight: 1, Sent: 2, Failed: 1, Skipped: 1}
	if c != want {
		t.Fatalf("counts = %+v, want %+v", c, want)
	}
}
