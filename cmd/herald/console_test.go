package main_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/heraldchat/herald/adapters/discord/discordfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

// TestTryOnMeInTheConsole: "campaign try ID" without an address, as the
// card's "Try on me" runs it, reaches a console moderator in the console
// (their own address), personalised with the first recipient's values.
func TestTryOnMeInTheConsole(t *testing.T) {
	ctx := context.Background()
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), ""))
	mod := consoleMod
	run := func(text string, files ...bot.File) bot.CommandReply {
		t.Helper()
		return p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: mod, Text: text, Files: files})
	}
	run("list import people", bot.File{Name: "p.csv", Data: []byte("respondentID,first_name\nAAAAAAAAAAAAAAAAAAAAAA,Ana\n")})
	run("campaign new Hello")
	run("campaign message 1 Hello {{first_name}}")
	run("campaign audience 1 list:people")
	r := run("campaign try 1")
	if len(r.Messages) != 1 || r.Messages[0].Kind != bot.KindSuccess || !strings.Contains(r.Messages[0].Text, "delivered to web:console:mo") {
		t.Fatalf("campaign try without an address in the console: %+v", r.Messages)
	}
}

// TestDiscordCardFollowsTheCampaign: a campaign card asked for with
// /herald in a Discord channel is a channel message (the bot's, not an
// interaction answer whose token expires), edited as the campaign runs.
func TestDiscordCardFollowsTheCampaign(t *testing.T) {
	fake, err := discordfake.Start("dc-token")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.AddUser("4001", true)
	fake.AddUser("4002", true)
	cfg := MustWriteConfig(t, t.TempDir(), "discord: {enabled: true, token: dc-token, application_id: \"123\", guild_id: \"777\", api_url: \"http://"+fake.Addr()+"\"}\nmoderators: {discord: {group: R-MODS}}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	run := mustRun(t, p)
	run("list import dc", bot.File{Name: "dc.csv", Data: []byte("discord_id,first_name\n4001,Ana\n4002,Bo\n")})
	run("campaign new Live")
	run("campaign message 1 Hi {{first_name}}!")
	run("campaign audience 1 list:dc")
	waitUntil(t, p, "/herald registered", func() bool { return strings.Contains(fake.Commands("777"), `"name":"campaign"`) })
	fake.Member("55", "R-MODS")
	fake.Slash("777", "555", "55", "campaign", "show 1")
	card := func() (discordfake.Message, bool) {
		for _, m := range fake.Messages() {
			if m.ChannelID == "555" && !m.Ephemeral && strings.Contains(m.Embeds, "Live") {
				return m, true
			}
		}
		return discordfake.Message{}, false
	}
	waitUntil(t, p, "the card in the channel", func() bool { _, ok := card(); return ok })
	run("campaign start 1")
	waitUntil(t, p, "the card edited to done", func() bool {
		m, _ := card()
		return m.Edited > 0 && strings.Contains(m.Embeds, "done") && strings.Contains(m.Embeds, "2 sent")
	})
}

// TestChatPageSpeaksTheLocale: with locale fr the participants' chat page
// is in French (its language, labels and the script's messages).
func TestChatPageSpeaksTheLocale(t *testing.T) {
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), "locale: fr\n"))
	code, page := httpGet(t, "http://"+p.HTTPAddr()+"/chat")
	if code != 200 {
		t.Fatalf("GET /chat = %d", code)
	}
	for _, want := range []string{`lang="fr"`, "Écrivez un message…", ">Envoyer<", "Dites-nous qui vous êtes", "Votre identifiant", "Hors ligne"} {
		if !strings.Contains(page, want) {
			t.Errorf("the French chat page lacks %q", want)
		}
	}
	for _, english := range []string{"Write a message", ">Send<", "Tell us who you are", "Your id", "Offline:"} {
		if strings.Contains(page, english) {
			t.Errorf("the French chat page says %q", english)
		}
	}
}

// TestConsoleSpeaksTheLocale: with locale fr the moderators' console and
// its login page are in French.
func TestConsoleSpeaksTheLocale(t *testing.T) {
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), "locale: fr\nweb: {console_token: tok-fr-0123456789}\n"))
	_, login := httpGet(t, "http://"+p.HTTPAddr()+"/console")
	for _, want := range []string{`lang="fr"`, "Votre nom", "Jeton de la console", "Se connecter"} {
		if !strings.Contains(login, want) {
			t.Errorf("the French login page lacks %q", want)
		}
	}
	c := consoleAs(t, p.HTTPAddr(), "tok-fr-0123456789")
	resp, err := c.Get("http://" + p.HTTPAddr() + "/console")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`lang="fr"`, "Se déconnecter partout", "Campagnes", "Listes", "Choisissez une conversation", "Commandes", `data-texts="{`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the French console lacks %q", want)
		}
	}
	for _, english := range []string{">Log out<", ">Campaigns<", ">Choose a conversation<", ">Commands<"} {
		if strings.Contains(string(page), english) {
			t.Errorf("the French console says %q", english)
		}
	}
}

// TestCheckCountsChatIDsNeverOpened: a respondent id herald never met
// (never opened the chat page: a typo in a list) is counted out by check.
func TestCheckCountsChatIDsNeverOpened(t *testing.T) {
	ctx := context.Background()
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), ""))
	rid := visitChat(t, p.HTTPAddr())
	mod := consoleMod
	run := func(text string, files ...bot.File) string {
		t.Helper()
		r := p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: mod, Text: text, Files: files})
		return r.Messages[0].Text
	}
	run("list import web", bot.File{Name: "w.csv", Data: []byte("respondentID\n" + rid + "\nZZZZZZZZZZZZZZZZZZZZZZ\n")})
	run("campaign new W")
	run("campaign message 1 Hi")
	run("campaign audience 1 list:web")
	if out := run("campaign check 1"); !strings.Contains(out, "web: 1 of 2 can be reached (1 never started it)") {
		t.Fatalf("check:\n%s", out)
	}
}
