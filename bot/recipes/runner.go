package recipes

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/schedule"
	"github.com/heraldchat/herald/bot/webhooks"
)

// Conversations performs recipes' actions on conversations
// (threads.Service). Act records what it did in the conversation's
// history, as by.
type Conversations interface {
	Act(ctx context.Context, id bot.ConversationID, by bot.Actor, a Action) error
}

// The Runner's defaults.
const (
	DefaultMaxDepth   = 3
	DefaultRate       = 20
	DefaultRateWindow = 10 * time.Minute
	DefaultPoll       = 5 * time.Second
	eventPage         = 500
	runPage           = 100
)

// Runner plans and runs recipes (see the package doc). Run it once; Wake
// may be called from any goroutine.
type Runner struct {
	Store         Store
	Conversations Conversations
	Compiler      Compiler
	Clock         clock.Clock
	Log           *slog.Logger
	// MaxDepth is how many recipe actions may follow from one another (a
	// recipe acting on what a recipe did is one deeper); Rate runs at most
	// per conversation per RateWindow; Poll how often the event log is
	// read when nothing wakes the runner. Zero values take the defaults.
	MaxDepth   int
	Rate       int
	RateWindow time.Duration
	Poll       time.Duration
	// Queued, when set, is called after notifications were queued in the
	// outbox (the outbox's Wake); WebhooksQueued after webhook deliveries
	// were (the webhook sender's Wake).
	Queued         func()
	WebhooksQueued func()
	// Planned, when set, is called after each page of events is planned,
	// with the last Seq planned and how many runs it planned (metrics,
	// benchmarks).
	Planned func(cursor uint64, runs int)
	// Settled, when set, is called with the Seqs of events Decide decided
	// whole (nothing left to the planner), once written with their
	// message (metrics, benchmarks).
	Settled func(seqs []uint64)

	once     sync.Once
	wake     chan struct{} // to the planner
	due      chan struct{} // to the executor
	stale    atomic.Bool   // the recipes changed since read
	on       []*Recipe     // the enabled recipes, as last read
	since    uint64        // the lowest Since among them
	cursor   uint64        // the last Seq planned; 0 before the first read
	saved    uint64        // the last cursor written
	savedAt  time.Time
	mu       sync.Mutex // guards compiled: the planner and the executor both match
	compiled map[bot.RecipeID]compiled
	gmu      sync.Mutex                         // guards recent and told: Decide runs in intakes
	recent   map[bot.ConversationID][]time.Time // runs planned, for the rate guard
	told     map[[2]uint64]time.Time            // recipe, conversation: a stop written in the history
	swept    time.Time                          // when recent and told were last swept
	replay   map[bot.RecipeID]bool              // recipes enabled after the cursor passed their start
	replayTo uint64                             // up to where events are read again for them only
	snap     atomic.Pointer[recipeSet]          // the enabled recipes, for Decide
	dmu      sync.Mutex                         // guards decided
	decided  map[uint64]*decision               // by event Seq: what Decide decided and the intake wrote
}

// decision is what Decide decided on one event, written with it: the
// recipes whose runs it planned and, when whole, that no recipe of set
// was left to the planner.
type decision struct {
	set   *recipeSet
	whole bool
	runs  []bot.RecipeID
}

// recipeSet is the enabled recipes as the planner last read them.
type recipeSet struct {
	on []*Recipe
}

type compiled struct {
	version time.Time
	m       Matcher
	err     error
}

func (r *Runner) init() {
	r.once.Do(func() {
		r.wake, r.due = make(chan struct{}, 1), make(chan struct{}, 1)
		r.stale.Store(true)
		r.compiled = map[bot.RecipeID]compiled{}
		r.recent = map[bot.ConversationID][]time.Time{}
		r.told = map[[2]uint64]time.Time{}
		r.decided = map[uint64]*decision{}
		if r.MaxDepth <= 0 {
			r.MaxDepth = DefaultMaxDepth
		}
		if r.Rate <= 0 {
			r.Rate = DefaultRate
		}
		if r.RateWindow <= 0 {
			r.RateWindow = DefaultRateWindow
		}
		if r.Poll <= 0 {
			r.Poll = DefaultPoll
		}
		if r.Log == nil {
			r.Log = slog.New(slog.DiscardHandler)
		}
	})
}

