package bot

import (
	"time"
)

// Nudge makes a campaign a scheduled message: each time its trigger event
// happens to a contact, one sending to that contact is scheduled a delay
// later, with the campaign's message, schedule (time zone, working hours,
// retries) and report. A nudge campaign runs while it is enabled (paused
// when disabled) and is never done; package nudges computes its times.
type Nudge struct {
	// Trigger is the event that starts the delay: an EventType, or the
	// name of a custom event.
	Trigger string `json:"trigger"`
	// Where, when set, must all equal the trigger event's attributes.
	Where map[string]string `json:"where,omitempty"`
	// Delay is how long after the trigger the message goes.
	Delay Delay `json:"delay"`
	// Block, when set, is an event that stops the message if it happened
	// to the contact before the due time: at any time, or only since the
	// trigger when BlockSinceTrigger is set. The nudge still completes
	// when CompleteOnDelay is set.
	Block             string `json:"block,omitempty"`
	BlockSinceTrigger bool   `json:"block_since_trigger,omitempty"`
	// Until, when set, is an event that ends the nudge for a contact: once
	// it has happened to them, nothing more is sent and nothing completes
	// (a weekly newsletter until "unsubscribed").
	Until string `json:"until,omitempty"`
	// EachTime schedules a sending for every occurrence of the trigger;
	// otherwise a contact gets the nudge once.
	EachTime bool `json:"each_time,omitempty"`
	// CompleteOnDelay completes the nudge when its delay is up, sent or
	// not; otherwise it completes when sent. Completion records an
	// EventNudgeCompleted, which other nudges (or this one) trigger on.
	CompleteOnDelay bool `json:"complete_on_delay,omitempty"`
	// MaxLate skips a firing found more than this overdue (after an
	// outage, or for a backfill of old events); 0 means the engine's
	// default.
	MaxLate time.Duration `json:"max_late,omitempty"`
	// From, when set, is the moderator the message goes out as (its text
	// starts with their name, as replies in threads do); empty: herald.
	From string `json:"from,omitempty"`
	// CopyTo, when set, is told of each firing sent (a moderator, or a
	// channel): CopyText, personalised as the message is ("the reminder
	// went to {{name}}"), goes there through the outbox.
	CopyTo   Address `json:"copy_to,omitzero"`
	CopyText string  `json:"copy_text,omitempty"`
	// Since is the last event recorded before the nudge was enabled (or
	// resumed): it fires on later events only. The engine sets it.
	Since uint64 `json:"since,omitempty"`
}

// Delay is a nudge's wait: N units, optionally landing at a time of day
// ("3 days at 9:00"), or the next given weekday at a time of day.
type Delay struct {
	N    int       `json:"n,omitempty"`
	Unit DelayUnit `json:"unit,omitempty"`
	// At is the time of day, in minutes after midnight, when AtSet.
	At    int  `json:"at,omitempty"`
	AtSet bool `json:"at_set,omitempty"`
	// Weekday, when Unit is DelayWeekday, is the day the message goes.
	Weekday time.Weekday `json:"weekday,omitempty"`
}

// DelayUnit is the unit of a Delay.
type DelayUnit string

// The delay units; DelayWeekday means "next Weekday at At".
const (
	DelayMinute  DelayUnit = "minute"
	DelayHour    DelayUnit = "hour"
	DelayDay     DelayUnit = "day"
	DelayWeek    DelayUnit = "week"
	DelayWeekday DelayUnit = "weekday"
)
