package commands_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"2h": 2 * time.Hour, "90m": 90 * time.Minute, "1h30": 90 * time.Minute, "1h30m": 90 * time.Minute,
		"45 min": 45 * time.Minute, "3 days": 72 * time.Hour, "2 jours": 48 * time.Hour, "1d12h": 36 * time.Hour,
		"2 heures": 2 * time.Hour, "1.5h": 90 * time.Minute, "1 week": 7 * 24 * time.Hour, "30s": 30 * time.Second,
	} {
		if got, err := commands.ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "soon", "h", "2x", "-3h", "0m", "3 bananas"} {
		if _, err := commands.ParseDuration(in); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("ParseDuration(%q) accepted", in)
		}
	}
}

func TestParseWhen(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	now := time.Date(2026, 11, 24, 10, 15, 0, 0, paris) // a Tuesday
	at := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, paris) }
	for in, want := range map[string]time.Time{
		"now":               now,
		"maintenant":        now,
		"tomorrow 9:00":     at(11, 25, 9, 0),
		"tomorrow at 9am":   at(11, 25, 9, 0),
		"demain 9h":         at(11, 25, 9, 0),
		"demain à 14h30":    at(11, 25, 14, 30),
		"in 3 days at 9h":   at(11, 27, 9, 0),
		"dans 3 jours à 9h": at(11, 27, 9, 0),
		"in 2h":             at(11, 24, 12, 15),
		"dans 90m":          at(11, 24, 11, 45),
		"2026-12-01 14:30":  at(12, 1, 14, 30),
		"2026-12-01":        at(12, 1, 9, 0),
		"01/12/2026 14h":    at(12, 1, 14, 0),
		"18h":               at(11, 24, 18, 0),
		"9:00":              at(11, 25, 9, 0), // already past today
		"friday 2pm":        at(11, 27, 14, 0),
		"lundi 9h":          at(11, 30, 9, 0),
		"tuesday 9h":        at(12, 1, 9, 0), // today at 9 is past: next week
		"today 18:00":       at(11, 24, 18, 0),
		"aujourd'hui 18h":   at(11, 24, 18, 0),
	} {
		got, err := commands.ParseWhen(in, now, paris)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseWhen(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "someday", "tomorrow 25h", "in soon", "12/31/2026"} {
		if _, err := commands.ParseWhen(in, now, paris); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("ParseWhen(%q) accepted", in)
		}
	}
}

func TestParseWorkingTime(t *testing.T) {
	weekdays := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	for _, tc := range []struct {
		in       string
		days     []time.Weekday
		from, to int
	}{
		{"mon-fri 9-18", weekdays, 9 * 60, 18 * 60},
		{"lun-ven 9h-18h", weekdays, 9 * 60, 18 * 60},
		{"9:30-17:30", nil, 9*60 + 30, 17*60 + 30},
		{"sat-sun", []time.Weekday{time.Saturday, time.Sunday}, 0, 0},
		{"mon,wed,fri 22-6", []time.Weekday{time.Monday, time.Wednesday, time.Friday}, 22 * 60, 6 * 60},
		{"fri-mon", []time.Weekday{time.Friday, time.Saturday, time.Sunday, time.Monday}, 0, 0},
	} {
		days, from, to, err := commands.ParseWorkingTime(tc.in)
		if err != nil || !reflect.DeepEqual(days, tc.days) || from != tc.from || to != tc.to {
			t.Errorf("%q = %v %d %d %v", tc.in, days, from, to, err)
		}
	}
	for _, in := range []string{"", "9", "mon-funday", "9-9", "25-26"} {
		if _, _, _, err := commands.ParseWorkingTime(in); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("ParseWorkingTime(%q) accepted", in)
		}
	}
}
