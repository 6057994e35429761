package internal_test

import (
	"strings"
	"testing"

	"github.com/heraldchat/herald/adapters/internal"
)

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"report.csv":                "report.csv",
		"evil\u202etxt.exe":         "eviltxt.exe",
		"a\u2066b\u2069c\u200f.pdf": "abc.pdf",
		"line\nbreak\r\t.txt":       "linebreak.txt",
		`C:\Users\ana\ticket.pdf`:   "ticket.pdf",
		"../../etc/passwd":          "passwd",
		"\u202e":                    "file",
		"":                          "file",
		"Prénom école.csv":          "Prénom école.csv",
		strings.Repeat("é", 300):    strings.Repeat("é", 100),
	} {
		if got := internal.FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}
