package nudges_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/nudges"
)

// history is one contact's events as a store pages them; it records the
// position each read started after.
type history struct {
	contact bot.ContactID
	events  []*bot.Event
	reads   []uint64
	err     error
}

func (h *history) ContactEvents(_ context.Context, id bot.ContactID, after uint64, limit int) ([]*bot.Event, error) {
	h.reads = append(h.reads, after)
	if h.err != nil {
		return nil, h.err
	}
	if id != h.contact {
		return nil, nil
	}
	var out []*bot.Event
	for _, e := range h.events {
		if e.Seq > after && (limit <= 0 || len(out) < limit) {
			out = append(out, e)
		}
	}
	return out, nil
}

// stopped is StoppedIn over events, all of contact 7's.
func stopped(t *testing.T, n *bot.Nudge, s *bot.Sending, events []*bot.Event) (string, bool) {
	t.Helper()
	s.Source = 7
	reason, end, err := nudges.StoppedIn(context.Background(), &history{contact: 7, events: events}, n, s, 2)
	if err != nil {
		t.Fatal(err)
	}
	return reason, end
}

// reference is the stop rules as first written, over the whole history
// at once: an Until anywhere ends the nudge; otherwise the first Block
// (since the trigger, with BlockSinceTrigger) stops this firing.
func reference(n *bot.Nudge, trigger uint64, events []*bot.Event) (reason string, end bool) {
	for _, e := range events {
		if n.Until != "" && nudges.Is(n.Until, e) {
			return nudges.EndedPrefix + n.Until + " happened", true
		}
	}
	for _, e := range events {
		if n.Block != "" && nudges.Is(n.Block, e) && (!n.BlockSinceTrigger || e.Seq > trigger) {
			if n.BlockSinceTrigger {
				return "blocked: " + n.Block + " happened since the trigger", false
			}
			return "blocked: " + n.Block + " happened", false
		}
	}
	return "", false
}

// firing is a sending of a nudge to contact 7 triggered by event seq.
func firing(seq uint64) *bot.Sending {
	return &bot.Sending{Source: 7, Attributes: map[string]string{nudges.AttrTriggerSeq: strconv.FormatUint(seq, 10)}}
}

// TestStoppedInAgreesWithTheRules: read a page at a time, the stop rules
// give the verdict the rules give over the whole history, for every kind
// of rule and page size.
func TestStoppedInAgreesWithTheRules(t *testing.T) {
	ctx := context.Background()
	names := []string{"clicked", "replied", "unsubscribed", "visited"}
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 2000 {
		h := &history{contact: 7}
		for i := range rng.IntN(12) {
			h.events = append(h.events, &bot.Event{Seq: uint64(2*i + 1), Type: bot.EventCustom, Name: names[rng.IntN(len(names))]})
		}
		pick := func() string {
			if rng.IntN(3) == 0 {
				return ""
			}
			return names[rng.IntN(len(names))]
		}
		n := &bot.Nudge{Trigger: "x", Block: pick(), Until: pick(), BlockSinceTrigger: rng.IntN(2) == 0}
		trigger := uint64(rng.IntN(25))
		s := firing(trigger)
		wantReason, wantEnd := reference(n, trigger, h.events)
		for _, page := range []int{0, 1, 2, 3, 500} {
			reason, end, err := nudges.StoppedIn(ctx, h, n, s, page)
			if err != nil {
				t.Fatal(err)
			}
			if reason != wantReason || end != wantEnd {
				t.Fatalf("round %d, page %d, nudge %+v, trigger %s: got %q %v, want %q %v",
					round, page, n, s.Attributes[nudges.AttrTriggerSeq], reason, end, wantReason, wantEnd)
			}
		}
	}
}

// TestStoppedInReadsOnlyWhatItNeeds: no read without rules; a block since
// the trigger reads from the trigger on; the first Until ends the reading.
func TestStoppedInReadsOnlyWhatItNeeds(t *testing.T) {
	ctx := context.Background()
	h := &history{contact: 7}
	for i := range 50 {
		h.events = append(h.events, &bot.Event{Seq: uint64(i + 1), Type: bot.EventCustom, Name: "visited"})
	}
	h.events[2].Name = "unsubscribed"

	if _, _, err := nudges.StoppedIn(ctx, h, &bot.Nudge{Trigger: "x"}, firing(40), 10); err != nil || len(h.reads) != 0 {
		t.Fatalf("a nudge without stop rules read the history: %v, reads %v", err, h.reads)
	}

	h.reads = nil
	reason, end, err := nudges.StoppedIn(ctx, h, &bot.Nudge{Trigger: "x", Block: "unsubscribed", BlockSinceTrigger: true}, firing(40), 10)
	if err != nil || reason != "" || end {
		t.Fatalf("an event before the trigger blocked: %q %v %v", reason, end, err)
	}
	if len(h.reads) == 0 || h.reads[0] != 40 {
		t.Fatalf("a block since the trigger read from %v, want from the trigger (40)", h.reads)
	}

	h.reads = nil
	reason, end, err = nudges.StoppedIn(ctx, h, &bot.Nudge{Trigger: "x", Until: "unsubscribed", Block: "visited"}, firing(40), 10)
	if err != nil || !end || reason == "" {
		t.Fatalf("until: %q %v %v", reason, end, err)
	}
	if len(h.reads) != 1 {
		t.Fatalf("the Until in the first page took %d reads", len(h.reads))
	}

	h.reads = nil
	if reason, _, _ = nudges.StoppedIn(ctx, h, &bot.Nudge{Trigger: "x", Block: "visited"}, firing(40), 10); reason == "" || len(h.reads) != 1 {
		t.Fatalf("a block with no Until: %q after %d reads, want a block after one", reason, len(h.reads))
	}

	h.reads = nil
	h.events[1].Name = "visited"
	if reason, end, _ = nudges.StoppedIn(ctx, h, &bot.Nudge{Trigger: "x", Block: "visited", Until: "unsubscribed"}, firing(40), 1); !end || len(h.reads) != 3 {
		t.Fatalf("a Block before an Until: %q %v after %d reads, want the Until after three", reason, end, len(h.reads))
	}
	if reason, end = stopped(t, &bot.Nudge{Trigger: "x", Block: "unsubscribed", Until: "unsubscribed"}, firing(40), h.events); !end {
		t.Fatalf("a Block that is also the Until: %q, want the Until", reason)
	}

	h.reads = nil
	if _, _, err := nudges.StoppedIn(ctx, h, &bot.Nudge{Trigger: "x", Until: "never"}, firing(40), 0); err != nil || len(h.reads) != 1 {
		t.Fatalf("page 0 (all at once) took %d reads (%v)", len(h.reads), err)
	}

	h.err = errors.New("disk gone")
	if _, _, err := nudges.StoppedIn(ctx, h, &bot.Nudge{Trigger: "x", Until: "unsubscribed"}, firing(40), 10); !errors.Is(err, h.err) {
		t.Fatalf("a failed read gave %v", err)
	}
}