// Wake tells the runner that events were recorded.
func (r *Runner) Wake() {
	r.init()
	signal(r.wake)
}

// Changed tells the runner that recipes changed (recipes.Service's
// Changed): they are read again.
func (r *Runner) Changed() {
	r.init()
	r.stale.Store(true)
	signal(r.wake)
	signal(r.due)
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// Run plans and runs recipes until ctx ends, then returns nil once both
// its planner and its executor stopped. The planner reads the events
// recorded and plans runs; the executor runs what is due, so that a slow
// action never holds back the decisions on new events.
func (r *Runner) Run(ctx context.Context) error {
	r.init()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			err := r.execute(ctx)
			if err != nil && ctx.Err() == nil {
				r.Log.Warn("recipes: running", "err", err)
			}
			wait := r.Poll
			if next, nerr := r.Store.NextRecipeRun(ctx); nerr == nil && !next.IsZero() && err == nil {
				wait = min(wait, next.Sub(r.Clock.Now()))
			} // after an error, a poll's wait: a failing run is not retried at once
			if r.sleep(ctx, r.due, wait) != nil {
				return
			}
		}
	}()
	for {
		if err := r.plan(ctx, false); err != nil && ctx.Err() == nil {
			r.Log.Warn("recipes: planning", "err", err)
		}
		if r.sleep(ctx, r.wake, r.Poll) != nil {
			break
		}
	}
	<-done
	// Keep where the planner got to (a stop loses at most the events
	// read since; planning them again plans nothing twice).
	stop, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	r.saveCursor(stop, true)
	return nil
}

func (r *Runner) sleep(ctx context.Context, c chan struct{}, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := r.Clock.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-c:
	case <-t.C():
	}
	return nil
}

// Step plans runs for the events recorded since the last step, then runs
// what is due. Tests call it to go one step at a time (Run runs the two
// halves on their own).
func (r *Runner) Step(ctx context.Context) error {
	r.init()
	if err := r.plan(ctx, true); err != nil {
		return err
	}
	return r.execute(ctx)
}

// enabled returns the enabled recipes, read again when they changed.
func (r *Runner) enabled(ctx context.Context) ([]*Recipe, error) {
	if !r.stale.Swap(false) && r.on != nil {
		return r.on, nil
	}
	all, err := r.Store.Recipes(ctx)
	if err != nil {
		r.stale.Store(true)
		return nil, err
	}
	prev := r.on
	r.on, r.since = []*Recipe{}, 0
	for _, rc := range all {
		if rc.Enabled {
			if len(r.on) == 0 || rc.Since < r.since {
				r.since = rc.Since
			}
			r.on = append(r.on, rc)
		}
	}
	r.snap.Store(&recipeSet{on: r.on})
	r.replayFor(prev)
	return r.on, nil
}

// replayFor rewinds the cursor for the recipes enabled since the set
// prev was read whose start the planner already passed: a recipe's
// enabling is committed before the runner is told of it, and a message
// written in between, planned with the recipes as they were, is read
// again for the new ones only (up to where the cursor was).
func (r *Runner) replayFor(prev []*Recipe) {
	if prev == nil || r.cursor == 0 {
		return // the first read: the cursor comes from the store
	}
	known := make(map[bot.RecipeID]bool, len(prev))
	for _, rc := range prev {
		known[rc.ID] = true
	}
	for _, rc := range r.on {
		if known[rc.ID] || rc.Since >= r.cursor {
			continue
		}
		if r.replay == nil {
			r.replay = map[bot.RecipeID]bool{}
		}
		r.replay[rc.ID] = true
		r.replayTo = max(r.replayTo, r.cursor)
		r.cursor = rc.Since
	}
}

