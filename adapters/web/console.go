package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/heraldchat/herald/adapters/internal"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/moderators"
)

const (
	sessionCookie = "herald_console"
	sessionTTL    = 12 * time.Hour
	maxUpload     = 64 << 20
)

// consoleSession is a moderator's console login, kept by herald (in
// memory: a restart logs everyone out) under a random id that the cookie
// carries, signed.
type consoleSession struct {
	name    string
	until   time.Time
	warrant string // the token's hash at login: another token ends it
}

// session returns the console login of a request and its cookie, or ""
// when there is none: no cookie, a cookie herald did not sign, a session
// logged out or past its time, made with another token, or for a name no
// longer among moderators.console.users. It is checked on every request
// and every websocket message.
func (a *Adapter) session(r *http.Request) (login, cookie string) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return "", ""
	}
	if name := a.sessionName(c.Value); name != "" {
		return name, c.Value
	}
	return "", ""
}

// sessionName returns the login of the session cookie names, or "".
func (a *Adapter) sessionName(cookie string) string {
	id, sig, ok := strings.Cut(cookie, ".")
	if !ok || !a.macOK(sig, "session", id) {
		return ""
	}
	a.mu.Lock()
	s, ok := a.sessions[id]
	warrant := string(a.tokenHash)
	a.mu.Unlock()
	switch {
	case !ok || !a.cfg.Clock.Now().Before(s.until):
		return ""
	case s.warrant != warrant:
		return ""
	case len(a.cfg.Logins) > 0 && !slices.Contains(a.cfg.Logins, s.name):
		return ""
	}
	return s.name
}

// SetLoginHash makes hash (a SHA-256) the console's login token from now
// on: every session opened with the old one ends, and only the new token
// logs in.
func (a *Adapter) SetLoginHash(hash []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.tokenHash = slices.Clone(hash)
}

// newSession keeps a session for name and returns its cookie value.
func (a *Adapter) newSession(name string) string {
	id := randomID(24)
	now := a.cfg.Clock.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.sessions == nil {
		a.sessions = map[string]consoleSession{}
	}
	for k, s := range a.sessions { // forget those past their time
		if !now.Before(s.until) {
			delete(a.sessions, k)
		}
	}
	a.sessions[id] = consoleSession{name: name, until: now.Add(sessionTTL), warrant: string(a.tokenHash)}
	return id + "." + a.mac("session", id)
}

// endSessions forgets the session cookie names, or, with everywhere,
// every session of its moderator.
func (a *Adapter) endSessions(cookie string, everywhere bool) {
	id, _, _ := strings.Cut(cookie, ".")
	a.mu.Lock()
	defer a.mu.Unlock()
	name := a.sessions[id].name
	delete(a.sessions, id)
	if everywhere {
		for k, s := range a.sessions {
			if s.name == name {
				delete(a.sessions, k)
			}
		}
	}
}

// actor is the moderator a console session stands for.
func actor(login string) bot.Actor {
	return bot.Actor{Address: bot.Address{Platform: bot.PlatformWeb, ID: moderators.ConsolePrefix + login}, Name: login}
}

func (a *Adapter) consolePage(w http.ResponseWriter, r *http.Request) {
	securePage(w)
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
	login, cookie := a.session(r)
	if login == "" {
		a.pages.ExecuteTemplate(w, "login.html", map[string]any{"Error": r.URL.Query().Get("error") != ""})
		return
	}
	a.pages.ExecuteTemplate(w, "console.html", map[string]any{"Login": login, "CSRF": a.mac("csrf", cookie), "Commands": strings.Join(a.cfg.CommandNames, "|")})
}

// consoleLogin checks the token and opens a session. Attempts are limited
// per address.
// loginOrigin refuses logins posted from other sites.
var loginOrigin = http.NewCrossOriginProtection()

func (a *Adapter) consoleLogin(w http.ResponseWriter, r *http.Request) {
	// A login posted from another site would log the victim in as the
	// attacker (login CSRF): the browser's Sec-Fetch-Site or Origin says.
	if err := loginOrigin.Check(r); err != nil {
		http.Error(w, a.consoleText("log in from herald's own console page"), http.StatusForbidden)
		return
	}
	host := a.clientIP(r)
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	// Wrong tokens are what is limited, per address: the right one always
	// gets in, so that someone behind the same proxy cannot lock the
	// moderators out (and a token of 144 random bits is not guessed).
	sum := sha256.Sum256([]byte(strings.TrimSpace(r.PostForm.Get("token"))))
	a.mu.Lock()
	want := a.tokenHash
	a.mu.Unlock()
	if len(want) == 0 || subtle.ConstantTimeCompare(sum[:], want) != 1 {
		if !a.allow("login:"+host, 10*time.Second, 5) {
			http.Error(w, a.consoleText("too many attempts: wait a minute"), http.StatusTooManyRequests)
			return
		}
		a.cfg.Log.Warn("web console: a login with a wrong token", "from", host)
		http.Redirect(w, r, "/console?error=1", http.StatusSeeOther)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" || len(name) > 40 || strings.ContainsAny(name, "|:") {
		name = "moderator"
	}
	if len(a.cfg.Logins) > 0 && !slices.Contains(a.cfg.Logins, name) {
		a.cfg.Log.Warn("web console: a login with a name not in moderators.console.users", "name", name, "from", host)
		http.Redirect(w, r, "/console?error=1", http.StatusSeeOther)
		return
	}
	a.setCookie(w, sessionCookie, a.newSession(name), sessionTTL, http.SameSiteStrictMode)
	a.cfg.Log.Info("web console: login", "name", name, "from", host)
	http.Redirect(w, r, "/console", http.StatusSeeOther)
}

