package api

import "testing"

// FuzzParse: whatever the body, parse answers events or an error, never
// panics. The seed corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"type": "registered", "contact": "ana@example.org"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		in, single, err := parse(body)
		if err == nil && single && len(in) != 1 {
			t.Fatalf("one event parsed as %d", len(in))
		}
	})
}

// TestParseShapes: one event, an array, {"events": [...]}; unknown fields
// and other shapes refused with what is expected.
func TestParseShapes(t *testing.T) {
	for body, want := range map[string]int{
		`{"type": "a", "contact": "x@y.z"}`:                                      1,
		`[{"type": "a", "contact": "x@y.z"}, {"type": "b", "contact": "x@y.z"}]`: 2,
		`{"events": [{"type": "a", "contact": "x@y.z"}]}`:                        1,
	} {
		if in, _, err := parse([]byte(body)); err != nil || len(in) != want {
			t.Errorf("%s: %d events, %v", body, len(in), err)
		}
	}
	for _, body := range []string{`{"type": "a", "colour": "red"}`, `"hello"`, ``, `{"events": [1]}`, `[{"type": 3}]`, `[{"type": "a", "contact": "x@y.z"}] trailing`} {
		if _, _, err := parse([]byte(body)); err == nil {
			t.Errorf("%q was accepted", body)
		}
	}
}