// Decide returns the runs that events, just recorded on conversation c
// of contact ct (nil when unknown), start, from memory only: it is called
// inside the intake's transaction (threads' Plan), so that the runs a
// message starts are durable with it and its recipes decided when it is.
// The intake calls written, when not nil, once the runs are written with
// the message. Decide leaves to the planner what needs the store (a recipe
// with business hours: its calendar) or the history (a run the loop guard
// stops), and everything before the planner first read the recipes. The
// planner passes by the events decided whole with the same recipes, and
// the runs written for the others.
func (r *Runner) Decide(c *bot.Conversation, ct *bot.Contact, evs []*bot.Event) (runs []*bot.RecipeRun, written func()) {
	r.init()
	set := r.snap.Load()
	if set == nil || c == nil || r.stale.Load() || len(evs) == 0 {
		return nil, nil // not read yet, or changed since: the planner decides
	}
	now := r.Clock.Now()
	whole := true
	r.gmu.Lock()
	defer r.gmu.Unlock()
	for _, e := range evs {
		var env *Env
		for _, rc := range set.on {
			if e.Seq <= rc.Since || !Triggers(rc, e) || e.By.Recipe == rc.Name {
				continue
			}
			if rc.Hours != "" {
				whole = false // its calendar is in the store: the planner decides
				continue
			}
			m, _ := r.matcher(rc)
			if m == nil {
				continue
			}
			if env == nil {
				env = NewEnv(e, c, ct)
			}
			if ok, err := m.Match(env); err != nil || !ok {
				continue
			}
			depth := e.By.Depth + 1
			if r.guard(c.ID, depth, now) != "" {
				whole = false // the planner stops it, and says so in the history
				continue
			}
			r.recent[c.ID] = append(r.recent[c.ID], now) // a write that fails counts too: the guard errs on the safe side
			runs = append(runs, &bot.RecipeRun{Recipe: rc.ID, Event: e.Seq, ConversationID: c.ID, Due: now.UTC(), Depth: depth, Version: rc.UpdatedAt})
		}
	}
	return runs, func() { r.decidedWith(set, evs, runs, whole) }
}

// decidedWith records that Decide's decision on evs, made with set, was
// written with the message: the planner, meeting the same recipe on the
// same event, passes it by (neither written again nor counted twice by
// the guard), and the executor is woken.
func (r *Runner) decidedWith(set *recipeSet, evs []*bot.Event, runs []*bot.RecipeRun, whole bool) {
	r.dmu.Lock()
	for _, e := range evs {
		r.decided[e.Seq] = &decision{set: set, whole: whole}
	}
	for _, run := range runs {
		d := r.decided[run.Event]
		d.runs = append(d.runs, run.Recipe)
	}
	r.dmu.Unlock()
	if len(runs) > 0 {
		signal(r.due)
	}
	if whole && r.Settled != nil {
		seqs := make([]uint64, len(evs))
		for i, e := range evs {
			seqs[i] = e.Seq
		}
		r.Settled(seqs)
	}
}

// forgetDecided drops the decisions on events up to seq, once there are
// many: those the planner met before the intake said they were written.
func (r *Runner) forgetDecided(seq uint64) {
	r.dmu.Lock()
	defer r.dmu.Unlock()
	if len(r.decided) < 4096 {
		return
	}
	for k := range r.decided {
		if k <= seq {
			delete(r.decided, k)
		}
	}
}

// takeDecision returns and forgets Decide's decision on event seq, nil
// when there was none.
func (r *Runner) takeDecision(seq uint64) *decision {
	r.dmu.Lock()
	defer r.dmu.Unlock()
	d := r.decided[seq]
	if d != nil {
		delete(r.decided, seq)
	}
	return d
}

// matcher returns recipe rc's compiled condition, compiled once per
// version.
func (r *Runner) matcher(rc *Recipe) (Matcher, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.compiled[rc.ID]; ok && c.version.Equal(rc.UpdatedAt) {
		return c.m, c.err
	}
	m, err := compile(r.Compiler, rc.Expr)
	r.compiled[rc.ID] = compiled{version: rc.UpdatedAt, m: m, err: err}
	return m, err
}

