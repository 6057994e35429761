package csvfile

import "strings"

// ValidEmail reports whether s is a plain email address: local@domain with
// no display name, no quotes, no spaces and no comments; a local part of
// RFC 5322 atext characters and single dots; a domain of at least two
// labels of letters, digits and inner hyphens (international letters
// allowed), whose last label is not numeric.
func ValidEmail(s string) bool {
	ok, _ := checkEmail(s)
	return ok
}

// checkEmail is ValidEmail, and also reports whether s may hold capitals
// (so that the caller lower-cases only then).
func checkEmail(s string) (ok, upper bool) {
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 || len(s) > 254 || at == len(s)-1 {
		return false, false
	}
	local, domain := s[:at], s[at+1:]
	prevDot := true // no leading dot
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c == '.' {
			if prevDot {
				return false, false
			}
			prevDot = true
			continue
		}
		if !atext[c] {
			return false, false
		}
		upper = upper || c >= 'A' && c <= 'Z'
		prevDot = false
	}
	if prevDot {
		return false, false // trailing dot
	}
	labels, start, numeric := 0, 0, true
	for i := 0; i <= len(domain); i++ {
		if i < len(domain) && domain[i] != '.' {
			continue
		}
		l := domain[start:i]
		lok, lupper := validLabel(l)
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || !lok {
			return false, false
		}
		upper = upper || lupper
		numeric = allDigits(l)
		labels++
		start = i + 1
	}
	return labels >= 2 && !numeric, upper
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validLabel reports whether l holds only letters, digits and hyphens,
// international letters included, and whether it may hold capitals (any
// ASCII capital or non-ASCII letter).
func validLabel(l string) (ok, upper bool) {
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c >= 0x80 {
			for _, r := range l {
				if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80 && letterish(r)) {
					return false, false
				}
			}
			return true, true
		}
		if !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z') {
			if c < 'A' || c > 'Z' {
				return false, false
			}
			upper = true
		}
	}
	return true, upper
}

// atext marks the bytes RFC 5322 allows in a dot-atom.
var atext = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range []byte("!#$%&'*+-/=?^_`{|}~") {
		t[c] = true
	}
	return t
}()

// letterish accepts the non-ASCII runes of internationalised domain names
// and refuses spaces, punctuation, invisible characters and bad bytes.
func letterish(r rune) bool {
	switch {
	case r <= 0xBF: // Latin-1 controls, spaces and punctuation
		return false
	case r >= 0x2000 && r <= 0x206F: // general punctuation, spaces, joiners
		return false
	case r == 0xFEFF || r == 0x3000 || r == 0xFFFD:
		return false
	}
	return true
}
