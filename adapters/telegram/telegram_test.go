package telegram_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/internal/kindtest"

	"github.com/heraldchat/herald/adapters/adaptertest"
	"github.com/heraldchat/herald/adapters/telegram"
	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/status"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/csvfile"
	"github.com/heraldchat/herald/engine/enginetest"
	"github.com/heraldchat/herald/store"
)

const token = "123456:TEST-token"

func start(t *testing.T) (*telegramfake.Server, *telegram.Adapter) {
	t.Helper()
	return startWith(t, 0)
}

// startWith starts a fake Bot API and an adapter, not yet running, with
// the moderators' group group (0: none).
func startWith(t *testing.T, group int64) (*telegramfake.Server, *telegram.Adapter) {
	t.Helper()
	fake, err := telegramfake.Start(token)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	a, err := telegram.New(context.Background(), telegram.Config{Token: token, ServerURL: fake.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}, PollTimeout: time.Second, Group: group})
	if err != nil {
		t.Fatal(err)
	}
	return fake, a
}

func addr(id int64) bot.Address {
	return bot.Address{Platform: bot.PlatformTelegram, ID: fmt.Sprint(id)}
}

func TestSendRendersAndMapsErrors(t *testing.T) {
	ctx := context.Background()
	fake, a := start(t)
	fake.StartedBy(1001)
	m := bot.Message{Kind: bot.KindCard, Title: "Welcome <team>", Text: "Hello *Ana*, see [the agenda](https://example.org/a)",
		Buttons: []bot.Button{{Label: "Open", Action: bot.Action{Kind: bot.ActionLink, URL: "https://example.org"}}, {Label: "Yes", Action: bot.Action{Kind: bot.ActionReply, Value: "yes"}}}}
	if _, err := a.Send(ctx, addr(1001), m); err != nil {
		t.Fatal(err)
	}
	sent := fake.Sent()
	if len(sent) != 1 || sent[0].ParseMode != "HTML" || sent[0].Text != `<b>📋 Welcome &lt;team&gt;</b>`+"\n"+`Hello <b>Ana</b>, see <a href="https://example.org/a">the agenda</a>` ||
		!strings.Contains(sent[0].ReplyMarkup, `"url":"https://example.org"`) || !strings.Contains(sent[0].ReplyMarkup, `"callback_data":"yes"`) {
		t.Fatalf("sent %+v", sent)
	}

	for _, tc := range []struct {
		name  string
		setup func()
		to    int64
		code  string
		step  bot.Step
		retry time.Duration
	}{
		{"never started", func() {}, 2002, bot.EFORBIDDEN, bot.StepOpen, 0},
		{"blocked", func() { fake.StartedBy(3003); fake.Block(3003) }, 3003, bot.EFORBIDDEN, bot.StepSend, 0},
		{"rate limited", func() {
			fake.Inject(telegramfake.Fault{Method: "sendMessage", N: 1, Code: 429, Description: "Too Many Requests: retry after 7", RetryAfter: 7})
		}, 1001, bot.EUNAVAILABLE, "", 7 * time.Second},
		{"server error", func() {
			fake.Inject(telegramfake.Fault{Method: "sendMessage", N: 1, Code: 502, Description: "Bad Gateway"})
		}, 1001, bot.EUNAVAILABLE, bot.StepSend, 0},
	} {
		tc.setup()
		_, err := a.Send(ctx, addr(tc.to), bot.Message{Text: "hi"})
		if bot.ErrorCode(err) != tc.code || bot.ErrorStep(err) != tc.step {
			t.Errorf("%s: %v (%s, %s)", tc.name, err, bot.ErrorCode(err), bot.ErrorStep(err))
		}
		if d, _ := bot.ErrorRetryAfter(err); d != tc.retry {
			t.Errorf("%s: retry after %s, want %s", tc.name, d, tc.retry)
		}
	}
}

func TestParticipantsWriteAndStart(t *testing.T) {
	fake, a := start(t)
	r := &bottest.Runner{}
	a.Handler = r
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	fake.UserWrites(5005, "Zoe", "/start")
	fake.UserWrites(5005, "Zoe", "Hello, is the webinar recorded?")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if len(r.Inbound()) == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the updates did not arrive")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	joined, got := r.InboundOf(bot.InboundParticipantJoined), r.InboundOf(bot.InboundParticipantMessage)
	if len(joined) != 1 || len(got) != 1 || joined[0].From.Address != addr(5005) || got[0].From.Name != "Zoe" || got[0].Text != "Hello, is the webinar recorded?" || got[0].ID == "" {
		t.Fatalf("joined %+v, got %+v", joined, got)
	}
}

