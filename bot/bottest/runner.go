package bottest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
)

var _ bot.CommandRunner = (*Runner)(nil)

// Runner is a fake command language that records what it was asked. It
// answers with Reply when set, and otherwise privately with "ran TEXT"
// (the signed value appended for buttons). A file alone runs as the
// command "file NAME: CONTENT". It is safe for concurrent use.
type Runner struct {
	Reply func(bot.CommandRequest) bot.CommandReply

	mu   sync.Mutex
	reqs []bot.CommandRequest
}

// RunCommand records r and answers it.
func (r *Runner) RunCommand(_ context.Context, req bot.CommandRequest) bot.CommandReply {
	r.mu.Lock()
	r.reqs = append(r.reqs, req)
	reply := r.Reply
	r.mu.Unlock()
	if reply != nil {
		return reply(req)
	}
	return bot.CommandReply{Private: true, Messages: []bot.Message{{Text: "ran " + req.Text + req.Signed}}}
}

// RunFile records a file sent alone as the command "file NAME: CONTENT".
func (r *Runner) RunFile(ctx context.Context, a bot.Actor, f bot.File) bot.CommandReply {
	return r.RunCommand(ctx, bot.CommandRequest{Actor: a, Text: "file " + f.Name + ": " + string(f.Data), Files: []bot.File{f}})
}

// Requests returns what was asked, in order.
func (r *Runner) Requests() []bot.CommandRequest {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]bot.CommandRequest(nil), r.reqs...)
}

// CampaignStore is what RunCampaign needs of a store.
type CampaignStore interface {
	bot.EngineStore
	bot.ListStore
}

// RunCampaign imports the recipients of rd into a list, sends a campaign
// of text to them on m through a real engine, waits until it is done
// (failing t after a minute), and returns its id: the adapter tests'
// check that a platform's limits are kept.
func RunCampaign(t *testing.T, db CampaignStore, m bot.Messenger, rd bot.RecipientReader, text string) bot.CampaignID {
	t.Helper()
	ctx := context.Background()
	clock := bot.SystemClock()
	engine := &bot.Engine{Store: db, Clock: clock, Messengers: map[bot.Platform]bot.Messenger{m.Platform(): m}}
	svc := &bot.CampaignService{Store: db, Dispatcher: engine, Clock: clock}
	if _, err := (&bot.ListService{Store: db}).Import(ctx, "audience", rd, bot.ImportReplace, bot.Actor{}); err != nil {
		t.Fatal(err)
	}
	c, err := svc.Create(ctx, "campaign", bot.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	svc.SetMessage(ctx, c.ID, bot.Message{Text: text}, bot.Actor{})
	svc.SetAudience(ctx, c.ID, bot.Audience{Kind: bot.AudienceList, List: "audience"}, bot.Actor{})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- engine.Run(runCtx) }()
	defer func() { stop(); <-done }()
	if _, err := svc.Start(ctx, c.ID, bot.Actor{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(time.Minute)
	for {
		cur, err := db.Campaign(ctx, c.ID)
		if err == nil && cur.State == bot.CampaignDone {
			return c.ID
		}
		if time.Now().After(deadline) {
			t.Fatal("the campaign did not finish")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
