package status

import (
	"strings"
	"sync"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
)

// Connection is whether herald is connected to a platform.
type Connection struct {
	Platform  bot.Platform `json:"platform"`
	Connected bool         `json:"connected"`
	Detail    string       `json:"detail,omitempty"`
	Since     time.Time    `json:"since"`
}

// IntegrationError is a problem a platform reported, with how to fix it.
type IntegrationError struct {
	At       time.Time    `json:"at"`
	Platform bot.Platform `json:"platform"`
	Message  string       `json:"message"`
	Fix      string       `json:"fix"`
	// Key and Args are the error's catalogue key and arguments, when it
	// has them (Message and Fix are then its English text).
	Key  string `json:"key,omitempty"`
	Args []any  `json:"-"`
}

// Snapshot is what `status` shows.
type Snapshot struct {
	Platforms []Connection       `json:"platforms"`
	Queue     int                `json:"queue"`
	Errors    []IntegrationError `json:"errors"`
}

// maxErrors is how many recent errors the board keeps.
const maxErrors = 20

// Board collects the platforms' connection state and their recent
// integration errors (a channel herald was not invited to, a missing
// permission, …) for `status`. The
// same error reported again replaces the older one. It is safe for
// concurrent use.
type Board struct {
	Clock clock.Clock
	// Queue, when set, returns how many messages wait to be sent.
	Queue func() int

	mu        sync.Mutex
	platforms map[bot.Platform]Connection
	errors    []IntegrationError
}

// SetConnected records whether platform p is connected.
func (b *Board) SetConnected(p bot.Platform, connected bool, detail string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.platforms == nil {
		b.platforms = map[bot.Platform]Connection{}
	}
	old, ok := b.platforms[p]
	since := b.Clock.Now()
	if ok && old.Connected == connected {
		since = old.Since
	}
	b.platforms[p] = Connection{Platform: p, Connected: connected, Detail: detail, Since: since}
}

// Report records an integration error and how to fix it.
func (b *Board) Report(p bot.Platform, message, fix string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, e := range b.errors {
		if e.Platform == p && e.Message == message {
			b.errors = append(b.errors[:i], b.errors[i+1:]...)
			break
		}
	}
	b.errors = append(b.errors, IntegrationError{At: b.Clock.Now(), Platform: p, Message: message, Fix: fix})
	if len(b.errors) > maxErrors {
		b.errors = b.errors[len(b.errors)-maxErrors:]
	}
}

// ReportError records an integration error told by a platform's error:
// its message up to the first ": " and the fix after, with its catalogue
// key so that `status` shows it in the moderators' language.
func (b *Board) ReportError(p bot.Platform, err error) {
	msg, fix, _ := strings.Cut(bot.ErrorMessage(err), ": ")
	b.Report(p, msg, fix)
	key, args := bot.ErrorKey(err)
	if key == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if n := len(b.errors); n > 0 {
		b.errors[n-1].Key, b.errors[n-1].Args = key, args
	}
}

// Status returns the platforms in a stable order and the errors, newest
// first.
func (b *Board) Status() Snapshot {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := Snapshot{Platforms: []Connection{}, Errors: []IntegrationError{}}
	for _, p := range bot.Platforms() {
		if ps, ok := b.platforms[p]; ok {
			st.Platforms = append(st.Platforms, ps)
		}
	}
	for i := len(b.errors) - 1; i >= 0; i-- {
		st.Errors = append(st.Errors, b.errors[i])
	}
	if b.Queue != nil {
		st.Queue = b.Queue()
	}
	return st
}
