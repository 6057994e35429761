package csvfile

import (
	"strings"
	"unicode/utf8"
)

// ValidEmail reports whether s is a plain email address: local@domain with
// no display name, no quotes, no spaces and no comments; a local part of
// RFC 5322 atext characters and single dots; a domain of at least two
// labels of letters, digits and inner hyphens (international letters
// allowed), whose last label is not numeric.
func ValidEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 || len(s) > 254 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return false
	}
	for i := 0; i < len(local); i++ {
		if !atext(local[i]) && local[i] != '.' {
			return false
		}
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 && r != utf8.RuneError && letterish(r)) {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	return strings.Trim(tld, "0123456789") != ""
}

func atext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// letterish accepts the non-ASCII runes of internationalised domain names
// and refuses spaces, punctuation and invisible characters.
func letterish(r rune) bool {
	switch {
	case r <= 0xBF: // Latin-1 controls, spaces and punctuation
		return false
	case r >= 0x2000 && r <= 0x206F: // general punctuation, spaces, joiners
		return false
	case r == 0xFEFF || r == 0x3000:
		return false
	}
	return true
}
