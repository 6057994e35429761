package bot

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"
)

// APIToken is a credential for herald's HTTP API (the event API). Only
// the SHA-256 of the token is kept; the token itself is shown once, when
// it is made.
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

// APITokenPrefix starts every API token, so that one is recognised in a
// configuration or a log it should not be in.
const APITokenPrefix = "hrld_"

// ValidAPITokenName says whether name may name an API token: one word
// of 1 to 64 bytes.
func ValidAPITokenName(name string) bool {
	return name != "" && len(name) <= 64 && !strings.ContainsAny(name, " \t\n")
}

// NewAPIToken returns a new random token and its hash (HashAPIToken).
func NewAPIToken() (token, hash string, err error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", "", Errorf(EINTERNAL, "making a token: %w", err)
	}
	token = APITokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashAPIToken(token), nil
}

// HashAPIToken returns the hex SHA-256 of token, as kept.
func HashAPIToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

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
