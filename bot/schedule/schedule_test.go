package schedule_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/schedule"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func TestPlannedAtSpreadsOverTheWindow(t *testing.T) {
	start := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	s := bot.Schedule{Window: 2 * time.Hour, Seed: 7}
	buckets := make([]int, 4)
	for i := range 1000 {
		key := fmt.Sprintf("r%d@example.org", i)
		at := schedule.PlannedAt(s, start, key)
		if at.Before(start) || !at.Before(start.Add(2*time.Hour)) {
			t.Fatalf("%s planned at %v, outside the window", key, at)
		}
		if again := schedule.PlannedAt(s, start, key); !again.Equal(at) {
			t.Fatal("the planned time is not reproducible")
		}
		buckets[at.Sub(start)/(30*time.Minute)]++
	}
	for i, n := range buckets {
		if n < 180 || n > 320 {
			t.Errorf("quarter %d of the window got %d of 1000 sends: not spread", i, n)
		}
	}
	other := bot.Schedule{Window: 2 * time.Hour, Seed: 8}
	same := 0
	for i := range 100 {
		key := fmt.Sprint(i)
		if schedule.PlannedAt(s, start, key).Equal(schedule.PlannedAt(other, start, key)) {
			same++
		}
	}
	if same > 5 {
		t.Errorf("another seed gives the same plan for %d of 100", same)
	}
	if at := schedule.PlannedAt(bot.Schedule{}, start, "x"); !at.Equal(start) {
		t.Errorf("no window: %v", at)
	}
}

func TestNextOpen(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	office := bot.Schedule{TimeZone: "Europe/Paris", Days: weekdays, HoursFrom: 9 * 60, HoursTo: 18 * 60}
	night := bot.Schedule{TimeZone: "Europe/Paris", Days: []time.Weekday{time.Friday}, HoursFrom: 22 * 60, HoursTo: 6 * 60}
	weekends := bot.Schedule{TimeZone: "Europe/Paris", Days: []time.Weekday{time.Saturday, time.Sunday}}
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, paris) }
	for _, tc := range []struct {
		name string
		s    bot.Schedule
		in   time.Time
		want time.Time
	}{
		{"inside", office, at(2026, 12, 1, 10, 15), at(2026, 12, 1, 10, 15)},
		{"before opening", office, at(2026, 12, 1, 7, 0), at(2026, 12, 1, 9, 0)},
		{"after closing", office, at(2026, 12, 1, 18, 0), at(2026, 12, 2, 9, 0)},
		{"friday evening to monday", office, at(2026, 12, 4, 19, 0), at(2026, 12, 7, 9, 0)},
		{"saturday to monday", office, at(2026, 12, 5, 11, 0), at(2026, 12, 7, 9, 0)},
		// Daylight saving: Paris springs forward on 2026-03-29 and falls
		// back on 2026-10-25, both Sundays; Monday 9:00 is local either way.
		{"over spring forward", office, at(2026, 3, 27, 20, 0), time.Date(2026, 3, 30, 7, 0, 0, 0, time.UTC)},
		{"over fall back", office, at(2026, 10, 23, 20, 0), time.Date(2026, 10, 26, 8, 0, 0, 0, time.UTC)},
		{"overnight opens friday 22:00", night, at(2026, 12, 4, 12, 0), at(2026, 12, 4, 22, 0)},
		{"overnight still open saturday 3:00", night, at(2026, 12, 5, 3, 0), at(2026, 12, 5, 3, 0)},
		{"overnight closed saturday 6:00", night, at(2026, 12, 5, 6, 0), at(2026, 12, 11, 22, 0)},
		{"days only", weekends, at(2026, 12, 3, 15, 0), at(2026, 12, 5, 0, 0)},
		{"no restriction", bot.Schedule{}, at(2026, 12, 3, 3, 0), at(2026, 12, 3, 3, 0)},
	} {
		// Without a window, PlannedAt is the next opening.
		if got := schedule.PlannedAt(tc.s, tc.in, "key"); !got.Equal(tc.want) {
			t.Errorf("%s: PlannedAt(%v) = %v, want %v", tc.name, tc.in, got.In(paris), tc.want.In(paris))
		}
	}
}

