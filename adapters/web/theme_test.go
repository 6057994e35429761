package web

import "testing"

// TestChatColours: the accent's text colour reads on it; colours that are
// not #rgb or #rrggbb are not taken.
func TestChatColours(t *testing.T) {
	for hex, want := range map[string]string{"#2d5be3": "#ffffff", "#000": "#ffffff", "#ffcc00": "#1d2330", "#fff": "#1d2330", "#0f766e": "#ffffff"} {
		if got := onColour(hex); got != want {
			t.Errorf("text on %s = %s, want %s", hex, got, want)
		}
	}
	for s, want := range map[string]bool{"#2d5be3": true, "#abc": true, "red": false, "#12345": false, "#ggg": false, "": false, "#2d5be3;}body{": false} {
		if hexColour(s) != want {
			t.Errorf("hexColour(%q) = %v", s, !want)
		}
	}
}
