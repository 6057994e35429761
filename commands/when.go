package commands

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/heraldchat/herald/bot"
)

// Dates, durations, hours and days are read the way people write them, in
// English and French: "tomorrow 9:00", "2026-12-01 14:30", "in 3 days at
// 9h", "demain 9h", "2h", "90m", "mon-fri 9-18", "lun-ven 9h-18h".

// words folds s for matching: lower case, accents removed, apostrophes and
// "at"/"à" kept as words.
func words(s string) []string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "à", "a", "û", "u", "ô", "o", "ç", "c", "’", "'", "aujourd'hui", "today").Replace(s)
	return strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' })
}

var dayNames = map[string]time.Weekday{
	"sun": time.Sunday, "sunday": time.Sunday, "dim": time.Sunday, "dimanche": time.Sunday,
	"mon": time.Monday, "monday": time.Monday, "lun": time.Monday, "lundi": time.Monday,
	"tue": time.Tuesday, "tues": time.Tuesday, "tuesday": time.Tuesday, "mar": time.Tuesday, "mardi": time.Tuesday,
	"wed": time.Wednesday, "wednesday": time.Wednesday, "mer": time.Wednesday, "mercredi": time.Wednesday,
	"thu": time.Thursday, "thur": time.Thursday, "thurs": time.Thursday, "thursday": time.Thursday, "jeu": time.Thursday, "jeudi": time.Thursday,
	"fri": time.Friday, "friday": time.Friday, "ven": time.Friday, "vendredi": time.Friday,
	"sat": time.Saturday, "saturday": time.Saturday, "sam": time.Saturday, "samedi": time.Saturday,
}

var unitDurations = map[string]time.Duration{
	"s": time.Second, "sec": time.Second, "secs": time.Second, "second": time.Second, "seconds": time.Second, "seconde": time.Second, "secondes": time.Second,
	"m": time.Minute, "min": time.Minute, "mins": time.Minute, "minute": time.Minute, "minutes": time.Minute, "mn": time.Minute,
	"h": time.Hour, "hr": time.Hour, "hrs": time.Hour, "hour": time.Hour, "hours": time.Hour, "heure": time.Hour, "heures": time.Hour,
	"d": 24 * time.Hour, "day": 24 * time.Hour, "days": 24 * time.Hour, "j": 24 * time.Hour, "jour": 24 * time.Hour, "jours": 24 * time.Hour,
	"w": 7 * 24 * time.Hour, "week": 7 * 24 * time.Hour, "weeks": 7 * 24 * time.Hour, "semaine": 7 * 24 * time.Hour, "semaines": 7 * 24 * time.Hour,
}

// ParseDuration reads "2h", "90m", "1h30", "1h30m", "45 min", "3 days",
// "2 jours", "1d12h". It returns an EINVALID error with an example
// otherwise.
func ParseDuration(s string) (time.Duration, error) {
	ws := words(s)
	if len(ws) == 0 {
		return 0, bot.Errorf(bot.EINVALID, "a duration is missing: write it like 2h, 90m or 3 days")
	}
	joined := strings.Join(ws, "")
	var total time.Duration
	for rest := joined; rest != ""; {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, bot.Errorf(bot.EINVALID, "%q is not a duration: write it like 2h, 90m or 3 days", s)
		}
		n, err := strconv.ParseFloat(rest[:i], 64)
		if err != nil {
			return 0, bot.Errorf(bot.EINVALID, "%q is not a duration: write it like 2h, 90m or 3 days", s)
		}
		rest = rest[i:]
		j := 0
		for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
			j++
		}
		unit, ok := unitDurations[rest[:j]]
		switch {
		case ok:
		case j == 0 && total > 0 && total%time.Hour == 0 && rest == "":
			unit = time.Minute // the 30 of "1h30"
		default:
			return 0, bot.Errorf(bot.EINVALID, "%q is not a duration: write it like 2h, 90m or 3 days", s)
		}
		total += time.Duration(n * float64(unit))
		rest = rest[j:]
	}
	if total <= 0 {
		return 0, bot.Errorf(bot.EINVALID, "%q is not a duration: write it like 2h, 90m or 3 days", s)
	}
	return total, nil
}

