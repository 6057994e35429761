package commands

import (
	"context"

	"github.com/heraldchat/herald/bot"
)

// CommandRequest is a moderator's command as a surface hands it to the
// command language: the words of the command, or a pressed button's
// signed value.
type CommandRequest struct {
	Actor  bot.Actor
	Text   string
	Files  []bot.File
	Thread bot.ThreadRef
	Signed string
}

// CommandRunner runs the command language for a surface. RunFile handles
// a file uploaded without a command. Both never fail: problems come back
// as messages. Mux implements it.
type CommandRunner interface {
	RunCommand(ctx context.Context, r CommandRequest) bot.CommandReply
	RunFile(ctx context.Context, a bot.Actor, f bot.File) bot.CommandReply
}
