package main_test

// The security findings, tried as an attacker would against the running
// program: each test starts herald through Main, attacks it over loopback
// and checks that the attack fails. The fixes are tested piece by piece in
// their packages (adapters/web, adapters/slack, adapters/discord); these
// tests show that the wiring keeps them.

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/heraldchat/herald/adapters/discord/discordfake"
	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/httpserver"
)

// noRedirectBrowser is an HTTP client with cookies of its own that does not follow
// redirects, so that each answer is seen as herald gave it.
func noRedirectBrowser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

var pageAttrs = regexp.MustCompile(`data-(csrf|respondent)="([^"]*)"`)

// getPage gets base+path with c and returns its status, its data-csrf and
// data-respondent attributes, and its body.
func getPage(t *testing.T, c *http.Client, base, path string) (int, map[string]string, string) {
	t.Helper()
	resp, err := c.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	data := map[string]string{}
	for _, m := range pageAttrs.FindAllStringSubmatch(string(b), -1) {
		data[m[1]] = m[2]
	}
	return resp.StatusCode, data, string(b)
}

// dialPage opens the websocket at base+path with c's cookies; resp is
// herald's answer when it refused.
func dialPage(c *http.Client, base, path string, client *http.Client) (*websocket.Conn, *http.Response, error) {
	u, _ := url.Parse(base)
	h := http.Header{}
	for _, ck := range c.Jar.Cookies(u) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+path, &websocket.DialOptions{HTTPHeader: h, HTTPClient: client})
}

// pageEvent is what herald's pages receive, as far as these tests look.
type pageEvent struct {
	Type  string     `json:"type"`
	CID   string     `json:"cid"`
	Posts []bot.Post `json:"posts"`
	Post  *bot.Post  `json:"post"`
}

// readPageEvent reads events from ws until one of type typ, for five seconds
// at most.
func readPageEvent(t *testing.T, ws *websocket.Conn, typ string) (pageEvent, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		_, b, err := ws.Read(ctx)
		if err != nil {
			t.Fatalf("waiting for a %s event: %v", typ, err)
		}
		var ev pageEvent
		json.Unmarshal(b, &ev)
		if ev.Type == typ {
			return ev, string(b)
		}
	}
}

// uploadFromChat posts a file from the chat page of c (csrf its token) and
// returns herald's status and message.
func uploadFromChat(t *testing.T, c *http.Client, base, csrf, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/chat/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("X-CSRF-Token", csrf)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// postConsoleLogin posts the console's login form with c; it returns herald's
// status and the session cookie it set, if any.
func postConsoleLogin(t *testing.T, c *http.Client, base, token string, headers map[string]string) (int, *http.Cookie) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, base+"/console/login", strings.NewReader(url.Values{"token": {token}, "name": {"mo"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "herald_console" && ck.Value != "" {
			return resp.StatusCode, ck
		}
	}
	return resp.StatusCode, nil
}

// browserHolding returns a browser that has only cookie, as one who copied it.
func browserHolding(base string, cookie *http.Cookie) *http.Client {
	c := noRedirectBrowser()
	u, _ := url.Parse(base)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: cookie.Name, Value: cookie.Value}})
	return c
}

// createCampaignAsConsole runs text (a "campaign new") as a console
// moderator and returns the campaign it created: after attacks that must
// create none, its id shows how many campaigns there are.
func createCampaignAsConsole(t *testing.T, p *Program, text string) bot.CampaignID {
	t.Helper()
	mod := consoleMod
	r := p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: mod, Text: text})
	if r.Created == 0 {
		t.Fatalf("%s: %+v", text, r)
	}
	return r.Created
}

