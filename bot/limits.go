package bot

import "time"

// Limits are how fast herald may send to one platform. The zero Limits
// mean no limit at all.
type Limits struct {
	// PerSecond is the overall rate; 0 means no overall limit.
	PerSecond float64 `json:"per_second"`
	// PerChat is the least time between two messages to one chat; 0 means
	// none.
	PerChat time.Duration `json:"per_chat"`
	// GroupPerMinute is how many posts one group chat takes in any minute;
	// 0 means no such limit.
	GroupPerMinute int `json:"group_per_minute"`
	// ChatWindows bound the posts to any one chat in sliding windows: at
	// most ChatWindows[d] posts in any d (a platform may count,
	// say, 8 in 2 s and 60 in 30 s per conversation); nil means none.
	ChatWindows map[time.Duration]int `json:"chat_windows,omitempty"`
}
