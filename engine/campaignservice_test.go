package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/csvfile"
)

// campaigns.Service over a real engine: what moderators check, try and
// upload before a campaign starts.

func TestMissingValuesAreCaughtBeforeTheStart(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.list("people", "telegram_id,first_name\n1,Ana\n2,\n3,Cleo\n")
	id := r.campaign("people", "Hi {{first_name}} from {{city}}", nil)
	chk, err := r.svc.Check(ctx, id)
	if err != nil || chk.Audience != 3 || chk.LackingTotal != 3 || chk.LackingBy["{{first_name}}"] != 1 || chk.LackingBy["{{city}}"] != 3 {
		t.Fatalf("check = %+v, %v", chk, err)
	}
	// Each placeholder named as the message writes it, with its count.
	_, err = r.svc.Start(ctx, id, mod)
	if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), "3 recipients lack {{first_name}} (1), {{city}} (3)") {
		t.Fatalf("start with missing values: %v", err)
	}
	if _, err := r.svc.SetMissing(ctx, id, map[string]string{"city": "Lyon"}, bot.MissingSkip, mod); err != nil {
		t.Fatal(err)
	}
	chk, _ = r.svc.Check(ctx, id)
	if chk.LackingTotal != 1 || chk.Lacking[0].Key != "2" {
		t.Fatalf("after a default: %+v", chk)
	}
	if p, who, err := r.svc.Preview(ctx, id, "3"); err != nil || p.Text != "Hi Cleo from Lyon" || who != "Cleo (3)" {
		t.Fatalf("preview = %q, %v", p.Text, err)
	}
	r.run()
	if _, err := r.svc.Start(ctx, id, mod); err != nil {
		t.Fatal(err)
	}
	r.until("the campaign to finish", func() bool { return r.state(id) == bot.CampaignDone })
	rows := r.report(id)
	if strings.Join(rows[2], "|") != "2|2|false|{}|render|skipped: no value for {{first_name}}" {
		t.Fatalf("skipped row = %q", rows[2])
	}
}

func TestTryCloneDelete(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.list("people", "telegram_id,first_name\n1001,Ana\n")
	id := r.campaign("people", "Hi {{first_name}}", nil)
	res, err := r.svc.Try(ctx, id, bot.Address{Platform: bot.PlatformTelegram, ID: "1001"})
	if err != nil || !res.Delivered {
		t.Fatalf("try: %+v, %v", res, err)
	}
	if got := r.tg.SentTo(bot.Address{Platform: bot.PlatformTelegram, ID: "1001"}); len(got) != 1 || got[0].Text != "Hi Ana" {
		t.Fatalf("try sent %+v", got)
	}
	r.tg.FailTo(bot.Address{Platform: bot.PlatformTelegram, ID: "999"}, bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "bot was blocked by the user"))
	res, err = r.svc.Try(ctx, id, bot.Address{Platform: bot.PlatformTelegram, ID: "999"})
	if err != nil || res.Delivered || res.Step != bot.StepSend || !strings.Contains(res.Reason, "blocked") {
		t.Fatalf("failed try: %+v, %v", res, err)
	}
	if c := r.counts(id); c.Total != 0 {
		t.Fatalf("a try entered the report: %+v", c)
	}
	// An email on a chat campaign, before the engine ever ran: resolving it
	// reads the directory's unreachable addresses, a cache made on first
	// use.
	if res, err := r.svc.Try(ctx, id, bot.Address{Platform: bot.PlatformEmail, ID: "ana@example.com"}); err != nil || res == nil {
		t.Fatalf("try by email: %+v, %v", res, err)
	}
	cl, err := r.svc.Clone(ctx, id, mod)
	if err != nil || cl.State != bot.CampaignDraft || cl.Message.Text != "Hi {{first_name}}" || cl.Audience.List != "people" || cl.ID == id {
		t.Fatalf("clone: %+v, %v", cl, err)
	}
	if err := r.svc.Delete(ctx, cl.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.svc.Start(ctx, id, mod); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Delete(ctx, id); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("delete of a started campaign: %v", err)
	}
	c, _ := r.db.Campaign(ctx, id)
	if len(c.History) < 4 || c.History[len(c.History)-1].By != mod {
		t.Fatalf("history = %+v", c.History)
	}
}

func TestAudienceFromAnUploadedFile(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	c, _ := r.svc.Create(ctx, "upload", mod)
	rd, err := csvfile.NewReader(strings.NewReader("telegram_id;first_name\r\n7;Zoe\r\n;nobody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := r.svc.SetAudienceFile(ctx, c.ID, rd, mod)
	if err != nil || res.Added != 1 || res.Invalid != 1 {
		t.Fatalf("upload: %+v, %v", res, err)
	}
	got, _ := r.db.Campaign(ctx, c.ID)
	if got.Audience != (bot.Audience{Kind: bot.AudienceList, List: fmt.Sprintf("campaign-%d", c.ID)}) {
		t.Fatalf("audience = %+v", got.Audience)
	}
	if chk, err := r.svc.Check(ctx, c.ID); err != nil || chk.Audience != 1 {
		t.Fatalf("check: %+v, %v", chk, err)
	}
}
