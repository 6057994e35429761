package engagement

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"

	"github.com/heraldchat/herald/bot"
)

// Answer links let a person answer a button by email, where a message
// cannot carry buttons: each button is a link to a confirmation page, and
// only the page's POST answers (mail scanners open every link they find).

// maxAnswerPart bounds each part of an answer token, so that a link stays
// short enough for every mail client.
const maxAnswerPart = 200

// AnswerLink is the link that answers value (a button's) as to, the
// button labelled label; "" when herald has no public address or a part
// is too long.
func (t *Tracker) AnswerLink(to bot.Address, value, label string) string {
	if t.BaseURL == "" {
		return ""
	}
	var p []byte
	for _, part := range []string{to.String(), value, label} {
		if len(part) > maxAnswerPart {
			return ""
		}
		p = binary.AppendUvarint(p, uint64(len(part)))
		p = append(p, part...)
	}
	return t.BaseURL + "/a/" + base64.RawURLEncoding.EncodeToString(append(p, t.answerMAC(p)...))
}

func (t *Tracker) answerMAC(p []byte) []byte {
	h := hmac.New(sha256.New, t.Key)
	h.Write([]byte("herald answer\x00"))
	h.Write(p)
	return h.Sum(nil)[:macSize]
}

// ParseAnswer reads an answer link's token: who answers, the button's
// value and label. ok is false for a token herald did not make.
func (t *Tracker) ParseAnswer(tok string) (to bot.Address, value, label string, ok bool) {
	if len(tok) > 1024 {
		return bot.Address{}, "", "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 3+macSize {
		return bot.Address{}, "", "", false
	}
	p, mac := b[:len(b)-macSize], b[len(b)-macSize:]
	if !hmac.Equal(mac, t.answerMAC(p)) {
		return bot.Address{}, "", "", false
	}
	var parts [3]string
	for i := range parts {
		n, k := binary.Uvarint(p)
		if k <= 0 || n > uint64(len(p)-k) {
			return bot.Address{}, "", "", false
		}
		parts[i], p = string(p[k:k+int(n)]), p[k+int(n):]
	}
	if len(p) != 0 {
		return bot.Address{}, "", "", false
	}
	platform, id, found := strings.Cut(parts[0], ":")
	if !found || !bot.Platform(platform).Valid() || id == "" {
		return bot.Address{}, "", "", false
	}
	return bot.Address{Platform: bot.Platform(platform), ID: id}, parts[1], parts[2], true
}
