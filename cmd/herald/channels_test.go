package main_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/heraldchat/herald/adapters/discord/discordfake"
	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

// TestChannelPerEvent: with threads.channel_per: event on Slack, a
// participant whose event the event API told herald of gets their thread
// in a channel of that event — made with the prefix, a topic and the
// moderators invited; an archived one of that name is brought back.
func TestChannelPerEvent(t *testing.T) {
	fake, p := slackSocket(t, "moderators: {slack: {users: [UMOD]}}\nthreads: {channel_per: event, channel_prefix: herald-}\napi: {create_contacts: true}\n",
		slackfake.User{ID: "UANA", Name: "ana"}, slackfake.User{ID: "UBO", Name: "bo"})
	fake.CreateChannel("herald-autumn-school", true)
	token := shownAPIToken.FindString(commandsOf(t, p)("token create crm"))
	for _, ev := range []string{`{"type": "registered", "contact": "slack:UANA", "attributes": {"event": "Spring webinar"}}`,
		`{"type": "registered", "contact": "slack:UBO", "attributes": {"event": "Autumn school"}}`} {
		req, _ := http.NewRequest(http.MethodPost, "http://"+p.HTTPAddr()+"/api/v1/events", strings.NewReader(ev))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Fatalf("event: %d", resp.StatusCode)
		}
	}
	for i, u := range []string{"UANA", "UBO"} {
		fake.SendSocket("events_api", map[string]any{"type": "event_callback", "event_id": "EvDM" + u, "event": map[string]any{
			"type": "message", "user": u, "channel": "D" + u, "channel_type": "im", "ts": "9." + string(rune('1'+i)), "text": "hello from " + u}})
	}
	waitUntil(t, p, "both threads", func() bool {
		return !p.ThreadOf(bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}).IsZero() && !p.ThreadOf(bot.Address{Platform: bot.PlatformSlack, ID: "UBO"}).IsZero()
	})
	spring, ok := fake.ChannelNamed("herald-spring-webinar")
	if !ok || !spring.BotIn || spring.Archived || !strings.Contains(spring.Topic, "spring-webinar") || len(spring.Members) != 1 || spring.Members[0] != "UMOD" {
		t.Fatalf("the event's channel: %+v %v", spring, ok)
	}
	if th := p.ThreadOf(bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}); th.Channel.ID != spring.ID {
		t.Fatalf("Ana's thread is in %s, not her event's channel %s", th.Channel.ID, spring.ID)
	}
	// A bot cannot unarchive: the archived channel of that name gives way
	// to the next one.
	archived, _ := fake.ChannelNamed("herald-autumn-school")
	autumn, ok := fake.ChannelNamed("herald-autumn-school-2")
	if !archived.Archived || !ok || !autumn.BotIn || p.ThreadOf(bot.Address{Platform: bot.PlatformSlack, ID: "UBO"}).Channel.ID != autumn.ID || len(autumn.Members) != 1 {
		t.Fatalf("Bo's thread is not in the next free channel: %+v %v", autumn, ok)
	}
}

// TestChannelPerCampaign: with threads.channel_per: campaign, a
// participant who answers a campaign's message carries that campaign to
// their thread: it opens in the campaign's channel, and its head card
// names the campaign.
func TestChannelPerCampaign(t *testing.T) {
	ctx := context.Background()
	fake, p := slackSocket(t, "moderators: {slack: {users: [UMOD]}}\nthreads: {channel_per: campaign}\n", slackfake.User{ID: "UANA", Name: "ana"})
	mod := consoleMod
	for _, c := range []struct {
		text  string
		files []bot.File
	}{
		{"list import s", []bot.File{{Name: "s.csv", Data: []byte("slack_id,first_name\nUANA,Ana\n")}}},
		{"campaign new Welcome", nil}, {"campaign message 1 Hi {{first_name}}", nil}, {"campaign audience 1 list:s", nil}, {"campaign start 1", nil},
	} {
		if r := p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: mod, Text: c.text, Files: c.files}); r.Private {
			t.Fatalf("%s: %+v", c.text, r.Messages)
		}
	}
	waitUntil(t, p, "the campaign's message", func() bool {
		for _, m := range fake.Messages() {
			if strings.Contains(m.Text, "Hi Ana") {
				return true
			}
		}
		return false
	})
	// The platform took the message before herald recorded it sent (and
	// whom it reached, in the same write): Ana answers after that.
	waitUntil(t, p, "the campaign done", func() bool {
		out, _ := commandOutput(t, p, "campaign show 1")
		return strings.Contains(out, "done")
	})
	fake.SendSocket("events_api", map[string]any{"type": "event_callback", "event_id": "EvAns", "event": map[string]any{
		"type": "message", "user": "UANA", "channel": "DUANA", "channel_type": "im", "ts": "9.9", "text": "thanks!"}})
	waitUntil(t, p, "Ana's thread", func() bool { return !p.ThreadOf(bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}).IsZero() })
	ch, ok := fake.ChannelNamed("herald-campaign-1")
	if !ok || p.ThreadOf(bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}).Channel.ID != ch.ID || len(ch.Members) != 1 {
		t.Fatalf("the campaign's channel: %+v %v", ch, ok)
	}
	head := false
	for _, m := range fake.Messages() {
		head = head || m.Channel == ch.ID && strings.Contains(m.Blocks, "Campaign") && strings.Contains(m.Blocks, "#1")
	}
	if !head {
		t.Fatal("the head card does not name the campaign")
	}
}

