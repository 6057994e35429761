package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/heraldchat/herald/adapters/adaptertest"
	"github.com/heraldchat/herald/adapters/web"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/store"
)

const token = "a-test-token-long-enough"

// runner is a fake command language that records what it was asked.
type runner struct {
	mu   sync.Mutex
	reqs []bottest.Request
}

func (r *runner) RunCommand(ctx context.Context, req bottest.Request) bot.CommandReply {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reqs = append(r.reqs, req)
	return bot.CommandReply{Messages: []bot.Message{{Text: "ran " + req.Text, Files: []bot.File{{Name: "r.csv", Data: []byte("a,b\n")}}}}}
}

func (r *runner) RunFile(ctx context.Context, a bot.Actor, f bot.File) bot.CommandReply {
	return r.RunCommand(ctx, bottest.Request{Actor: a, Text: "file " + f.Name, Files: []bot.File{f}})
}

// handler stands for the command language's inbound handler: participants'
// messages go to real threads; commands, buttons and files to the runner;
// in a thread, "note …" comes back as an internal note, "/…" runs on the
// runner with the thread, and anything else is a reply through threads.
type handler struct {
	threads interface {
		Receive(ctx context.Context, in threads.Incoming) (*bot.Conversation, error)
		Reply(ctx context.Context, thread bot.ThreadRef, from bot.Actor, m bot.Message) (threads.Delivery, error)
	}
	runner *runner
	// next, when set, handles everything instead.
	next func(ctx context.Context, in bot.Inbound) (bot.InboundReply, error)
}

func (h *handler) Handle(ctx context.Context, in bot.Inbound) (bot.InboundReply, error) {
	if h.next != nil {
		return h.next(ctx, in)
	}
	one := func(r bot.CommandReply) bot.InboundReply { return bot.InboundReply{Replies: []bot.CommandReply{r}} }
	switch in.Kind {
	case bot.InboundParticipantMessage:
		_, err := h.threads.Receive(ctx, threads.Incoming{From: in.From.Address, Name: in.From.Name, Email: in.Email, ID: in.ID, Copy: in.Copy, Message: bot.Message{Text: in.Text, Files: in.Files}})
		return bot.InboundReply{}, err
	case bot.InboundCommand, bot.InboundButton:
		return one(h.runner.RunCommand(ctx, bottest.Request{Actor: in.From, Text: in.Text, Files: in.Files, Signed: in.Signed})), nil
	case bot.InboundFile:
		return one(h.runner.RunFile(ctx, in.From, in.Files[0])), nil
	case bot.InboundThreadMessage:
		if note, ok := strings.CutPrefix(in.Text, "note "); ok {
			return bot.InboundReply{Echo: &bot.Echo{Internal: true, Message: bot.Message{Kind: bot.KindIdea, Text: note}}}, nil
		}
		if cmd, ok := strings.CutPrefix(in.Text, "/"); ok {
			return one(h.runner.RunCommand(ctx, bottest.Request{Actor: in.From, Text: cmd, Thread: in.Thread})), nil
		}
		m := bot.Message{Text: in.Text, Files: in.Files}
		out := bot.InboundReply{Echo: &bot.Echo{Message: m}}
		if _, err := h.threads.Reply(ctx, in.Thread, in.From, m); err != nil {
			out.Replies = []bot.CommandReply{{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant, Text: "refused: " + bot.ErrorMessage(err)}}}}
		}
		return out, nil
	}
	return bot.InboundReply{}, nil
}

type site struct {
	t        *testing.T
	srv      *httptest.Server
	adapter  *web.Adapter
	db       *store.DB
	runner   *runner
	handler  *handler
	contacts *contacts.Service
}

func newSite(t *testing.T) *site {
	t.Helper()
	return newSiteWith(t, nil)
}

// newSiteWith is newSite with edit applied to the adapter's config.
func newSiteWith(t *testing.T, edit func(*web.Config)) *site {
	t.Helper()
	clock := bottest.NewClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sum := sha256.Sum256([]byte(token))
	r := &runner{}
	threads := bottest.NewThreads(db, clock, nil, web.ConsoleChannel, nil)
	h := &handler{runner: r, threads: threads}
	people := threads.Contacts.(*contacts.Service)
	cfg := web.Config{Store: db, Handler: h, Conversations: threads, Contacts: people, Clock: clock, Key: []byte("k0123456789abcdef0123456789abcde"), TokenHash: sum[:]}
	if edit != nil {
		edit(&cfg)
	}
	a := web.New(cfg)
	threads.Messengers[bot.PlatformWeb], threads.Moderators = a, a
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &site{t: t, srv: srv, adapter: a, db: db, runner: r, handler: h, contacts: people}
}

// browser is an HTTP client with its own cookies.
func (s *site) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var dataRE = regexp.MustCompile(`data-(csrf|respondent)="([^"]*)"`)

// page gets a page and returns its data attributes.
func (s *site) page(c *http.Client, path string) (map[string]string, string) {
	s.t.Helper()
	resp, err := c.Get(s.srv.URL + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	out := map[string]string{}
	for _, m := range dataRE.FindAllStringSubmatch(string(body), -1) {
		out[m[1]] = m[2]
	}
	return out, string(body)
}

func (s *site) dial(c *http.Client, path string) (*websocket.Conn, *http.Response, error) {
	u, _ := url.Parse(s.srv.URL)
	h := http.Header{}
	for _, ck := range c.Jar.Cookies(u) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.srv.URL, "http")+path, &websocket.DialOptions{HTTPHeader: h})
}