func (a *Adapter) consoleLogout(w http.ResponseWriter, r *http.Request) {
	_, cookie := a.session(r)
	if cookie == "" || !a.macOK(r.PostFormValue("csrf"), "csrf", cookie) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	a.endSessions(cookie, r.PostFormValue("all") != "")
	a.setCookie(w, sessionCookie, "", -time.Second, http.SameSiteStrictMode)
	http.Redirect(w, r, "/console", http.StatusSeeOther)
}

// consoleIn is what the console sends over its websocket.
type consoleIn struct {
	Type    string `json:"type"` // command, press, open, reply
	ID      string `json:"id,omitempty"`
	Text    string `json:"text,omitempty"`
	Signed  string `json:"signed,omitempty"`
	Thread  string `json:"thread,omitempty"`
	Replace uint64 `json:"replace,omitempty"`
}

func (a *Adapter) consoleSocket(w http.ResponseWriter, r *http.Request) {
	login, cookie := a.session(r)
	if login == "" || !a.macOK(r.URL.Query().Get("csrf"), "csrf", cookie) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	release, ok := a.admitSocket(a.clientIP(r))
	if !ok {
		http.Error(w, "Too many open pages: close some, then reload.", http.StatusTooManyRequests)
		return
	}
	defer release()
	ws, err := websocket.Accept(w, r, nil) // same-origin only
	if err != nil {
		return
	}
	// On return, in order: stop the writer and the pings, wait for them,
	// close the connection (its file handle goes with it), count it out.
	done := a.socketOpened(ws)
	defer done()
	defer ws.CloseNow()
	ws.SetReadLimit(64 << 10)
	ctx, cancel := context.WithCancel(r.Context())
	var bg sync.WaitGroup
	defer bg.Wait()
	defer cancel()
	cn := &conn{ws: ws, queue: make(chan []byte, 256)}
	bg.Add(2)
	go func() { defer bg.Done(); cn.writer(ctx) }()
	go func() { defer bg.Done(); a.keepAlive(ctx, ws) }()
	a.cons.add("console", cn)
	defer a.cons.remove("console", cn)
	me := actor(login)
	a.sendThreads(ctx, cn)
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			return
		}
		if a.sessionName(cookie) != login {
			return // logged out, or no longer a console user: the page logs in again
		}
		var in consoleIn
		if json.Unmarshal(data, &in) != nil {
			continue
		}
		switch in.Type {
		case "threads":
			a.sendThreads(ctx, cn)
		case "campaigns":
			a.sendCampaigns(ctx, cn)
		case "lists":
			a.sendLists(ctx, cn)
		case "open":
			posts, err := a.cfg.Store.Posts(ctx, ConsoleChannel, in.Thread, 0, 0)
			if err == nil {
				cn.send(event{Type: "thread", Thread: in.Thread, Posts: posts})
			}
		case "command", "press":
			ev := bot.Inbound{Kind: bot.InboundCommand, From: me, Text: in.Text}
			if in.Signed != "" {
				ev = bot.Inbound{Kind: bot.InboundButton, From: me, Signed: in.Signed}
			}
			cn.send(event{Type: "reply", Reply: a.replyView(in.ID, a.handle(ctx, ev).Replies, in.Replace)})
		case "reply":
			a.moderatorReply(ctx, cn, me, in.Thread, in.Text)
		}
	}
}

// moderatorReply hands what a moderator wrote in a thread to the handler.
func (a *Adapter) moderatorReply(ctx context.Context, cn *conn, me bot.Actor, thread, text string) {
	text = strings.TrimSpace(text)
	if text == "" || thread == "" {
		return
	}
	a.threadMessage(ctx, thread, me, bot.Message{Text: text})
}

// threadMessage hands a moderator's message in a console thread to the
// handler, then keeps in the thread what it became (the reply as it
// went, or an internal note) and the answers, for moderators only. The
// thread list is refreshed: a command may have changed a status.
func (a *Adapter) threadMessage(ctx context.Context, thread string, me bot.Actor, m bot.Message) {
	out := a.handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: me, Thread: bot.ThreadRef{Channel: ConsoleChannel, ID: thread}, Text: m.Text, Files: m.Files})
	if e := out.Echo; e != nil {
		a.postInThread(ctx, thread, me, e.Message, e.Internal)
	}
	for _, r := range out.Replies {
		for _, m := range r.Messages {
			a.postInThread(ctx, thread, bot.Actor{Name: "herald"}, m, true)
		}
	}
	a.cons.push("console", event{Type: "threads"})
}

