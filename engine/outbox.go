package engine

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
)

// OutboxStore is what the outbox reads and writes.
type OutboxStore = bot.OutboxStore

// Relays is what the outbox needs of participant threads (package
// bot/threads): posting one conversation's relayed messages in its thread
// on m, opening the thread first when it has none. first is the lane's
// head; wait waits for the budget before each post, given where it goes
// (a channel as a ThreadRef without ID, or a thread); take, called once
// the post can go, returns the relays it carries — every one waiting by
// then, so that messages arriving while the thread waited for its turn go
// in the same post.
type Relays interface {
	Relay(ctx context.Context, m bot.Messenger, first *bot.Outgoing, take func() []*bot.Outgoing, wait func(bot.ThreadRef) error) error
}

// Outbox posts what the store's outbox holds: relayed participant
// messages (opening their thread first when it has none), posts in
// threads, messages and card edits. Each post waits for its platform's
// budget as interactive traffic, ahead of campaign sends; posts of one
// lane go one at a time and in order; when several relays of one
// conversation wait, they go as one post; of several edits of one message
// only the last is made. A post stays in the store until the platform
// took it: 429s pause the platform without counting as a failure,
// passing errors are retried with backoff, and a restart resumes what
// was waiting. It is safe for concurrent use.
type Outbox struct {
	Store   OutboxStore
	Posters map[bot.Platform]bot.Messenger
	Relays  Relays
	Budget  *Budget
	Clock   clock.Clock
	Log     *slog.Logger
	// Workers bounds the posts in progress at once; 0 means 8.
	Workers int
	// Window bounds the waiting posts held in memory (0:
	// DefaultOutboxWindow); the rest wait in the store.
	Window int
	// Linger holds a participant's first relay this long on a platform
	// with limits, so that messages written together (one after another,
	// within moments) go in one post rather than spend the platform's
	// budget one by one; 0 posts at once.
	Linger time.Duration
	// Report, when set, is told of a post that failed for a reason a
	// person must fix (a channel herald is not in, a missing scope).
	Report func(p bot.Platform, err error)
	// Posted, when set, is told of every post tried (for metrics; it must
	// not block): its platform, its outcome ("posted", "retry",
	// "rate_limited", "refused"), how many outbox records it carried, and
	// how long the oldest of them waited since it was queued.
	Posted func(p bot.Platform, outcome string, records int, waited time.Duration)

	mu      sync.Mutex
	lanes   map[string]*lane
	ready   []*lane // lanes whose head is due, not being posted
	held    map[uint64]bool
	last    uint64 // the highest post ID loaded
	wake    chan struct{}
	started bool
}

// lane is the posts of one lane, waiting in ID order.
type lane struct {
	key    string
	posts  []*bot.Outgoing
	busy   bool
	queued bool // in ready
}

// maxPostTries is how many passing failures a post meets before the
// outbox keeps trying at its slowest pace (it never drops what a person
// wrote).
const maxBackoff = 5 * time.Minute

func (o *Outbox) init() {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.lanes == nil {
		o.lanes, o.held = map[string]*lane{}, map[uint64]bool{}
		o.wake = make(chan struct{}, 1)
		if o.Log == nil {
			o.Log = slog.New(slog.DiscardHandler)
		}
	}
}

// Wake tells the outbox that posts were added to the store. Safe to call
// from any goroutine, before or while Run runs.
func (o *Outbox) Wake() {
	o.init()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// Run posts until ctx ends, then lets the posts in progress finish and
// returns. Posts left waiting stay in the store for the next run.
func (o *Outbox) Run(ctx context.Context) error {
	o.init()
	workers := o.Workers
	if workers <= 0 {
		workers = 8
	}
	work := make(chan *lane)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for l := range work {
				o.post(ctx, l)
			}
		}()
	}
	defer func() {
		close(work)
		wg.Wait()
	}()
	for {
		if err := o.load(ctx); err != nil && ctx.Err() == nil {
			o.Log.Error("outbox: reading waiting posts", "err", err)
		}
		next := o.dispatch(ctx, work)
		if ctx.Err() != nil {
			return nil
		}
		wait := time.Minute // a safety poll: Wake and the posts' own times drive the loop
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(o.Clock.Now()), 0))
		}
		t := o.Clock.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-o.wake:
			t.Stop()
		case <-t.C():
		}
	}
}

// DefaultOutboxWindow bounds the waiting posts the outbox holds in
// memory unless told otherwise; the rest wait in the store, read in ID
// order as the held ones are posted.
const DefaultOutboxWindow = 4096

