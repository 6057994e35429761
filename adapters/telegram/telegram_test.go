package telegram_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/adaptertest"
	"github.com/heraldchat/herald/adapters/telegram"
	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/csvfile"
	"github.com/heraldchat/herald/store"
)

const token = "123456:TEST-token"

func start(t *testing.T) (*telegramfake.Server, *telegram.Adapter) {
	t.Helper()
	fake, err := telegramfake.Start(token)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	a, err := telegram.New(context.Background(), telegram.Config{Token: token, ServerURL: fake.URL(), HTTPClient: &http.Client{Timeout: 5 * time.Second}, PollTimeout: time.Second})
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
	if len(sent) != 1 || sent[0].ParseMode != "HTML" || sent[0].Text != `<b>Welcome &lt;team&gt;</b>`+"\n"+`Hello <b>Ana</b>, see <a href="https://example.org/a">the agenda</a>` ||
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
	var mu sync.Mutex
	var got, joined []bot.Incoming
	a.Receive = func(_ context.Context, in bot.Incoming) { mu.Lock(); got = append(got, in); mu.Unlock() }
	a.Joined = func(_ context.Context, in bot.Incoming) { mu.Lock(); joined = append(joined, in); mu.Unlock() }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	fake.UserWrites(5005, "Zoe", "/start")
	fake.UserWrites(5005, "Zoe", "Hello, is the webinar recorded?")
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		n := len(got) + len(joined)
		mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the updates did not arrive")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if joined[0].From != addr(5005) || got[0].Name != "Zoe" || got[0].Message.Text != "Hello, is the webinar recorded?" || got[0].ID == "" {
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
	clock := bot.SystemClock()
	engine := &bot.Engine{Store: db, Clock: clock, Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: a}}
	svc := &bot.CampaignService{Store: db, Engine: engine, Clock: clock}
	rd, _ := csvfile.NewReader(strings.NewReader(file.String()))
	if _, err := (&bot.ListService{Store: db}).Import(ctx, "tg", rd, bot.ImportReplace, bot.Actor{}); err != nil {
		t.Fatal(err)
	}
	c, _ := svc.Create(ctx, "tg", bot.Actor{})
	svc.SetMessage(ctx, c.ID, bot.Message{Text: "Hi {{first_name}}"}, bot.Actor{})
	svc.SetAudience(ctx, c.ID, bot.Audience{Kind: bot.AudienceList, List: "tg"}, bot.Actor{})
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	go engine.Run(runCtx)
	if _, err := svc.Start(ctx, c.ID, bot.Actor{}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		cur, _ := db.Campaign(ctx, c.ID)
		if cur.State == bot.CampaignDone {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the campaign did not finish")
		}
		time.Sleep(20 * time.Millisecond)
	}
	counts, _ := db.SendingCounts(ctx, c.ID)
	if counts.Sent != 43 || counts.Failed != 2 || len(fake.Sent()) != 43 || fake.Rejected() != 0 {
		t.Fatalf("counts %+v, %d at the fake, %d 429s", counts, len(fake.Sent()), fake.Rejected())
	}
	ss, _ := db.Sendings(ctx, c.ID, 0, 0)
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
	var mu sync.Mutex
	var got []bot.Incoming
	a.Receive = func(_ context.Context, in bot.Incoming) { mu.Lock(); got = append(got, in); mu.Unlock() }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { a.Run(ctx); close(done) }()
	fake.UserWrites(5005, "Zoe", "/start")
	wait := func(n int) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			mu.Lock()
			have := len(got)
			mu.Unlock()
			if have == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the updates did not arrive")
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	fake.UserSendsDocument(5005, "Zoe", "ticket.pdf", "application/pdf", "my ticket", []byte("%PDF-1.4 ticket"))
	wait(1)
	fake.Inject(telegramfake.Fault{Method: "getFile", N: 1, Code: 400, Description: "Bad Request: file is too big"})
	fake.UserSendsDocument(5005, "Zoe", "video.mp4", "video/mp4", "", []byte("big"))
	wait(2)
	cancel()
	<-done
	first, second := got[0].Message, got[1].Message
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