// plan reads the events after the cursor and plans a run per recipe they
// start whose condition holds, one page at a time: the page's runs, the
// guard's notes and the cursor are written together. A page that plans
// nothing writes nothing: the cursor is kept at least every second (and
// with force), since events planned again plan nothing twice.
func (r *Runner) plan(ctx context.Context, force bool) error {
	recipes, err := r.enabled(ctx)
	if err != nil || len(recipes) == 0 {
		return err
	}
	if r.cursor == 0 {
		if r.cursor, err = r.Store.RecipeCursor(ctx); err != nil {
			return err
		}
		r.saved = r.cursor
	}
	r.cursor = max(r.cursor, r.since)
	for {
		evs, err := r.Store.Events(ctx, r.cursor, eventPage)
		if err != nil {
			return err
		}
		if len(evs) == 0 {
			return r.saveCursor(ctx, force)
		}
		var runs []*bot.RecipeRun
		var notes []*bot.Event
		convs := map[bot.ConversationID]*bot.Conversation{}
		contacts := map[bot.ContactID]*bot.Contact{}
		calendars := map[string]*schedule.Calendar{}
		matchers := map[bot.RecipeID]Matcher{}
		now := r.Clock.Now()
		for _, e := range evs {
			d := r.takeDecision(e.Seq)
			if d != nil && d.whole && d.set == r.snap.Load() {
				continue // decided whole with the message, by these recipes
			}
			var env *Env // built once per event, for the recipes it starts
			for _, rc := range recipes {
				if e.Seq <= rc.Since || !Triggers(rc, e) || e.By.Recipe == rc.Name {
					continue // not its event, or its own doing
				}
				if e.Seq <= r.replayTo && !r.replay[rc.ID] {
					continue // read again for a recipe enabled late, not for this one
				}
				in, err := r.inHours(ctx, rc, e.At, calendars)
				if err != nil {
					return err // the store failed: the page is planned again
				}
				if !in {
					continue
				}
				c, err := r.conversationOf(ctx, e, convs)
				if err != nil {
					return err
				}
				if c == nil {
					continue // recipes act on conversations
				}
				m, ok := matchers[rc.ID]
				if !ok {
					m, _ = r.matcher(rc) // nil: refused at save, so only an older herald's recipe
					matchers[rc.ID] = m
				}
				if m == nil {
					continue
				}
				if env == nil {
					ct, err := r.contactOf(ctx, c, contacts)
					if err != nil {
						return err
					}
					env = NewEnv(e, c, ct)
				}
				if ok, err := m.Match(env); err != nil || !ok {
					continue
				}
				if d != nil && slices.Contains(d.runs, rc.ID) {
					continue // written with the message, in its own transaction
				}
				depth := e.By.Depth + 1
				r.gmu.Lock()
				why := r.guard(c.ID, depth, now)
				if why != "" {
					if note := r.stopped(rc, c, why, now); note != nil {
						notes = append(notes, note)
					}
				} else {
					r.recent[c.ID] = append(r.recent[c.ID], now)
				}
				r.gmu.Unlock()
				if why != "" {
					continue
				}
				runs = append(runs, &bot.RecipeRun{Recipe: rc.ID, Event: e.Seq, ConversationID: c.ID, Due: now.UTC(), Depth: depth, Version: rc.UpdatedAt})
			}
		}
		// The cursor moves once the page's runs are written: a failure
		// plans the page again (and what it planned, nothing twice).
		next := evs[len(evs)-1].Seq
		if len(runs) > 0 || len(notes) > 0 {
			if err := r.Store.PlanRecipeRuns(ctx, next, runs, notes); err != nil {
				return err
			}
			r.cursor, r.saved, r.savedAt = next, next, r.Clock.Now()
			signal(r.due)
		} else {
			r.cursor = next
			if err := r.saveCursor(ctx, false); err != nil {
				return err
			}
		}
		if r.stale.Load() { // a recipe changed: read them again for the next page
			if recipes, err = r.enabled(ctx); err != nil || len(recipes) == 0 {
				return err
			}
		}
		if r.cursor >= r.replayTo {
			r.replay, r.replayTo = nil, 0
		}
		r.forgetDecided(r.cursor)
		if r.Planned != nil {
			r.Planned(r.cursor, len(runs))
		}
	}
}

