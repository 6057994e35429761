// Package kindtest holds what the adapters' tests of message kinds share:
// a sample of each kind and their golden files.
package kindtest

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/heraldchat/herald/bot"
)

// KindSamples are one message of each kind, with and without a title, for
// the adapters' golden files of how each kind renders.
var KindSamples = []struct {
	Name string
	bot.Message
}{
	{"message", bot.Message{Kind: bot.KindMessage, Text: "Hello *Ana*, the session starts at 9:00."}},
	{"idea", bot.Message{Kind: bot.KindIdea, Text: "Next: `campaign start 3`"}},
	{"success", bot.Message{Kind: bot.KindSuccess, Text: "Campaign #3 is starting."}},
	{"important", bot.Message{Kind: bot.KindImportant, Text: "Campaign #3 has nobody to send to."}},
	{"card", bot.Message{Kind: bot.KindCard, Title: "#3 Welcome week", Text: "State: *running*", Fields: []bot.Field{{Label: "Sent", Value: "120 of 300"}}}},
	{"important-titled", bot.Message{Kind: bot.KindImportant, Title: "Not delivered", Text: "Ana blocked the bot."}},
}

// updateGolden rewrites golden files instead of comparing with them.
var updateGolden = flag.Bool("update-kinds", false, "rewrite the golden files of how each message kind renders")

// Golden compares got with the golden file path, or rewrites it with
// -update-kinds.
func Golden(t *testing.T, path, got string) {
	t.Helper()
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v: run the test with -update-kinds to write it", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
