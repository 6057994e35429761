package slack_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/adaptertest"
	hslack "github.com/heraldchat/herald/adapters/slack"
	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/status"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/store"
	"go.yaml.in/yaml/v3"
)

const (
	botToken = "xoxb-test-token"
	secret   = "signing-secret-123"
)

var now = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

type rig struct {
	t       *testing.T
	fake    *slackfake.Server
	adapter *hslack.Adapter
	srv     *httptest.Server
	runner  *bottest.Runner
	clock   *bottest.Clock
	board   *status.Board
}

func newRig(t *testing.T) *rig {
	t.Helper()
	fake, err := slackfake.Start(botToken)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.Join("CMODS")
	fake.AddUser(slackfake.User{ID: "UANA", Name: "Ana", Email: "Ana@Example.org", Active: true})
	fake.AddUser(slackfake.User{ID: "UMOD", Name: "Mo", Email: "mo@example.org"})
	clock := bottest.NewClock(now)
	board := &status.Board{Clock: clock}
	a, err := hslack.New(context.Background(), hslack.Config{BotToken: botToken, SigningSecret: secret, APIURL: fake.URL(), Channel: "CMODS", Clock: clock, Board: board})
	if err != nil {
		t.Fatal(err)
	}
	r := &bottest.Runner{}
	a.Handler = r
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &rig{t: t, fake: fake, adapter: a, srv: srv, runner: r, clock: clock, board: board}
}

// post sends a request to herald signed as Slack signs it (ts offset from
// the fake clock), and returns the status.
func (g *rig) post(path, contentType, body string, tsOffset time.Duration, sig string) int {
	g.t.Helper()
	ts := g.clock.Now().Add(tsOffset).Unix()
	if sig == "" {
		sig = slackfake.Sign(secret, ts, body)
	}
	req, _ := http.NewRequest(http.MethodPost, g.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("X-Slack-Request-Timestamp", fmt.Sprint(ts))
	req.Header.Set("X-Slack-Signature", sig)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	resp.Body.Close()
	g.adapter.Wait()
	return resp.StatusCode
}

func (g *rig) command(user, text string) int {
	form := url.Values{"command": {"/herald"}, "text": {text}, "user_id": {user}, "user_name": {"mo"}, "channel_id": {"CMODS"}}
	return g.post("/slack/commands", "application/x-www-form-urlencoded", form.Encode(), 0, "")
}

func TestEveryRequestIsVerified(t *testing.T) {
	g := newRig(t)
	body := url.Values{"text": {"help"}, "user_id": {"UMOD"}, "channel_id": {"CMODS"}}.Encode()
	for name, code := range map[string]int{
		"no signature":    g.post("/slack/commands", "application/x-www-form-urlencoded", body, 0, "v0=00"),
		"wrong secret":    g.post("/slack/commands", "application/x-www-form-urlencoded", body, 0, slackfake.Sign("other", now.Unix(), body)),
		"six minutes old": g.post("/slack/commands", "application/x-www-form-urlencoded", body, -6*time.Minute, ""),
		"from the future": g.post("/slack/events", "application/json", `{"type":"url_verification","challenge":"x"}`, 6*time.Minute, ""),
		"interactions":    g.post("/slack/interactions", "application/x-www-form-urlencoded", "payload={}", 0, "v0=bad"),
	} {
		if code != http.StatusUnauthorized {
			t.Errorf("%s: %d, want 401", name, code)
		}
	}
	if len(g.runner.Requests()) != 0 {
		t.Fatal("a refused request ran a command")
	}
	if code := g.command("UMOD", "help"); code != http.StatusOK {
		t.Fatalf("a signed command: %d", code)
	}
	reqs := g.runner.Requests()
	if len(reqs) != 1 || reqs[0].Text != "help" || reqs[0].Actor.Address != (bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}) {
		t.Fatalf("ran %+v", reqs)
	}
	msgs := g.fake.Messages()
	if len(msgs) != 1 || !msgs[0].Ephemeral || msgs[0].User != "UMOD" || !strings.Contains(msgs[0].Blocks, "ran help") {
		t.Fatalf("the private answer: %+v", msgs)
	}
}

func TestErrorsSayWhatToFix(t *testing.T) {
	ctx := context.Background()
	g := newRig(t)
	_, err := g.adapter.Send(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "CGENERAL"}, bot.Message{Text: "hi"})
	if bot.ErrorCode(err) != bot.EFORBIDDEN || !strings.Contains(err.Error(), "/invite @herald") {
		t.Fatalf("not_in_channel: %v", err)
	}
	for _, tc := range []struct {
		fault slackfake.Fault
		code  string
		want  string
	}{
		{slackfake.Fault{Method: "chat.postMessage", N: 1, Error: "missing_scope", Needed: "chat:write.public"}, bot.EFORBIDDEN, "add the chat:write.public scope"},
		{slackfake.Fault{Method: "chat.postMessage", N: 1, Error: "account_inactive"}, bot.EFORBIDDEN, "reinstall herald"},
		{slackfake.Fault{Method: "chat.postMessage", N: 1, Error: "invalid_auth"}, bot.EFORBIDDEN, "check slack.bot_token"},
		{slackfake.Fault{Method: "chat.postMessage", N: 1, Error: "channel_not_found"}, bot.ENOTFOUND, "invite @herald"},
		{slackfake.Fault{Method: "chat.postMessage", N: 1, Status: 503}, bot.EUNAVAILABLE, "did not answer"},
	} {
		g.fake.Inject(tc.fault)
		_, err := g.adapter.Send(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}, bot.Message{Text: "hi"})
		if bot.ErrorCode(err) != tc.code || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v (%s)", tc.fault, err, bot.ErrorCode(err))
		}
	}
	g.fake.Inject(slackfake.Fault{Method: "chat.postMessage", N: 1, Status: 429, RetryAfter: 4})
	_, err = g.adapter.Send(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}, bot.Message{Text: "hi"})
	if d, ok := bot.ErrorRetryAfter(err); !ok || d != 4*time.Second {
		t.Fatalf("ratelimited: %v", err)
	}
	if st := g.board.Status(); len(st.Errors) < 4 {
		t.Fatalf("the status board holds %d errors: %+v", len(st.Errors), st.Errors)
	}
}

