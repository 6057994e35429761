package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
)

// poll receives updates by long polling until ctx ends. A batch is handled
// before the next getUpdates confirms it (its offset), so that a
// participant's message is recorded before Telegram forgets it; were
// herald to stop in between, the batch comes again and the intake's key
// keeps each message once. Updates of one chat are handled one at a time,
// in order; chats go in parallel. The moderators' group's updates are
// journaled and queued to a goroutine of their own (see serveGroup); when
// polling stops, the last batch handled is confirmed.
func (a *Adapter) poll(ctx context.Context) {
	// The moderators' group is served by a goroutine of its own, in order:
	// answers there wait for the group's budget (one a second, 20 a
	// minute), and participants' next messages must not wait for them.
	group, stop := a.serveGroup(ctx)
	defer stop()
	replayed := map[string]bool{}
	for _, g := range a.pending(ctx) {
		replayed[identity(g.u)] = true
		select {
		case group <- g:
		case <-ctx.Done():
		}
	}
	var offset int64
	defer func() { a.confirm(ctx, offset) }()
	wait := time.Second
	for ctx.Err() == nil {
		ups, err := a.getUpdates(ctx, offset, a.pollTimeout)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			a.log.Warn("telegram: getUpdates", "err", err, "retry_in", wait)
			if clock.Sleep(ctx, clock.System(), wait) != nil {
				return
			}
			wait = min(2*wait, time.Minute)
			continue
		}
		wait = time.Second
		if len(ups) == 0 {
			continue
		}
		complete := a.handleBatch(ctx, ups, group, replayed)
		clear(replayed) // Telegram sends what it has not seen confirmed first
		if !complete {
			// Cut short by the stop: Telegram sends the batch again (the
			// group's updates of it, handled, may then run twice).
			break
		}
		offset = ups[len(ups)-1].ID + 1
	}
}

// confirm tells Telegram, as polling stops, that the updates before offset
// were handled (the group's queued ones are in the journal), so that it
// does not send them again at the next start.
func (a *Adapter) confirm(ctx context.Context, offset int64) {
	if offset == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := a.getUpdates(ctx, offset, 0); err != nil {
		a.log.Warn("telegram: confirming the last updates", "err", err)
	}
}

// groupUpdate is an update of the moderators' group on its way to be
// handled: whether the journal keeps it, and, for one replayed, by how
// many starts (this one included).
type groupUpdate struct {
	u       *models.Update
	kept    bool
	replays int
	at      time.Time // when it came, for a replayed one
}

// serveGroup starts the goroutine that handles the moderators' group's
// updates sent to group, one at a time, in order, each forgotten by the
// journal once handled; stop closes group and waits for the goroutine.
// Once ctx ends, an update not started that the journal keeps stays there
// for the next start; the others, and the one in hand, are finished
// (within groupGrace of the stop): a command that ran is not run again
// because its answer waited for the group's budget.
func (a *Adapter) serveGroup(ctx context.Context) (group chan<- groupUpdate, stop func()) {
	ch := make(chan groupUpdate, 1024)
	served := make(chan struct{})
	go func() {
		defer close(served)
		for g := range ch {
			if ctx.Err() != nil && g.kept {
				continue // stopping: replayed at the next start
			}
			if g.replays > 0 {
				a.countReplay(g)
			}
			hctx, done := graced(ctx)
			unlock := a.lockChat(a.group) // webhook mode's updates of the group take it too
			a.update(hctx, nil, g.u)
			unlock()
			done()
			if g.kept {
				a.forget(g.u)
			}
		}
	}()
	return ch, func() {
		close(ch)
		<-served
	}
}

// groupGrace is how long handling goes on once polling is told to stop.
const groupGrace = 30 * time.Second

// graced returns a context that ends groupGrace after ctx does (done
// releases it): what was started when the stop came is finished, within
// bounds.
func graced(ctx context.Context) (context.Context, func()) {
	g, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var timer *time.Timer
	var mu sync.Mutex
	stop := context.AfterFunc(ctx, func() {
		mu.Lock()
		defer mu.Unlock()
		timer = time.AfterFunc(groupGrace, cancel)
	})
	return g, func() {
		stop()
		mu.Lock()
		if timer != nil {
			timer.Stop()
		}
		mu.Unlock()
		cancel()
	}
}

