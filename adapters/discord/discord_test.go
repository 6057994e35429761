package discord_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldchat/herald/adapters/adaptertest"
	"github.com/heraldchat/herald/adapters/discord"
	"github.com/heraldchat/herald/adapters/discord/discordfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/csvfile"
	"github.com/heraldchat/herald/engine/enginetest"
	"github.com/heraldchat/herald/store"
)

const token = "discord-test-token"

func start(t *testing.T) (*discordfake.Server, *discord.Adapter) {
	t.Helper()
	fake, err := discordfake.Start(token)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	a, err := discord.New(context.Background(), discord.Config{Token: token, APIURL: "http://" + fake.Addr(), HTTPClient: &http.Client{Timeout: 5 * time.Second}, Channel: "4444"})
	if err != nil {
		t.Fatal(err)
	}
	return fake, a
}

func user(id string) bot.Address { return bot.Address{Platform: bot.PlatformDiscord, ID: id} }

func TestConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) *adaptertest.Harness {
		fake, a := start(t)
		fake.Unlimited = true // the suite sends in a row; the limits have their own test
		fake.AddUser("111", true)
		fake.AddUser("222", false)
		return &adaptertest.Harness{
			Messenger:   a,
			Participant: user("111"),
			Received: func(to bot.Address) []string {
				var out []string
				for _, m := range fake.Messages() {
					if m.ChannelID == fake.DMChannel(to.ID) {
						out = append(out, m.Content+"\n"+m.Embeds+"\n"+m.Components)
					}
				}
				return out
			},
			Refused: user("222"), // DMs closed
			RateLimit: func(d time.Duration) {
				fake.Inject(discordfake.Fault{Route: "POST /channels/{id}/messages", N: 1, Status: 429, RetryAfter: d.Seconds()})
			},
			ServerError: func() {
				fake.Inject(discordfake.Fault{Route: "POST /channels/{id}/messages", N: 1, Status: 502, Message: "Bad Gateway"})
			},
			Channel: bot.Address{Platform: bot.PlatformDiscord, ID: "4444"},
			ThreadReceived: func(th bot.ThreadRef) []string {
				var out []string
				for _, m := range fake.Messages() {
					if m.ChannelID == th.ID {
						out = append(out, m.Content+"\n"+m.Embeds)
					}
				}
				return out
			},
			FilesReceived: func() []string {
				var out []string
				for _, m := range fake.Messages() {
					for name := range m.Files {
						out = append(out, name)
					}
				}
				return out
			},
		}
	})
}

// TestErrorsSayWhy: DMs closed fail at send, an unknown user at open, a
// wrong token at start, each in words.
func TestErrorsSayWhy(t *testing.T) {
	fake, a := start(t)
	fake.AddUser("222", false)
	ctx := context.Background()
	_, err := a.Send(ctx, user("222"), bot.Message{Text: "hi"})
	if bot.ErrorCode(err) != bot.EFORBIDDEN || bot.ErrorStep(err) != bot.StepSend || !strings.Contains(err.Error(), "closed their DMs") {
		t.Fatalf("DMs closed: %v", err)
	}
	_, err = a.Send(ctx, user("333"), bot.Message{Text: "hi"})
	if bot.ErrorCode(err) != bot.ENOTFOUND || bot.ErrorStep(err) != bot.StepOpen {
		t.Fatalf("an unknown user: %v (%s, %s)", err, bot.ErrorCode(err), bot.ErrorStep(err))
	}
	_, err = discord.New(ctx, discord.Config{Token: "wrong", APIURL: "http://" + fake.Addr()})
	if err == nil || !strings.Contains(err.Error(), "discord.token") || strings.Contains(err.Error(), "wrong") {
		t.Fatalf("a wrong token: %v", err)
	}
}

