package commands

import (
	"context"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/schedule"
)

// The business-hours calendars recipes run by.

func (h *handlers) calendars() (schedule.CalendarStore, error) {
	if h.deps.Calendars == nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "calendars are not set up on this herald")
	}
	return h.deps.Calendars, nil
}

// ParseCalendar reads a calendar's parts into c: [tz ZONE] DAYS HOURS
// [DAYS HOURS…] [closed DATE,DATE] (fermé). Days and hours go in pairs,
// one pair per opening span ("mon-fri 9-12 mon-fri 13-18 sat 10-14");
// hours alone open every day. A part given replaces that part of c: the
// spans all together, the zone, the closed dates.
func ParseCalendar(s string, c *schedule.Calendar) error {
	ws := strings.Fields(s)
	var spans []bot.Schedule
	var days []time.Weekday
	daysSet := false
	for i := 0; i < len(ws); i++ {
		w := strings.ToLower(ws[i])
		switch {
		case w == "tz" || w == "fuseau":
			if i+1 == len(ws) {
				return argErrorT(TextErrCalTZ)
			}
			c.TimeZone = ws[i+1]
			i++
		case w == "closed" || w == "fermé" || w == "ferme":
			if i+1 == len(ws) {
				return argErrorT(TextErrCalClosed)
			}
			c.Closed = nil
			for _, d := range strings.Split(ws[i+1], ",") {
				if d = strings.TrimSpace(d); d != "" {
					c.Closed = append(c.Closed, d)
				}
			}
			i++
		case strings.ContainsAny(w, "0123456789"):
			from, to, err := ParseHours(w)
			if err != nil {
				return err
			}
			spans = append(spans, bot.Schedule{Days: days, HoursFrom: from, HoursTo: to})
			days, daysSet = nil, false
		default:
			d, err := ParseDays(w)
			if err != nil {
				return err
			}
			if daysSet {
				return argErrorT(TextErrCalDays, ws[i])
			}
			days, daysSet = d, true
		}
	}
	if daysSet {
		return argErrorT(TextErrCalEnd)
	}
	if len(spans) > 0 {
		c.Hours = spans
	}
	return schedule.ValidateCalendar(c)
}

func (h *handlers) calendarNew(edit bool) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		cs, err := h.calendars()
		if err != nil {
			return err
		}
		name := r.Args[0]
		c := &schedule.Calendar{Name: name}
		if old, err := cs.Calendar(ctx, name); err == nil {
			if !edit {
				return bot.Errorf(bot.ECONFLICT, "a calendar is already named %s: `calendar edit %s …` changes it", name, name).Translated("err.calendar.exists", name)
			}
			c = old
		} else if edit || bot.ErrorCode(err) != bot.ENOTFOUND {
			return err
		}
		if err := ParseCalendar(restAfter(r.Rest, 1), c); err != nil {
			return err
		}
		c.UpdatedAt, c.UpdatedBy = h.deps.Clock.Now().UTC(), r.Actor
		if err := cs.PutCalendar(ctx, c); err != nil {
			return err
		}
		w.Text(bot.KindSuccess, h.text.T(TextCalendarSaved, c.Name, h.calendarText(c)))
		return nil
	}
}

func (h *handlers) calendarText(c *schedule.Calendar) string {
	var parts []string
	for _, s := range c.Hours {
		parts = append(parts, workingTime(s, h.text.Locale()))
	}
	out := strings.Join(parts, " · ")
	if len(c.Closed) > 0 {
		out += " · " + workingTime(bot.Schedule{Closed: c.Closed}, h.text.Locale())
	}
	if c.TimeZone != "" {
		out += " · " + c.TimeZone
	}
	return out
}

func (h *handlers) calendarList(ctx context.Context, w *Reply, r *Request) error {
	cs, err := h.calendars()
	if err != nil {
		return err
	}
	all, err := cs.Calendars(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		w.Text(bot.KindIdea, h.text.T(TextCalendarNone))
		return nil
	}
	var lines []string
	for _, c := range all {
		lines = append(lines, "• *"+c.Name+"* · "+h.calendarText(c))
	}
	w.Text(bot.KindMessage, strings.Join(lines, "\n"))
	return nil
}

func (h *handlers) calendarDelete(ctx context.Context, w *Reply, r *Request) error {
	cs, err := h.calendars()
	if err != nil {
		return err
	}
	if err := cs.DeleteCalendar(ctx, r.Args[0]); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextCalendarDeleted, r.Args[0]))
	return nil
}

// recipeHours reads: recipe hours ID always|during CAL|outside CAL
// (toujours, pendant, hors).
func (h *handlers) recipeHours(ctx context.Context, rs Recipes, id bot.RecipeID, w *Reply, r *Request) error {
	args := r.Args[1:]
	how := map[string]string{"always": "", "toujours": "", "during": "during", "pendant": "during", "outside": "outside", "hors": "outside"}
	mode, ok := how[strings.ToLower(args[0])]
	if !ok || (mode == "") != (len(args) == 1) || len(args) > 2 {
		return argErrorT(TextErrRecipeHours)
	}
	cal := ""
	if mode != "" {
		cal = args[1]
	}
	rc, err := rs.SetHours(ctx, id, mode, cal, r.Actor)
	if err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextRecipeSet, rc.ID, h.recipeText(rc)))
	return nil
}
