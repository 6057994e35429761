package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// Secrets keeps named secrets (the store).
type Secrets interface {
	InitSecret(ctx context.Context, name string, make func() ([]byte, error)) ([]byte, bool, error)
}

// SecretReplacer replaces a named secret (the store).
type SecretReplacer interface {
	ReplaceSecret(ctx context.Context, name string, value []byte) error
}

// loginSecret names the kept hash of a token herald made.
const loginSecret = "console-token-sha256"

// ResetLoginToken makes a new random login token, keeps its hash in
// secrets in place of the old one, and returns the token (to be shown to
// the operator once, never kept in clear) and its hash.
func ResetLoginToken(ctx context.Context, secrets SecretReplacer) (fresh string, hash []byte, err error) {
	fresh, hash, err = newLoginToken()
	if err != nil {
		return "", nil, err
	}
	if err := secrets.ReplaceSecret(ctx, loginSecret, hash); err != nil {
		return "", nil, err
	}
	return fresh, hash, nil
}

// newLoginToken returns a random token of 144 bits and its SHA-256.
func newLoginToken() (string, []byte, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	t := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(t))
	return t, sum[:], nil
}

// LoginToken returns the SHA-256 of the console's login token: of
// configured when it is set; otherwise of a random token made at the
// first start and kept (hashed) in secrets, which is then returned once,
// in fresh, for the operator to be shown — never again, and never kept in
// clear.
func LoginToken(ctx context.Context, secrets Secrets, configured string) (hash []byte, fresh string, err error) {
	if configured != "" {
		sum := sha256.Sum256([]byte(configured))
		return sum[:], "", nil
	}
	hash, created, err := secrets.InitSecret(ctx, loginSecret, func() ([]byte, error) {
		t, sum, err := newLoginToken()
		fresh = t
		return sum, err
	})
	if err != nil || !created {
		fresh = ""
	}
	return hash, fresh, err
}
