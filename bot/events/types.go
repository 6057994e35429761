package events

import (
	"context"
	"time"

	"github.com/heraldchat/herald/bot"
)

// KeyTTL is how long an event's idempotency key is remembered: the
// same key again within it records nothing new.
const KeyTTL = 7 * 24 * time.Hour

// Recorder records events that come with idempotency keys (the
// event API).
type Recorder interface {
	// RecordEvents appends events in one transaction, all or nothing,
	// setting their Seq. keys[i] ("" for none) is events[i]'s key, scoped
	// by scope (the API token): a key recorded within KeyTTL is not
	// appended again — events[i].Seq is then the first one's and dup[i]
	// is true; a key twice in one call counts once.
	RecordEvents(ctx context.Context, scope string, events []*bot.Event, keys []string) (dup []bool, err error)
}

// The attributes that describe a contact's own event (a session they
// registered to): its name, and when it starts and ends (RFC 3339, or
// "2006-01-02 15:04" in UTC).
const (
	Attr      = "event"
	AttrStart = "event_start"
	AttrEnd   = "event_end"
)
