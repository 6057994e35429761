package bot

import (
	"context"
	"time"
)

// APIToken is a credential for herald's HTTP API (the event API). Only
// the SHA-256 of the token is kept; the token itself is shown once, when
// it is made (package apitokens makes and hashes tokens).
type APIToken struct {
	ID        uint64    `json:"id"`
	Name      string    `json:"name"`
	Hash      string    `json:"hash"` // hex SHA-256 of the token
	CreatedAt time.Time `json:"created_at"`
	CreatedBy Actor     `json:"created_by,omitzero"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Revoked reports whether the token was revoked.
func (t *APIToken) Revoked() bool { return !t.RevokedAt.IsZero() }

// APITokenStore keeps API tokens. Each method is one transaction;
// implementations are safe for concurrent use.
type APITokenStore interface {
	// CreateAPIToken stores t, setting its ID; ECONFLICT when a token not
	// revoked has its name.
	CreateAPIToken(ctx context.Context, t *APIToken) error
	// APITokenByHash returns the token with that hash (revoked or not), or
	// ENOTFOUND.
	APITokenByHash(ctx context.Context, hash string) (*APIToken, error)
	// APITokens returns every token, revoked ones too, by ID.
	APITokens(ctx context.Context) ([]*APIToken, error)
	// RevokeAPIToken revokes the token not revoked named name, at at;
	// ENOTFOUND when there is none.
	RevokeAPIToken(ctx context.Context, name string, at time.Time) (*APIToken, error)
}

// EventKeyTTL is how long an event's idempotency key is remembered: the
// same key again within it records nothing new.
const EventKeyTTL = 7 * 24 * time.Hour

// EventRecorder records events that come with idempotency keys (the
// event API).
type EventRecorder interface {
	// RecordEvents appends events in one transaction, all or nothing,
	// setting their Seq. keys[i] ("" for none) is events[i]'s key, scoped
	// by scope (the API token): a key recorded within EventKeyTTL is not
	// appended again — events[i].Seq is then the first one's and dup[i]
	// is true; a key twice in one call counts once.
	RecordEvents(ctx context.Context, scope string, events []*Event, keys []string) (dup []bool, err error)
}
