package nudges_test

import (
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/nudges"
)

func mustLoc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone data for %s: %v", name, err)
	}
	return loc
}

func TestDueInEachUnit(t *testing.T) {
	paris := mustLoc(t, "Europe/Paris")
	// Friday 2026-03-27 10:30 in Paris; summer time starts Sunday 03-29.
	from := time.Date(2026, 3, 27, 10, 30, 0, 0, paris)
	at9 := 9 * 60
	cases := []struct {
		name  string
		delay bot.Delay
		sched bot.Schedule
		want  time.Time
	}{
		{"minutes", bot.Delay{N: 45, Unit: bot.DelayMinute}, bot.Schedule{}, from.Add(45 * time.Minute)},
		{"hours", bot.Delay{N: 5, Unit: bot.DelayHour}, bot.Schedule{}, from.Add(5 * time.Hour)},
		// Across the change to summer time: the wall clock is kept, so
		// 3 days is 71 hours here.
		{"days keep the time of day across DST", bot.Delay{N: 3, Unit: bot.DelayDay}, bot.Schedule{}, time.Date(2026, 3, 30, 10, 30, 0, 0, paris)},
		{"N days at HH:MM across DST", bot.Delay{N: 3, Unit: bot.DelayDay, At: at9, AtSet: true}, bot.Schedule{}, time.Date(2026, 3, 30, 9, 0, 0, 0, paris)},
		{"weeks", bot.Delay{N: 2, Unit: bot.DelayWeek}, bot.Schedule{}, time.Date(2026, 4, 10, 10, 30, 0, 0, paris)},
		{"next Monday at 9:00", bot.Delay{Unit: bot.DelayWeekday, Weekday: time.Monday, At: at9, AtSet: true}, bot.Schedule{}, time.Date(2026, 3, 30, 9, 0, 0, 0, paris)},
		{"next Friday is a week on", bot.Delay{Unit: bot.DelayWeekday, Weekday: time.Friday, At: at9, AtSet: true}, bot.Schedule{}, time.Date(2026, 4, 3, 9, 0, 0, 0, paris)},
		{"later the same day when the time is ahead", bot.Delay{Unit: bot.DelayWeekday, Weekday: time.Friday, At: 18 * 60, AtSet: true}, bot.Schedule{}, time.Date(2026, 3, 27, 18, 0, 0, 0, paris)},
		// One day after Friday is Saturday; working days Monday to Friday,
		// 9:00 to 17:00 push it to Monday's opening.
		{"working hours push to Monday", bot.Delay{N: 1, Unit: bot.DelayDay},
			bot.Schedule{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, HoursFrom: 9 * 60, HoursTo: 17 * 60},
			time.Date(2026, 3, 30, 9, 0, 0, 0, paris)},
		// Monday and Tuesday closed (a business calendar's holidays): Wednesday.
		{"closed days push past them", bot.Delay{N: 1, Unit: bot.DelayDay},
			bot.Schedule{Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, HoursFrom: 9 * 60, HoursTo: 17 * 60, Closed: []string{"2026-03-30", "2026-03-31"}},
			time.Date(2026, 4, 1, 9, 0, 0, 0, paris)},
		{"a closed day without working hours", bot.Delay{N: 3, Unit: bot.DelayDay, At: 9 * 60, AtSet: true},
			bot.Schedule{Closed: []string{"2026-03-30"}},
			time.Date(2026, 3, 31, 0, 0, 0, 0, paris)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := &bot.Nudge{Trigger: "x", Delay: c.delay}
			if err := nudges.Validate(n); err != nil {
				t.Fatal(err)
			}
			got := nudges.Due(n, c.sched, from, paris)
			if !got.Equal(c.want) {
				t.Fatalf("due %s, want %s", got.In(paris), c.want)
			}
		})
	}
}

