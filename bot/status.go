package bot

import (
	"sync"
	"time"
)

// PlatformStatus is whether herald is connected to a platform.
type PlatformStatus struct {
	Platform  Platform  `json:"platform"`
	Connected bool      `json:"connected"`
	Detail    string    `json:"detail,omitempty"`
	Since     time.Time `json:"since"`
}

// IntegrationError is a problem a platform reported, with how to fix it.
type IntegrationError struct {
	At       time.Time `json:"at"`
	Platform Platform  `json:"platform"`
	Message  string    `json:"message"`
	Fix      string    `json:"fix"`
}

// Status is what `status` shows.
type Status struct {
	Platforms []PlatformStatus   `json:"platforms"`
	Queue     int                `json:"queue"`
	Errors    []IntegrationError `json:"errors"`
}

// MaxIntegrationErrors is how many recent errors the board keeps.
const MaxIntegrationErrors = 20

// StatusBoard collects the platforms' connection state and their recent
// integration errors (not_in_channel, missing_scope, …) for `status`. The
// same error reported again replaces the older one. It is safe for
// concurrent use.
type StatusBoard struct {
	Clock Clock
	// Queue, when set, returns how many messages wait to be sent.
	Queue func() int

	mu        sync.Mutex
	platforms map[Platform]PlatformStatus
	errors    []IntegrationError
}

// SetConnected records whether platform p is connected.
func (b *StatusBoard) SetConnected(p Platform, connected bool, detail string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.platforms == nil {
		b.platforms = map[Platform]PlatformStatus{}
	}
	old, ok := b.platforms[p]
	since := b.Clock.Now()
	if ok && old.Connected == connected {
		since = old.Since
	}
	b.platforms[p] = PlatformStatus{Platform: p, Connected: connected, Detail: detail, Since: since}
}

// Report records an integration error and how to fix it.
func (b *StatusBoard) Report(p Platform, message, fix string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, e := range b.errors {
		if e.Platform == p && e.Message == message {
			b.errors = append(b.errors[:i], b.errors[i+1:]...)
			break
		}
	}
	b.errors = append(b.errors, IntegrationError{At: b.Clock.Now(), Platform: p, Message: message, Fix: fix})
	if len(b.errors) > MaxIntegrationErrors {
		b.errors = b.errors[len(b.errors)-MaxIntegrationErrors:]
	}
}

// Status returns the platforms in a stable order and the errors, newest
// first.
func (b *StatusBoard) Status() Status {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := Status{Platforms: []PlatformStatus{}, Errors: []IntegrationError{}}
	for _, p := range Platforms() {
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
