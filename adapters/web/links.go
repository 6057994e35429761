package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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

// Answers reads the tokens of answer links (engagement.Tracker).
type Answers interface {
	ParseAnswer(token string) (engagement.Answer, bool)
}

// Links serves tracked links (GET and HEAD /l/{token}: a 302 to the
// campaign's own link), open pixels (GET /o/{token}) and, with Answers
// and Handler, answer links (GET /a/{token}: a page that confirms; its
// POST answers).
type Links struct {
	Clicks  Clicks
	Answers Answers
	// Handler takes a confirmed answer as the person's own message (a
	// survey's button value goes to the survey).
	Handler bot.InboundHandler
	Log     *slog.Logger
	// Locale is the language of the pages for unknown and expired links.
	Locale string
}

// Routes mounts the links' handlers.
func (l *Links) Routes(mux interface {
	Handle(pattern string, h http.Handler)
}) {
	mux.Handle("GET /l/{token}", http.HandlerFunc(l.follow)) // GET serves HEAD too
	mux.Handle("GET /o/{token}", http.HandlerFunc(l.opened))
	if l.Answers != nil && l.Handler != nil {
		mux.Handle("GET /a/{token}", http.HandlerFunc(l.confirm))
		mux.Handle("POST /a/{token}", http.HandlerFunc(l.answer))
	}
}

// confirm shows an answer link's page: the answer, and a button that
// POSTs it. Opening the link answers nothing: mail scanners open links.
func (l *Links) confirm(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	a, ok := l.Answers.ParseAnswer(r.PathValue("token"))
	if !ok {
		l.page(w, http.StatusNotFound, "This link is unknown", "Check that it was copied whole from the message you received.")
		return
	}
	field := ""
	if a.Text { // a text question: the answer is written here
		field = `<p><textarea name="text" rows="6" maxlength="` + strconv.Itoa(maxAnswerText) + `" required style="width:100%;font:inherit"></textarea></p>`
	}
	l.render(w, http.StatusOK, l.say("Your answer"), `<p>`+html.EscapeString(a.Label)+`</p><form method="post">`+field+
		`<button type="submit" style="font-size:1.1em;padding:.5em 1.5em">`+html.EscapeString(l.say("Confirm"))+`</button></form>`)
}

// maxAnswerText bounds a text answer written on the answer page, in
// characters: a survey keeps 2,000 bytes of one.
const maxAnswerText = 2000

// answer takes a confirmed answer as the person's message. The same page
// sent twice within ten minutes (a double click, a reload) is one
// message; a survey's answer counts once however often it comes.
func (l *Links) answer(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	tok := r.PathValue("token")
	a, ok := l.Answers.ParseAnswer(tok)
	if !ok {
		l.page(w, http.StatusNotFound, "This link is unknown", "Check that it was copied whole from the message you received.")
		return
	}
	key, value := tok, a.Value
	if a.Text { // a text question's page: the answer is what was written
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		text := strings.TrimSpace(r.PostFormValue("text"))
		if text == "" || utf8.RuneCountInString(text) > maxAnswerText {
			l.page(w, http.StatusBadRequest, "Write your answer first", "Go back, write it, then confirm (2,000 characters at most).")
			return
		}
		value += ":" + text
		key += "\x00" + text
	}
	key += "\x00" + strconv.FormatInt(time.Now().Unix()/600, 10)
	sum := sha256.Sum256([]byte(key))
	in := bot.Inbound{Kind: bot.InboundParticipantMessage, From: bot.Actor{Address: a.To}, Text: value, ID: "answer:" + hex.EncodeToString(sum[:16])}
	if _, err := l.Handler.Handle(r.Context(), in); err != nil {
		l.Log.Error("recording an answer given by link", "err", err)
		l.page(w, http.StatusServiceUnavailable, "This link does not work just now", "Try again in a moment.")
		return
	}
	l.render(w, http.StatusOK, l.say("Thank you"), `<p>`+html.EscapeString(l.say("Your answer was received. Anything more comes by email."))+`</p>`)
}

func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Robots-Tag", "noindex")
}

// follow redirects a tracked link: counted for a person's GET, not for a
// HEAD request or a link scanner; an unknown token is a 404 page, an
// expired one a 410 page, never a redirect.
func (l *Links) follow(w http.ResponseWriter, r *http.Request) {
	noStore(w)
	to, err := l.Clicks.Click(r.Context(), r.PathValue("token"), engagement.Counted(r.Method, r.UserAgent()))
	switch bot.ErrorCode(err) {
	case "":
		// Set first, so that Redirect writes no HTML of its own.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
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
	"Your answer":                                  "Votre réponse",
	"Confirm":                                      "Confirmer",
	"Thank you":                                    "Merci",
	"Write your answer first":                      "Écrivez d'abord votre réponse",
	"Go back, write it, then confirm (2,000 characters at most).": "Revenez en arrière, écrivez-la, puis confirmez (2 000 caractères au plus).",
	"Your answer was received. Anything more comes by email.":     "Votre réponse a bien été reçue. La suite arrive par e-mail.",
}

func (l *Links) say(english string) string { return internal.Translate(l.Locale, linkFrench, english) }

// page writes a page of a title and a sentence, in the locale.
func (l *Links) page(w http.ResponseWriter, status int, title, text string) {
	l.render(w, status, l.say(title), `<p>`+html.EscapeString(l.say(text))+`</p>`)
}

// render writes a page: title, then body (HTML, escaped by the caller).
func (l *Links) render(w http.ResponseWriter, status int, title, body string) {
	lang := "en"
	if l.Locale == "fr" {
		lang = "fr"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	// The answer page's form posts to itself; nothing else runs or loads.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
	w.Write([]byte(`<!doctype html><html lang="` + lang + `"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>` +
		html.EscapeString(title) + `</title><body style="font-family:sans-serif;max-width:32em;margin:4em auto;padding:0 1em"><h1>` +
		html.EscapeString(title) + `</h1>` + body + `</body></html>`))
}
