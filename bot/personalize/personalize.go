package personalize

import (
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldchat/herald/bot"
)

// aliases maps folded placeholder names to the attribute they read.
var aliases = map[string]string{
	"firstname": "first_name", "userfirstname": "first_name", "prenom": "first_name", "givenname": "first_name",
	"lastname": "last_name", "userlastname": "last_name", "nom": "last_name", "familyname": "last_name", "surname": "last_name",
	"useremail": "email", "mail": "email", "courriel": "email",
}

// foldName folds a placeholder or attribute name for comparison: lower
// case, letters and digits only.
func foldName(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 0x7F && r != 0xA0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// canonicalAttr returns the attribute a placeholder name reads, folded:
// first_name for FIRSTNAME or userfirstname, and the folded name itself
// otherwise. Results are remembered (a few thousand names at most), since
// every message sent folds its recipient's column names again.
func canonicalAttr(name string) string {
	if v, ok := canonicalCache.Load(name); ok {
		return v.(string)
	}
	f := foldName(name)
	if a, ok := aliases[f]; ok {
		f = foldName(a)
	}
	if canonicalCacheSize.Add(1) <= maxCanonicalCache {
		canonicalCache.Store(name, f)
	}
	return f
}

// canonicalCache remembers canonicalAttr; it stops growing at
// maxCanonicalCache names so that odd files cannot make it huge.
var (
	canonicalCache     sync.Map
	canonicalCacheSize atomic.Int64
)

const maxCanonicalCache = 4096

// The placeholders filled at send time rather than from the recipient.
const (
	attrDate = "date"
	attrTime = "time"
)

// templatePart is literal text, or a placeholder when attr is set.
type templatePart struct {
	text string // the literal, or the placeholder as written
	attr string // canonicalAttr of the placeholder name
}

// parsedText is a parsed text with placeholders. Parsing never fails: text
// that is not a well-formed placeholder stays literal.
type parsedText struct {
	parts []templatePart
}

// parseTemplate splits s into literal text and placeholders.
func parseTemplate(s string) *parsedText {
	t := &parsedText{}
	lit := 0
	for i := 0; i < len(s); {
		end, name := placeholderAt(s, i)
		if end < 0 {
			i++
			continue
		}
		if lit < i {
			t.parts = append(t.parts, templatePart{text: s[lit:i]})
		}
		t.parts = append(t.parts, templatePart{text: s[i:end], attr: canonicalAttr(name)})
		i, lit = end, end
	}
	if lit < len(s) {
		t.parts = append(t.parts, templatePart{text: s[lit:]})
	}
	return t
}

// placeholderAt returns the end of a placeholder starting at s[i] and its
// name, or -1.
func placeholderAt(s string, i int) (end int, name string) {
	var closing string
	switch {
	case strings.HasPrefix(s[i:], "{{"):
		closing = "}}"
	case s[i] == '[':
		closing = "]"
	case s[i] == '%':
		closing = "%"
	default:
		return -1, ""
	}
	open := 1
	if closing == "}}" {
		open = 2
	}
	j := strings.Index(s[i+open:], closing)
	if j < 0 {
		return -1, ""
	}
	name = strings.TrimSpace(s[i+open : i+open+j])
	end = i + open + j + len(closing)
	if !validPlaceholderName(name) {
		return -1, ""
	}
	if closing == "]" && strings.HasPrefix(s[end:], "(") {
		return -1, "" // a [label](link)
	}
	return end, name
}

func validPlaceholderName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i, r := range name {
		letter := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7F && r != 0xA0
		if !(letter || r == '_' || r == '-' || r == '.' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// render fills the placeholders from vars and returns the text and the
// placeholders (as written) that vars could not fill; those stay as
// written in the text. Values placed inside a link (inURL, not as the
// whole link) are URL-escaped.
func (t *parsedText) render(vars *Vars, inURL bool) (string, []string) {
	var b strings.Builder
	var missing []string
	for i, p := range t.parts {
		if p.attr == "" {
			b.WriteString(p.text)
			continue
		}
		v, ok := vars.lookup(p.attr)
		if !ok {
			missing = append(missing, p.text)
			b.WriteString(p.text)
			continue
		}
		if inURL && i > 0 {
			v = url.QueryEscape(v) // a value inside a link, not the whole link
		}
		b.WriteString(v)
	}
	return b.String(), missing
}

// Vars are the values a message is personalised with: the recipient's key
// and attributes, campaign defaults for what a recipient lacks, and the
// date and time of sending in the campaign's time zone.
type Vars struct {
	keyAttr, key    string // keyAttr folded
	attrs, defaults map[string]string
	at              time.Time
}

// NewVars returns the values for one recipient. keyColumn names the key
// (email, respondentID, …) so that {{email}} reads it. Attribute names and
// defaults are folded like placeholders; empty values count as missing.
// The maps are read, not copied: they must not change while the Vars are
// in use.
func NewVars(keyColumn, key string, attrs, defaults map[string]string, at time.Time) *Vars {
	v := &Vars{attrs: attrs, defaults: defaults, at: at}
	if keyColumn != "" && key != "" {
		v.keyAttr, v.key = canonicalAttr(keyColumn), key
	}
	return v
}

// RowOnly returns those of attrs (Attrs of a message) that only a
// recipient's own attributes can fill: neither the key column (keyColumn)
// nor a default fills them.
func RowOnly(keyColumn string, defaults map[string]string, attrs []string) []string {
	var out []string
	for _, a := range attrs {
		if keyColumn != "" && canonicalAttr(keyColumn) == a {
			continue
		}
		if v, ok := NewVars("", "", nil, defaults, time.Time{}).lookup(a); ok && v != "" {
			continue
		}
		out = append(out, a)
	}
	return out
}

// Name returns a person's name as their attributes give it: first and
// last name, else a name or full name column; "" when none has a value.
// It names a recipient to moderators (a preview's "for Ana Lima").
func Name(attrs map[string]string) string {
	v := NewVars("", "", attrs, nil, time.Time{})
	first, _ := v.lookup(canonicalAttr("first_name"))
	last, _ := v.lookup(canonicalAttr("last_name"))
	if n := strings.TrimSpace(first + " " + last); n != "" {
		return n
	}
	for _, a := range []string{"name", "full_name", "display_name"} {
		if n, ok := v.lookup(canonicalAttr(a)); ok {
			return n
		}
	}
	return ""
}

// Canonical returns the folded form of an attribute or column name, the
// form placeholders are matched in.
func Canonical(name string) string { return canonicalAttr(name) }

// Missing returns the placeholders among ph (Placeholders of c's
// message), as the message writes them, that neither s's row nor c's
// defaults fill. c.KeyColumn must be set.
func Missing(c *bot.Campaign, s *bot.Sending, ph []Placeholder) []string {
	if len(ph) == 0 {
		return nil
	}
	vars := NewVars(c.KeyColumn, s.Key, s.Attributes, c.Defaults, time.Time{})
	var out []string
	for _, p := range ph {
		if _, ok := vars.lookup(p.Attr); !ok {
			out = append(out, p.Written)
		}
	}
	return out
}

// lookup returns the value of the folded attribute attr: the key, then a
// non-empty attribute, then a default. Names are folded as they are read
// (remembered by canonicalAttr), which costs less than building a folded
// map for every recipient.
func (v *Vars) lookup(attr string) (string, bool) {
	switch attr {
	case attrDate:
		return v.at.Format("2006-01-02"), true
	case attrTime:
		return v.at.Format("15:04"), true
	}
	if v.key != "" && v.keyAttr == attr {
		return v.key, true
	}
	for name, val := range v.attrs {
		if val != "" && canonicalAttr(name) == attr {
			return val, true
		}
	}
	for name, val := range v.defaults {
		if canonicalAttr(name) == attr {
			return val, true
		}
	}
	return "", false
}

// Placeholder is an attribute a message reads: folded, and as the
// message first writes it ("{{First Name}}"), to name it to people.
type Placeholder struct {
	Attr, Written string
}

// Placeholders returns the placeholders of m's texts, each attribute
// once, in order of first use; date and time are left out.
func Placeholders(m bot.Message) []Placeholder {
	var out []Placeholder
	seen := map[string]bool{}
	eachText(&m, func(s *string, _ bool) {
		for _, p := range parseTemplate(*s).parts {
			if p.attr != "" && p.attr != attrDate && p.attr != attrTime && !seen[p.attr] {
				seen[p.attr] = true
				out = append(out, Placeholder{Attr: p.attr, Written: p.text})
			}
		}
	})
	return out
}

// Attrs returns the attributes (folded) that the texts of m read, each
// once, in order of first use; date and time are left out.
func Attrs(m bot.Message) []string {
	ph := Placeholders(m)
	out := make([]string, len(ph))
	for i, p := range ph {
		out[i] = p.Attr
	}
	return out
}

// Message returns a copy of m with every placeholder filled from vars,
// or an EINVALID error naming the placeholders vars lacks. Values placed
// inside a link (not as the whole link) are URL-escaped.
func Message(m bot.Message, vars *Vars) (bot.Message, error) {
	return Compile(m).Personalize(vars)
}

// Compiled is a message with its texts parsed once, to personalise for
// many recipients. It is safe for concurrent use.
type Compiled struct {
	m     bot.Message
	texts []*parsedText // in eachText order
}

// Compile parses every text of m.
func Compile(m bot.Message) *Compiled {
	cm := &Compiled{m: m}
	eachText(&m, func(s *string, _ bool) { cm.texts = append(cm.texts, parseTemplate(*s)) })
	return cm
}

// Personalize is Message for the compiled message.
func (cm *Compiled) Personalize(vars *Vars) (bot.Message, error) {
	out := cm.m
	out.Fields = append([]bot.Field(nil), cm.m.Fields...)
	out.Buttons = append([]bot.Button(nil), cm.m.Buttons...)
	var missing []string
	i := 0
	eachText(&out, func(s *string, isURL bool) {
		t := cm.texts[i]
		i++
		if len(t.parts) == 1 && t.parts[0].attr == "" || len(t.parts) == 0 {
			return // plain text: nothing to fill
		}
		text, miss := t.render(vars, isURL)
		*s = text
		missing = append(missing, miss...)
	})
	if len(missing) > 0 {
		return bot.Message{}, bot.Errorf(bot.EINVALID, "no value for %s", strings.Join(dedupe(missing), ", "))
	}
	return out, nil
}

// eachText calls fn with a pointer to every personalisable text of m, and
// whether it is a link.
func eachText(m *bot.Message, fn func(s *string, isURL bool)) {
	fn(&m.Title, false)
	fn(&m.Text, false)
	fn(&m.ImageURL, true)
	for i := range m.Fields {
		fn(&m.Fields[i].Label, false)
		fn(&m.Fields[i].Value, false)
	}
	for i := range m.Buttons {
		fn(&m.Buttons[i].Label, false)
		fn(&m.Buttons[i].Action.URL, true)
	}
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