// saveCursor writes the cursor when it moved and a second passed since it
// was last written, or now with force.
func (r *Runner) saveCursor(ctx context.Context, force bool) error {
	if r.cursor == r.saved || !force && r.Clock.Now().Sub(r.savedAt) < time.Second {
		return nil
	}
	if err := r.Store.PlanRecipeRuns(ctx, r.cursor, nil, nil); err != nil {
		return err
	}
	r.saved, r.savedAt = r.cursor, r.Clock.Now()
	return nil
}

// inHours reports whether recipe rc runs at t: always, or during or
// outside its calendar's hours. A calendar gone runs nothing (a calendar a
// recipe uses cannot be deleted, but a store from before could lack it);
// an error is the store's.
func (r *Runner) inHours(ctx context.Context, rc *Recipe, t time.Time, cache map[string]*schedule.Calendar) (bool, error) {
	if rc.Hours == "" {
		return true, nil
	}
	cal, ok := cache[rc.Calendar]
	if !ok {
		var err error
		if cal, err = r.Store.Calendar(ctx, rc.Calendar); bot.ErrorCode(err) == bot.ENOTFOUND {
			r.Log.Warn("recipes: a recipe's calendar is gone", "recipe", rc.Name, "calendar", rc.Calendar)
		} else if err != nil {
			return false, err
		}
		cache[rc.Calendar] = cal
	}
	return cal != nil && schedule.Open(cal, t) == (rc.Hours == "during"), nil
}

// guard says why a run at depth on conversation id may not start ("" when
// it may): checked once a recipe matched, for the runs it would make.
func (r *Runner) guard(id bot.ConversationID, depth int, now time.Time) string {
	if depth > r.MaxDepth {
		return "stopped: recipes triggered one another " + strconv.Itoa(r.MaxDepth) + " times in a row"
	}
	if now.Sub(r.swept) >= r.RateWindow {
		r.sweep(now)
	}
	kept := r.recent[id][:0]
	for _, at := range r.recent[id] {
		if now.Sub(at) < r.RateWindow {
			kept = append(kept, at)
		}
	}
	r.recent[id] = kept
	if len(kept) >= r.Rate {
		return "stopped: " + strconv.Itoa(r.Rate) + " recipe runs on this conversation within " + r.RateWindow.String()
	}
	return ""
}

// sweep forgets the conversations with no run and the stops told within
// RateWindow of now, so that the guard's memory follows the conversations
// active lately, not every one since the start. r.gmu is held.
func (r *Runner) sweep(now time.Time) {
	r.swept = now
	for id, ats := range r.recent {
		if !slices.ContainsFunc(ats, func(at time.Time) bool { return now.Sub(at) < r.RateWindow }) {
			delete(r.recent, id)
		}
	}
	for key, at := range r.told {
		if now.Sub(at) >= r.RateWindow {
			delete(r.told, key)
		}
	}
}

// stopped is the history note of a run the guard stopped: one per recipe
// and conversation per RateWindow, so that a loop does not flood the
// history.
func (r *Runner) stopped(rc *Recipe, c *bot.Conversation, why string, now time.Time) *bot.Event {
	key := [2]uint64{uint64(rc.ID), uint64(c.ID)}
	if at, ok := r.told[key]; ok && now.Sub(at) < r.RateWindow {
		return nil
	}
	r.told[key] = now
	r.Log.Warn("recipes: a run was stopped", "recipe", rc.Name, "conversation", c.ID, "why", why)
	return &bot.Event{Type: bot.EventRecipeAction, Subject: c.Participant, ContactID: c.ContactID, ConversationID: c.ID,
		By: bot.Actor{Recipe: rc.Name}, Data: map[string]string{"recipe": rc.Name, "what": why}}
}

