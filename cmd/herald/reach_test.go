package main_test

import (
	"strings"
	"testing"

	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
	"github.com/heraldchat/herald/bot"
)

// TestReachIsRecordedFromRefusals: Telegram refuses a campaign message to
// a person who blocked the bot and to one who never started it; herald
// records both in the contact directory (contacts reach:…), campaign
// check counts them, and a campaign nobody can receive is not called
// ready. When the person writes again, the mark goes.
func TestReachIsRecordedFromRefusals(t *testing.T) {
	fake, err := telegramfake.Start("42:secret")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.StartedBy(5001)
	fake.StartedBy(5002)
	fake.Block(5002)
	// 5003 never started the bot.
	cfg := MustWriteConfig(t, t.TempDir(), "telegram: {enabled: true, token: \"42:secret\", server_url: \""+fake.URL()+"\"}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	run := commandsOf(t, p)
	run("list import tg", bot.File{Name: "tg.csv", Data: []byte("telegram_id,first_name\n5001,Ana\n5002,Bo\n5003,Cy\n")})
	run("campaign new Hello")
	run("campaign message 1 Hello {{first_name}}")
	run("campaign audience 1 list:tg")
	if out := run("campaign check 1"); !strings.Contains(out, "telegram: 3 of 3 can be reached") {
		t.Fatalf("check before anything is known:\n%s", out)
	}
	run("campaign start 1")
	waitUntil(t, p, "the campaign to end", func() bool { return strings.Contains(run("campaign show 1"), "done") })

	out := run("contacts reach:unreachable")
	if !strings.Contains(out, "2 contacts") || !strings.Contains(out, "`telegram:5002` blocked") || !strings.Contains(out, "`telegram:5003` not_started") || strings.Contains(out, "5001") {
		t.Fatalf("contacts reach:unreachable:\n%s", out)
	}
	if out := run("contacts reach:blocked"); !strings.Contains(out, "1 contact\n") || !strings.Contains(out, "5002") {
		t.Fatalf("contacts reach:blocked:\n%s", out)
	}
	if out := run("contacts search 5003"); !strings.Contains(out, "5003") || strings.Contains(out, "5002") {
		t.Fatalf("contacts search:\n%s", out)
	}
	run("campaign clone 1")
	if out := run("campaign check 2"); !strings.Contains(out, "telegram: 1 of 3 can be reached (1 blocked the bot, 1 never started it)") {
		t.Fatalf("check after the refusals:\n%s", out)
	}

	// A campaign to those two only: nobody can receive it, and check
	// says so rather than "Ready".
	run("list import gone", bot.File{Name: "gone.csv", Data: []byte("telegram_id,first_name\n5002,Bo\n5003,Cy\n")})
	run("campaign new Nobody")
	run("campaign message 3 Hi")
	run("campaign audience 3 list:gone")
	if out := run("campaign check 3"); !strings.Contains(out, "not ready: nobody in its audience can be reached") || strings.Contains(out, "Ready") {
		t.Fatalf("check of an unreachable audience:\n%s", out)
	}

	// Bo unblocks the bot and writes: the mark goes.
	fake.StartedBy(5002)
	fake.UserWrites(5002, "Bo", "I am back")
	waitUntil(t, p, "Bo's mark to go", func() bool { return !strings.Contains(run("contacts reach:blocked"), "5002") })
	// What happened with Bo, from the event log.
	if out := run("events telegram:5002"); !strings.Contains(out, "Events of Bo") || !strings.Contains(out, "message_received") || !strings.Contains(out, "conversation_opened") {
		t.Fatalf("events of a contact:\n%s", out)
	}
}

// TestAutoFindsAnEmailInSlack: a campaign on platform auto to an email
// list reaches people herald has never met through Slack's directory
// (users.lookupByEmail), and check does not call them unreachable.
func TestAutoFindsAnEmailInSlack(t *testing.T) {
	fake, p := startSlackSocket(t, slackfake.User{ID: "UANA", Name: "ana", Email: "ana@example.org"})
	run := commandsOf(t, p)
	run("list import people", bot.File{Name: "p.csv", Data: []byte("email,first_name\nana@example.org,Ana\nnobody@example.org,No\n")})
	run("campaign new Auto")
	run("campaign message 1 Hello {{first_name}}")
	run("campaign audience 1 list:people")
	run("campaign platform 1 auto")
	if out := run("campaign check 1"); !strings.Contains(out, "auto: 2 of 2 can be reached (2 not met yet, looked up when sent)") || strings.Contains(out, "not ready") {
		t.Fatalf("check:\n%s", out)
	}
	run("campaign start 1")
	waitUntil(t, p, "the campaign to end", func() bool { return strings.Contains(run("campaign show 1"), "done") })
	var got []string
	for _, m := range fake.Messages() {
		if strings.Contains(m.Text, "Hello") {
			got = append(got, m.Channel+" "+m.Text)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "Hello Ana") {
		t.Fatalf("Slack got %q", got)
	}
	if out := run("campaign show 1"); !strings.Contains(out, "1 sent") || !strings.Contains(out, "1 failed") {
		t.Fatalf("card:\n%s", out)
	}
}

// TestPlatformRefusalsSpeakTheLocale: with locale fr, what a platform
// refused (a try to someone who blocked the bot; the bot kicked from a
// chat, on the status board) reads in French.
func TestPlatformRefusalsSpeakTheLocale(t *testing.T) {
	fake, err := telegramfake.Start("42:secret")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.StartedBy(5002)
	fake.Block(5002)
	fake.StartedBy(5003)
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), "locale: fr\ntelegram: {enabled: true, token: \"42:secret\", server_url: \""+fake.URL()+"\"}\n"))
	run := commandsOf(t, p)
	run("list import tg", bot.File{Name: "tg.csv", Data: []byte("telegram_id\n5002\n5003\n")})
	run("campaign new Essai")
	run("campaign message 1 Bonjour")
	run("campaign audience 1 list:tg")
	if out := run("campaign try 1 telegram:5002"); !strings.Contains(out, "le bot a été bloqué par la personne") {
		t.Fatalf("a try to someone who blocked the bot:\n%s", out)
	}
	fake.Inject(telegramfake.Fault{Method: "sendMessage", N: 1, Code: 403, Description: "Forbidden: bot was kicked from the supergroup chat"})
	run("campaign try 1 telegram:5003")
	if out := run("status"); !strings.Contains(out, "Telegram refuse") || strings.Contains(out, "Telegram refused") {
		t.Fatalf("status:\n%s", out)
	}
}
