package schedule

import (
	"context"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Calendar is a named business-hours calendar: opening hours per weekday
// in a time zone, and closed dates (holidays). Recipes run only during,
// or only outside, a calendar's hours.
type Calendar struct {
	Name     string `json:"name"`
	TimeZone string `json:"time_zone,omitempty"`
	// Hours are the opening spans: each its days and hours (a bot.Schedule's
	// Days, HoursFrom and HoursTo; hours whose end comes before their
	// start run past midnight).
	Hours     []bot.Schedule `json:"hours"`
	Closed    []string       `json:"closed,omitempty"` // 2006-01-02, in TimeZone
	UpdatedAt time.Time      `json:"updated_at"`
	UpdatedBy bot.Actor      `json:"updated_by"`
}

// CalendarStore keeps calendars by name (any case). Each method is one
// transaction; implementations are safe for concurrent use.
type CalendarStore interface {
	// PutCalendar stores c, replacing the calendar of that name.
	PutCalendar(ctx context.Context, c *Calendar) error
	// Calendar returns the calendar named name, or ENOTFOUND.
	Calendar(ctx context.Context, name string) (*Calendar, error)
	// Calendars returns every calendar, by name.
	Calendars(ctx context.Context) ([]*Calendar, error)
	// DeleteCalendar removes the calendar named name: ENOTFOUND when
	// none, ECONFLICT while a recipe runs by it.
	DeleteCalendar(ctx context.Context, name string) error
}

// spans returns c's opening spans as Schedules with its zone and closed
// dates.
func spans(c *Calendar) []bot.Schedule {
	out := make([]bot.Schedule, len(c.Hours))
	for i, h := range c.Hours {
		out[i] = bot.Schedule{TimeZone: c.TimeZone, Days: h.Days, HoursFrom: h.HoursFrom, HoursTo: h.HoursTo, Closed: c.Closed}
	}
	return out
}

// Open reports whether t falls within calendar c's business hours: in one
// of its spans, on a day not closed. Hours that run past midnight belong
// to the day they open on: 22:00–06:00 on Friday is open early Saturday.
func Open(c *Calendar, t time.Time) bool {
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
func ValidateCalendar(c *Calendar) error {
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