func TestSlackAbilities(t *testing.T) {
	ctx := context.Background()
	g := newRig(t)
	// A campaign's workers look up at once: one users.list sweep serves
	// them all (it is Tier 2, about 20 a minute).
	var wg sync.WaitGroup
	for range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := g.adapter.ResolveEmail(ctx, "ana@example.ORG")
			if err != nil || a.ID != "UANA" {
				t.Errorf("resolve: %v %v", a, err)
			}
		}()
	}
	wg.Wait()
	if _, err := g.adapter.ResolveEmail(ctx, "nobody@example.org"); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("unknown email: %v", err)
	}
	if n := g.fake.Calls("users.list"); n != 1 {
		t.Fatalf("users.list called %d times for 31 lookups", n)
	}
	if p, _ := g.adapter.Presence(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}); p != bot.PresenceActive {
		t.Fatalf("presence = %q", p)
	}
	ref, err := g.adapter.Send(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, bot.Message{Kind: bot.KindCard, Title: "#1 Hi", Text: "*bold* <tag> [doc](https://x.org)",
		Buttons: []bot.Button{{Label: "Pause", Action: bot.Action{Kind: bot.ActionCommand, Value: "signed.value"}}}})
	if err != nil {
		t.Fatal(err)
	}
	blocks := g.fake.Messages()[0].Blocks
	for _, want := range []string{`"type":"header"`, `*bold* \u0026lt;tag\u0026gt; \u003chttps://x.org|doc\u003e`, `"value":"signed.value"`, `"action_id":"herald-command-0"`} {
		if !strings.Contains(blocks, want) {
			t.Errorf("blocks lack %s:\n%s", want, blocks)
		}
	}
	if err := g.adapter.EditMessage(ctx, ref, bot.Message{Text: "edited"}); err != nil || g.fake.Messages()[0].Updated != 1 {
		t.Fatalf("edit: %v", err)
	}
	if _, err := g.adapter.UploadFile(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, bot.File{Name: "report.csv", Data: []byte("a,b\n")}, "Report"); err != nil {
		t.Fatal(err)
	}
	if f := g.fake.Files(); len(f) != 1 || f[0] != "report.csv" {
		t.Fatalf("files = %v", f)
	}
	g.fake.AddGroup("SMODS", "UMOD")
	if ok, _ := g.adapter.IsMember(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, "SMODS"); !ok {
		t.Fatal("a member of the user group is not one")
	}
	if ok, _ := g.adapter.IsMember(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}, "SMODS"); ok {
		t.Fatal("Ana is in the group")
	}
}

func TestButtonsAndThreads(t *testing.T) {
	g := newRig(t)
	g.fake.Unlimited = true // this test is about routing, not pace
	event := func(id, user, channel, channelType, ts, threadTS, text string, extra string) int {
		body := fmt.Sprintf(`{"type":"event_callback","event_id":%q,"event":{"type":"message","user":%q,"channel":%q,"channel_type":%q,"ts":%q,"thread_ts":%q,"text":%q%s}}`,
			id, user, channel, channelType, ts, threadTS, text, extra)
		code := g.post("/slack/events", "application/json", body, 0, "")
		g.adapter.Wait()
		return code
	}
	// A participant writes in a DM; the same signed request posted again
	// (a replay, not one of Slack's retries) does nothing. The message
	// goes to the handler with its id, by which the intake keeps Slack's
	// own retries once.
	event("Ev1", "UANA", "DANA", "im", "1.1", "", "Hello, a question", "")
	event("Ev1", "UANA", "DANA", "im", "1.1", "", "Hello, a question", "")
	if in := g.runner.InboundOf(bot.InboundParticipantMessage); len(in) != 1 || in[0].From.Address.ID != "UANA" || in[0].Text != "Hello, a question" || in[0].ID == "" {
		t.Fatalf("the participant's message was handed over as %+v", in)
	}
	// Moderators in a thread of the moderators' channel: what they write
	// goes to the handler as typed, and its answer shows in the thread,
	// to them alone when private.
	g.runner.Answer = func(in bot.Inbound) bot.InboundReply {
		return bot.InboundReply{Replies: []bot.CommandReply{{Private: true, Messages: []bot.Message{{Text: "answer to " + in.Text}}}}}
	}
	event("Ev2", "UMOD", "CMODS", "channel", "2.1", "1.0", "note she is a VIP", "")
	event("Ev3", "UMOD", "CMODS", "channel", "2.2", "1.0", "close in 2h bye", "")
	got := g.runner.InboundOf(bot.InboundThreadMessage)
	thread := bot.ThreadRef{Channel: bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, ID: "1.0"}
	if len(got) != 2 || got[0].Text != "note she is a VIP" || got[1].Text != "close in 2h bye" || got[1].Thread != thread || got[1].From.Address.ID != "UMOD" {
		t.Fatalf("thread messages: %+v", got)
	}
	msgs := g.fake.Messages()
	if last := msgs[len(msgs)-1]; !last.Ephemeral || last.User != "UMOD" || last.ThreadTS != "1.0" || !strings.Contains(last.Blocks, "answer to close in 2h bye") {
		t.Fatalf("the answer went %+v", last)
	}
	// A reply also sent to the channel ("Also send to #channel") is a
	// reply like any other.
	event("Ev3b", "UMOD", "CMODS", "channel", "2.21", "1.0", "see you soon", `,"subtype":"thread_broadcast"`)
	if got := g.runner.InboundOf(bot.InboundThreadMessage); len(got) != 3 || got[2].Text != "see you soon" || got[2].Thread != thread {
		t.Fatalf("a thread_broadcast reply: %+v", got)
	}
	// Elsewhere in the channel (not in a thread), nothing is handed over.
	event("Ev4", "UMOD", "CMODS", "channel", "2.3", "", "hello all", "")
	if n := len(g.runner.InboundOf(bot.InboundThreadMessage)); n != 3 {
		t.Fatalf("a channel message went to the handler")
	}
	g.runner.Answer = nil
	// herald's own messages and bots are ignored.
	before := len(g.runner.Inbound())
	event("Ev5", "UBOT", "CMODS", "channel", "2.4", "1.0", "echo", "")
	event("Ev6", "UMOD", "CMODS", "channel", "2.5", "1.0", "from a bot", `,"bot_id":"B9"`)
	if len(g.runner.Inbound()) != before {
		t.Fatal("herald answered itself")
	}

	// A pressed button runs its signed command; the new card replaces the pressed one.
	card, err := g.adapter.Send(context.Background(), bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, bot.Message{Kind: bot.KindCard, Title: "#1 Old", Text: "running"})
	if err != nil {
		t.Fatal(err)
	}
	g.runner.Reply = func(bottest.Request) bot.CommandReply {
		return bot.CommandReply{Messages: []bot.Message{{Kind: bot.KindSuccess, Text: "#1 paused."}, {Kind: bot.KindCard, Title: "#1 New", Text: "paused", Campaign: 1}}}
	}
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]string{"id": "UMOD", "username": "mo"},
		"channel": map[string]string{"id": "CMODS"}, "container": map[string]string{"message_ts": card.ID},
		"actions": []map[string]string{{"action_id": "herald-command-0", "value": "signed-pause"}}})
	if code := g.post("/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(payload)}}.Encode(), 0, ""); code != 200 {
		t.Fatalf("interaction: %d", code)
	}
	reqs := g.runner.Requests()
	if reqs[len(reqs)-1].Signed != "signed-pause" {
		t.Fatalf("the button ran %+v", reqs[len(reqs)-1])
	}
	for _, m := range g.fake.Messages() {
		if m.TS == card.ID && (m.Updated != 1 || !strings.Contains(m.Blocks, "#1 New")) {
			t.Fatalf("the card was not replaced: %+v", m)
		}
	}
}