// parseClock reads a time of day: "9", "9:00", "9h", "9h30", "14h", "9am",
// "2:30pm", "18.00". It returns minutes after midnight.
func parseClock(s string) (int, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	pm, am := strings.HasSuffix(s, "pm"), strings.HasSuffix(s, "am")
	if pm || am {
		s = strings.TrimSpace(s[:len(s)-2])
	}
	var hs, ms string
	if i := strings.IndexAny(s, ":h."); i >= 0 {
		hs, ms = s[:i], s[i+1:]
	} else {
		hs = s
	}
	h, err := strconv.Atoi(hs)
	if err != nil || hs == "" {
		return 0, false
	}
	m := 0
	if ms != "" {
		if m, err = strconv.Atoi(ms); err != nil || len(ms) != 2 {
			return 0, false
		}
	}
	if pm && h < 12 {
		h += 12
	}
	if am && h == 12 {
		h = 0
	}
	if (am || pm) && (h > 23) || h > 24 || m > 59 || h == 24 && m > 0 {
		return 0, false
	}
	return h*60 + m, true
}

// ParseWhen reads a moment relative to now, in loc: "now", "tomorrow
// 9:00", "demain 9h", "in 3 days at 9h", "dans 2h", "monday 9am", "lundi
// 14h30", "2026-12-01 14:30", "2026-12-01", or a time alone ("18h": today,
// or tomorrow once past). It returns an EINVALID error with examples
// otherwise.
func ParseWhen(s string, now time.Time, loc *time.Location) (time.Time, error) {
	bad := bot.Errorf(bot.EINVALID, "%q is not a date I can read: write it like tomorrow 9:00, in 3 days at 9h, monday 14h or 2026-12-01 14:30", s)
	ws := words(s)
	if len(ws) == 0 {
		return time.Time{}, bad
	}
	now = now.In(loc)
	if ws[0] == "now" || ws[0] == "maintenant" {
		return now, nil
	}
	// A relative delay: "in 2h", "dans 3 jours à 9h".
	if ws[0] == "in" || ws[0] == "dans" {
		rest := ws[1:]
		at := -1
		for i, w := range rest {
			if w == "at" || w == "a" {
				at = i
				break
			}
		}
		durWords := rest
		if at >= 0 {
			durWords = rest[:at]
		}
		d, err := ParseDuration(strings.Join(durWords, " "))
		if err != nil {
			return time.Time{}, bad
		}
		t := now.Add(d)
		if at >= 0 {
			mins, ok := parseClock(strings.Join(rest[at+1:], ""))
			if !ok {
				return time.Time{}, bad
			}
			y, mo, dd := t.Date()
			t = time.Date(y, mo, dd, 0, mins, 0, 0, loc)
		}
		return t, nil
	}
	// A day, then maybe a time.
	var day time.Time
	rest := ws
	y, mo, dd := now.Date()
	today := time.Date(y, mo, dd, 0, 0, 0, 0, loc)
	switch w := ws[0]; {
	case w == "today":
		day, rest = today, ws[1:]
	case w == "tomorrow" || w == "demain":
		day, rest = today.AddDate(0, 0, 1), ws[1:]
	case w == "apres-demain" || w == "overmorrow":
		day, rest = today.AddDate(0, 0, 2), ws[1:]
	case isDay(w):
		wd, _ := lookupDay(w)
		ahead := (int(wd) - int(now.Weekday()) + 7) % 7
		day, rest = today.AddDate(0, 0, ahead), ws[1:]
	default:
		if t, err := time.ParseInLocation("2006-01-02", w, loc); err == nil {
			day, rest = t, ws[1:]
		} else if t, err := time.ParseInLocation("2006-01-02t15:04", w, loc); err == nil {
			return t, nil
		} else if t, err := time.ParseInLocation("02/01/2006", w, loc); err == nil {
			day, rest = t, ws[1:]
		}
	}
	if len(rest) > 0 && (rest[0] == "at" || rest[0] == "a") {
		rest = rest[1:]
	}
	if day.IsZero() {
		mins, ok := parseClock(strings.Join(rest, ""))
		if !ok {
			return time.Time{}, bad
		}
		t := time.Date(y, mo, dd, 0, mins, 0, 0, loc)
		if !t.After(now) {
			t = time.Date(y, mo, dd+1, 0, mins, 0, 0, loc)
		}
		return t, nil
	}
	if len(rest) == 0 {
		if day.Equal(today) {
			return now, nil
		}
		return day.Add(9 * time.Hour), nil // a day alone: its morning
	}
	mins, ok := parseClock(strings.Join(rest, ""))
	if !ok {
		return time.Time{}, bad
	}
	dy, dm, ddd := day.Date()
	t := time.Date(dy, dm, ddd, 0, mins, 0, 0, loc)
	if isDay(ws[0]) && !t.After(now) {
		t = t.AddDate(0, 0, 7) // "monday 9h" said on a Monday at 10h: next week
	}
	return t, nil
}

