// Package enginetest helps tests that need a real campaign engine: the
// adapters' pace tests send a campaign through it to check that their
// platform's limits are kept.
//
// Import rule: enginetest imports bot, engine and the standard library
// only. It is imported by tests, never by production code.
package enginetest

import (
	"context"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/engine"
)

// RunCampaign imports the recipients of rd into a list, sends a campaign
// of text to them on m through a real engine, waits until it is done
// (failing t after a minute), and returns its id: the adapter tests'
// check that a platform's limits are kept.
func RunCampaign(t *testing.T, db engine.Store, m bot.Messenger, rd lists.RecipientReader, text string) bot.CampaignID {
	t.Helper()
	ctx := context.Background()
	clock := clock.System()
	e := &engine.Engine{Store: db, Clock: clock, Messengers: map[bot.Platform]bot.Messenger{m.Platform(): m}}
	svc := &campaigns.Service{Store: db, Dispatcher: e, Clock: clock}
	if _, err := (&lists.Service{Store: db}).Import(ctx, "audience", rd, lists.Replace, bot.Actor{}); err != nil {
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
	go func() { done <- e.Run(runCtx) }()
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
