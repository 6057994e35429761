package events

import (
	"time"

	"github.com/heraldchat/herald/bot"
)

// EventTime reads the contact's event time attribute attr: RFC 3339, or "2006-01-02
// 15:04" (UTC); false when absent or unreadable.
func EventTime(c *bot.Contact, attr string) (time.Time, bool) {
	v := c.Attributes[attr]
	if v == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