// TestSendOnceIsRefusedTwice: a message sent again with the same key (a
// sending resent after a crash) is not posted twice: Discord's enforced
// nonce returns the first message. Files go with the key too.
func TestSendOnceIsRefusedTwice(t *testing.T) {
	fake, a := start(t)
	fake.AddUser("222", true)
	ctx := context.Background()
	msg := bot.Message{Kind: bot.KindCard, Title: "Hello", Text: "Welcome aboard", Buttons: []bot.Button{{Label: "Site", Action: bot.Action{Kind: bot.ActionLink, URL: "https://example.org"}}}}
	first, already, err := a.SendOnce(ctx, user("222"), msg, "h1.a")
	if err != nil || already {
		t.Fatalf("first: %v, already %v", err, already)
	}
	again, _, err := a.SendOnce(ctx, user("222"), msg, "h1.a")
	if err != nil || again.ID != first.ID {
		t.Fatalf("again: %v, %q vs %q", err, again.ID, first.ID)
	}
	if _, _, err := a.SendOnce(ctx, user("222"), msg, "h1.b"); err != nil {
		t.Fatal(err)
	}
	withFile := bot.Message{Text: "your report", Files: []bot.File{{Name: "r.csv", Data: []byte("a,b\n")}}}
	for range 2 {
		if _, _, err := a.SendOnce(ctx, user("222"), withFile, "h1.c"); err != nil {
			t.Fatal(err)
		}
	}
	got := fake.Messages()
	if len(got) != 3 {
		t.Fatalf("%d messages posted, want 3: %+v", len(got), got)
	}
	if !strings.Contains(got[0].Embeds, "Welcome aboard") || got[0].Nonce != "h1.a" || got[2].Files["r.csv"] == nil {
		t.Fatalf("messages = %+v", got)
	}
	if _, _, err := a.SendOnce(ctx, user("333"), msg, "h1.d"); bot.ErrorStep(err) != bot.StepOpen {
		t.Fatalf("an unknown user: %v", err)
	}
}

// TestRender: kinds, markup, buttons.
func TestRender(t *testing.T) {
	m := discord.Render(bot.Message{Kind: bot.KindCard, Title: "Welcome", Text: "Hello *Ana*",
		Fields:  []bot.Field{{Label: "Room", Value: "B12", Short: true}},
		Buttons: []bot.Button{{Label: "Open", Action: bot.Action{Kind: bot.ActionLink, URL: "https://example.org"}}, {Label: "Yes", Action: bot.Action{Kind: bot.ActionReply, Value: "yes"}}}})
	if len(m.Embeds) != 1 || m.Embeds[0].Title != "Welcome" || m.Embeds[0].Description != "Hello **Ana**" || m.Embeds[0].Fields[0].Name != "Room" || len(m.Components) != 1 {
		t.Fatalf("card: %+v", m)
	}
	if p := discord.Render(bot.Message{Text: "@everyone look"}); p.AllowedMentions == nil || p.AllowedMentions.Parse == nil || len(p.AllowedMentions.Parse) != 0 {
		t.Errorf("a message may ping: %+v", p.AllowedMentions)
	}
	if p := discord.Render(bot.Message{Text: "plain *bold* and a*b"}); p.Content != "plain **bold** and a*b" || len(p.Embeds) != 0 {
		t.Fatalf("plain: %+v", p)
	}
}

// An NPS question's eleven buttons go in rows of five, as Discord takes
// them: the fake refuses a row of more, and takes these.
func TestElevenButtonsInRowsOfFive(t *testing.T) {
	var m bot.Message
	m.Text = "How likely are you to recommend us?"
	for n := range 11 {
		m.Buttons = append(m.Buttons, bot.Button{Label: fmt.Sprint(n), Action: bot.Action{Kind: bot.ActionReply, Value: fmt.Sprintf("sv:1:0:%d", n)}})
	}
	r := discord.Render(m)
	if len(r.Components) != 3 || len(r.Components[0].(discordgo.ActionsRow).Components) != 5 || len(r.Components[2].(discordgo.ActionsRow).Components) != 1 {
		t.Fatalf("rows: %+v", r.Components)
	}
	fake, a := start(t)
	fake.AddUser("9001", true)
	if _, err := a.Send(context.Background(), bot.Address{Platform: bot.PlatformDiscord, ID: "9001"}, m); err != nil {
		t.Fatalf("the fake refused the rows: %v", err)
	}
}