// TestCampaignWithinTelegramLimits runs a campaign through the engine to
// the fake, which enforces 30/s and 1/s per chat: everyone gets the
// message once, those who never started the bot or blocked it fail with
// that reason, and the fake never answers 429.
func TestCampaignWithinTelegramLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("paced at Telegram's 30 messages a second; skipped with -short")
	}
	ctx := context.Background()
	fake, a := start(t)
	var file strings.Builder
	file.WriteString("telegram_id,first_name\n")
	for i := range 45 {
		id := int64(7000 + i)
		if i != 3 {
			fake.StartedBy(id)
		}
		fmt.Fprintf(&file, "%d,P%d\n", id, i)
	}
	fake.Block(7007)
	db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rd, err := csvfile.NewReader(strings.NewReader(file.String()))
	if err != nil {
		t.Fatal(err)
	}
	id := enginetest.RunCampaign(t, db, a, rd, "Hi {{first_name}}")
	counts, _ := db.SendingCounts(ctx, id)
	if counts.Sent != 43 || counts.Failed != 2 || len(fake.Sent()) != 43 || fake.Rejected() != 0 {
		t.Fatalf("counts %+v, %d at the fake, %d 429s", counts, len(fake.Sent()), fake.Rejected())
	}
	ss, _ := db.Sendings(ctx, id, 0, 0)
	for _, s := range ss {
		switch s.Key {
		case "7003":
			if s.Step != bot.StepOpen || !strings.Contains(s.Error, "never started the bot") {
				t.Errorf("7003: %s %q", s.Step, s.Error)
			}
		case "7007":
			if s.Step != bot.StepSend || s.Error != "bot was blocked by the user" {
				t.Errorf("7007: %s %q", s.Step, s.Error)
			}
		}
	}
}

func TestConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) *adaptertest.Harness {
		fake, a := start(t)
		fake.StartedBy(1001)
		fake.Unlimited = true // the suite sends in a row; the limits have their own test
		return &adaptertest.Harness{
			Messenger:   a,
			Participant: addr(1001),
			Received: func(to bot.Address) []string {
				var out []string
				for _, m := range fake.Sent() {
					if fmt.Sprint(m.ChatID) == to.ID {
						out = append(out, m.Text+"\n"+m.ReplyMarkup)
					}
				}
				return out
			},
			Refused: addr(2002), // never started the bot
			RateLimit: func(d time.Duration) {
				fake.Inject(telegramfake.Fault{Method: "sendMessage", N: 1, Code: 429, Description: "Too Many Requests", RetryAfter: int(d / time.Second)})
			},
			ServerError: func() {
				fake.Inject(telegramfake.Fault{Method: "sendMessage", N: 1, Code: 502, Description: "Bad Gateway"})
			},
		}
	})
}

// TestFilesBothWays: a participant's document arrives with its content and
// caption; a file a moderator sends goes as a document after the text; a
// file Telegram will not hand over is named, not dropped.
func TestFilesBothWays(t *testing.T) {
	fake, a := start(t)
	fake.Unlimited = true
	r := &bottest.Runner{}
	a.Handler = r
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	fake.UserWrites(5005, "Zoe", "/start")
	wait := func(n int) {
		t.Helper()
		until(t, "the updates", func() bool { return len(r.InboundOf(bot.InboundParticipantMessage)) == n })
	}
	fake.UserSendsDocument(5005, "Zoe", "ticket.pdf", "application/pdf", "my ticket", []byte("%PDF-1.4 ticket"))
	wait(1)
	fake.Inject(telegramfake.Fault{Method: "getFile", N: 1, Code: 400, Description: "Bad Request: file is too big"})
	fake.UserSendsDocument(5005, "Zoe", "video.mp4", "video/mp4", "", []byte("big"))
	wait(2)
	cancel()
	<-done
	got := r.InboundOf(bot.InboundParticipantMessage)
	first, second := got[0], got[1]
	if first.Text != "my ticket" || len(first.Files) != 1 || first.Files[0].Name != "ticket.pdf" || string(first.Files[0].Data) != "%PDF-1.4 ticket" {
		t.Fatalf("the document arrived as %+v", first)
	}
	if len(second.Files) != 0 || !strings.Contains(second.Text, "video.mp4") || !strings.Contains(second.Text, "too big") {
		t.Fatalf("a file that could not be fetched: %+v", second)
	}

	if _, err := a.Send(context.Background(), addr(5005), bot.Message{Text: "Here is the form", Files: []bot.File{{Name: "form.pdf", Data: []byte("%PDF form")}}}); err != nil {
		t.Fatal(err)
	}
	sent := fake.Sent()
	if len(sent) != 2 || sent[0].Text != "Here is the form" || sent[1].Document != "form.pdf" || string(sent[1].Data) != "%PDF form" {
		t.Fatalf("sent %+v", sent)
	}
}

