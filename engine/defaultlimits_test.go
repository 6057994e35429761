package engine_test

import (
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/engine"
)

func TestDefaultLimits(t *testing.T) {
	if l := engine.DefaultLimits(bot.PlatformTelegram); l.PerSecond != 30 || l.PerChat != time.Second {
		t.Errorf("telegram = %+v", l)
	}
	if l := engine.DefaultLimits(bot.PlatformWeb); l.PerSecond != 0 || l.PerChat != 0 || l.GroupPerMinute != 0 || l.ChatWindows != nil {
		t.Errorf("web = %+v", l)
	}
}
