package main_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
)

// TestApprovalOnTelegram drives a recipe's reply for approval end to end
// on Telegram: moderators make the recipe in their group, a participant's
// message starts it, the card with Approve shows in the group; a member
// who is not a moderator presses it for nothing, a moderator's press sends
// the reply once, and a second press sends nothing more.
func TestApprovalOnTelegram(t *testing.T) {
	fake, err := telegramfake.Start("42:secret")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.Unlimited = true
	fake.Admin(-100500, 77)
	cfg := MustWriteConfig(t, t.TempDir(), "telegram: {enabled: true, token: \"42:secret\", server_url: \""+fake.URL()+"\"}\nmoderators: {telegram: {group: \"-100500\"}}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	said := func(chat int64, text string) func() bool {
		return func() bool {
			for _, m := range fake.Sent() {
				if m.ChatID == chat && strings.Contains(m.Text, text) {
					return true
				}
			}
			return false
		}
	}
	for _, cmd := range []string{"recipe new Refunds", "recipe when 1 new message", `recipe if 1 message contains "refund"`,
		`recipe do 1 approve "Your refund is on its way."`, "recipe enable 1"} {
		fake.GroupMessage(-100500, 77, "Mo", 0, 0, "/herald "+cmd)
	}
	waitUntil(t, p, "the recipe on", said(-100500, "is on"))
	fake.UserWrites(5005, "Zoe", "/start")
	fake.UserWrites(5005, "Zoe", "Where is my refund?")
	var card telegramfake.Message
	waitUntil(t, p, "the approval card", func() bool {
		for _, m := range fake.Sent() {
			if m.ChatID == -100500 && strings.Contains(m.Text, "Your refund is on its way.") && strings.Contains(m.ReplyMarkup, "callback_data") {
				card = m
				return true
			}
		}
		return false
	})
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	json.Unmarshal([]byte(card.ReplyMarkup), &kb)
	approve := ""
	for _, row := range kb.InlineKeyboard {
		for _, b := range row {
			if b.Text == "Approve" {
				approve = b.CallbackData
			}
		}
	}
	if approve == "" {
		t.Fatalf("the card has no Approve button: %s", card.ReplyMarkup)
	}
	toZoe := func() int {
		n := 0
		for _, m := range fake.Sent() {
			if m.ChatID == 5005 && m.Text == "Your refund is on its way." {
				n++
			}
		}
		return n
	}
	fake.Press(88, -100500, card.ID, approve) // not a moderator
	time.Sleep(300 * time.Millisecond)
	if toZoe() != 0 {
		t.Fatal("a stranger's press sent the reply")
	}
	fake.Press(77, -100500, card.ID, approve)
	waitUntil(t, p, "the approved reply", func() bool { return toZoe() == 1 })
	waitUntil(t, p, "the approval said", said(-100500, "Draft #1 sent, approved by"))
	fake.Press(77, -100500, card.ID, approve)
	time.Sleep(300 * time.Millisecond)
	if n := toZoe(); n != 1 {
		t.Fatalf("the reply went %d times", n)
	}
}

// TestApprovalOnSlack: the same on Slack, in Socket Mode: the recipe made
// with /herald, the card with Approve in the participant's thread in
// #CMODS, a stranger's press refused, a moderator's sending the reply
// once.
func TestApprovalOnSlack(t *testing.T) {
	fake, p := slackSocket(t, "moderators: {slack: {users: [UMOD]}}\n", slackfake.User{ID: "UANA", Name: "ana"}, slackfake.User{ID: "USTRAY", Name: "stray"})
	for _, cmd := range []string{"recipe new Refunds", "recipe when 1 new message", `recipe if 1 message contains "refund"`,
		`recipe do 1 approve "Your refund is on its way."`, "recipe enable 1"} {
		before := len(fake.Messages())
		fake.SendSocket("slash_commands", map[string]string{"command": "/herald", "text": cmd, "user_id": "UMOD", "user_name": "mo", "channel_id": "CMODS"})
		waitUntil(t, p, "the answer to "+cmd, func() bool { return len(fake.Messages()) > before }) // one at a time: Slack runs commands at once
	}
	if ms := fake.Messages(); !strings.Contains(ms[len(ms)-1].Blocks, "is on") {
		t.Fatalf("recipe enable: %s", ms[len(ms)-1].Blocks)
	}
	fake.SendSocket("events_api", map[string]any{"type": "event_callback", "event_id": "EvRefund", "event": map[string]any{
		"type": "message", "user": "UANA", "channel": "DUANA", "channel_type": "im", "ts": "9.1", "text": "Where is my refund?"}})
	var card slackfake.Message
	waitUntil(t, p, "the approval card", func() bool {
		for _, m := range fake.Messages() {
			if m.Channel == "CMODS" && m.ThreadTS != "" && strings.Contains(m.Blocks, "Your refund is on its way.") && buttonValue(m.Blocks, "Approve") != "" {
				card = m
				return true
			}
		}
		return false
	})
	approve := buttonValue(card.Blocks, "Approve")
	press := func(user string) {
		fake.SendSocket("interactive", map[string]any{"type": "block_actions", "user": map[string]string{"id": user, "username": user},
			"channel": map[string]string{"id": "CMODS"}, "container": map[string]any{"message_ts": card.TS, "thread_ts": card.ThreadTS},
			"actions": []map[string]string{{"action_id": "herald-command-0", "value": approve}}})
	}
	toAna := func() int {
		n := 0
		for _, m := range fake.Messages() {
			if m.Channel != "CMODS" && !m.Ephemeral && strings.Contains(m.Text, "Your refund is on its way.") {
				n++
			}
		}
		return n
	}
	press("USTRAY")
	time.Sleep(300 * time.Millisecond)
	if toAna() != 0 {
		t.Fatal("a stranger's press sent the reply")
	}
	press("UMOD")
	waitUntil(t, p, "the approved reply", func() bool { return toAna() == 1 })
	press("UMOD")
	time.Sleep(300 * time.Millisecond)
	if n := toAna(); n != 1 {
		t.Fatalf("the reply went %d times", n)
	}
}