func TestRetryLadder(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	at := func(d, h, min int) time.Time { return time.Date(2026, 12, d, h, min, 0, 0, paris) }
	s := bot.Schedule{TimeZone: "Europe/Paris", Days: weekdays, HoursFrom: 9 * 60, HoursTo: 18 * 60}
	planned := at(3, 14, 27) // a Thursday
	want := []time.Time{
		at(3, 14, 27), at(3, 14, 37), at(3, 15, 0), // Thursday
		at(4, 9, 0), at(4, 9, 10), at(4, 10, 0), // Friday's opening
		at(7, 9, 0), at(7, 9, 10), at(7, 10, 0), // Monday's opening
	}
	if schedule.Attempts(s) != 9 {
		t.Fatalf("attempts = %d", schedule.Attempts(s))
	}
	for n, w := range want {
		got, ok := schedule.AttemptAt(s, planned, n)
		if !ok || !got.Equal(w) {
			t.Errorf("attempt %d = %v %v, want %v", n, got.In(paris), ok, w)
		}
	}
	if _, ok := schedule.AttemptAt(s, planned, 9); ok {
		t.Error("a tenth attempt exists")
	}
	// Late in the day the ladder carries over to the next opening.
	late, _ := schedule.AttemptAt(s, at(3, 17, 55), 2)
	if !late.Equal(at(4, 9, 0)) {
		t.Errorf("top of the hour after closing = %v", late.In(paris))
	}
	one := bot.Schedule{RetryCycles: -1}
	if schedule.Attempts(one) != 1 {
		t.Errorf("no retries: %d attempts", schedule.Attempts(one))
	}
	two := bot.Schedule{RetryCycles: 2}
	if got, ok := schedule.AttemptAt(two, time.Date(2026, 12, 3, 23, 50, 0, 0, time.UTC), 3); !ok || !got.Equal(time.Date(2026, 12, 4, 23, 50, 0, 0, time.UTC)) {
		t.Errorf("without hours the next cycle is a day later: %v %v", got, ok)
	}
}

// TestRetryStepsAreConfigurable: a campaign's own steps replace the
// ladder's 10 minutes and top of the hour, in each cycle, moved into
// working hours like the others.
func TestRetryStepsAreConfigurable(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	at := func(d, h, min int) time.Time { return time.Date(2026, 12, d, h, min, 0, 0, paris) }
	s := bot.Schedule{TimeZone: "Europe/Paris", Days: weekdays, HoursFrom: 9 * 60, HoursTo: 18 * 60, RetryCycles: 2,
		RetrySteps: []time.Duration{30 * time.Minute, 2 * time.Hour, 4 * time.Hour}}
	planned := at(3, 14, 0) // a Thursday
	want := []time.Time{
		at(3, 14, 0), at(3, 14, 30), at(3, 16, 0), at(4, 9, 0), // the fourth falls after closing: Friday's opening
		at(4, 9, 0), at(4, 9, 30), at(4, 11, 0), at(4, 13, 0),
	}
	if schedule.Attempts(s) != 8 {
		t.Fatalf("attempts = %d", schedule.Attempts(s))
	}
	for n, w := range want {
		if got, ok := schedule.AttemptAt(s, planned, n); !ok || !got.Equal(w) {
			t.Errorf("attempt %d = %v %v, want %v", n, got.In(paris), ok, w)
		}
	}
	for _, bad := range [][]time.Duration{{0}, {time.Hour, 30 * time.Minute}, {25 * time.Hour}} {
		if err := schedule.Validate(bot.Schedule{RetrySteps: bad}); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("steps %v accepted: %v", bad, err)
		}
	}
}

func TestScheduleValidate(t *testing.T) {
	for _, s := range []bot.Schedule{{TimeZone: "Mars/Olympus"}, {Window: -time.Hour}, {HoursFrom: 25 * 60}, {Days: []time.Weekday{9}}, {Closed: []string{"25/12/2026"}}} {
		if err := schedule.Validate(s); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%+v: %v", s, err)
		}
	}
	if err := schedule.Validate(bot.Schedule{TimeZone: "Asia/Tokyo", HoursFrom: 22 * 60, HoursTo: 6 * 60, Closed: []string{"2026-12-25"}}); err != nil {
		t.Error(err)
	}
}
