package main_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/commands"
)

// TestTryOnMeInTheConsole: "campaign try ID" without an address, as the
// card's "Try on me" runs it, reaches a console moderator in the console
// (their own address), personalised with the first recipient's values.
func TestTryOnMeInTheConsole(t *testing.T) {
	ctx := context.Background()
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), ""))
	mod := bot.Actor{Address: bot.Address{Platform: bot.PlatformWeb, ID: moderators.ConsolePrefix + "mo"}, Name: "mo"}
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
