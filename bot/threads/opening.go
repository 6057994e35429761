package threads

import (
	"context"
	"sync"

	"github.com/heraldchat/herald/bot"
)

// openings closes the gap between a thread appearing on its platform and
// the conversation recording it: a moderator may answer in a thread the
// moment its head shows, before its reference is committed. While a
// thread is being started, a lookup that finds no conversation waits for
// it, then reads what it became.
type openings struct {
	mu   sync.Mutex
	cond *sync.Cond
	n    int                                  // threads being started
	refs map[bot.ThreadRef]bot.ConversationID // started, not yet committed
}

func (o *openings) init() {
	if o.cond == nil {
		o.cond = sync.NewCond(&o.mu)
		o.refs = map[bot.ThreadRef]bot.ConversationID{}
	}
}

// begin counts a thread being started.
func (o *openings) begin() {
	o.mu.Lock()
	o.init()
	o.n++
	o.mu.Unlock()
}

// end counts it done; ref, when the platform gave one, belongs to c until
// kept (see kept).
func (o *openings) end(ref bot.ThreadRef, c bot.ConversationID) {
	o.mu.Lock()
	o.n--
	if !ref.IsZero() {
		o.refs[ref] = c
	}
	o.cond.Broadcast()
	o.mu.Unlock()
}

// kept forgets ref: the conversation records it.
func (o *openings) kept(ref bot.ThreadRef) {
	o.mu.Lock()
	o.init()
	delete(o.refs, ref)
	o.mu.Unlock()
}

// await waits for the threads being started and returns the conversation
// thread was started for, if it is one of them.
func (o *openings) await(thread bot.ThreadRef) (bot.ConversationID, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.init()
	for o.n > 0 {
		o.cond.Wait()
	}
	id, ok := o.refs[thread]
	return id, ok
}

// conversationByThread returns the conversation whose thread is thread,
// counting a thread started a moment ago and not yet recorded; ENOTFOUND
// when the thread is no participant's.
func (t *Service) conversationByThread(ctx context.Context, thread bot.ThreadRef) (*bot.Conversation, error) {
	c, err := t.Store.ConversationByThread(ctx, thread)
	if bot.ErrorCode(err) != bot.ENOTFOUND {
		return c, err
	}
	if id, ok := t.opening.await(thread); ok {
		return t.Store.Conversation(ctx, id)
	}
	return t.Store.ConversationByThread(ctx, thread) // recorded meanwhile, or no participant's
}
