package main_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
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
	approve := callbackData(card.ReplyMarkup, "Approve")
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

// TestRecipesExportImportCommands: herald recipes export on a running
// herald (through its control socket) writes the file; import into
// another, stopped, reads it back with the webhook's secret from the
// environment, and on a running herald its runner sees the recipes.
func TestRecipesExportImportCommands(t *testing.T) {
	ctx := context.Background()
	dirA := t.TempDir()
	cfgA := MustWriteConfig(t, dirA, "webhooks: {allow_http: true, allow_private: true}\n")
	a := NewProgram(nil)
	MustStart(t, a, cfgA)
	run := mustRun(t, a)
	run("calendar new office tz Europe/Paris mon-fri 9-18")
	if r := a.Commands().RunCommand(ctx, commands.CommandRequest{Actor: consoleMod, Text: "webhook new crm http://127.0.0.1:9/hook"}); r.Messages[0].Kind != bot.KindSuccess {
		t.Fatalf("webhook new: %+v", r.Messages) // private: it shows the secret
	}
	run("recipe new Refunds")
	run("recipe when 1 new message")
	run(`recipe if 1 message contains "refund"`)
	run("recipe do 1 tag add refund; webhook crm")
	run("recipe hours 1 outside office")
	run("recipe enable 1")
	out := filepath.Join(t.TempDir(), "recipes.yaml")
	if err := NewProgram(nil).Run(ctx, []string{"recipes", "export", "--config", cfgA, out}); err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(out)
	if !strings.Contains(string(file), "do: tag add refund; webhook crm") || !strings.Contains(string(file), "${HERALD_WEBHOOK_CRM_SECRET}") {
		t.Fatalf("the export:\n%s", file)
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Fatalf("the export's mode: %v", st.Mode())
	}
	// Into a stopped herald, the secret from the environment.
	cfgB := MustWriteConfig(t, t.TempDir(), "webhooks: {allow_http: true, allow_private: true}\n")
	b := NewProgram(map[string]string{"HERALD_WEBHOOK_CRM_SECRET": "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0"})
	if err := b.Run(ctx, []string{"recipes", "import", "--config", cfgB, out}); err != nil {
		t.Fatalf("import: %v\n%s", err, b.Stderr)
	}
	if !strings.Contains(b.Stdout.String(), "imported 1 calendars, 1 webhooks, 1 recipes") {
		t.Fatalf("import said: %s", b.Stdout)
	}
	// Into a running herald: the import goes through its control socket.
	c := NewProgram(nil)
	cfgC := MustWriteConfig(t, t.TempDir(), "webhooks: {allow_http: true, allow_private: true}\n")
	MustStart(t, c, cfgC)
	imp := NewProgram(nil)
	if err := imp.Run(ctx, []string{"recipes", "import", "--config", cfgC, out}); err != nil {
		t.Fatal(err)
	}
	// Without the variable, its new signing secret is shown once.
	if !strings.Contains(imp.Stdout.String(), "warning: webhook crm: HERALD_WEBHOOK_CRM_SECRET is not set: its new signing secret, shown this once: whsec_") {
		t.Fatalf("import into the running herald said: %s", imp.Stdout)
	}
	if r := c.Commands().RunCommand(ctx, commands.CommandRequest{Actor: consoleMod, Text: "recipes"}); !strings.Contains(r.Messages[0].Text, "*Refunds* · on") {
		t.Fatalf("the running herald's recipes: %+v", r.Messages)
	}
	// A file with a mistake is refused, and says where.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte(strings.Replace(string(file), "tag add refund", "tag explode refund", 1)), 0o600)
	err := NewProgram(nil).Run(ctx, []string{"recipes", "import", "--config", cfgC, bad})
	if err == nil || !strings.Contains(err.Error(), `recipe "Refunds"`) {
		t.Fatalf("a bad file: %v", err)
	}
}