// load reads the posts added to the store since the last load into their
// lanes, up to Window held: a backlog (a crowd behind a surface's
// limit) waits in the store, not in memory. Posts are read in ID order,
// so each lane still holds its posts in order.
func (o *Outbox) load(ctx context.Context) error {
	for {
		o.mu.Lock()
		window := o.Window
		if window <= 0 {
			window = DefaultOutboxWindow
		}
		after, room := o.last, window-len(o.held)
		o.mu.Unlock()
		if room <= 0 {
			return nil
		}
		page, err := o.Store.Outbox(ctx, after, min(1000, room))
		if err != nil {
			return err
		}
		if len(page) == 0 {
			return nil
		}
		o.mu.Lock()
		for _, p := range page {
			o.last = max(o.last, p.ID)
			if o.held[p.ID] {
				continue
			}
			o.held[p.ID] = true
			key := p.Lane
			if key == "" {
				key = "#" + strconv.FormatUint(p.ID, 10)
			}
			l := o.lanes[key]
			if l == nil {
				l = &lane{key: key}
				o.lanes[key] = l
			}
			l.posts = append(l.posts, p)
		}
		o.mu.Unlock()
	}
}

// dispatch hands every lane whose head is due to the workers and returns
// when the next waiting post is due (zero when none waits).
func (o *Outbox) dispatch(ctx context.Context, work chan<- *lane) time.Time {
	now := o.Clock.Now()
	var due []*lane
	var next time.Time
	o.mu.Lock()
	for _, l := range o.lanes {
		if l.busy || len(l.posts) == 0 {
			continue
		}
		at := l.posts[0].Due
		if head := l.posts[0]; head.Kind == bot.OutgoingRelay && o.Linger > 0 && o.Budget.Limited(head.Platform) {
			at = maxTime(at, head.CreatedAt.Add(o.Linger))
		}
		if at.After(now) {
			if next.IsZero() || at.Before(next) {
				next = at
			}
			continue
		}
		l.busy = true
		due = append(due, l)
	}
	o.mu.Unlock()
	// Interactive lanes first, then in the order their heads were queued.
	sort.Slice(due, func(i, j int) bool {
		a, b := due[i].posts[0], due[j].posts[0]
		if a.Class != b.Class {
			return a.Class < b.Class
		}
		return a.ID < b.ID
	})
	for i, l := range due {
		select {
		case work <- l:
		case <-ctx.Done():
			o.mu.Lock()
			for _, l := range due[i:] {
				l.busy = false
			}
			o.mu.Unlock()
			return next
		}
	}
	return next
}

// post makes the lane's next post (a batch of relays, or the last of
// several edits, counts as one) and records the outcome.
func (o *Outbox) post(ctx context.Context, l *lane) {
	o.mu.Lock()
	batch := headBatch(l.posts, o.Clock.Now())
	o.mu.Unlock()
	take := func() []*bot.Outgoing {
		o.mu.Lock()
		defer o.mu.Unlock()
		batch = headBatch(l.posts, o.Clock.Now())
		return batch
	}
	err := o.send(ctx, batch[0], take, batch)
	now := o.Clock.Now()
	ids := make([]uint64, len(batch))
	for i, p := range batch {
		ids[i] = p.ID
	}
	var retry []*bot.Outgoing
	outcome := "posted"
	defer func() {
		if o.Posted != nil && ctx.Err() == nil {
			o.Posted(batch[0].Platform, outcome, len(batch), now.Sub(batch[0].CreatedAt))
		}
	}()
	switch {
	case err == nil:
	case ctx.Err() != nil:
		o.release(l, nil, nil)
		return // stopping: the posts wait in the store
	case isPause(err):
		// A 429: the budget was paused; the posts go when it allows.
		outcome = "rate_limited"
		o.release(l, nil, nil)
		o.Wake()
		return
	case bot.ErrorCode(err) == bot.EUNAVAILABLE || batch[0].Kind == bot.OutgoingRelay:
		// Passing, or a relay (what a person wrote is never dropped):
		// try again later, slower each time.
		outcome = "retry"
		for _, p := range batch {
			q := *p
			q.Tries++
			q.LastError = bot.ErrorMessage(err)
			q.Due = now.Add(backoff(q.Tries))
			retry = append(retry, &q)
		}
		ids = nil
		if bot.ErrorCode(err) != bot.EUNAVAILABLE && o.Report != nil {
			o.Report(batch[0].Platform, err)
		}
		o.Log.Warn("outbox: a post failed, trying again", "lane", l.key, "posts", len(batch), "tries", retry[0].Tries, "err", err)
	default:
		// A permanent refusal of a post nobody wrote (an answer, an edit):
		// said in the log and on the status board, then dropped.
		outcome = "refused"
		o.Log.Error("outbox: a post was refused", "lane", l.key, "kind", batch[0].Kind, "err", err)
		if o.Report != nil {
			o.Report(batch[0].Platform, err)
		}
	}
	// The outcome is written before the lane moves on: a crash now posts
	// the batch again rather than lose it.
	for {
		werr := o.Store.Settle(context.WithoutCancel(ctx), ids, retry)
		if werr == nil {
			break
		}
		o.Log.Error("outbox: recording a post", "err", werr)
		if clock.Sleep(ctx, o.Clock, time.Second) != nil {
			break
		}
	}
	o.release(l, batch, retry)
	o.Wake()
}

