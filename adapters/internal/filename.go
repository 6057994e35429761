package internal

import (
	"path"
	"strings"
	"unicode"
)

// FileName returns the name a file people send may be shown and served
// under: its last path element, without control characters or the
// invisible marks that reorder text (so "evil\u202etxt.exe" cannot show as
// "evilexe.txt"), at most 200 bytes; "file" when nothing is left.
func FileName(name string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsControl(r), unicode.Is(unicode.Bidi_Control, r), r == '\u200b', r == '\ufeff':
			continue
		}
		if b.Len()+len(string(r)) > 200 {
			break
		}
		b.WriteRune(r)
	}
	out := strings.TrimSpace(b.String())
	if out == "" || out == "." || out == "/" {
		return "file"
	}
	return out
}
