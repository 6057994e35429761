package web

import (
	"context"
	"html"
	"log/slog"
	"net/http"

	"github.com/heraldchat/herald/adapters/internal"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/engagement"
)

// Clicks follows the links herald rewrote in campaign messages
// (engagement.Tracker).
type Clicks interface {
	// Click returns the address a link token stands for, counting the
	// click when count is set; ENOTFOUND for a token herald did not
	// make, ECONFLICT for an expired link.
	Click(ctx context.Context, token string, count bool) (string, error)
	// Opened records an email's open pixel.
	Opened(ctx context.Context, token string) error
}

// Links serves tracked links (GET and HEAD /l/{token}: a 302 to the
// campaign's own link) and open pixels (GET /o/{token}).
type Links struct {
	Clicks Clicks
	Log    *slog.Logger
	// Locale is the language of the pages for unknown and expired links.
	Locale string
}

// Routes mounts the links' handlers.
func (l *Links) Routes(mux interface {
	Handle(pattern string, h http.Handler)
}) {
	mux.Handle("GET /l/{token}", http.HandlerFunc(l.follow)) // GET serves HEAD too
	mux.Handle("GET /o/{token}", http.HandlerFunc(l.opened))
}

// follow redirects a tracked link: counted for a person's GET, not for a
// HEAD request or a link scanner; an unknown token is a 404 page, an
// expired one a 410 page, never a redirect.
func (l *Links) follow(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
	to, err := l.Clicks.Click(r.Context(), r.PathValue("token"), engagement.Counted(r.Method, r.UserAgent()))
	switch bot.ErrorCode(err) {
	case "":
		http.Redirect(w, r, to, http.StatusFound)
	case bot.ENOTFOUND:
		l.page(w, http.StatusNotFound, "This link is unknown", "Check that it was copied whole from the message you received.")
	case bot.ECONFLICT:
		l.page(w, http.StatusGone, "This link has expired", "The campaign it came with ended a while ago.")
	default:
		l.Log.Error("following a tracked link", "err", err)
		l.page(w, http.StatusServiceUnavailable, "This link does not work just now", "Try again in a moment.")
	}
}

// pixel is a transparent 1×1 GIF.
var pixel = []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")

// opened records an email seen and serves the pixel, whatever the token:
// an image that fails shows a broken icon in the reader's mail.
func (l *Links) opened(w http.ResponseWriter, r *http.Request) {
	if err := l.Clicks.Opened(r.Context(), r.PathValue("token")); err != nil && bot.ErrorCode(err) != bot.ENOTFOUND && bot.ErrorCode(err) != bot.ECONFLICT {
		l.Log.Warn("recording an email opened", "err", err)
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "image/gif")
	w.Write(pixel)
}

// linkFrench is the links' pages in French, by their English text.
var linkFrench = map[string]string{
	"This link is unknown": "Ce lien est inconnu",
	"Check that it was copied whole from the message you received.": "Vérifiez qu'il a été copié en entier depuis le message reçu.",
	"This link has expired":                        "Ce lien a expiré",
	"The campaign it came with ended a while ago.": "La campagne avec laquelle il est venu s'est terminée il y a un moment.",
	"This link does not work just now":             "Ce lien ne fonctionne pas pour l'instant",
	"Try again in a moment.":                       "Réessayez dans un instant.",
}

func (l *Links) page(w http.ResponseWriter, status int, title, text string) {
	title, text = internal.Translate(l.Locale, linkFrench, title), internal.Translate(l.Locale, linkFrench, text)
	lang := "en"
	if l.Locale == "fr" {
		lang = "fr"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.WriteHeader(status)
	w.Write([]byte(`<!doctype html><html lang="` + lang + `"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>` +
		html.EscapeString(title) + `</title><body style="font-family:sans-serif;max-width:32em;margin:4em auto;padding:0 1em"><h1>` +
		html.EscapeString(title) + `</h1><p>` + html.EscapeString(text) + `</p></body></html>`))
}