func read(t *testing.T, ws *websocket.Conn) map[string]any {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, b, err := ws.Read(ctx)
	if err != nil {
		t.Fatalf("reading the socket: %v", err)
	}
	var ev map[string]any
	json.Unmarshal(b, &ev)
	return ev
}

func write(t *testing.T, ws *websocket.Conn, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if err := ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

// readUntil reads events until one has the given type.
func readUntil(t *testing.T, ws *websocket.Conn, typ string) map[string]any {
	t.Helper()
	for range 20 {
		if ev := read(t, ws); ev["type"] == typ {
			return ev
		}
	}
	t.Fatalf("no %s event", typ)
	return nil
}

func TestParticipantsSeeOnlyTheirOwnConversation(t *testing.T) {
	s := newSite(t)
	ana, bob := s.browser(), s.browser()
	pa, _ := s.page(ana, "/chat")
	pb, _ := s.page(bob, "/chat")
	if len(pa["respondent"]) != 22 || pa["respondent"] == pb["respondent"] {
		t.Fatalf("respondent ids %q %q", pa["respondent"], pb["respondent"])
	}
	wa, _, err := s.dial(ana, "/chat/ws?csrf="+pa["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer wa.CloseNow()
	readUntil(t, wa, "history")
	write(t, wa, map[string]string{"text": "secret of Ana"})
	if ev := readUntil(t, wa, "post"); !strings.Contains(toJSON(ev), "secret of Ana") {
		t.Fatalf("Ana's own post: %v", ev)
	}

	// Bob cannot use Ana's CSRF token, and his own socket shows nothing of hers.
	if _, resp, err := s.dial(bob, "/chat/ws?csrf="+pa["csrf"]); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("Bob with Ana's token: %v %v", err, resp)
	}
	wb, _, err := s.dial(bob, "/chat/ws?csrf="+pb["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer wb.CloseNow()
	if ev := readUntil(t, wb, "history"); strings.Contains(toJSON(ev), "secret") {
		t.Fatalf("Bob's history shows Ana's message: %v", ev)
	}
	// A message to Ana reaches her page, not Bob's.
	if _, err := s.adapter.Send(context.Background(), bot.Address{Platform: bot.PlatformWeb, ID: pa["respondent"]}, bot.Message{Text: "for Ana"}); err != nil {
		t.Fatal(err)
	}
	if ev := readUntil(t, wa, "post"); !strings.Contains(toJSON(ev), "for Ana") {
		t.Fatalf("Ana did not get her message: %v", ev)
	}
	write(t, wb, map[string]string{"text": "hello from Bob"})
	if ev := readUntil(t, wb, "post"); strings.Contains(toJSON(ev), "for Ana") {
		t.Fatalf("Bob got Ana's message: %v", ev)
	}
	if p, _ := s.adapter.Presence(context.Background(), bot.Address{Platform: bot.PlatformWeb, ID: pa["respondent"]}); p != bot.PresenceActive {
		t.Fatalf("Ana's presence with her page open: %q", p)
	}
	// Sending to something that is not a respondent id is refused; a
	// console moderator's own address is shown in the console (a try).
	if _, err := s.adapter.Send(context.Background(), bot.Address{Platform: bot.PlatformWeb, ID: "not-a-respondent"}, bot.Message{Text: "x"}); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("send to something else: %v", err)
	}
	if _, err := s.adapter.Send(context.Background(), bot.Address{Platform: bot.PlatformWeb, ID: "console:mo"}, bot.Message{Text: "x"}); err != nil {
		t.Fatalf("send to a console moderator: %v", err)
	}
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestChatLimitsSizeAndRate(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	p, _ := s.page(c, "/chat")
	ws, _, err := s.dial(c, "/chat/ws?csrf="+p["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	readUntil(t, ws, "history")
	write(t, ws, map[string]string{"text": strings.Repeat("x", 4001), "cid": "long"})
	if ev := readUntil(t, ws, "refused"); !strings.Contains(toJSON(ev), "too long") || ev["cid"] != "long" {
		t.Fatalf("a long message: %v", ev)
	}
	limited := false
	for i := range 8 {
		write(t, ws, map[string]string{"text": "fast " + string(rune('a'+i))})
	}
	for range 16 {
		if ev := read(t, ws); ev["type"] == "notice" && strings.Contains(toJSON(ev), "very fast") {
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("eight messages at once were not slowed down")
	}
}

func TestConsoleNeedsLoginAndCSRF(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	if _, body := s.page(c, "/console"); !strings.Contains(body, `name="token"`) {
		t.Fatal("the console shows without a login")
	}
	if _, resp, err := s.dial(c, "/console/ws?csrf=x"); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatal("the console socket opened without a login")
	}
	resp, _ := c.PostForm(s.srv.URL+"/console/login", url.Values{"token": {"wrong"}, "name": {"Mo"}})
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error") {
		t.Fatalf("a wrong token: %v", loc)
	}
	resp, _ = c.PostForm(s.srv.URL+"/console/login", url.Values{"token": {token}, "name": {"Mo"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	p, body := s.page(c, "/console")
	if !strings.Contains(body, "Conversations") || p["csrf"] == "" {
		t.Fatal("the console does not show after a login")
	}
	if _, resp, err := s.dial(c, "/console/ws?csrf=forged"); err == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatal("the console socket opened with a wrong CSRF token")
	}
	ws, _, err := s.dial(c, "/console/ws?csrf="+p["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	write(t, ws, map[string]string{"type": "command", "text": "status", "id": "1"})
	ev := readUntil(t, ws, "reply")
	if !strings.Contains(toJSON(ev), "ran status") {
		t.Fatalf("reply = %v", ev)
	}
	if got := s.runner.reqs[0].Actor.Address; got != (bot.Address{Platform: bot.PlatformWeb, ID: moderators.ConsolePrefix + "Mo"}) {
		t.Fatalf("the command ran as %v", got)
	}
	// The reply's file downloads for the session only.
	fileURL := ev["reply"].(map[string]any)["files"].([]any)[0].(map[string]any)["url"].(string)
	if resp, _ := c.Get(s.srv.URL + fileURL); resp.StatusCode != 200 {
		t.Fatalf("download: %d", resp.StatusCode)
	}
	if resp, _ := s.browser().Get(s.srv.URL + fileURL); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("download without a session: %d", resp.StatusCode)
	}
	// Uploads need the CSRF header.
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/console/upload", strings.NewReader(""))
	if resp, _ := c.Do(req); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("upload without CSRF: %d", resp.StatusCode)
	}
	// Logins are limited in attempts.
	limited := false
	for range 10 {
		resp, _ := s.browser().PostForm(s.srv.URL+"/console/login", url.Values{"token": {"guess"}})
		if resp.StatusCode == http.StatusTooManyRequests {
			limited = true
		}
	}
	if !limited {
		t.Fatal("ten wrong logins in a row were not slowed down")
	}
	// Someone guessing from the moderators' own address does not lock
	// them out: the right token still gets in.
	moderator := s.browser()
	resp, _ = moderator.PostForm(s.srv.URL+"/console/login", url.Values{"token": {token}, "name": {"Mo"}})
	if resp.StatusCode != http.StatusSeeOther || len(moderator.Jar.Cookies(mustURL(s.srv.URL))) == 0 {
		t.Fatalf("the right token, after a stranger's guesses from the same address: %d", resp.StatusCode)
	}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func TestThreadsAndReplies(t *testing.T) {
	s := newSite(t)
	// A moderator session.
	mod := s.browser()
	mod.PostForm(s.srv.URL+"/console/login", url.Values{"token": {token}, "name": {"Mo"}})
	pc, _ := s.page(mod, "/console")
	console, _, err := s.dial(mod, "/console/ws?csrf="+pc["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer console.CloseNow()
	readUntil(t, console, "threads")
	// A participant writes.
	ana := s.browser()
	pa, _ := s.page(ana, "/chat")
	chat, _, _ := s.dial(ana, "/chat/ws?csrf="+pa["csrf"])
	defer chat.CloseNow()
	readUntil(t, chat, "history")
	write(t, chat, map[string]string{"text": "hello?"})
	var thread string
	for thread == "" {
		ev := read(t, console)
		if ev["type"] == "post" && strings.Contains(toJSON(ev), "hello?") {
			thread = ev["thread"].(string)
		}
	}
	write(t, console, map[string]string{"type": "reply", "thread": thread, "text": "note check her order first"})
	write(t, console, map[string]string{"type": "reply", "thread": thread, "text": "Hi Ana!"})
	for {
		ev := readUntil(t, chat, "post")
		if strings.Contains(toJSON(ev), "check her order") {
			t.Fatal("an internal note reached the participant")
		}
		if strings.Contains(toJSON(ev), "Hi Ana!") {
			break
		}
	}
	// A /command in the thread runs with the thread, its answer internal.
	write(t, console, map[string]string{"type": "reply", "thread": thread, "text": "/tag add vip"})
	for {
		ev := readUntil(t, console, "post")
		if strings.Contains(toJSON(ev), "ran tag add vip") {
			if ev["post"].(map[string]any)["internal"] != true {
				t.Fatalf("a command's answer is not internal: %v", ev)
			}
			break
		}
	}
	last := s.runner.reqs[len(s.runner.reqs)-1]
	if last.Text != "tag add vip" || last.Thread.ID != thread {
		t.Fatalf("thread command ran as %+v", last)
	}
	convs, _ := s.db.Conversations(context.Background(), bot.ConversationFilter{})
	if len(convs) != 1 || convs[0].Thread.ID != thread {
		t.Fatalf("conversations = %+v", convs)
	}
}

func TestConsoleLoginsCanBeListed(t *testing.T) {
	s := newSite(t)
	mux := http.NewServeMux()
	sum := sha256.Sum256([]byte(token))
	clock := bottest.NewClock(time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC))
	a := web.New(web.Config{Store: s.db, Handler: &handler{runner: s.runner}, Clock: clock, Key: []byte("k0123456789abcdef0123456789abcde"), TokenHash: sum[:], Logins: []string{"mo"}})
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c := s.browser()
	resp, _ := c.PostForm(srv.URL+"/console/login", url.Values{"token": {token}, "name": {"eve"}})
	if !strings.Contains(resp.Header.Get("Location"), "error") {
		t.Fatal("a name not listed logged in")
	}
	resp, _ = c.PostForm(srv.URL+"/console/login", url.Values{"token": {token}, "name": {"mo"}})
	if resp.StatusCode != http.StatusSeeOther || strings.Contains(resp.Header.Get("Location"), "error") {
		t.Fatal("a listed name could not log in")
	}
}

func TestConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) *adaptertest.Harness {
		s := newSite(t)
		render := func(ps []*bot.Post) []string {
			var out []string
			for _, p := range ps {
				m := p.Message
				text := m.Title + "\n" + m.Text
				for _, f := range m.Fields {
					text += "\n" + f.Label + ": " + f.Value
				}
				out = append(out, text)
			}
			return out
		}
		return &adaptertest.Harness{
			Messenger:   s.adapter,
			Participant: bot.Address{Platform: bot.PlatformWeb, ID: "AAAAAAAAAAAAAAAAAAAAAA"},
			Received: func(to bot.Address) []string {
				ps, _ := s.db.Posts(context.Background(), to, "", 0, 0)
				return render(ps)
			},
			Refused: bot.Address{Platform: bot.PlatformWeb, ID: "not-a-respondent"},
			Channel: web.ConsoleChannel,
			ThreadReceived: func(tr bot.ThreadRef) []string {
				ps, _ := s.db.Posts(context.Background(), web.ConsoleChannel, tr.ID, 0, 0)
				return render(ps)
			},
		}
	})
}

// upload sends a file from a participant's chat page.
func (s *site) upload(c *http.Client, csrf, name string, data []byte, text string) *http.Response {
	s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.WriteField("text", text)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/chat/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestFilesBothWays: a participant's file reaches their thread and is
// theirs and the moderators' to download, nobody else's; a moderator's
// file reaches the participant; uploads need the page's CSRF token and
// stop at 10 MB.
func TestFilesBothWays(t *testing.T) {
	s := newSite(t)
	mod := s.browser()
	mod.PostForm(s.srv.URL+"/console/login", url.Values{"token": {token}, "name": {"Mo"}})
	ana := s.browser()
	pa, _ := s.page(ana, "/chat")
	if resp := s.upload(ana, "", "ticket.pdf", []byte("%PDF"), ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("an upload without the CSRF token: %d", resp.StatusCode)
	}
	if resp := s.upload(ana, pa["csrf"], "huge.bin", make([]byte, 10<<20+1), ""); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("an upload over 10 MB: %d", resp.StatusCode)
	}
	if resp := s.upload(ana, pa["csrf"], `C:\Users\ana\ticket.pdf`, []byte("%PDF ticket"), "my ticket"); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("an upload: %d", resp.StatusCode)
	}
	convs, _ := s.db.Conversations(context.Background(), bot.ConversationFilter{})
	if len(convs) != 1 {
		t.Fatalf("conversations: %+v", convs)
	}
	posts, _ := s.db.Posts(context.Background(), web.ConsoleChannel, convs[0].Thread.ID, 0, 0)
	var id string
	for _, p := range posts {
		if strings.HasSuffix(p.Message.Text, "my ticket") && len(p.Message.Files) == 1 && p.Message.Files[0].Name == "ticket.pdf" {
			id = p.Message.Files[0].ID
		}
	}
	if id == "" {
		t.Fatalf("the file is not in the thread: %s", toJSON(posts))
	}
	get := func(c *http.Client, path string) (int, string, http.Header) {
		resp, err := c.Get(s.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	if code, body, h := get(ana, "/chat/files/"+id); code != 200 || body != "%PDF ticket" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Fatalf("the participant's download: %d %q %v", code, body, h)
	}
	if code, body, _ := get(mod, "/console/files/"+id); code != 200 || body != "%PDF ticket" {
		t.Fatalf("the moderator's download: %d %q", code, body)
	}
	bob := s.browser()
	s.page(bob, "/chat")
	if code, _, _ := get(bob, "/chat/files/"+id); code != http.StatusNotFound {
		t.Fatalf("another participant downloaded the file: %d", code)
	}
	// A moderator's reply with a file.
	if _, err := s.adapter.UploadFile(context.Background(), convs[0].Participant, bot.File{Name: "form.pdf", Data: []byte("%PDF form")}, "the form"); err != nil {
		t.Fatal(err)
	}
	mine, _ := s.db.Posts(context.Background(), convs[0].Participant, "", 0, 0)
	last := mine[len(mine)-1].Message
	if last.Text != "the form" || len(last.Files) != 1 {
		t.Fatalf("the participant's last post: %+v", last)
	}
	if code, body, _ := get(ana, "/chat/files/"+last.Files[0].ID); code != 200 || body != "%PDF form" {
		t.Fatalf("the participant's download of the moderator's file: %d %q", code, body)
	}
	// From the console: a file attached to a thread reply.
	pc, _ := s.page(mod, "/console")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "map.png")
	fw.Write([]byte("PNG map"))
	mw.WriteField("thread", convs[0].Thread.ID)
	mw.WriteField("text", "the way to room B12")
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/console/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", pc["csrf"])
	if resp, err := mod.Do(req); err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("a file from the console: %v %v", resp, err)
	}
	mine, _ = s.db.Posts(context.Background(), convs[0].Participant, "", 0, 0)
	last = mine[len(mine)-1].Message
	if last.Text != "the way to room B12" || len(last.Files) != 1 {
		t.Fatalf("the participant's last post: %+v", last)
	}
	if code, body, _ := get(ana, "/chat/files/"+last.Files[0].ID); code != 200 || body != "PNG map" {
		t.Fatalf("the participant's download of the console's file: %d %q", code, body)
	}
}

// TestInboundConformance drives the inbound half through the console's
// websocket.
func TestInboundConformance(t *testing.T) {
	adaptertest.RunInbound(t, func(t *testing.T) *adaptertest.InboundHarness {
		s := newSite(t)
		var lang bot.InboundHandler
		s.handler.next = func(ctx context.Context, in bot.Inbound) (bot.InboundReply, error) { return lang.Handle(ctx, in) }
		mod := s.browser()
		mod.PostForm(s.srv.URL+"/console/login", url.Values{"token": {token}, "name": {"mo"}})
		pc, _ := s.page(mod, "/console")
		console, _, err := s.dial(mod, "/console/ws?csrf="+pc["csrf"])
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { console.CloseNow() })
		go func() { // the console's events are not looked at
			for {
				if _, _, err := console.Read(context.Background()); err != nil {
					return
				}
			}
		}()
		return &adaptertest.InboundHarness{
			Surface: s.adapter, Channel: web.ConsoleChannel, Store: s.db,
			Moderator: bot.Address{Platform: bot.PlatformWeb, ID: moderators.ConsolePrefix + "mo"},
			Serve:     func(h bot.InboundHandler) { lang = h },
			Language: func(th *threads.Service, auth *moderators.Set) bot.InboundHandler {
				clock := clock.System()
				deps := commands.Deps{Conversations: th, Snippets: s.db, Clock: clock,
					Campaigns: &campaigns.Service{Store: s.db, Clock: clock}, Lists: &lists.Service{Store: s.db}}
				return commands.NewInbound(commands.New(deps, commands.NewText(commands.LocaleEnglish), auth, nil, nil), th)
			},
			Write: func(th bot.ThreadRef, text string) {
				write(t, console, map[string]string{"type": "reply", "thread": th.ID, "text": text})
			},
			Shown: func(th bot.ThreadRef) []string {
				posts, err := s.db.Posts(context.Background(), web.ConsoleChannel, th.ID, 0, 0)
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, p := range posts {
					if p.From.Name == "herald" {
						out = append(out, p.Message.Text)
					}
				}
				return out
			},
		}
	})
}

// TestChatKeepsAMessageOnceByItsClientID: the page sends again, after a
// reconnection, what was not acknowledged; a message already kept is
// acknowledged again and kept once, relayed once.
func TestChatKeepsAMessageOnceByItsClientID(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	p, _ := s.page(c, "/chat")
	for range 2 {
		ws, _, err := s.dial(c, "/chat/ws?csrf="+p["csrf"])
		if err != nil {
			t.Fatal(err)
		}
		readUntil(t, ws, "history")
		write(t, ws, map[string]string{"text": "typed while offline", "cid": "k1"})
		if ev := readUntil(t, ws, "ack"); ev["cid"] != "k1" {
			t.Fatalf("ack: %v", ev)
		}
		ws.CloseNow()
	}
	ws, _, err := s.dial(c, "/chat/ws?csrf="+p["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	ev := readUntil(t, ws, "history")
	if n := strings.Count(toJSON(ev), "typed while offline"); n != 1 {
		t.Fatalf("the message is kept %d times: %v", n, ev)
	}
	evs, _ := s.db.Events(context.Background(), 0, 0)
	received := 0
	for _, e := range evs {
		if e.Type == bot.EventMessageReceived {
			received++
		}
	}
	if received != 1 {
		t.Fatalf("the message was received %d times", received)
	}
}

// postJSON posts body to path as the page does, and returns the status
// and the answer's body.
func (s *site) postJSON(c *http.Client, csrf, path, body string) (int, string) {
	s.t.Helper()
	req, _ := http.NewRequest("POST", s.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestSecondDeviceIsLinkedOnlyByTheEmailedCode: a visitor who gives the
// email another contact has is neither refused nor made that contact on
// their word: their messages are kept and relayed as their own, a code
// goes to the email, a wrong code is refused, and the right one links
// the chat to the contact.
func TestSecondDeviceIsLinkedOnlyByTheEmailedCode(t *testing.T) {
	s := newSite(t)
	mail := bottest.NewMessenger(bot.PlatformEmail)
	s.contacts.Mail = mail
	ctx := context.Background()
	ana := &bot.Contact{Name: "Ana", Email: "ana@example.org", Addresses: []bot.ContactAddress{{Address: bot.Address{Platform: bot.PlatformTelegram, ID: "1"}}}}
	if err := s.db.CreateContact(ctx, ana); err != nil {
		t.Fatal(err)
	}
	c := s.browser()
	p, _ := s.page(c, "/chat")
	me := bot.Address{Platform: bot.PlatformWeb, ID: p["respondent"]}
	if st, body := s.postJSON(c, p["csrf"], "/chat/profile", `{"n":"Ana","e":"ana@example.org"}`); st != 200 || !strings.Contains(body, `"code_sent":true`) {
		t.Fatalf("profile: %d %s", st, body)
	}
	visitor, err := s.db.ContactByAddress(ctx, me)
	if err != nil || visitor.ID == ana.ID || visitor.Email != "" || visitor.Claim == nil || visitor.Claim.Email != "ana@example.org" {
		t.Fatalf("before the code the visitor is %+v %v", visitor, err)
	}
	ws, _, err := s.dial(c, "/chat/ws?csrf="+p["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	readUntil(t, ws, "history")
	write(t, ws, map[string]string{"text": "it is me, on my phone", "cid": "p1"})
	readUntil(t, ws, "ack")
	evs, _ := s.db.Events(ctx, 0, 0)
	if len(evs) == 0 || evs[len(evs)-1].Type != bot.EventMessageReceived || evs[len(evs)-1].ContactID != visitor.ID {
		t.Fatalf("the message is not the visitor's own: %+v", evs)
	}
	sent := mail.SentTo(bot.Address{Platform: bot.PlatformEmail, ID: "ana@example.org"})
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(toJSON(sent))
	if len(sent) != 1 || code == "" {
		t.Fatalf("the code email: %+v", sent)
	}
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	if st, body := s.postJSON(c, p["csrf"], "/chat/confirm", `{"code":"`+wrong+`"}`); st != 400 || !strings.Contains(body, "not right") {
		t.Fatalf("a wrong code: %d %s", st, body)
	}
	if ct, _ := s.db.ContactByAddress(ctx, me); ct.ID != visitor.ID {
		t.Fatalf("a wrong code linked the chat to %+v", ct)
	}
	if st, body := s.postJSON(c, p["csrf"], "/chat/confirm", `{"code":"`+code+`"}`); st != 204 {
		t.Fatalf("the right code: %d %s", st, body)
	}
	if ct, err := s.db.ContactByAddress(ctx, me); err != nil || ct.ID != ana.ID || len(ct.Addresses) != 2 {
		t.Fatalf("after the code the chat belongs to %+v %v", ct, err)
	}
	if st, _ := s.postJSON(c, p["csrf"], "/chat/confirm", `{"code":"`+code+`"}`); st != 400 {
		t.Fatalf("a code used twice: %d", st)
	}
}

// TestUploadedFileNamesAreCleaned: a file name that hides its extension
// behind a right-to-left mark ("evil\u202etxt.exe" shows as
// "evilexe.txt") or carries control characters is kept without them.
func TestUploadedFileNamesAreCleaned(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	p, _ := s.page(c, "/chat")
	resp := s.upload(c, p["csrf"], "evil\u202etxt.exe", []byte("MZ"), "")
	if resp.StatusCode >= 300 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	ws, _, err := s.dial(c, "/chat/ws?csrf="+p["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	history := toJSON(readUntil(t, ws, "history"))
	if !strings.Contains(history, `"name":"eviltxt.exe"`) || strings.Contains(history, "\\u202e") {
		t.Fatalf("the file is kept as: %s", history)
	}
}

// TestLoginFromAnotherSiteIsRefused: a login form posted from another
// site (login CSRF) is refused before the token is even read; the
// console's own page logs in.
func TestLoginFromAnotherSiteIsRefused(t *testing.T) {
	s := newSite(t)
	post := func(headers map[string]string) int {
		req, _ := http.NewRequest(http.MethodPost, s.srv.URL+"/console/login", strings.NewReader(url.Values{"token": {"wrong"}, "name": {"Mo"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(map[string]string{"Sec-Fetch-Site": "cross-site"}); code != http.StatusForbidden {
		t.Errorf("a cross-site login: %d, want 403", code)
	}
	if code := post(map[string]string{"Origin": "https://evil.example"}); code != http.StatusForbidden {
		t.Errorf("a login from another origin: %d, want 403", code)
	}
	if code := post(map[string]string{"Sec-Fetch-Site": "same-origin"}); code != http.StatusSeeOther {
		t.Errorf("a login from the console: %d, want 303 (to the page, here with a wrong token)", code)
	}
}

// openFiles counts this process's open file handles (Linux).
func openFiles(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd here")
	}
	return len(fds)
}

// TestDroppedPagesLetGoOfTheirHandles: pages that drop their connection
// abruptly (no close handshake, as a closed laptop or a killed tab) are let
// go: their sockets close and the handles come back.
func TestDroppedPagesLetGoOfTheirHandles(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	p, _ := s.page(c, "/chat")
	before := openFiles(t)
	for range 100 {
		ws, _, err := s.dial(c, "/chat/ws?csrf="+p["csrf"])
		if err != nil {
			t.Fatal(err)
		}
		readUntil(t, ws, "history")
		ws.CloseNow() // no close frame
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.adapter.OpenSockets() > 0 || openFiles(t) > before+10 {
		if time.Now().After(deadline) {
			t.Fatalf("after 100 dropped pages: %d sockets open, %d handles (from %d)", s.adapter.OpenSockets(), openFiles(t), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAVisitorsIdIsNoCredential: the respondent id is shown on the page,
// in the console and in reports; a cookie carrying someone else's id
// without herald's signature gets a visitor of its own, never their
// history, files or voice.
func TestAVisitorsIdIsNoCredential(t *testing.T) {
	s := newSite(t)
	victim := s.browser()
	p, _ := s.page(victim, "/chat")
	if resp := s.upload(victim, p["csrf"], "secret.txt", []byte("the victim's"), "my file"); resp.StatusCode >= 300 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	posts, _ := s.db.Posts(context.Background(), bot.Address{Platform: bot.PlatformWeb, ID: p["respondent"]}, "", 0, 0)
	if len(posts) != 1 || len(posts[0].Message.Files) != 1 {
		t.Fatalf("the victim's posts: %+v", posts)
	}
	fileID := posts[0].Message.Files[0].ID

	attacker := s.browser()
	u, _ := url.Parse(s.srv.URL)
	attacker.Jar.SetCookies(u, []*http.Cookie{{Name: "herald_rid", Value: p["respondent"]}})
	got, _ := s.page(attacker, "/chat")
	if got["respondent"] == p["respondent"] {
		t.Fatal("an unsigned cookie with the victim's id was taken as the victim")
	}
	// Even with the victim's id and the page's token (as if it leaked).
	attacker.Jar.SetCookies(u, []*http.Cookie{{Name: "herald_rid", Value: p["respondent"] + ".forged"}})
	if _, resp, err := s.dial(attacker, "/chat/ws?csrf="+p["csrf"]); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the victim's socket opened for a forged cookie: %v", err)
	}
	resp, err := attacker.Get(s.srv.URL + "/chat/files/" + fileID)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the victim's file: %d", resp.StatusCode)
	}
}

// TestConsoleSessionsEnd: a session ends at logout (its cookie, kept by
// someone, opens nothing any more, and its open socket stops taking
// commands); "log out everywhere" ends the moderator's other sessions.
func TestConsoleSessionsEnd(t *testing.T) {
	s := newSite(t)
	login := func() (*http.Client, map[string]string) {
		c := s.browser()
		c.PostForm(s.srv.URL+"/console/login", url.Values{"token": {token}, "name": {"Mo"}})
		p, _ := s.page(c, "/console")
		if p["csrf"] == "" {
			t.Fatal("no console after a login")
		}
		return c, p
	}
	laptop, pl := login()
	phone, pp := login()
	kept := laptop.Jar.Cookies(mustURL(s.srv.URL)) // what a thief copied
	ws, _, err := s.dial(laptop, "/console/ws?csrf="+pl["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	readUntil(t, ws, "threads")

	laptop.PostForm(s.srv.URL+"/console/logout", url.Values{"csrf": {pl["csrf"]}})
	thief := s.browser()
	thief.Jar.SetCookies(mustURL(s.srv.URL), kept)
	if p, _ := s.page(thief, "/console"); p["csrf"] != "" {
		t.Fatal("a logged-out session's cookie still opens the console")
	}
	if _, _, err := s.dial(thief, "/console/ws?csrf="+pl["csrf"]); err == nil {
		t.Fatal("a logged-out session's cookie still opens the console's socket")
	}
	write(t, ws, map[string]string{"type": "command", "id": "1", "text": "campaign new After logout"})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			break // closed: nothing was run
		}
		if strings.Contains(string(data), `"reply"`) {
			t.Fatalf("the socket of a logged-out session still runs commands: %s", data)
		}
	}
	s.runner.mu.Lock()
	ran := len(s.runner.reqs)
	s.runner.mu.Unlock()
	if ran != 0 {
		t.Fatalf("%d commands ran", ran)
	}

	if p, _ := s.page(phone, "/console"); p["csrf"] == "" {
		t.Fatal("logging out on the laptop ended the phone's session")
	}
	other, po := login()
	other.PostForm(s.srv.URL+"/console/logout", url.Values{"csrf": {po["csrf"]}, "all": {"1"}})
	if p, _ := s.page(phone, "/console"); p["csrf"] != "" || pp["csrf"] == "" {
		t.Fatal("log out everywhere left the phone's session")
	}
}

// TestACampaignMessageIsShownOnce: herald is the web chat's platform, so
// a campaign message sent again under its key (after a crash, the sending
// was in flight) is found, not shown twice, and the engine need not flag
// it as sent again.
func TestACampaignMessageIsShownOnce(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	p, _ := s.page(c, "/chat")
	to := bot.Address{Platform: bot.PlatformWeb, ID: p["respondent"]}
	ctx := context.Background()
	ref, already, err := s.adapter.SendOnce(ctx, to, bot.Message{Text: "Our webinar starts at 10."}, "h7.42")
	if err != nil || already {
		t.Fatalf("first: %v %v", already, err)
	}
	again, already, err := s.adapter.SendOnce(ctx, to, bot.Message{Text: "Our webinar starts at 10."}, "h7.42")
	if err != nil || !already || again != ref {
		t.Fatalf("again: %+v %v %v (first %+v)", again, already, err, ref)
	}
	ws, _, err := s.dial(c, "/chat/ws?csrf="+p["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	if n := strings.Count(toJSON(readUntil(t, ws, "history")), "Our webinar starts at 10."); n != 1 {
		t.Fatalf("the message is shown %d times", n)
	}
}

// TestVisitorsAreLimitedByAddress: new visitor ids are free to get, so the
// limits that matter are per address: new visitors a minute and open
// pages; a trusted proxy's X-Forwarded-For names the address, anyone
// else's is ignored.
func TestVisitorsAreLimitedByAddress(t *testing.T) {
	s := newSiteWith(t, func(c *web.Config) {
		c.Limits = web.Limits{VisitorsPerMinute: 2, SocketsPerAddress: 2}
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	})
	get := func(c *http.Client, from string) int {
		req, _ := http.NewRequest("GET", s.srv.URL+"/chat", nil)
		if from != "" {
			req.Header.Set("X-Forwarded-For", from)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i, want := range []int{200, 200, 429} {
		if got := get(s.browser(), "203.0.113.7"); got != want {
			t.Fatalf("new visitor %d from one address: %d, want %d", i+1, got, want)
		}
	}
	if got := get(s.browser(), "203.0.113.8"); got != 200 {
		t.Fatalf("a new visitor from another address: %d", got)
	}
	// Open pages: two per address, the third refused.
	c := s.browser()
	p, _ := s.page(c, "/chat")
	var open []*websocket.Conn
	for range 2 {
		ws, _, err := s.dial(c, "/chat/ws?csrf="+p["csrf"])
		if err != nil {
			t.Fatal(err)
		}
		open = append(open, ws)
	}
	if _, resp, err := s.dial(c, "/chat/ws?csrf="+p["csrf"]); err == nil || resp == nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a third page from one address: %v", err)
	}
	open[0].Close(websocket.StatusNormalClosure, "")
	deadline := time.Now().Add(5 * time.Second)
	for {
		ws, _, err := s.dial(c, "/chat/ws?csrf="+p["csrf"])
		if err == nil {
			ws.CloseNow()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a page closed did not make room: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	open[1].CloseNow()
}

// TestTheRoomForFilesIsBounded: past web.limits.files_mb, a participant's
// file is refused with a word on what to do, and nothing is kept.
func TestTheRoomForFilesIsBounded(t *testing.T) {
	s := newSiteWith(t, func(c *web.Config) { c.Limits = web.Limits{FilesMB: 1} })
	c := s.browser()
	p, _ := s.page(c, "/chat")
	big := make([]byte, 600<<10)
	if resp := s.upload(c, p["csrf"], "a.bin", big, ""); resp.StatusCode >= 300 {
		t.Fatalf("the first file: %d", resp.StatusCode)
	}
	if resp := s.upload(c, p["csrf"], "b.bin", big, ""); resp.StatusCode != http.StatusInsufficientStorage {
		t.Fatalf("the second file: %d", resp.StatusCode)
	}
	if n, _ := s.db.PostFilesSize(context.Background()); n != 600<<10 {
		t.Fatalf("files kept: %d bytes", n)
	}
}

// TestCampaignMessagesSeen: a campaign's message is recorded seen when an
// open page shows it, or when a page opens on a conversation that holds
// it; a message for a closed page is not seen yet, and one recorded lately
// is not recorded again.
func TestCampaignMessagesSeen(t *testing.T) {
	var mu sync.Mutex
	seen := map[bot.SendingID]int{}
	s := newSiteWith(t, func(c *web.Config) {
		c.Seen = func(_ context.Context, id bot.CampaignID, sid bot.SendingID) error {
			mu.Lock()
			defer mu.Unlock()
			if id == 7 {
				seen[sid]++
			}
			return nil
		}
	})
	count := func(sid bot.SendingID) int { mu.Lock(); defer mu.Unlock(); return seen[sid] }
	ana, bob := s.browser(), s.browser()
	pa, _ := s.page(ana, "/chat")
	pb, _ := s.page(bob, "/chat")
	wa, _, err := s.dial(ana, "/chat/ws?csrf="+pa["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer wa.CloseNow()
	readUntil(t, wa, "history")
	ctx := context.Background()
	send := func(to string, sid bot.SendingID) {
		t.Helper()
		m := bot.Message{Text: "Our launch", Tracking: &bot.Tracking{Campaign: 7, Sending: sid}}
		if _, err := s.adapter.Send(ctx, bot.Address{Platform: bot.PlatformWeb, ID: to}, m); err != nil {
			t.Fatal(err)
		}
	}
	send(pa["respondent"], 1)
	readUntil(t, wa, "post")
	send(pb["respondent"], 2) // Bob's page is closed
	if count(1) != 1 || count(2) != 0 {
		t.Fatalf("seen: %v", seen)
	}
	wb, _, err := s.dial(bob, "/chat/ws?csrf="+pb["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer wb.CloseNow()
	readUntil(t, wb, "history")
	// Ana opens a second page: her message is not recorded again.
	wa2, _, err := s.dial(ana, "/chat/ws?csrf="+pa["csrf"])
	if err != nil {
		t.Fatal(err)
	}
	defer wa2.CloseNow()
	readUntil(t, wa2, "history")
	if count(1) != 1 || count(2) != 1 {
		t.Fatalf("seen after the pages opened: %v", seen)
	}
}

// TestProfileSavesArePaced: each save of the chat's profile may email a
// code, so a visitor saving over and over is told to wait (429) after a
// few, and no more codes go out meanwhile.
func TestProfileSavesArePaced(t *testing.T) {
	s := newSite(t)
	mail := bottest.NewMessenger(bot.PlatformEmail)
	s.contacts.Mail = mail
	c := s.browser()
	p, _ := s.page(c, "/chat")
	var refused int
	for i := range 6 {
		st, body := s.postJSON(c, p["csrf"], "/chat/profile", fmt.Sprintf(`{"n":"Ana","e":"ana%d@example.org"}`, i))
		switch {
		case st == http.StatusTooManyRequests:
			refused++
		case st != 200:
			t.Fatalf("save %d: %d %s", i, st, body)
		}
	}
	if refused != 3 || len(mail.Sent()) != 3 {
		t.Fatalf("%d of 6 saves refused, %d codes sent; want 3 and 3", refused, len(mail.Sent()))
	}
}

// TestCodesFromOneAddressArePaced: many visitors from one address (fresh
// chats, each saving an email) get 30 codes at once, then wait.
func TestCodesFromOneAddressArePaced(t *testing.T) {
	s := newSite(t)
	mail := bottest.NewMessenger(bot.PlatformEmail)
	s.contacts.Mail = mail
	refused := 0
	for i := range 32 {
		c := s.browser()
		p, _ := s.page(c, "/chat")
		st, body := s.postJSON(c, p["csrf"], "/chat/profile", fmt.Sprintf(`{"n":"V%d","e":"v%d@example.org"}`, i, i))
		switch {
		case st == http.StatusTooManyRequests:
			refused++
		case st != 200:
			t.Fatalf("visitor %d: %d %s", i, st, body)
		}
	}
	if refused != 2 || len(mail.Sent()) != 30 {
		t.Fatalf("%d of 32 refused, %d codes sent; want 2 and 30", refused, len(mail.Sent()))
	}
}