// TestModeratorsGroup: /herald runs in the moderators' group (also as
// /herald@bot, with a CSV attached, or a CSV alone); its card's buttons
// run their signed command and the card is edited in place; a button from
// before a restart says so; participants' reply buttons reach them.
func TestModeratorsGroup(t *testing.T) {
	const group = -100500
	fake, err := telegramfake.Start(token)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.Unlimited = true
	a, err := telegram.New(context.Background(), telegram.Config{Token: token, ServerURL: fake.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}, PollTimeout: time.Second, Group: group})
	if err != nil {
		t.Fatal(err)
	}
	r := &bottest.Runner{Reply: cardReply}
	a.Handler = r
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	fake.GroupMessage(group, 77, "Mo", 0, 0, "/herald status")
	until(t, "the command", func() bool { return len(r.Requests()) == 1 && len(fake.Sent()) == 1 })
	if req := r.Requests()[0]; req.Text != "status" || req.Actor.Address != addr(77) || req.Actor.Name != "Mo" {
		t.Fatalf("the command ran as %+v", req)
	}
	card := fake.Sent()[0]
	var kb struct {
		InlineKeyboard [][]struct {
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	json.Unmarshal([]byte(card.ReplyMarkup), &kb)
	if card.ChatID != group || len(kb.InlineKeyboard) != 1 || !strings.HasPrefix(kb.InlineKeyboard[0][0].CallbackData, "c:") || len(kb.InlineKeyboard[0][0].CallbackData) > 64 {
		t.Fatalf("the card: %+v", card)
	}
	fake.GroupMessage(group, 77, "Mo", 0, 0, "just chatting")
	fake.GroupMessage(group, 77, "Mo", 0, 0, "/herald@herald_test_bot lists")
	until(t, "the addressed command", func() bool { return len(r.Requests()) == 2 })
	if r.Requests()[1].Text != "lists" {
		t.Fatalf("ran %+v", r.Requests()[1])
	}
	// CSV documents: with a command, and alone.
	fake.GroupDocument(group, 77, "Mo", "spring.csv", "/herald list import spring", []byte("email\nana@example.org\n"))
	until(t, "the import", func() bool { return len(r.Requests()) == 3 })
	if req := r.Requests()[2]; req.Text != "list import spring" || len(req.Files) != 1 || string(req.Files[0].Data) != "email\nana@example.org\n" {
		t.Fatalf("the import ran as %+v", req)
	}
	fake.GroupDocument(group, 77, "Mo", "autumn.csv", "", []byte("email\n"))
	until(t, "the file alone", func() bool { return len(r.Requests()) == 4 })
	if req := r.Requests()[3]; req.Text != "file autumn.csv: email\n" {
		t.Fatalf("a file alone ran %q", req.Text)
	}
	// The card's button.
	fake.Press(77, group, card.ID, kb.InlineKeyboard[0][0].CallbackData)
	until(t, "the button", func() bool { return len(r.Requests()) == 5 })
	if req := r.Requests()[4]; !strings.HasPrefix(req.Signed, "signed-pause-1-") {
		t.Fatalf("the button ran %+v", req)
	}
	until(t, "the card edited", func() bool {
		for _, m := range fake.Sent() {
			if m.ID == card.ID && m.Edited == 1 && strings.Contains(m.Text, "signed-pause-1-") {
				return true
			}
		}
		return false
	})
	// A button from before a restart: the handler gets it with no value
	// (and says so); its answer shows as an alert.
	fake.Press(77, group, card.ID, "c:0123456789abcdef")
	until(t, "the expired button's alert", func() bool {
		for _, an := range fake.Answers() {
			if an.ShowAlert && strings.Contains(an.Text, "ran") {
				return true
			}
		}
		return false
	})
	// A participant's reply button.
	fake.Press(5005, 5005, 1, "yes")
	until(t, "the participant's answer", func() bool { return len(r.InboundOf(bot.InboundParticipantMessage)) == 1 })
	if got := r.InboundOf(bot.InboundParticipantMessage); got[0].Text != "yes" || got[0].From.Address != addr(5005) {
		t.Fatalf("the participant's answer: %+v", got[0])
	}
}

// TestGroupAdminsAreModerators: IsMember asks getChatMember.
func TestGroupAdminsAreModerators(t *testing.T) {
	fake, a := start(t)
	fake.Admin(-100500, 77)
	for user, want := range map[int64]bool{77: true, 88: false} {
		if got, err := a.IsMember(context.Background(), addr(user), "-100500"); err != nil || got != want {
			t.Errorf("user %d: %v, %v; want %v", user, got, err, want)
		}
	}
	if got, _ := a.IsMember(context.Background(), bot.Address{Platform: bot.PlatformSlack, ID: "77"}, "-100500"); got {
		t.Error("a Slack user counted as a Telegram admin")
	}
}

// TestThreadsInTheGroup: a participant's thread is a forum topic when the
// moderators' group has topics, a reply chain otherwise; what moderators
// write there goes to the handler with its thread, and the answers show
// in the thread; ordinary group talk is not handed over.
func TestThreadsInTheGroup(t *testing.T) {
	for _, forum := range []bool{true, false} {
		t.Run(fmt.Sprintf("forum=%v", forum), func(t *testing.T) {
			const group = -100700
			fake, err := telegramfake.Start(token)
			if err != nil {
				t.Fatal(err)
			}
			defer fake.Close()
			fake.Unlimited = true
			if forum {
				fake.Forum(group)
			}
			a, err := telegram.New(context.Background(), telegram.Config{Token: token, ServerURL: fake.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}, PollTimeout: time.Second, Group: group})
			if err != nil {
				t.Fatal(err)
			}
			r := &bottest.Runner{Answer: func(in bot.Inbound) bot.InboundReply {
				return bot.InboundReply{Replies: []bot.CommandReply{{Private: true, Messages: []bot.Message{{Text: "answer to " + in.Text}}}}}
			}}
			a.Handler = r
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan struct{})
			go func() { a.Run(ctx); close(done) }()
			defer func() { cancel(); <-done }()
			thread, err := a.StartThread(ctx, bot.Address{Platform: bot.PlatformTelegram, ID: fmt.Sprint(group)}, bot.Message{Kind: bot.KindCard, Title: "Zoe", Text: "New conversation"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.PostInThread(ctx, thread, bot.Message{Text: "*Zoe*: Is the webinar recorded?"}); err != nil {
				t.Fatal(err)
			}
			var relayed telegramfake.Message
			for _, m := range fake.Sent() {
				if m.ChatID == group && strings.Contains(m.Text, "Is the webinar recorded?") {
					relayed = m
				}
			}
			if forum && (relayed.Topic == 0 || len(fake.Topics()) != 1) || !forum && relayed.ReplyTo == 0 {
				t.Fatalf("the relayed message: %+v, topics %v", relayed, fake.Topics())
			}
			// A moderator writes in the thread: in the topic, or replying
			// to the relayed message.
			topic, replyTo := relayed.Topic, int64(0)
			if !forum {
				replyTo = relayed.ID
			}
			fake.GroupMessage(group, 77, "Mo", topic, replyTo, "Yes, it is!")
			until(t, "the answer", func() bool {
				for _, m := range fake.Sent() {
					if m.ChatID == group && m.Text == "answer to Yes, it is!" && (m.Topic == topic && topic != 0 || m.ReplyTo != 0) {
						return true
					}
				}
				return false
			})
			if got := r.InboundOf(bot.InboundThreadMessage); len(got) != 1 || got[0].Thread != thread || got[0].From.Address != addr(77) || got[0].Text != "Yes, it is!" {
				t.Fatalf("handed over %+v (thread %+v)", got, thread)
			}
			// Ordinary talk in the group is left alone.
			fake.GroupMessage(group, 77, "Mo", 0, 0, "coffee?")
			time.Sleep(50 * time.Millisecond)
			if n := len(r.Inbound()); n != 1 {
				t.Fatalf("group talk was handed over: %+v", r.Inbound())
			}
		})
	}
}

// until polls ok for up to ten seconds: updates arrive by long polling.
func until(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// cardReply answers every command with a campaign card carrying a command
// button whose signed value is longer than the platform's button data.
func cardReply(req bottest.Request) bot.CommandReply {
	return bot.CommandReply{Messages: []bot.Message{{Kind: bot.KindCard, Title: "#1 ran " + req.Text + req.Signed, Campaign: 1,
		Buttons: []bot.Button{{Label: "Pause", Action: bot.Action{Kind: bot.ActionCommand, Value: "signed-pause-1-" + strings.Repeat("x", 80)}}}}}}
}

// TestInboundConformance drives the inbound half through the moderators'
// group, a forum whose topics are participants' threads.
func TestInboundConformance(t *testing.T) {
	adaptertest.RunInbound(t, func(t *testing.T) *adaptertest.InboundHarness {
		const group = -100900
		fake, err := telegramfake.Start(token)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { fake.Close() })
		fake.Unlimited = true
		fake.Forum(group)
		a, err := telegram.New(context.Background(), telegram.Config{Token: token, ServerURL: fake.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}, PollTimeout: time.Second, Group: group})
		if err != nil {
			t.Fatal(err)
		}
		db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		topic := func(th bot.ThreadRef) int64 {
			n, _ := strconv.ParseInt(strings.TrimPrefix(th.ID, "t"), 10, 64)
			return n
		}
		return &adaptertest.InboundHarness{
			Surface: a, Channel: bot.Address{Platform: bot.PlatformTelegram, ID: fmt.Sprint(group)}, Store: db,
			Moderator: addr(77),
			Serve: func(h bot.InboundHandler) {
				a.Handler = h
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan struct{})
				go func() { a.Run(ctx); close(done) }()
				t.Cleanup(func() { cancel(); <-done })
			},
			Language: func(th *threads.Service, auth *moderators.Set) bot.InboundHandler {
				clock := clock.System()
				deps := commands.Deps{Conversations: th, Snippets: db, Clock: clock,
					Campaigns: &campaigns.Service{Store: db, Clock: clock}, Lists: &lists.Service{Store: db}}
				return commands.NewInbound(commands.New(deps, commands.NewText(commands.LocaleEnglish), auth, nil, nil), th)
			},
			Write: func(th bot.ThreadRef, text string) { fake.GroupMessage(group, 77, "Mo", topic(th), 0, text) },
			Shown: func(th bot.ThreadRef) []string {
				var out []string
				for _, m := range fake.Sent() {
					if m.ChatID == group && m.Topic == topic(th) {
						out = append(out, m.Text)
					}
				}
				return out
			},
		}
	})
}

