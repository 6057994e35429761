package engine_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/engine"
)

// relays stands in for participant threads: it posts each batch it is
// given as one message, or fails as told.
type relays struct {
	mu      sync.Mutex
	batches [][]string // the texts of each batch, in the order posted
	fail    []error    // errors to return, one per call, first
}

func (r *relays) Relay(ctx context.Context, m bot.Messenger, first *bot.Outgoing, take func() []*bot.Outgoing, wait func(bot.ThreadRef) error) error {
	r.mu.Lock()
	if len(r.fail) > 0 {
		err := r.fail[0]
		r.fail = r.fail[1:]
		r.mu.Unlock()
		return err
	}
	r.mu.Unlock()
	if err := wait(bot.ThreadRef{Channel: bot.Address{Platform: m.Platform(), ID: "CMODS"}}); err != nil {
		return err
	}
	var texts []string
	for _, p := range take() {
		texts = append(texts, p.Message.Text)
	}
	r.mu.Lock()
	r.batches = append(r.batches, texts)
	r.mu.Unlock()
	return nil
}

func (r *relays) posted() [][]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]string(nil), r.batches...)
}

// outboxRig runs an outbox over an in-memory store on a fake clock.
type outboxRig struct {
	t      *testing.T
	db     *bottest.Store
	clock  *bottest.Clock
	relays *relays
	slack  *bottest.Messenger
	box    *engine.Outbox
	stop   func()
}

func newOutboxRig(t *testing.T, db *bottest.Store) *outboxRig {
	clock := bottest.NewClock(t0)
	if db == nil {
		db = bottest.NewStore(clock)
	}
	g := &outboxRig{t: t, db: db, clock: clock, relays: &relays{}, slack: bottest.NewMessenger(bot.PlatformSlack)}
	unlimited := map[bot.Platform]bot.Limits{bot.PlatformSlack: {}}
	g.box = &engine.Outbox{Store: db, Posters: map[bot.Platform]bot.Messenger{bot.PlatformSlack: g.slack}, Relays: g.relays,
		Budget: engine.NewBudget(unlimited, clock, 1), Clock: clock}
	return g
}

func (g *outboxRig) run() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { g.box.Run(ctx); close(done) }()
	g.stop = func() { cancel(); <-done }
	g.t.Cleanup(g.stop)
}

func (g *outboxRig) enqueue(posts ...*bot.Outgoing) {
	g.t.Helper()
	if err := g.db.Enqueue(context.Background(), posts); err != nil {
		g.t.Fatal(err)
	}
	g.box.Wake()
}

// settle waits until nothing is left in the outbox, moving the fake clock
// on when only later posts wait.
func (g *outboxRig) settle() {
	g.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		left, _ := g.db.Outbox(context.Background(), 0, 0)
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("%d posts still waiting: %+v", len(left), left[0])
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func relay(conv bot.ConversationID, text string) *bot.Outgoing {
	return &bot.Outgoing{Class: bot.ClassInteractive, Kind: bot.OutgoingRelay, Lane: fmt.Sprint("conv:", conv), ConversationID: conv,
		Platform: bot.PlatformSlack, Message: bot.Message{Text: text}}
}

// TestOutboxKeepsOrderAndBatchesALane: relays waiting in one lane go as
// one post, in the order they were queued; every one once.
func TestOutboxKeepsOrderAndBatchesALane(t *testing.T) {
	g := newOutboxRig(t, nil)
	g.enqueue(relay(1, "a1"), relay(2, "b1"), relay(1, "a2"), relay(1, "a3"), relay(2, "b2"))
	g.run()
	g.settle()
	byConv := map[byte][]string{}
	for _, b := range g.relays.posted() {
		byConv[b[0][0]] = append(byConv[b[0][0]], b...)
	}
	if got := strings.Join(byConv['a'], ","); got != "a1,a2,a3" {
		t.Errorf("conversation 1 got %s", got)
	}
	if got := strings.Join(byConv['b'], ","); got != "b1,b2" {
		t.Errorf("conversation 2 got %s", got)
	}
	if n := len(g.relays.posted()); n != 2 {
		t.Errorf("%d posts for two conversations whose messages all waited: %v", n, g.relays.posted())
	}
}

// TestABacklogWaitsInTheStore: a backlog far larger than the outbox's
// window is held a window at a time, and every post goes once, each
// conversation's in order.
func TestABacklogWaitsInTheStore(t *testing.T) {
	g := newOutboxRig(t, nil)
	g.box.Window = 5
	var posts []*bot.Outgoing
	for i := range 60 {
		posts = append(posts, relay(bot.ConversationID(1+i%4), fmt.Sprintf("%c%02d", 'a'+i%4, i)))
	}
	g.enqueue(posts...)
	g.run()
	g.settle()
	byConv := map[byte][]string{}
	n := 0
	for _, b := range g.relays.posted() {
		byConv[b[0][0]] = append(byConv[b[0][0]], b...)
		n += len(b)
	}
	if n != 60 {
		t.Fatalf("%d messages posted of 60", n)
	}
	for c, got := range byConv {
		if !slices.IsSorted(got) || len(got) != 15 {
			t.Errorf("conversation %c: %v", c, got)
		}
	}
	if d, err := g.box.Store.OutboxDepth(context.Background()); err != nil || len(d) != 0 {
		t.Errorf("depth %v once drained, %v", d, err)
	}
}

// TestOutboxRetriesWithoutLosing: a passing failure is tried again later
// (the post keeps its place and counts the try); a 429 pauses the platform
// without counting as a failure; nothing is lost or posted twice.
func TestOutboxRetriesWithoutLosing(t *testing.T) {
	g := newOutboxRig(t, nil)
	g.relays.fail = []error{
		bot.Errorf(bot.EUNAVAILABLE, "slack is down (HTTP 503)"),
		bot.RateLimited(bot.PlatformSlack, 30*time.Second),
	}
	g.enqueue(relay(1, "hello"), relay(1, "again"))
	g.run()
	// The first try fails: the posts wait, with the try counted.
	deadline := time.Now().Add(10 * time.Second)
	for {
		left, _ := g.db.Outbox(context.Background(), 0, 0)
		if len(left) == 2 && left[0].Tries == 1 && strings.Contains(left[0].LastError, "503") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the failure was not recorded: %+v", left)
		}
		time.Sleep(2 * time.Millisecond)
	}
	// Its time comes: a 429 pauses the platform; then the posts go.
	for len(g.relays.posted()) == 0 && time.Now().Before(deadline) {
		g.clock.Advance(5 * time.Second)
		g.box.Wake()
		time.Sleep(5 * time.Millisecond)
	}
	g.settle()
	if got := g.relays.posted(); len(got) != 1 || strings.Join(got[0], ",") != "hello,again" {
		t.Fatalf("posted %v, want hello and again once, together", got)
	}
}

