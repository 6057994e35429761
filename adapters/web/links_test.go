package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/heraldchat/herald/adapters/web"
	"github.com/heraldchat/herald/bot"
)

// clicks answers as the tracker would for a few tokens, and counts what
// it was told to count.
type clicks struct{ counted, opened int }

func (c *clicks) Click(_ context.Context, tok string, count bool) (string, error) {
	switch tok {
	case "good":
		if count {
			c.counted++
		}
		return "https://example.org/plan", nil
	case "old":
		return "", bot.Errorf(bot.ECONFLICT, "expired")
	case "broken":
		return "", bot.Errorf(bot.EUNAVAILABLE, "the store is closed")
	}
	return "", bot.Errorf(bot.ENOTFOUND, "unknown")
}

func (c *clicks) Opened(_ context.Context, tok string) error {
	if tok != "pixel" {
		return bot.Errorf(bot.ENOTFOUND, "unknown")
	}
	c.opened++
	return nil
}

// TestTrackedLinks: a valid token redirects (counted for a browser's GET
// only), an unknown one is a 404 page, an expired one a 410 page, a
// failure a 503 page; none of them redirects anywhere else. The pixel is
// an image whatever its token.
func TestTrackedLinks(t *testing.T) {
	c := &clicks{}
	mux := http.NewServeMux()
	(&web.Links{Clicks: c, Log: slog.New(slog.DiscardHandler), Locale: "fr"}).Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path, ua string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, nil)
		req.Header.Set("User-Agent", ua)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	const firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
	for _, tc := range []struct {
		method, path, ua string
		status           int
		location, body   string
	}{
		{"GET", "/l/good", firefox, 302, "https://example.org/plan", ""},
		{"HEAD", "/l/good", firefox, 302, "https://example.org/plan", ""},
		{"GET", "/l/good", "Slackbot-LinkExpanding 1.0", 302, "https://example.org/plan", ""},
		{"GET", "/l/unknown", firefox, 404, "", "Ce lien est inconnu"},
		{"GET", "/l/old", firefox, 410, "", "Ce lien a expiré"},
		{"GET", "/l/broken", firefox, 503, "", "Ce lien ne fonctionne pas"},
		{"GET", "/l/https:%2F%2Fevil.example", firefox, 404, "", "inconnu"},
	} {
		resp, body := do(tc.method, tc.path, tc.ua)
		if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location || !strings.Contains(body, tc.body) {
			t.Errorf("%s %s: %d %q %q", tc.method, tc.path, resp.StatusCode, resp.Header.Get("Location"), body)
		}
		if resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: cacheable", tc.method, tc.path)
		}
	}
	if c.counted != 1 {
		t.Fatalf("%d clicks counted, want 1 (the browser's GET)", c.counted)
	}
	for _, tok := range []string{"pixel", "nothing"} {
		resp, body := do("GET", "/o/"+tok, firefox)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/gif" || !strings.HasPrefix(body, "GIF89a") {
			t.Fatalf("pixel %s: %d %s", tok, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if c.opened != 1 {
		t.Fatalf("opened %d", c.opened)
	}
}