// TestManifestMatchesTheHandlers checks that the app manifest points Slack
// at the endpoints herald mounts and asks for the scopes it uses.
func TestManifestMatchesTheHandlers(t *testing.T) {
	type manifest struct {
		Features struct {
			SlashCommands []struct {
				Command, URL string
			} `yaml:"slash_commands"`
		}
		OAuthConfig struct {
			Scopes struct{ Bot []string }
		} `yaml:"oauth_config"`
		Settings struct {
			EventSubscriptions struct {
				RequestURL string   `yaml:"request_url"`
				BotEvents  []string `yaml:"bot_events"`
			} `yaml:"event_subscriptions"`
			Interactivity struct {
				IsEnabled  bool   `yaml:"is_enabled"`
				RequestURL string `yaml:"request_url"`
			}
			SocketMode bool `yaml:"socket_mode_enabled"`
		}
	}
	read := func(name string) manifest {
		raw, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var m manifest
		if err := yaml.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(m.Features.SlashCommands) != 1 || m.Features.SlashCommands[0].Command != "/herald" || !m.Settings.Interactivity.IsEnabled {
			t.Errorf("%s: /herald and interactivity: %+v", name, m)
		}
		for _, want := range []string{"chat:write", "commands", "users:read.email", "files:write", "files:read", "im:history", "channels:history", "usergroups:read"} {
			if !slices.Contains(m.OAuthConfig.Scopes.Bot, want) {
				t.Errorf("%s lacks the %s scope", name, want)
			}
		}
		if !slices.Contains(m.Settings.EventSubscriptions.BotEvents, "message.im") {
			t.Errorf("%s lacks message.im", name)
		}
		return m
	}
	socket, http := read("manifest.yaml"), read("manifest-http.yaml")
	if !socket.Settings.SocketMode || socket.Settings.EventSubscriptions.RequestURL != "" || socket.Features.SlashCommands[0].URL != "" {
		t.Errorf("manifest.yaml is not a Socket Mode manifest: %+v", socket)
	}
	if http.Settings.SocketMode || !strings.HasSuffix(http.Features.SlashCommands[0].URL, "/slack/commands") ||
		!strings.HasSuffix(http.Settings.EventSubscriptions.RequestURL, "/slack/events") || !strings.HasSuffix(http.Settings.Interactivity.RequestURL, "/slack/interactions") {
		t.Errorf("manifest-http.yaml does not point at herald's endpoints: %+v", http)
	}
	if !slices.Equal(socket.OAuthConfig.Scopes.Bot, http.OAuthConfig.Scopes.Bot) {
		t.Error("the two manifests ask for different scopes")
	}
}

func TestConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) *adaptertest.Harness {
		g := newRig(t)
		g.fake.Unlimited = true
		return &adaptertest.Harness{
			Messenger:   g.adapter,
			Participant: bot.Address{Platform: bot.PlatformSlack, ID: "UANA"},
			Received: func(to bot.Address) []string {
				var out []string
				for _, m := range g.fake.Messages() {
					if m.Channel == to.ID && m.ThreadTS == "" {
						out = append(out, m.Text+"\n"+m.Blocks)
					}
				}
				return out
			},
			Refused: bot.Address{Platform: bot.PlatformSlack, ID: "UNOBODY"},
			RateLimit: func(d time.Duration) {
				g.fake.Inject(slackfake.Fault{Method: "chat.postMessage", N: 1, Status: 429, RetryAfter: int(d / time.Second)})
			},
			ServerError: func() { g.fake.Inject(slackfake.Fault{Method: "chat.postMessage", N: 1, Status: 503}) },
			Channel:     bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"},
			ThreadReceived: func(tr bot.ThreadRef) []string {
				var out []string
				for _, m := range g.fake.Messages() {
					if m.ThreadTS == tr.ID || m.TS == tr.ID {
						out = append(out, m.Blocks)
					}
				}
				return out
			},
			FilesReceived: g.fake.Files,
		}
	})
}