// conversationOf returns the conversation event e happened in: its own,
// or its subject's; nil when none. An error is the store's (not a
// conversation missing): the page is then planned again.
func (r *Runner) conversationOf(ctx context.Context, e *bot.Event, cache map[bot.ConversationID]*bot.Conversation) (*bot.Conversation, error) {
	id := e.ConversationID
	if id == 0 {
		if e.Subject.IsZero() {
			return nil, nil
		}
		c, err := r.Store.ConversationByParticipant(ctx, e.Subject)
		if err != nil {
			return nil, notFoundIsNil(err)
		}
		cache[c.ID] = c
		return c, nil
	}
	if c, ok := cache[id]; ok {
		return c, nil
	}
	c, err := r.Store.Conversation(ctx, id)
	if err != nil {
		return nil, notFoundIsNil(err)
	}
	cache[id] = c
	return c, nil
}

// contactOf returns c's contact, nil when it has none; an error is the
// store's.
func (r *Runner) contactOf(ctx context.Context, c *bot.Conversation, cache map[bot.ContactID]*bot.Contact) (*bot.Contact, error) {
	if c.ContactID == 0 {
		return nil, nil
	}
	if ct, ok := cache[c.ContactID]; ok {
		return ct, nil
	}
	ct, err := r.Store.Contact(ctx, c.ContactID)
	if err != nil {
		if err = notFoundIsNil(err); err != nil {
			return nil, err
		}
		ct = nil
	}
	cache[c.ContactID] = ct
	return ct, nil
}

// notFoundIsNil is err, unless it says that something is not there.
func notFoundIsNil(err error) error {
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return nil
	}
	return err
}

// execute runs the runs due, each from its step until it ends or waits.
func (r *Runner) execute(ctx context.Context) error {
	for {
		due, err := r.Store.DueRecipeRuns(ctx, r.Clock.Now(), runPage)
		if err != nil || len(due) == 0 {
			return err
		}
		for _, run := range due {
			if err := r.runOne(ctx, run); err != nil {
				return err
			}
		}
		if len(due) < runPage {
			return nil
		}
	}
}

// runOne runs run's actions from its step. A wait saves the run due
// later, and the condition is checked again, on the conversation as it
// then is, before the step after it. A reply (or a draft) is marked done
// before it is sent, so that a crash never sends it twice.
func (r *Runner) runOne(ctx context.Context, run *bot.RecipeRun) error {
	rc, err := r.Store.Recipe(ctx, run.Recipe)
	if bot.ErrorCode(err) == bot.ENOTFOUND || err == nil && !rc.Enabled {
		return r.Store.AdvanceRecipeRun(ctx, run, true, nil) // deleted or turned off meanwhile
	}
	if err != nil {
		return err
	}
	if !run.Version.IsZero() && !run.Version.Equal(rc.UpdatedAt) {
		// Its steps are not what they were when it began (a wait may be
		// gone, an action added): it stops, and says so.
		c, _ := r.Store.Conversation(ctx, run.ConversationID)
		return r.Store.AdvanceRecipeRun(ctx, run, true, r.note(rc, c, run, "stopped: the recipe changed since this run began"))
	}
	by := bot.Actor{Recipe: rc.Name, Depth: run.Depth}
	for step := run.Step; step < len(rc.Actions); step++ {
		a := rc.Actions[step]
		if step > 0 && rc.Actions[step-1].Kind == RecipeWait {
			holds, why, err := r.stillHolds(ctx, rc, run)
			if err != nil {
				return err
			}
			if !holds {
				c, _ := r.Store.Conversation(ctx, run.ConversationID)
				return r.Store.AdvanceRecipeRun(ctx, run, true, r.note(rc, c, run, why))
			}
		}
		if a.Kind == RecipeDraft || a.Kind == RecipeApproval {
			// A card in the thread: a conversation's first message starts
			// recipes before the outbox opened its thread. Wait for it a
			// while (then the draft is kept without its card; a note
			// without a thread is kept in the history only).
			if wait := r.threadWait(ctx, run); wait {
				run.Step, run.Due = step, r.Clock.Now().Add(threadPoll).UTC()
				return r.Store.AdvanceRecipeRun(ctx, run, false, nil)
			}
		}
		switch a.Kind {
		case RecipeWait:
			run.Step, run.Due = step+1, r.Clock.Now().Add(a.Wait).UTC()
			return r.Store.AdvanceRecipeRun(ctx, run, false, nil)
		case RecipeReply, RecipeDraft, RecipeApproval, RecipeSurvey:
			run.Step = step + 1
			if err := r.Store.AdvanceRecipeRun(ctx, run, step+1 == len(rc.Actions), nil); err != nil {
				return err
			}
		}
		act := r.Conversations.Act
		switch a.Kind {
		case RecipeNotify:
			act = func(ctx context.Context, id bot.ConversationID, _ bot.Actor, a Action) error {
				return r.notify(ctx, rc, step, id, a)
			}
		case RecipeWebhook:
			act = func(ctx context.Context, id bot.ConversationID, _ bot.Actor, a Action) error {
				return r.webhook(ctx, rc, run, step, a)
			}
		}
		if err := act(ctx, run.ConversationID, by, a); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			r.Log.Warn("recipes: an action failed", "recipe", rc.Name, "conversation", run.ConversationID, "action", a.Kind, "err", err)
			c, _ := r.Store.Conversation(ctx, run.ConversationID)
			why := "action " + strconv.Itoa(step+1) + " (" + string(a.Kind) + ") failed: " + bot.ErrorMessage(err)
			return r.Store.AdvanceRecipeRun(ctx, run, true, r.note(rc, c, run, why))
		}
		if (a.Kind == RecipeReply || a.Kind == RecipeDraft || a.Kind == RecipeApproval || a.Kind == RecipeSurvey) && step+1 == len(rc.Actions) {
			return nil // ended when marked
		}
	}
	return r.Store.AdvanceRecipeRun(ctx, run, true, nil)
}

