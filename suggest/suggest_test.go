package suggest_test

import (
	"testing"

	"github.com/heraldchat/herald/suggest"
)

func TestClosest(t *testing.T) {
	keys := []string{"mode", "app_token", "bot_token", "signing_secret", "api_url"}
	for word, want := range map[string]string{
		"sigining_secret": "signing_secret",
		"signing_secert":  "signing_secret",
		"Bot_Token":       "bot_token",
		"sign":            "signing_secret",
		"api":             "api_url",
		"colour":          "",
		"":                "",
	} {
		if got := suggest.Closest(word, keys); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", word, got, want)
		}
	}
}