// TestHardeningConsoleSessionsAreRevocable (finding 1): a console
// session ends at logout, for whoever kept its cookie (page and socket);
// and a restart with another web.console_token ends the sessions opened
// before it.
func TestHardeningConsoleSessionsAreRevocable(t *testing.T) {
	dir := t.TempDir()
	const token = "first-console-token-0123456789"
	p := NewProgram(nil)
	stop := MustStart(t, p, MustWriteConfig(t, dir, "web: {console_token: "+token+"}\n"))
	base := "http://" + p.HTTPAddr()

	mo := noRedirectBrowser()
	code, session := postConsoleLogin(t, mo, base, token, nil)
	if code != http.StatusSeeOther || session == nil {
		t.Fatalf("login: %d, cookie %v", code, session)
	}
	_, data, body := getPage(t, mo, base, "/console")
	if !strings.Contains(body, "Log out everywhere") || data["csrf"] == "" {
		t.Fatalf("the console after a login:\n%s", body)
	}
	// The cookie works in another browser until the logout (so the checks
	// below test the logout, not the copying).
	thief := browserHolding(base, session)
	if _, _, body := getPage(t, thief, base, "/console"); !strings.Contains(body, "Log out everywhere") {
		t.Fatal("a copied session cookie does not open the console before the logout")
	}

	// The logout needs the page's token.
	resp, err := mo.PostForm(base+"/console/logout", url.Values{"csrf": {"forged"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a logout without the page's token: %d", resp.StatusCode)
	}
	resp, err = mo.PostForm(base+"/console/logout", url.Values{"csrf": {data["csrf"]}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if _, _, body := getPage(t, thief, base, "/console"); strings.Contains(body, "Log out everywhere") || !strings.Contains(body, `name="token"`) {
		t.Fatalf("the old session cookie still opens the console:\n%s", body)
	}
	ws, resp, err := dialPage(thief, base, "/console/ws?csrf="+url.QueryEscape(data["csrf"]), nil)
	if err == nil {
		ws.CloseNow()
		t.Fatal("the old session cookie still opens the console's websocket")
	}
	if resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the console's websocket for the old session: %v", err)
	}

	// A restart with another token: a session of the old one is refused,
	// as is the old token; the new one logs in.
	mo = noRedirectBrowser()
	if _, session = postConsoleLogin(t, mo, base, token, nil); session == nil {
		t.Fatal("no session for a second login")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	const changed = "second-console-token-9876543210"
	p = NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, dir, "web: {console_token: "+changed+"}\n"))
	base = "http://" + p.HTTPAddr()
	thief = browserHolding(base, session)
	if _, _, body := getPage(t, thief, base, "/console"); strings.Contains(body, "Log out everywhere") {
		t.Fatal("a session of the old token opens the console after a restart with another token")
	}
	if code, cookie := postConsoleLogin(t, noRedirectBrowser(), base, token, nil); cookie != nil {
		t.Fatalf("the old token still logs in: %d", code)
	}
	if _, cookie := postConsoleLogin(t, noRedirectBrowser(), base, changed, nil); cookie == nil {
		t.Fatal("the new token does not log in")
	}
}

// TestHardeningDroppedSocketsAreReleased (finding 2): chat pages that
// drop their connection without a close handshake (half with a FIN, half
// with a reset) are let go. herald counts its open pages against
// web.limits.sockets: with the limit at 50, 50 dropped pages would leave
// no room, so 50 new pages opening (and the 51st refused) shows that every
// dropped one was released, and counted out once.
func TestHardeningDroppedSocketsAreReleased(t *testing.T) {
	const n = 50
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), fmt.Sprintf("web: {limits: {sockets: %d}}\n", n)))
	base := "http://" + p.HTTPAddr()
	visitor := noRedirectBrowser()
	_, data, _ := getPage(t, visitor, base, "/chat")
	path := "/chat/ws?csrf=" + url.QueryEscape(data["csrf"])

	// open opens a page's socket and returns its TCP connection too.
	open := func() (*websocket.Conn, *net.TCPConn, *http.Response, error) {
		var tcp *net.TCPConn
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true,
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
				if err == nil {
					tcp = c.(*net.TCPConn)
				}
				return c, err
			}}}
		ws, resp, err := dialPage(visitor, base, path, client)
		return ws, tcp, resp, err
	}
	refused := func() {
		t.Helper()
		ws, _, resp, err := open()
		if err == nil {
			ws.CloseNow()
			t.Fatalf("page %d opened past web.limits.sockets", n+1)
		}
		if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("page %d: %v, want 429", n+1, err)
		}
	}

	type opened struct {
		ws  *websocket.Conn
		tcp *net.TCPConn
	}
	var first []opened
	for i := range n {
		ws, tcp, _, err := open()
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		first = append(first, opened{ws, tcp})
		readPageEvent(t, ws, "history")
	}
	refused() // the limit holds while they are open
	// Drop them all: no close frame, the connection just goes.
	for i, pg := range first {
		if i%2 == 0 {
			pg.tcp.SetLinger(0) // the close sends a reset rather than a FIN
		}
		pg.ws.CloseNow()
	}

	// The room comes back: poll until n new pages are open.
	var again []*websocket.Conn
	defer func() {
		for _, ws := range again {
			ws.CloseNow()
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(again) < n {
		ws, _, resp, err := open()
		if err != nil {
			if resp == nil || resp.StatusCode != http.StatusTooManyRequests {
				t.Fatalf("a new page: %v", err)
			}
			if time.Now().After(deadline) {
				t.Fatalf("after %d dropped pages only %d new ones open: the dropped ones are still held", n, len(again))
			}
			time.Sleep(20 * time.Millisecond)
			continue
		}
		readPageEvent(t, ws, "history")
		again = append(again, ws)
	}
	refused() // counted out once each: the limit is still the limit
}

// TestHardeningNewVisitorsAreBounded (finding 3): new visitor ids cost
// herald disk and memory, so one address gets
// web.limits.visitors_per_minute of them a minute (visitors it knows
// still come in); and the files the chat keeps stop at
// web.limits.files_mb, with a word on what to do.
func TestHardeningNewVisitorsAreBounded(t *testing.T) {
	const perMinute = 5
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), fmt.Sprintf("web: {limits: {visitors_per_minute: %d, files_mb: 1}}\n", perMinute)))
	base := "http://" + p.HTTPAddr()

	// The room for files: 600 KB fits in 1 MB, twice does not.
	first := noRedirectBrowser()
	_, data, _ := getPage(t, first, base, "/chat")
	big := bytes.Repeat([]byte("x"), 600<<10)
	if code, msg := uploadFromChat(t, first, base, data["csrf"], "a.bin", big); code != http.StatusNoContent {
		t.Fatalf("the first file: %d %s", code, msg)
	}
	code, msg := uploadFromChat(t, first, base, data["csrf"], "b.bin", big)
	if code != http.StatusInsufficientStorage || !strings.Contains(msg, "no room for more files") {
		t.Fatalf("a file past web.limits.files_mb: %d %q", code, msg)
	}

	// New visitors from loopback: the first of them was the uploader.
	for i := 2; i <= perMinute; i++ {
		if code, _, _ := getPage(t, noRedirectBrowser(), base, "/chat"); code != http.StatusOK {
			t.Fatalf("new visitor %d: %d", i, code)
		}
	}
	for i := perMinute + 1; i <= perMinute+3; i++ {
		c := noRedirectBrowser()
		code, _, body := getPage(t, c, base, "/chat")
		if code != http.StatusTooManyRequests || !strings.Contains(body, "Too many new visitors") {
			t.Fatalf("new visitor %d in a minute from one address: %d %q", i, code, body)
		}
		if u, _ := url.Parse(base); len(c.Jar.Cookies(u)) != 0 {
			t.Fatalf("a refused visitor got an id: %v", c.Jar.Cookies(u))
		}
	}
	// A visitor herald knows is not new.
	if code, again, _ := getPage(t, first, base, "/chat"); code != http.StatusOK || again["respondent"] != data["respondent"] {
		t.Fatalf("a known visitor after the limit: %d %q", code, again["respondent"])
	}
}

