package bot

import "context"

// Snippet is a saved answer moderators send by name.
type Snippet struct {
	Name string `json:"name"`
	Text string `json:"text"`
	By   Actor  `json:"by"`
}

// SnippetStore keeps snippets by name (compared case-insensitively). Each
// method is one transaction.
type SnippetStore interface {
	PutSnippet(ctx context.Context, s *Snippet) error
	Snippet(ctx context.Context, name string) (*Snippet, error) // ENOTFOUND
	Snippets(ctx context.Context) ([]*Snippet, error)           // in name order
	DeleteSnippet(ctx context.Context, name string) error       // ENOTFOUND
}
