package bottest

import (
	"context"
	"strconv"
	"sync"

	"github.com/heraldchat/herald/bot"
)

// Outbox posts what a store's outbox holds as soon as it is woken: the
// synchronous stand-in for the engine's outbox in tests that look at a
// thread right after a participant wrote (no budget, no retry loop: a
// post that fails stays in the store, tried again at the next Wake). Each
// lane's relays waiting together go as one batch. It is safe for
// concurrent use.
type Outbox struct {
	Store bot.OutboxStore
	// Poster returns what posts on a platform (nil when none does).
	Poster func(bot.Platform) bot.Messenger
	Relays interface {
		Relay(ctx context.Context, m bot.Messenger, first *bot.Outgoing, take func() []*bot.Outgoing, wait func(bot.ThreadRef) error) error
	}

	mu sync.Mutex
}

// Wake posts everything waiting, lane by lane, in order.
func (o *Outbox) Wake() {
	o.mu.Lock()
	defer o.mu.Unlock()
	ctx := context.Background()
	posts, err := o.Store.Outbox(ctx, 0, 0)
	if err != nil {
		return
	}
	var order []string
	lanes := map[string][]*bot.Outgoing{}
	for _, p := range posts {
		key := p.Lane
		if key == "" {
			key = "#" + strconv.FormatUint(p.ID, 10)
		}
		if _, ok := lanes[key]; !ok {
			order = append(order, key)
		}
		lanes[key] = append(lanes[key], p)
	}
	for _, key := range order {
		for rest := lanes[key]; len(rest) > 0; {
			n := 1
			for n < len(rest) && rest[n].Kind == bot.OutgoingRelay && rest[0].Kind == bot.OutgoingRelay {
				n++
			}
			batch := rest[:n]
			rest = rest[n:]
			if err := o.post(ctx, batch); err != nil {
				for _, p := range batch {
					p.Tries++
					p.LastError = bot.ErrorMessage(err)
				}
				o.Store.Settle(ctx, nil, batch)
				break // the lane waits: order is kept
			}
			ids := make([]uint64, len(batch))
			for i, p := range batch {
				ids[i] = p.ID
			}
			o.Store.Settle(ctx, ids, nil)
		}
	}
}

func (o *Outbox) post(ctx context.Context, batch []*bot.Outgoing) error {
	p := batch[0]
	m := o.Poster(p.Platform)
	if m == nil {
		return bot.Errorf(bot.EUNAVAILABLE, "%s is not connected", p.Platform)
	}
	switch p.Kind {
	case bot.OutgoingRelay:
		return o.Relays.Relay(ctx, m, p, func() []*bot.Outgoing { return batch }, func(bot.ThreadRef) error { return nil })
	case bot.OutgoingThreadPost:
		_, err := m.(bot.ThreadPoster).PostInThread(ctx, p.Thread, p.Message)
		return err
	case bot.OutgoingEdit:
		return m.(bot.MessageEditor).EditMessage(ctx, p.Edit, p.Message)
	default:
		_, err := m.Send(ctx, p.To, p.Message)
		return err
	}
}