// TestHardeningForgedVisitorCookie (finding 4): the respondent id shown on
// a chat page is no credential. Someone who puts it in their herald_rid
// cookie gets an id of their own, and neither the history nor the files
// of its owner.
func TestHardeningForgedVisitorCookie(t *testing.T) {
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), ""))
	base := "http://" + p.HTTPAddr()

	// A writes a message and sends a file.
	a := noRedirectBrowser()
	_, pa, _ := getPage(t, a, base, "/chat")
	if len(pa["respondent"]) != 22 || pa["csrf"] == "" {
		t.Fatalf("A's page: %v", pa)
	}
	wa, _, err := dialPage(a, base, "/chat/ws?csrf="+url.QueryEscape(pa["csrf"]), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer wa.CloseNow()
	readPageEvent(t, wa, "history")
	if err := wa.Write(context.Background(), websocket.MessageText, []byte(`{"text":"the secret of A","cid":"c1"}`)); err != nil {
		t.Fatal(err)
	}
	if ev, raw := readPageEvent(t, wa, "ack"); ev.CID != "c1" {
		t.Fatalf("A's message: %s", raw)
	}
	if code, msg := uploadFromChat(t, a, base, pa["csrf"], "passport.txt", []byte("A's passport")); code != http.StatusNoContent {
		t.Fatalf("A's file: %d %s", code, msg)
	}
	ev, raw := readPageEvent(t, wa, "post")
	if ev.Post == nil || len(ev.Post.Message.Files) != 1 || ev.Post.Message.Files[0].ID == "" {
		t.Fatalf("A's file on A's page: %s", raw)
	}
	fileID := ev.Post.Message.Files[0].ID
	get := func(c *http.Client, path string) (int, string) {
		t.Helper()
		resp, err := c.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(a, "/chat/files/"+fileID); code != http.StatusOK || body != "A's passport" {
		t.Fatalf("A's own download: %d %q", code, body)
	}

	u, _ := url.Parse(base)
	for _, forged := range []string{pa["respondent"], pa["respondent"] + ".forged", pa["respondent"] + "." + strings.Repeat("A", 43)} {
		// With the forged cookie alone: no file.
		bare := noRedirectBrowser()
		bare.Jar.SetCookies(u, []*http.Cookie{{Name: "herald_rid", Value: forged}})
		if code, body := get(bare, "/chat/files/"+fileID); code == http.StatusOK || strings.Contains(body, "passport") {
			t.Fatalf("cookie %q downloads A's file: %d %q", forged, code, body)
		}
		// The page gives B an id of B's own.
		b := noRedirectBrowser()
		b.Jar.SetCookies(u, []*http.Cookie{{Name: "herald_rid", Value: forged}})
		code, pb, _ := getPage(t, b, base, "/chat")
		if code != http.StatusOK || pb["respondent"] == "" || pb["respondent"] == pa["respondent"] {
			t.Fatalf("cookie %q: page %d as %q (A is %q)", forged, code, pb["respondent"], pa["respondent"])
		}
		// B's socket shows B's history, not A's.
		wb, _, err := dialPage(b, base, "/chat/ws?csrf="+url.QueryEscape(pb["csrf"]), nil)
		if err != nil {
			t.Fatalf("B's socket: %v", err)
		}
		if _, raw := readPageEvent(t, wb, "history"); strings.Contains(raw, "secret of A") || strings.Contains(raw, "passport") {
			wb.CloseNow()
			t.Fatalf("cookie %q shows A's history: %s", forged, raw)
		}
		wb.CloseNow()
		// Nor does B get A's file with B's own id.
		if code, body := get(b, "/chat/files/"+fileID); code == http.StatusOK || strings.Contains(body, "passport") {
			t.Fatalf("B downloads A's file: %d %q", code, body)
		}
	}
	// A's page is still A's.
	if _, again, _ := getPage(t, a, base, "/chat"); again["respondent"] != pa["respondent"] {
		t.Fatalf("A's id changed: %q", again["respondent"])
	}
}

// TestHardeningSlowBodiesAreCutOff (finding 5): a client that sends its
// headers and then trickles its body (one byte and a stall, or a byte now
// and then) holds a connection only until the body deadline, on the web
// console's form as on Slack's webhook, which reads the body before it can
// check the signature.
//
// The deadline is httpserver.DefaultBodyTimeout (10 s): neither the config
// nor Main sets another, so this test takes about 10 s (the probes run at
// once). Its bound is three times the deadline, so only a connection held
// far past it fails the test. (Multipart uploads have
// httpserver.DefaultUploadTimeout, 2 minutes, and are not tried here.)
func TestHardeningSlowBodiesAreCutOff(t *testing.T) {
	fake, err := slackfake.Start("xoxb-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() }) // after herald stops (cleanups run last first)
	fake.Join("CMODS")
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), "slack: {enabled: true, mode: http, bot_token: xoxb-test, signing_secret: shh, channel: CMODS, api_url: \""+fake.URL()+"\"}\n"))
	addr := p.HTTPAddr()
	deadline := httpserver.DefaultBodyTimeout
	bound := 3 * deadline

	type probe struct {
		name, path, contentType string
		trickle                 bool // a byte every 500 ms, rather than one and a stall
	}
	probes := []probe{
		{"slack stall", "/slack/events", "application/json", false},
		{"slack trickle", "/slack/events", "application/json", true},
		{"console login stall", "/console/login", "application/x-www-form-urlencoded", false},
		{"console login trickle", "/console/login", "application/x-www-form-urlencoded", true},
	}
	type outcome struct {
		took    time.Duration
		answer  string
		err     error
		dialErr error
	}
	results := make([]chan outcome, len(probes))
	for i, pr := range probes {
		results[i] = make(chan outcome, 1)
		go func() {
			start := time.Now()
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				results[i] <- outcome{dialErr: err}
				return
			}
			defer conn.Close()
			fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\nContent-Length: 100000\r\n\r\n{", pr.path, addr, pr.contentType)
			stop := make(chan struct{})
			defer close(stop)
			if pr.trickle {
				go func() {
					tick := time.NewTicker(500 * time.Millisecond)
					defer tick.Stop()
					for {
						select {
						case <-stop:
							return
						case <-tick.C:
							if _, err := conn.Write([]byte(" ")); err != nil {
								return
							}
						}
					}
				}()
			}
			conn.SetReadDeadline(start.Add(bound))
			b, err := io.ReadAll(conn) // until herald closes the connection
			results[i] <- outcome{took: time.Since(start), answer: string(b), err: err}
		}()
	}
	for i, pr := range probes {
		r := <-results[i]
		if r.dialErr != nil {
			t.Errorf("%s: %v", pr.name, r.dialErr)
			continue
		}
		var ne net.Error
		if errors.As(r.err, &ne) && ne.Timeout() {
			t.Errorf("%s: herald still held the connection after %s (body deadline %s)", pr.name, r.took.Round(time.Millisecond), deadline)
			continue
		}
		// A close or a reset both end it; herald may answer first.
		status, _, _ := strings.Cut(r.answer, "\r\n")
		t.Logf("%s: ended after %s: %q, %v", pr.name, r.took.Round(time.Millisecond), status, r.err)
	}
	if code, _ := httpGet(t, "http://"+addr+"/healthz"); code != http.StatusOK {
		t.Fatalf("herald after the slow clients: %d", code)
	}
}

