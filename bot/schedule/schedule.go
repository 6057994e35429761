package schedule

import (
	"encoding/binary"
	"hash/fnv"
	"slices"
	"time"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database

	"github.com/heraldchat/herald/bot"
)

// defaultRetryCycles is how many times the retry ladder runs when
// bot.Schedule.RetryCycles is 0.
const defaultRetryCycles = 3

// stepsPerCycle are the attempts of one cycle of the retry ladder: at the
// cycle's start, 10 minutes later, and at the top of the next hour.
const stepsPerCycle = 3

// Location returns the schedule's time zone (UTC when unset), or an
// EINVALID error for an unknown zone name.
func Location(s bot.Schedule) (*time.Location, error) {
	if s.TimeZone == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "unknown time zone %q: use a name such as Europe/Paris or America/New_York", s.TimeZone)
	}
	return loc, nil
}

// Validate returns an EINVALID error naming the first problem of s.
func Validate(s bot.Schedule) error {
	if _, err := Location(s); err != nil {
		return err
	}
	if s.Window < 0 {
		return bot.Errorf(bot.EINVALID, "the delivery window cannot be negative")
	}
	if s.HoursFrom < 0 || s.HoursFrom >= 24*60 || s.HoursTo < 0 || s.HoursTo > 24*60 {
		return bot.Errorf(bot.EINVALID, "working hours must lie between 00:00 and 24:00")
	}
	for _, d := range s.Days {
		if d < time.Sunday || d > time.Saturday {
			return bot.Errorf(bot.EINVALID, "%d is not a day of the week", d)
		}
	}
	for i, d := range s.RetrySteps {
		if d <= 0 || d >= 24*time.Hour || i > 0 && d <= s.RetrySteps[i-1] {
			return bot.Errorf(bot.EINVALID, "retry steps are growing delays under a day, from the cycle's start (10m,1h,4h)")
		}
	}
	if len(s.RetrySteps) > 9 {
		return bot.Errorf(bot.EINVALID, "at most 9 retry steps in a cycle")
	}
	if len(s.Closed) > 366 {
		return bot.Errorf(bot.EINVALID, "at most 366 closed days")
	}
	for _, d := range s.Closed {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return bot.Errorf(bot.EINVALID, "%q is not a date: write closed days like 2026-12-25", d)
		}
	}
	return nil
}

// cycles returns how many cycles the retry ladder runs.
func cycles(s bot.Schedule) int {
	switch {
	case s.RetryCycles < 0:
		return 0
	case s.RetryCycles == 0:
		return defaultRetryCycles
	}
	return s.RetryCycles
}

// Attempts returns the number of delivery attempts a recipient gets: one,
// or every step of every retry cycle.
func Attempts(s bot.Schedule) int { return max(1, cycles(s)*perCycle(s)) }

// perCycle is how many attempts one cycle of the ladder makes.
func perCycle(s bot.Schedule) int {
	if len(s.RetrySteps) > 0 {
		return 1 + len(s.RetrySteps)
	}
	return stepsPerCycle
}

// PlannedAt returns when the recipient with this key is first tried:
// start plus an offset within the delivery window drawn from the seed and
// the key (so it is known in advance and the same on every run), moved to
// the next working-hours opening when it falls outside.
func PlannedAt(s bot.Schedule, start time.Time, key string) time.Time {
	t := start
	if s.Window > 0 {
		h := fnv.New64a()
		var seed [8]byte
		binary.BigEndian.PutUint64(seed[:], uint64(s.Seed))
		h.Write(seed[:])
		h.Write([]byte(key))
		t = start.Add(time.Duration(h.Sum64() % uint64(s.Window)))
	}
	return nextOpen(s, t)
}

// hoursSet reports whether working hours restrict the time of day.
func hoursSet(s bot.Schedule) bool { return s.HoursFrom != s.HoursTo }

// workingDay reports whether d is a working day.
func workingDay(s bot.Schedule, d time.Weekday) bool {
	if len(s.Days) == 0 {
		return true
	}
	for _, w := range s.Days {
		if w == d {
			return true
		}
	}
	return false
}