func TestDueUsesTheContactsTimeZone(t *testing.T) {
	tokyo := mustLoc(t, "Asia/Tokyo")
	from := time.Date(2026, 6, 1, 23, 0, 0, 0, time.UTC) // 08:00 on June 2 in Tokyo
	n := &bot.Nudge{Trigger: "x", Delay: bot.Delay{N: 1, Unit: bot.DelayDay, At: 9 * 60, AtSet: true}}
	ct := &bot.Contact{Attributes: map[string]string{"time_zone": "Asia/Tokyo"}}
	loc := nudges.Location(bot.Schedule{TimeZone: "Europe/Paris"}, ct)
	if loc.String() != "Asia/Tokyo" {
		t.Fatalf("location %s", loc)
	}
	if got, want := nudges.Due(n, bot.Schedule{}, from, loc), time.Date(2026, 6, 3, 9, 0, 0, 0, tokyo); !got.Equal(want) {
		t.Fatalf("due %s, want %s", got, want)
	}
	if loc := nudges.Location(bot.Schedule{TimeZone: "Europe/Paris"}, &bot.Contact{Attributes: map[string]string{"tz": "Mars/Olympus"}}); loc.String() != "Europe/Paris" {
		t.Fatalf("a bad contact zone gives %s, want the nudge's", loc)
	}
}

func TestTriggersAndStops(t *testing.T) {
	n := &bot.Nudge{Trigger: "Activity_Completed", Where: map[string]string{"activity": "quiz 1"}, Block: "course_completed", BlockSinceTrigger: true, Until: "unsubscribed"}
	ev := &bot.Event{Seq: 5, Type: bot.EventCustom, Name: "activity_completed", Data: map[string]string{"activity": "Quiz 1"}}
	if !nudges.Triggers(n, ev) {
		t.Fatal("the trigger does not match its event")
	}
	if nudges.Triggers(n, &bot.Event{Type: bot.EventCustom, Name: "activity_completed", Data: map[string]string{"activity": "quiz 2"}}) {
		t.Fatal("a condition on the attributes is ignored")
	}
	if !nudges.Triggers(&bot.Nudge{Trigger: "participant_joined"}, &bot.Event{Type: bot.EventParticipantJoined}) {
		t.Fatal("a built-in event type does not match")
	}
	ct := &bot.Contact{ID: 7, Email: "ana@example.org"}
	s := nudges.Firing(&bot.Campaign{ID: 3, Nudge: &bot.Nudge{Trigger: "x", Delay: bot.Delay{N: 1, Unit: bot.DelayHour}}}, ev, ct)
	if s.Key != "ana@example.org" || s.Source != 7 || s.Attributes["event.activity"] != "Quiz 1" || s.Attributes[nudges.AttrTriggerSeq] != "5" {
		t.Fatalf("firing %+v", s)
	}
	before := &bot.Event{Seq: 2, Type: bot.EventCustom, Name: "course_completed"}
	after := &bot.Event{Seq: 9, Type: bot.EventCustom, Name: "course_completed"}
	if r, _ := stopped(t, n, s, []*bot.Event{before}); r != "" {
		t.Fatalf("an event before the trigger blocks a 'since trigger' nudge: %q", r)
	}
	if r, end := stopped(t, n, s, []*bot.Event{before, after}); r == "" || end {
		t.Fatalf("an event since the trigger does not block: %q %v", r, end)
	}
	n.BlockSinceTrigger = false
	if r, _ := stopped(t, n, s, []*bot.Event{before}); r == "" {
		t.Fatal("an event at any time does not block")
	}
	if r, end := stopped(t, n, s, []*bot.Event{{Seq: 1, Type: bot.EventCustom, Name: "unsubscribed"}}); !end || r == "" {
		t.Fatalf("until: %q %v", r, end)
	}
}

func TestValidate(t *testing.T) {
	for _, n := range []*bot.Nudge{
		{Delay: bot.Delay{N: 1, Unit: bot.DelayDay}},
		{Trigger: "x"},
		{Trigger: "x", Delay: bot.Delay{N: -1, Unit: bot.DelayDay}},
		{Trigger: "x", Delay: bot.Delay{N: 2, Unit: bot.DelayHour, At: 60, AtSet: true}},
		{Trigger: "x", Delay: bot.Delay{N: 2, Unit: bot.DelayDay, At: 24 * 60, AtSet: true}},
	} {
		if err := nudges.Validate(n); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%+v: %v", n, err)
		}
	}
}
