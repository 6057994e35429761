package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/store"
)

func threadsOn(t *testing.T, db *store.DB, clock *bottest.Clock, mods, chat *bottest.Messenger) *bot.Threads {
	return &bot.Threads{Store: db, Contacts: &bot.ContactService{Store: db, Clock: clock},
		Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: chat}, Moderators: mods,
		Channel: bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, Clock: clock}
}

// TestOneThreadPerParticipant has 100 participants write 5 messages each,
// all at once, with every message delivered twice (a platform retrying):
// exactly 100 threads and 100 head cards, 500 relayed messages, each
// reply reaching the right participant; after a restart, nobody gets a
// second thread.
func TestOneThreadPerParticipant(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "herald.db")
	clock := bottest.NewClock(t0)
	db, err := store.Open(path, store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	mods, chat := bottest.NewMessenger(bot.PlatformSlack), bottest.NewMessenger(bot.PlatformTelegram)
	th := threadsOn(t, db, clock, mods, chat)
	addr := func(i int) bot.Address { return bot.Address{Platform: bot.PlatformTelegram, ID: fmt.Sprint(5000 + i)} }
	var wg sync.WaitGroup
	for i := range 100 {
		for j := range 5 {
			for range 2 { // each event delivered twice
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := th.Receive(ctx, bot.Incoming{From: addr(i), ID: fmt.Sprintf("m%d-%d", i, j), Message: bot.Message{Text: fmt.Sprintf("message %d of %d", j, i)}})
					if err != nil {
						t.Error(err)
					}
				}()
			}
		}
	}
	wg.Wait()
	heads, relayed := 0, 0
	threads := map[bot.ThreadRef]bool{}
	for _, s := range mods.Sent() {
		if s.Thread.IsZero() {
			heads++
		} else {
			relayed++
			threads[s.Thread] = true
		}
	}
	convs, _ := db.Conversations(ctx, bot.ConversationFilter{})
	if heads != 100 || len(convs) != 100 || len(threads) != 100 || relayed != 500 {
		t.Fatalf("%d head cards, %d conversations, %d threads, %d relayed; want 100, 100, 100, 500", heads, len(convs), len(threads), relayed)
	}
	for _, c := range convs {
		if _, err := th.Reply(ctx, c.Thread, bot.Actor{Name: "Mo"}, bot.Message{Text: "for " + c.Participant.ID}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 100 {
		got := chat.SentTo(addr(i))
		if len(got) != 1 || got[0].Text != "for "+addr(i).ID {
			t.Fatalf("participant %d got %+v", i, got)
		}
	}
	db.Close()

	// A restart: the same participants write again.
	db2, err := store.Open(path, store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	mods2 := bottest.NewMessenger(bot.PlatformSlack)
	th2 := threadsOn(t, db2, clock, mods2, chat)
	for i := range 100 {
		if _, err := th2.Receive(ctx, bot.Incoming{From: addr(i), Message: bot.Message{Text: "after the restart"}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range mods2.Sent() {
		if s.Thread.IsZero() {
			t.Fatal("a restart opened a second thread")
		}
		if !threads[s.Thread] {
			t.Fatalf("a message after the restart went to an unknown thread %+v", s.Thread)
		}
	}
}