// TestCampaignWithinDiscordLimits runs a campaign through the engine to
// the fake, which enforces 50 requests a second and 5 messages per 5
// seconds per channel: everyone reachable gets the message once, a user
// with closed DMs and an unknown one fail with their reason and step, and
// the fake never answers 429.
func TestCampaignWithinDiscordLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("paced at herald's Discord rate; skipped with -short")
	}
	ctx := context.Background()
	fake, a := start(t)
	var file strings.Builder
	file.WriteString("discord_id,first_name\n")
	for i := range 30 {
		id := fmt.Sprint(8000 + i)
		switch i {
		case 3: // unknown
		case 7:
			fake.AddUser(id, false)
		default:
			fake.AddUser(id, true)
		}
		fmt.Fprintf(&file, "%s,P%d\n", id, i)
	}
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
	if counts.Sent != 28 || counts.Failed != 2 || len(fake.Messages()) != 28 || fake.Rejected() != 0 {
		t.Fatalf("counts %+v, %d at the fake, %d 429s", counts, len(fake.Messages()), fake.Rejected())
	}
	ss, _ := db.Sendings(ctx, id, 0, 0)
	for _, s := range ss {
		switch s.Key {
		case "8003":
			if s.Step != bot.StepOpen || !strings.Contains(s.Error, "no such Discord user") {
				t.Errorf("8003: %s %q", s.Step, s.Error)
			}
		case "8007":
			if s.Step != bot.StepSend || !strings.Contains(s.Error, "closed their DMs") {
				t.Errorf("8007: %s %q", s.Step, s.Error)
			}
		}
	}
}

