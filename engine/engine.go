package engine

import (
	"container/heap"
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/nudges"
	"github.com/heraldchat/herald/bot/personalize"
	"github.com/heraldchat/herald/bot/schedule"
)

// Store is what the engine reads and writes.
type Store interface {
	bot.CampaignStore
	bot.SendingStore
	bot.ListStore
	bot.ContactStore
	bot.EventStore
	nudges.Store
}

// DefaultWorkers is how many sends the engine has in progress at most,
// unless told otherwise.
const DefaultWorkers = 64

// readyFactor is how many sendings the engine works on per send slot: one
// sending, and the next ones being made ready while it is sent.
const readyFactor = 3

// DefaultCommitLinger is how long a group commit gathers transitions
// unless told otherwise.
const DefaultCommitLinger = 2 * time.Millisecond

// Engine runs campaigns: it prepares the sendings of a campaign when its
// start comes (every recipient a durable record before anything is sent),
// sends each at its planned time through the platform's limiter, retries
// along the ladder, and records every transition with group commits. One
// Engine runs per database; campaigns.Service tells it about changes
// with Notify (Engine is its campaigns.Dispatcher).
type Engine struct {
	Store      Store
	Messengers map[bot.Platform]bot.Messenger
	Clock      clock.Clock
	// Compose, when set, is the message a campaign sends (before
	// personalising): a survey's opening (surveys.Opening). Nil: its
	// Message.
	Compose func(c *bot.Campaign) bot.Message
	// Track, when set, is applied last to the message each sending
	// sends, as Render made it at the time at
	// (engagement.Tracker.Rewrite: its links counted, its tracking set).
	Track func(c *bot.Campaign, s *bot.Sending, at time.Time, m bot.Message) bot.Message
	// Limits override DefaultLimits per platform: a platform listed here
	// is paced by its entry, the zero Limits meaning none.
	Limits map[bot.Platform]bot.Limits
	// Budget, when set, paces sends instead of Limits: one budget shared
	// with the outbox, so that campaign sends and interactive posts keep
	// to a platform's limits together.
	Budget *Budget
	// Workers bounds the sends in progress (calls to a platform at once);
	// 0 means DefaultWorkers. Up to twice as many more sendings may be
	// getting ready meanwhile (addressed, personalised, paced, recorded in
	// flight), so that waiting for the disk never leaves a send slot idle.
	Workers int
	// CommitLinger is how long a group commit waits for more transitions
	// after the first one arrives, so that a busy engine writes (and
	// fsyncs) a few large groups rather than many small ones; 0 means
	// DefaultCommitLinger, a negative value none. It is a batching window
	// in real time, not a schedule: it only delays writes by that much.
	CommitLinger time.Duration
	// SendTimeout bounds one call to a platform; 0 means 30 seconds.
	SendTimeout time.Duration
	// Window bounds the sendings the engine holds in memory, all running
	// campaigns together; the rest wait in the store, read in the order
	// they are due (SendingStore.DueSendings) as the window empties. 0
	// means DefaultWindow, or more when Workers asks for it.
	Window int
	Log    *slog.Logger
	// NudgeMaxLate is how overdue a nudge's firing may be found and still
	// go, for a nudge that does not say (bot.Nudge.MaxLate); 0 means
	// nudges.DefaultMaxLate.
	NudgeMaxLate time.Duration
	// NudgePoll is how often the nudge scheduler reads the event log
	// when not told of new events; 0 means DefaultNudgePoll.
	NudgePoll time.Duration
	// Changed, when set, is called after a campaign's counters or state
	// changed (from the engine's goroutines; it must not block long).
	Changed func(bot.CampaignID)
	// Committed, when set, is told of every group commit: how many records
	// it wrote and how long the write took (for metrics; it must not
	// block).
	Committed func(records int, took time.Duration)
	// Reached, when set, is told what a platform said of a person it
	// refused a message to (blocked, never started, gone), to record in
	// the contact directory; it is called from a worker, after the
	// sending's outcome is submitted.
	Reached func(ctx context.Context, to bot.Address, r bot.Reachability)
	// Copies, when set, keeps the copies of nudges sent (bot.Nudge.CopyTo)
	// in the outbox, after the group commit that recorded the sends; the
	// outbox posts them. Without it no copy is made.
	Copies bot.OutboxStore
	// CopiesQueued, when set, is called after copies are kept (to wake the
	// outbox).
	CopiesQueued func()
	// Sent, when set, is told of every call to a platform for a campaign
	// (for metrics; it must not block): the platform and the outcome,
	// "sent", "rate_limited" (a 429: tried again when the platform
	// allows), "retry" (a passing failure, tried again) or "failed".
	Sent func(p bot.Platform, outcome string)

	initOnce  sync.Once
	notifying sync.WaitGroup // reloads Notify started
	mu        sync.Mutex
	active    map[bot.CampaignID]*activeCampaign
	starting  map[bot.CampaignID]time.Time // scheduled campaigns and their start
	busy      map[sendingRef]bool          // sendings a worker holds
	preparing map[bot.CampaignID]bool      // campaigns whose audience is being recorded
	prepares  sync.WaitGroup               // preparations in progress
	held      map[bot.CampaignID]int       // sendings in memory (ready or queue), per campaign
	queued    map[sendingRef]bool          // sendings in memory
	reach     map[bot.Platform]*reachCache
	reachMu   sync.Mutex // held while a reachCache is read afresh
	queue     dueQueue   // sendings waiting for their time
	ready     []*queued  // sendings due when queued, in the order queued
	readyAt   int        // ready[:readyAt] are dispatched
	wake      chan struct{}
	running   bool
	nudgeWake chan struct{} // EventsRecorded

	// fillMu orders reading the store into the window (fill) with
	// handing over sendings written behind a campaign's cursor (landed):
	// each sees what the other did.
	fillMu sync.Mutex

	sendSlots chan struct{} // one per send in progress
	stoppedAt time.Time     // the last group commit before Run

	commitMu sync.RWMutex // held to send on commits, taken to close it
	commits  chan commitOp
	stopped  bool
}