// TestHardeningDiscordInteractionReplay (finding 6): on the HTTP
// interactions endpoint, an interaction well signed but long ago is
// refused, and one posted again is refused: a captured "/herald campaign
// new" creates one campaign, however often it is posted.
func TestHardeningDiscordInteractionReplay(t *testing.T) {
	fake, err := discordfake.Start("dc-token")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() }) // after herald stops (cleanups run last first)
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := MustWriteConfig(t, t.TempDir(), "discord: {enabled: true, token: dc-token, application_id: \"123\", guild_id: \"777\", channel: \"4444\", public_key: \""+
		hex.EncodeToString(pub)+"\", api_url: \"http://"+fake.Addr()+"\"}\nmoderators: {discord: {users: [\"55\"]}}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	post := func(id string, ts int64) (int, string) {
		t.Helper()
		body := `{"id":"` + id + `","application_id":"123","type":2,"token":"tok-` + id + `","version":1,"channel_id":"555","guild_id":"777",` +
			`"member":{"user":{"id":"55","username":"mo"},"roles":[]},` +
			`"data":{"id":"5001","name":"herald","type":1,"options":[{"name":"campaign","type":1,"options":[{"name":"args","type":3,"value":"new Replayed ` + id + `"}]}]}}`
		stamp := fmt.Sprint(ts)
		req, _ := http.NewRequest(http.MethodPost, "http://"+p.HTTPAddr()+"/discord/interactions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Signature-Timestamp", stamp)
		req.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(priv, []byte(stamp+body))))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Signed, but in 2001 (or an hour ago): a replay of an old capture.
	if code, body := post("90001", 978307200); code != http.StatusUnauthorized {
		t.Fatalf("an interaction signed in 2001: %d %s", code, body)
	}
	if code, body := post("90002", time.Now().Add(-time.Hour).Unix()); code != http.StatusUnauthorized {
		t.Fatalf("an interaction signed an hour ago: %d %s", code, body)
	}
	// Fresh: handled once; the very same request again is refused.
	now := time.Now().Unix()
	if code, body := post("90003", now); code != http.StatusOK || !strings.Contains(body, "Replayed 90003") {
		t.Fatalf("a fresh interaction: %d %s", code, body)
	}
	for range 2 {
		if code, body := post("90003", now); code != http.StatusUnauthorized {
			t.Fatalf("the same interaction again: %d %s", code, body)
		}
	}
	// One campaign was created: the next is #2.
	if id := createCampaignAsConsole(t, p, "campaign new Probe"); id != 2 {
		t.Fatalf("the next campaign is #%d: the refused interactions created %d", id, id-2)
	}
}

