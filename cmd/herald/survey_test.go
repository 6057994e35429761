package main_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/discord/discordfake"
	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

// TestSurveyOnTelegram: a 3-question survey (a choice, an NPS rating, an
// optional text) sent to the participants known on Telegram, answered
// with the inline keyboards it carries and a typed text; one person
// presses a button twice (counted once) and one stops half way; a crowd
// answers the first question at once behind Telegram's limits. The stats
// and the CSV export count each answer once.
func TestSurveyOnTelegram(t *testing.T) {
	if testing.Short() {
		t.Skip("a crowd behind a paced platform; skipped with -short")
	}
	ctx := context.Background()
	const group = -100502
	fake, p := startTelegramCrowd(t, group)
	const crowd = 12
	user := func(i int) int64 { return int64(8000 + i) }
	for i := range crowd {
		fake.UserWrites(user(i), fmt.Sprintf("P%d", i), "hello")
	}
	run := func(line string) string {
		t.Helper()
		text, files := commandOutput(t, p, line)
		return text + string(files)
	}
	waitUntil(t, p, "the crowd's conversations", func() bool {
		return strings.Contains(run("campaign new Probe"), "#1")
	})
	for _, line := range []string{
		"campaign message 1 A few questions about the session.",
		`campaign question 1 add choice "How was the session?" Great | OK | Bad`,
		`campaign question 1 add nps "Would you come again?"`,
		`campaign question 1 add text "Anything else?" optional`,
		"campaign thanks 1 Thanks, see you soon.",
		"campaign audience 1 all:telegram",
		"campaign platform 1 telegram",
	} {
		run(line)
	}
	if got := run("campaign question 1 list"); !strings.Contains(got, "2. Would you come again? (nps 0-10)") || !strings.Contains(got, "3. Anything else? (text) · optional") {
		t.Fatalf("the questions: %s", got)
	}
	waitUntil(t, p, "the crowd known", func() bool { return !strings.Contains(run("campaign check 1"), " 0 ") })
	if got := run("campaign preview 1"); !strings.Contains(got, "A few questions about the session.") || !strings.Contains(got, "1/3 · How was the session?") {
		t.Fatalf("the preview shows not what is sent: %s", got)
	}
	run("campaign start 1")
	// Each participant gets the opening: its intro, the first question
	// and a button per answer.
	openings := func() map[int64]telegramfake.Message {
		out := map[int64]telegramfake.Message{}
		for _, m := range fake.Sent() {
			if strings.Contains(m.Text, "1/3 · How was the session?") {
				out[m.ChatID] = m
			}
		}
		return out
	}
	waitUntil(t, p, "the openings", func() bool { return len(openings()) == crowd })
	open := openings()
	if m := open[user(0)]; !strings.Contains(m.Text, "A few questions") || !strings.Contains(m.ReplyMarkup, `"callback_data":"sv:1:0:0"`) {
		t.Fatalf("the opening: %+v", m)
	}
	asked := func(u int64, prefix string) (telegramfake.Message, bool) {
		for _, m := range fake.Sent() {
			if m.ChatID == u && strings.Contains(m.Text, prefix) {
				return m, true
			}
		}
		return telegramfake.Message{}, false
	}
	// The crowd answers the first question at once.
	for i := range crowd {
		fake.Press(user(i), user(i), open[user(i)].ID, fmt.Sprintf("sv:1:0:%d", i%3))
	}
	waitUntil(t, p, "the second question for all", func() bool {
		for i := range crowd {
			if _, ok := asked(user(i), "2/3"); !ok {
				return false
			}
		}
		return true
	})
	// P0 goes to the end, with a typed text; P1 presses its answer again
	// and stops; P2 skips the text.
	q2, _ := asked(user(0), "2/3")
	fake.Press(user(0), user(0), q2.ID, "sv:1:1:9")
	waitUntil(t, p, "the text question", func() bool { _, ok := asked(user(0), "3/3"); return ok })
	fake.UserWrites(user(0), "P0", "More coffee, please")
	waitUntil(t, p, "P0's thanks", func() bool { _, ok := asked(user(0), "Thanks, see you soon."); return ok })
	fake.Press(user(1), user(1), open[user(1)].ID, "sv:1:0:1")
	q2b, _ := asked(user(2), "2/3")
	fake.Press(user(2), user(2), q2b.ID, "sv:1:1:3")
	waitUntil(t, p, "P2's text question", func() bool { _, ok := asked(user(2), "3/3"); return ok })
	q3, _ := asked(user(2), "3/3")
	fake.Press(user(2), user(2), q3.ID, "sv:1:2:skip")
	waitUntil(t, p, "P2's thanks", func() bool { _, ok := asked(user(2), "Thanks, see you soon."); return ok })
	time.Sleep(100 * time.Millisecond) // a second "2/3" for P1 would show by now
	n := 0
	for _, m := range fake.Sent() {
		if m.ChatID == user(1) && strings.HasPrefix(m.Text, "2/3") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("P1 pressed twice and was asked the second question %d times", n)
	}
	r := p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: consoleMod, Text: "campaign stats 1"})
	var charts []string
	for _, m := range r.Messages {
		for _, f := range m.Files {
			if f.ContentType == "image/png" && len(f.Data) > 1000 && string(f.Data[1:4]) == "PNG" {
				charts = append(charts, f.Name)
			}
		}
	}
	if len(charts) != 2 || charts[0] != "campaign-1-q1.png" || charts[1] != "campaign-1-q2.png" {
		t.Fatalf("the charts: %v", charts)
	}
	stats := run("campaign stats 1")
	for _, want := range []string{fmt.Sprintf("%d answered, 2 to the end", crowd), "Great `", "4 (33%)", "*2. Would you come again?* — 2 answers, 0 skipped", "average 6.0", "› More coffee, please", "1 answers, 1 skipped"} {
		if !strings.Contains(stats, want) {
			t.Errorf("the stats lack %q:\n%s", want, stats)
		}
	}
	// The text answer is the survey's, not a message for the thread.
	for _, m := range fake.Sent() {
		if m.ChatID == group && strings.Contains(m.Text, "More coffee") {
			t.Fatalf("the survey's text answer was relayed to the moderators: %+v", m)
		}
	}
	// Asked in the moderators' group, the stats come with their charts as
	// photos.
	fake.GroupMessage(group, 77, "Mo", 0, 0, "/herald campaign stats 1")
	waitUntil(t, p, "the charts in the group", func() bool {
		n := 0
		for _, m := range fake.Sent() {
			if m.ChatID == group && strings.HasSuffix(m.Photo, ".png") && len(m.Data) > 1000 {
				n++
			}
		}
		return n == 2
	})
	// One person at a time, with a way to the next.
	ar := p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: consoleMod, Text: "campaign answers 1 1"})
	if len(ar.Messages) != 1 || !strings.Contains(ar.Messages[0].Text, fmt.Sprintf("Respondent 1 of %d: P", crowd)) || len(ar.Messages[0].Buttons) != 1 ||
		!strings.Contains(ar.Messages[0].Buttons[0].Label, "Next") {
		t.Fatalf("the first respondent's answers: %+v", ar.Messages)
	}
	out := run("campaign export 1 answers")
	rows, err := csv.NewReader(strings.NewReader(out[strings.Index(out, "respondent,"):])).ReadAll()
	if err != nil || len(rows) != crowd+1 || rows[0][4] != "Q1 How was the session?" {
		t.Fatalf("the export (%v): %q", err, rows)
	}
	for _, row := range rows[1:] {
		if row[0] == fmt.Sprintf("telegram:%d", user(0)) && (row[4] != "Great" || row[5] != "9" || row[6] != "More coffee, please" || row[3] != "true") {
			t.Errorf("P0's row: %q", row)
		}
	}
}

