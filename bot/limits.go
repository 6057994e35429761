package bot

import "time"

// Limits are how fast herald may send to one platform.
type Limits struct {
	// PerSecond is the overall rate; 0 means no overall limit.
	PerSecond float64 `json:"per_second"`
	// PerChat is the least time between two messages to one chat; 0 means
	// none.
	PerChat time.Duration `json:"per_chat"`
	// PerGroup is the least time between two posts to one group chat
	// (Telegram's 20 a minute); 0 means PerChat.
	PerGroup time.Duration `json:"per_group"`
}

// DefaultLimits returns the documented limits of platform p (see DESIGN):
// Slack about 1 message a second per channel and a few hundred a minute per
// workspace; Discord 50 requests a second, DMs paced well below; Telegram
// 30 a second overall and 1 a second per chat; Teams 7 a second per
// conversation and about 30 per app; email 10 a second. The web chat has
// none.
func DefaultLimits(p Platform) Limits {
	switch p {
	case PlatformSlack:
		return Limits{PerSecond: 5, PerChat: time.Second}
	case PlatformDiscord:
		return Limits{PerSecond: 10, PerChat: time.Second}
	case PlatformTelegram:
		return Limits{PerSecond: 30, PerChat: time.Second}
	case PlatformTeams:
		return Limits{PerSecond: 30, PerChat: time.Second / 7}
	case PlatformEmail:
		return Limits{PerSecond: 10}
	}
	return Limits{}
}
