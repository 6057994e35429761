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

// maxAnswerPart bounds the address and the value of an answer token;
// maxAnswerLabel the label it shows (longer ones are cut), so that a link
// stays short enough for every mail client.
const (
	maxAnswerPart  = 256
	maxAnswerLabel = 120
)

// The kinds of answer links.
const (
	answerButton byte = iota // its value is the answer
	answerText               // the page asks for a text: value, ":", the text
)

// AnswerLink is the link that answers value (a button's) as to, the
// button labelled label; "" when herald has no public address.
func (t *Tracker) AnswerLink(to bot.Address, value, label string) string {
	return t.answerLink(answerButton, to, value, label)
}

// TextLink is the link to a page where to writes a text answer: label
// (the question) shown, and value, ":" and the text written sent back as
// their message; "" when herald has no public address.
func (t *Tracker) TextLink(to bot.Address, value, label string) string {
	return t.answerLink(answerText, to, value, label)
}

func (t *Tracker) answerLink(kind byte, to bot.Address, value, label string) string {
	if t.BaseURL == "" || len(to.String()) > maxAnswerPart || len(value) > maxAnswerPart {
		return ""
	}
	if r := []rune(label); len(r) > maxAnswerLabel {
		label = string(r[:maxAnswerLabel-1]) + "…"
	}
	p := []byte{kind}
	for _, part := range []string{to.String(), value, label} {
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

// Answer is what an answer link says.
type Answer struct {
	To           bot.Address
	Value, Label string
	// Text says the page asks for a text, sent back after Value and ":".
	Text bool
}

// ParseAnswer reads an answer link's token; ok is false for a token
// herald did not make.
func (t *Tracker) ParseAnswer(tok string) (a Answer, ok bool) {
	if len(tok) > 2048 {
		return Answer{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) < 4+macSize {
		return Answer{}, false
	}
	p, mac := b[:len(b)-macSize], b[len(b)-macSize:]
	if !hmac.Equal(mac, t.answerMAC(p)) || p[0] > answerText {
		return Answer{}, false
	}
	a.Text = p[0] == answerText
	p = p[1:]
	var parts [3]string
	for i := range parts {
		n, k := binary.Uvarint(p)
		if k <= 0 || n > uint64(len(p)-k) {
			return Answer{}, false
		}
		parts[i], p = string(p[k:k+int(n)]), p[k+int(n):]
	}
	if len(p) != 0 {
		return Answer{}, false
	}
	platform, id, found := strings.Cut(parts[0], ":")
	if !found || !bot.Platform(platform).Valid() || id == "" {
		return Answer{}, false
	}
	a.To, a.Value, a.Label = bot.Address{Platform: bot.Platform(platform), ID: id}, parts[1], parts[2]
	return a, true
}
