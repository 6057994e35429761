package apitokens

import (
	"context"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Token is a credential for herald's HTTP API (the event API). Only
// the SHA-256 of the token is kept; the token itself is shown once, when
// it is made (New makes it, Hash hashes it).
type Token struct {
	ID        uint64    `json:"id"`
	Name      string    `json:"name"`
	Hash      string    `json:"hash"` // hex SHA-256 of the token
	CreatedAt time.Time `json:"created_at"`
	CreatedBy bot.Actor `json:"created_by,omitzero"`
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// Revoked reports whether the token was revoked.
func (t *Token) Revoked() bool { return !t.RevokedAt.IsZero() }

// Store keeps API tokens. Each method is one transaction;
// implementations are safe for concurrent use.
type Store interface {
	// CreateAPIToken stores t, setting its ID; ECONFLICT when a token not
	// revoked has its name.
	CreateAPIToken(ctx context.Context, t *Token) error
	// APITokenByHash returns the token with that hash (revoked or not), or
	// ENOTFOUND.
	APITokenByHash(ctx context.Context, hash string) (*Token, error)
	// APITokens returns every token, revoked ones too, by ID.
	APITokens(ctx context.Context) ([]*Token, error)
	// RevokeAPIToken revokes the token not revoked named name, at at;
	// ENOTFOUND when there is none.
	RevokeAPIToken(ctx context.Context, name string, at time.Time) (*Token, error)
}
