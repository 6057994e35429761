package bot_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/heraldchat/herald/bot"
)

func TestErrorCodeAndMessage(t *testing.T) {
	cause := io.ErrUnexpectedEOF
	err := fmt.Errorf("loading: %w", bot.Errorf(bot.ENOTFOUND, "campaign %d not found: %w", 7, cause))
	if got := bot.ErrorCode(err); got != bot.ENOTFOUND {
		t.Fatalf("code = %q", got)
	}
	if got := bot.ErrorMessage(err); got != "campaign 7 not found: unexpected EOF" {
		t.Fatalf("message = %q", got)
	}
	if !errors.Is(err, cause) {
		t.Fatal("the cause is not reachable with errors.Is")
	}
	plain := errors.New("dial tcp 10.0.0.1: secret-host refused")
	if bot.ErrorCode(plain) != bot.EINTERNAL || bot.ErrorMessage(plain) != "internal error" {
		t.Fatalf("a foreign error must be internal and hidden, got %q %q", bot.ErrorCode(plain), bot.ErrorMessage(plain))
	}
	if bot.ErrorCode(nil) != "" || bot.ErrorMessage(nil) != "" {
		t.Fatal("nil error must have no code and no message")
	}
}

func TestParseAddress(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bot.Address
		ok   bool
	}{
		{"slack:U012AB3CD", bot.Address{Platform: bot.PlatformSlack, ID: "U012AB3CD"}, true},
		{" Telegram:12345 ", bot.Address{Platform: bot.PlatformTelegram, ID: "12345"}, true},
		{"ana@example.org", bot.Address{Platform: bot.PlatformEmail, ID: "ana@example.org"}, true},
		{"email:ana@example.org", bot.Address{Platform: bot.PlatformEmail, ID: "ana@example.org"}, true},
		{"web:r-1:2", bot.Address{Platform: bot.PlatformWeb, ID: "r-1:2"}, true},
		{"myspace:1", bot.Address{}, false},
		{"slack:", bot.Address{}, false},
		{"", bot.Address{}, false},
		{"not an address", bot.Address{}, false},
	} {
		got, err := bot.ParseAddress(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAddress(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("ParseAddress(%q) error code %q", tc.in, bot.ErrorCode(err))
		}
		if err == nil && tc.want.Platform != bot.PlatformEmail {
			if back, _ := bot.ParseAddress(got.String()); back != got {
				t.Errorf("String does not round-trip: %q", got.String())
			}
		}
	}
}

func TestActorString(t *testing.T) {
	if got := (bot.Actor{}).String(); got != "herald" {
		t.Errorf("zero actor = %q", got)
	}
	a := bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "U1"}, Name: "Ana"}
	if got := a.String(); got != "Ana (slack:U1)" {
		t.Errorf("actor = %q", got)
	}
}
