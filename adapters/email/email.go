package email

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/textproto"
	"regexp"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/status"
)

// Config is the SMTP server and the sender.
type Config struct {
	// Board, when set, shows the mail server's refusals of herald itself
	// (unreachable, login refused) in `status`.
	Board *status.Board
	// Locale is the language of the kinds' labels ("fr": French).
	Locale   string
	Host     string
	Port     int
	TLS      string // "starttls", "tls" (implicit, usually port 465) or "none"
	Username string
	Password string
	From     string
	Timeout  time.Duration // per message; 0 means 30 seconds
	// AnswerLink, when set, makes each answer button a link to a page
	// that answers it for to (engagement.Tracker.AnswerLink): a survey
	// is answered by email. It returns "" when it cannot; such a button
	// is left out, as without AnswerLink.
	AnswerLink func(to bot.Address, value, label string) string
}

// Adapter sends email. It is safe for concurrent use.
type Adapter struct {
	cfg Config
}

var _ bot.Messenger = (*Adapter)(nil)

// New returns the email messenger.
func New(cfg Config) *Adapter {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Adapter{cfg: cfg}
}

// Platform is email.
func (a *Adapter) Platform() bot.Platform { return bot.PlatformEmail }

func (a *Adapter) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(a.cfg.Port), mail.WithTimeout(a.cfg.Timeout)}
	switch a.cfg.TLS {
	case "tls":
		opts = append(opts, mail.WithSSL())
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	}
	if a.cfg.Username != "" {
		auth := mail.SMTPAuthPlain
		if a.cfg.TLS == "none" {
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(a.cfg.Username), mail.WithPassword(a.cfg.Password))
	}
	return mail.NewClient(a.cfg.Host, opts...)
}

// Send emails m to the address to.ID. A refusal of the recipient by the
// server is a permanent failure at the send step; a server that cannot be
// reached is a passing one.
func (a *Adapter) Send(ctx context.Context, to bot.Address, m bot.Message) (bot.MessageRef, error) {
	if to.Platform != bot.PlatformEmail {
		return bot.MessageRef{}, bot.StepErrorf(bot.StepResolve, bot.EINVALID, "%s is not an email address", to)
	}
	msg := mail.NewMsg()
	if err := msg.From(a.cfg.From); err != nil {
		return bot.MessageRef{}, bot.StepErrorf(bot.StepSend, bot.EINVALID, "email.from %q is not an address", a.cfg.From)
	}
	if err := msg.To(to.ID); err != nil {
		return bot.MessageRef{}, bot.StepErrorf(bot.StepResolve, bot.EINVALID, "%q is not an email address", to.ID)
	}
	subject := plain(m.Title)
	if subject == "" {
		subject = firstLine(plain(m.Text), 70)
	}
	msg.Subject(subject)
	m = a.answerLinks(to, m)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(mail.TypeTextPlain, TextIn(m, a.cfg.Locale))
	msg.AddAlternativeString(mail.TypeTextHTML, HTMLIn(m, a.cfg.Locale))
	c, err := a.client()
	if err != nil {
		return bot.MessageRef{}, bot.StepErrorf(bot.StepSend, bot.EINVALID, "the email settings are wrong: %v", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		out := classify(err)
		if a.cfg.Board != nil && integrationError(err) {
			a.cfg.Board.ReportError(bot.PlatformEmail, bot.Errorf(bot.ErrorCode(out), "the mail server refused herald: check email.host, email.port, email.tls, email.username and email.password (%s)", bot.ErrorMessage(out)).
				Translated("platform.email.settings", bot.ErrorMessage(out)))
		}
		return bot.MessageRef{}, out
	}
	return bot.MessageRef{Channel: to}, nil
}

// classify turns an SMTP failure into herald's error: 5xx answers are
// permanent, the rest (4xx, network) may pass.
func classify(err error) error {
	var te *textproto.Error
	msg := err.Error()
	permanent := errors.As(err, &te) && te.Code >= 500 || regexp.MustCompile(`\b5\d\d\b`).MatchString(msg)
	if permanent {
		return bot.StepErrorf(bot.StepSend, bot.EINVALID, "the mail server refused the message: %s", msg).Translated("platform.email.refused", msg)
	}
	return bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "the mail server could not be reached: %s", msg).Translated("platform.email.unreachable", msg)
}

