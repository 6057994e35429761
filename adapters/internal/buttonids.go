package internal

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
)

// MaxButtonIDs bounds the button values a ButtonIDs keeps; the oldest go
// first.
const MaxButtonIDs = 10000

// ButtonIDs keeps long button values (signed commands) behind short ids,
// for platforms whose buttons carry little data (Telegram's 64-byte
// callback data, Discord's 100-character custom ids). It lives in memory:
// after a restart an old id is unknown, and the adapter says to run the
// command again. The zero value is ready; it is safe for concurrent use.
type ButtonIDs struct {
	mu    sync.Mutex
	m     map[string]string
	order []string
}

// Put keeps value and returns its id: 16 hex characters.
func (b *ButtonIDs) Put(value string) string {
	raw := make([]byte, 8)
	rand.Read(raw)
	id := hex.EncodeToString(raw)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.m == nil {
		b.m = map[string]string{}
	}
	b.m[id] = value
	b.order = append(b.order, id)
	for len(b.order) > MaxButtonIDs {
		delete(b.m, b.order[0])
		b.order = b.order[1:]
	}
	return id
}

// Get returns the value kept under id.
func (b *ButtonIDs) Get(id string) (string, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.m[id]
	return v, ok
}
