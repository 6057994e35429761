package bot

import (
	"context"
)

// MessageRef identifies a message a Messenger posted, so that it can be
// edited or replied to in a thread.
type MessageRef struct {
	// Channel is where the message lives (a DM, a channel, a chat).
	Channel Address `json:"channel"`
	// ID is the platform's message id, as the adapter writes it.
	ID string `json:"id"`
}

// ThreadRef identifies a thread in a moderators' channel: the channel and
// the platform's thread id, as the adapter writes it.
type ThreadRef struct {
	Channel Address `json:"channel"`
	ID      string  `json:"id"`
}

// IsZero reports whether t is the empty thread reference.
func (t ThreadRef) IsZero() bool { return t.Channel.IsZero() && t.ID == "" }

// Messenger is the one ability every platform adapter has: send a message to
// an address. Send blocks until the platform accepted or refused the message,
// or ctx is done. A refusal is an *Error: EUNAVAILABLE when trying later may
// work (rate limit, 5xx, timeout), ENOTFOUND, EFORBIDDEN or EINVALID when it
// will not. Implementations are safe for concurrent use.
type Messenger interface {
	Platform() Platform
	Send(ctx context.Context, to Address, m Message) (MessageRef, error)
}

// ThreadPoster is implemented by messengers that can open and post in
// threads of a channel.
type ThreadPoster interface {
	// StartThread posts m as the head of a new thread in channel.
	StartThread(ctx context.Context, channel Address, m Message) (ThreadRef, error)
	// PostInThread posts m as a reply in thread t.
	PostInThread(ctx context.Context, t ThreadRef, m Message) (MessageRef, error)
}

// FileUploader is implemented by messengers that can upload a file, for
// example a campaign report, to an address.
type FileUploader interface {
	UploadFile(ctx context.Context, to Address, f File, comment string) (MessageRef, error)
}

// MessageEditor is implemented by messengers that can change a message they
// posted, for example a campaign card with live counters.
type MessageEditor interface {
	EditMessage(ctx context.Context, ref MessageRef, m Message) error
}

// Presence is whether a person is at their keyboard, as far as the platform
// tells.
type Presence string

// The presence values. PresenceUnknown is returned by platforms that do not
// expose presence for this person.
const (
	PresenceUnknown Presence = ""
	PresenceActive  Presence = "active"
	PresenceAway    Presence = "away"
)

// PresenceReader is implemented by messengers that can read a person's
// presence.
type PresenceReader interface {
	Presence(ctx context.Context, user Address) (Presence, error)
}
