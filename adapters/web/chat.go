package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/heraldchat/herald/adapters/internal"
	"github.com/heraldchat/herald/bot"
)

const (
	respondentCookie = "herald_rid"
	profileCookie    = "herald_profile"
	respondentMaxAge = 365 * 24 * time.Hour
)

// respondent returns the participant's id from their cookie, making one
// (and setting the cookie) for a first visit or a cookie herald did not
// sign; "" when the client's address had as many new visitors as
// Limits.VisitorsPerMinute allows.
func (a *Adapter) respondent(w http.ResponseWriter, r *http.Request) string {
	if rid := a.visitor(r); rid != "" {
		return rid
	}
	if !a.perMinute("visitor:"+a.clientIP(r), a.limits.VisitorsPerMinute) {
		return "" // the address has had its new visitors for this minute
	}
	id := randomID(16)
	a.setCookie(w, respondentCookie, id+"."+a.mac("visitor", id), respondentMaxAge, http.SameSiteLaxMode)
	return id
}

// visitor returns the participant's id from their cookie, "" when there
// is none or herald did not sign it. The id is shown on pages, in the
// console and in reports: only the signature makes the cookie a
// credential.
func (a *Adapter) visitor(r *http.Request) string {
	c, err := r.Cookie(respondentCookie)
	if err != nil {
		return ""
	}
	rid, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !validRespondent(rid) || !a.macOK(sig, "visitor", rid) {
		return ""
	}
	return rid
}

// chatVisitor returns the visitor of a chat request carrying csrf, the
// page's token for them; otherwise it answers 403 and reports false.
func (a *Adapter) chatVisitor(w http.ResponseWriter, r *http.Request, csrf string) (string, bool) {
	rid := a.visitor(r)
	if rid == "" || !a.macOK(csrf, "chat", rid) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return "", false
	}
	return rid, true
}

// profile is the name and email a participant gave, kept in a cookie
// signed by herald.
type profile struct {
	Name  string `json:"n,omitempty"`
	Email string `json:"e,omitempty"`
}

func (a *Adapter) readProfile(r *http.Request, rid string) profile {
	var p profile
	c, err := r.Cookie(profileCookie)
	if err != nil {
		return p
	}
	raw, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !a.macOK(sig, "profile", rid, raw) {
		return p
	}
	if b, err := decodeB64(raw); err == nil {
		json.Unmarshal(b, &p)
	}
	return p
}

func (a *Adapter) chatPage(w http.ResponseWriter, r *http.Request) {
	rid := a.respondent(w, r)
	if rid == "" {
		http.Error(w, a.say("Too many new visitors from your address: wait a minute, then open the chat again."), http.StatusTooManyRequests)
		return
	}
	securePage(w)
	w.Header().Del("X-Frame-Options") // the chat may be embedded in any site
	p := a.readProfile(r, rid)
	a.pages.ExecuteTemplate(w, "chat.html", map[string]any{
		"Respondent": rid, "CSRF": a.mac("chat", rid), "Name": p.Name, "Email": p.Email, "Title": a.cfg.ChatTitle, "T": a.texts(),
	})
}

// chatTheme serves the chat page's colours from the config, as a style
// sheet (the page's policy allows no inline style): the accent, and a
// text colour that reads on it.
func (a *Adapter) chatTheme(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	fmt.Fprintf(w, ":root { --accent: %s; --on-accent: %s; }\n", a.cfg.Accent, onColour(a.cfg.Accent))
}

// hexColour reports whether s is a CSS colour as #rgb or #rrggbb.
func hexColour(s string) bool {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return false
	}
	_, err := strconv.ParseUint(s[1:], 16, 32)
	return err == nil
}

