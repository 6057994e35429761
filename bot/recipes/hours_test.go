package recipes_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/schedule"
)

// at is a time in UTC in December 2026 (the 1st is a Tuesday, the 25th a
// Friday).
func at(day, hour, minute int) time.Time {
	return time.Date(2026, 12, day, hour, minute, 0, 0, time.UTC)
}

// fired returns how many notes recipe name wrote in the conversation's
// history (none before the conversation).
func (r *rig) fired(t *testing.T, name string) int {
	t.Helper()
	if _, err := r.db.ConversationByParticipant(context.Background(), ana); bot.ErrorCode(err) == bot.ENOTFOUND {
		return 0
	}
	return strings.Count(r.history(t)+"\n", "note_added recipe "+name+"\n")
}

// hoursRecipe makes and enables a recipe that writes a note on every
// message, only during or only outside calendar's hours.
func (r *rig) hoursRecipe(t *testing.T, name, how, calendar string) {
	t.Helper()
	r.add(t, name, recipes.Trigger{Kind: recipes.TriggerNewMessage}, "", recipes.Action{Kind: recipes.RecipeNote, Text: name})
	if _, err := r.svc.SetHours(context.Background(), r.recipe[name], how, calendar, mo); err != nil {
		t.Fatal(err)
	}
}

// A calendar whose hours cross midnight (22:00–06:00 every day): a
// "during" recipe runs late in the evening and early in the morning,
// not at noon; the opening is inclusive, the closing exclusive; an
// "outside" recipe on the same calendar is its exact complement.
func TestDuringHoursThatCrossMidnight(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(at(1, 9, 0))
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), clock)
	if err := r.db.PutCalendar(ctx, &schedule.Calendar{Name: "night", TimeZone: "UTC",
		Hours: []bot.Schedule{{HoursFrom: 22 * 60, HoursTo: 6 * 60}}}); err != nil {
		t.Fatal(err)
	}
	r.hoursRecipe(t, "Night", "during", "night")
	r.hoursRecipe(t, "Day", "outside", "night")
	r.step(t) // the planner reads the recipes: later messages go through Decide too
	for _, tc := range []struct {
		at    time.Time
		night bool
	}{
		{at(1, 12, 0), false},
		{at(1, 21, 59), false},
		{at(1, 22, 0), true},  // opens
		{at(1, 23, 30), true}, // before midnight
		{at(2, 0, 0), true},
		{at(2, 5, 0), true},  // after midnight: the night that opened on the 1st
		{at(2, 6, 0), false}, // closes
		{at(2, 12, 0), false},
	} {
		night, day := r.fired(t, "Night"), r.fired(t, "Day")
		clock.Set(tc.at)
		r.writes(t, "a message at "+tc.at.Format("15:04"))
		r.step(t)
		gotNight, gotDay := r.fired(t, "Night")-night, r.fired(t, "Day")-day
		wantNight, wantDay := 0, 1
		if tc.night {
			wantNight, wantDay = 1, 0
		}
		if gotNight != wantNight || gotDay != wantDay {
			t.Errorf("a message at %s: during ran %d times, outside %d; want %d and %d", tc.at.Format("Jan 2 15:04"), gotNight, gotDay, wantNight, wantDay)
		}
	}
}

// A holiday (a closed date) stops a "during" recipe all that day, and an
// "outside" recipe runs then, even at an hour that is open on other days.
func TestAHolidayClosesTheDay(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(at(1, 9, 0))
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), clock)
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	if err := r.db.PutCalendar(ctx, &schedule.Calendar{Name: "office", TimeZone: "UTC",
		Hours: []bot.Schedule{{Days: weekdays, HoursFrom: 9 * 60, HoursTo: 18 * 60}}, Closed: []string{"2026-12-25"}}); err != nil {
		t.Fatal(err)
	}
	r.hoursRecipe(t, "Office", "during", "office")
	r.hoursRecipe(t, "Away", "outside", "office")
	r.step(t)
	for _, tc := range []struct {
		at   time.Time
		open bool
	}{
		{at(24, 10, 0), true},  // Thursday
		{at(25, 10, 0), false}, // Friday, but closed: Christmas
		{at(25, 15, 0), false},
		{at(28, 10, 0), true}, // Monday
	} {
		office, away := r.fired(t, "Office"), r.fired(t, "Away")
		clock.Set(tc.at)
		r.writes(t, "hello")
		r.step(t)
		gotOffice, gotAway := r.fired(t, "Office")-office, r.fired(t, "Away")-away
		wantOffice, wantAway := 0, 1
		if tc.open {
			wantOffice, wantAway = 1, 0
		}
		if gotOffice != wantOffice || gotAway != wantAway {
			t.Errorf("a message at %s: during ran %d times, outside %d; want %d and %d", tc.at.Format("Mon Jan 2 15:04"), gotOffice, gotAway, wantOffice, wantAway)
		}
	}
}

// Overnight hours belong to the day they open on (schedule.Open): with
// 22:00–06:00 and Christmas closed, the night of the 24th is open until
// 06:00 on the 25th, the night of the 25th is closed until 06:00 on the
// 26th, and the night of the 26th is open again.
func TestAHolidayWithOvernightHours(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(at(24, 12, 0))
	r := open(t, filepath.Join(t.TempDir(), "herald.db"), clock)
	if err := r.db.PutCalendar(ctx, &schedule.Calendar{Name: "night", TimeZone: "UTC",
		Hours: []bot.Schedule{{HoursFrom: 22 * 60, HoursTo: 6 * 60}}, Closed: []string{"2026-12-25"}}); err != nil {
		t.Fatal(err)
	}
	r.hoursRecipe(t, "Night", "during", "night")
	r.hoursRecipe(t, "Off", "outside", "night")
	r.step(t)
	for _, tc := range []struct {
		at   time.Time
		open bool
	}{
		{at(24, 23, 30), true},
		{at(25, 5, 0), true},    // the night of the 24th
		{at(25, 23, 30), false}, // the night of the 25th: closed
		{at(26, 5, 0), false},
		{at(26, 23, 30), true},
	} {
		night, off := r.fired(t, "Night"), r.fired(t, "Off")
		clock.Set(tc.at)
		r.writes(t, "hello")
		r.step(t)
		gotNight, gotOff := r.fired(t, "Night")-night, r.fired(t, "Off")-off
		wantNight, wantOff := 0, 1
		if tc.open {
			wantNight, wantOff = 1, 0
		}
		if gotNight != wantNight || gotOff != wantOff {
			t.Errorf("a message at %s: during ran %d times, outside %d; want %d and %d", tc.at.Format("Jan 2 15:04"), gotNight, gotOff, wantNight, wantOff)
		}
	}
}