// TestAnonymousSurveyShowsNoOne: once a survey is anonymous, its answers
// are kept without the person: the stats, the charts, the export and
// what herald logs while the answers come in name no one (no name, no
// platform id); and it cannot be made non-anonymous again.
func TestAnonymousSurveyShowsNoOne(t *testing.T) {
	if testing.Short() {
		t.Skip("a crowd behind a paced platform; skipped with -short")
	}
	ctx := context.Background()
	const group = -100503
	fake, p := startTelegramCrowd(t, group)
	people := map[int64]string{9101: "Zelda Quux", 9102: "Yorick Vexx", 9103: "Xavia Wombat"}
	for id, name := range people {
		fake.UserWrites(id, name, "hello")
	}
	run := func(line string) (string, []byte) {
		t.Helper()
		return commandOutput(t, p, line)
	}
	run("campaign new Anonymous feedback")
	for _, line := range []string{
		"campaign message 1 Tell us, anonymously.",
		`campaign question 1 add choice "How was it?" Great | OK | Bad`,
		`campaign question 1 add text "What would you change?"`,
		"campaign anonymous 1",
		"campaign audience 1 all:telegram",
		"campaign platform 1 telegram",
	} {
		run(line)
	}
	waitUntil(t, p, "the participants known", func() bool { s, _ := run("campaign check 1"); return strings.Contains(s, "3") })
	run("campaign start 1")
	opening := func(u int64) (telegramfake.Message, bool) {
		for _, m := range fake.Sent() {
			if m.ChatID == u && strings.Contains(m.Text, "1/2 · How was it?") {
				return m, true
			}
		}
		return telegramfake.Message{}, false
	}
	waitUntil(t, p, "the openings", func() bool {
		for id := range people {
			if _, ok := opening(id); !ok {
				return false
			}
		}
		return true
	})
	logged := p.Stderr.Len()
	k := 0
	for id, name := range people {
		m, _ := opening(id)
		fake.Press(id, id, m.ID, fmt.Sprintf("sv:1:0:%d", k))
		k++
		waitUntil(t, p, name+"'s second question", func() bool {
			for _, m := range fake.Sent() {
				if m.ChatID == id && strings.Contains(m.Text, "2/2") {
					return true
				}
			}
			return false
		})
		fake.UserWrites(id, name, "More chairs")
	}
	waitUntil(t, p, "every answer counted", func() bool {
		s, _ := run("campaign stats 1")
		return strings.Contains(s, "3 answered, 3 to the end")
	})
	stats, charts := run("campaign stats 1")
	export, csvData := run("campaign export 1 answers")
	everything := stats + string(charts) + export + string(csvData) + p.Stderr.String()[logged:]
	for id, name := range people {
		for _, who := range []string{name, strings.Fields(name)[0], fmt.Sprint(id)} {
			if strings.Contains(everything, who) {
				t.Errorf("%q shows in what the anonymous survey gave:\n%s", who, everything)
			}
		}
	}
	if !strings.Contains(string(csvData), "respondent 1") || !strings.Contains(string(csvData), "More chairs") {
		t.Fatalf("the anonymous export: %s", csvData)
	}
	// Person by person is refused: answers, and engagement.
	for _, line := range []string{"campaign answers 1", "campaign people 1 answered", "campaign people 1 seen", "campaign export 1 engagement"} {
		if r := p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: consoleMod, Text: line}); !r.Private || !strings.Contains(r.Messages[0].Text, "anonymous") {
			t.Fatalf("%s on an anonymous survey: %+v", line, r.Messages)
		}
	}
}

