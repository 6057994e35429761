package commands

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
)

// ParseNudgeRule reads a nudge's rule as moderators write it, in English
// or French:
//
//	signed_up in 3 days at 9h unless activity_completed since trigger
//	signed_up where course=go101 after 2 hours each time
//	nudge:12 next monday at 9:00 until unsubscribed complete on delay
//	inscrit dans 3 jours à 9h sauf activite_terminee depuis le declencheur
//	relance:12 lundi prochain à 9h jusqu'à desinscrit fini au delai
//
// The first word is the trigger event (an event type, a custom event's
// name, or nudge:ID for another nudge's completion); then, in any order:
// where K=V (the event's attributes), the delay (in/after/dans/après N
// units [at HH:MM], next WEEKDAY [at HH:MM], or immediately), unless EVENT [since
// trigger], until EVENT, once or each time, complete on send|delay, and
// max-late DURATION. It returns an EINVALID error naming what it could not
// read.
func ParseNudgeRule(s string) (bot.Nudge, error) {
	ws := words(s)
	// Attribute names and values are kept as written (words folds case
	// and accents): courseId=Go101 matches an event's courseId.
	raw := map[string]string{}
	for _, tok := range strings.Fields(s) {
		if strings.Contains(tok, "=") {
			if f := words(tok); len(f) == 1 {
				raw[f[0]] = strings.Trim(tok, ",")
			}
		}
	}
	var n bot.Nudge
	if len(ws) == 0 {
		return n, argErrorT(TextErrNudgeRule, s)
	}
	trigger := ws[0]
	ws = ws[1:]
	if name, id, ok := strings.Cut(trigger, ":"); ok && (name == "nudge" || name == "relance") {
		cid, err := campaignID(id)
		if err != nil {
			return n, err
		}
		n.Trigger, n.Where = string(bot.EventNudgeCompleted), map[string]string{"nudge": strconv.FormatUint(uint64(cid), 10)}
	} else if (trigger == "nudge" || trigger == "relance") && len(ws) > 0 {
		cid, err := campaignID(ws[0])
		if err != nil {
			return n, err
		}
		n.Trigger, n.Where = string(bot.EventNudgeCompleted), map[string]string{"nudge": strconv.FormatUint(uint64(cid), 10)}
		ws = ws[1:]
	} else {
		n.Trigger = trigger
	}
	delay := false
	for len(ws) > 0 {
		w := ws[0]
		ws = ws[1:]
		switch w {
		case "where", "si", "with", "avec":
			for len(ws) > 0 && strings.Contains(ws[0], "=") {
				tok := ws[0]
				if r, ok := raw[tok]; ok {
					tok = r
				}
				k, v, _ := strings.Cut(tok, "=")
				if k == "" {
					return n, argErrorT(TextErrNudgeRule, ws[0])
				}
				if n.Where == nil {
					n.Where = map[string]string{}
				}
				n.Where[k] = v
				ws = ws[1:]
			}
		case "in", "after", "dans", "apres", "wait", "attendre":
			d, rest, err := readDelay(ws)
			if err != nil {
				return n, err
			}
			n.Delay, ws, delay = d, rest, true
		case "immediately", "immediatement", "aussitot":
			n.Delay, delay = bot.Delay{Unit: bot.DelayMinute}, true
		case "next", "prochain":
			if len(ws) == 0 {
				return n, argErrorT(TextErrNudgeRule, w)
			}
			day, ok := lookupDay(ws[0])
			if !ok {
				return n, argErrorT(TextErrNudgeRule, ws[0])
			}
			n.Delay, ws, delay = bot.Delay{Unit: bot.DelayWeekday, Weekday: day}, ws[1:], true
			ws = readAt(&n.Delay, ws)
		case "unless", "sauf", "blocked", "bloque":
			if len(ws) == 0 {
				return n, argErrorT(TextErrNudgeRule, w)
			}
			n.Block, ws = ws[0], ws[1:]
			if rest, ok := cutWords(ws, "since trigger", "since the trigger", "depuis declencheur", "depuis le declencheur"); ok {
				n.BlockSinceTrigger, ws = true, rest
			}
		case "until", "jusqu'a", "jusqua":
			if len(ws) == 0 {
				return n, argErrorT(TextErrNudgeRule, w)
			}
			n.Until, ws = ws[0], ws[1:]
		case "once", "une":
			n.EachTime = false
			if w == "une" {
				ws = skip(ws, "fois")
			}
		case "each", "a", "every-time":
			rest, ok := cutWords(append([]string{w}, ws...), "each time", "a chaque fois", "every-time")
			if !ok {
				return n, argErrorT(TextErrNudgeRule, w)
			}
			n.EachTime, ws = true, rest
		case "complete", "completed", "done", "fini", "termine", "acheve":
			ws = skip(ws, "on", "when", "a", "au")
			if len(ws) == 0 {
				return n, argErrorT(TextErrNudgeRule, w)
			}
			switch ws[0] {
			case "send", "sent", "envoi", "l'envoi":
				n.CompleteOnDelay = false
			case "delay", "delai", "timeout":
				n.CompleteOnDelay = true
			default:
				return n, argErrorT(TextErrNudgeRule, ws[0])
			}
			ws = ws[1:]
		case "max-late", "retard-max", "max_late":
			if len(ws) == 0 {
				return n, argErrorT(TextErrNudgeRule, w)
			}
			d, err := ParseDuration(ws[0])
			if err != nil {
				return n, err
			}
			n.MaxLate, ws = d, ws[1:]
		default:
			if day, ok := lookupDay(w); ok && len(ws) > 0 && ws[0] == "prochain" {
				n.Delay, ws, delay = bot.Delay{Unit: bot.DelayWeekday, Weekday: day}, ws[1:], true
				ws = readAt(&n.Delay, ws)
				continue
			}
			return n, argErrorT(TextErrNudgeRule, w)
		}
	}
	if !delay {
		return n, argErrorT(TextErrNudgeDelay, s)
	}
	return n, nil
}

