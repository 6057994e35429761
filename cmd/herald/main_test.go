package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/discord/discordfake"
	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
	"github.com/heraldchat/herald/bot"
	main "github.com/heraldchat/herald/cmd/herald"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/store"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger
// and reads of a test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Len is how many bytes were written.
func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

// Program is a Main under test with its outputs captured.
type Program struct {
	*main.Main
	Stdout, Stderr *syncBuffer
}

func NewProgram(env map[string]string) *Program {
	p := &Program{Main: main.NewMain(), Stdout: &syncBuffer{}, Stderr: &syncBuffer{}}
	p.Main.Stdout, p.Main.Stderr = p.Stdout, p.Stderr
	p.Main.Env = func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	return p
}

// MustWriteConfig writes a config for a test: its database in dir, the HTTP
// server on a free loopback port, plus extra YAML.
func MustWriteConfig(tb testing.TB, dir, extra string) string {
	tb.Helper()
	path := filepath.Join(dir, "herald.yaml")
	yml := fmt.Sprintf("store:\n  path: %s\n  lock_timeout: 300ms\nhttp:\n  listen: 127.0.0.1:0\n  shutdown_timeout: 2s\n%s",
		filepath.Join(dir, "herald.db"), extra)
	if err := os.WriteFile(path, []byte(yml), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// MustStart runs "herald run --config cfg" in the background and waits for
// it to be ready. The returned stop function cancels it and returns Run's
// error.
func MustStart(tb testing.TB, p *Program, cfg string) (stop func() error) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx, []string{"run", "--config", cfg}) }()
	select {
	case <-p.Started():
	case err := <-errc:
		cancel()
		tb.Fatalf("herald did not start: %v\n%s", err, p.Stderr)
	case <-time.After(20 * time.Second):
		cancel()
		tb.Fatal("herald did not start within 20s")
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() { cancel(); err = <-errc })
		return err
	}
	tb.Cleanup(func() { stop() })
	return stop
}

func httpGet(tb testing.TB, url string) (int, string) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestRunServesHealthAndStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	p := NewProgram(nil)
	stop := MustStart(t, p, MustWriteConfig(t, dir, "log: {level: debug}\n"))
	base := "http://" + p.HTTPAddr()
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ok", "/metrics": "herald_build_info"} {
		if code, body := httpGet(t, base+path); code != 200 || !strings.Contains(body, want) {
			t.Errorf("%s = %d %q", path, code, body)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "herald.db")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("database file: %v %v", fi, err)
	}
	if err := stop(); err != nil {
		t.Fatalf("graceful stop returned %v", err)
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("still listening after stop")
	}
	// The store was closed: the file opens again at once.
	db, err := store.Open(filepath.Join(dir, "herald.db"), store.Options{LockTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("database still locked after stop: %v", err)
	}
	db.Close()
	logs := p.Stderr.String()
	if !strings.Contains(logs, "herald is running") || !strings.Contains(logs, "herald stopped") {
		t.Fatalf("logs:\n%s", logs)
	}
	if _, err := os.Stat(filepath.Join(dir, "herald.db.sock")); !os.IsNotExist(err) {
		t.Fatalf("control socket left behind: %v", err)
	}
}

func TestSecondRunOnSameDatabaseFailsFast(t *testing.T) {
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "")
	MustStart(t, NewProgram(nil), cfg)

	second := NewProgram(nil)
	start := time.Now()
	err := second.Run(context.Background(), []string{"run", "--config", cfg})
	if err == nil {
		t.Fatal("a second herald on the same database started")
	}
	if main.ExitCode(err) == 0 || !strings.Contains(err.Error(), "is in use by another herald process") {
		t.Fatalf("error = %v (exit %d)", err, main.ExitCode(err))
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("the second herald took %s to give up", d)
	}
}

func TestCheckConfig(t *testing.T) {
	p := NewProgram(nil)
	err := p.Run(context.Background(), []string{"check-config", "--config", "../../config.example.yaml"})
	if err != nil || !strings.Contains(p.Stdout.String(), "is valid") {
		t.Fatalf("example: %v\n%s", err, p.Stdout)
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte(`
slack:
  enabled: true
  bot_token: xoxb-super-secret-1
  app_token: xapp-super-secret-2
  sigining_secret: super-secret-3
email:
  password: ${SMTP_PASSWORD}
log:
  level: chatty
`), 0o600)
	p = NewProgram(map[string]string{"SMTP_PASSWORD": "super-secret-4"})
	err = p.Run(context.Background(), []string{"check-config", "--config", bad})
	out := p.Stdout.String()
	if main.ExitCode(err) != 1 {
		t.Fatalf("exit %d, want 1: %v", main.ExitCode(err), err)
	}
	if !strings.Contains(out, "slack.sigining_secret") || !strings.Contains(out, "did you mean slack.signing_secret?") {
		t.Fatalf("the unknown key is not named:\n%s", out)
	}
	if strings.Contains(out, "super-secret") || strings.Contains(p.Stderr.String(), "super-secret") {
		t.Fatalf("check-config printed a secret:\n%s", out)
	}

	// Once the file is well formed, the other problems all show.
	os.WriteFile(bad, []byte("slack: {enabled: true, mode: http, channel: C01, bot_token: xoxb-1, signing_secret: s}\nlog: {level: chatty}\nlocale: de\n"), 0o600)
	p = NewProgram(nil)
	err = p.Run(context.Background(), []string{"check-config", "--config", bad})
	out = p.Stdout.String()
	if main.ExitCode(err) != 1 || !strings.Contains(out, "log.level") || !strings.Contains(out, "2 problems") {
		t.Fatalf("exit %d:\n%s", main.ExitCode(err), out)
	}

	p = NewProgram(nil)
	err = p.Run(context.Background(), []string{"check-config", "--config", filepath.Join(dir, "missing.yaml")})
	if main.ExitCode(err) != 1 || !strings.Contains(err.Error(), "cannot read config") {
		t.Fatalf("missing file: %v", err)
	}
	err = p.Run(context.Background(), []string{"check-config"})
	if main.ExitCode(err) != 2 {
		t.Fatalf("check-config without --config: exit %d", main.ExitCode(err))
	}
}

func TestRunRefusesABrokenConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "locale: es\n")
	p := NewProgram(nil)
	err := p.Run(context.Background(), []string{"run", "--config", cfg})
	if main.ExitCode(err) != 1 || !strings.Contains(err.Error(), "locale") {
		t.Fatalf("run with a broken config: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "herald.db")); !os.IsNotExist(err) {
		t.Fatal("a refused start created the database")
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "")
	out := filepath.Join(dir, "backup-stopped.db")

	p := NewProgram(nil)
	if err := p.Run(ctx, []string{"backup", "--config", cfg, out}); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("backup of a missing database: %v", err)
	}

	// A stopped herald's database is copied directly.
	db, err := store.Open(filepath.Join(dir, "herald.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	db.AppendEvent(ctx, &bot.Event{Type: bot.EventCustom, Name: "before"})
	db.Close()
	if err := p.Run(ctx, []string{"backup", out, "--config", cfg}); err != nil {
		t.Fatalf("backup of a stopped herald: %v", err)
	}
	mustHaveEvent(t, out, "before")

	// A running herald's database is copied through the control socket.
	stop := MustStart(t, NewProgram(nil), cfg)
	hot := filepath.Join(dir, "backup-running.db")
	p = NewProgram(nil)
	if err := p.Run(ctx, []string{"backup", "--config", cfg, hot}); err != nil {
		t.Fatalf("hot backup: %v\n%s", err, p.Stdout)
	}
	if !strings.Contains(p.Stdout.String(), "written to "+hot) {
		t.Fatalf("output: %s", p.Stdout)
	}
	if fi, _ := os.Stat(hot); fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup mode %v", fi.Mode().Perm())
	}
	mustHaveEvent(t, hot, "before")
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := p.Run(ctx, []string{"backup", "--config", cfg}); main.ExitCode(err) != 2 {
		t.Fatalf("backup without OUT: exit %d", main.ExitCode(err))
	}
}

func mustHaveEvent(t *testing.T, path, name string) {
	t.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer db.Close()
	evs, err := db.Events(context.Background(), 0, 0)
	if err != nil || len(evs) != 1 || evs[0].Name != name {
		t.Fatalf("backup events: %+v, %v", evs, err)
	}
}

func TestCommandLine(t *testing.T) {
	ctx := context.Background()
	p := NewProgram(nil)
	if err := p.Run(ctx, []string{"version"}); err != nil || !strings.HasPrefix(p.Stdout.String(), "herald ") {
		t.Fatalf("version: %v %q", err, p.Stdout)
	}
	p = NewProgram(nil)
	if err := p.Run(ctx, []string{"help"}); err != nil || !strings.Contains(p.Stdout.String(), "check-config") {
		t.Fatalf("help: %v %q", err, p.Stdout)
	}
	// Every subcommand has its help, exit 0: usage, what it does, an
	// example, its flags.
	for _, args := range [][]string{{"run", "--help"}, {"check-config", "-h"}, {"backup", "--help"}, {"recipients", "check", "--help"}} {
		p := NewProgram(nil)
		err := p.Run(ctx, args)
		out := p.Stdout.String()
		if err != nil || !strings.HasPrefix(out, "Usage: herald "+args[0]) || !strings.Contains(out, "Example:") || !strings.Contains(out, "Flags:") {
			t.Errorf("%v: %v\n%s", args, err, out)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"chek-config"}, `did you mean "check-config"?`},
		{[]string{"bakup"}, `did you mean "backup"?`},
		{[]string{"launch"}, `unknown command "launch"`},
		{[]string{"run", "--colour"}, "flag provided but not defined"},
		{[]string{"run", "extra"}, "run takes no arguments"},
	} {
		err := NewProgram(nil).Run(ctx, tc.args)
		if main.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: exit %d, %v; want 2 and %q", tc.args, main.ExitCode(err), err, tc.want)
		}
	}
}