// activeCampaign is a running (or paused) campaign as the engine holds it.
type activeCampaign struct {
	c     *bot.Campaign
	msg   *personalize.Compiled
	loc   *time.Location
	state bot.CampaignState
	gen   uint64 // bumped by pause and cancel: older queue items are dropped
	// cursor is the last open sending read from the store, in due order:
	// what comes before it is in memory, held by a worker, or final.
	cursor bot.DuePos
}

// fillPage is how many sendings fill reads per campaign at a time.
const fillPage = 1024

// DefaultWindow is how many sendings the engine holds in memory at most,
// unless told otherwise (or unless its workers need more).
const DefaultWindow = 4096

// sendingRef names a sending across campaigns.
type sendingRef struct {
	c bot.CampaignID
	s bot.SendingID
}

// queued is a sending waiting for its time.
type queued struct {
	s   *bot.Sending
	gen uint64
	at  time.Time
}

type dueQueue []*queued

func (q dueQueue) Len() int { return len(q) }

// Less orders by due time, then by sending: sendings due together go out
// in ID order, so that the records written together sit on few pages.
func (q dueQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	if q[i].s.CampaignID != q[j].s.CampaignID {
		return q[i].s.CampaignID < q[j].s.CampaignID
	}
	return q[i].s.ID < q[j].s.ID
}
func (q dueQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *dueQueue) Push(x any)   { *q = append(*q, x.(*queued)) }
func (q *dueQueue) Pop() any {
	old := *q
	it := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return it
}