// notify counts one more item for recipe rc's notify action at step and,
// when a notification is due, queues it to each address in the outbox
// (durably, with the count). The text may name the conversation
// ({{conversation}}), the participant ({{contact}}), how many items it
// tells of ({{count}}) and the recipe ({{recipe}}).
func (r *Runner) notify(ctx context.Context, rc *Recipe, step int, id bot.ConversationID, a Action) error {
	c, err := r.Store.Conversation(ctx, id)
	if err != nil {
		return err
	}
	who := c.Participant.String()
	if ct, _ := r.contactOf(ctx, c, map[bot.ContactID]*bot.Contact{}); ct != nil && ct.Name != "" {
		who = ct.Name + " (" + who + ")"
	}
	posts := func(count int) []*bot.Outgoing {
		text := strings.NewReplacer("{{conversation}}", "#"+strconv.FormatUint(uint64(id), 10), "{{contact}}", who,
			"{{count}}", strconv.Itoa(max(1, count)), "{{recipe}}", rc.Name).Replace(a.Text)
		var out []*bot.Outgoing
		for _, to := range a.Notify {
			out = append(out, &bot.Outgoing{Class: bot.ClassInteractive, Kind: bot.OutgoingMessage, Platform: to.Platform, To: to,
				Lane: "notify:" + to.String(), Message: bot.Message{Kind: bot.KindImportant, Text: text}})
		}
		return out
	}
	key := "recipe:" + strconv.FormatUint(uint64(rc.ID), 10) + "/" + strconv.Itoa(step)
	fired, err := r.Store.TickNotify(ctx, key, a.Every, a.AtMost, r.Clock.Now(), posts)
	if err != nil || !fired {
		return err
	}
	if r.Queued != nil {
		r.Queued()
	}
	var to []string
	for _, addr := range a.Notify {
		to = append(to, addr.String())
	}
	return r.Store.AppendEvent(ctx, &bot.Event{Type: bot.EventRecipeAction, Subject: c.Participant, ContactID: c.ContactID, ConversationID: id,
		By: bot.Actor{Recipe: rc.Name}, Data: map[string]string{"recipe": rc.Name, "what": "notified " + strings.Join(to, ", ")}})
}