func TestTeamsWithoutItsTenantIsRefused(t *testing.T) {
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "teams: {enabled: true, app_id: \"00000000-0000-0000-0000-000000000001\", app_password: p, service_url: \"http://smba.trafficmanager.net/teams/\"}\n")
	p := NewProgram(nil)
	err := p.Run(context.Background(), []string{"check-config", "--config", cfg})
	if out := p.Stdout.String(); main.ExitCode(err) != 1 || !strings.Contains(out, "teams.tenant_id") || !strings.Contains(out, "teams.service_url") {
		t.Fatalf("exit %d:\n%s", main.ExitCode(err), out)
	}
}

func TestLogsHideSecrets(t *testing.T) {
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "log: {level: debug, format: json}\nslack: {bot_token: \"${TOKEN}\", signing_secret: s3cr3t-signing}\n")
	p := NewProgram(map[string]string{"TOKEN": "xoxb-s3cr3t-token"})
	stop := MustStart(t, p, cfg)
	httpGet(t, "http://"+p.HTTPAddr()+"/healthz")
	stop()
	logs := p.Stderr.String()
	if !strings.Contains(logs, `"msg":"herald is running"`) {
		t.Fatalf("no JSON logs:\n%s", logs)
	}
	if strings.Contains(logs, "s3cr3t") {
		t.Fatalf("a secret reached the logs:\n%s", logs)
	}
}

// TestTelegramParticipantReachesTheConsole connects herald to the fake
// Bot API: a participant starts the bot and writes; their thread opens in
// the console's channel; the moderator's reply reaches them on Telegram.
func TestTelegramParticipantReachesTheConsole(t *testing.T) {
	fake, err := telegramfake.Start("42:secret")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "telegram: {enabled: true, token: \"42:secret\", server_url: \""+fake.URL()+"\"}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	fake.UserWrites(9009, "Lea", "/start")
	fake.UserWrites(9009, "Lea", "Bonjour, une question")
	mod := consoleMod
	deadline := time.Now().Add(10 * time.Second)
	var thread bot.ThreadRef
	for thread.IsZero() {
		if time.Now().After(deadline) {
			t.Fatalf("no thread opened; logs:\n%s", p.Stderr)
		}
		time.Sleep(20 * time.Millisecond)
		thread = p.ThreadOf(bot.Address{Platform: bot.PlatformTelegram, ID: "9009"})
	}
	r := p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: mod, Text: "snippets add hello Bonjour Lea !"})
	if r.Private {
		t.Fatalf("snippets add: %+v", r)
	}
	r = p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: mod, Text: "snippet hello", Thread: thread})
	if !r.Private || len(fake.Sent()) != 1 || fake.Sent()[0].ChatID != 9009 || fake.Sent()[0].Text != "Bonjour Lea !" {
		t.Fatalf("reply %+v; Telegram got %+v", r, fake.Sent())
	}
}