// TestSocketMode serves /herald, buttons and events over a Socket Mode
// connection: each envelope is acknowledged and handled as over HTTP.
func TestSocketMode(t *testing.T) {
	g := newRig(t)
	g.fake.AppToken = "xapp-test"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.adapter.RunSocket(ctx, "xapp-test") }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("RunSocket: %v", err)
		}
	}()
	id := g.fake.SendSocket("slash_commands", map[string]string{"command": "/herald", "text": "status", "user_id": "UMOD", "user_name": "mo", "channel_id": "CMODS"})
	waitFor(t, "the command's answer", func() bool {
		for _, m := range g.fake.Messages() {
			if strings.Contains(m.Blocks, "ran status") {
				return true
			}
		}
		return false
	})
	if !g.fake.Acked(id) {
		t.Fatal("the envelope was not acknowledged")
	}
	if reqs := g.runner.Requests(); len(reqs) != 1 || reqs[0].Actor.Address.ID != "UMOD" || reqs[0].Text != "status" {
		t.Fatalf("the command ran as %+v", reqs)
	}
	// A button pressed arrives as an interactive envelope.
	id = g.fake.SendSocket("interactive", map[string]any{"type": "block_actions", "user": map[string]string{"id": "UMOD", "username": "mo"},
		"channel": map[string]string{"id": "CMODS"}, "container": map[string]string{"message_ts": "9.9"},
		"actions": []map[string]string{{"action_id": "herald-command-0", "value": "signed-pause"}}})
	waitFor(t, "the button's command", func() bool {
		reqs := g.runner.Requests()
		return len(reqs) == 2 && reqs[1].Signed == "signed-pause" && g.fake.Acked(id)
	})
	waitFor(t, "the status board", func() bool {
		for _, p := range g.board.Status().Platforms {
			if p.Platform == bot.PlatformSlack && p.Connected && p.Detail == "Socket Mode" {
				return true
			}
		}
		return false
	})
}

