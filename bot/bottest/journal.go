package bottest

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
)

// Journal is the store's journal in memory (Journal, Unjournal,
// Journaled, as the surfaces use it), with a log of what was done to it,
// in order: "keep KEY", "forget KEY", and what Note adds. It is safe for
// concurrent use.
type Journal struct {
	mu   sync.Mutex
	kept map[string][]byte
	log  []string
}

// NewJournal returns a journal that keeps kept (nil: nothing).
func NewJournal(kept map[string][]byte) *Journal {
	j := &Journal{kept: map[string][]byte{}}
	maps.Copy(j.kept, kept)
	return j
}

// Journal keeps value under key.
func (j *Journal) Journal(_ context.Context, key string, value []byte) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.kept[key] = slices.Clone(value)
	j.log = append(j.log, "keep "+key)
	return nil
}

// Unjournal forgets key.
func (j *Journal) Unjournal(_ context.Context, key string) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	delete(j.kept, key)
	j.log = append(j.log, "forget "+key)
	return nil
}

// Journaled returns what is kept under keys that start with prefix.
func (j *Journal) Journaled(_ context.Context, prefix string) (map[string][]byte, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := map[string][]byte{}
	for k, v := range j.kept {
		if strings.HasPrefix(k, prefix) {
			out[k] = slices.Clone(v)
		}
	}
	return out, nil
}

// Replace makes kept all the journal keeps.
func (j *Journal) Replace(kept map[string][]byte) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.kept = map[string][]byte{}
	maps.Copy(j.kept, kept)
}

// Len is how many entries are kept.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.kept)
}

// Note adds s to the log (a test's own step, among the journal's).
func (j *Journal) Note(s string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.log = append(j.log, s)
}

// Log returns the log so far; ResetLog empties it.
func (j *Journal) Log() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.log)
}

// ResetLog empties the log.
func (j *Journal) ResetLog() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.log = nil
}
