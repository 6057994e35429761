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
	hash, created, err := secrets.InitSecret(ctx, "console-token-sha256", func() ([]byte, error) {
		b := make([]byte, 18)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		fresh = base64.RawURLEncoding.EncodeToString(b)
		sum := sha256.Sum256([]byte(fresh))
		return sum[:], nil
	})
	if err != nil || !created {
		fresh = ""
	}
	return hash, fresh, err
}
