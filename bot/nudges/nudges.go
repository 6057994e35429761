package nudges

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/personalize"
	"github.com/heraldchat/herald/bot/schedule"
)

// Store keeps what the nudge scheduler reads and writes. Each method
// is one transaction; implementations are safe for concurrent use.
type Store interface {
	// NudgeCursor returns the Seq of the last event the scheduler has
	// taken into account (0 at first).
	NudgeCursor(ctx context.Context) (uint64, error)
	// ScheduleNudges creates the sendings ss (each with its CampaignID
	// set) and sets the cursor to cursor, in one transaction, so that an
	// event is scheduled once whatever happens. A sending is left out (its
	// ID stays 0) when its campaign is not a running or paused nudge, or
	// when the nudge is once per contact and the contact (Source) already
	// has a sending of it.
	ScheduleNudges(ctx context.Context, cursor uint64, ss []*bot.Sending) error
	// LastEventSeq returns the Seq of the last event recorded (0 if none).
	LastEventSeq(ctx context.Context) (uint64, error)
	EventReader
}

// The sending attributes a firing keeps of its trigger, beside the
// event's own attributes (as "event.NAME", which {{event.NAME}} reads).
const (
	AttrTriggerSeq = "event.seq"
	AttrTriggerAt  = "event.at"
	attrPrefix     = "event."
)

// DefaultMaxLate is how overdue a firing may be found and still go, when
// the nudge does not say.
const DefaultMaxLate = time.Hour

// KeyColumn is the key column of a nudge's report: each sending is a
// contact, named by email when herald knows it.
const KeyColumn = "contact"

// Is reports whether event e is the event named name: its type, or for a
// custom event its name. Names are compared without regard to case.
func Is(name string, e *bot.Event) bool {
	if name == "" {
		return false
	}
	if strings.EqualFold(name, string(e.Type)) {
		return true
	}
	return e.Type == bot.EventCustom && strings.EqualFold(name, e.Name)
}

// Triggers reports whether e fires nudge n: its trigger, and every
// attribute n.Where names equal in e's data (values compared without
// regard to case). For a nudge that triggers on nudge completions, Where
// usually names the nudge ("nudge": "12").
func Triggers(n *bot.Nudge, e *bot.Event) bool {
	if !Is(n.Trigger, e) {
		return false
	}
	for k, v := range n.Where {
		if !strings.EqualFold(e.Data[k], v) {
			return false
		}
	}
	return true
}

// Validate checks a nudge as a moderator gives it; the error names what
// is wrong (EINVALID).
func Validate(n *bot.Nudge) error {
	if strings.TrimSpace(n.Trigger) == "" {
		return bot.Errorf(bot.EINVALID, "a nudge needs a trigger event").Translated("err.nudge.trigger")
	}
	d := n.Delay
	switch d.Unit {
	case bot.DelayMinute, bot.DelayHour, bot.DelayDay, bot.DelayWeek:
		if d.N < 0 || d.N > 3660 {
			return bot.Errorf(bot.EINVALID, "a delay of %d %ss is out of range (0 to 3660)", d.N, d.Unit).Translated("err.nudge.delay_range", d.N, d.Unit)
		}
		if d.AtSet && (d.Unit == bot.DelayMinute || d.Unit == bot.DelayHour) {
			return bot.Errorf(bot.EINVALID, "a time of day goes with days or weeks, not %ss", d.Unit).Translated("err.nudge.at_unit", d.Unit)
		}
	case bot.DelayWeekday:
		if d.Weekday < time.Sunday || d.Weekday > time.Saturday {
			return bot.Errorf(bot.EINVALID, "no such weekday").Translated("err.nudge.weekday")
		}
	default:
		return bot.Errorf(bot.EINVALID, "a delay needs a unit: minutes, hours, days or weeks").Translated("err.nudge.unit")
	}
	if d.AtSet && (d.At < 0 || d.At >= 24*60) {
		return bot.Errorf(bot.EINVALID, "a time of day is between 00:00 and 23:59").Translated("err.nudge.at_range")
	}
	if n.MaxLate < 0 {
		return bot.Errorf(bot.EINVALID, "max late cannot be negative").Translated("err.nudge.max_late")
	}
	return nil
}

