package bot_test

import (
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
)

func TestDefaultLimits(t *testing.T) {
	if l := bot.DefaultLimits(bot.PlatformTelegram); l.PerSecond != 30 || l.PerChat != time.Second {
		t.Errorf("telegram = %+v", l)
	}
	if l := bot.DefaultLimits(bot.PlatformWeb); l != (bot.Limits{}) {
		t.Errorf("web = %+v", l)
	}
}