// handleBatch handles updates, each chat's in order, chats in parallel,
// and returns once all are handled — except the moderators' group's,
// which go in order to group, journaled. A group update in replayed (by
// identity) came from the journal already: Telegram sends it again when
// herald stopped before confirming it. Participants' updates started when
// ctx ends are finished within groupGrace. It reports whether every update
// of the batch was handled or queued, so that it may be confirmed.
func (a *Adapter) handleBatch(ctx context.Context, ups []*models.Update, group chan<- groupUpdate, replayed map[string]bool) (complete bool) {
	byChat := map[int64][]*models.Update{}
	var order []int64
	for _, u := range ups {
		c := chatOf(u)
		if a.group != 0 && c == a.group {
			if replayed[identity(u)] {
				continue
			}
			select {
			case group <- groupUpdate{u: u, kept: a.keep(u)}:
			case <-ctx.Done():
				return false // the rest not handled: not to be confirmed
			}
			continue
		}
		if _, ok := byChat[c]; !ok {
			order = append(order, c)
		}
		byChat[c] = append(byChat[c], u)
	}
	hctx, done := graced(ctx)
	defer done()
	var wg sync.WaitGroup
	for _, c := range order {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, u := range byChat[c] {
				a.update(hctx, nil, u)
			}
		}()
	}
	wg.Wait()
	return hctx.Err() == nil
}

// Journal keeps updates until they are handled (the store).
type Journal interface {
	Journal(ctx context.Context, key string, value []byte) error
	Unjournal(ctx context.Context, key string) error
	Journaled(ctx context.Context, prefix string) (map[string][]byte, error)
}

// journalPrefix starts the keys of the group's updates in the journal; the
// update's id follows, zero-padded, so that keys sort as updates came.
const journalPrefix = "telegram:"

func journalKey(u *models.Update) string { return fmt.Sprintf("%s%020d", journalPrefix, u.ID) }

// journaled is an update as the journal keeps it: when it came, and how
// many starts replayed it.
type journaled struct {
	At       time.Time      `json:"at"`
	Replayed int            `json:"replayed,omitempty"`
	Update   *models.Update `json:"update"`
}

// maxReplays is how many starts replay an update: one whose handling
// stops herald each time (a panic) is then forgotten.
const maxReplays = 3

// identity names an update by its id and what it carries (the chat and
// message, or the button press), so that an update Telegram numbers anew
// is not taken for another.
func identity(u *models.Update) string {
	switch {
	case u.Message != nil:
		return fmt.Sprintf("%d m%d/%d", u.ID, u.Message.Chat.ID, u.Message.ID)
	case u.CallbackQuery != nil:
		return fmt.Sprintf("%d q%s", u.ID, u.CallbackQuery.ID)
	}
	return fmt.Sprintf("%d", u.ID)
}

// keep journals an update of the moderators' group before it is queued,
// and reports whether the journal keeps it (a failure is logged: the
// update is then handled as before, lost if herald stops first).
func (a *Adapter) keep(u *models.Update) bool {
	if a.Journal == nil {
		return false
	}
	return a.journal(journaled{At: time.Now(), Update: u}) == nil
}

// journal writes j.
func (a *Adapter) journal(j journaled) error {
	raw, err := json.Marshal(j)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = a.Journal.Journal(ctx, journalKey(j.Update), raw)
	}
	if err != nil {
		a.log.Error("telegram: journaling an update", "err", err)
	}
	return err
}

// countReplay records that a start is handling the replayed update g: one
// that stops herald each time is dropped after maxReplays starts.
func (a *Adapter) countReplay(g groupUpdate) {
	if a.Journal != nil {
		a.journal(journaled{At: g.at, Replayed: g.replays, Update: g.u})
	}
}

// forget removes a handled update from the journal.
func (a *Adapter) forget(u *models.Update) {
	if a.Journal == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Journal.Unjournal(ctx, journalKey(u)); err != nil {
		a.log.Error("telegram: forgetting a handled update", "err", err)
	}
}