func (e *Engine) init() {
	e.initOnce.Do(func() {
		e.active = map[bot.CampaignID]*activeCampaign{}
		e.starting = map[bot.CampaignID]time.Time{}
		e.busy = map[sendingRef]bool{}
		e.preparing = map[bot.CampaignID]bool{}
		e.held = map[bot.CampaignID]int{}
		e.queued = map[sendingRef]bool{}
		e.reach = map[bot.Platform]*reachCache{}
		if e.Budget == nil {
			e.Budget = NewBudget(e.Limits, e.Clock, 1)
		}
		e.wake = make(chan struct{}, 1)
		e.nudgeWake = make(chan struct{}, 1)
		e.commits = make(chan commitOp, 4096)
		if e.Log == nil {
			e.Log = slog.New(slog.DiscardHandler)
		}
		if e.Workers <= 0 {
			e.Workers = DefaultWorkers
		}
		if e.SendTimeout <= 0 {
			e.SendTimeout = 30 * time.Second
		}
		if e.CommitLinger == 0 {
			e.CommitLinger = DefaultCommitLinger
		}
		e.sendSlots = make(chan struct{}, e.Workers)
		if e.Window <= 0 {
			// Enough for every worker and what gets ready behind it,
			// several times over: a refill is never what a worker waits for.
			e.Window = max(DefaultWindow, 4*e.Workers*readyFactor)
		}
	})
}

// Notify tells the engine that campaign id changed (started, paused,
// resumed, cancelled); it acts on it within its next turn. Safe to call
// from any goroutine, before or while Run runs.
func (e *Engine) Notify(id bot.CampaignID) {
	e.init()
	e.notifying.Add(1)
	go func() {
		defer e.notifying.Done()
		if err := e.reload(context.Background(), id); err != nil {
			e.Log.Error("campaign engine: reloading a campaign", "campaign", id, "err", err)
		}
		e.poke()
	}()
}

// Sync returns once the changes told with Notify before it are applied
// (a campaign paused is let go of, an edited message is the one sent).
func (e *Engine) Sync() {
	e.init()
	e.notifying.Wait()
}

func (e *Engine) poke() {
	select {
	case e.wake <- struct{}{}:
	default:
	}
}

// Run runs the engine until ctx is done, then stops taking work, lets the
// sends in progress finish, writes their outcome and returns. Sendings that
// were in flight at a crash (found in flight when Run starts) are sent
// again and marked Resent.
func (e *Engine) Run(ctx context.Context) error {
	e.init()
	e.mu.Lock()
	e.running = true
	e.mu.Unlock()
	// About when the last run stopped, for sendings found in flight.
	stoppedAt, err := e.Store.SendingsWrittenAt(ctx)
	if err != nil {
		return err
	}
	e.stoppedAt = stoppedAt
	campaigns, err := e.Store.Campaigns(ctx, bot.CampaignFilter{States: []bot.CampaignState{bot.CampaignScheduled, bot.CampaignRunning, bot.CampaignPaused}})
	if err != nil {
		return err
	}
	for _, c := range campaigns {
		if c.State != bot.CampaignScheduled {
			if err := e.resendLeftovers(ctx, c.ID); err != nil {
				return err
			}
		}
		if err := e.reload(ctx, c.ID); err != nil {
			return err
		}
		if c.State != bot.CampaignScheduled {
			if n, err := e.Store.SendingCounts(ctx, c.ID); err == nil {
				e.Log.Info("campaign resumed", "campaign", c.ID, "name", c.Name, "state", c.State,
					"waiting", n.Pending+n.Scheduled+n.InFlight, "sent", n.Sent, "failed", n.Failed)
			}
		}
	}

	committed := make(chan struct{})
	go func() { defer close(committed); e.committer() }()
	work := make(chan *queued, e.Workers)
	var workers sync.WaitGroup
	ws := make([]*worker, e.Workers*readyFactor)
	for i := range ws {
		w := &worker{marked: make(chan error, 1)}
		ws[i] = w
		workers.Add(1)
		go func() {
			defer workers.Done()
			for it := range work {
				e.deliver(ctx, w, it)
			}
		}()
	}
	stopWatch := make(chan struct{})
	go e.watch(ws, stopWatch)
	nudged := make(chan struct{})
	go func() { defer close(nudged); e.runNudges(ctx) }()
	defer func() {
		<-nudged           // returns with ctx
		e.prepares.Wait()  // preparations stop with ctx
		e.notifying.Wait() // reloads asked for finish before the committer closes
		close(work)
		workers.Wait()
		close(stopWatch)
		e.commitMu.Lock()
		e.stopped = true
		close(e.commits)
		e.commitMu.Unlock()
		<-committed
	}()

	for {
		now := e.Clock.Now()
		e.startDue(ctx, now)
		next, err := e.dispatchDue(ctx, now, work)
		if err != nil {
			return nil // ctx done
		}
		e.mu.Lock()
		for _, at := range e.starting {
			if next.IsZero() || at.Before(next) {
				next = at
			}
		}
		e.mu.Unlock()
		wait := time.Minute // a safety poll; notifications wake the loop
		if !next.IsZero() && next.Sub(now) < wait {
			wait = max(next.Sub(now), 0)
		}
		t := e.Clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-e.wake:
			t.Stop()
		case <-t.C():
		}
	}
}

