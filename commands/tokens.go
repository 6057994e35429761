package commands

import (
	"strings"
	"unicode"
)

// Tokenize splits a command line into words. Double, single and curly
// quotes (which Slack and phones put in place of straight ones) group
// words; a quote inside a word is kept as is. An unclosed quote runs to the
// end of the line.
func Tokenize(s string) []string {
	var (
		out   []string
		cur   strings.Builder
		quote rune
		inTok bool
	)
	closing := map[rune]rune{'"': '"', '\'': '\'', '“': '”', '‘': '’', '«': '»'}
	flush := func() {
		if inTok {
			out = append(out, cur.String())
			cur.Reset()
			inTok = false
		}
	}
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
				continue
			}
			cur.WriteRune(r)
		case unicode.IsSpace(r):
			flush()
		case !inTok && closing[r] != 0:
			quote, inTok = closing[r], true
		default:
			cur.WriteRune(r)
			inTok = true
		}
	}
	flush()
	return out
}
