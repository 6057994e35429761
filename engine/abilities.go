package engine

import (
	"context"
	"time"

	"github.com/heraldchat/herald/bot"
)

// The optional abilities of a messenger that only the engine uses,
// declared here, where they are used, and checked at run time.

// OnceSender is implemented by messengers whose platform can take a key
// with a message and refuse a second message with the same key for
// OnceWindow. The engine sends every
// campaign message with its sending's key, so that a sending found
// in flight after a restart within the window is sent again without
// reaching the person twice: already reports that the platform had taken
// a message with that key, and then nothing new was sent and ref names the
// message it had.
type OnceSender interface {
	SendOnce(ctx context.Context, to bot.Address, m bot.Message, key string) (ref bot.MessageRef, already bool, err error)
	OnceWindow() time.Duration
}

// EmailResolver is implemented by messengers that can find a person's
// address on the platform from their email. It returns an ENOTFOUND error
// when no user has that email.
type EmailResolver interface {
	ResolveEmail(ctx context.Context, email string) (bot.Address, error)
}
