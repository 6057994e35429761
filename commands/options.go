package commands

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// option is one key and its value read from a command's arguments.
type option struct {
	key, value string
}

// scanOptions reads options from the front of raw: "key:value" (the value
// may be quoted: title:"Hello world") for the keys of colonKeys, and, for
// the keys of wordKeys, "key value words…" running to the next known key.
// It returns the options in order and the raw text after them. A word key
// already given is read as part of the current value ("at in 3 days at
// 9h").
func scanOptions(raw string, colonKeys, wordKeys map[string]string) ([]option, string) {
	var opts []option
	seen := map[string]bool{}
	rest := raw
	for {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			return opts, ""
		}
		word, after := nextWord(rest)
		lower := strings.ToLower(word)
		if k, v, ok := strings.Cut(lower, ":"); ok {
			if key, known := colonKeys[k]; known {
				val, tail := readValue(rest[len(k)+1:])
				_ = v
				opts = append(opts, option{key, val})
				seen[key] = true
				rest = tail
				continue
			}
		}
		if key, known := wordKeys[lower]; known && !seen[key] {
			// The value runs to the next known word key.
			value, tail := "", strings.TrimLeftFunc(after, unicode.IsSpace)
			last := ""
			for tail != "" {
				w, a := nextWord(tail)
				// A key word after a number is a unit of the value ("at in
				// 3 days at 9h", "window 2 hours"), not the next option.
				if k2, known := wordKeys[strings.ToLower(w)]; known && !seen[k2] && k2 != key && !isNumber(last) {
					break
				}
				if k, _, ok := strings.Cut(strings.ToLower(w), ":"); ok && colonKeys[k] != "" {
					break
				}
				value += " " + w
				last = w
				tail = strings.TrimLeftFunc(a, unicode.IsSpace)
			}
			opts = append(opts, option{key, strings.TrimSpace(value)})
			seen[key] = true
			rest = tail
			continue
		}
		return opts, rest
	}
}

// nextWord returns the first whitespace-delimited word of s and the rest.
func nextWord(s string) (string, string) {
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// readValue reads a value: quoted (straight or curly quotes) or up to the
// next space.
func readValue(s string) (string, string) {
	r, size := utf8.DecodeRuneInString(s)
	closing := map[rune]rune{'"': '"', '\'': '\'', '“': '”', '‘': '’', '«': '»'}[r]
	if closing != 0 {
		if j := strings.IndexRune(s[size:], closing); j >= 0 {
			return s[size : size+j], s[size+j+utf8.RuneLen(closing):]
		}
		return s[size:], ""
	}
	return nextWord(s)
}

// restAfter returns text without its first n words, leading space removed
// and inner layout (line breaks) kept.
func restAfter(text string, n int) string {
	rest := strings.TrimLeftFunc(text, unicode.IsSpace)
	for range n {
		_, rest = nextWord(rest)
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
	}
	return rest
}

// isNumber reports whether w is a whole number.
func isNumber(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
