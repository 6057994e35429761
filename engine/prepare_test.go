package engine_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/store"
)

// batchGate is the store with a say over each batch of recipients the
// engine records: before batch n (from 1) goes, gate(n) runs, and its
// error, if any, is the write's. Before page n (from 1) of the list is
// read, page(n) runs when set: a wait there holds the preparation back
// without holding the write lock the engine's window reads share.
type batchGate struct {
	*store.DB
	mu      sync.Mutex
	batches int
	pages   int
	gate    func(n int) error
	page    func(n int)
}

func (g *batchGate) Recipients(ctx context.Context, name string, after uint64, limit int) ([]bot.Recipient, error) {
	g.mu.Lock()
	g.pages++
	n := g.pages
	g.mu.Unlock()
	if g.page != nil {
		g.page(n)
	}
	return g.DB.Recipients(ctx, name, after, limit)
}

func (g *batchGate) CreateSendings(ctx context.Context, id bot.CampaignID, ss []*bot.Sending) error {
	g.mu.Lock()
	g.batches++
	n := g.batches
	g.mu.Unlock()
	if err := g.gate(n); err != nil {
		return err
	}
	return g.DB.CreateSendings(ctx, id, ss)
}

// TestSendingBeginsWithTheFirstBatch: the first message goes once the
// first batch of recipients is recorded, before the rest are; the
// campaign is done only once every recipient is recorded and sent, each
// once.
func TestSendingBeginsWithTheFirstBatch(t *testing.T) {
	r := newRig(t)
	const n = 12000 // three batches of recipients
	r.list("many", telegramFile(n))
	id := r.campaign("many", "Hi {{first_name}}", nil)
	firstSent := make(chan struct{})
	var once sync.Once
	r.tg.Hook = func(bot.Address, bot.Message) error {
		once.Do(func() { close(firstSent) })
		return nil
	}
	var sawPreparing bool
	r.engine.Store = &batchGate{DB: r.db, gate: func(int) error { return nil }, page: func(p int) {
		if p != 2 {
			return
		}
		select {
		case <-firstSent: // the second page waits for the first message
		case <-time.After(20 * time.Second):
			t.Error("no message went before the second batch of recipients was read")
		}
		c, _ := r.db.Campaign(context.Background(), id)
		sawPreparing = c.State == bot.CampaignRunning && c.Preparing
	}}
	r.run()
	if _, err := r.svc.Start(context.Background(), id, mod); err != nil {
		t.Fatal(err)
	}
	r.until("the campaign to finish", func() bool { return r.state(id) == bot.CampaignDone })
	if !sawPreparing {
		t.Error("the campaign was not running and preparing while the rest was recorded")
	}
	if c := r.counts(id); c.Total != n || c.Sent != n {
		t.Fatalf("counts = %+v", c)
	}
	if sent := len(r.tg.Sent()); sent != n {
		t.Fatalf("%d messages for %d recipients", sent, n)
	}
	if c, _ := r.db.Campaign(context.Background(), id); c.Preparing {
		t.Fatal("still preparing once done")
	}
}

// TestPreparationResumesAfterAFailure: a batch that cannot be written
// stops the preparation, which goes on later from where it stopped;
// nobody is recorded or sent to twice, and the campaign is not done
// before everyone is.
func TestPreparationResumesAfterAFailure(t *testing.T) {
	r := newRig(t)
	const n = 11000
	r.list("many", telegramFile(n))
	id := r.campaign("many", "Hi", nil)
	r.engine.Store = &batchGate{DB: r.db, gate: func(b int) error {
		if b == 2 {
			return bot.Errorf(bot.EUNAVAILABLE, "the disk is full")
		}
		return nil
	}}
	r.run()
	if _, err := r.svc.Start(context.Background(), id, mod); err != nil {
		t.Fatal(err)
	}
	r.until("the campaign to finish", func() bool { return r.state(id) == bot.CampaignDone })
	if c := r.counts(id); c.Total != n || c.Sent != n {
		t.Fatalf("counts = %+v", c)
	}
	seen := map[string]int{}
	for _, s := range r.tg.Sent() {
		seen[s.To.ID]++
	}
	for to, k := range seen {
		if k != 1 {
			t.Fatalf("%s got %d messages", to, k)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d of %d reached", len(seen), n)
	}
}