// Location is the time zone a nudge's times are in for contact ct: the
// contact's own ("time_zone", "timezone" or "tz" attribute, an IANA name)
// when valid, else the campaign's schedule's, else UTC.
func Location(s bot.Schedule, ct *bot.Contact) *time.Location {
	if ct != nil {
		for _, k := range []string{"time_zone", "timezone", "tz"} {
			if name := strings.TrimSpace(ct.Attributes[k]); name != "" {
				if loc, err := time.LoadLocation(name); err == nil {
					return loc
				}
			}
		}
	}
	loc, err := schedule.Location(s)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Due is when a firing triggered at from goes, in loc: the delay added
// (days and weeks on the calendar, so that "3 days" keeps the time of day
// across a daylight-saving change), landed at the delay's time of day
// when it has one, then moved into the schedule's working days and hours
// (in loc too).
func Due(n *bot.Nudge, s bot.Schedule, from time.Time, loc *time.Location) time.Time {
	d := n.Delay
	local := from.In(loc)
	var t time.Time
	switch d.Unit {
	case bot.DelayMinute:
		t = from.Add(time.Duration(d.N) * time.Minute)
	case bot.DelayHour:
		t = from.Add(time.Duration(d.N) * time.Hour)
	case bot.DelayDay, bot.DelayWeek:
		days := d.N
		if d.Unit == bot.DelayWeek {
			days *= 7
		}
		t = local.AddDate(0, 0, days)
		if d.AtSet {
			y, m, dd := t.Date()
			t = time.Date(y, m, dd, 0, d.At, 0, 0, loc)
			if !t.After(from) {
				t = time.Date(y, m, dd+1, 0, d.At, 0, 0, loc) // "in 0 days at 9h" said at 15:00: tomorrow
			}
		}
	case bot.DelayWeekday:
		y, m, dd := local.Date()
		at := 0
		if d.AtSet {
			at = d.At
		}
		for i := 0; i <= 7; i++ {
			c := time.Date(y, m, dd+i, 0, at, 0, 0, loc)
			if c.Weekday() == d.Weekday && c.After(from) {
				t = c
				break
			}
		}
	default:
		t = from
	}
	s.TimeZone, s.Window = loc.String(), 0
	return schedule.PlannedAt(s, t.UTC(), "").UTC()
}

// Firing returns the sending nudge campaign c makes for contact ct when
// event e triggers it: scheduled at its due time, keyed by the contact's
// email (else its first address), carrying the contact's attributes and
// the event's (as event.NAME, with event.seq and event.at).
func Firing(c *bot.Campaign, e *bot.Event, ct *bot.Contact) *bot.Sending {
	attrs := make(map[string]string, len(ct.Attributes)+len(e.Data)+2)
	for k, v := range ct.Attributes {
		attrs[k] = v
	}
	if ct.Name != "" && attrs["name"] == "" {
		attrs["name"] = ct.Name
	}
	for k, v := range e.Data {
		attrs[attrPrefix+k] = v
	}
	attrs[AttrTriggerSeq] = strconv.FormatUint(e.Seq, 10)
	attrs[AttrTriggerAt] = e.At.UTC().Format(time.RFC3339Nano)
	due := Due(c.Nudge, c.Schedule, e.At, Location(c.Schedule, ct))
	return &bot.Sending{
		CampaignID: c.ID, Key: ContactKey(ct), Source: uint64(ct.ID), Attributes: attrs,
		State: bot.SendingScheduled, PlannedAt: due,
	}
}

// ContactKey names contact ct in a nudge's report: its email, else its
// first address, else its ID.
func ContactKey(ct *bot.Contact) string {
	switch {
	case ct.Email != "":
		return ct.Email
	case len(ct.Addresses) > 0:
		return ct.Addresses[0].Address.String()
	}
	return "contact:" + strconv.FormatUint(uint64(ct.ID), 10)
}

// EndedPrefix starts the reason of a firing skipped because the nudge's
// Until event happened: such a firing does not complete.
const EndedPrefix = "stopped: "

// trigger returns the Seq and time of the event that made s.
func trigger(s *bot.Sending) (uint64, time.Time) {
	seq, _ := strconv.ParseUint(s.Attributes[AttrTriggerSeq], 10, 64)
	at, _ := time.Parse(time.RFC3339Nano, s.Attributes[AttrTriggerAt])
	return seq, at
}

// EventReader reads a contact's events in order, a page at a time.
type EventReader interface {
	// ContactEvents returns up to limit events of contact id with Seq
	// greater than after, in order.
	ContactEvents(ctx context.Context, id bot.ContactID, after uint64, limit int) ([]*bot.Event, error)
}

// StoppedIn looks at what happened to the contact of sending s (its
// Source), as events holds it, and says whether the firing must not go:
// reason names the event, and end is set when it is the nudge's Until
// (the nudge ends for the contact, without completing); otherwise a Block
// event stops this firing only (with BlockSinceTrigger, one after the
// trigger). An Until at any time wins over a Block.
//
// It reads page events at a time (page <= 0: all at once) and no more
// than the answer needs: nothing when n has no Block nor Until, from the
// trigger on when only a Block since the trigger can stop the firing, and
// up to the first event that settles it. A contact's whole history is
// never held at once. Each page is a read of its own: an event recorded
// meanwhile may be seen, never one twice.
func StoppedIn(ctx context.Context, events EventReader, n *bot.Nudge, s *bot.Sending, page int) (reason string, end bool, err error) {
	if n.Block == "" && n.Until == "" {
		return "", false, nil
	}
	st := newStopScan(n, s)
	after := uint64(0)
	if n.Until == "" && n.BlockSinceTrigger {
		after = st.seq // what came before the trigger cannot block
	}
	for {
		evs, err := events.ContactEvents(ctx, bot.ContactID(s.Source), after, page)
		if err != nil {
			return "", false, err
		}
		for _, e := range evs {
			if st.see(e) {
				return st.reason, st.end, nil
			}
		}
		if page <= 0 || len(evs) < page {
			return st.reason, st.end, nil
		}
		after = evs[len(evs)-1].Seq
	}
}

// stopScan is StoppedIn's verdict as the events go by.
type stopScan struct {
	n      *bot.Nudge
	seq    uint64 // the trigger's
	reason string
	end    bool
}

func newStopScan(n *bot.Nudge, s *bot.Sending) *stopScan {
	seq, _ := trigger(s)
	return &stopScan{n: n, seq: seq}
}

// see takes the next event and reports whether the verdict is settled:
// an Until, or a Block when the nudge has no Until (a later Until would
// otherwise win).
func (st *stopScan) see(e *bot.Event) bool {
	n := st.n
	if n.Until != "" && Is(n.Until, e) {
		st.reason, st.end = EndedPrefix+n.Until+" happened", true
		return true
	}
	if st.reason == "" && n.Block != "" && Is(n.Block, e) && (!n.BlockSinceTrigger || e.Seq > st.seq) {
		st.reason = "blocked: " + n.Block + " happened"
		if n.BlockSinceTrigger {
			st.reason = "blocked: " + n.Block + " happened since the trigger"
		}
	}
	return st.reason != "" && n.Until == ""
}

// Completes reports whether sending s, final, completes its nudge: sent,
// or any outcome but an Until when the nudge completes on its delay.
func Completes(n *bot.Nudge, s *bot.Sending, ended bool) bool {
	if s.State == bot.SendingSent {
		return true
	}
	return n.CompleteOnDelay && s.State.Final() && !ended
}

// Completion is the event recorded when sending s of nudge campaign c
// completes, at.
func Completion(c *bot.Campaign, s *bot.Sending, at time.Time) *bot.Event {
	data := map[string]string{
		"nudge": strconv.FormatUint(uint64(c.ID), 10),
		"name":  c.Name,
		"sent":  strconv.FormatBool(s.State == bot.SendingSent),
	}
	return &bot.Event{
		Type: bot.EventNudgeCompleted, At: at, ContactID: bot.ContactID(s.Source),
		Subject: s.Address, CampaignID: c.ID, Data: data,
	}
}

// Copy is the post that tells nudge c's CopyTo of sending s, sent at at:
// CopyText with the contact's and the event's values ({{contact}} is
// whom it went to). A value the sending lacks shows as "?". It is bulk
// traffic: what moderators and participants wait for goes first.
func Copy(c *bot.Campaign, s *bot.Sending, at time.Time) *bot.Outgoing {
	attrs := make(map[string]string, len(s.Attributes)+1)
	for k, v := range s.Attributes {
		attrs[k] = v
	}
	m := bot.Message{Kind: bot.KindMessage, Text: c.Nudge.CopyText}
	probe := &bot.Sending{Key: s.Key, Attributes: attrs}
	for _, missing := range personalize.Missing(c, probe, personalize.Placeholders(m)) {
		attrs[strings.Trim(missing, "{}[]% ")] = "?"
	}
	if out, err := personalize.Message(m, personalize.NewVars(c.KeyColumn, s.Key, attrs, c.Defaults, at)); err == nil {
		m = out
	}
	return &bot.Outgoing{Class: bot.ClassBulk, Kind: bot.OutgoingMessage, Platform: c.Nudge.CopyTo.Platform,
		To: c.Nudge.CopyTo, Lane: "nudge-copy:" + c.Nudge.CopyTo.String(), Message: m}
}

// Signed is m as nudge n sends it: under the name of the moderator it
// goes out as (n.From), or as herald's own when none.
func Signed(n *bot.Nudge, m bot.Message) bot.Message {
	if n.From == "" || m.Text == "" {
		return m
	}
	m.Text = n.From + ": " + m.Text
	return m
}
