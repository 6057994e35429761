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
}