// openDay reports whether day (a midnight in the schedule's zone) is a
// working day and not closed.
func openDay(s bot.Schedule, day time.Time) bool {
	return workingDay(s, day.Weekday()) && !slices.Contains(s.Closed, day.Format(time.DateOnly))
}

// lookDays is how many days ahead an opening is looked for: a week, and
// the closed days on top.
func lookDays(s bot.Schedule) int { return 8 + len(s.Closed) }

// nextOpen returns the earliest instant at or after t within working days
// and hours, in the schedule's zone, closed days left out. Hours whose end is before their start
// run across midnight (22:00–06:00 opens on a working day's evening).
// Daylight-saving changes are those of the zone: an opening that falls in a
// skipped hour moves as time.Date moves it. An unknown zone counts as UTC.
func nextOpen(s bot.Schedule, t time.Time) time.Time {
	if !hoursSet(s) && len(s.Days) == 0 && len(s.Closed) == 0 {
		return t
	}
	loc, err := Location(s)
	if err != nil {
		loc = time.UTC
	}
	local := t.In(loc)
	y, m, d := local.Date()
	// Start a day early: yesterday's overnight hours may still be open.
	for i := -1; i <= lookDays(s); i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, loc)
		if !openDay(s, day) {
			continue
		}
		open, close := openClose(s, day, loc)
		if t.Before(open) {
			return open
		}
		if t.Before(close) {
			return t
		}
	}
	return t // no working day at all: Validate forbids it, so never here
}

// openClose returns the working period that opens on day.
func openClose(s bot.Schedule, day time.Time, loc *time.Location) (time.Time, time.Time) {
	y, m, d := day.Date()
	if !hoursSet(s) {
		return day, time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}
	open := time.Date(y, m, d, 0, s.HoursFrom, 0, 0, loc)
	end := d
	if s.HoursTo <= s.HoursFrom {
		end++
	}
	return open, time.Date(y, m, end, 0, s.HoursTo, 0, 0, loc)
}

// AttemptAt returns when attempt n (0 for the first) of a recipient planned
// at planned is made, and false when the ladder has no attempt n. Each
// cycle tries at its start, 10 minutes later and at the top of the next
// hour; the next cycle starts at the next day's opening (the same time the
// next day when hours are not set). Every time is moved into working
// hours.
func AttemptAt(s bot.Schedule, planned time.Time, n int) (time.Time, bool) {
	if n < 0 || n >= Attempts(s) {
		return time.Time{}, false
	}
	start := planned
	per := perCycle(s)
	for c := 0; c < n/per; c++ {
		start = nextCycle(s, start)
	}
	if k := n % per; len(s.RetrySteps) > 0 && k > 0 {
		return nextOpen(s, start.Add(s.RetrySteps[k-1])), true
	}
	switch n % per {
	case 0:
		return start, true
	case 1:
		return nextOpen(s, start.Add(10*time.Minute)), true
	default:
		later := start.Add(10 * time.Minute)
		top := later.Truncate(time.Hour).Add(time.Hour)
		return nextOpen(s, top), true
	}
}

// nextCycle returns the start of the cycle after the one starting at t:
// the opening of the first working day after the day whose working period
// holds t (the same time the next day when hours are not set).
func nextCycle(s bot.Schedule, t time.Time) time.Time {
	loc, err := Location(s)
	if err != nil {
		loc = time.UTC
	}
	local := t.In(loc)
	if !hoursSet(s) {
		return nextOpen(s, local.AddDate(0, 0, 1))
	}
	y, m, d := local.Date()
	// The period holding t opened today, or yesterday for overnight hours.
	if open, _ := openClose(s, time.Date(y, m, d, 0, 0, 0, 0, loc), loc); t.Before(open) && s.HoursTo <= s.HoursFrom {
		d--
	}
	for i := 1; i <= lookDays(s); i++ {
		day := time.Date(y, m, d+i, 0, 0, 0, 0, loc)
		if openDay(s, day) {
			open, _ := openClose(s, day, loc)
			return open
		}
	}
	return t.AddDate(0, 0, 1)
}