// TestKindsRender pins how each message kind reads in Telegram HTML: a
// mark per kind but plain messages, on the title line or before the text.
func TestKindsRender(t *testing.T) {
	for _, k := range kindtest.KindSamples {
		kindtest.Golden(t, filepath.Join("testdata", "kinds", k.Name+".html"), telegram.Render(k.Message))
	}
}

// TestIntegrationErrorsReachTheStatusBoard: what the operator must fix
// (the bot's place or rights in a chat, the token) shows in status; a
// person who blocked the bot does not.
func TestIntegrationErrorsReachTheStatusBoard(t *testing.T) {
	fake, err := telegramfake.Start(token)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	board := &status.Board{Clock: bottest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))}
	a, err := telegram.New(context.Background(), telegram.Config{Board: board, Token: token, ServerURL: fake.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}, PollTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	fake.StartedBy(1001)
	fake.StartedBy(1002)
	fake.Block(1002)
	if _, err := a.Send(context.Background(), addr(1002), bot.Message{Text: "hi"}); bot.ErrorReach(err) != bot.ReachBlocked {
		t.Fatalf("a blocked person: %v", err)
	}
	if st := board.Status(); len(st.Errors) != 0 {
		t.Fatalf("a person's refusal reached status: %+v", st.Errors)
	}
	fake.Inject(telegramfake.Fault{Method: "sendMessage", N: 1, Code: 403, Description: "Forbidden: bot was kicked from the supergroup chat"})
	if _, err := a.Send(context.Background(), addr(1001), bot.Message{Text: "hi"}); err == nil {
		t.Fatal("the fault did not happen")
	}
	if st := board.Status(); len(st.Errors) != 1 || st.Errors[0].Platform != bot.PlatformTelegram {
		t.Fatalf("status after the bot was kicked: %+v", st.Errors)
	}
}

