// Package events records what happens to contacts, as herald's event API
// takes it: validated whole, the contacts found (or made, when allowed),
// and recorded all or nothing with idempotency keys.
package events

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
)

// MaxBatch is the most events one request records.
const MaxBatch = 1000

// MaxFuture is how far in the future an event may say it occurred (clock
// skew between systems), no further.
const MaxFuture = 5 * time.Minute

// Input is one event as the API takes it.
type Input struct {
	// ID is the event's idempotency key (or the request's
	// Idempotency-Key header): the same key twice records one event.
	ID   string `json:"id,omitempty"`
	Type string `json:"type"`
	// Contact names who it happened to: an email, a platform address
	// (slack:U123, telegram:5001) or a web-chat respondent id.
	Contact    string            `json:"contact"`
	Attributes map[string]string `json:"attributes,omitempty"`
	OccurredAt *time.Time        `json:"occurred_at,omitempty"`
}

// Recorded is what became of one event: its id in the log, and whether
// its key had been recorded already.
type Recorded struct {
	ID        uint64 `json:"id"`
	Duplicate bool   `json:"duplicate,omitempty"`
}

// Problem is one bad field of one event (Index from 0).
type Problem struct {
	Index   int    `json:"index"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Invalid refuses a batch, listing every problem of every event.
type Invalid struct{ Problems []Problem }

func (e *Invalid) Error() string {
	var parts []string
	for _, p := range e.Problems {
		parts = append(parts, fmt.Sprintf("event %d: %s: %s", p.Index, p.Field, p.Message))
	}
	return "invalid events: " + strings.Join(parts, "; ")
}

// UnknownContact refuses a batch naming a contact herald does not know
// (and may not make: api.create_contacts).
type UnknownContact struct {
	Index   int
	Contact string
}

func (e *UnknownContact) Error() string {
	return fmt.Sprintf("event %d: herald knows no contact %q (set api.create_contacts: true to make one)", e.Index, e.Contact)
}

// Store is what the service reads and writes.
type Store interface {
	bot.ContactStore
	bot.EventRecorder
}

// Contacts makes a contact met at an address (contacts.Service).
type Contacts interface {
	Seen(ctx context.Context, a bot.Address, name, email string, r bot.Reachability) (*bot.Contact, error)
}

// Service records events. It is safe for concurrent use.
type Service struct {
	Store    Store
	Contacts Contacts
	Clock    bot.Clock
	// CreateContacts makes a contact for an address or email herald does
	// not know, rather than refusing the batch.
	CreateContacts bool
}

var typeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// reserved are herald's own event types: the API cannot post them.
var reserved = map[string]bool{
	string(bot.EventParticipantJoined): true, string(bot.EventMessageReceived): true, string(bot.EventStatusChanged): true,
	string(bot.EventTagAdded): true, string(bot.EventCampaignDone): true, string(bot.EventSendingFailed): true, string(bot.EventCustom): true,
}

// Record validates every event (a batch with any problem is refused
// whole, every problem listed: *Invalid), finds each contact
// (*UnknownContact when one is unknown and may not be made), and records
// them all in one transaction, keys scoped by scope (the API token).
func (s *Service) Record(ctx context.Context, scope string, in []Input) ([]Recorded, error) {
	if len(in) == 0 {
		return nil, &Invalid{Problems: []Problem{{Index: 0, Field: "events", Message: "no event given"}}}
	}
	if len(in) > MaxBatch {
		return nil, &Invalid{Problems: []Problem{{Index: MaxBatch, Field: "events", Message: fmt.Sprintf("at most %d events in one request, got %d", MaxBatch, len(in))}}}
	}
	now := s.Clock.Now()
	var problems []Problem
	bad := func(i int, field, format string, args ...any) {
		problems = append(problems, Problem{Index: i, Field: field, Message: fmt.Sprintf(format, args...)})
	}
	for i, e := range in {
		switch {
		case e.Type == "":
			bad(i, "type", "missing")
		case !typeRE.MatchString(e.Type):
			bad(i, "type", "%q is not a type: lower-case letters, digits, '_', '.' and '-', up to 64", e.Type)
		case reserved[e.Type]:
			bad(i, "type", "%q is one of herald's own events: name yours otherwise", e.Type)
		}
		if strings.TrimSpace(e.Contact) == "" {
			bad(i, "contact", "missing: an email, a platform address (slack:U123) or a respondent id")
		} else if len(e.Contact) > 320 {
			bad(i, "contact", "longer than 320 characters")
		}
		if len(e.ID) > 200 {
			bad(i, "id", "longer than 200 characters")
		}
		if len(e.Attributes) > 50 {
			bad(i, "attributes", "at most 50, got %d", len(e.Attributes))
		}
		for k, v := range e.Attributes {
			if k == "" || len(k) > 64 {
				bad(i, "attributes", "a name of 1 to 64 characters, got %q", k)
			}
			if len(v) > 1000 {
				bad(i, "attributes."+k, "longer than 1000 characters")
			}
		}
		if e.OccurredAt != nil && e.OccurredAt.After(now.Add(MaxFuture)) {
			bad(i, "occurred_at", "%s is more than 5 minutes in the future", e.OccurredAt.UTC().Format(time.RFC3339))
		}
	}
	if len(problems) > 0 {
		return nil, &Invalid{Problems: problems}
	}
	events := make([]*bot.Event, len(in))
	keys := make([]string, len(in))
	for i, e := range in {
		ct, addr, err := s.contact(ctx, strings.TrimSpace(e.Contact))
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return nil, &UnknownContact{Index: i, Contact: e.Contact}
		}
		if err != nil {
			return nil, err
		}
		ev := &bot.Event{Type: bot.EventCustom, Name: e.Type, ContactID: ct.ID, Subject: addr, Data: e.Attributes}
		if e.OccurredAt != nil {
			ev.At = e.OccurredAt.UTC()
		}
		events[i], keys[i] = ev, e.ID
	}
	dup, err := s.Store.RecordEvents(ctx, scope, events, keys)
	if err != nil {
		return nil, err
	}
	out := make([]Recorded, len(events))
	for i, e := range events {
		out[i] = Recorded{ID: e.Seq, Duplicate: dup[i]}
	}
	return out, nil
}

// contact finds who a contact reference names, making them when allowed:
// an email, a platform address, or a web-chat respondent id.
func (s *Service) contact(ctx context.Context, ref string) (*bot.Contact, bot.Address, error) {
	if p, id, ok := strings.Cut(ref, ":"); ok && bot.Platform(p).Valid() && id != "" {
		a := bot.Address{Platform: bot.Platform(p), ID: id}
		ct, err := s.Store.ContactByAddress(ctx, a)
		if bot.ErrorCode(err) == bot.ENOTFOUND && s.CreateContacts && s.Contacts != nil {
			ct, err = s.Contacts.Seen(ctx, a, "", "", bot.ReachUnknown)
		}
		return ct, a, err
	}
	if strings.Contains(ref, "@") {
		ct, err := s.Store.ContactByEmail(ctx, ref)
		if bot.ErrorCode(err) == bot.ENOTFOUND && s.CreateContacts && s.Contacts != nil {
			ct, err = s.Contacts.Seen(ctx, bot.Address{Platform: bot.PlatformEmail, ID: bot.NormalizeEmail(ref)}, "", bot.NormalizeEmail(ref), bot.ReachUnknown)
		}
		return ct, bot.Address{}, err
	}
	a := bot.Address{Platform: bot.PlatformWeb, ID: ref}
	ct, err := s.Store.ContactByAddress(ctx, a)
	return ct, a, err // a respondent id is herald's own: never made here
}