// dispatchDue hands every due sending to the workers and returns when the
// next one is due (zero when none waits). It takes due sendings from the
// queue a batch at a time, to take the lock less often, and refills the
// window from the store as it empties.
func (e *Engine) dispatchDue(ctx context.Context, now time.Time, work chan<- *queued) (time.Time, error) {
	batch := make([]*queued, 0, dispatchBatch)
	for {
		e.fill(ctx)
		batch = batch[:0]
		var next time.Time
		e.mu.Lock()
		for len(batch) < dispatchBatch && e.readyAt < len(e.ready) {
			it := e.ready[e.readyAt]
			e.ready[e.readyAt] = nil
			e.readyAt++
			if e.takeLocked(it) {
				batch = append(batch, it)
			}
		}
		if e.readyAt == len(e.ready) {
			e.ready, e.readyAt = e.ready[:0], 0
		}
		for len(batch) < dispatchBatch && len(e.queue) > 0 {
			it := e.queue[0]
			if it.at.After(now) {
				next = it.at
				break
			}
			heap.Pop(&e.queue)
			if e.takeLocked(it) {
				batch = append(batch, it)
			}
		}
		more := len(e.ready) > 0 || len(e.queue) > 0 && next.IsZero() || len(batch) > 0
		e.mu.Unlock()
		for _, it := range batch {
			select {
			case work <- it:
			case <-ctx.Done():
				return time.Time{}, ctx.Err()
			}
		}
		if !more {
			return next, nil
		}
	}
}

// takeLocked takes it out of memory and reports whether it may still be
// sent; e.mu is held.
func (e *Engine) takeLocked(it *queued) bool {
	ref := sendingRef{it.s.CampaignID, it.s.ID}
	if e.queued[ref] {
		delete(e.queued, ref)
		e.held[it.s.CampaignID]--
	}
	return e.liveLocked(it)
}

// dispatchBatch is how many due sendings dispatchDue takes at a time.
const dispatchBatch = 64

// enqueue holds s in memory until it is due, waking the loop when it is
// due before the rest; a sending held already, or by a worker, is left as
// it is. A sending due already goes to the ready list, which costs less
// than the queue's heap.
func (e *Engine) enqueue(s *bot.Sending, gen uint64, at time.Time) {
	e.mu.Lock()
	first := e.enqueueLocked(s, gen, at)
	e.mu.Unlock()
	if first {
		e.poke()
	}
}

// enqueueLocked is enqueue with e.mu held; it reports whether the loop
// should wake.
func (e *Engine) enqueueLocked(s *bot.Sending, gen uint64, at time.Time) bool {
	ref := sendingRef{s.CampaignID, s.ID}
	if e.queued[ref] || e.busy[ref] {
		return false
	}
	return e.holdLocked(s, gen, at)
}

// holdLocked holds s in memory, with no question; e.mu is held.
func (e *Engine) holdLocked(s *bot.Sending, gen uint64, at time.Time) bool {
	ref := sendingRef{s.CampaignID, s.ID}
	e.queued[ref] = true
	e.held[s.CampaignID]++
	it := &queued{s: s, gen: gen, at: at}
	if !at.After(e.Clock.Now()) {
		e.ready = append(e.ready, it)
		return len(e.ready)-e.readyAt == 1
	}
	first := len(e.queue) == 0 || at.Before(e.queue[0].at)
	heap.Push(&e.queue, it)
	return first
}