// integrationError reports whether err is the mail server refusing herald
// itself (unreachable, TLS, login) rather than one recipient.
func integrationError(err error) bool {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code == 530 || te.Code == 534 || te.Code == 535 || te.Code == 454 || te.Code == 421
	}
	msg := strings.ToLower(err.Error())
	for _, s := range []string{"auth", "dial", "connection refused", "no such host", "tls", "timeout", "eof"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

var markupRE = regexp.MustCompile("[*_`]")

// linkRE is a [label](link) of herald's markup.
var linkRE = regexp.MustCompile(`\[([^\]]+)\]\((https?://[^)\s]+)\)`)

// plain removes herald's markup for plain text: a link becomes its label
// and address ("the plan (https://…)"), or its address alone when the
// label is one; markup characters go, except inside addresses.
func plain(s string) string {
	var b strings.Builder
	for {
		loc := linkRE.FindStringSubmatchIndex(s)
		if loc == nil {
			break
		}
		label, link := s[loc[2]:loc[3]], s[loc[4]:loc[5]]
		b.WriteString(unmark(s[:loc[0]]))
		if strings.HasPrefix(label, "http://") || strings.HasPrefix(label, "https://") {
			b.WriteString(link)
		} else {
			b.WriteString(unmark(label) + " (" + link + ")")
		}
		s = s[loc[1]:]
	}
	b.WriteString(unmark(s))
	return b.String()
}

// bareURLRE is an address written as it is.
var bareURLRE = regexp.MustCompile(`https?://[^\s<>"]+`)

// unmark removes markup characters from s, except inside addresses
// (https://example.org/a_b keeps its underscore).
func unmark(s string) string {
	var b strings.Builder
	last := 0
	for _, loc := range bareURLRE.FindAllStringIndex(s, -1) {
		u := strings.TrimRight(s[loc[0]:loc[1]], "*_`") // markup closing around it
		b.WriteString(markupRE.ReplaceAllString(s[last:loc[0]], ""))
		b.WriteString(u)
		last = loc[0] + len(u)
	}
	b.WriteString(markupRE.ReplaceAllString(s[last:], ""))
	return b.String()
}

func firstLine(s string, max int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	if s == "" {
		return "A message for you"
	}
	return s
}

// kindStyles are each kind's label (plain text) and colour (HTML); a
// plain message has none.
var kindStyles = map[bot.Kind]struct{ label, colour string }{
	bot.KindIdea:      {"Tip", "#f2b705"},
	bot.KindSuccess:   {"Done", "#2e9d5b"},
	bot.KindImportant: {"Important", "#d6453d"},
	bot.KindCard:      {"", "#2d5be3"},
}

// frenchLabels are the kinds' labels in French.
var frenchLabels = map[string]string{"Tip": "Conseil", "Done": "Fait", "Important": "Important"}

// label is a kind's label in locale.
func label(l, locale string) string {
	if fr, ok := frenchLabels[l]; ok && locale == "fr" {
		return fr
	}
	return l
}

// answerLinks turns m's answer buttons into links that answer them as
// to, when AnswerLink is set.
func (a *Adapter) answerLinks(to bot.Address, m bot.Message) bot.Message {
	if a.cfg.AnswerLink == nil || len(m.Buttons) == 0 {
		return m
	}
	bs := make([]bot.Button, len(m.Buttons))
	copy(bs, m.Buttons)
	for i, b := range bs {
		if b.Action.Kind != bot.ActionReply {
			continue
		}
		if u := a.cfg.AnswerLink(to, b.Action.Value, b.Label); u != "" {
			bs[i].Action = bot.Action{Kind: bot.ActionLink, URL: u}
		}
	}
	m.Buttons = bs
	return m
}

// Text renders m as plain text in English (TextIn).
func Text(m bot.Message) string { return TextIn(m, "") }

// HTML renders m as HTML in English (HTMLIn).
func HTML(m bot.Message) string { return HTMLIn(m, "") }

// TextIn renders m as plain text: its kind's label (in locale), title,
// text, fields, links of buttons.
func TextIn(m bot.Message, locale string) string {
	var b strings.Builder
	if st, ok := kindStyles[m.Kind]; ok && st.label != "" {
		b.WriteString("[" + label(st.label, locale) + "]\n")
	}
	if m.Title != "" {
		b.WriteString(plain(m.Title) + "\n\n")
	}
	if m.Text != "" {
		b.WriteString(plain(m.Text) + "\n")
	}
	for _, f := range m.Fields {
		fmt.Fprintf(&b, "%s: %s\n", plain(f.Label), plain(f.Value))
	}
	for _, btn := range m.Buttons {
		if btn.Action.Kind == bot.ActionLink {
			fmt.Fprintf(&b, "%s: %s\n", btn.Label, btn.Action.URL)
		}
	}
	return b.String()
}

// HTMLIn renders m as simple HTML, every text escaped, its kind's label
// in locale.
func HTMLIn(m bot.Message, locale string) string {
	var b strings.Builder
	b.WriteString(`<div style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.45">`)
	st, styled := kindStyles[m.Kind]
	if styled {
		// A coloured bar heads the message, with the kind's label.
		b.WriteString(`<div style="border-top:4px solid ` + st.colour + `;padding-top:8px">`)
		if st.label != "" {
			b.WriteString(`<p style="margin:0 0 4px;color:` + st.colour + `;font-size:12px;font-weight:bold;text-transform:uppercase;letter-spacing:.04em">` + label(st.label, locale) + `</p>`)
		}
	}
	if m.Title != "" {
		b.WriteString("<h2>" + html.EscapeString(plain(m.Title)) + "</h2>")
	}
	if m.Text != "" {
		b.WriteString("<p>" + strings.ReplaceAll(html.EscapeString(plain(m.Text)), "\n", "<br>") + "</p>")
	}
	for _, f := range m.Fields {
		b.WriteString("<p><b>" + html.EscapeString(plain(f.Label)) + "</b>: " + html.EscapeString(plain(f.Value)) + "</p>")
	}
	for _, btn := range m.Buttons {
		if btn.Action.Kind == bot.ActionLink {
			b.WriteString(`<p><a href="` + html.EscapeString(btn.Action.URL) + `">` + html.EscapeString(btn.Label) + "</a></p>")
		}
	}
	if styled {
		b.WriteString("</div>")
	}
	if m.Tracking != nil && m.Tracking.Pixel != "" {
		// email.track_opens: the reader's mail fetching it records the
		// message seen
		b.WriteString(`<img src="` + html.EscapeString(m.Tracking.Pixel) + `" width="1" height="1" alt="" style="display:block;border:0">`)
	}
	b.WriteString("</div>")
	return b.String()
}