// handle hands in to the handler, and logs what it could not handle.
func (a *Adapter) handle(ctx context.Context, in bot.Inbound) bot.InboundReply {
	if a.cfg.Handler == nil {
		return bot.InboundReply{}
	}
	out, err := a.cfg.Handler.Handle(ctx, in)
	if err != nil {
		a.cfg.Log.Error("web console: handling an event", "kind", in.Kind, "err", err)
	}
	return out
}

func (a *Adapter) sendThreads(ctx context.Context, cn *conn) {
	if a.cfg.Conversations == nil {
		cn.send(event{Type: "threads", Threads: []threadView{}})
		return
	}
	sums, err := a.cfg.Conversations.Conversations(ctx)
	if err != nil {
		cn.send(event{Type: "notice", Notice: "The conversations could not be read: " + bot.ErrorMessage(err)})
		return
	}
	views := []threadView{}
	for _, s := range sums {
		c := s.Conversation
		if c.Thread.Channel != ConsoleChannel {
			continue
		}
		v := threadView{ID: c.Thread.ID, Name: s.DisplayName(), Address: c.Participant.String(), Status: string(c.Status),
			Platform: string(c.Participant.Platform), Tags: c.Tags, Assignee: c.Assignee.Name}
		if !c.LastMessageAt.IsZero() {
			v.Last = c.LastMessageAt.UTC().Format("2006-01-02 15:04")
			v.LastAt = c.LastMessageAt.UTC().Format(time.RFC3339Nano)
		}
		views = append(views, v)
	}
	cn.send(event{Type: "threads", Threads: views})
}

// replyView turns a command's replies into what the console shows, files
// as download links; it is private when one of them is.
func (a *Adapter) replyView(id string, rs []bot.CommandReply, replace uint64) *replyView {
	v := &replyView{ID: id, Replace: replace, Messages: []bot.Message{}}
	for _, r := range rs {
		v.Private = v.Private || r.Private
		for _, m := range r.Messages {
			for _, f := range m.Files {
				v.Files = append(v.Files, fileView{Name: f.Name, URL: "/console/files/" + a.keep(f), Image: f.ContentType == "image/png"})
			}
			m.Files = nil
			v.Messages = append(v.Messages, m)
		}
	}
	return v
}

// keep offers f for download for an hour and returns its id ("" when it
// cannot be kept: the reason is logged).
func (a *Adapter) keep(f bot.File) string {
	id, err := a.downloads.Keep(f)
	if err != nil {
		a.cfg.Log.Error("web console: offering a download", "err", err)
	}
	return id
}

func (a *Adapter) consoleFile(w http.ResponseWriter, r *http.Request) {
	if login, _ := a.session(r); login == "" {
		http.Error(w, a.consoleText("log in to the console first"), http.StatusForbidden)
		return
	}
	id := r.PathValue("id")
	if a.downloads.Serve(w, r, id) {
		return
	}
	// A file kept with a post of a conversation.
	if f, _, err := a.cfg.Store.PostFile(r.Context(), id); err == nil {
		serveFile(w, f)
		return
	}
	http.Error(w, a.consoleText("this download has expired: run the command again"), http.StatusNotFound)
}

// consoleUpload runs a command with an uploaded file (list import NAME,
// campaign audience ID), or, with a thread, sends the file to that
// thread's participant.
func (a *Adapter) consoleUpload(w http.ResponseWriter, r *http.Request) {
	login, cookie := a.session(r)
	if login == "" || !a.macOK(r.Header.Get("X-CSRF-Token"), "csrf", cookie) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		http.Error(w, a.consoleText("the file is too large (64 MB at most) or the upload broke"), http.StatusBadRequest)
		return
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		http.Error(w, "choose a file first", http.StatusBadRequest)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		http.Error(w, "the upload broke: try again", http.StatusBadRequest)
		return
	}
	f := bot.File{Name: internal.FileName(hdr.Filename), ContentType: hdr.Header.Get("Content-Type"), Size: int64(len(data)), Data: data}
	if thread := r.FormValue("thread"); thread != "" {
		// A file for the participant of a thread.
		a.threadMessage(r.Context(), thread, actor(login), bot.Message{Text: strings.TrimSpace(r.FormValue("text")), Files: []bot.File{f}})
		w.WriteHeader(http.StatusNoContent)
		return
	}
	in := bot.Inbound{Kind: bot.InboundFile, From: actor(login), Files: []bot.File{f}}
	if cmd := strings.TrimSpace(r.FormValue("command")); cmd != "" {
		in = bot.Inbound{Kind: bot.InboundCommand, From: actor(login), Text: cmd, Files: []bot.File{f}}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(event{Type: "reply", Reply: a.replyView(r.FormValue("id"), a.handle(r.Context(), in).Replies, 0)})
}