// TestHardeningSlackCommandReplay (finding 10): in Slack's HTTP mode, a
// captured signed "/herald campaign new" posted again within its
// five-minute window creates nothing, also when the replay claims to be
// one of Slack's retries (X-Slack-Retry-Num is not signed).
func TestHardeningSlackCommandReplay(t *testing.T) {
	fake, err := slackfake.Start("xoxb-test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() }) // after herald stops (cleanups run last first)
	fake.Join("CMODS")
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), "slack: {enabled: true, mode: http, bot_token: xoxb-test, signing_secret: shh, channel: CMODS, api_url: \""+fake.URL()+"\"}\nmoderators: {slack: {users: [UMOD]}}\n"))
	body := url.Values{"command": {"/herald"}, "text": {"campaign new Replayed thrice"}, "user_id": {"UMOD"}, "user_name": {"mo"}, "channel_id": {"CMODS"}}.Encode()
	ts := time.Now().Unix()
	sig := slackfake.Sign("shh", ts, body)
	send := func(headers map[string]string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, "http://"+p.HTTPAddr()+"/slack/commands", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Slack-Request-Timestamp", fmt.Sprint(ts))
		req.Header.Set("X-Slack-Signature", sig)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for i := range 3 {
		if code := send(nil); code != http.StatusOK && code != http.StatusUnauthorized {
			t.Fatalf("post %d of the signed command: %d", i+1, code)
		}
	}
	for _, retry := range []string{"1", "2"} {
		send(map[string]string{"X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"})
	}
	// The first was answered in Slack...
	waitUntil(t, p, "the answer in Slack", func() bool {
		for _, m := range fake.Messages() {
			if strings.Contains(m.Blocks, "Replayed thrice") {
				return true
			}
		}
		return false
	})
	// ...and was the only one: replays are refused before they are
	// handled, so the next campaign is #2.
	if id := createCampaignAsConsole(t, p, "campaign new Probe"); id != 2 {
		t.Fatalf("the next campaign is #%d: replays of one command created %d campaigns", id, id-1)
	}
}