// release frees the lane: posts done leave it, posts to retry replace
// theirs.
func (o *Outbox) release(l *lane, batch, retry []*bot.Outgoing) {
	o.mu.Lock()
	defer o.mu.Unlock()
	l.busy = false
	if len(batch) == 0 {
		return
	}
	if len(retry) > 0 {
		copy(l.posts, retry) // the batch is the lane's head
		return
	}
	for _, p := range batch {
		delete(o.held, p.ID)
	}
	l.posts = l.posts[len(batch):]
	if len(l.posts) == 0 {
		delete(o.lanes, l.key)
	}
}

// headBatch returns the lane's next post with what goes with it: every
// due relay of the same conversation after a relay, every due edit of the
// same message after an edit (only the last is made), or the post alone.
func headBatch(posts []*bot.Outgoing, now time.Time) []*bot.Outgoing {
	head := posts[0]
	n := 1
	switch head.Kind {
	case bot.OutgoingRelay, bot.OutgoingEdit:
		for n < len(posts) && posts[n].Kind == head.Kind && !posts[n].Due.After(now) &&
			posts[n].ConversationID == head.ConversationID && posts[n].Edit == head.Edit {
			n++
		}
	}
	return slices.Clone(posts[:n])
}

// backoff is how long a post waits after its tries-th failure: doubling
// from a second, with jitter, at most maxBackoff.
func backoff(tries int) time.Duration {
	d := time.Second << min(tries-1, 12)
	d = min(d, maxBackoff)
	return d/2 + rand.N(d/2+1)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// isPause reports whether err is a platform asking herald to slow down.
func isPause(err error) bool {
	_, ok := bot.ErrorRetryAfter(err)
	return ok
}

// send posts a batch on its platform, waiting for the budget first; a
// 429 pauses the platform's budget.
func (o *Outbox) send(ctx context.Context, head *bot.Outgoing, take func() []*bot.Outgoing, batch []*bot.Outgoing) error {
	m, ok := o.Posters[head.Platform]
	if !ok {
		return bot.Errorf(bot.EUNAVAILABLE, "%s is not connected to herald", head.Platform)
	}
	err := o.sendOn(ctx, m, head, take, batch)
	if d, ok := bot.ErrorRetryAfter(err); ok {
		o.Budget.For(head.Platform).Pause(d)
	}
	return err
}

func (o *Outbox) sendOn(ctx context.Context, m bot.Messenger, head *bot.Outgoing, take func() []*bot.Outgoing, batch []*bot.Outgoing) error {
	wait := func(chat bot.Address) error {
		return o.Budget.For(head.Platform).WaitClass(ctx, head.Class, chatKey(chat))
	}
	switch head.Kind {
	case bot.OutgoingRelay:
		return o.Relays.Relay(ctx, m, head, take, func(t bot.ThreadRef) error { return wait(threadChat(t)) })
	case bot.OutgoingThreadPost:
		tp, ok := m.(bot.ThreadPoster)
		if !ok {
			return bot.Errorf(bot.EINVALID, "%s has no threads", head.Platform)
		}
		if err := wait(threadChat(head.Thread)); err != nil {
			return err
		}
		_, err := tp.PostInThread(ctx, head.Thread, head.Message)
		return err
	case bot.OutgoingEdit:
		ed, ok := m.(bot.MessageEditor)
		if !ok {
			return bot.Errorf(bot.EINVALID, "%s cannot edit messages", head.Platform)
		}
		last := batch[len(batch)-1]
		if err := wait(last.Edit.Channel); err != nil {
			return err
		}
		return ed.EditMessage(ctx, last.Edit, last.Message)
	default: // bot.OutgoingMessage
		if err := wait(head.To); err != nil {
			return err
		}
		_, err := m.Send(ctx, head.To, head.Message)
		return err
	}
}

// threadChat is the chat a post in t (or, for a t without ID, in its
// channel) counts against: the channel, except on Discord, where a thread
// is a channel of its own.
func threadChat(t bot.ThreadRef) bot.Address {
	if t.Channel.Platform == bot.PlatformDiscord && t.ID != "" {
		return bot.Address{Platform: bot.PlatformDiscord, ID: t.ID}
	}
	return t.Channel
}

// chatKey names a chat for the budget: a Teams channel's thread
// (19:…;messageid=…) counts with its channel, as Teams counts it.
func chatKey(a bot.Address) string {
	if a.Platform == bot.PlatformTeams {
		a.ID, _, _ = strings.Cut(a.ID, ";")
	}
	return a.String()
}
