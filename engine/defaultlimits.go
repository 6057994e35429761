package engine

import (
	"time"

	"github.com/heraldchat/herald/bot"
)

// DefaultLimits returns the documented limits of platform p, which the
// engine uses for every platform Engine.Limits leaves out: Slack about 1
// message a second per channel and a few hundred a minute per workspace;
// Discord 50 requests a second, DMs paced well below since opening many
// DMs fast gets a bot flagged; Telegram 30 a second overall and 1 a second
// per chat; Teams 50 requests a second per app (a first message
// to someone takes two) and per conversation 7 a second, 8 in 2 s, 60 in
// 30 s, 1,800 an hour; email
// 10 a second. The web chat has none.
func DefaultLimits(p bot.Platform) bot.Limits {
	switch p {
	case bot.PlatformSlack:
		return bot.Limits{PerSecond: 5, PerChat: time.Second}
	case bot.PlatformDiscord:
		return bot.Limits{PerSecond: 10, PerChat: time.Second}
	case bot.PlatformTelegram:
		return bot.Limits{PerSecond: 30, PerChat: time.Second, GroupPerMinute: 20}
	case bot.PlatformTeams:
		// Teams takes 50 requests a second per app and tenant; a first
		// message to someone is two of them (the conversation, then the
		// message): the adapter takes the second token (Budget.Take).
		return bot.Limits{PerSecond: 50, PerChat: time.Second / 7,
			ChatWindows: map[time.Duration]int{2 * time.Second: 8, 30 * time.Second: 60, time.Hour: 1800}}
	case bot.PlatformEmail:
		return bot.Limits{PerSecond: 10}
	}
	return bot.Limits{}
}
