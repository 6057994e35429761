// Package events records what happens to contacts, as herald's event API
// takes it: validated whole, the contacts found (or made, when allowed),
// and recorded all or nothing with idempotency keys.
package events

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/contacts"
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

// Invalid refuses a batch, listing every problem of every event. Record
// returns it wrapped in a *bot.Error of code EINVALID.
type Invalid struct{ Problems []Problem }

// invalid is the error that refuses a batch for problems.
func invalid(problems []Problem) error {
	inv := &Invalid{Problems: problems}
	return &bot.Error{Code: bot.EINVALID, Message: inv.Error(), Err: inv}
}

func (e *Invalid) Error() string {
	var parts []string
	for _, p := range e.Problems {
		parts = append(parts, fmt.Sprintf("event %d: %s: %s", p.Index, p.Field, p.Message))
	}
	return "invalid events: " + strings.Join(parts, "; ")
}

// UnknownContact refuses a batch naming a contact herald does not know
// (and may not make: api.create_contacts). Record returns it wrapped in a
// *bot.Error of code ENOTFOUND.
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
	Recorder
}

// Contacts makes a contact met at an address (contacts.Service).
type Contacts interface {
	Seen(ctx context.Context, a bot.Address, name, email string, r bot.Reachability) (*bot.Contact, error)
}

// Service records events. It is safe for concurrent use.
type Service struct {
	Store    Store
	Contacts Contacts
	Clock    clock.Clock
	// CreateContacts makes a contact for an address or email herald does
	// not know, rather than refusing the batch.
	CreateContacts bool
	// Notify, when set, is called after events are recorded (the nudge
	// scheduler reads them at once rather than at its next poll); it must
	// not block.
	Notify func()
}

var typeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// reserved are herald's own event types: the API cannot post them.
var reserved = map[string]bool{
	string(bot.EventParticipantJoined): true, string(bot.EventMessageReceived): true, string(bot.EventStatusChanged): true,
	string(bot.EventTagAdded): true, string(bot.EventTagRemoved): true, string(bot.EventConversationOpen): true, string(bot.EventCampaignDone): true, string(bot.EventSendingFailed): true, string(bot.EventCustom): true,
	string(bot.EventNudgeCompleted): true, string(bot.EventCampaignSent): true,
	string(bot.EventReplySent): true, string(bot.EventNoteAdded): true, string(bot.EventDraftAdded): true, string(bot.EventDraftEdited): true,
	string(bot.EventDraftDiscarded): true, string(bot.EventSurveyAnswered): true, string(bot.EventRecipeAction): true,
}

