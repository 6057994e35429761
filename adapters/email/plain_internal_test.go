package email

import "testing"

func TestPlainKeepsAddresses(t *testing.T) {
	for in, want := range map[string]string{
		"*Read* [the plan](https://h.test/l/a_b-c) now":   "Read the plan (https://h.test/l/a_b-c) now",
		"[https://example.org/faq](https://h.test/l/x_y)": "https://h.test/l/x_y",
		"see _https://example.org/a_b_ and `code`":        "see https://example.org/a_b and code",
		"*bold* https://example.org/x_*":                  "bold https://example.org/x",
	} {
		if got := plain(in); got != want {
			t.Errorf("plain(%q) = %q, want %q", in, got, want)
		}
	}
}