// purgeLocked lets go of campaign id's sendings in memory (paused,
// cancelled, or about to be read again from the start); e.mu is held.
func (e *Engine) purgeLocked(id bot.CampaignID) {
	if e.held[id] == 0 {
		return
	}
	keep := func(it *queued) bool {
		if it == nil || it.s.CampaignID != id {
			return true
		}
		delete(e.queued, sendingRef{id, it.s.ID})
		return false
	}
	ready := e.ready[:0]
	for _, it := range e.ready[e.readyAt:] {
		if keep(it) {
			ready = append(ready, it)
		}
	}
	clear(e.ready[len(ready):])
	e.ready, e.readyAt = ready, 0
	q := e.queue[:0]
	for _, it := range e.queue {
		if keep(it) {
			q = append(q, it)
		}
	}
	clear(e.queue[len(q):])
	e.queue = q
	heap.Init(&e.queue)
	delete(e.held, id)
}

// fill reads, for each running campaign whose share of the window is half
// empty, the next open sendings from the store in due order, and holds
// them. Sendings in flight are a worker's (those left by a crash were made
// scheduled again at Run's start: resendLeftovers).
func (e *Engine) fill(ctx context.Context) {
	if !e.fillMu.TryLock() {
		return // a batch is being recorded: its end wakes the loop to fill
	}
	defer e.fillMu.Unlock()
	type want struct {
		id    bot.CampaignID
		after bot.DuePos
		gen   uint64
		n     int
	}
	var wants []want
	e.mu.Lock()
	running := 0
	for _, a := range e.active {
		if a.state == bot.CampaignRunning {
			running++
		}
	}
	share := e.Window / max(running, 1)
	for id, a := range e.active {
		if a.state == bot.CampaignRunning && e.held[id] <= share/2 {
			wants = append(wants, want{id, a.cursor, a.gen, share - e.held[id]})
		}
	}
	e.mu.Unlock()
	wake := false
	for _, w := range wants {
		// A page at a time: the first sendings go while the rest of the
		// share is read on a later turn.
		page, err := e.Store.DueSendings(ctx, w.id, w.after, min(w.n, fillPage))
		if err != nil {
			if ctx.Err() == nil {
				e.Log.Error("campaign engine: reading the sendings due", "campaign", w.id, "err", err)
			}
			continue
		}
		e.mu.Lock()
		if a := e.active[w.id]; a != nil && a.gen == w.gen && a.state == bot.CampaignRunning && len(page) > 0 {
			for _, sd := range page {
				if sd.State != bot.SendingInFlight {
					wake = e.enqueueLocked(sd, w.gen, sd.Due()) || wake
				}
			}
			a.cursor = bot.PosOf(page[len(page)-1])
		}
		e.mu.Unlock()
	}
	if wake {
		e.poke()
	}
}

// landed holds sendings of campaign id written (durably) behind its
// cursor, which fill, reading only after the cursor, would not see;
// sendings due later are fill's, in their turn (the loop is woken to read
// them). release, when set, is the sending its worker lets go of now,
// after rescheduling it: let go and looked at in one step with respect to
// fill, which skipped it while held.
func (e *Engine) landed(id bot.CampaignID, ss []*bot.Sending, release *sendingRef) {
	e.fillMu.Lock()
	e.landedLocked(id, ss, release)
	e.fillMu.Unlock()
	e.poke()
}

// landedLocked is landed with e.fillMu held.
func (e *Engine) landedLocked(id bot.CampaignID, ss []*bot.Sending, release *sendingRef) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if release != nil {
		delete(e.busy, *release)
	}
	a := e.active[id]
	if a == nil || a.state != bot.CampaignRunning {
		return
	}
	for _, sd := range ss {
		if sd.Open() && sd.State != bot.SendingInFlight && !a.cursor.Before(bot.PosOf(sd)) {
			e.enqueueLocked(sd, a.gen, sd.Due())
		}
	}
}

