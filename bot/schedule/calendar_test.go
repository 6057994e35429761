package schedule_test

import (
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/schedule"
)

func TestCalendarOpen(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	office := &schedule.Calendar{Name: "office", TimeZone: "Europe/Paris", Closed: []string{"2026-12-25"},
		Hours: []bot.Schedule{
			{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, HoursFrom: 9 * 60, HoursTo: 12 * 60},
			{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, HoursFrom: 13 * 60, HoursTo: 18 * 60},
			{Days: []time.Weekday{time.Saturday}, HoursFrom: 10 * 60, HoursTo: 14 * 60},
		}}
	night := &schedule.Calendar{Name: "night", TimeZone: "Europe/Paris", Closed: []string{"2026-12-25"},
		Hours: []bot.Schedule{{Days: []time.Weekday{time.Thursday, time.Friday}, HoursFrom: 22 * 60, HoursTo: 6 * 60}}}
	at := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, paris) }
	for _, tc := range []struct {
		cal  *schedule.Calendar
		t    time.Time
		open bool
	}{
		{office, at(1, 9, 0), true},    // Tuesday at opening
		{office, at(1, 8, 59), false},  // before
		{office, at(1, 12, 30), false}, // lunch
		{office, at(1, 17, 59), true},  // afternoon
		{office, at(1, 18, 0), false},  // closed at 18:00
		{office, at(5, 11, 0), true},   // Saturday morning
		{office, at(5, 15, 0), false},  // Saturday afternoon
		{office, at(6, 11, 0), false},  // Sunday
		{office, at(25, 10, 0), false}, // Christmas, a Friday
		{office, at(24, 10, 0), true},  // the day before
		{night, at(3, 23, 0), true},    // Thursday night
		{night, at(4, 3, 0), true},     // past midnight: Thursday's hours
		{night, at(4, 7, 0), false},    // morning
		{night, at(5, 2, 0), true},     // early Saturday: Friday's night
		{night, at(6, 2, 0), false},    // early Sunday: Saturday has no night
		{night, at(24, 23, 30), true},  // Christmas Eve (Thursday) night
		{night, at(25, 23, 30), false}, // Christmas (Friday) night: closed
		{night, at(26, 2, 0), false},   // its morning after
		{night, at(25, 2, 0), true},    // the night that opened before Christmas goes on
	} {
		if got := schedule.Open(tc.cal, tc.t); got != tc.open {
			t.Errorf("%s at %s: open = %v, want %v", tc.cal.Name, tc.t.Format("Mon 2006-01-02 15:04"), got, tc.open)
		}
	}
	// Daylight saving: on the Monday after Paris moves to summer time,
	// 9:00 there is 07:00 UTC (08:00 UTC the week before).
	spring := time.Date(2027, 3, 29, 7, 0, 0, 0, time.UTC)
	if !schedule.Open(office, spring) || schedule.Open(office, spring.Add(-time.Minute)) {
		t.Error("the opening did not follow the change of time")
	}
	if err := schedule.ValidateCalendar(&schedule.Calendar{Name: "x", TimeZone: "Mars/Olympus", Hours: office.Hours}); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("an unknown zone: %v", err)
	}
	if err := schedule.ValidateCalendar(&schedule.Calendar{Name: "x"}); bot.ErrorCode(err) != bot.EINVALID {
		t.Errorf("no hours: %v", err)
	}
}
