package bot

import "context"

// CommandRequest is a moderator's command as a surface hands it to the
// command language: the text after /herald, or a signed button value.
type CommandRequest struct {
	Actor  Actor
	Text   string
	Files  []File
	Thread ThreadRef
	Signed string
}

// CommandReply is the command language's answer, in neutral messages the
// surface renders. Private asks for an answer only the moderator sees.
type CommandReply struct {
	Messages []Message
	Private  bool
	// Created is the campaign the command created, for surfaces that go
	// on with it (a form that sets the message and audience next).
	Created CampaignID
}

// CommandRunner runs the command language (package commands) for a
// surface. RunFile handles a file uploaded without a command. Both never
// fail: problems come back as messages.
type CommandRunner interface {
	RunCommand(ctx context.Context, r CommandRequest) CommandReply
	RunFile(ctx context.Context, a Actor, f File) CommandReply
}