// TestHardeningLoginCSRF (finding 13): a login form posted from another
// site with the right token (login CSRF: the victim's browser logged in as
// the attacker) is refused, and no session cookie is set; the same form
// from herald's own page logs in.
func TestHardeningLoginCSRF(t *testing.T) {
	const token = "csrf-console-token-0123456789"
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), "web: {console_token: "+token+"}\n"))
	base := "http://" + p.HTTPAddr()
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
	} {
		c := noRedirectBrowser()
		code, cookie := postConsoleLogin(t, c, base, token, h)
		if code != http.StatusForbidden || cookie != nil {
			t.Fatalf("a login with %v: %d, cookie %v", h, code, cookie)
		}
		if _, _, body := getPage(t, c, base, "/console"); strings.Contains(body, "Log out everywhere") {
			t.Fatalf("a login with %v opened the console", h)
		}
	}
	// herald's own login page (same origin) logs in.
	c := noRedirectBrowser()
	if code, cookie := postConsoleLogin(t, c, base, token, map[string]string{"Origin": base, "Sec-Fetch-Site": "same-origin"}); code != http.StatusSeeOther || cookie == nil {
		t.Fatalf("a login from herald's page: %d, cookie %v", code, cookie)
	}
	if _, _, body := getPage(t, c, base, "/console"); !strings.Contains(body, "Log out everywhere") {
		t.Fatal("the same-origin login does not open the console")
	}
}
