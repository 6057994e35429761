package contacts_test

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/contacts"
)

var webVisitor = bot.Address{Platform: bot.PlatformWeb, ID: "v1"}

// codeIn returns the six-digit code of the last email sent to email.
func codeIn(t *testing.T, mail *bottest.Messenger, email string) string {
	t.Helper()
	sent := mail.SentTo(bot.Address{Platform: bot.PlatformEmail, ID: email})
	if len(sent) == 0 {
		t.Fatalf("no code was emailed to %s", email)
	}
	return regexp.MustCompile(`\b\d{6}\b`).FindString(sent[len(sent)-1].Text)
}

// TestAFreeEmailIsTheVisitorsOnceConfirmed: an email nobody has stays a
// claim (written to, never matched) until the code makes it the contact's.
func TestAFreeEmailIsTheVisitorsOnceConfirmed(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(svcEpoch)
	db := bottest.NewStore(clock)
	mail := bottest.NewMessenger(bot.PlatformEmail)
	svc := &contacts.Service{Store: db, Clock: clock, Mail: mail}
	if sent, err := svc.Claim(ctx, webVisitor, "Zoe", "zoe@example.org"); err != nil || !sent {
		t.Fatalf("claim: %v %v", sent, err)
	}
	if _, err := db.ContactByEmail(ctx, "zoe@example.org"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("a claimed email matches a contact: %v", err)
	}
	ct, _ := db.ContactByAddress(ctx, webVisitor)
	if ct.MailTo() != "zoe@example.org" || ct.Name != "Zoe" {
		t.Fatalf("claimed: %+v", ct)
	}
	// Saving the profile again a moment later sends no second code.
	if sent, _ := svc.Claim(ctx, webVisitor, "Zoe", "zoe@example.org"); !sent || len(mail.Sent()) != 1 {
		t.Fatalf("a second code went at once: %d", len(mail.Sent()))
	}
	got, err := svc.Confirm(ctx, webVisitor, codeIn(t, mail, "zoe@example.org"))
	if err != nil || got.ID != ct.ID || got.Email != "zoe@example.org" || got.Claim != nil {
		t.Fatalf("confirmed: %+v %v", got, err)
	}
}

// TestACodeExpiresAndWrongCodesRunOut: a code works for CodeTTL, and five
// wrong ones void it; a new claim sends a new code.
func TestACodeExpiresAndWrongCodesRunOut(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(svcEpoch)
	db := bottest.NewStore(clock)
	mail := bottest.NewMessenger(bot.PlatformEmail)
	svc := &contacts.Service{Store: db, Clock: clock, Mail: mail}
	_, err := svc.Confirm(ctx, webVisitor, "123456")
	wantCode(t, err, bot.ENOTFOUND)
	svc.Claim(ctx, webVisitor, "", "zoe@example.org")
	code := codeIn(t, mail, "zoe@example.org")
	clock.Advance(contacts.CodeTTL)
	_, err = svc.Confirm(ctx, webVisitor, code)
	wantCode(t, err, bot.EINVALID)

	svc.Claim(ctx, webVisitor, "", "zoe@example.org")
	code = codeIn(t, mail, "zoe@example.org")
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for range 5 {
		_, err = svc.Confirm(ctx, webVisitor, wrong)
		wantCode(t, err, bot.EINVALID)
	}
	if _, err = svc.Confirm(ctx, webVisitor, code); bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("the right code after five wrong ones: %v", err)
	}
	clock.Advance(time.Minute)
	svc.Claim(ctx, webVisitor, "", "zoe@example.org")
	if _, err := svc.Confirm(ctx, webVisitor, codeIn(t, mail, "zoe@example.org")); err != nil {
		t.Fatalf("a new code: %v", err)
	}
}