// record writes a batch of new sendings of campaign id, the preparation's,
// and holds those behind its cursor: fill waits meanwhile, so that it
// neither reads them nor passes them unread.
func (e *Engine) record(ctx context.Context, id bot.CampaignID, ss []*bot.Sending) error {
	e.fillMu.Lock()
	err := e.Store.CreateSendings(ctx, id, ss)
	if err == nil {
		e.landedLocked(id, ss, nil)
	}
	e.fillMu.Unlock()
	e.poke()
	return err
}

// liveLocked reports whether it may still be sent (its campaign running,
// not paused or cancelled since it was queued); e.mu is held. Otherwise
// the record says what remains.
func (e *Engine) liveLocked(it *queued) bool {
	a := e.active[it.s.CampaignID]
	return a != nil && a.gen == it.gen && a.state == bot.CampaignRunning
}

// live reports whether a sending of generation gen may still be sent.
func (e *Engine) live(cid bot.CampaignID, gen uint64) (*activeCampaign, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.active[cid]
	return a, a != nil && a.gen == gen && a.state == bot.CampaignRunning
}

func (e *Engine) limiter(p bot.Platform) *Limiter {
	e.init()
	return e.Budget.For(p)
}

// reload reads campaign id and brings the engine in line with it: a
// scheduled campaign waits for its start, a running one has its pending
// sendings queued (in-flight leftovers of a crash are resent), a paused or
// finished one has its queued sendings dropped, a cancelled one also has
// what remains marked skipped.
func (e *Engine) reload(ctx context.Context, id bot.CampaignID) error {
	c, err := e.Store.Campaign(ctx, id)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		e.mu.Lock()
		delete(e.active, id)
		delete(e.starting, id)
		e.mu.Unlock()
		return nil
	}
	if err != nil {
		return err
	}
	loc, err := schedule.Location(c.Schedule)
	if err != nil {
		loc = time.UTC
	}
	e.mu.Lock()
	a := e.active[id]
	delete(e.starting, id)
	switch c.State {
	case bot.CampaignScheduled:
		start := c.Schedule.StartAt
		if start.IsZero() {
			start = c.UpdatedAt
		}
		e.starting[id] = start
		e.mu.Unlock()
		return nil
	case bot.CampaignRunning:
		if a != nil && a.state == bot.CampaignRunning {
			a.c, a.msg, a.loc = c, personalize.Compile(e.message(c)), loc // an edit that does not change what is queued
			e.mu.Unlock()
			return nil
		}
		if a == nil {
			a = &activeCampaign{}
			e.active[id] = a
		}
		if c.Nudge != nil {
			defer e.EventsRecorded() // the scheduler polls while a nudge runs
		}
		a.c, a.msg, a.loc, a.state = c, personalize.Compile(e.message(c)), loc, bot.CampaignRunning
		a.gen++
		a.cursor = bot.DuePos{} // read again from the start: fill holds what is due
		e.purgeLocked(id)
		e.resumePreparingLocked(c)
		e.mu.Unlock()
		e.poke()
		e.afterCommit(ctx, map[bot.CampaignID]bool{c.ID: true}) // nothing left: done
		return nil
	default: // paused, done, cancelled, draft
		if a != nil {
			a.state = c.State
			a.gen++
		}
		e.purgeLocked(id)
		e.resumePreparingLocked(c)
		if c.State != bot.CampaignPaused {
			delete(e.active, id)
		}
		e.mu.Unlock()
		if c.State == bot.CampaignCancelled {
			return e.skipRemaining(ctx, id)
		}
		return nil
	}
}

// resumePreparingLocked has the preparation of c, running or paused with
// its audience not all recorded (herald stopped meanwhile), go on at
// once; e.mu is held.
func (e *Engine) resumePreparingLocked(c *bot.Campaign) {
	if c.Preparing && (c.State == bot.CampaignRunning || c.State == bot.CampaignPaused) && !e.preparing[c.ID] {
		e.starting[c.ID] = c.UpdatedAt
	}
}