// TestSurveyOnSlack: a survey reaches Slack participants in their DMs
// with buttons; their presses (block actions) answer, a press twice
// counts once, and an NPS rating takes its eleven buttons in one block;
// Ana goes to the end, typing the text answer in her DM, Bob stops half
// way. Asked in the moderators' channel, the stats come with their charts
// uploaded to Slack, and the export matches.
func TestSurveyOnSlack(t *testing.T) {
	ctx := context.Background()
	fake, p := slackSocket(t, "moderators: {slack: {users: [UMOD]}}\n", slackfake.User{ID: "UANA", Name: "ana"}, slackfake.User{ID: "UBOB", Name: "bob"})
	for i, u := range []string{"UANA", "UBOB"} {
		fake.SendSocket("events_api", map[string]any{"type": "event_callback", "event_id": fmt.Sprintf("EvHello%d", i), "event": map[string]any{
			"type": "message", "user": u, "channel": "D" + u, "channel_type": "im", "ts": fmt.Sprintf("1.%d", i), "text": "hello"}})
	}
	run := mustRun(t, p)
	waitUntil(t, p, "the participants known", func() bool {
		r := p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: consoleMod, Text: "contacts"})
		return len(r.Messages) > 0 && strings.Contains(r.Messages[0].Text, "UBOB")
	})
	for _, line := range []string{"campaign new Slack survey", "campaign message 1 Three questions.",
		`campaign question 1 add choice "How was it?" Great | OK | Bad`, `campaign question 1 add nps "Again?"`, `campaign question 1 add text "Anything else?" optional`,
		"campaign audience 1 all:slack", "campaign platform 1 slack", "campaign start 1"} {
		run(line)
	}
	question := func(user, prefix string) (slackfake.Message, bool) {
		for _, m := range fake.Messages() {
			if m.Channel != "CMODS" && strings.Contains(m.Blocks, prefix) && (m.Channel == "D"+user || m.Channel == user) {
				return m, true
			}
		}
		return slackfake.Message{}, false
	}
	press := func(user string, m slackfake.Message, label string) {
		v := buttonValue(m.Blocks, label)
		if v == "" {
			t.Fatalf("no button %q in %s", label, m.Blocks)
		}
		fake.SendSocket("interactive", map[string]any{"type": "block_actions", "user": map[string]string{"id": user, "username": user},
			"channel": map[string]string{"id": m.Channel}, "container": map[string]any{"message_ts": m.TS},
			"actions": []map[string]string{{"action_id": "herald-reply-0", "value": v}}})
	}
	waitUntil(t, p, "the openings", func() bool {
		_, a := question("UANA", "1/3 · How was it?")
		_, b := question("UBOB", "1/3 · How was it?")
		return a && b
	})
	openA, _ := question("UANA", "1/3")
	openB, _ := question("UBOB", "1/3")
	press("UANA", openA, "Great")
	press("UBOB", openB, "Bad")
	press("UBOB", openB, "Bad")
	waitUntil(t, p, "the second questions", func() bool {
		_, a := question("UANA", "2/3 · Again?")
		_, b := question("UBOB", "2/3 · Again?")
		return a && b
	})
	q2, _ := question("UANA", "2/3")
	if buttonValue(q2.Blocks, "10") == "" || buttonValue(q2.Blocks, "0") == "" {
		t.Fatalf("the NPS buttons: %s", q2.Blocks)
	}
	press("UANA", q2, "10")
	waitUntil(t, p, "Ana's text question", func() bool { _, ok := question("UANA", "3/3 · Anything else?"); return ok })
	fake.SendSocket("events_api", map[string]any{"type": "event_callback", "event_id": "EvText", "event": map[string]any{
		"type": "message", "user": "UANA", "channel": "DUANA", "channel_type": "im", "ts": "9.1", "text": "More coffee, please"}})
	waitUntil(t, p, "Ana's thanks", func() bool { _, ok := question("UANA", "Thank you for your answers!"); return ok })
	r := p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: consoleMod, Text: "campaign stats 1"})
	if len(r.Messages) == 0 || !strings.Contains(r.Messages[0].Text, "2 answered, 1 to the end") || !strings.Contains(r.Messages[0].Text, "Bad `█") {
		t.Fatalf("the stats: %+v", r.Messages)
	}
	// Asked in the moderators' channel: the stats there, the charts
	// uploaded with them, and the export as a file.
	fake.SendSocket("slash_commands", map[string]string{"command": "/herald", "text": "campaign stats 1", "user_id": "UMOD", "user_name": "mo", "channel_id": "CMODS"})
	waitUntil(t, p, "the stats and charts in the channel", func() bool {
		said := false
		for _, m := range fake.Messages() {
			said = said || m.Channel == "CMODS" && strings.Contains(m.Blocks, "2 answered, 1 to the end") && strings.Contains(m.Blocks, "More coffee, please")
		}
		png := fake.Upload("campaign-1-q1.png")
		return said && len(png) > 1000 && string(png[1:4]) == "PNG" && len(fake.Upload("campaign-1-q2.png")) > 1000
	})
	fake.SendSocket("slash_commands", map[string]string{"command": "/herald", "text": "campaign export 1 answers", "user_id": "UMOD", "user_name": "mo", "channel_id": "CMODS"})
	waitUntil(t, p, "the export in the channel", func() bool { return len(fake.Upload("campaign-1-answers.csv")) > 0 })
	export := string(fake.Upload("campaign-1-answers.csv"))
	rows, err := csv.NewReader(strings.NewReader(export[strings.Index(export, "respondent,"):])).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("the export (%v): %q", err, export)
	}
	for _, row := range rows[1:] {
		switch row[0] {
		case "slack:UANA":
			if row[4] != "Great" || row[5] != "10" || row[6] != "More coffee, please" || row[3] != "true" {
				t.Errorf("Ana's row: %q", row)
			}
		case "slack:UBOB":
			if row[4] != "Bad" || row[5] != "" || row[3] != "false" {
				t.Errorf("Bob's row: %q", row)
			}
		default:
			t.Errorf("a row of no one: %q", row)
		}
	}
}