// delayUnits maps the words of a delay's unit to it.
var delayUnits = map[string]bot.DelayUnit{
	"m": bot.DelayMinute, "min": bot.DelayMinute, "mins": bot.DelayMinute, "mn": bot.DelayMinute, "minute": bot.DelayMinute, "minutes": bot.DelayMinute,
	"h": bot.DelayHour, "hr": bot.DelayHour, "hrs": bot.DelayHour, "hour": bot.DelayHour, "hours": bot.DelayHour, "heure": bot.DelayHour, "heures": bot.DelayHour,
	"d": bot.DelayDay, "day": bot.DelayDay, "days": bot.DelayDay, "j": bot.DelayDay, "jour": bot.DelayDay, "jours": bot.DelayDay,
	"w": bot.DelayWeek, "week": bot.DelayWeek, "weeks": bot.DelayWeek, "semaine": bot.DelayWeek, "semaines": bot.DelayWeek,
}

// readDelay reads "3 days [at 9h]" or "3d" from ws and returns the rest.
func readDelay(ws []string) (bot.Delay, []string, error) {
	var d bot.Delay
	if len(ws) == 0 {
		return d, nil, argErrorT(TextErrNudgeDelay, "")
	}
	num, unit := ws[0], ""
	i := 0
	for i < len(num) && num[i] >= '0' && num[i] <= '9' {
		i++
	}
	num, unit = num[:i], num[i:]
	ws = ws[1:]
	if unit == "" && len(ws) > 0 {
		unit, ws = ws[0], ws[1:]
	}
	n, err := strconv.Atoi(num)
	u, ok := delayUnits[unit]
	if err != nil || !ok {
		return d, nil, argErrorT(TextErrNudgeDelay, strings.TrimSpace(num+" "+unit))
	}
	d.N, d.Unit = n, u
	return d, readAt(&d, ws), nil
}