// TestGroupUpdatesAreJournaled: long polling confirms the moderators'
// group's updates before their goroutine handles them, so each is
// journaled until handled; what a stop left in the journal is handled when
// polling starts again, in the order it came, and what is older than an
// hour, unreadable or another surface's is not. Updates Telegram sends
// again (herald stopped before confirming them) are not handled a second
// time.
func TestGroupUpdatesAreJournaled(t *testing.T) {
	fake, a := startGroup(t)
	r := &bottest.Runner{Reply: cardReply}
	a.Handler = r
	left := func(id int, text string, age time.Duration) []byte {
		return []byte(fmt.Sprintf(`{"at":%q,"update":{"update_id":%d,"message":{"message_id":%d,"date":1700000000,"text":%q,"chat":{"id":%d,"type":"supergroup"},"from":{"id":77,"is_bot":false,"first_name":"Mo"}}}}`,
			time.Now().Add(-age).Format(time.RFC3339Nano), id, id, text, groupChat))
	}
	j := bottest.NewJournal(map[string][]byte{
		"telegram:00000000000000000002": left(2, "/herald lists", time.Minute),
		"telegram:00000000000000000001": left(1, "/herald status", 2*time.Minute),
		"telegram:00000000000000000005": left(5, "/herald campaigns", 2*time.Hour),
		"telegram:00000000000000000006": []byte("{broken"),
		"slack:Ev1":                     []byte("not Telegram's"),
	})
	a.Journal = j
	// Telegram sends the two again (herald stopped before confirming
	// them: updates 1 and 2, messages 1 and 2, as the fake counts), and a
	// new one.
	fake.GroupMessage(groupChat, 77, "Mo", 0, 0, "/herald status")
	fake.GroupMessage(groupChat, 77, "Mo", 0, 0, "/herald lists")
	fake.GroupMessage(groupChat, 77, "Mo", 0, 0, "/herald nudges")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	until(t, "the three commands", func() bool { return len(r.Requests()) >= 3 && j.Len() == 1 })
	var got []string
	for _, req := range r.Requests() {
		got = append(got, req.Text)
	}
	if !slices.Equal(got, []string{"status", "lists", "nudges"}) {
		t.Fatalf("ran %q: want the two replayed, in order, then the new one, and nothing twice", got)
	}
	if kept, _ := j.Journaled(ctx, ""); kept["slack:Ev1"] == nil {
		t.Fatalf("another surface's entry was touched: %q", kept)
	}
	log := j.Log()
	if k, f := slices.Index(log, "keep telegram:00000000000000000003"), slices.Index(log, "forget telegram:00000000000000000003"); k < 0 || f < k {
		t.Fatalf("the journal saw %q, want the new update kept then forgotten", log)
	}
}