// TestOutboxResumesAfterRestart: what waited when herald stopped is
// posted by the next run.
func TestOutboxResumesAfterRestart(t *testing.T) {
	g := newOutboxRig(t, nil)
	g.enqueue(relay(1, "written while herald was down"))
	g2 := newOutboxRig(t, g.db)
	g2.run()
	g2.settle()
	if got := g2.relays.posted(); len(got) != 1 || got[0][0] != "written while herald was down" {
		t.Fatalf("after the restart: %v", got)
	}
}

// TestOutboxMakesOnlyTheLastEdit: of several edits of one card waiting
// together, only the last is made.
func TestOutboxMakesOnlyTheLastEdit(t *testing.T) {
	g := newOutboxRig(t, nil)
	ref, err := g.slack.Send(context.Background(), bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, bot.Message{Text: "0 sent"})
	if err != nil {
		t.Fatal(err)
	}
	edit := func(text string) *bot.Outgoing {
		return &bot.Outgoing{Class: bot.ClassInteractive, Kind: bot.OutgoingEdit, Lane: "card:" + ref.ID, Platform: bot.PlatformSlack, Edit: ref, Message: bot.Message{Text: text}}
	}
	g.enqueue(edit("1 sent"), edit("2 sent"), edit("3 sent"))
	g.run()
	g.settle()
	sent := g.slack.Sent()
	if len(sent) != 1 || sent[0].Message.Text != "3 sent" || sent[0].Edited != 1 {
		t.Fatalf("the card: %+v", sent)
	}
}

// TestInteractiveGoesAheadOfBulk: with a campaign's sends waiting for the
// platform's budget, an interactive post waits for about one token, not
// for the queue of campaign sends.
func TestInteractiveGoesAheadOfBulk(t *testing.T) {
	clock := bottest.NewClock(t0)
	lim := engine.NewBudget(map[bot.Platform]bot.Limits{bot.PlatformTelegram: {PerSecond: 10}}, clock, 1).For(bot.PlatformTelegram)
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	waiting := func(n int) bool { return clock.Timers() >= n }
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := lim.WaitClass(context.Background(), bot.ClassBulk, fmt.Sprint("chat", i)); err == nil {
				mu.Lock()
				order = append(order, "bulk")
				mu.Unlock()
			}
		}()
	}
	// Let the campaign's sends line up, then a moderator's answer arrives.
	for range 3 {
		for !waiting(1) {
			time.Sleep(time.Millisecond)
		}
		clock.Advance(100 * time.Millisecond)
		time.Sleep(2 * time.Millisecond)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := lim.WaitClass(context.Background(), bot.ClassInteractive, "moderators"); err == nil {
			mu.Lock()
			order = append(order, "interactive")
			mu.Unlock()
		}
	}()
	for {
		mu.Lock()
		n := len(order)
		mu.Unlock()
		if n == 21 {
			break
		}
		clock.Advance(10 * time.Millisecond)
		time.Sleep(time.Millisecond)
	}
	wg.Wait()
	at := 0
	for i, o := range order {
		if o == "interactive" {
			at = i
		}
	}
	// A few campaign sends were through before it arrived; after it, at
	// most two more go first (the token reserved ahead, and one due as it
	// arrives).
	if at > 8 {
		t.Fatalf("the interactive post came %dth of 21: %v", at+1, order)
	}
}