// pending returns, in the order they came, the group's updates that were
// confirmed to Telegram but not handled when herald stopped (see
// Adapter.Journal), to be handled before any other. One older than an
// hour, or replayed by maxReplays starts already, is dropped: a moderator
// has long written again. A thread message handled already is recognised
// by the handler (its id is kept), so a replay sends no reply twice; a
// command or a file import that a crash cut short after it ran runs again.
func (a *Adapter) pending(ctx context.Context) []groupUpdate {
	if a.Journal == nil {
		return nil
	}
	kept, err := a.Journal.Journaled(ctx, journalPrefix)
	if err != nil {
		a.log.Error("telegram: reading the journal", "err", err)
		return nil
	}
	var out []groupUpdate
	for _, key := range slices.Sorted(maps.Keys(kept)) {
		var j journaled
		if json.Unmarshal(kept[key], &j) != nil || j.Update == nil || journalKey(j.Update) != key || time.Since(j.At) > time.Hour || j.Replayed >= maxReplays {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			a.Journal.Unjournal(ctx, key)
			cancel()
			continue
		}
		out = append(out, groupUpdate{u: j.Update, kept: true, replays: j.Replayed + 1, at: j.At})
	}
	return out
}

// chatOf is the chat an update belongs to (for a pressed button, the
// chat of its message).
func chatOf(u *models.Update) int64 {
	switch {
	case u.Message != nil:
		return u.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.Message != nil:
		return u.CallbackQuery.Message.Message.Chat.ID
	case u.CallbackQuery != nil && u.CallbackQuery.Message.InaccessibleMessage != nil:
		return u.CallbackQuery.Message.InaccessibleMessage.Chat.ID
	case u.CallbackQuery != nil:
		return u.CallbackQuery.From.ID
	}
	return 0
}

// getUpdates asks the Bot API for the updates from offset on (confirming
// those before it), waiting up to wait for some.
func (a *Adapter) getUpdates(ctx context.Context, offset int64, wait time.Duration) ([]*models.Update, error) {
	secs := int(wait / time.Second)
	ctx, cancel := context.WithTimeout(ctx, wait+15*time.Second)
	defer cancel()
	form := url.Values{"offset": {strconv.FormatInt(offset, 10)}, "timeout": {strconv.Itoa(secs)}}
	if wait == 0 {
		form.Set("limit", "1") // only confirming what came before offset
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.apiURL+"/bot"+a.token+"/getUpdates", nil)
	if err != nil {
		return nil, err
	}
	req.URL.RawQuery = form.Encode()
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "%s", redact(err.Error(), a.token))
	}
	defer resp.Body.Close()
	var body struct {
		OK          bool             `json:"ok"`
		Result      []*models.Update `json:"result"`
		Description string           `json:"description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&body); err != nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "reading getUpdates: %v", err)
	}
	if !body.OK {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "getUpdates: %s (HTTP %d)", body.Description, resp.StatusCode)
	}
	return body.Result, nil
}

// webhook serves the updates Telegram posts in webhook mode: each is
// handled before the answer (so that Telegram sends it again if herald
// stops first), one at a time per chat.
func (a *Adapter) webhook(w http.ResponseWriter, r *http.Request) {
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if a.secret == "" || subtle.ConstantTimeCompare([]byte(got), []byte(a.secret)) != 1 {
		a.log.Warn("telegram: a webhook request without the right secret token was refused", "from", r.RemoteAddr)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var u models.Update
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&u); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	unlock := a.lockChat(chatOf(&u))
	defer unlock()
	if _, _, replayed := a.resent.Take(identity(&u)); replayed && a.group != 0 && chatOf(&u) == a.group {
		w.WriteHeader(http.StatusOK) // replayed from the journal already
		return
	}
	a.update(r.Context(), nil, &u)
	w.WriteHeader(http.StatusOK)
}

// lockChat holds chat's turn: its updates are handled one at a time.
func (a *Adapter) lockChat(chat int64) func() {
	m, _ := a.chats.LoadOrStore(chat, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}
