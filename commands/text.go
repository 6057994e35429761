package commands

import (
	"regexp"
	"slices"
	"strings"

	"github.com/heraldchat/herald/bot"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// Locale is the language of the text herald shows to people.
type Locale string

// The supported locales.
const (
	LocaleEnglish Locale = "en"
	LocaleFrench  Locale = "fr"
)

// Valid reports whether l is a supported locale.
func (l Locale) Valid() bool { return l == LocaleEnglish || l == LocaleFrench }

// TextKey names one piece of user-facing text in the catalogue.
type TextKey string

// Text is herald's catalogue of user-facing text in one locale. Keys missing
// from the catalogue are shown as themselves, so that a missing translation
// is visible and never a crash. A Text is safe for concurrent use.
type Text struct {
	locale  Locale
	printer *message.Printer
}

// Catalogue holds English then French for each key; both take the same
// arguments in the same order.
type Catalogue map[TextKey][2]string

// Plural is the singular form (English, French) of a catalogue text whose
// Arg-th argument (from 1) is a count: the catalogue's text is the plural.
type Plural struct {
	Arg int
	One [2]string
}

// Plurals are the texts that change with a count, by CLDR plural rules.
var Plurals = map[TextKey]Plural{
	TextListLine:      {2, [2]string{"*%s*: %d recipient, keyed by %s", "*%s* : %d destinataire, clé %s"}},
	TextListShow:      {2, [2]string{"*%s*: %d recipient, key %s, columns: %s", "*%s* : %d destinataire, clé %s, colonnes : %s"}},
	TextImportInvalid: {1, [2]string{"%d row was left out:", "%d ligne a été écartée :"}},
	TextMoreInvalid:   {1, [2]string{"… and %d more.", "… et %d autre."}},
	TextStatusQueue:   {1, [2]string{"%d message waiting to be sent.", "%d message en attente d'envoi."}},
	TextContactsTitle: {1, [2]string{"%d contact", "%d contact"}},
	TextMailSent:      {2, [2]string{"Sent by email to %s (%d reply).", "Envoyé par e-mail à %s (%d réponse)."}},
	TextErrLacking:    {1, [2]string{"%d recipient lacks %s (for example %s lacks %s): give a default value, choose to skip them, or fix the list", "%d destinataire sans %s (par exemple %s, sans %s) : donnez une valeur par défaut, choisissez de l'écarter, ou corrigez la liste"}},
}

// Check returns the keys of c missing a language or whose two languages
// take different arguments, for each package's tests.
func (c Catalogue) Check() []TextKey {
	var bad []TextKey
	for k, tr := range c {
		if strings.TrimSpace(tr[0]) == "" || strings.TrimSpace(tr[1]) == "" || !sameVerbs(tr[0], tr[1]) {
			bad = append(bad, k)
		}
	}
	return bad
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[a-zA-Z]`)

func sameVerbs(a, b string) bool {
	va, vb := verbRE.FindAllString(a, -1), verbRE.FindAllString(b, -1)
	slices.Sort(va)
	slices.Sort(vb)
	return slices.Equal(va, vb)
}

// NewText returns the catalogue (Texts) in locale l, or in English for an
// unsupported locale.
func NewText(l Locale) *Text {
	if !l.Valid() {
		l = LocaleEnglish
	}
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for key, tr := range Texts {
		if one, ok := Plurals[key]; ok {
			// The count's CLDR form picks the text: "1 row", "2 rows";
			// "0 ligne", "1 ligne", "2 lignes".
			for i, tag := range []language.Tag{language.English, language.French} {
				_ = b.Set(tag, string(key), plural.Selectf(one.Arg, "%d", plural.One, one.One[i], plural.Other, tr[i]))
			}
			continue
		}
		// SetString only fails for an unsupported tag, and both are fixed.
		_ = b.SetString(language.English, string(key), tr[0])
		_ = b.SetString(language.French, string(key), tr[1])
	}
	return &Text{locale: l, printer: message.NewPrinter(language.Make(string(l)), message.Catalog(b))}
}

// Locale returns the catalogue's locale.
func (t *Text) Locale() Locale { return t.locale }

// T returns the text for key with args substituted, formatted for the
// catalogue's locale (numbers are grouped the local way).
func (t *Text) T(key TextKey, args ...any) string {
	return t.printer.Sprintf(string(key), args...)
}

// CampaignStateText returns the key naming state s.
func CampaignStateText(s bot.CampaignState) TextKey { return TextKey("campaign.state." + string(s)) }

// ErrorText returns err as a sentence for a moderator in the catalogue's
// locale: the message of a herald *Error framed by its code, or a generic
// sentence that hides internal details.
func (t *Text) ErrorText(err error) string {
	msg := bot.ErrorMessage(err)
	if key, args := bot.ErrorKey(err); key != "" {
		msg = t.Reason(msg, key, args)
	}
	switch bot.ErrorCode(err) {
	case "":
		return ""
	case bot.ECONFLICT:
		return t.T(TextErrConflict, msg)
	case bot.EFORBIDDEN:
		return t.T(TextErrForbidden, msg)
	case bot.EINVALID:
		return t.T(TextErrInvalid, msg)
	case bot.ENOTFOUND:
		return t.T(TextErrNotFound, msg)
	case bot.EUNAVAILABLE:
		return t.T(TextErrUnavailable, msg)
	default:
		return t.T(TextErrInternal)
	}
}

// Reason returns a message made elsewhere (a service, a file reader) in
// the catalogue's language: the catalogue's text for key with args when it
// has one, else english as it was made.
func (t *Text) Reason(english, key string, args []any) string {
	if key == "" {
		return english
	}
	if _, ok := Texts[TextKey(key)]; !ok {
		return english
	}
	// A campaign's state is a word of the catalogue too.
	out := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case bot.CampaignState:
			out[i] = t.T(CampaignStateText(v))
		default:
			out[i] = a
		}
	}
	return t.T(TextKey(key), out...)
}
