package commands_test

import (
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

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
		got, err := commands.ParseAddress(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseAddress(%q) = %v, %v; want %v ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("ParseAddress(%q) error code %q", tc.in, bot.ErrorCode(err))
		}
		if err == nil && tc.want.Platform != bot.PlatformEmail {
			if back, _ := commands.ParseAddress(got.String()); back != got {
				t.Errorf("String does not round-trip: %q", got.String())
			}
		}
	}
}
