package bot

import (
	"context"
	"time"
)

// Post is one message as herald keeps it for the surfaces that have no
// history of their own: a web-chat participant's conversation (Channel
// web:RESPONDENT) and the threads of the web console (Channel web:console,
// Thread set).
type Post struct {
	ID      uint64    `json:"id"`
	Channel Address   `json:"channel"`
	Thread  string    `json:"thread,omitempty"`
	From    Actor     `json:"from"`
	Message Message   `json:"message"`
	At      time.Time `json:"at"`
	// Internal marks a moderators' note, never shown to the participant.
	Internal bool `json:"internal,omitempty"`
}

// PostStore keeps posts in order per channel and thread. Each method is
// one transaction; implementations are safe for concurrent use.
type PostStore interface {
	// AppendPost stores p at the end of its channel and thread, setting ID
	// (growing within the channel and thread) and At when unset. The
	// content of each of its files with data and no ID is kept too, in the
	// same transaction, and the file's ID set.
	AppendPost(ctx context.Context, p *Post) error
	// AppendPostOnce is AppendPost under an idempotency key (a campaign
	// sending's): when key was used within KeyTTL, nothing is written, p.ID
	// is set to the post first kept under it, and already is true. It is
	// how herald, the platform of its own web chat, sends a campaign
	// message there exactly once across a crash.
	AppendPostOnce(ctx context.Context, p *Post, key string) (already bool, err error)
	// PostFile returns a file kept by AppendPost, with its data, and the
	// channel of the post that first carried it (whose participant may
	// download it); ENOTFOUND when there is none.
	PostFile(ctx context.Context, id string) (File, Address, error)
	// PostFilesSize returns the bytes of every file kept with posts, for
	// a quota.
	PostFilesSize(ctx context.Context) (int64, error)
	// Posts returns up to limit posts of the channel and thread with IDs
	// after the given one, oldest first (limit <= 0: all).
	Posts(ctx context.Context, channel Address, thread string, after uint64, limit int) ([]*Post, error)
}
