package main_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/heraldchat/herald/adapters/discord/discordfake"
	"github.com/heraldchat/herald/adapters/email/emailfake"
	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/adapters/teams/teamsfake"
	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
	"github.com/heraldchat/herald/bot"
)

// TestEveryComponentStopsBeforeTheStore starts herald with every platform
// enabled against the fakes (Slack, Telegram, Discord, Teams, email by a
// real SMTP server, and the web chat and console herald serves itself),
// lets it work a little (a participant writes on each chat platform that
// takes one from outside), cancels Run's context, and checks — at the moment
// the store is about to close — that no goroutine herald started is left:
// every component's Run has returned, with everything it started.
func TestEveryComponentStopsBeforeTheStore(t *testing.T) {
	tg, err := telegramfake.Start("42:secret")
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	tg.Admin(-100500, 77)
	sl, err := slackfake.Start("xoxb-test")
	if err != nil {
		t.Fatal(err)
	}
	defer sl.Close()
	sl.AppToken = "xapp-test"
	sl.Join("CMODS")
	dc, err := discordfake.Start("dc-token")
	if err != nil {
		t.Fatal(err)
	}
	defer dc.Close()
	dc.AddUser("4001", true)
	ms, err := teamsfake.Start("app-1", "pw-1", "tenant-1")
	if err != nil {
		t.Fatal(err)
	}
	defer ms.Close()
	ms.AddUser(teamsfake.User{ID: "29:zia", AADID: "aad-zia", Name: "Zia", Installed: true})
	box, err := emailfake.Start()
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	cfg := MustWriteConfig(t, t.TempDir(), ""+
		"slack: {enabled: true, mode: socket, bot_token: xoxb-test, app_token: xapp-test, channel: CMODS, api_url: \""+sl.URL()+"\"}\n"+
		"telegram: {enabled: true, token: \"42:secret\", server_url: \""+tg.URL()+"\"}\n"+
		"discord: {enabled: true, token: dc-token, application_id: \"123\", guild_id: \"777\", channel: \"4444\", api_url: \"http://"+dc.Addr()+"\"}\n"+
		"teams: {enabled: true, app_id: app-1, app_password: pw-1, tenant_id: tenant-1, login_url: \""+ms.URL()+"\", openid_url: \""+ms.OpenIDURL()+
		"\", service_url: \""+ms.URL()+"\", service_hosts: [\""+strings.TrimPrefix(ms.URL(), "http://")+"\"], channel: \"19:mods@thread.tacv2\"}\n"+
		fmt.Sprintf("email: {enabled: true, host: 127.0.0.1, port: %d, tls: none, from: \"Herald <herald@example.org>\"}\n", box.Port())+
		"moderators: {telegram: {group: \"-100500\"}, slack: {users: [UMOD]}}\n")

	// What runs before herald (the fakes, the test) is not herald's.
	before := goleak.IgnoreCurrent()
	p := NewProgram(nil)
	var leaks error
	checked := make(chan struct{})
	p.Stopped = func() {
		defer close(checked)
		leaks = goleak.Find(before,
			// The fakes serve herald's connections until herald's side is
			// gone; those goroutines are the fakes', not herald's.
			goleak.IgnoreAnyFunction("net/http.(*conn).serve"),
			goleak.IgnoreAnyFunction("github.com/coder/websocket.(*Conn).timeoutLoop"),
			goleak.IgnoreTopFunction("github.com/heraldchat/herald/adapters/discord/discordfake.(*Server).gateway"),
		)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx, []string{"run", "--config", cfg}) }()
	select {
	case <-p.Started():
	case err := <-errc:
		t.Fatalf("herald did not start: %v\n%s", err, p.Stderr)
	case <-time.After(30 * time.Second):
		t.Fatal("herald did not start")
	}
	tg.UserWrites(5005, "Zoe", "hello from Telegram")
	dc.UserWrites("4001", "Ana", "hello from Discord")
	if code, err := ms.UserWrites("http://"+p.HTTPAddr()+"/api/messages", "29:zia", "hello from Teams"); err != nil || code != 200 {
		t.Fatalf("the Teams participant's message: %d %v", code, err)
	}
	waitUntil(t, p, "the participants' threads", func() bool {
		return !p.ThreadOf(tgAddr("5005")).IsZero() && !p.ThreadOf(dcAddr("4001")).IsZero() &&
			!p.ThreadOf(bot.Address{Platform: bot.PlatformTeams, ID: "29:zia"}).IsZero()
	})
	cancel()
	if err := <-errc; err != nil {
		t.Fatalf("herald stopped with %v\n%s", err, p.Stderr)
	}
	<-checked
	if leaks != nil {
		t.Fatalf("goroutines left running when the store closed:\n%v", leaks)
	}
}

func tgAddr(id string) bot.Address { return bot.Address{Platform: bot.PlatformTelegram, ID: id} }
func dcAddr(id string) bot.Address { return bot.Address{Platform: bot.PlatformDiscord, ID: id} }
