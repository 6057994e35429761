// Package apitokens makes and checks the tokens of herald's HTTP API (the
// event API). Only a token's SHA-256 is kept (Token.Hash); the
// token itself is shown once, when it is made.
package apitokens

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/heraldchat/herald/bot"
)

// Prefix starts every API token, so that one is recognised in a
// configuration or a log it should not be in.
const Prefix = "hrld_"

// ValidName says whether name may name an API token: one word of 1 to 64
// bytes.
func ValidName(name string) bool {
	return name != "" && len(name) <= 64 && !strings.ContainsAny(name, " \t\n")
}

// New returns a new random token and its hash (Hash).
func New() (token, hash string, err error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", "", bot.Errorf(bot.EINTERNAL, "making a token: %w", err)
	}
	token = Prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, Hash(token), nil
}

// Hash returns the hex SHA-256 of token, as kept.
func Hash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
