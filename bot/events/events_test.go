package events_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/events"
)

// TestRecordKeepsTheContactsEvent: the event attributes that describe the
// contact's own event become the contact's; others stay the event's.
func TestRecordKeepsTheContactsEvent(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	db := bottest.NewStore(clock)
	people := &contacts.Service{Store: db, Clock: clock}
	ana := bot.Address{Platform: bot.PlatformTelegram, ID: "42"}
	if _, err := people.Seen(ctx, ana, "Ana", "ana@example.org", bot.ReachReachable); err != nil {
		t.Fatal(err)
	}
	svc := &events.Service{Store: db, Contacts: people, Clock: clock}
	out, err := svc.Record(ctx, "t1", []events.Input{{ID: "k", Type: "registered", Contact: "ana@example.org",
		Attributes: map[string]string{"event": "Spring webinar", "event_end": "2026-12-01T11:30:00Z", "source": "form"}}})
	if err != nil || len(out) != 1 || out[0].ID == 0 {
		t.Fatalf("record: %+v %v", out, err)
	}
	ct, _ := db.ContactByAddress(ctx, ana)
	if ct.Attributes["event"] != "Spring webinar" || ct.Attributes["event_end"] != "2026-12-01T11:30:00Z" || ct.Attributes["source"] != "" {
		t.Fatalf("the contact's attributes: %v", ct.Attributes)
	}
	if end, ok := events.EventTime(ct, events.AttrEnd); !ok || !end.Equal(time.Date(2026, 12, 1, 11, 30, 0, 0, time.UTC)) {
		t.Fatalf("event end: %v %v", end, ok)
	}
	// Unknown contacts: refused, or made when allowed.
	_, err = svc.Record(ctx, "t1", []events.Input{{Type: "x", Contact: "bo@example.org"}})
	var unknown *events.UnknownContact
	if !errors.As(err, &unknown) || unknown.Contact != "bo@example.org" {
		t.Fatalf("an unknown contact: %v", err)
	}
	svc.CreateContacts = true
	if _, err := svc.Record(ctx, "t1", []events.Input{{Type: "x", Contact: "bo@example.org"}}); err != nil {
		t.Fatalf("an unknown contact, made: %v", err)
	}
	if _, err := db.ContactByEmail(ctx, "bo@example.org"); err != nil {
		t.Fatalf("bo was not made: %v", err)
	}
}

// FuzzInput: whatever the JSON of a batch, Record answers (refusal or
// ids) and never panics.
func FuzzRecord(f *testing.F) {
	f.Add("registered", "ana@example.org", "event", "x", int64(0))
	f.Add("", "", "", "", int64(1<<40))
	f.Add("Bad Type", "slack:", "a\x00b", "v", int64(-5))
	f.Fuzz(func(t *testing.T, typ, contact, k, v string, at int64) {
		clock := bottest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
		db := bottest.NewStore(clock)
		svc := &events.Service{Store: db, Contacts: &contacts.Service{Store: db, Clock: clock}, Clock: clock, CreateContacts: true}
		when := time.Unix(at, 0)
		svc.Record(context.Background(), "t", []events.Input{{Type: typ, Contact: contact, Attributes: map[string]string{k: v}, OccurredAt: &when}})
	})
}
