package commands

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/expiring"
)

// DefaultActionTTL is how long a button stays valid.
const DefaultActionTTL = 7 * 24 * time.Hour

// Signer signs the commands buttons carry, so that a click is honoured only
// if herald made the button, before it expired, and once. A forged, altered,
// expired or replayed value is refused. It is safe for concurrent use.
type Signer struct {
	key   []byte
	clock clock.Clock
	ttl   time.Duration

	used *expiring.Map[string, struct{}] // nonces used, until their button expires
}

// NewSigner returns a signer with a secret key (32 random bytes, kept
// across restarts so that buttons outlive them).
func NewSigner(key []byte, clock clock.Clock, ttl time.Duration) *Signer {
	if ttl <= 0 {
		ttl = DefaultActionTTL
	}
	return &Signer{key: key, clock: clock, ttl: ttl, used: expiring.New[string, struct{}](clock, 0)}
}

type signedAction struct {
	Command string `json:"c"`
	Expires int64  `json:"e"`
	Nonce   string `json:"n"`
}

// Sign returns the value a button carries to run command when pressed.
func (s *Signer) Sign(command string) string {
	nonce := make([]byte, 9)
	rand.Read(nonce)
	payload, _ := json.Marshal(signedAction{Command: command, Expires: s.clock.Now().Add(s.ttl).Unix(), Nonce: base64.RawURLEncoding.EncodeToString(nonce)})
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(s.mac(p))
}

func (s *Signer) mac(p string) []byte {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte("herald-action\x00" + p))
	return h.Sum(nil)
}

// Verify returns the command a button value carries. It returns EFORBIDDEN
// for a value herald did not sign or that was altered, and ECONFLICT for
// an expired or already used one.
func (s *Signer) Verify(value string) (string, error) {
	forged := bot.Errorf(bot.EFORBIDDEN, "this button was not made by herald; refused")
	p, sig, ok := strings.Cut(value, ".")
	if !ok {
		return "", forged
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, s.mac(p)) {
		return "", forged
	}
	raw, err := base64.RawURLEncoding.DecodeString(p)
	var a signedAction
	if err != nil || json.Unmarshal(raw, &a) != nil || a.Nonce == "" {
		return "", forged
	}
	now := s.clock.Now()
	exp := time.Unix(a.Expires, 0)
	if !now.Before(exp) {
		return "", bot.Errorf(bot.ECONFLICT, "this button has expired: run the command again to get a fresh one")
	}
	if !s.used.Add(a.Nonce, exp.Sub(now)) {
		return "", bot.Errorf(bot.ECONFLICT, "this button was already used")
	}
	return a.Command, nil
}
