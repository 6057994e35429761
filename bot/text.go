package bot

import (
	"regexp"
	"slices"
	"strings"

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
// arguments in the same order. Packages with user-facing text of their own
// (commands, adapters) define one and the wiring passes it to NewText.
type Catalogue map[TextKey][2]string

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

// NewText returns the catalogue for locale l (English for an unsupported
// locale): herald's own texts and those of extra.
func NewText(l Locale, extra ...Catalogue) *Text {
	if !l.Valid() {
		l = LocaleEnglish
	}
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, c := range append([]Catalogue{texts}, extra...) {
		for key, tr := range c {
			// SetString only fails for an unsupported tag, and both are fixed.
			_ = b.SetString(language.English, string(key), tr[0])
			_ = b.SetString(language.French, string(key), tr[1])
		}
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