// onColour returns the text colour that reads on the colour hex (#rgb or
// #rrggbb): white on dark ones, ink on light ones (WCAG relative
// luminance).
func onColour(hex string) string {
	h := hex[1:]
	if len(h) == 3 {
		h = string([]byte{h[0], h[0], h[1], h[1], h[2], h[2]})
	}
	v, _ := strconv.ParseUint(h, 16, 32)
	lin := func(c uint64) float64 {
		x := float64(c) / 255
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	l := 0.2126*lin(v>>16&0xff) + 0.7152*lin(v>>8&0xff) + 0.0722*lin(v&0xff)
	// Contrast with white (1.05/(l+.05)) against with ink (about black).
	if 1.05/(l+0.05) >= (l+0.05)/0.05 {
		return "#ffffff"
	}
	return "#1d2330"
}

// chatProfile stores the name and email a participant gives.
// Each save may email a code, so saves are paced per visitor and per
// address, as new visitors are.
func (a *Adapter) chatProfile(w http.ResponseWriter, r *http.Request) {
	rid, ok := a.chatVisitor(w, r, r.Header.Get("X-CSRF-Token"))
	if !ok {
		return
	}
	if !a.allow("profile:"+rid, 10*time.Second, 3) || !a.perMinute("profile:"+a.clientIP(r), a.limits.VisitorsPerMinute) {
		http.Error(w, a.say("Too many changes: wait a moment, then save again."), http.StatusTooManyRequests)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	var p profile
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	p.Name = strings.TrimSpace(p.Name)
	p.Email = strings.TrimSpace(p.Email)
	if len(p.Name) > 100 {
		http.Error(w, a.say("name too long"), http.StatusBadRequest)
		return
	}
	if p.Email != "" {
		if addr, err := mail.ParseAddress(p.Email); err != nil || addr.Address != p.Email {
			http.Error(w, a.say("that email address does not look right"), http.StatusBadRequest)
			return
		}
		// A save with an email may email a code: 30 at once from one
		// address (a room signing up), then one every two minutes.
		if !a.allow("code:"+a.clientIP(r), 2*time.Minute, 30) {
			http.Error(w, a.say("Too many changes: wait a moment, then save again."), http.StatusTooManyRequests)
			return
		}
	}
	raw, _ := json.Marshal(p)
	enc := encodeB64(raw)
	a.setCookie(w, profileCookie, enc+"."+a.mac("profile", rid, enc), respondentMaxAge, http.SameSiteLaxMode)
	// The email is the visitor's word: herald writes to them there, and
	// emails a code that makes it theirs (linking this chat to the contact
	// that has it) once entered.
	sent, err := a.cfg.Contacts.Claim(r.Context(), bot.Address{Platform: bot.PlatformWeb, ID: rid}, p.Name, p.Email)
	if err != nil {
		a.cfg.Log.Warn("web chat: claiming an email", "err", err)
	}
	// Saying who they are is how a visitor joins (registers): with
	// threads.surface_on_join their thread opens now. Merely opening the
	// page does not: anyone can, as often as they like.
	if a.cfg.Handler != nil {
		a.handle(r.Context(), bot.Inbound{Kind: bot.InboundParticipantJoined, From: bot.Actor{Address: bot.Address{Platform: bot.PlatformWeb, ID: rid}, Name: p.Name}, ID: "join:" + rid})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"code_sent": sent, "email": p.Email})
}

// chatConfirm takes the code a visitor was emailed to confirm their email.
func (a *Adapter) chatConfirm(w http.ResponseWriter, r *http.Request) {
	rid, ok := a.chatVisitor(w, r, r.Header.Get("X-CSRF-Token"))
	if !ok {
		return
	}
	if !a.allow("confirm:"+rid, 10*time.Second, 3) {
		http.Error(w, a.say("Too many tries: wait a moment, then enter the code again."), http.StatusTooManyRequests)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1024)
	var in struct {
		Code string `json:"code"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if _, err := a.cfg.Contacts.Confirm(r.Context(), bot.Address{Platform: bot.PlatformWeb, ID: rid}, in.Code); err != nil {
		status := http.StatusBadRequest
		if bot.ErrorCode(err) != bot.EINVALID && bot.ErrorCode(err) != bot.ENOTFOUND {
			status = http.StatusInternalServerError
		}
		http.Error(w, a.say(bot.ErrorMessage(err)), status)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// chatSocket is a participant's live connection: it sends their history,
// then what arrives; what they type goes to their thread.
func (a *Adapter) chatSocket(w http.ResponseWriter, r *http.Request) {
	rid, ok := a.chatVisitor(w, r, r.URL.Query().Get("csrf"))
	if !ok {
		return
	}
	prof := a.readProfile(r, rid)
	release, ok := a.admitSocket(a.clientIP(r))
	if !ok {
		http.Error(w, a.say("Too many open pages: close some, then reload."), http.StatusTooManyRequests)
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
	ws.SetReadLimit(int64(a.cfg.MaxMessage) + 1024)
	ctx, cancel := context.WithCancel(r.Context())
	var bg sync.WaitGroup
	defer bg.Wait()
	defer cancel()
	cn := &conn{ws: ws, queue: make(chan []byte, 64)}
	bg.Add(2)
	go func() { defer bg.Done(); cn.writer(ctx) }()
	go func() { defer bg.Done(); a.keepAlive(ctx, ws) }()
	me := bot.Address{Platform: bot.PlatformWeb, ID: rid}
	// A visitor is someone herald has met: the directory knows them from
	// now on, so that campaigns can reach them and give them attributes.
	if _, err := a.cfg.Contacts.Seen(ctx, me, prof.Name, "", bot.ReachReachable); err != nil { // the email is a claim: see chatProfile
		a.cfg.Log.Warn("web chat: recording a visitor", "err", err)
	}
	history, err := a.cfg.Store.Posts(ctx, me, "", 0, 0)
	if err != nil {
		ws.Close(websocket.StatusInternalError, "history unavailable")
		return
	}
	for _, p := range history { // recorded as they go to the page
		a.markSeen(ctx, p)
	}
	cn.send(event{Type: "history", Posts: history})
	a.chats.add(rid, cn)
	defer a.chats.remove(rid, cn)
	for {
		_, data, err := ws.Read(ctx)
		if err != nil {
			return
		}
		var in struct {
			Text string `json:"text"`
			// CID is the page's id of the message: the page sends again
			// what was not acknowledged, and a message is kept once.
			CID string `json:"cid"`
		}
		if json.Unmarshal(data, &in) != nil {
			continue
		}
		text := strings.TrimSpace(in.Text)
		cid := ""
		if in.CID != "" && len(in.CID) <= 64 {
			cid = rid + ":" + in.CID
		}
		switch {
		case text == "":
			continue
		case len(text) > a.cfg.MaxMessage:
			// Refused, not lost: the page puts it back for the visitor to shorten.
			cn.send(event{Type: "refused", CID: in.CID, Notice: a.say("That message is too long: keep it under 4,000 characters.")})
			continue
		case !a.allow("chat:"+rid, 2*time.Second, 5):
			cn.send(event{Type: "notice", Notice: a.say("You are writing very fast: your message waits a moment, then goes.")})
			continue // the page keeps it and sends it again
		}
		// The visitor's copy, the message and its relay are kept in one
		// transaction, then acknowledged; a message sent again after a
		// reconnection is known by its client id, kept once and
		// acknowledged again.
		p := &bot.Post{Channel: me, From: bot.Actor{Address: me, Name: prof.Name}, Message: bot.Message{Text: text}}
		if _, err := a.cfg.Handler.Handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: bot.Actor{Address: me, Name: prof.Name}, Text: text, ID: cid, Copy: p}); err != nil {
			a.cfg.Log.Error("web chat: keeping a message", "err", err)
			cn.send(event{Type: "notice", Notice: a.say("Your message could not be saved yet: it will be sent again.")})
			continue // not acknowledged: the page keeps it and sends it again
		}
		if p.ID != 0 {
			a.chats.push(rid, event{Type: "post", Post: p})
		}
		cn.send(event{Type: "ack", CID: in.CID})
	}
}

// embedScript puts the chat on any site: a button that opens it in a
// frame.
func (a *Adapter) embedScript(w http.ResponseWriter, r *http.Request) {
	b, _ := assets.ReadFile("assets/embed.js")
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write(b)
}

// maxChatFile is the largest file a participant may send from the chat.
const maxChatFile = 10 << 20

// chatUpload takes a file (and an optional message) from a participant:
// kept with a post in their conversation, shown on their pages, and
// relayed to their thread.
func (a *Adapter) chatUpload(w http.ResponseWriter, r *http.Request) {
	rid, ok := a.chatVisitor(w, r, r.Header.Get("X-CSRF-Token"))
	if !ok {
		return
	}
	if !a.allow("chatfile:"+rid, 10*time.Second, 3) || !a.perMinute("upload:"+a.clientIP(r), a.limits.UploadsPerMinute) {
		http.Error(w, a.say("You are sending files very fast: wait a moment, then send again."), http.StatusTooManyRequests)
		return
	}
	select { // each upload is read into memory: a few at a time
	case a.uploads <- struct{}{}:
		defer func() { <-a.uploads }()
	default:
		w.Header().Set("Retry-After", "5")
		http.Error(w, a.say("herald is receiving other files: send yours again in a moment."), http.StatusServiceUnavailable)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxChatFile+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		http.Error(w, a.say("That file is too large: send files of 10 MB at most."), http.StatusRequestEntityTooLarge)
		return
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		http.Error(w, a.say("Choose a file first."), http.StatusBadRequest)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, maxChatFile+1))
	switch {
	case err != nil:
		http.Error(w, a.say("The upload broke: send the file again."), http.StatusBadRequest)
		return
	case len(data) > maxChatFile:
		http.Error(w, a.say("That file is too large: send files of 10 MB at most."), http.StatusRequestEntityTooLarge)
		return
	case len(data) == 0:
		http.Error(w, a.say("That file is empty."), http.StatusBadRequest)
		return
	}
	text := strings.TrimSpace(r.FormValue("text"))
	if len(text) > a.cfg.MaxMessage {
		http.Error(w, a.say("That message is too long: keep it under 4,000 characters."), http.StatusBadRequest)
		return
	}
	if used, err := a.cfg.Store.PostFilesSize(r.Context()); err != nil || used+int64(len(data)) > int64(a.limits.FilesMB)<<20 {
		a.cfg.Log.Error("web chat: the room for files is full (web.limits.files_mb), a file was refused", "used_bytes", used, "err", err)
		http.Error(w, a.say("herald has no room for more files just now: write your message instead, and the moderators will ask for the file another way."), http.StatusInsufficientStorage)
		return
	}
	prof := a.readProfile(r, rid)
	me := bot.Address{Platform: bot.PlatformWeb, ID: rid}
	name := internal.FileName(hdr.Filename)
	msg := bot.Message{Text: text, Files: []bot.File{{Name: name, ContentType: hdr.Header.Get("Content-Type"), Size: int64(len(data)), Data: data}}}
	p := &bot.Post{Channel: me, From: bot.Actor{Address: me, Name: prof.Name}, Message: msg}
	if _, err := a.cfg.Handler.Handle(r.Context(), bot.Inbound{Kind: bot.InboundParticipantMessage, From: bot.Actor{Address: me, Name: prof.Name}, Text: text, Files: msg.Files, Copy: p}); err != nil {
		a.cfg.Log.Error("web chat: keeping a file", "err", err)
		http.Error(w, a.say("Your file could not be saved: please send it again."), http.StatusInternalServerError)
		return
	}
	a.chats.push(rid, event{Type: "post", Post: p})
	w.WriteHeader(http.StatusNoContent)
}

// chatFile serves a file of the participant's own conversation.
func (a *Adapter) chatFile(w http.ResponseWriter, r *http.Request) {
	rid := a.visitor(r)
	if rid == "" {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	f, owner, err := a.cfg.Store.PostFile(r.Context(), r.PathValue("id"))
	if err != nil || owner != (bot.Address{Platform: bot.PlatformWeb, ID: rid}) {
		http.Error(w, "There is no such file in your conversation.", http.StatusNotFound)
		return
	}
	serveFile(w, f)
}

// serveFile sends f as a download that the browser never runs as a page.
func serveFile(w http.ResponseWriter, f bot.File) {
	internal.DownloadHeaders(w, f.Name, f.ContentType)
	w.Write(f.Data)
}
