package schedule

import (
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
)

// spans returns c's opening spans as Schedules with its zone and closed
// dates.
func spans(c *bot.Calendar) []bot.Schedule {
	out := make([]bot.Schedule, len(c.Hours))
	for i, h := range c.Hours {
		out[i] = bot.Schedule{TimeZone: c.TimeZone, Days: h.Days, HoursFrom: h.HoursFrom, HoursTo: h.HoursTo, Closed: c.Closed}
	}
	return out
}

// Open reports whether t falls within calendar c's business hours: in one
// of its spans, on a day not closed. Hours that run past midnight belong
// to the day they open on: 22:00–06:00 on Friday is open early Saturday.
func Open(c *bot.Calendar, t time.Time) bool {
	for _, s := range spans(c) {
		if nextOpen(s, t).Equal(t) {
			return true
		}
	}
	return false
}

// ValidateCalendar returns an EINVALID error naming the first problem of
// c: no name, an unknown zone, a span whose hours or days are wrong, a
// date that is none.
func ValidateCalendar(c *bot.Calendar) error {
	if strings.TrimSpace(c.Name) == "" || strings.ContainsAny(c.Name, " \t\n") || len(c.Name) > 64 {
		return bot.Errorf(bot.EINVALID, "a calendar's name is one word of at most 64 characters")
	}
	if len(c.Hours) == 0 {
		return bot.Errorf(bot.EINVALID, "calendar %s has no hours: give days and hours, like mon-fri 9-18", c.Name)
	}
	for _, s := range spans(c) {
		if err := Validate(s); err != nil {
			return err
		}
	}
	return nil
}