// TestSocketModeBadToken reports a wrong app token instead of retrying in silence.
func TestSocketModeBadToken(t *testing.T) {
	g := newRig(t)
	g.fake.AppToken = "xapp-right"
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := g.adapter.RunSocket(ctx, "xapp-wrong")
	if err == nil || !strings.Contains(err.Error(), "slack.app_token") {
		t.Fatalf("RunSocket with a wrong token: %v", err)
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// onlyMo says UMOD is the one moderator.
type onlyMo struct{}

func (onlyMo) IsModerator(_ context.Context, a bot.Actor) (bool, error) {
	return a.Address.ID == "UMOD", nil
}

// TestSharedFiles: a CSV a moderator shares in a DM goes to the command
// language; a participant's file goes to their thread; a download that
// fails is said, never dropped.
func TestSharedFiles(t *testing.T) {
	g := newRig(t)
	g.fake.Unlimited = true
	g.adapter.Moderators = onlyMo{}
	share := func(id, user, channel string, f slackfake.SharedFile) {
		files, _ := json.Marshal([]slackfake.SharedFile{f})
		body := fmt.Sprintf(`{"type":"event_callback","event_id":%q,"event":{"type":"message","subtype":"file_share","user":%q,"channel":%q,"channel_type":"im","ts":"5.%s","text":"","files":%s}}`,
			id, user, channel, id, files)
		if code := g.post("/slack/events", "application/json", body, 0, ""); code != 200 {
			t.Fatalf("event: %d", code)
		}
		g.adapter.Wait()
	}
	share("E1", "UMOD", "DMOD", g.fake.ShareFile("spring.csv", "text/csv", []byte("email\nana@example.org\n")))
	if reqs := g.runner.Requests(); len(reqs) != 1 || reqs[0].Text != "file spring.csv: email\nana@example.org\n" {
		t.Fatalf("the moderator's file: %+v", reqs)
	}
	// The download fails: the moderator is told, the runner is not called.
	g.fake.Inject(slackfake.Fault{Method: "files.download", N: 1, Status: 502})
	share("E2", "UMOD", "DMOD", g.fake.ShareFile("autumn.csv", "text/csv", []byte("email\n")))
	if n := len(g.runner.Requests()); n != 1 {
		t.Fatalf("a file that failed to download reached the commands")
	}
	msgs := g.fake.Messages()
	if last := msgs[len(msgs)-1]; !last.Ephemeral || last.User != "UMOD" || !strings.Contains(last.Blocks, "cannot download autumn.csv") {
		t.Fatalf("the moderator was told %+v", last)
	}
	// A participant's file goes to the handler with their message.
	share("E3", "UANA", "DANA", g.fake.ShareFile("invoice.pdf", "application/pdf", []byte("%PDF-1.4")))
	in := g.runner.InboundOf(bot.InboundParticipantMessage)
	if len(in) != 1 || len(in[0].Files) != 1 || in[0].Files[0].Name != "invoice.pdf" || string(in[0].Files[0].Data) != "%PDF-1.4" {
		t.Fatalf("the participant's file: %+v", in)
	}
	// Without files:read Slack answers a sign-in page: that is said too.
	g.fake.Inject(slackfake.Fault{Method: "files.download", N: 1, Error: "sign_in"})
	share("E4", "UANA", "DANA", g.fake.ShareFile("photo.png", "image/png", []byte("png")))
	in = g.runner.InboundOf(bot.InboundParticipantMessage)
	if last := in[len(in)-1]; !strings.Contains(last.Text, "photo.png") || !strings.Contains(last.Text, "files:read") || len(last.Files) != 0 {
		t.Fatalf("a participant's file that failed to download: %+v", last)
	}
}

// moForms asks for the form of a bare "list import" or "campaign new"
// typed by UMOD, as the command language does for a moderator.
func moForms(in bot.Inbound) string {
	if in.From.Address.ID != "UMOD" {
		return ""
	}
	switch strings.Join(strings.Fields(in.Text), " ") {
	case "list import":
		return bot.FormListImport
	case "campaign new":
		return bot.FormCampaign
	case "nudge new":
		return bot.FormNudge
	case "recipe new":
		return bot.FormRecipe
	case "survey new":
		return bot.FormSurvey
	}
	return ""
}

// TestModals: the form the handler asks for opens (a bare "list import"
// or "campaign new" of a moderator), others get the command's own answer,
// a trigger Slack refuses runs the command as typed; a submitted import
// form goes to the handler with its fields and file.
func TestModals(t *testing.T) {
	g := newRig(t)
	g.fake.Unlimited = true
	g.runner.Forms = moForms
	command := func(user, text, trigger string) {
		form := url.Values{"command": {"/herald"}, "text": {text}, "user_id": {user}, "user_name": {"x"}, "channel_id": {"CMODS"}, "trigger_id": {trigger}}
		if code := g.post("/slack/commands", "application/x-www-form-urlencoded", form.Encode(), 0, ""); code != 200 {
			t.Fatalf("command: %d", code)
		}
		g.adapter.Wait()
	}
	command("UMOD", "list  import", g.fake.Trigger())
	if v := g.fake.Views(); len(v) != 1 || v[0].Body["callback_id"] != hslack.ImportModal || len(g.runner.Requests()) != 0 {
		t.Fatalf("views %+v, commands %+v", v, g.runner.Requests())
	}
	command("UANA", "list import", g.fake.Trigger())
	if v := g.fake.Views(); len(v) != 1 || len(g.runner.Requests()) != 1 {
		t.Fatal("a form opened for someone who is not a moderator")
	}
	command("UMOD", "campaign new", "expired")
	g.adapter.Wait()
	msgs := g.fake.Messages()
	if last := msgs[len(msgs)-1]; !strings.Contains(last.Blocks, "ran campaign new") {
		t.Fatalf("a refused trigger: %+v", last)
	}
	f := g.fake.ShareFile("spring.csv", "text/csv", []byte("email\nana@example.org\n"))
	payload, _ := json.Marshal(map[string]any{"type": "view_submission", "user": map[string]string{"id": "UMOD", "username": "mo"},
		"view": map[string]any{"callback_id": hslack.ImportModal, "private_metadata": "CMODS", "state": map[string]any{"values": map[string]any{
			"name": map[string]any{"name": map[string]any{"type": "plain_text_input", "value": " spring "}},
			"mode": map[string]any{"mode": map[string]any{"type": "static_select", "selected_option": map[string]string{"value": "replace"}}},
			"file": map[string]any{"file": map[string]any{"type": "file_input", "files": []any{f}}},
		}}}})
	if code := g.post("/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(payload)}}.Encode(), 0, ""); code != 200 {
		t.Fatalf("submission: %d", code)
	}
	reqs := g.runner.Requests()
	last := reqs[len(reqs)-1]
	if last.Text != "form list-import mode=replace name=spring" || len(last.Files) != 1 || string(last.Files[0].Data) != "email\nana@example.org\n" {
		t.Fatalf("the form ran %q with %d files", last.Text, len(last.Files))
	}
	// The nudge form opens on a bare "nudge new", and its submission
	// reaches the handler with its fields.
	command("UMOD", "nudge new", g.fake.Trigger())
	if v := g.fake.Views(); len(v) != 2 || v[1].Body["callback_id"] != hslack.NudgeModal {
		t.Fatalf("views %+v", v)
	}
	payload, _ = json.Marshal(map[string]any{"type": "view_submission", "user": map[string]string{"id": "UMOD", "username": "mo"},
		"view": map[string]any{"callback_id": hslack.NudgeModal, "private_metadata": "CMODS", "state": map[string]any{"values": map[string]any{
			"name": map[string]any{"name": map[string]any{"type": "plain_text_input", "value": "Reminder"}},
			"when": map[string]any{"when": map[string]any{"type": "plain_text_input", "value": "signed_up in 3 days"}},
			"text": map[string]any{"text": map[string]any{"type": "plain_text_input", "value": "Hi"}},
		}}}})
	if code := g.post("/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(payload)}}.Encode(), 0, ""); code != 200 {
		t.Fatalf("submission: %d", code)
	}
	reqs = g.runner.Requests()
	if last := reqs[len(reqs)-1]; last.Text != "form nudge hours= name=Reminder text=Hi tz= when=signed_up in 3 days" {
		t.Fatalf("the nudge form ran %q", last.Text)
	}
	// So does the recipe form.
	command("UMOD", "recipe new", g.fake.Trigger())
	if v := g.fake.Views(); len(v) != 3 || v[2].Body["callback_id"] != hslack.RecipeModal {
		t.Fatalf("views %+v", v)
	}
	payload, _ = json.Marshal(map[string]any{"type": "view_submission", "user": map[string]string{"id": "UMOD", "username": "mo"},
		"view": map[string]any{"callback_id": hslack.RecipeModal, "private_metadata": "CMODS", "state": map[string]any{"values": map[string]any{
			"name": map[string]any{"name": map[string]any{"type": "plain_text_input", "value": "Auto-close"}},
			"when": map[string]any{"when": map[string]any{"type": "plain_text_input", "value": "status pending"}},
			"do":   map[string]any{"do": map[string]any{"type": "plain_text_input", "value": "wait 30m; resolve"}},
		}}}})
	if code := g.post("/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(payload)}}.Encode(), 0, ""); code != 200 {
		t.Fatalf("submission: %d", code)
	}
	reqs = g.runner.Requests()
	if last := reqs[len(reqs)-1]; last.Text != "form recipe do=wait 30m; resolve hours= if= name=Auto-close when=status pending" {
		t.Fatalf("the recipe form ran %q", last.Text)
	}
	// And the survey form, its questions one per line.
	command("UMOD", "survey new", g.fake.Trigger())
	if v := g.fake.Views(); len(v) != 4 || v[3].Body["callback_id"] != hslack.SurveyModal {
		t.Fatalf("views %+v", v)
	}
	payload, _ = json.Marshal(map[string]any{"type": "view_submission", "user": map[string]string{"id": "UMOD", "username": "mo"},
		"view": map[string]any{"callback_id": hslack.SurveyModal, "private_metadata": "CMODS", "state": map[string]any{"values": map[string]any{
			"name":      map[string]any{"name": map[string]any{"type": "plain_text_input", "value": "Feedback"}},
			"text":      map[string]any{"text": map[string]any{"type": "plain_text_input", "value": "A few questions"}},
			"questions": map[string]any{"questions": map[string]any{"type": "plain_text_input", "value": "choice \"How was it?\" Great | OK\nnps \"Again?\""}},
			"platform":  map[string]any{"platform": map[string]any{"type": "static_select", "selected_option": map[string]string{"value": "slack"}}},
		}}}})
	if code := g.post("/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(payload)}}.Encode(), 0, ""); code != 200 {
		t.Fatalf("submission: %d", code)
	}
	reqs = g.runner.Requests()
	if last := reqs[len(reqs)-1]; last.Text != "form survey list= name=Feedback platform=slack questions=choice \"How was it?\" Great | OK\nnps \"Again?\" text=A few questions thanks=" {
		t.Fatalf("the survey form ran %q", last.Text)
	}
}

// previewer personalises with a one-recipient list "spring".
type previewer struct{}

func (previewer) Preview(_ context.Context, list string, m bot.Message, at time.Time) (bot.Message, error) {
	if list != "spring" {
		return bot.Message{}, bot.Errorf(bot.ENOTFOUND, "no list is named %s", list)
	}
	m.Text = strings.ReplaceAll(m.Text, "{{first_name}}", "Ana")
	return m, nil
}

// TestCampaignFormPreview: typing in the campaign form redraws its
// preview with the list's first recipient, or says what is wrong.
func TestCampaignFormPreview(t *testing.T) {
	g := newRig(t)
	g.fake.Unlimited = true
	g.adapter.Previews = previewer{}
	g.runner.Forms = moForms
	form := url.Values{"command": {"/herald"}, "text": {"campaign new"}, "user_id": {"UMOD"}, "user_name": {"mo"}, "channel_id": {"CMODS"}, "trigger_id": {g.fake.Trigger()}}
	g.post("/slack/commands", "application/x-www-form-urlencoded", form.Encode(), 0, "")
	views := g.fake.Views()
	if len(views) != 1 {
		t.Fatal("the form did not open")
	}
	typed := func(list, text string) string {
		t.Helper()
		v := g.fake.Views()[0]
		payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]string{"id": "UMOD"},
			"actions": []map[string]string{{"action_id": "text", "block_id": "text"}},
			"view": map[string]any{"id": v.ID, "hash": v.Hash, "callback_id": hslack.CampaignModal, "private_metadata": "CMODS", "state": map[string]any{"values": map[string]any{
				"text": map[string]any{"text": map[string]any{"type": "plain_text_input", "value": text}},
				"list": map[string]any{"list": map[string]any{"type": "plain_text_input", "value": list}},
				"kind": map[string]any{"kind": map[string]any{"type": "static_select", "selected_option": map[string]string{"value": "message"}}},
			}}}})
		g.post("/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(payload)}}.Encode(), 0, "")
		body, _ := json.Marshal(g.fake.Views()[0].Body)
		return string(body)
	}
	if got := typed("spring", "Hello {{first_name}}!"); !strings.Contains(got, "Hello Ana!") || !strings.Contains(got, "first recipient of spring") {
		t.Fatalf("the preview: %s", got)
	}
	if got := typed("autumn", "Hello {{first_name}}!"); !strings.Contains(got, "no list is named autumn") {
		t.Fatalf("the preview with a wrong list: %s", got)
	}
	if v := g.fake.Views()[0]; v.Updated != 2 || v.Body["callback_id"] != hslack.CampaignModal {
		t.Fatalf("the form after two previews: %+v", v)
	}
}