// TestTelegramWebhookChecksTheSecret runs herald in webhook mode: it
// registers its webhook with the secret, refuses updates without it, and
// relays those with it.
func TestTelegramWebhookChecksTheSecret(t *testing.T) {
	fake, err := telegramfake.Start("42:secret")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	cfg := MustWriteConfig(t, t.TempDir(), "telegram: {enabled: true, token: \"42:secret\", mode: webhook, webhook_secret: s3cr3t-hook, webhook_url: \"https://herald.example.org/telegram/webhook\", server_url: \""+fake.URL()+"\"}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	if url, secret := fake.WebhookSet(); url != "https://herald.example.org/telegram/webhook" || secret != "s3cr3t-hook" {
		t.Fatalf("setWebhook got %q %q", url, secret)
	}
	update := `{"update_id":1,"message":{"message_id":5,"date":1,"text":"hello","chat":{"id":777,"type":"private","first_name":"Ines"},"from":{"id":777,"is_bot":false,"first_name":"Ines"}}}`
	post := func(secret string) int {
		req, _ := http.NewRequest(http.MethodPost, "http://"+p.HTTPAddr()+"/telegram/webhook", strings.NewReader(update))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Fatalf("no secret: %d", code)
	}
	if code := post("guess"); code != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", code)
	}
	time.Sleep(50 * time.Millisecond)
	if !p.ThreadOf(bot.Address{Platform: bot.PlatformTelegram, ID: "777"}).IsZero() {
		t.Fatal("a refused update was relayed")
	}
	if code := post("s3cr3t-hook"); code != http.StatusOK {
		t.Fatalf("right secret: %d", code)
	}
	deadline := time.Now().Add(10 * time.Second)
	for p.ThreadOf(bot.Address{Platform: bot.PlatformTelegram, ID: "777"}).IsZero() {
		if time.Now().After(deadline) {
			t.Fatalf("the update was not relayed:\n%s", p.Stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if strings.Contains(p.Stderr.String(), "s3cr3t-hook") || strings.Contains(p.Stderr.String(), "42:secret") {
		t.Fatal("a secret reached the logs")
	}
}

// TestSlackHTTPMode runs herald with Slack in HTTP mode against the fake:
// a signed /herald command creates a campaign and the answer shows in
// Slack; a forged one and a stale one are refused with 401.
func TestSlackHTTPMode(t *testing.T) {
	fake, err := slackfake.Start("xoxb-test")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.Join("CMODS")
	cfg := MustWriteConfig(t, t.TempDir(), "slack: {enabled: true, mode: http, bot_token: xoxb-test, signing_secret: shh, channel: CMODS, api_url: \""+fake.URL()+"\"}\nmoderators: {slack: {users: [UMOD]}}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	body := url.Values{"command": {"/herald"}, "text": {"campaign new From Slack"}, "user_id": {"UMOD"}, "user_name": {"mo"}, "channel_id": {"CMODS"}}.Encode()
	age := time.Duration(0)
	send := func(sig string) int {
		ts := time.Now().Add(-age).Unix()
		if sig == "" {
			sig = slackfake.Sign("shh", ts, body)
		}
		req, _ := http.NewRequest(http.MethodPost, "http://"+p.HTTPAddr()+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", fmt.Sprint(ts))
		req.Header.Set("X-Slack-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := send("v0=forged"); code != http.StatusUnauthorized {
		t.Fatalf("a forged command: %d", code)
	}
	age = 6 * time.Minute // well signed, but too old: a replay
	if code := send(""); code != http.StatusUnauthorized {
		t.Fatalf("a stale command: %d", code)
	}
	age = 0
	if code := send(""); code != http.StatusOK {
		t.Fatalf("a signed command: %d", code)
	}
	waitUntil(t, p, "the answer in Slack", func() bool {
		ms := fake.Messages()
		return len(ms) > 0 && strings.Contains(ms[len(ms)-1].Blocks, "From Slack")
	})
}

// TestSlackSocketMode runs herald with Slack in Socket Mode against the
// fake: a /herald command arriving over the socket is acknowledged and
// answered, and no /slack/* endpoint is mounted.
func TestSlackSocketMode(t *testing.T) {
	fake, p := startSlackSocket(t)
	id := fake.SendSocket("slash_commands", map[string]string{"command": "/herald", "text": "campaign new Over the socket", "user_id": "UMOD", "user_name": "mo", "channel_id": "CMODS"})
	waitUntil(t, p, "the answer over the socket", func() bool {
		ms := fake.Messages()
		return len(ms) > 0 && strings.Contains(ms[len(ms)-1].Blocks, "Over the socket") && fake.Acked(id)
	})
	// A CSV shared in a DM with herald is offered for import with a button.
	f := fake.ShareFile("Spring.csv", "text/csv", []byte("email,first_name\nana@example.org,Ana\nbo@example.org,Bo\n"))
	fake.SendSocket("events_api", map[string]any{"type": "event_callback", "event_id": "Ev1", "event": map[string]any{
		"type": "message", "subtype": "file_share", "user": "UMOD", "channel": "DMOD", "channel_type": "im", "ts": "7.1", "files": []any{f}}})
	button := regexp.MustCompile(`"value":"([^"]+)"`)
	var value string
	waitUntil(t, p, "the import offer", func() bool {
		for _, m := range fake.Messages() {
			if strings.Contains(m.Blocks, "Import as spring") {
				if v := button.FindStringSubmatch(m.Blocks); v != nil {
					value = v[1]
					return true
				}
			}
		}
		return false
	})
	fake.SendSocket("interactive", map[string]any{"type": "block_actions", "user": map[string]string{"id": "UMOD", "username": "mo"},
		"channel": map[string]string{"id": "DMOD"}, "container": map[string]any{"message_ts": "7.2", "is_ephemeral": true},
		"actions": []map[string]string{{"action_id": "herald-command-0", "value": value}}})
	waitUntil(t, p, "the import", func() bool {
		for _, m := range fake.Messages() {
			if strings.Contains(m.Blocks, "*spring*: 2 added") {
				return true
			}
		}
		return false
	})

	resp, err := http.Post("http://"+p.HTTPAddr()+"/slack/commands", "application/x-www-form-urlencoded", strings.NewReader("text=x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Fatal("/slack/commands is served in Socket Mode")
	}
	if strings.Contains(p.Stderr.String(), "xapp-test") {
		t.Fatal("the app token reached the logs")
	}
}

// startSlackSocket runs herald with Slack in Socket Mode against a fake
// workspace with users, the channel CMODS and the moderator UMOD.
func startSlackSocket(t *testing.T, users ...slackfake.User) (*slackfake.Server, *Program) {
	t.Helper()
	return slackSocket(t, "moderators: {slack: {users: [UMOD]}}\n", users...)
}

// waitUntil polls ok for up to ten seconds: herald answers Slack in the
// background.
func waitUntil(t *testing.T, p *Program, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s\n%s", what, p.Stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestSlackModalCampaign drives herald as a moderator would in Slack:
// /herald campaign new opens the form, the form brings a CSV, the card's
// Start button starts it, the card's counters reach done, and the report
// comes back as a file.
func TestSlackModalCampaign(t *testing.T) {
	fake, p := startSlackSocket(t,
		slackfake.User{ID: "UANA", Name: "Ana", Email: "ana@example.org", Active: true},
		slackfake.User{ID: "UBO", Name: "Bo", Email: "bo@example.org", Active: true})
	mo := map[string]string{"id": "UMOD", "username": "mo"}

	fake.SendSocket("slash_commands", map[string]string{"command": "/herald", "text": "campaign new", "user_id": "UMOD", "user_name": "mo", "channel_id": "CMODS", "trigger_id": fake.Trigger()})
	waitUntil(t, p, "the form", func() bool { return len(fake.Views()) == 1 })
	if v := fake.Views()[0]; v.Body["callback_id"] != "herald-campaign-new" || v.Body["private_metadata"] != "CMODS" {
		t.Fatalf("the form: %+v", v.Body)
	}
	csv := fake.ShareFile("people.csv", "text/csv", []byte("email,first_name\nana@example.org,Ana\nbo@example.org,Bo\n"))
	value := func(v string) map[string]any { return map[string]any{"type": "plain_text_input", "value": v} }
	option := func(v string) map[string]any {
		return map[string]any{"type": "static_select", "selected_option": map[string]any{"value": v}}
	}
	fake.SendSocket("interactive", map[string]any{"type": "view_submission", "user": mo, "view": map[string]any{
		"callback_id": "herald-campaign-new", "private_metadata": "CMODS", "state": map[string]any{"values": map[string]any{
			"name":     map[string]any{"name": value("Welcome week")},
			"kind":     map[string]any{"kind": option("message")},
			"text":     map[string]any{"text": value("Hello {{first_name}}!")},
			"file":     map[string]any{"file": map[string]any{"type": "file_input", "files": []any{csv}}},
			"platform": map[string]any{"platform": option("slack")},
		}}}})
	// The draft's card, with its Start button.
	var card slackfake.Message
	var start string
	waitUntil(t, p, "the draft's card", func() bool {
		for _, m := range fake.Messages() {
			if m.Channel == "CMODS" && strings.Contains(m.Blocks, "Welcome week") && strings.Contains(m.Blocks, "list:") {
				if v := buttonValue(m.Blocks, "Start"); v != "" {
					card, start = m, v
					return true
				}
			}
		}
		return false
	})
	fake.SendSocket("interactive", map[string]any{"type": "block_actions", "user": mo, "channel": map[string]string{"id": "CMODS"},
		"container": map[string]any{"message_ts": card.TS}, "actions": []map[string]string{{"action_id": "herald-command-0", "value": start}}})
	waitUntil(t, p, "the messages", func() bool {
		got := map[string]bool{}
		for _, m := range fake.Messages() {
			got[m.Channel+" "+m.Text] = true
		}
		return got["UANA Hello Ana!"] && got["UBO Hello Bo!"]
	})
	waitUntil(t, p, "the card at done", func() bool {
		for _, m := range fake.Messages() {
			if m.TS == card.TS && strings.Contains(m.Blocks, "*done*") && strings.Contains(m.Blocks, "2 sent") {
				return true
			}
		}
		return false
	})
	fake.SendSocket("slash_commands", map[string]string{"command": "/herald", "text": "campaign report 1", "user_id": "UMOD", "user_name": "mo", "channel_id": "CMODS"})
	waitUntil(t, p, "the report", func() bool {
		r := string(fake.Upload("campaign-1-report.csv"))
		return strings.Contains(r, "ana@example.org") && strings.Contains(r, "bo@example.org")
	})
}

// buttonValue finds the value of the button labelled label in Block Kit
// JSON.
func buttonValue(blocks, label string) string {
	var bs []struct {
		Elements []struct {
			Type  string                `json:"type"`
			Text  struct{ Text string } `json:"text"`
			Value string                `json:"value"`
		} `json:"elements"`
	}
	json.Unmarshal([]byte(blocks), &bs)
	for _, b := range bs {
		for _, e := range b.Elements {
			if e.Type == "button" && e.Text.Text == label {
				return e.Value
			}
		}
	}
	return ""
}

// TestTelegramModeratorsGroup runs herald with a moderators' group on
// Telegram: an admin's /herald creates a campaign whose card has buttons;
// pressing Clone runs it; a member who is not an admin is refused; a
// participant's thread opens in the group and a reply there reaches them.
func TestTelegramModeratorsGroup(t *testing.T) {
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
	said := func(text string) func() bool {
		return func() bool {
			for _, m := range fake.Sent() {
				if m.ChatID == -100500 && strings.Contains(m.Text, text) {
					return true
				}
			}
			return false
		}
	}
	fake.GroupMessage(-100500, 88, "Stranger", 0, 0, "/herald campaign new Not yours")
	waitUntil(t, p, "the refusal", said("only moderators"))
	fake.GroupMessage(-100500, 77, "Mo", 0, 0, "/herald campaign new From Telegram")
	waitUntil(t, p, "the answer", said("From Telegram"))
	fake.GroupMessage(-100500, 77, "Mo", 0, 0, "/herald campaign show 1")
	var card telegramfake.Message
	waitUntil(t, p, "the card", func() bool {
		for _, m := range fake.Sent() {
			if strings.Contains(m.ReplyMarkup, "callback_data") && strings.Contains(m.Text, "From Telegram") {
				card = m
				return true
			}
		}
		return false
	})
	clone := callbackData(card.ReplyMarkup, "Clone")
	if clone == "" {
		t.Fatalf("the card has no Clone button: %s", card.ReplyMarkup)
	}
	fake.Press(77, -100500, card.ID, clone)
	waitUntil(t, p, "the clone", said("#2"))
	// A participant's thread opens in the group, and an answer reaches them.
	fake.UserWrites(5005, "Zoe", "/start")
	fake.UserWrites(5005, "Zoe", "Is it recorded?")
	var relayed telegramfake.Message
	waitUntil(t, p, "the thread in the group", func() bool {
		for _, m := range fake.Sent() {
			if m.ChatID == -100500 && strings.Contains(m.Text, "Is it recorded?") {
				relayed = m
				return true
			}
		}
		return false
	})
	fake.GroupMessage(-100500, 77, "Mo", 0, relayed.ID, "Yes, it is.")
	waitUntil(t, p, "the answer", func() bool {
		for _, m := range fake.Sent() {
			if m.ChatID == 5005 && strings.Contains(m.Text, "Yes, it is.") {
				return true
			}
		}
		return false
	})
	if strings.Contains(p.Stderr.String(), "42:secret") {
		t.Fatal("the bot token reached the logs")
	}
}

// TestDiscordCampaign runs herald with Discord for participants: a
// campaign to a list of Discord ids reaches their DMs; an answer there
// opens a thread whose reply goes back; /herald runs for a moderator (by
// role) and not for a stranger.
func TestDiscordCampaign(t *testing.T) {
	fake, err := discordfake.Start("dc-token")
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	fake.AddUser("4001", true)
	fake.AddUser("4002", true)
	cfg := MustWriteConfig(t, t.TempDir(), "discord: {enabled: true, token: dc-token, application_id: \"123\", guild_id: \"777\", channel: \"4444\", public_key: \"0000000000000000000000000000000000000000000000000000000000000000\", api_url: \"http://"+fake.Addr()+"\"}\nmoderators: {discord: {group: R-MODS}}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	run := mustRun(t, p)
	run("list import dc", bot.File{Name: "dc.csv", Data: []byte("discord_id,first_name\n4001,Ana\n4002,Bo\n")})
	run("campaign new On Discord")
	run("campaign message 1 Hi {{first_name}}!")
	run("campaign audience 1 list:dc")
	run("campaign start 1")
	waitUntil(t, p, "the DMs", func() bool {
		got := map[string]bool{}
		for _, m := range fake.Messages() {
			got[m.Content] = true
		}
		return got["Hi Ana!"] && got["Hi Bo!"]
	})
	// Ana answers in her DMs: her thread opens in the moderators' channel,
	// and a moderator's message there reaches her; a note does not.
	fake.UserWrites("4001", "Ana", "Thanks! Is it recorded?")
	var thread bot.ThreadRef
	waitUntil(t, p, "Ana's thread", func() bool {
		thread = p.ThreadOf(bot.Address{Platform: bot.PlatformDiscord, ID: "4001"})
		return !thread.IsZero()
	})
	if parent := fake.Threads()[thread.ID]; parent != "4444" {
		t.Fatalf("the thread %+v is not in the moderators' channel: %v", thread, fake.Threads())
	}
	// A member without the moderators' role writes in the thread first:
	// that reaches no one.
	fake.Member("55", "R-MODS")
	fake.Member("66")
	fake.MemberWrites("777", thread.ID, "66", "I am not staff but I reply.")
	fake.MemberWrites("777", thread.ID, "55", "note she is a VIP")
	fake.MemberWrites("777", thread.ID, "55", "Yes, it is recorded.")
	waitUntil(t, p, "the reply", func() bool {
		for _, m := range fake.Messages() {
			if m.Content == "Yes, it is recorded." && m.ChannelID == fake.DMChannel("4001") {
				return true
			}
		}
		return false
	})
	for _, m := range fake.Messages() {
		if strings.Contains(m.Content, "VIP") && m.ChannelID == fake.DMChannel("4001") {
			t.Fatal("a note reached the participant")
		}
		if strings.Contains(m.Content, "not staff") && m.ChannelID == fake.DMChannel("4001") {
			t.Fatal("a reply from someone who is no moderator reached the participant")
		}
	}
	// A moderator (by role) runs /herald in the guild; a stranger is refused.
	waitUntil(t, p, "/herald registered", func() bool { return strings.Contains(fake.Commands("777"), `"name":"campaign"`) })
	fake.Slash("777", "555", "66", "campaign", "new Not yours")
	fake.Slash("777", "555", "55", "campaign", "new From Discord")
	waitUntil(t, p, "the answers", func() bool {
		refused, created := false, false
		for _, m := range fake.Messages() {
			refused = refused || m.Ephemeral && strings.Contains(m.Content+m.Embeds, "only moderators")
			created = created || !m.Ephemeral && strings.Contains(m.Content+m.Embeds, "From Discord")
		}
		return refused && created
	})
	// /herald campaign args: new opens the form; its submission creates
	// the draft and shows its card.
	fake.Slash("777", "555", "55", "campaign", "new")
	waitUntil(t, p, "the form", func() bool {
		return len(fake.Modals()) == 1 && strings.Contains(fake.Modals()[0], "herald-campaign-new")
	})
	fake.Submit("777", "555", "55", "herald-campaign-new", map[string]string{"name": "By form", "text": "Hi {{first_name}} from the form", "list": "dc", "platform": "discord"})
	waitUntil(t, p, "the draft's card", func() bool {
		for _, m := range fake.Messages() {
			if strings.Contains(m.Embeds, "By form") && strings.Contains(m.Embeds, "list:dc") && strings.Contains(m.Components, "c:") {
				return true
			}
		}
		return false
	})
	// /herald nudge args: new opens the nudge form; its submission makes
	// the nudge, off, and shows it; a rule it cannot read is said first.
	fake.Slash("777", "555", "55", "nudge", "new")
	waitUntil(t, p, "the nudge form", func() bool {
		return len(fake.Modals()) == 2 && strings.Contains(fake.Modals()[1], "herald-nudge-new")
	})
	fake.Submit("777", "555", "55", "herald-nudge-new", map[string]string{"name": "Nudged by form", "when": "signed_up in 3 days at 9h unless activity_completed", "text": "How is {{event.course}} going?", "hours": "mon-fri 9-18", "tz": "Europe/Paris"})
	fake.Submit("777", "555", "55", "herald-nudge-new", map[string]string{"name": "Badly nudged", "when": "signed_up in three days", "text": "Hi"})
	waitUntil(t, p, "the nudges' answers", func() bool {
		good, bad := false, false
		for _, m := range fake.Messages() {
			text := m.Content + m.Embeds
			good = good || strings.Contains(text, "Nudged by form") && strings.Contains(text, "signed_up in 3 days at 09:00 unless activity_completed") && strings.Contains(text, "Europe/Paris")
			bad = bad || strings.Contains(text, "is not a delay")
		}
		return good && bad
	})
	// /herald recipe new opens the recipe form; its submission makes the
	// recipe, off, and shows it; an action it cannot read is said.
	fake.Slash("777", "555", "55", "recipe", "new")
	waitUntil(t, p, "the recipe form", func() bool {
		return len(fake.Modals()) == 3 && strings.Contains(fake.Modals()[2], "herald-recipe-new")
	})
	fake.Submit("777", "555", "55", "herald-recipe-new", map[string]string{"name": "Auto-close", "when": "status pending", "do": "wait 30m; resolve"})
	fake.Submit("777", "555", "55", "herald-recipe-new", map[string]string{"name": "Badly done", "when": "new message", "do": "fly away"})
	waitUntil(t, p, "the recipes' answers", func() bool {
		good, bad := false, false
		for _, m := range fake.Messages() {
			text := m.Content + m.Embeds
			good = good || strings.Contains(text, "Recipe #") && strings.Contains(text, "Auto-close") && strings.Contains(text, "when status pending, if every conversation: wait 30m; resolve")
			bad = bad || strings.Contains(text, `\"fly\" is no action`)
		}
		return good && bad
	})
	// /herald survey new opens the survey form; its submission makes a
	// draft with the questions, one per line.
	fake.Slash("777", "555", "55", "survey", "new")
	waitUntil(t, p, "the survey form", func() bool {
		return len(fake.Modals()) == 4 && strings.Contains(fake.Modals()[3], "herald-survey-new")
	})
	fake.Submit("777", "555", "55", "herald-survey-new", map[string]string{"name": "Surveyed by form", "text": "Two questions",
		"questions": "choice \"How was it?\" Great | OK | Bad\nnps \"Would you come again?\"", "list": "dc", "thanks": "Thanks!"})
	waitUntil(t, p, "the survey's card", func() bool {
		for _, m := range fake.Messages() {
			if strings.Contains(m.Embeds, "Surveyed by form") && strings.Contains(m.Embeds, "list:dc") {
				return true
			}
		}
		return false
	})
	id := regexp.MustCompile(`#(\d+) \*Surveyed by form\*`).FindStringSubmatch(commandsOf(t, p)("campaigns"))
	if id == nil {
		t.Fatalf("no survey made by form: %s", commandsOf(t, p)("campaigns"))
	}
	if got := commandsOf(t, p)("campaign question " + id[1] + " list"); !strings.Contains(got, "1. How was it? (choice): Great | OK | Bad") || !strings.Contains(got, "2. Would you come again? (nps 0-10)") {
		t.Fatalf("the survey made by form: %s", got)
	}
	// A CSV given as /herald's file option is imported.
	fake.Slash("777", "555", "55", "list", "import spring", discordfake.File{Name: "spring.csv", Data: []byte("discord_id\n4001\n4002\n4003\n")})
	waitUntil(t, p, "the import", func() bool {
		for _, m := range fake.Messages() {
			if strings.Contains(m.Content+m.Embeds, "*spring*: 3 added") || strings.Contains(m.Content+m.Embeds, "**spring**: 3 added") {
				return true
			}
		}
		return false
	})
	// The engine's group commits show in the metrics.
	mresp, err := http.Get("http://" + p.HTTPAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	if !strings.Contains(string(metrics), "herald_engine_group_commit_records_count") || !strings.Contains(string(metrics), "herald_engine_group_commit_seconds_bucket") {
		t.Fatal("the group commit metrics are missing")
	}
	// The HTTP interactions endpoint refuses what Discord did not sign.
	resp, err := http.Post("http://"+p.HTTPAddr()+"/discord/interactions", "application/json", strings.NewReader(`{"type":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("an unsigned interaction: %d", resp.StatusCode)
	}
	if strings.Contains(p.Stderr.String(), "dc-token") {
		t.Fatal("the bot token reached the logs")
	}
}

// TestBackupRefusesToOverwrite: a backup never goes over the live
// database (by its path or another path to it), nor its control socket,
// nor an existing file unless --force; the running herald keeps its
// database and its lock.
func TestBackupRefusesToOverwrite(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "")
	stop := MustStart(t, NewProgram(nil), cfg)
	defer stop()
	dbPath := filepath.Join(dir, "herald.db")
	link := filepath.Join(dir, "alias.db")
	if err := os.Symlink(dbPath, link); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(dbPath)
	for _, c := range []struct {
		out, code, says string
		force           bool
	}{
		{dbPath, bot.EINVALID, "is the database itself", true},
		{link, bot.EINVALID, "is the database itself", true},
		{dbPath + ".sock", bot.EINVALID, "control socket", true},
		{dir, bot.EINVALID, "not a regular file", true},
	} {
		p := NewProgram(nil)
		args := []string{"backup", "--config", cfg, c.out}
		if c.force {
			args = append(args, "--force")
		}
		err := p.Run(ctx, args)
		if bot.ErrorCode(err) != c.code || !strings.Contains(err.Error(), c.says) {
			t.Errorf("backup to %s: %v, want %s saying %q", c.out, err, c.code, c.says)
		}
	}
	if after, _ := os.ReadFile(dbPath); !bytes.Equal(before[:4096], after[:4096]) {
		t.Fatal("a refused backup changed the database")
	}
	old := filepath.Join(dir, "yesterday.db")
	os.WriteFile(old, []byte("an older backup"), 0o600)
	p := NewProgram(nil)
	if err := p.Run(ctx, []string{"backup", "--config", cfg, old}); bot.ErrorCode(err) != bot.ECONFLICT || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("backup over an existing file: %v", err)
	}
	if err := p.Run(ctx, []string{"backup", "--force", "--config", cfg, old}); err != nil {
		t.Fatalf("backup --force: %v", err)
	}
	if b, _ := os.ReadFile(old); bytes.Equal(b, []byte("an older backup")) {
		t.Fatal("--force did not replace the older backup")
	}
	// The running herald still holds its database.
	if err := NewProgram(nil).Run(ctx, []string{"backup", "--config", cfg, filepath.Join(dir, "again.db")}); err != nil {
		t.Fatalf("a backup after the refusals: %v", err)
	}
}

// TestATakenPortStopsHeraldBeforeAnything: when the address is taken,
// herald says so and stops before it creates the database or prints a
// console token "shown once" that nobody could then use.
func TestATakenPortStopsHeraldBeforeAnything(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "herald.yaml")
	db := filepath.Join(dir, "herald.db")
	os.WriteFile(cfg, []byte(fmt.Sprintf("store: {path: %s}\nhttp: {listen: %s}\n", db, taken.Addr())), 0o600)
	p := NewProgram(nil)
	err = p.Run(context.Background(), []string{"run", "--config", cfg})
	if err == nil || !strings.Contains(err.Error(), "cannot listen on "+taken.Addr().String()) || !strings.Contains(err.Error(), "--listen") {
		t.Fatalf("run on a taken port: %v", err)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatalf("the database was created: %v", err)
	}
	if strings.Contains(p.Stderr.String(), "shown once") {
		t.Fatalf("a token was printed:\n%s", p.Stderr)
	}
}

// TestBackupNeedsOnlyTheStore: a backup reads the store's section alone;
// a platform's secret unset in the backup's environment does not stop it.
func TestBackupNeedsOnlyTheStore(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "slack: {enabled: true, bot_token: \"${SLACK_BOT_TOKEN}\", signing_secret: \"${SLACK_SIGNING_SECRET}\"}\n")
	started := MustWriteConfig(t, t.TempDir(), "") // herald itself runs on the same database
	os.WriteFile(started, []byte(strings.Replace(mustRead(t, started), filepath.Dir(started), dir, 1)), 0o600)
	stop := MustStart(t, NewProgram(nil), started)
	stop()
	out := filepath.Join(t.TempDir(), "copy.db")
	if err := NewProgram(nil).Run(ctx, []string{"backup", "--config", cfg, out}); err != nil {
		t.Fatalf("backup with the platform's secrets unset: %v", err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Size() == 0 {
		t.Fatalf("no backup: %v", err)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
