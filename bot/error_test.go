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

func TestActorString(t *testing.T) {
	if got := (bot.Actor{}).String(); got != "herald" {
		t.Errorf("zero actor = %q", got)
	}
	a := bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "U1"}, Name: "Ana"}
	if got := a.String(); got != "Ana (slack:U1)" {
		t.Errorf("actor = %q", got)
	}
}
