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

// TestAnswersSpeakTheLocale: what the chat page answers participants is in
// the configured language; English stays English.
func TestAnswersSpeakTheLocale(t *testing.T) {
	fr, en := New(Config{Locale: "fr"}), New(Config{})
	msg := "That file is too large: send files of 10 MB at most."
	if got := fr.say(msg); got != "Ce fichier est trop lourd : envoyez des fichiers de 10 Mo au plus." {
		t.Errorf("in French: %q", got)
	}
	if got := en.say(msg); got != msg {
		t.Errorf("in English: %q", got)
	}
	for english, french := range chatFrench {
		if french == "" || french == english {
			t.Errorf("%q has no French", english)
		}
	}
}
