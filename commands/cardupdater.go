package commands

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
)

// DefaultCardEvery is the least time between two edits of one campaign's
// cards.
const DefaultCardEvery = 3 * time.Second

// CardUpdater keeps the campaign cards surfaces posted up to date while
// campaigns run: surfaces Track the cards they post, the engine says when
// a campaign Changed, and each card is edited in place at most once every
// Every, the last change always shown. It is safe for concurrent use.
type CardUpdater struct {
	Text      *Text
	Signer    *Signer
	Campaigns interface {
		Show(ctx context.Context, id bot.CampaignID) (*bot.Campaign, bot.SendingCounts, error)
	}
	Clock clock.Clock
	Every time.Duration
	Log   *slog.Logger
	// Pace, when set, waits for herald's budget before each edit (an edit
	// is a post like any other for the platform's limits); Spare says
	// whether the budget has room to spare: an edit of a running
	// campaign's card is skipped when it has not (the next change shows
	// it), so that live cards never crowd out answers and relays; the last
	// edit always goes. Paused is told of a 429.
	Pace   func(ctx context.Context, to bot.Address) error
	Spare  func(to bot.Address) bool
	Paused func(p bot.Platform, d time.Duration)

	mu      sync.Mutex
	ctx     context.Context // Run's, once it runs
	edits   sync.WaitGroup  // edits waiting or in progress
	cards   map[bot.CampaignID][]postedCard
	last    map[bot.CampaignID]time.Time
	waiting map[bot.CampaignID]bool
}

// Run makes the edits Changed schedules belong to ctx: when it ends, a
// waiting edit is dropped (the next start shows the cards anew) and Run
// returns once the edits in progress are done.
func (u *CardUpdater) Run(ctx context.Context) error {
	u.mu.Lock()
	u.ctx = ctx
	u.mu.Unlock()
	<-ctx.Done()
	u.mu.Lock() // from here on Changed sees ctx done and schedules nothing
	u.mu.Unlock()
	u.edits.Wait()
	return nil
}

type postedCard struct {
	editor bot.MessageEditor
	ref    bot.MessageRef
}

// maxCards bounds the cards kept per campaign (the newest stay).
const maxCards = 20

// Track remembers a card of campaign id posted at ref, to edit with editor.
func (u *CardUpdater) Track(id bot.CampaignID, editor bot.MessageEditor, ref bot.MessageRef) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.cards == nil {
		u.cards, u.last, u.waiting = map[bot.CampaignID][]postedCard{}, map[bot.CampaignID]time.Time{}, map[bot.CampaignID]bool{}
	}
	cs := append(u.cards[id], postedCard{editor, ref})
	if len(cs) > maxCards {
		cs = cs[len(cs)-maxCards:]
	}
	u.cards[id] = cs
}

// Changed says campaign id changed (the engine calls it after its commits).
// The cards are edited now, or once the interval since the last edit is
// over.
func (u *CardUpdater) Changed(id bot.CampaignID) {
	every := u.Every
	if every <= 0 {
		every = DefaultCardEvery
	}
	u.mu.Lock()
	ctx := u.ctx
	if len(u.cards[id]) == 0 || u.waiting[id] || ctx != nil && ctx.Err() != nil {
		u.mu.Unlock()
		return
	}
	wait := every - u.Clock.Now().Sub(u.last[id])
	u.waiting[id] = true
	u.edits.Add(1)
	u.mu.Unlock()
	if ctx == nil {
		ctx = context.Background() // not running yet: the edit still happens
	}
	go func() {
		defer u.edits.Done()
		if wait > 0 {
			clock.Sleep(ctx, u.Clock, wait)
		}
		u.mu.Lock()
		u.waiting[id] = false
		u.last[id] = u.Clock.Now()
		cards := append([]postedCard(nil), u.cards[id]...)
		u.mu.Unlock()
		u.edit(ctx, id, cards)
	}()
}

func (u *CardUpdater) edit(ctx context.Context, id bot.CampaignID, cards []postedCard) {
	c, n, err := u.Campaigns.Show(ctx, id)
	if err != nil {
		return
	}
	card := CampaignCard(u.Text, u.Signer, c, n)
	for _, pc := range cards {
		if u.Spare != nil && !c.State.Final() && !u.Spare(pc.ref.Channel) {
			continue
		}
		if u.Pace != nil {
			if err := u.Pace(ctx, pc.ref.Channel); err != nil {
				return
			}
		}
		err := pc.editor.EditMessage(ctx, pc.ref, card)
		if d, slow := bot.ErrorRetryAfter(err); slow && u.Paused != nil {
			u.Paused(pc.ref.Channel.Platform, d)
		}
		if err != nil && u.Log != nil {
			u.Log.Warn("keeping a campaign card up to date", "campaign", id, "err", err)
		}
	}
	if c.State.Final() {
		u.mu.Lock()
		delete(u.cards, id) // a final card changes no more
		u.mu.Unlock()
	}
}
