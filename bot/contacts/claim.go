package contacts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/expiring"
)

const (
	// CodeTTL is how long an emailed code can be entered.
	CodeTTL = 15 * time.Minute
	// codeResend is how soon the same email may be sent another code.
	codeResend = time.Minute
	// maxCodeTries is how many wrong codes void the one sent.
	maxCodeTries = 5
	// MaxCodesPerHour is how many codes one email address is sent in an
	// hour, whoever claims it: with maxCodeTries, at most 25 guesses of a
	// six-digit code an hour, and no flood of mail to someone else's box.
	MaxCodesPerHour = 5
)

// Claim records an email the person at addr typed themselves (see
// bot.EmailClaim). An email their contact already has stands as it is; any
// other is kept as a claim and, when Mail is set, a one-time code is
// emailed to it (a code sent less than a minute ago is not sent again).
// It reports whether a code waits to be entered with Confirm. The person
// stays the contact they are — their messages relayed like anyone's —
// whatever they claim.
func (s *Service) Claim(ctx context.Context, addr bot.Address, name, email string) (codeSent bool, err error) {
	email = strings.TrimSpace(email)
	ct, err := s.Seen(ctx, addr, name, "", bot.ReachUnknown)
	if err != nil || email == "" || NormalizeEmail(ct.Email) == NormalizeEmail(email) {
		return false, err
	}
	now := s.Clock.Now().UTC()
	var code string
	ct, err = s.Store.UpdateContact(ctx, ct.ID, func(c *bot.Contact) error {
		code = ""
		if cl := c.Claim; cl != nil && NormalizeEmail(cl.Email) == NormalizeEmail(email) &&
			cl.CodeHash != "" && now.Before(cl.Until.Add(codeResend-CodeTTL)) {
			return nil // a code went a moment ago: that one holds
		}
		c.Claim = &bot.EmailClaim{Email: email}
		if s.Mail != nil {
			if !s.reserveCode(email, now) {
				return bot.Errorf(bot.EUNAVAILABLE, "%d codes went to %s within the hour: try again later", MaxCodesPerHour, email)
			}
			code = newCode()
			c.Claim.CodeHash, c.Claim.Until = hashCode(code), now.Add(CodeTTL)
		}
		return nil
	})
	if err != nil || code == "" {
		return err == nil && ct.Claim.CodeHash != "", err
	}
	title, body := "Your confirmation code", fmt.Sprintf(
		"Your code is %s. Enter it in the chat to confirm this email address and link the chat to your earlier conversations with us. It works for %d minutes; if you did not ask for it, ignore this email.",
		code, int(CodeTTL/time.Minute))
	if s.Text != nil {
		title, body = s.Text("contacts.code.title"), s.Text("contacts.code.text", code, int(CodeTTL/time.Minute))
	}
	msg := bot.Message{Title: title, Text: body}
	if _, err := s.Mail.Send(ctx, bot.Address{Platform: bot.PlatformEmail, ID: email}, msg); err != nil {
		return false, bot.Errorf(bot.EUNAVAILABLE, "the code could not be emailed to %s: %s", email, bot.ErrorMessage(err))
	}
	return true, nil
}

// Confirm checks the code the person at addr entered against the one
// emailed for their claim. Right, the claim becomes theirs: when another
// contact has that email, addr moves to it (the two are one person, proved
// by the code); otherwise their contact takes the email. It returns the
// contact addr now belongs to. A wrong, expired or spent code is an
// EINVALID error that says what to do; five wrong codes void it.
func (s *Service) Confirm(ctx context.Context, addr bot.Address, code string) (*bot.Contact, error) {
	ct, err := s.Store.ContactByAddress(ctx, addr)
	if err != nil {
		return nil, err
	}
	cl, now := ct.Claim, s.Clock.Now().UTC()
	switch {
	case cl == nil || cl.CodeHash == "":
		return nil, bot.Errorf(bot.EINVALID, "there is no code to confirm: give your email again to get one")
	case !now.Before(cl.Until) || cl.Tries >= maxCodeTries:
		return nil, bot.Errorf(bot.EINVALID, "that code has expired: give your email again to get a new one")
	case subtle.ConstantTimeCompare([]byte(hashCode(strings.TrimSpace(code))), []byte(cl.CodeHash)) != 1:
		s.Store.UpdateContact(ctx, ct.ID, func(c *bot.Contact) error {
			if c.Claim != nil {
				c.Claim.Tries++
			}
			return nil
		})
		return nil, bot.Errorf(bot.EINVALID, "that code is not right: check the last email we sent")
	}
	for attempt := 0; ; attempt++ {
		other, err := s.Store.ContactByEmail(ctx, cl.Email)
		switch {
		case err == nil && other.ID != ct.ID:
			return s.Store.MoveAddress(ctx, addr, other.ID)
		case err != nil && bot.ErrorCode(err) != bot.ENOTFOUND:
			return nil, err
		}
		mine, err := s.Store.UpdateContact(ctx, ct.ID, func(c *bot.Contact) error {
			c.Email, c.Claim = cl.Email, nil
			return nil
		})
		if bot.ErrorCode(err) == bot.ECONFLICT && attempt == 0 {
			continue // the email was taken meanwhile: link to that contact
		}
		return mine, err
	}
}

// newCode is a random six-digit code.
func newCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("%06d", n.Int64())
}

func hashCode(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// reserveCode counts a code about to be emailed to email, and reports
// false when the mailbox had MaxCodesPerHour within the last hour, from
// any contact: claiming it in turns with another address, from fresh
// chats, or with a "+tag" added, sends no more.
func (s *Service) reserveCode(email string, now time.Time) bool {
	s.codesMu.Lock()
	defer s.codesMu.Unlock()
	if s.codes == nil {
		s.codes = expiring.New[string, []time.Time](s.Clock, 100_000)
	}
	// One mailbox: a tag after "+" in the local part is the same box.
	key := NormalizeEmail(email)
	if local, domain, ok := strings.Cut(key, "@"); ok {
		local, _, _ = strings.Cut(local, "+")
		key = local + "@" + domain
	}
	old, _ := s.codes.Get(key)
	var recent []time.Time
	for _, at := range old {
		if now.Sub(at) < time.Hour {
			recent = append(recent, at)
		}
	}
	if len(recent) >= MaxCodesPerHour {
		return false
	}
	s.codes.Put(key, append(recent, now), time.Hour)
	return true
}