// TestInboundConformance drives the inbound half through the Events API.
func TestInboundConformance(t *testing.T) {
	adaptertest.RunInbound(t, func(t *testing.T) *adaptertest.InboundHarness {
		g := newRig(t)
		g.fake.Unlimited = true
		db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		n := 0
		return &adaptertest.InboundHarness{
			Surface: g.adapter, Channel: bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, Store: db,
			Moderator: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"},
			Serve:     func(h bot.InboundHandler) { g.adapter.Handler = h },
			Language:  language(db),
			Write: func(th bot.ThreadRef, text string) {
				n++
				body := fmt.Sprintf(`{"type":"event_callback","event_id":"EvIn%d","event":{"type":"message","user":"UMOD","channel":"CMODS","channel_type":"channel","ts":"9.%d","thread_ts":%q,"text":%q}}`,
					n, n, th.ID, text)
				g.post("/slack/events", "application/json", body, 0, "")
			},
			Shown: func(th bot.ThreadRef) []string {
				var out []string
				for _, m := range g.fake.Messages() {
					if m.ThreadTS == th.ID || m.TS == th.ID {
						out = append(out, m.Text+"\n"+m.Blocks)
					}
				}
				return out
			},
		}
	})
}

// language is the command language over threads, as cmd/herald wires it.
func language(db *store.DB) func(*threads.Service, *moderators.Set) bot.InboundHandler {
	return func(th *threads.Service, auth *moderators.Set) bot.InboundHandler {
		clock := clock.System()
		deps := commands.Deps{Conversations: th, Snippets: db, Clock: clock,
			Campaigns: &campaigns.Service{Store: db, Clock: clock}, Lists: &lists.Service{Store: db}}
		return commands.NewInbound(commands.New(deps, commands.NewText(commands.LocaleEnglish), auth, nil, nil), th)
	}
}

