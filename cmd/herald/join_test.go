package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/heraldchat/herald/adapters/discord/discordfake"
	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

// TestSurfaceOnJoin: with threads.surface_on_join, a participant's
// thread opens when they join, before they write: a web visitor opening
// the chat, a Slack user opening herald's App Home, a Discord member
// joining the guild (herald then asks for the privileged members intent).
func TestSurfaceOnJoin(t *testing.T) {
	t.Run("web", func(t *testing.T) {
		p := NewProgram(nil)
		MustStart(t, p, MustWriteConfig(t, t.TempDir(), "threads: {surface_on_join: true}\n"))
		rid, saveProfile := visitChatWithProfile(t, p.HTTPAddr())
		// Opening the page is not joining (anyone can, as often as they
		// like); saying who they are is.
		if !p.ThreadOf(bot.Address{Platform: bot.PlatformWeb, ID: rid}).IsZero() {
			t.Fatal("a thread opened for a visitor who only opened the page")
		}
		saveProfile("Ana", "")
		waitUntil(t, p, "the visitor's thread", func() bool {
			return !p.ThreadOf(bot.Address{Platform: bot.PlatformWeb, ID: rid}).IsZero()
		})
	})
	t.Run("slack app home", func(t *testing.T) {
		fake, err := slackfake.Start("xoxb-test")
		if err != nil {
			t.Fatal(err)
		}
		defer fake.Close()
		fake.AppToken = "xapp-test"
		fake.Join("CMODS")
		fake.AddUser(slackfake.User{ID: "UZED", Name: "zed"})
		p := NewProgram(nil)
		MustStart(t, p, MustWriteConfig(t, t.TempDir(), "slack: {enabled: true, mode: socket, bot_token: xoxb-test, app_token: xapp-test, channel: CMODS, api_url: \""+fake.URL()+"\"}\nthreads: {surface_on_join: true}\n"))
		fake.SendSocket("events_api", map[string]any{"type": "event_callback", "event_id": "EvHome1", "event": map[string]any{
			"type": "app_home_opened", "user": "UZED", "channel": "DZED", "tab": "messages"}})
		waitUntil(t, p, "Zed's thread", func() bool { return !p.ThreadOf(bot.Address{Platform: bot.PlatformSlack, ID: "UZED"}).IsZero() })
	})
	t.Run("discord member", func(t *testing.T) {
		fake, err := discordfake.Start("dc-token")
		if err != nil {
			t.Fatal(err)
		}
		defer fake.Close()
		fake.MembersIntent = true
		p := NewProgram(nil)
		MustStart(t, p, MustWriteConfig(t, t.TempDir(), "discord: {enabled: true, token: dc-token, application_id: \"123\", guild_id: \"777\", channel: \"4444\", api_url: \"http://"+fake.Addr()+"\"}\nthreads: {surface_on_join: true}\nmoderators: {discord: {group: R-MODS}}\n"))
		waitUntil(t, p, "the gateway", func() bool { return fake.Gateways() > 0 })
		fake.MemberJoins("777", "4010", "Zed")
		waitUntil(t, p, "the member's thread", func() bool { return !p.ThreadOf(bot.Address{Platform: bot.PlatformDiscord, ID: "4010"}).IsZero() })
		if parent := fake.Threads()[p.ThreadOf(bot.Address{Platform: bot.PlatformDiscord, ID: "4010"}).ID]; parent != "4444" {
			t.Fatalf("the thread is not in the moderators' channel: %v", fake.Threads())
		}
		// With the intent, a role given or taken away counts at once
		// (roles are otherwise kept a minute).
		zed := bot.Actor{Address: bot.Address{Platform: bot.PlatformDiscord, ID: "4010"}, Name: "Zed"}
		status := func() bool {
			r := p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: zed, Text: "status"})
			return len(r.Messages) > 0 && !strings.Contains(r.Messages[0].Text, "only moderators")
		}
		fake.MemberUpdate("777", "4010", "R-MODS")
		waitUntil(t, p, "the role given to count", status)
		fake.MemberUpdate("777", "4010")
		waitUntil(t, p, "the role's loss to count", func() bool { return !status() })
	})
	t.Run("discord without the intent", func(t *testing.T) {
		fake, err := discordfake.Start("dc-token")
		if err != nil {
			t.Fatal(err)
		}
		defer fake.Close()
		p := NewProgram(nil)
		MustStart(t, p, MustWriteConfig(t, t.TempDir(), "discord: {enabled: true, token: dc-token, application_id: \"123\", guild_id: \"777\", api_url: \"http://"+fake.Addr()+"\"}\nthreads: {surface_on_join: true}\n"))
		mod := consoleMod
		waitUntil(t, p, "status to say what to turn on", func() bool {
			r := p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: mod, Text: "status"})
			return len(r.Messages) > 0 && strings.Contains(r.Messages[0].Text, "Server Members Intent")
		})
	})
}

// visitChat opens the chat page and its socket as a new visitor would,
// keeps the socket open until the test ends, and returns the visitor's
// respondent id.
func visitChat(t *testing.T, addr string) string {
	t.Helper()
	rid, _ := visitChatWithProfile(t, addr)
	return rid
}

// visitChatWithProfile is visitChat, with a function that saves the
// visitor's profile (name, email) as the page's form does.
func visitChatWithProfile(t *testing.T, addr string) (string, func(name, email string)) {
	t.Helper()
	rid, _, save := openChat(t, addr)
	return rid, save
}

// openChat is visitChatWithProfile with the visitor's socket, to write
// and read on.
func openChat(t *testing.T, addr string) (string, *websocket.Conn, func(name, email string)) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.Get("http://" + addr + "/chat")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`data-csrf="([^"]+)" data-respondent="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf and respondent in the chat page")
	}
	ws, _, err := websocket.Dial(context.Background(), "ws://"+addr+"/chat/ws?csrf="+string(m[1]), &websocket.DialOptions{HTTPClient: c})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ws.CloseNow() })
	// The first frame (the history) says the visitor is recorded.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, _, err := ws.Read(ctx); err != nil {
		t.Fatal(err)
	}
	save := func(name, email string) {
		t.Helper()
		body, _ := json.Marshal(map[string]string{"n": name, "e": email})
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/chat/profile", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", string(m[1]))
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("saving the profile: %d", resp.StatusCode)
		}
	}
	return string(m[2]), ws, save
}