// TestChannelPerEventOnDiscord: on Discord, the event's channel is made in
// the guild under the configured category, visible to the moderators'
// role and herald only, and the participant's thread opens in it.
func TestChannelPerEventOnDiscord(t *testing.T) {
	ctx := context.Background()
	fake, err := discordfake.Start("dc-token")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	cfg := MustWriteConfig(t, t.TempDir(), "discord: {enabled: true, token: dc-token, application_id: \"123\", guild_id: \"777\", channel: \"4444\", category: \"8888\", api_url: \"http://"+fake.Addr()+"\"}\n"+
		"moderators: {discord: {group: \"9999\"}}\nthreads: {channel_per: event}\napi: {create_contacts: true}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	waitUntil(t, p, "the gateway", func() bool { return fake.Gateways() > 0 })
	mod := consoleMod
	r := p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: mod, Text: "token create crm"})
	req, _ := http.NewRequest(http.MethodPost, "http://"+p.HTTPAddr()+"/api/v1/events", strings.NewReader(`{"type": "registered", "contact": "discord:4001", "attributes": {"event": "Spring webinar"}}`))
	req.Header.Set("Authorization", "Bearer "+shownAPIToken.FindString(r.Messages[0].Text))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusAccepted {
		t.Fatalf("event: %v %v", resp, err)
	}
	resp.Body.Close()
	fake.AddUser("4001", true)
	fake.UserWrites("4001", "Ana", "hello")
	waitUntil(t, p, "Ana's thread", func() bool { return !p.ThreadOf(bot.Address{Platform: bot.PlatformDiscord, ID: "4001"}).IsZero() })
	ch, ok := fake.GuildChannelNamed("777", "herald-spring-webinar")
	if !ok || ch.ParentID != "8888" || ch.Type != 0 {
		t.Fatalf("the event's channel: %+v %v", ch, ok)
	}
	hidden, modsSee, heraldSees := false, false, false
	for _, o := range ch.Overwrites {
		hidden = hidden || o.ID == "777" && o.Deny != "" && o.Deny != "0"
		modsSee = modsSee || o.ID == "9999" && o.Allow != "" && o.Allow != "0"
		heraldSees = heraldSees || o.Type == 1 && o.ID == "900" && o.Allow != "" && o.Allow != "0"
	}
	if !hidden || !modsSee || !heraldSees {
		t.Fatalf("the channel is not the moderators' only: %+v", ch.Overwrites)
	}
	if parent := fake.Threads()[p.ThreadOf(bot.Address{Platform: bot.PlatformDiscord, ID: "4001"}).ID]; parent != ch.ID {
		t.Fatalf("Ana's thread is under %s, not the event's channel %s", parent, ch.ID)
	}
}

// TestThreadsSpeakTheLocale: with locale fr, a participant's head card
// (its text and labels) is in French.
func TestThreadsSpeakTheLocale(t *testing.T) {
	fake, p := slackSocket(t, "locale: fr\n", slackfake.User{ID: "UANA", Name: "ana"})
	fake.SendSocket("events_api", map[string]any{"type": "event_callback", "event_id": "EvFr", "event": map[string]any{
		"type": "message", "user": "UANA", "channel": "DUANA", "channel_type": "im", "ts": "5.5", "text": "bonjour"}})
	waitUntil(t, p, "the French head card", func() bool {
		for _, m := range fake.Messages() {
			if m.Channel == "CMODS" && strings.Contains(m.Blocks, "Nouvelle conversation avec") && strings.Contains(m.Blocks, "Plateforme") {
				return true
			}
		}
		return false
	})
}

// TestFormsSpeakTheLocale: with locale fr, Slack's campaign form is in
// French.
func TestFormsSpeakTheLocale(t *testing.T) {
	fake, p := slackSocket(t, "locale: fr\nmoderators: {slack: {users: [UMOD]}}\n")
	fake.SendSocket("slash_commands", map[string]string{"command": "/herald", "text": "campaign new", "user_id": "UMOD", "user_name": "mo", "channel_id": "CMODS", "trigger_id": fake.Trigger()})
	waitUntil(t, p, "the form", func() bool { return len(fake.Views()) == 1 })
	body := fmt.Sprint(fake.Views()[0].Body)
	for _, want := range []string{"Nouvelle campagne", "Créer le brouillon", "Fenêtre d'envoi", "Fuseau horaire"} {
		if !strings.Contains(body, want) {
			t.Errorf("the French form lacks %q", want)
		}
	}
	if strings.Contains(body, "Sending window") {
		t.Error("the French form says \"Sending window\"")
	}
}