// TestSlashCommandAnswersThroughResponseURL: /herald typed in a private
// channel herald is not in is answered through the command's response_url,
// to the moderator alone when private, and nothing goes through the API.
func TestSlashCommandAnswersThroughResponseURL(t *testing.T) {
	g := newRig(t)
	form := url.Values{"command": {"/herald"}, "text": {"status"}, "user_id": {"UMOD"}, "user_name": {"mo"}, "channel_id": {"GPRIVATE"},
		"response_url": {g.fake.ResponseURL("r1")}}
	if code := g.post("/slack/commands", "application/x-www-form-urlencoded", form.Encode(), 0, ""); code != 200 {
		t.Fatalf("status %d", code)
	}
	var got []string
	for _, m := range g.fake.Messages() {
		if m.Channel == "response:r1" {
			got = append(got, fmt.Sprintf("%v:%s", m.Ephemeral, m.Text))
		}
	}
	if strings.Join(got, "|") != "true:ran status" || len(g.fake.Messages()) != 1 {
		t.Fatalf("answers through the response_url: %q (all: %+v)", got, g.fake.Messages())
	}
}

// TestSignedRequestsAreGoodOnce: one signed /herald campaign new, posted
// three times within the signature's window, runs once.
func TestSignedRequestsAreGoodOnce(t *testing.T) {
	g := newRig(t)
	for range 3 {
		if code := g.command("UMOD", "campaign new Replayed"); code != 200 {
			t.Fatalf("status %d", code)
		}
	}
	if n := len(g.runner.Requests()); n != 1 {
		t.Fatalf("the command ran %d times", n)
	}
}

// onceHandler records participants' messages; the first one it blocks
// until released.
type onceHandler struct {
	mu      sync.Mutex
	ids     []string
	first   chan struct{}
	release chan struct{}
}

func (h *onceHandler) Handle(ctx context.Context, in bot.Inbound) (bot.InboundReply, error) {
	if in.Kind != bot.InboundParticipantMessage {
		return bot.InboundReply{}, nil
	}
	h.mu.Lock()
	h.ids = append(h.ids, in.ID)
	n := len(h.ids)
	h.mu.Unlock()
	if n == 1 {
		close(h.first)
		<-h.release
	}
	return bot.InboundReply{}, nil
}

// TestAnUnacknowledgedEventComesAgain: herald's connection goes while a
// participant's message is being recorded, before its envelope is
// acknowledged; Slack sends it again on the next connection, with the
// same event id, which the intake keeps once.
func TestAnUnacknowledgedEventComesAgain(t *testing.T) {
	g := newRig(t)
	g.fake.AppToken = "xapp-test"
	// apps.connections.open is Tier 1 (about one a minute), and the Slack
	// client waits out its Retry-After unscaled: the reconnection here
	// would wait a minute.
	g.fake.Unlimited = true
	h := &onceHandler{first: make(chan struct{}), release: make(chan struct{})}
	g.adapter.Handler = h
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- g.adapter.RunSocket(ctx, "xapp-test") }()
	defer func() { cancel(); <-done }()
	id := g.fake.SendSocket("events_api", map[string]any{"type": "event_callback", "event_id": "Ev1", "event": map[string]any{
		"type": "message", "user": "UANA", "channel": "DANA", "channel_type": "im", "ts": "1.1", "text": "are you there?"}})
	select {
	case <-h.first:
	case <-time.After(20 * time.Second):
		t.Fatal("the message never reached herald")
	}
	g.fake.DropSocket() // herald's connection goes before the acknowledgement
	close(h.release)
	waitFor(t, "the envelope acknowledged on the next connection", func() bool {
		h.mu.Lock()
		defer h.mu.Unlock()
		t.Logf("conns %d ids %q acked %v", g.fake.SocketConnections(), h.ids, g.fake.Acked(id))
		return g.fake.Acked(id)
	})
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.ids) != 2 || h.ids[0] == "" || h.ids[0] != h.ids[1] {
		t.Fatalf("the message came as %q: want twice with one id", h.ids)
	}
	if g.fake.SocketConnections() < 2 {
		t.Fatal("herald did not connect again")
	}
}

// TestTrackedLinksAreNotUnfurled: a message whose links go through herald
// asks Slack for neither link nor media unfurls; another is left alone.
func TestTrackedLinksAreNotUnfurled(t *testing.T) {
	ctx := context.Background()
	g := newRig(t)
	to := bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}
	if _, err := g.adapter.Send(ctx, to, bot.Message{Text: "Read [the plan](https://herald.test/l/abc)", Tracking: &bot.Tracking{Campaign: 1, Sending: 1, Links: true}}); err != nil {
		t.Fatal(err)
	}
	// another channel: Slack takes one message a second per channel
	if _, err := g.adapter.Send(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}, bot.Message{Text: "Read [the plan](https://example.org/plan)"}); err != nil {
		t.Fatal(err)
	}
	got := g.fake.Messages()
	if len(got) != 2 || !got[0].NoUnfurl || got[1].NoUnfurl {
		t.Fatalf("unfurls: %+v", got)
	}
}