// TestParticipantsWrite: DMs arriving over the gateway reach the handler,
// with attachments named.
func TestParticipantsWrite(t *testing.T) {
	fake, a := start(t)
	r := &bottest.Runner{}
	a.Handler = r
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	// The gateway connects before anything arrives.
	for deadline := time.Now().Add(10 * time.Second); fake.Gateways() == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	// Several DMs in a row reach the handler in the order written.
	for i := range 20 {
		fake.UserWrites("4242", "Zoe", fmt.Sprintf("line %02d", i))
	}
	fake.UserWrites("4242", "Zoe", "Is it recorded?")
	deadline := time.Now().Add(10 * time.Second)
	var got []bot.Inbound
	for {
		got = r.InboundOf(bot.InboundParticipantMessage)
		if len(got) == 21 {
			for i, in := range got[:20] {
				if in.Text != fmt.Sprintf("line %02d", i) {
					t.Fatalf("DM %d arrived as %q: out of order", i, in.Text)
				}
			}
			got = got[20:]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the DM did not arrive (gateways: %d)", fake.Gateways())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if in := got[0]; in.From.Address != user("4242") || in.From.Name != "Zoe" || in.Text != "Is it recorded?" || in.ID == "" {
		t.Fatalf("received %+v", in)
	}
}

// TestSlashCommandsAndButtons: /herald is registered with a subcommand per
// verb; /herald campaign args:"new X" runs "campaign new X"; the card's
// button runs its signed command and the card is edited in place; a button
// from before a restart says so; a role makes a moderator.
func TestSlashCommandsAndButtons(t *testing.T) {
	fake, err := discordfake.Start(token)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.Unlimited = true
	a, err := discord.New(context.Background(), discord.Config{Token: token, APIURL: "http://" + fake.Addr(), ApplicationID: "123", GuildID: "777"})
	if err != nil {
		t.Fatal(err)
	}
	r := &bottest.Runner{Reply: cardReply}
	a.Handler, a.Verbs = r, []string{"help", "campaign"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() { cancel(); <-done }()
	until := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("gave up waiting for %s: %+v", what, fake.Messages())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	until("the registration", func() bool { return strings.Contains(fake.Commands("777"), `"name":"campaign"`) })
	fake.Slash("777", "555", "55", "campaign", "new Welcome week")
	var card discordfake.Message
	until("the answer", func() bool {
		for _, m := range fake.Messages() {
			if m.ChannelID == "555" && strings.Contains(m.Embeds, "ran campaign new Welcome week") {
				card = m
				return true
			}
		}
		return false
	})
	if req := r.Requests()[0]; req.Actor.Address != user("55") || req.Text != "campaign new Welcome week" {
		t.Fatalf("the command ran as %+v", req)
	}
	var rows []struct {
		Components []struct {
			CustomID string `json:"custom_id"`
		} `json:"components"`
	}
	json.Unmarshal([]byte(card.Components), &rows)
	if len(rows) != 1 || !strings.HasPrefix(rows[0].Components[0].CustomID, "c:") || len(rows[0].Components[0].CustomID) > 100 {
		t.Fatalf("the card's buttons: %s", card.Components)
	}
	fake.Click("777", "555", card.ID, "55", rows[0].Components[0].CustomID)
	until("the card edited", func() bool {
		for _, m := range fake.Messages() {
			if m.ID == card.ID && m.Edited == 1 && strings.Contains(m.Embeds, "signed-pause-") {
				return true
			}
		}
		return false
	})
	// A button from before a restart: the handler gets it with no value
	// (it says so to the moderator), and its answer shows to them alone.
	fake.Click("777", "555", card.ID, "55", "c:0123456789abcdef")
	until("the expired button's answer", func() bool {
		for _, m := range fake.Messages() {
			if m.Ephemeral && strings.Contains(m.Content+m.Embeds, `"#1 ran "`) {
				return true
			}
		}
		return false
	})
	// A follow-up refused with 429 is sent again once Discord allows, not
	// dropped.
	ephemeral := func() int {
		n := 0
		for _, m := range fake.Messages() {
			if m.Ephemeral && strings.Contains(m.Content+m.Embeds, `"#1 ran "`) {
				n++
			}
		}
		return n
	}
	before := ephemeral()
	fake.Inject(discordfake.Fault{Route: "POST /webhooks/{id}/{token}", N: 1, Status: 429, RetryAfter: 0.05})
	fake.Click("777", "555", card.ID, "55", "c:0123456789abcdef")
	until("the follow-up after a 429", func() bool { return ephemeral() == before+1 })
	// Roles are looked up for someone the adapter has not seen (those an
	// interaction carries are kept a minute).
	fake.Member("57", "R1")
	for role, want := range map[string]bool{"R1": true, "R2": false} {
		if got, err := a.IsMember(context.Background(), user("57"), role); err != nil || got != want {
			t.Errorf("role %s: %v %v", role, got, err)
		}
	}
	if got, err := a.IsMember(context.Background(), user("66"), "R1"); err != nil || got {
		t.Errorf("someone not in the guild: %v %v", got, err)
	}
}

// TestInteractionsEndpoint: requests without a valid Ed25519 signature are
// refused with 401; a PING is answered; a signed /herald runs and its
// answer is the HTTP response.
func TestInteractionsEndpoint(t *testing.T) {
	_, a := start(t)
	r := &bottest.Runner{Reply: cardReply}
	a.Handler = r
	pub, priv, _ := ed25519.GenerateKey(nil)
	srv := httptest.NewServer(a.Interactions(pub))
	defer srv.Close()
	post := func(body string, sign func(ts, body string) string) (int, string) {
		t.Helper()
		ts := fmt.Sprint(time.Now().Unix())
		req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
		if sign != nil {
			req.Header.Set("X-Signature-Timestamp", ts)
			req.Header.Set("X-Signature-Ed25519", sign(ts, body))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	good := func(ts, body string) string { return hex.EncodeToString(ed25519.Sign(priv, []byte(ts+body))) }
	_, other, _ := ed25519.GenerateKey(nil)
	forged := func(ts, body string) string { return hex.EncodeToString(ed25519.Sign(other, []byte(ts+body))) }
	ping := `{"id":"1","application_id":"123","type":1,"token":"t","version":1}`
	for name, sign := range map[string]func(string, string) string{"unsigned": nil, "forged": forged,
		"tampered": func(ts, body string) string { return good(ts, body+" ") }} {
		if code, _ := post(ping, sign); code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	if code, body := post(ping, good); code != 200 || !strings.Contains(body, `"type":1`) {
		t.Fatalf("ping: %d %s", code, body)
	}
	slash := `{"id":"2","application_id":"123","type":2,"token":"t2","version":1,"channel_id":"555","guild_id":"777",
		"member":{"user":{"id":"55","username":"mo"},"roles":[]},
		"data":{"id":"5001","name":"herald","type":1,"options":[{"name":"campaign","type":1,"options":[{"name":"args","type":3,"value":"new Via HTTP"}]}]}}`
	code, body := post(slash, good)
	if code != 200 || !strings.Contains(body, `"type":4`) || !strings.Contains(body, "ran campaign new Via HTTP") {
		t.Fatalf("slash: %d %s", code, body)
	}
	if reqs := r.Requests(); len(reqs) != 1 || reqs[0].Actor.Address != user("55") {
		t.Fatalf("ran %+v", reqs)
	}
	// The same signed interaction posted again, or one signed long ago,
	// is refused and runs nothing.
	if code, _ := post(slash, good); code != http.StatusUnauthorized {
		t.Errorf("a replayed interaction: %d, want 401", code)
	}
	old := strings.Replace(slash, `"id":"2"`, `"id":"3"`, 1)
	stale := func(_, body string) string { return good("978307200", body) } // 2001
	req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(old))
	req.Header.Set("X-Signature-Timestamp", "978307200")
	req.Header.Set("X-Signature-Ed25519", stale("", old))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("an interaction signed in 2001: %v %v, want 401", resp.StatusCode, err)
	}
	if reqs := r.Requests(); len(reqs) != 1 {
		t.Fatalf("a replay ran a command: %+v", reqs)
	}
}

// cardReply answers every command with a campaign card carrying a command
// button whose signed value is longer than the platform's button data.
func cardReply(req bottest.Request) bot.CommandReply {
	return bot.CommandReply{Messages: []bot.Message{{Kind: bot.KindCard, Title: "#1 ran " + req.Text + req.Signed, Campaign: 1,
		Buttons: []bot.Button{{Label: "Pause", Style: "danger", Action: bot.Action{Kind: bot.ActionCommand, Value: "signed-pause-" + strings.Repeat("x", 120)}}}}}}
}

// TestInboundConformance drives the inbound half through the gateway:
// moderators write in public threads of the moderators' channel.
func TestInboundConformance(t *testing.T) {
	adaptertest.RunInbound(t, func(t *testing.T) *adaptertest.InboundHarness {
		fake, a := start(t)
		fake.Unlimited = true
		db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return &adaptertest.InboundHarness{
			Surface: a, Channel: bot.Address{Platform: bot.PlatformDiscord, ID: "4444"}, Store: db,
			Moderator: user("55"),
			Serve: func(h bot.InboundHandler) {
				a.Handler = h
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() { done <- a.Run(ctx) }()
				t.Cleanup(func() { cancel(); <-done })
				deadline := time.Now().Add(10 * time.Second)
				for fake.Gateways() == 0 && time.Now().Before(deadline) {
					time.Sleep(5 * time.Millisecond)
				}
			},
			Language: func(th *threads.Service, auth *moderators.Set) bot.InboundHandler {
				clock := clock.System()
				deps := commands.Deps{Conversations: th, Snippets: db, Clock: clock,
					Campaigns: &campaigns.Service{Store: db, Clock: clock}, Lists: &lists.Service{Store: db}}
				return commands.NewInbound(commands.New(deps, commands.NewText(commands.LocaleEnglish), auth, nil, nil), th)
			},
			Write: func(th bot.ThreadRef, text string) { fake.MemberWrites("777", th.ID, "55", text) },
			Shown: func(th bot.ThreadRef) []string {
				var out []string
				for _, m := range fake.Messages() {
					if m.ChannelID == th.ID {
						out = append(out, m.Content+"\n"+m.Embeds)
					}
				}
				return out
			},
		}
	})
}

// TestDMsWrittenWhileAwayAreReadBack: the gateway never delivers what
// participants wrote while herald was not connected; at the next
// connection herald reads each DM back from the last message it handled,
// in order, before the DMs arriving live.
func TestDMsWrittenWhileAwayAreReadBack(t *testing.T) {
	fake, err := discordfake.Start(token)
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := &bottest.Runner{}
	connect := func() (stop func()) {
		a, err := discord.New(context.Background(), discord.Config{Token: token, APIURL: "http://" + fake.Addr(), HTTPClient: &http.Client{Timeout: 5 * time.Second}, Cursors: db})
		if err != nil {
			t.Fatal(err)
		}
		a.Handler = r
		before := fake.Gateways()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		for deadline := time.Now().Add(10 * time.Second); fake.Gateways() == before && time.Now().Before(deadline); {
			time.Sleep(10 * time.Millisecond)
		}
		return func() { cancel(); <-done }
	}
	texts := func(n int) []string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			var out []string
			for _, in := range r.InboundOf(bot.InboundParticipantMessage) {
				out = append(out, in.Text)
			}
			if len(out) >= n || time.Now().After(deadline) {
				return out
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	stop := connect()
	fake.UserWrites("4242", "Zoe", "one")
	texts(1)
	stop()
	// herald is down: Zoe goes on writing.
	for _, text := range []string{"two", "three", "four"} {
		fake.UserWritesWhileAway("4242", "Zoe", text)
	}
	stop = connect()
	defer stop()
	fake.UserWrites("4242", "Zoe", "five")
	if got := strings.Join(texts(5), ","); got != "one,two,three,four,five" {
		t.Fatalf("the handler got %s", got)
	}
}

// TestTrackedLinksAreNotPreviewed: a message whose links go through
// herald is sent with SUPPRESS_EMBEDS (Discord would preview herald's
// address); herald's own embed keeps showing (its links are not
// previewed anyway), and an untracked message is left alone.
func TestTrackedLinksAreNotPreviewed(t *testing.T) {
	fake, a := start(t)
	fake.AddUser("9002", true)
	to := bot.Address{Platform: bot.PlatformDiscord, ID: "9002"}
	tracked := &bot.Tracking{Campaign: 1, Sending: 1, Links: true}
	for _, m := range []bot.Message{
		{Text: "Read [the plan](https://herald.test/l/abc)", Tracking: tracked},
		{Kind: bot.KindCard, Title: "Launch", Text: "Read [the plan](https://herald.test/l/abc)", Tracking: tracked},
		{Text: "Read [the plan](https://example.org/plan)"},
	} {
		if _, err := a.Send(context.Background(), to, m); err != nil {
			t.Fatal(err)
		}
	}
	// A bare address herald tracks shows as its link: Discord shows no
	// masked link whose label is an address.
	if c := discord.Render(bot.Message{Text: "See [https://example.org/faq](https://herald.test/l/abc)."}).Content; c != "See https://herald.test/l/abc." {
		t.Fatalf("a tracked bare address: %q", c)
	}
	got := fake.Messages()
	if len(got) != 3 || !got[0].NoEmbeds || got[1].NoEmbeds || got[1].Embeds == "" || got[2].NoEmbeds {
		t.Fatalf("flags: %+v", got)
	}
}
