package threads_test

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/store"
)

// slowKeep is the store with its next conversation update held until
// released: the moment between a thread showing on its platform and the
// conversation recording it.
type slowKeep struct {
	*store.DB
	armed   atomic.Bool
	held    chan struct{}
	release chan struct{}
}

func (s *slowKeep) UpdateConversation(ctx context.Context, id bot.ConversationID, fn func(*bot.Conversation) error) (*bot.Conversation, error) {
	if s.armed.CompareAndSwap(true, false) {
		close(s.held)
		<-s.release
	}
	return s.DB.UpdateConversation(ctx, id, fn)
}

// TestAReplyBeforeTheThreadIsRecorded: a moderator answering in a thread
// the moment its head card shows, before herald has recorded which
// conversation it is, reaches the participant rather than being taken
// for a stranger's thread and ignored.
func TestAReplyBeforeTheThreadIsRecorded(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(t0)
	db, err := store.Open(filepath.Join(t.TempDir(), "herald.db"), store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	slow := &slowKeep{DB: db, held: make(chan struct{}), release: make(chan struct{})}
	mods, chat := bottest.NewMessenger(bot.PlatformSlack), bottest.NewMessenger(bot.PlatformTelegram)
	th := threadsOn(t, db, clock, mods, chat)
	th.Store = slow
	relaying(t, db, clock, th, nil)
	var once sync.Once
	let := func() { once.Do(func() { close(slow.release) }) }
	t.Cleanup(let) // before the outbox stops: it may be the one held
	slow.armed.Store(true)
	zoe := bot.Address{Platform: bot.PlatformTelegram, ID: "5005"}
	if _, err := th.Receive(ctx, threads.Incoming{From: zoe, Name: "Zoe", Message: bot.Message{Text: "Is it recorded?"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-slow.held: // the thread is on the platform, not yet recorded
	case <-time.After(10 * time.Second):
		t.Fatal("the thread was never opened")
	}
	head := mods.Sent()[0]
	ref := bot.ThreadRef{Channel: head.To, ID: head.Ref.ID}
	done := make(chan error, 1)
	go func() {
		_, err := th.Reply(ctx, ref, bot.Actor{Name: "Mo"}, bot.Message{Text: "Yes, it is."})
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the reply: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the reply waited for the record")
	}
	let()
	if got := chat.SentTo(zoe); len(got) != 1 || got[0].Text != "Yes, it is." {
		t.Fatalf("Zoe got %+v", got)
	}
}