// readAt reads "at 9h" / "à 9h" into d when ws starts with it.
func readAt(d *bot.Delay, ws []string) []string {
	if len(ws) >= 2 && (ws[0] == "at" || ws[0] == "a") {
		if m, ok := parseClock(ws[1]); ok && m < 24*60 {
			d.At, d.AtSet = m, true
			return ws[2:]
		}
	}
	return ws
}

// cutWords reports whether ws starts with one of the phrases and returns
// what follows it.
func cutWords(ws []string, phrases ...string) ([]string, bool) {
	for _, p := range phrases {
		pw := strings.Fields(p)
		if len(ws) >= len(pw) && strings.Join(ws[:len(pw)], " ") == p {
			return ws[len(pw):], true
		}
	}
	return ws, false
}

// skip drops the leading words of ws that are among noise.
func skip(ws []string, noise ...string) []string {
	for len(ws) > 0 {
		found := false
		for _, n := range noise {
			if ws[0] == n {
				found = true
			}
		}
		if !found {
			return ws
		}
		ws = ws[1:]
	}
	return ws
}

// NudgeRuleText writes nudge n back as ParseNudgeRule reads it, in the
// locale's words, so that a moderator sees (and can copy) what herald
// understood.
func NudgeRuleText(n *bot.Nudge, l Locale) string {
	fr := l == LocaleFrench
	say := func(en, french string) string {
		if fr {
			return french
		}
		return en
	}
	var b strings.Builder
	if n.Trigger == string(bot.EventNudgeCompleted) && n.Where["nudge"] != "" && len(n.Where) == 1 {
		b.WriteString(say("nudge:", "relance:") + n.Where["nudge"])
	} else {
		b.WriteString(n.Trigger)
		if len(n.Where) > 0 {
			keys := make([]string, 0, len(n.Where))
			for k := range n.Where {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			b.WriteString(say(" where", " si"))
			for _, k := range keys {
				b.WriteString(" " + k + "=" + n.Where[k])
			}
		}
	}
	d := n.Delay
	if d.Unit == bot.DelayWeekday {
		if fr {
			b.WriteString(" " + frenchWeekdays[d.Weekday] + " prochain")
		} else {
			b.WriteString(" next " + strings.ToLower(d.Weekday.String()))
		}
	} else if d.Unit == bot.DelayMinute && d.N == 0 {
		b.WriteString(say(" immediately", " immédiatement"))
	} else {
		unit := string(d.Unit)
		if fr {
			unit = map[bot.DelayUnit]string{bot.DelayMinute: "minute", bot.DelayHour: "heure", bot.DelayDay: "jour", bot.DelayWeek: "semaine"}[d.Unit]
		}
		if d.N != 1 {
			unit += "s"
		}
		b.WriteString(say(" in ", " dans ") + strconv.Itoa(d.N) + " " + unit)
	}
	if d.AtSet {
		b.WriteString(say(" at ", " à ") + time.Date(0, 1, 1, 0, d.At, 0, 0, time.UTC).Format("15:04"))
	}
	if n.Block != "" {
		b.WriteString(say(" unless ", " sauf ") + n.Block)
		if n.BlockSinceTrigger {
			b.WriteString(say(" since trigger", " depuis le déclencheur"))
		}
	}
	if n.Until != "" {
		b.WriteString(say(" until ", " jusqu'à ") + n.Until)
	}
	if n.EachTime {
		b.WriteString(say(" each time", " à chaque fois"))
	} else {
		b.WriteString(say(" once", " une fois"))
	}
	if n.CompleteOnDelay {
		b.WriteString(say(" complete on delay", " fini au délai"))
	} else {
		b.WriteString(say(" complete on send", " fini à l'envoi"))
	}
	if n.MaxLate > 0 {
		b.WriteString(say(" max-late ", " retard-max ") + n.MaxLate.String())
	}
	return b.String()
}

// frenchWeekdays names the weekdays in French.
var frenchWeekdays = [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