// TestWithoutEmailAClaimStaysAClaim: with no way to send a code the email
// is kept to write to, and matched to no one.
func TestWithoutEmailAClaimStaysAClaim(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(svcEpoch)
	db := bottest.NewStore(clock)
	svc := &contacts.Service{Store: db, Clock: clock}
	if sent, err := svc.Claim(ctx, webVisitor, "", "zoe@example.org"); err != nil || sent {
		t.Fatalf("claim: %v %v", sent, err)
	}
	_, err := svc.Confirm(ctx, webVisitor, "123456")
	wantCode(t, err, bot.EINVALID)
}

// TestSeenNeverFailsForAnEmailTaken: a platform that reports an email
// another contact has does not make the person's messages fail.
func TestSeenNeverFailsForAnEmailTaken(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(svcEpoch)
	db := bottest.NewStore(clock)
	svc := &contacts.Service{Store: db, Clock: clock}
	ana, _ := svc.Seen(ctx, slackAna, "Ana", "ana@example.org", bot.ReachReachable)
	bob, _ := svc.Seen(ctx, slackBob, "Bob", "", bot.ReachReachable)
	got, err := svc.Seen(ctx, slackBob, "Bob", "ana@example.org", bot.ReachReachable)
	if err != nil || got.ID != bob.ID || got.Email != "" || got.ID == ana.ID {
		t.Fatalf("seen with a taken email: %+v %v", got, err)
	}
}

// TestCodesToOneAddressAreCapped: however many chats claim an address, and
// in whatever turns with other addresses, it is sent at most
// MaxCodesPerHour codes an hour, so the codes cannot be guessed by asking
// for new ones, nor someone's mailbox flooded.
func TestCodesToOneAddressAreCapped(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(svcEpoch)
	db := bottest.NewStore(clock)
	mail := bottest.NewMessenger(bot.PlatformEmail)
	svc := &contacts.Service{Store: db, Clock: clock, Mail: mail}
	zoe := bot.Address{Platform: bot.PlatformEmail, ID: "Zoe@Example.org"} // as typed; the cap counts it in any case
	for i := range contacts.MaxCodesPerHour + 3 {
		visitor := bot.Address{Platform: bot.PlatformWeb, ID: fmt.Sprintf("fresh-%d", i)}
		sent, err := svc.Claim(ctx, visitor, "", "Zoe@Example.org")
		// Each visitor also claims another address in between.
		svc.Claim(ctx, visitor, "", fmt.Sprintf("other%d@example.org", i))
		if i < contacts.MaxCodesPerHour {
			if err != nil || !sent {
				t.Fatalf("claim %d: sent %v, %v", i, sent, err)
			}
			continue
		}
		if sent || bot.ErrorCode(err) != bot.EUNAVAILABLE {
			t.Fatalf("claim %d past the cap: sent %v, %v", i, sent, err)
		}
	}
	if n := len(mail.SentTo(zoe)); n != contacts.MaxCodesPerHour {
		t.Fatalf("%d codes went to %s, want %d", n, zoe.ID, contacts.MaxCodesPerHour)
	}
	clock.Advance(time.Hour)
	if sent, err := svc.Claim(ctx, bot.Address{Platform: bot.PlatformWeb, ID: "later"}, "", "zoe@example.org"); err != nil || !sent {
		t.Fatalf("an hour later: sent %v, %v", sent, err)
	}
}

// TestATaggedAddressIsTheSameMailbox: "zoe+1@" and "zoe+2@" reach one
// mailbox, so they share its cap.
func TestATaggedAddressIsTheSameMailbox(t *testing.T) {
	ctx := context.Background()
	clock := bottest.NewClock(svcEpoch)
	svc := &contacts.Service{Store: bottest.NewStore(clock), Clock: clock, Mail: bottest.NewMessenger(bot.PlatformEmail)}
	for i := range contacts.MaxCodesPerHour + 1 {
		sent, err := svc.Claim(ctx, bot.Address{Platform: bot.PlatformWeb, ID: fmt.Sprint("v", i)}, "", fmt.Sprintf("zoe+%d@example.org", i))
		if want := i < contacts.MaxCodesPerHour; sent != want {
			t.Fatalf("code %d to a tagged address: sent %v, %v; want %v", i, sent, err, want)
		}
	}
}