// webhook queues a delivery of recipe rc's webhook action at step of run:
// what happened, frozen now, under a message id made of the run and the
// step, so that the step replayed after a crash queues nothing twice.
func (r *Runner) webhook(ctx context.Context, rc *Recipe, run *bot.RecipeRun, step int, a Action) error {
	w, err := r.Store.Webhook(ctx, a.Webhook)
	if err != nil {
		return err
	}
	c, err := r.Store.Conversation(ctx, run.ConversationID)
	if err != nil {
		return err
	}
	var trigger *bot.Event
	if evs, err := r.Store.Events(ctx, run.Event-1, 1); err == nil && len(evs) == 1 {
		trigger = evs[0]
	}
	vars := a.Vars
	if len(vars) == 0 {
		vars = w.Vars
	}
	now := r.Clock.Now().UTC()
	ct, err := r.contactOf(ctx, c, map[bot.ContactID]*bot.Contact{})
	if err != nil {
		return err
	}
	body, err := Payload(rc.Name, vars, trigger, c, ct, now)
	if err != nil {
		return err
	}
	d := &webhooks.Delivery{MsgID: "msg_r" + strconv.FormatUint(run.ID, 10) + "s" + strconv.Itoa(step), Webhook: w.Name, Body: body,
		ConversationID: c.ID, Recipe: rc.Name}
	if err := r.Store.EnqueueWebhooks(ctx, []*webhooks.Delivery{d}); err != nil {
		return err
	}
	if r.WebhooksQueued != nil {
		r.WebhooksQueued()
	}
	return r.Store.AppendEvent(ctx, &bot.Event{Type: bot.EventRecipeAction, Subject: c.Participant, ContactID: c.ContactID, ConversationID: c.ID,
		By: bot.Actor{Recipe: rc.Name}, Data: map[string]string{"recipe": rc.Name, "what": "called webhook " + w.Name}})
}

// How long, and how often, a step shown in the thread waits for the
// thread to open.
const (
	threadPatience = 10 * time.Minute
	threadPoll     = 2 * time.Second
)

// threadWait reports whether run's conversation has no thread yet and its
// trigger is recent enough to wait for one.
func (r *Runner) threadWait(ctx context.Context, run *bot.RecipeRun) bool {
	c, err := r.Store.Conversation(ctx, run.ConversationID)
	if err != nil || !c.Thread.IsZero() {
		return false
	}
	evs, err := r.Store.Events(ctx, run.Event-1, 1)
	return err == nil && len(evs) == 1 && r.Clock.Now().Sub(evs[0].At) < threadPatience
}

// note is a history line of recipe rc on conversation id.
func (r *Runner) note(rc *Recipe, c *bot.Conversation, run *bot.RecipeRun, what string) []*bot.Event {
	e := &bot.Event{Type: bot.EventRecipeAction, ConversationID: run.ConversationID, By: bot.Actor{Recipe: rc.Name, Depth: run.Depth},
		Data: map[string]string{"recipe": rc.Name, "what": what}}
	if c != nil {
		e.Subject, e.ContactID = c.Participant, c.ContactID
	}
	return []*bot.Event{e}
}

// stillHolds checks rc's condition again, after a wait, on the
// conversation and contact as they are now; an error is the store's (the
// run is tried again later).
func (r *Runner) stillHolds(ctx context.Context, rc *Recipe, run *bot.RecipeRun) (bool, string, error) {
	c, err := r.Store.Conversation(ctx, run.ConversationID)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		return false, "stopped after the wait: the conversation is gone", nil
	}
	if err != nil {
		return false, "", err
	}
	evs, err := r.Store.Events(ctx, run.Event-1, 1)
	if err != nil {
		return false, "", err
	}
	var trigger *bot.Event
	if len(evs) == 1 {
		trigger = evs[0]
	}
	m, err := r.matcher(rc)
	if err != nil {
		return false, "stopped after the wait: " + bot.ErrorMessage(err), nil
	}
	ct, err := r.contactOf(ctx, c, map[bot.ContactID]*bot.Contact{})
	if err != nil {
		return false, "", err
	}
	if ok, err := m.Match(NewEnv(trigger, c, ct)); err != nil || !ok {
		return false, "stopped after the wait: the condition no longer holds", nil
	}
	return true, "", nil
}
