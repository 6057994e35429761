package main_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/commands"
)

// consoleMod is a moderator of the web console, for commands run through
// Main.
var consoleMod = bot.Actor{Address: bot.Address{Platform: bot.PlatformWeb, ID: moderators.ConsolePrefix + "mo"}, Name: "mo"}

// commandsOf returns a function that runs a command in p as consoleMod
// and returns what it answered: each message's title and text.
func commandsOf(t *testing.T, p *Program) func(text string, files ...bot.File) string {
	return func(text string, files ...bot.File) string {
		t.Helper()
		r := p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: consoleMod, Text: text, Files: files})
		var b strings.Builder
		for _, m := range r.Messages {
			b.WriteString(m.Title + "\n" + m.Text + "\n")
		}
		return b.String()
	}
}

// slackSocket starts the Slack fake (herald in the moderators' channel
// CMODS, users added) and herald on it in Socket Mode, with extra YAML.
func slackSocket(t *testing.T, extra string, users ...slackfake.User) (*slackfake.Server, *Program) {
	t.Helper()
	fake, err := slackfake.Start("xoxb-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.AppToken = "xapp-test"
	fake.Join("CMODS")
	for _, u := range users {
		fake.AddUser(u)
	}
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), "slack: {enabled: true, mode: socket, bot_token: xoxb-test, app_token: xapp-test, channel: CMODS, api_url: \""+fake.URL()+"\"}\n"+extra))
	return fake, p
}

// mustRun returns a function that runs a command in p as consoleMod and
// fails the test on a refusal (a private answer).
func mustRun(t *testing.T, p *Program) func(text string, files ...bot.File) {
	return func(text string, files ...bot.File) {
		t.Helper()
		if r := p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: consoleMod, Text: text, Files: files}); r.Private {
			t.Fatalf("%s: %+v", text, r)
		}
	}
}

// commandOutput runs a command in p as consoleMod, fails the test on a
// refusal, and returns what its messages say (titles and texts) and the
// bytes of the files they carry.
func commandOutput(t *testing.T, p *Program, line string) (string, []byte) {
	t.Helper()
	r := p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: consoleMod, Text: line})
	var b strings.Builder
	var files []byte
	for _, m := range r.Messages {
		b.WriteString(m.Title + "\n" + m.Text + "\n")
		for _, f := range m.Files {
			files = append(files, f.Data...)
		}
	}
	if r.Private {
		t.Fatalf("%q was refused: %s", line, b.String())
	}
	return b.String(), files
}

// callbackData returns the callback data of the inline keyboard button
// labelled label in a Telegram reply markup ("" when none).
func callbackData(markup, label string) string {
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	json.Unmarshal([]byte(markup), &kb)
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.Text == label {
				return b.CallbackData
			}
		}
	}
	return ""
}