// TestCheckboxes: a message's Select shows as checkboxes (the buttons it
// stands for left out, the others kept), which the fake takes as valid
// Block Kit; what a person ticks comes back whole, after the select's
// value.
func TestCheckboxes(t *testing.T) {
	ctx := context.Background()
	g := newRig(t)
	g.fake.Unlimited = true
	m := bot.Message{Text: "1/2 · Which workshops?", Select: &bot.Select{Value: "sv:1:0:set:", Options: []bot.Option{{Label: "Go", Value: "0"}, {Label: "Rust", Value: "1"}, {Label: "Zig", Value: "2"}}},
		Buttons: []bot.Button{{Label: "Go", Option: true, Action: bot.Action{Kind: bot.ActionReply, Value: "sv:1:0:0"}}, {Label: "Rust", Option: true, Action: bot.Action{Kind: bot.ActionReply, Value: "sv:1:0:1"}},
			{Label: "Zig", Option: true, Action: bot.Action{Kind: bot.ActionReply, Value: "sv:1:0:2"}}, {Label: "✓", Action: bot.Action{Kind: bot.ActionReply, Value: "sv:1:0:done"}}}}
	if _, err := g.adapter.Send(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}, m); err != nil {
		t.Fatal(err)
	}
	blocks := g.fake.Messages()[0].Blocks
	if !strings.Contains(blocks, `"type":"checkboxes"`) || !strings.Contains(blocks, `"action_id":"herald-select:sv:1:0:set:"`) ||
		strings.Contains(blocks, `"value":"sv:1:0:0"`) || !strings.Contains(blocks, `"value":"sv:1:0:done"`) {
		t.Fatalf("the checkboxes: %s", blocks)
	}
	payload, _ := json.Marshal(map[string]any{"type": "block_actions", "user": map[string]string{"id": "UANA", "username": "ana"},
		"channel": map[string]string{"id": "DANA"}, "container": map[string]any{"message_ts": "1.1"},
		"actions": []map[string]any{{"type": "checkboxes", "action_id": "herald-select:sv:1:0:set:", "selected_options": []map[string]any{{"value": "0"}, {"value": "2"}}}}})
	if code := g.post("/slack/interactions", "application/x-www-form-urlencoded", url.Values{"payload": {string(payload)}}.Encode(), 0, ""); code != 200 {
		t.Fatalf("ticking: %d", code)
	}
	g.adapter.Wait()
	if in := g.runner.InboundOf(bot.InboundParticipantMessage); len(in) != 1 || in[0].Text != "sv:1:0:set:0,2" || in[0].From.Address.ID != "UANA" {
		t.Fatalf("what was ticked: %+v", in)
	}
}

// TestModeratorMessagesAreJournaled: a moderator's message in a thread is
// journaled before Slack is answered and forgotten once handled; what a
// stop left in the journal is handled by Replay, oldest first, and what is
// older than an hour, unreadable or another surface's is not.
func TestModeratorMessagesAreJournaled(t *testing.T) {
	g := newRig(t)
	g.fake.Unlimited = true
	j := bottest.NewJournal(nil)
	g.adapter.Journal = j
	var during string // the journal's entry for "first" while it is handled
	g.runner.Answer = func(in bot.Inbound) bot.InboundReply {
		j.Note("handle " + in.Text)
		if in.Text == "first" {
			kept, _ := j.Journaled(context.Background(), "slack:Ev10")
			during = string(kept["slack:Ev10"])
		}
		return bot.InboundReply{}
	}
	// A message in the channel but in no thread, and one in another
	// channel: not handled, not journaled.
	for _, body := range []string{
		`{"type":"event_callback","event_id":"Ev7","event":{"type":"message","user":"UMOD","channel":"CMODS","channel_type":"channel","ts":"3.0","text":"hello all"}}`,
		`{"type":"event_callback","event_id":"Ev8","event":{"type":"message","user":"UMOD","channel":"COTHER","channel_type":"channel","ts":"3.0","thread_ts":"1.0","text":"elsewhere"}}`,
	} {
		if code := g.post("/slack/events", "application/json", body, 0, ""); code != http.StatusOK {
			t.Fatalf("the event was answered %d", code)
		}
	}
	if log := j.Log(); len(log) != 0 {
		t.Fatalf("messages herald does not handle were journaled: %q", log)
	}
	body := `{"type":"event_callback","event_id":"Ev9","event":{"type":"message","user":"UMOD","channel":"CMODS","channel_type":"channel","ts":"3.1","thread_ts":"1.0","text":"on my way"}}`
	if code := g.post("/slack/events", "application/json", body, 0, ""); code != http.StatusOK {
		t.Fatalf("the event was answered %d", code)
	}
	g.adapter.Wait()
	if want := []string{"keep slack:Ev9", "handle on my way", "forget slack:Ev9"}; !slices.Equal(j.Log(), want) {
		t.Fatalf("journal and handler: %q, want %q", j.Log(), want)
	}
	// What a stop left: two events from the last minutes, one from two
	// hours ago, one unreadable.
	replays := map[string]int{"Ev14": 3} // replayed by three starts: one that stops herald each time
	at := func(d time.Duration, id, text string) []byte {
		return []byte(fmt.Sprintf(`{"at":%q,"replayed":%d,"env":{"type":"event_callback","event_id":%q,"event":{"type":"message","user":"UMOD","channel":"CMODS","channel_type":"channel","ts":"4.%s","thread_ts":"1.0","text":%q}}}`,
			g.clock.Now().Add(-d).Format(time.RFC3339Nano), replays[id], id, id, text))
	}
	sent := g.clock.Now().Add(-3 * time.Minute)
	j.Replace(map[string][]byte{
		"slack:Ev11": at(time.Minute, "Ev11", "second"), "slack:Ev10": at(3*time.Minute, "Ev10", "first"),
		"slack:Ev12": at(2*time.Hour, "Ev12", "too old"), "slack:Ev13": []byte("{broken"),
		"slack:Ev14": at(time.Minute, "Ev14", "replayed too often"),
		"telegram:5": []byte("not Slack's"),
	})
	j.ResetLog()
	g.adapter.Replay(context.Background())
	g.adapter.Wait()
	var handled []string
	for _, s := range j.Log() {
		if text, ok := strings.CutPrefix(s, "handle "); ok {
			handled = append(handled, text)
		}
	}
	slices.Sort(handled) // handled in the background, each in its own goroutine
	if !slices.Equal(handled, []string{"first", "second"}) {
		t.Fatalf("replayed: %q, want the two recent events", handled)
	}
	var entry struct {
		At       time.Time `json:"at"`
		Replayed int       `json:"replayed"`
	}
	if json.Unmarshal([]byte(during), &entry) != nil || !entry.At.Equal(sent) || entry.Replayed != 1 {
		t.Fatalf("while replayed, the entry was %s: want the time Slack sent it and one replay", during)
	}
	if left, _ := j.Journaled(context.Background(), ""); len(left) != 1 || left["telegram:5"] == nil {
		t.Fatalf("left in the journal: %q, want only the other surface's", left)
	}
}
