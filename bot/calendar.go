package bot

import (
	"context"
	"time"
)

// Calendar is a named business-hours calendar: opening hours per weekday
// in a time zone, and closed dates (holidays). Recipes run only during,
// or only outside, a calendar's hours.
type Calendar struct {
	Name     string `json:"name"`
	TimeZone string `json:"time_zone,omitempty"`
	// Hours are the opening spans: each its days and hours (a Schedule's
	// Days, HoursFrom and HoursTo; hours whose end comes before their
	// start run past midnight).
	Hours     []Schedule `json:"hours"`
	Closed    []string   `json:"closed,omitempty"` // 2006-01-02, in TimeZone
	UpdatedAt time.Time  `json:"updated_at"`
	UpdatedBy Actor      `json:"updated_by"`
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