// message is what campaign c sends, before personalising.
func (e *Engine) message(c *bot.Campaign) bot.Message {
	if e.Compose != nil {
		return e.Compose(c)
	}
	return c.Message
}

// Render is the message sending s of campaign c sends, personalised at
// the time at (placeholders that read the time read it), before Track:
// what a tracked link's click finds its address in.
func (e *Engine) Render(c *bot.Campaign, s *bot.Sending, at time.Time) (bot.Message, error) {
	loc, err := schedule.Location(c.Schedule)
	if err != nil {
		return bot.Message{}, err
	}
	return e.render(personalize.Compile(e.message(c)), c, s, at.In(loc))
}

// render personalises msgT, campaign c's compiled message, for s at the
// time at (in the campaign's zone).
func (e *Engine) render(msgT *personalize.Compiled, c *bot.Campaign, s *bot.Sending, at time.Time) (bot.Message, error) {
	msg, err := msgT.Personalize(personalize.NewVars(c.KeyColumn, s.Key, s.Attributes, c.Defaults, at))
	if err != nil {
		return bot.Message{}, err
	}
	if c.Nudge != nil {
		msg = nudges.Signed(c.Nudge, msg)
	}
	return msg, nil
}

// resendLeftovers makes the sendings of campaign id that were in flight
// when herald stopped scheduled again, now, marked Resent: the platform may
// or may not have them. It runs at Run's start, before any worker, when
// every sending in flight is a leftover.
func (e *Engine) resendLeftovers(ctx context.Context, id bot.CampaignID) error {
	counts, err := e.Store.SendingCounts(ctx, id)
	if err != nil || counts.InFlight == 0 {
		return err
	}
	now := e.Clock.Now()
	var resent []*bot.Sending
	for after := (bot.DuePos{}); len(resent) < counts.InFlight; {
		page, err := e.Store.DueSendings(ctx, id, after, pageSize)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, sd := range page {
			if sd.State == bot.SendingInFlight {
				sd.State, sd.Resent, sd.NextAt = bot.SendingScheduled, true, now
				resent = append(resent, sd)
			}
		}
		after = bot.PosOf(page[len(page)-1])
	}
	e.Log.Warn("campaign engine: resending what was in flight at the last stop", "campaign", id, "count", len(resent))
	return e.Store.UpdateSendings(ctx, resent)
}

// skipRemaining marks the sendings of a cancelled campaign that were not
// sent skipped. It runs through the committer, after every transition
// already submitted, so that a send in flight keeps its true outcome.
func (e *Engine) skipRemaining(ctx context.Context, id bot.CampaignID) error {
	e.mu.Lock()
	running := e.running
	e.mu.Unlock()
	e.commitMu.RLock()
	if !running || e.stopped {
		e.commitMu.RUnlock()
		return e.skip(ctx, id) // no sends in progress: write directly
	}
	done := make(chan error, 1)
	e.commits <- commitOp{cancel: id, done: done}
	e.commitMu.RUnlock()
	return <-done
}

// QueueDepth returns how many sendings of running and paused campaigns
// wait to be sent (from the campaigns' counters: most of them wait in the
// store, not in memory).
func (e *Engine) QueueDepth() int {
	n := 0
	for _, c := range e.Progress(context.Background()) {
		n += c.Pending + c.Scheduled + c.InFlight
	}
	return n
}

// Progress returns the counters of each campaign the engine runs (running
// or paused), read from the store; a campaign whose counters cannot be
// read is left out.
func (e *Engine) Progress(ctx context.Context) map[bot.CampaignID]bot.SendingCounts {
	e.init()
	e.mu.Lock()
	ids := make([]bot.CampaignID, 0, len(e.active))
	for id := range e.active {
		ids = append(ids, id)
	}
	e.mu.Unlock()
	out := make(map[bot.CampaignID]bot.SendingCounts, len(ids))
	for _, id := range ids {
		if c, err := e.Store.SendingCounts(ctx, id); err == nil {
			out[id] = c
		}
	}
	return out
}