// Record validates every event (a batch with any problem is refused
// whole, every problem listed: a *bot.Error EINVALID wrapping *Invalid),
// finds each contact (ENOTFOUND wrapping *UnknownContact when one is
// unknown and may not be made), and records
// them all in one transaction, keys scoped by scope (the API token).
func (s *Service) Record(ctx context.Context, scope string, in []Input) ([]Recorded, error) {
	if len(in) == 0 {
		return nil, invalid([]Problem{{Index: 0, Field: "events", Message: "no event given"}})
	}
	if len(in) > MaxBatch {
		return nil, invalid([]Problem{{Index: MaxBatch, Field: "events", Message: fmt.Sprintf("at most %d events in one request, got %d", MaxBatch, len(in))}})
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
		return nil, invalid(problems)
	}
	// Every contact is found before any is made: a batch refused for an
	// unknown one makes none.
	found := make([]*bot.Contact, len(in))
	addrs := make([]bot.Address, len(in))
	var missing []int
	for i, e := range in {
		ct, addr, err := s.find(ctx, strings.TrimSpace(e.Contact))
		addrs[i] = addr
		switch {
		case bot.ErrorCode(err) == bot.ENOTFOUND && s.CreateContacts && s.Contacts != nil && addr.Platform != bot.PlatformWeb:
			missing = append(missing, i)
		case bot.ErrorCode(err) == bot.ENOTFOUND:
			u := &UnknownContact{Index: i, Contact: e.Contact}
			return nil, &bot.Error{Code: bot.ENOTFOUND, Message: u.Error(), Err: u}
		case err != nil:
			return nil, err
		default:
			found[i] = ct
		}
	}
	for _, i := range missing {
		ct, err := s.make(ctx, strings.TrimSpace(in[i].Contact), addrs[i])
		if err != nil {
			return nil, err
		}
		found[i] = ct
	}
	events := make([]*bot.Event, len(in))
	keys := make([]string, len(in))
	for i, e := range in {
		ct, addr := found[i], addrs[i]
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
	if s.Notify != nil {
		s.Notify()
	}
	// What an event says of the contact's own event (a session they
	// registered to) becomes theirs: their thread's head card shows it,
	// and replies after its end go by email. Done for duplicates too, so
	// that a request sent again after a failure here completes it.
	// One write per contact: a contact's later events override its
	// earlier ones.
	var order []bot.ContactID
	merged := map[bot.ContactID]map[string]string{}
	for i, e := range in {
		id := events[i].ContactID
		for _, k := range ContactAttributes {
			v, ok := e.Attributes[k]
			if !ok || id == 0 {
				continue
			}
			if merged[id] == nil {
				merged[id] = map[string]string{}
				order = append(order, id)
			}
			merged[id][k] = v
		}
	}
	for _, id := range order {
		if err := s.assign(ctx, id, merged[id]); err != nil {
			return nil, err
		}
	}
	out := make([]Recorded, len(events))
	for i, e := range events {
		out[i] = Recorded{ID: e.Seq, Duplicate: dup[i]}
	}
	return out, nil
}

// ContactAttributes are the event attributes that describe the contact's
// own event and are kept on the contact: its name, start and end
// (RFC 3339, or "2006-01-02 15:04" in UTC).
var ContactAttributes = []string{Attr, AttrStart, AttrEnd}

// assign sets on contact id the attributes of set (those that describe
// their event), in one write.
func (s *Service) assign(ctx context.Context, id bot.ContactID, set map[string]string) error {
	_, err := s.Store.UpdateContact(ctx, id, func(c *bot.Contact) error {
		if c.Attributes == nil {
			c.Attributes = map[string]string{}
		}
		maps.Copy(c.Attributes, set)
		return nil
	})
	return err
}

// find returns who a contact reference names, and the address it names
// (zero for an email; web for a bare respondent id): an email, a
// platform address, or a web-chat respondent id. ENOTFOUND when herald
// does not know them.
func (s *Service) find(ctx context.Context, ref string) (*bot.Contact, bot.Address, error) {
	if p, id, ok := strings.Cut(ref, ":"); ok && bot.Platform(p).Valid() && id != "" {
		a := bot.Address{Platform: bot.Platform(p), ID: id}
		ct, err := s.Store.ContactByAddress(ctx, a)
		return ct, a, err
	}
	if strings.Contains(ref, "@") {
		ct, err := s.Store.ContactByEmail(ctx, ref)
		return ct, bot.Address{}, err
	}
	a := bot.Address{Platform: bot.PlatformWeb, ID: ref}
	ct, err := s.Store.ContactByAddress(ctx, a)
	return ct, a, err
}

// make records a contact herald did not know (api.create_contacts): at a
// platform address, or by email. Web-chat respondents are never made
// here: herald makes their ids itself.
func (s *Service) make(ctx context.Context, ref string, addr bot.Address) (*bot.Contact, error) {
	if !addr.IsZero() {
		return s.Contacts.Seen(ctx, addr, "", "", bot.ReachUnknown)
	}
	email := contacts.NormalizeEmail(ref)
	return s.Contacts.Seen(ctx, bot.Address{Platform: bot.PlatformEmail, ID: email}, "", email, bot.ReachUnknown)
}