// TestGroupUpdatesLeftAtAStop: a stop finishes the group's update in hand
// (a command that ran is not run again at the next start) and leaves the
// ones queued behind it in the journal, to be handled at the next start.
func TestGroupUpdatesLeftAtAStop(t *testing.T) {
	fake, a := startGroup(t)
	started, release := make(chan struct{}), make(chan struct{})
	r := &bottest.Runner{Reply: func(req bottest.Request) bot.CommandReply {
		if req.Text == "status" {
			close(started)
			<-release // still running when the stop comes
		}
		return bot.CommandReply{Messages: []bot.Message{{Text: "ran " + req.Text}}}
	}}
	a.Handler = r
	j := bottest.NewJournal(nil)
	a.Journal = j
	fake.GroupMessage(groupChat, 77, "Mo", 0, 0, "/herald status")
	fake.GroupMessage(groupChat, 77, "Mo", 0, 0, "/herald lists")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	<-started
	until(t, "both journaled", func() bool { return j.Len() == 2 })
	cancel()
	close(release)
	<-done
	if got := r.Requests(); len(got) != 1 || got[0].Text != "status" {
		t.Fatalf("ran %+v before the stop: want status only", got)
	}
	if kept, _ := j.Journaled(context.Background(), ""); len(kept) != 1 || kept["telegram:00000000000000000002"] == nil {
		t.Fatalf("left in the journal: %q, want lists only", kept)
	}
	// The next start handles what was left, once.
	ctx, cancel = context.WithCancel(context.Background())
	done = make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	until(t, "the command left", func() bool { return len(r.Requests()) == 2 && j.Len() == 0 })
	if got := r.Requests(); got[1].Text != "lists" {
		t.Fatalf("after the restart ran %q", got[1].Text)
	}
}

// startGroup is startWith the moderators' group groupChat, with the fake's
// limits off (these tests are about the journal, not pace).
func startGroup(t *testing.T) (*telegramfake.Server, *telegram.Adapter) {
	t.Helper()
	fake, a := startWith(t, groupChat)
	fake.Unlimited = true
	return fake, a
}

// groupChat is the moderators' group of the journal's tests.
const groupChat = -100500
