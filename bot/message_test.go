package bot_test

import (
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
)

func TestMessageValidate(t *testing.T) {
	link := func(label, url string) bot.Button {
		return bot.Button{Label: label, Action: bot.Action{Kind: bot.ActionLink, URL: url}}
	}
	six := make([]bot.Button, 6)
	for i := range six {
		six[i] = link("b", "https://example.org")
	}
	for _, tc := range []struct {
		name string
		m    bot.Message
		want string // substring of the error; "" means valid
	}{
		{"plain", bot.Message{Text: "hello"}, ""},
		{"card", bot.Message{Kind: bot.KindCard, Title: "T", ImageURL: "https://x.org/a.png",
			Buttons: []bot.Button{link("Open", "https://x.org"), {Label: "Yes", Action: bot.Action{Kind: bot.ActionReply, Value: "yes"}}}}, ""},
		{"empty", bot.Message{Text: "  "}, "empty"},
		{"kind", bot.Message{Kind: "shout", Text: "x"}, "unknown message kind"},
		{"image", bot.Message{Text: "x", ImageURL: "ftp://x/a.png"}, "not an http(s) link"},
		{"too many buttons", bot.Message{Text: "x", Buttons: append(append(append(append(append(six, six...), six...), six...), six...), six...)}, "at most 25"},
		{"a survey's NPS", bot.Message{Text: "x", Buttons: append(six, six...)}, ""},
		{"unlabelled", bot.Message{Text: "x", Buttons: []bot.Button{link(" ", "https://x.org")}}, "no label"},
		{"bad link", bot.Message{Text: "x", Buttons: []bot.Button{link("Go", "javascript:alert(1)")}}, "not an http(s) link"},
		{"reply without value", bot.Message{Text: "x", Buttons: []bot.Button{{Label: "Y", Action: bot.Action{Kind: bot.ActionReply}}}}, "no value"},
		{"unknown action", bot.Message{Text: "x", Buttons: []bot.Button{{Label: "Y", Action: bot.Action{Kind: "dance"}}}}, "unknown action"},
		{"unnamed file", bot.Message{Text: "x", Files: []bot.File{{Data: []byte("a")}}}, "no name"},
	} {
		err := tc.m.Validate()
		if tc.name == "a survey's NPS" {
			// Valid to send, not as a campaign's message.
			if err := tc.m.ValidateCampaign(); err == nil || !strings.Contains(err.Error(), "at most 5") {
				t.Errorf("a campaign's message with 12 buttons: %v", err)
			}
		}
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		case err != nil && bot.ErrorCode(err) != bot.EINVALID:
			t.Errorf("%s: code %q", tc.name, bot.ErrorCode(err))
		}
	}
}