// TestSurveyOnDiscord: a survey reaches Discord participants' DMs with
// its buttons (an NPS question in rows of five, as Discord takes them);
// their presses answer it, a press twice counts once, and the text
// question takes their next DM.
func TestSurveyOnDiscord(t *testing.T) {
	ctx := context.Background()
	fake, err := discordfake.Start("dc-token")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.AddUser("4001", true)
	fake.AddUser("4002", true)
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), "discord: {enabled: true, token: dc-token, application_id: \"123\", guild_id: \"777\", channel: \"4444\", api_url: \"http://"+fake.Addr()+"\"}\n"+
		"moderators: {discord: {group: R-MODS}}\n"))
	fake.Member("55", "R-MODS")
	run := mustRun(t, p)
	run("list import dc", bot.File{Name: "dc.csv", Data: []byte("discord_id,first_name\n4001,Ana\n4002,Bo\n")})
	for _, line := range []string{"campaign new Discord survey", "campaign message 1 Three questions.",
		`campaign question 1 add choice "How was it?" Great | OK | Bad`, `campaign question 1 add nps "Again?"`,
		`campaign question 1 add text "Anything else?"`, `campaign question 1 add multi "Which parts?" Talks | Food | Venue`, "campaign audience 1 list:dc", "campaign start 1"} {
		run(line)
	}
	asked := func(user, prefix string) (discordfake.Message, bool) {
		for _, m := range fake.Messages() {
			if m.ChannelID == fake.DMChannel(user) && strings.Contains(m.Content+m.Embeds, prefix) {
				return m, true
			}
		}
		return discordfake.Message{}, false
	}
	press := func(user string, m discordfake.Message, value string) {
		fake.Click("", m.ChannelID, m.ID, user, "r:sv:1:"+value)
	}
	waitUntil(t, p, "the openings", func() bool {
		_, a := asked("4001", "1/4 · How was it?")
		_, b := asked("4002", "1/4 · How was it?")
		return a && b
	})
	openA, _ := asked("4001", "1/4")
	openB, _ := asked("4002", "1/4")
	if !strings.Contains(openA.Components, `"custom_id":"r:sv:1:0:0"`) {
		t.Fatalf("the opening's buttons: %s", openA.Components)
	}
	press("4001", openA, "0:0")
	press("4002", openB, "0:2")
	press("4002", openB, "0:2")
	waitUntil(t, p, "the NPS questions", func() bool {
		_, a := asked("4001", "2/4 · Again?")
		_, b := asked("4002", "2/4 · Again?")
		return a && b
	})
	q2, _ := asked("4001", "2/4")
	if strings.Count(q2.Components, `"type":1`) != 3 {
		t.Fatalf("eleven buttons in rows of five: %s", q2.Components)
	}
	press("4001", q2, "1:8")
	waitUntil(t, p, "the text question", func() bool { _, ok := asked("4001", "3/4 · Anything else?"); return ok })
	fake.UserWrites("4001", "Ana", "More chairs")
	// The multiple choice is a select menu (the answers' buttons left
	// out), then ✓.
	waitUntil(t, p, "the multiple choice", func() bool { _, ok := asked("4001", "4/4 · Which parts?"); return ok })
	q4, _ := asked("4001", "4/4")
	if !strings.Contains(q4.Components, `"type":3`) || !strings.Contains(q4.Components, `"custom_id":"s:sv:1:3:set:"`) || strings.Contains(q4.Components, `"custom_id":"r:sv:1:3:0"`) {
		t.Fatalf("the select menu: %s", q4.Components)
	}
	picked := func(want string) func() bool {
		return func() bool {
			return strings.Contains(commandsOf(t, p)("campaign answers 1 1"), "4. Which parts? — "+want)
		}
	}
	fake.Pick("", q4.ChannelID, q4.ID, "4001", "s:sv:1:3:set:", "0", "2")
	waitUntil(t, p, "the pick", picked("Talks; Venue"))
	fake.Pick("", q4.ChannelID, q4.ID, "4001", "s:sv:1:3:set:", "2", "1") // changed: the menu sends the whole pick
	waitUntil(t, p, "the pick changed", picked("Food; Venue"))
	press("4001", q4, "3:done")
	waitUntil(t, p, "the thanks", func() bool { _, ok := asked("4001", "Thank you for your answers!"); return ok })
	r := p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: consoleMod, Text: "campaign stats 1"})
	if len(r.Messages) == 0 || !strings.Contains(r.Messages[0].Text, "2 answered, 1 to the end") || !strings.Contains(r.Messages[0].Text, "› More chairs") ||
		!strings.Contains(r.Messages[0].Text, "Bad `█████") {
		t.Fatalf("the stats: %+v", r.Messages)
	}
	n := 0
	for _, m := range fake.Messages() {
		if m.ChannelID == fake.DMChannel("4002") && strings.Contains(m.Content+m.Embeds, "2/4") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("Bo pressed twice and was asked the second question %d times", n)
	}
	// Asked in the moderators' channel, the stats come with their charts
	// attached, and the export as a file that matches.
	fake.Slash("777", "4444", "55", "campaign", "stats 1")
	fake.Slash("777", "4444", "55", "campaign", "export 1 answers")
	var export []byte
	waitUntil(t, p, "the stats, charts and export in the channel", func() bool {
		said, charts := false, 0
		for _, m := range fake.Messages() {
			said = said || strings.Contains(m.Content+m.Embeds, "2 answered, 1 to the end")
			for name, data := range m.Files {
				if strings.HasSuffix(name, ".png") && len(data) > 1000 && string(data[1:4]) == "PNG" {
					charts++
				}
				if name == "campaign-1-answers.csv" {
					export = data
				}
			}
		}
		return said && charts == 3 && export != nil
	})
	rows, err := csv.NewReader(strings.NewReader(string(export[strings.Index(string(export), "respondent,"):]))).ReadAll()
	if err != nil || len(rows) != 3 {
		t.Fatalf("the export (%v): %q", err, export)
	}
	for _, row := range rows[1:] {
		if row[0] == "discord:4001" && (row[4] != "Great" || row[5] != "8" || row[6] != "More chairs" || row[7] != "Food; Venue" || row[3] != "true") ||
			row[0] == "discord:4002" && (row[4] != "Bad" || row[5] != "" || row[3] != "false") {
			t.Errorf("a row: %q", row)
		}
	}
}