// ParseHours reads working hours: "9-18", "9h-18h", "9:30-18:00", "22-6".
// It returns minutes after midnight.
func ParseHours(s string) (from, to int, err error) {
	bad := bot.Errorf(bot.EINVALID, "%q are not hours: write them like 9-18, 9h-18h or 9:30-17:30", s)
	a, b, ok := strings.Cut(strings.ReplaceAll(strings.ToLower(s), " ", ""), "-")
	if !ok {
		return 0, 0, bad
	}
	from, ok1 := parseClock(a)
	to, ok2 := parseClock(b)
	if !ok1 || !ok2 || from == to || from >= 24*60 {
		return 0, 0, bad
	}
	return from, to, nil
}

// ParseDays reads working days: "mon-fri", "lun-ven", "mon,wed,fri",
// "sat-sun", "weekdays", "semaine", "every day", "tous les jours".
func ParseDays(s string) ([]time.Weekday, error) {
	bad := bot.Errorf(bot.EINVALID, "%q are not days: write them like mon-fri, lun-ven or mon,wed,fri", s)
	ws := words(strings.ReplaceAll(s, ",", " "))
	switch strings.Join(ws, " ") {
	case "weekdays", "week days", "semaine", "en semaine", "jours ouvres":
		return []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}, nil
	case "every day", "everyday", "all", "tous les jours", "tous":
		return nil, nil
	case "weekend", "week-end":
		return []time.Weekday{time.Saturday, time.Sunday}, nil
	}
	var out []time.Weekday
	seen := map[time.Weekday]bool{}
	add := func(d time.Weekday) {
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	if len(ws) == 0 {
		return nil, bad
	}
	for _, w := range ws {
		a, b, isRange := strings.Cut(w, "-")
		da, ok := lookupDay(a)
		if !ok {
			return nil, bad
		}
		if !isRange {
			add(da)
			continue
		}
		db, ok := lookupDay(b)
		if !ok {
			return nil, bad
		}
		for d := da; ; d = (d + 1) % 7 {
			add(d)
			if d == db {
				break
			}
		}
	}
	return out, nil
}

func isDay(w string) bool { _, ok := lookupDay(w); return ok }

func lookupDay(w string) (time.Weekday, bool) {
	d, ok := dayNames[strings.TrimSuffix(w, ".")]
	return d, ok
}

// ParseWorkingTime reads days and hours together, or either alone:
// "mon-fri 9-18", "lun-ven 9h-18h", "9-18", "mon-fri".
func ParseWorkingTime(s string) (days []time.Weekday, from, to int, err error) {
	ws := strings.Fields(s)
	for _, w := range ws {
		if strings.ContainsAny(w, "0123456789") {
			if from, to, err = ParseHours(w); err != nil {
				return nil, 0, 0, err
			}
			continue
		}
		d, err := ParseDays(w)
		if err != nil {
			return nil, 0, 0, err
		}
		days = append(days, d...)
	}
	if len(ws) == 0 {
		return nil, 0, 0, bot.Errorf(bot.EINVALID, "working time is missing: write it like mon-fri 9-18")
	}
	return days, from, to, nil
}
