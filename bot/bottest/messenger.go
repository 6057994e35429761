package bottest

import (
	"context"
	"strconv"
	"sync"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/contacts"
)

var (
	_ bot.Messenger      = (*Messenger)(nil)
	_ bot.ThreadPoster   = (*Messenger)(nil)
	_ bot.MessageEditor  = (*Messenger)(nil)
	_ bot.FileUploader   = (*Messenger)(nil)
	_ bot.PresenceReader = (*Messenger)(nil)
)

// Sent is one message the fake Messenger accepted.
type Sent struct {
	Ref     bot.MessageRef
	To      bot.Address
	Thread  bot.ThreadRef // set for thread posts
	Message bot.Message
	Edited  int // how many times it was edited since
}

// Messenger is an in-memory bot.Messenger with every optional ability. It
// records what it accepts and fails the addresses it is told to. It is safe
// for concurrent use.
type Messenger struct {
	platform bot.Platform
	// Hook, when set, is called before each message is accepted; an error
	// it returns is the send's error. It must be set before use.
	Hook func(to bot.Address, m bot.Message) error

	mu       sync.Mutex
	seq      int
	sent     []Sent
	failures map[bot.Address]error
	presence map[bot.Address]bot.Presence
	emails   map[string]bot.Address
}

// NewMessenger returns an empty fake messenger for platform p.
func NewMessenger(p bot.Platform) *Messenger {
	return &Messenger{
		platform: p,
		failures: map[bot.Address]error{},
		presence: map[bot.Address]bot.Presence{},
		emails:   map[string]bot.Address{},
	}
}

// Platform returns the platform the fake stands for.
func (m *Messenger) Platform() bot.Platform { return m.platform }

// FailTo makes every later send to addr return err; a nil err clears it.
func (m *Messenger) FailTo(addr bot.Address, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err == nil {
		delete(m.failures, addr)
		return
	}
	m.failures[addr] = err
}

// SetPresence sets what Presence returns for user.
func (m *Messenger) SetPresence(user bot.Address, p bot.Presence) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.presence[user] = p
}

// AddUser makes ResolveEmail find user by email.
func (m *Messenger) AddUser(email string, user bot.Address) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.emails[contacts.NormalizeEmail(email)] = user
}

// Sent returns a copy of everything accepted so far, in order.
func (m *Messenger) Sent() []Sent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Sent(nil), m.sent...)
}

// SentTo returns the messages accepted for addr, in order.
func (m *Messenger) SentTo(addr bot.Address) []bot.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []bot.Message
	for _, s := range m.sent {
		if s.To == addr {
			out = append(out, s.Message)
		}
	}
	return out
}

func (m *Messenger) record(to bot.Address, thread bot.ThreadRef, msg bot.Message) (bot.MessageRef, error) {
	if m.Hook != nil {
		if err := m.Hook(to, msg); err != nil {
			return bot.MessageRef{}, err
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.failures[to]; err != nil {
		return bot.MessageRef{}, err
	}
	if err := msg.Validate(); err != nil {
		return bot.MessageRef{}, err
	}
	m.seq++
	ref := bot.MessageRef{Channel: to, ID: strconv.Itoa(m.seq)}
	m.sent = append(m.sent, Sent{Ref: ref, To: to, Thread: thread, Message: msg})
	return ref, nil
}

// Send records msg for to, or returns the failure set with FailTo.
func (m *Messenger) Send(ctx context.Context, to bot.Address, msg bot.Message) (bot.MessageRef, error) {
	if err := ctx.Err(); err != nil {
		return bot.MessageRef{}, err
	}
	return m.record(to, bot.ThreadRef{}, msg)
}

// StartThread records msg as a thread head in channel.
func (m *Messenger) StartThread(ctx context.Context, channel bot.Address, msg bot.Message) (bot.ThreadRef, error) {
	ref, err := m.Send(ctx, channel, msg)
	if err != nil {
		return bot.ThreadRef{}, err
	}
	return bot.ThreadRef{Channel: channel, ID: ref.ID}, nil
}

// PostInThread records msg as a reply in thread t.
func (m *Messenger) PostInThread(ctx context.Context, t bot.ThreadRef, msg bot.Message) (bot.MessageRef, error) {
	if err := ctx.Err(); err != nil {
		return bot.MessageRef{}, err
	}
	return m.record(t.Channel, t, msg)
}

// UploadFile records f as a message holding one file.
func (m *Messenger) UploadFile(ctx context.Context, to bot.Address, f bot.File, comment string) (bot.MessageRef, error) {
	return m.Send(ctx, to, bot.Message{Text: comment, Files: []bot.File{f}})
}

// EditMessage replaces the recorded message ref, or returns ENOTFOUND.
func (m *Messenger) EditMessage(ctx context.Context, ref bot.MessageRef, msg bot.Message) error {
	if err := msg.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.sent {
		if m.sent[i].Ref == ref {
			m.sent[i].Message = msg
			m.sent[i].Edited++
			return nil
		}
	}
	return bot.Errorf(bot.ENOTFOUND, "message %s not found in %s", ref.ID, ref.Channel)
}

// Presence returns what SetPresence set, or PresenceUnknown.
func (m *Messenger) Presence(ctx context.Context, user bot.Address) (bot.Presence, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.presence[user], nil
}

// ResolveEmail returns the user added with AddUser, or ENOTFOUND.
func (m *Messenger) ResolveEmail(ctx context.Context, email string) (bot.Address, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if a, ok := m.emails[contacts.NormalizeEmail(email)]; ok {
		return a, nil
	}
	return bot.Address{}, bot.Errorf(bot.ENOTFOUND, "no %s user has the email %s", m.platform, email)
}
