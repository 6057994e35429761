// Package telegramfake is a fake of the Telegram Bot API on loopback, for
// the Telegram adapter's tests and benchmarks: getMe, sendMessage,
// sendDocument, sendPhoto, getFile with file downloads, editMessageText,
// answerCallbackQuery, getChatMember and getUpdates (long polling, with
// private and group messages and button presses), with the documented limits enforced (30
// messages a second overall, 1 a second per chat, 20 a minute per group,
// 429 with retry_after beyond), users who never started the bot or blocked
// it, and faults on demand.
package telegramfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Message is a message the fake accepted from the bot.
type Message struct {
	ID          int64
	ChatID      int64
	Text        string
	ParseMode   string
	ReplyMarkup string
	At          time.Time
	// Document and Data are a file sent with sendDocument (Text is then
	// its caption).
	Document string
	Data     []byte
	// Photo is a picture sent with sendPhoto (its file name; Data holds
	// it).
	Photo string
	// Topic is the forum topic (message_thread_id), ReplyTo the message
	// answered; Edited counts editMessageText calls.
	Topic, ReplyTo int64
	Edited         int
	// NoPreview is set when link_preview_options.is_disabled was.
	NoPreview bool
}

// Answer is an answerCallbackQuery call.
type Answer struct {
	QueryID, Text string
	ShowAlert     bool
}

// maxDownload is the Bot API's limit on files bots download (getFile).
const maxDownload = 20 << 20

// Fault makes the next N calls of a method fail with a Telegram error.
type Fault struct {
	Method      string
	N           int
	Code        int // 400, 403, 429, 500, …
	Description string
	RetryAfter  int // seconds, for 429
}

// Server is the fake Bot API.
type Server struct {
	Token string
	// Limits can be switched off for tests that measure something else.
	Unlimited bool
	// Scale runs every limit this many times faster (0 or 1: real time),
	// so that a test of the 20-a-minute group limit takes seconds;
	// retry_after is then in scaled seconds, as a herald with the same
	// limits.time_scale reads it. Set it before the first request.
	Scale float64

	srv *http.Server
	ln  net.Listener

	mu         sync.Mutex
	seq        int64           // file and query ids
	chatSeq    map[int64]int64 // the last message id of each chat: Telegram numbers messages per chat
	sent       []Message
	window     []time.Time           // overall sends in the last second
	lastChat   map[int64]time.Time   // per chat
	groupSends map[int64][]time.Time // per group, last minute
	started    map[int64]bool        // users who started the bot
	blocked    map[int64]bool
	faults     []*Fault
	updates    []json.RawMessage
	updateID   int64
	notify     chan struct{}
	rejected   int
	why        map[string]int    // 429s by the limit that refused: chat, overall, group
	files      map[string][]byte // file_id → content, for getFile
	answers    []Answer
	admins     map[int64]map[int64]bool // group → administrators
	forums     map[int64]bool           // groups with topics
	topics     map[int64]string         // topic id → name
	// Webhook and WebhookSecret are what setWebhook set (read under Lock).
	Webhook, WebhookSecret string
}

// WebhookSet returns what setWebhook set.
func (s *Server) WebhookSet() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Webhook, s.WebhookSecret
}

// Start runs a fake on a free loopback port for the bot token.
func Start(token string) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Token: token, ln: ln, lastChat: map[int64]time.Time{}, groupSends: map[int64][]time.Time{},
		started: map[int64]bool{}, blocked: map[int64]bool{}, files: map[string][]byte{}, admins: map[int64]map[int64]bool{}, forums: map[int64]bool{}, topics: map[int64]string{}, notify: make(chan struct{}, 1)}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve)}
	go s.srv.Serve(ln)
	return s, nil
}

// URL is the server URL to give the bot library (WithServerURL).
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// Close stops the fake.
func (s *Server) Close() error { return s.srv.Close() }

// StartedBy records that user started the bot: the bot may write to them.
func (s *Server) StartedBy(user int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started[user] = true
}

// Block makes user block the bot.
func (s *Server) Block(user int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.blocked[user] = true
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Sent returns the messages the bot sent, in order.
func (s *Server) Sent() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.sent...)
}

// Rejected counts the 429s the fake answered.
func (s *Server) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// UserWrites queues an update: user (a private chat) sent text.
func (s *Server) UserWrites(user int64, firstName, text string) {
	s.mu.Lock()
	s.started[user] = true // a user who writes to a bot may be written to
	s.mu.Unlock()
	s.mu.Lock()
	s.updateID++
	u := map[string]any{"update_id": s.updateID, "message": map[string]any{
		"message_id": s.nextInLocked(user), "date": time.Now().Unix(), "text": text,
		"chat": map[string]any{"id": user, "type": "private", "first_name": firstName},
		"from": map[string]any{"id": user, "is_bot": false, "first_name": firstName},
	}}
	b, _ := json.Marshal(u)
	s.updates = append(s.updates, b)
	if text == "/start" {
		s.started[user] = true
	}
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// queue adds an update of kind ("message", "callback_query").
func (s *Server) queue(kind string, body map[string]any) {
	s.mu.Lock()
	s.updateID++
	b, _ := json.Marshal(map[string]any{"update_id": s.updateID, kind: body})
	s.updates = append(s.updates, b)
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func (s *Server) nextID() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	return s.seq
}

// nextIn returns the next message id of chat: as in Telegram, ids count
// per chat, so two people's private chats have messages of the same id.
func (s *Server) nextIn(chat int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextInLocked(chat)
}

func (s *Server) nextInLocked(chat int64) int64 {
	if s.chatSeq == nil {
		s.chatSeq = map[int64]int64{}
	}
	s.chatSeq[chat]++
	return s.chatSeq[chat]
}

// GroupMessage queues an update: user wrote text in group (a supergroup;
// topic is the forum topic, 0 for none; replyTo the message answered, 0
// for none). It returns the message id.
func (s *Server) GroupMessage(group, user int64, firstName string, topic, replyTo int64, text string) int64 {
	id := s.nextIn(group)
	m := map[string]any{"message_id": id, "date": time.Now().Unix(), "text": text,
		"chat": map[string]any{"id": group, "type": "supergroup", "title": "Moderators"},
		"from": map[string]any{"id": user, "is_bot": false, "first_name": firstName}}
	if topic != 0 {
		m["message_thread_id"], m["is_topic_message"] = topic, true
	}
	if replyTo != 0 {
		m["reply_to_message"] = map[string]any{"message_id": replyTo, "date": time.Now().Unix(), "chat": map[string]any{"id": group, "type": "supergroup"}}
	}
	s.queue("message", m)
	return id
}

// GroupDocument queues an update: user sent a file to group with a
// caption.
func (s *Server) GroupDocument(group, user int64, firstName, name, caption string, data []byte) {
	id := s.nextIn(group)
	fid := fmt.Sprintf("doc-%d", s.nextID())
	s.mu.Lock()
	s.files[fid] = append([]byte(nil), data...)
	s.mu.Unlock()
	s.queue("message", map[string]any{"message_id": id, "date": time.Now().Unix(), "caption": caption,
		"document": map[string]any{"file_id": fid, "file_unique_id": "u" + fid, "file_name": name, "file_size": len(data)},
		"chat":     map[string]any{"id": group, "type": "supergroup", "title": "Moderators"},
		"from":     map[string]any{"id": user, "is_bot": false, "first_name": firstName}})
}

// Press queues an update: user pressed the button carrying data under
// message messageID of chat. It returns the callback query id.
func (s *Server) Press(user, chat, messageID int64, data string) string {
	qid := fmt.Sprintf("q%d", s.nextID())
	typ := "private"
	if chat < 0 {
		typ = "supergroup"
	}
	s.queue("callback_query", map[string]any{"id": qid, "data": data, "chat_instance": "ci",
		"from":    map[string]any{"id": user, "is_bot": false, "first_name": "U"},
		"message": map[string]any{"message_id": messageID, "date": time.Now().Unix(), "chat": map[string]any{"id": chat, "type": typ}}})
	return qid
}

// Admin makes user an administrator of group (getChatMember).
func (s *Server) Admin(group, user int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.admins[group] == nil {
		s.admins[group] = map[int64]bool{}
	}
	s.admins[group][user] = true
}

// Forum gives group topics (getChat says is_forum; createForumTopic works).
func (s *Server) Forum(group int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forums[group] = true
}

// Topics returns the forum topics created, by id.
func (s *Server) Topics() map[int64]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]string{}
	for k, v := range s.topics {
		out[k] = v
	}
	return out
}

// Answers returns the answerCallbackQuery calls.
func (s *Server) Answers() []Answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Answer(nil), s.answers...)
}

// UserSendsDocument queues an update: user sent a file with a caption.
// The bot can fetch it with getFile.
func (s *Server) UserSendsDocument(user int64, firstName, name, mimeType, caption string, data []byte) {
	s.mu.Lock()
	s.updateID++
	s.seq++
	id := fmt.Sprintf("doc-%d", s.seq)
	s.files[id] = append([]byte(nil), data...)
	u := map[string]any{"update_id": s.updateID, "message": map[string]any{
		"message_id": s.nextInLocked(user), "date": time.Now().Unix(), "caption": caption,
		"document": map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_name": name, "mime_type": mimeType, "file_size": len(data)},
		"chat":     map[string]any{"id": user, "type": "private", "first_name": firstName},
		"from":     map[string]any{"id": user, "is_bot": false, "first_name": firstName},
	}}
	b, _ := json.Marshal(u)
	s.updates = append(s.updates, b)
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func reply(w http.ResponseWriter, code int, result any, description string, retryAfter int) {
	w.Header().Set("Content-Type", "application/json")
	if code != 200 {
		w.WriteHeader(code)
		body := map[string]any{"ok": false, "error_code": code, "description": description}
		if retryAfter > 0 {
			body["parameters"] = map[string]any{"retry_after": retryAfter}
		}
		json.NewEncoder(w).Encode(body)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

// arrivedKey keys the time a request arrived in its context.
type arrivedKey struct{}

// arrival is when r arrived: limits count posts by arrival, not by when
// the fake got round to them.
func arrival(r *http.Request) time.Time {
	if t, ok := r.Context().Value(arrivedKey{}).(time.Time); ok {
		return t
	}
	return time.Now()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	r = r.WithContext(context.WithValue(r.Context(), arrivedKey{}, time.Now()))
	if rest, ok := strings.CutPrefix(r.URL.Path, "/file/bot"); ok {
		s.download(w, rest)
		return
	}
	path := strings.TrimPrefix(r.URL.Path, "/bot")
	token, method, ok := strings.Cut(path, "/")
	if !ok || token != s.Token {
		reply(w, 401, nil, "Unauthorized", 0)
		return
	}
	if err := r.ParseMultipartForm(64 << 20); err != nil && err != http.ErrNotMultipart {
		r.ParseForm()
	}
	if f := s.fault(method); f != nil {
		reply(w, f.Code, nil, f.Description, f.RetryAfter)
		return
	}
	switch method {
	case "getMe":
		reply(w, 200, map[string]any{"id": 42, "is_bot": true, "first_name": "herald", "username": "herald_test_bot"}, "", 0)
	case "sendMessage":
		s.sendMessage(w, r)
	case "getUpdates":
		s.getUpdates(w, r)
	case "sendDocument":
		s.sendDocument(w, r)
	case "sendPhoto":
		s.sendPhoto(w, r)
	case "getChat":
		chat, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
		s.mu.Lock()
		forum := s.forums[chat]
		s.mu.Unlock()
		typ := "private"
		if chat < 0 {
			typ = "supergroup"
		}
		reply(w, 200, map[string]any{"id": chat, "type": typ, "is_forum": forum, "accent_color_id": 0, "max_reaction_count": 0}, "", 0)
	case "createForumTopic":
		chat, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
		name := r.FormValue("name")
		s.mu.Lock()
		forum := s.forums[chat]
		if forum && name != "" && len(name) <= 128 && s.limitedLocked(w, r, chat) {
			s.mu.Unlock()
			return
		}
		id := s.nextInLocked(chat)
		if forum && name != "" && len(name) <= 128 {
			s.topics[id] = name
		}
		s.mu.Unlock()
		switch {
		case !forum:
			reply(w, 400, nil, "Bad Request: the chat is not a forum", 0)
		case name == "" || len(name) > 128:
			reply(w, 400, nil, "Bad Request: invalid forum topic name", 0)
		default:
			reply(w, 200, map[string]any{"message_thread_id": id, "name": name, "icon_color": 7322096}, "", 0)
		}
	case "getChatMember":
		chat, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
		user, _ := strconv.ParseInt(r.FormValue("user_id"), 10, 64)
		s.mu.Lock()
		admin := s.admins[chat][user]
		s.mu.Unlock()
		status := "member"
		if admin {
			status = "administrator"
		}
		reply(w, 200, map[string]any{"status": status, "user": map[string]any{"id": user, "is_bot": false, "first_name": "U"}}, "", 0)
	case "answerCallbackQuery":
		s.mu.Lock()
		s.answers = append(s.answers, Answer{QueryID: r.FormValue("callback_query_id"), Text: r.FormValue("text"), ShowAlert: r.FormValue("show_alert") == "true"})
		s.mu.Unlock()
		reply(w, 200, true, "", 0)
	case "editMessageText":
		chat, _ := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
		id, _ := strconv.ParseInt(r.FormValue("message_id"), 10, 64)
		s.mu.Lock()
		defer s.mu.Unlock()
		for i := range s.sent {
			if s.sent[i].ChatID == chat && s.sent[i].ID == id {
				if s.limitedLocked(w, r, chat) {
					return
				}
				s.sent[i].Text, s.sent[i].ReplyMarkup = r.FormValue("text"), r.FormValue("reply_markup")
				s.sent[i].Edited++
				reply(w, 200, map[string]any{"message_id": id, "date": time.Now().Unix(), "chat": map[string]any{"id": chat, "type": "supergroup"}}, "", 0)
				return
			}
		}
		reply(w, 400, nil, "Bad Request: message to edit not found", 0)
	case "getFile":
		id := r.FormValue("file_id")
		s.mu.Lock()
		data, ok := s.files[id]
		s.mu.Unlock()
		switch {
		case !ok:
			reply(w, 400, nil, "Bad Request: invalid file_id", 0)
		case len(data) > maxDownload:
			reply(w, 400, nil, "Bad Request: file is too big", 0)
		default:
			reply(w, 200, map[string]any{"file_id": id, "file_unique_id": "u" + id, "file_size": len(data), "file_path": "documents/" + id}, "", 0)
		}
	case "setWebhook":
		s.mu.Lock()
		s.Webhook, s.WebhookSecret = r.FormValue("url"), r.FormValue("secret_token")
		s.mu.Unlock()
		reply(w, 200, true, "", 0)
	default:
		reply(w, 404, nil, "Not Found: method "+method+" is not in this fake", 0)
	}
}

func (s *Server) fault(method string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.Method == method && f.N > 0 {
			f.N--
			if f.N == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			return f
		}
	}
	return nil
}

func (s *Server) sendMessage(w http.ResponseWriter, r *http.Request) {
	text := r.FormValue("text")
	if strings.TrimSpace(text) == "" {
		reply(w, 400, nil, "Bad Request: message text is empty", 0)
		return
	}
	m := Message{Text: text, ParseMode: r.FormValue("parse_mode"), ReplyMarkup: r.FormValue("reply_markup")}
	m.Topic, _ = strconv.ParseInt(r.FormValue("message_thread_id"), 10, 64)
	var rp struct {
		MessageID int64 `json:"message_id"`
	}
	if json.Unmarshal([]byte(r.FormValue("reply_parameters")), &rp) == nil {
		m.ReplyTo = rp.MessageID
	}
	var lp struct {
		IsDisabled bool `json:"is_disabled"`
	}
	if v := r.FormValue("link_preview_options"); v != "" {
		if json.Unmarshal([]byte(v), &lp) != nil {
			reply(w, 400, nil, "Bad Request: can't parse link preview options JSON object", 0)
			return
		}
		m.NoPreview = lp.IsDisabled
	}
	s.deliver(w, r, m)
}

// sendDocument takes the file uploaded as the multipart field "document".
func (s *Server) sendDocument(w http.ResponseWriter, r *http.Request) {
	f, h, err := r.FormFile("document")
	if err != nil {
		reply(w, 400, nil, "Bad Request: there is no document in the request", 0)
		return
	}
	data, _ := io.ReadAll(f)
	f.Close()
	m := Message{Text: r.FormValue("caption"), ParseMode: r.FormValue("parse_mode"), Document: h.Filename, Data: data}
	m.Topic, _ = strconv.ParseInt(r.FormValue("message_thread_id"), 10, 64)
	s.deliver(w, r, m)
}

// sendPhoto takes the picture uploaded as the multipart field "photo":
// at most 10 MB, as the Bot API takes.
func (s *Server) sendPhoto(w http.ResponseWriter, r *http.Request) {
	f, h, err := r.FormFile("photo")
	if err != nil {
		reply(w, 400, nil, "Bad Request: there is no photo in the request", 0)
		return
	}
	data, _ := io.ReadAll(f)
	f.Close()
	if len(data) > 10<<20 {
		reply(w, 400, nil, "Bad Request: PHOTO_INVALID_DIMENSIONS", 0)
		return
	}
	m := Message{Text: r.FormValue("caption"), ParseMode: r.FormValue("parse_mode"), Photo: h.Filename, Data: data}
	m.Topic, _ = strconv.ParseInt(r.FormValue("message_thread_id"), 10, 64)
	s.deliver(w, r, m)
}

// deliver records m for chat_id when the user may be written to and the
// limits allow it.
func (s *Server) deliver(w http.ResponseWriter, r *http.Request, m Message) {
	chat, err := strconv.ParseInt(r.FormValue("chat_id"), 10, 64)
	if err != nil {
		reply(w, 400, nil, "Bad Request: chat not found", 0)
		return
	}
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case chat > 0 && s.blocked[chat]:
		reply(w, 403, nil, "Forbidden: bot was blocked by the user", 0)
		return
	case chat > 0 && !s.started[chat]:
		reply(w, 403, nil, "Forbidden: bot can't initiate conversation with a user", 0)
		return
	}
	if s.limitedLocked(w, r, chat) {
		return
	}
	m.ID, m.ChatID, m.At = s.nextInLocked(chat), chat, now
	s.sent = append(s.sent, m)
	reply(w, 200, map[string]any{"message_id": m.ID, "date": now.Unix(), "text": m.Text, "chat": map[string]any{"id": chat, "type": "private"}}, "", 0)
}

// download serves /file/bot<token>/<file_path>.
func (s *Server) download(w http.ResponseWriter, rest string) {
	token, path, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	data, ok := s.files[strings.TrimPrefix(path, "documents/")]
	s.mu.Unlock()
	switch {
	case token != s.Token:
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
	case !ok:
		http.NotFound(w, nil)
	default:
		w.Write(data)
	}
}

// limitLocked returns the seconds to wait (in the fake's scaled time,
// rounded up), or 0 and records the post. Every post counts towards the
// overall 30 a second and the chat's one a second; in a group (a negative
// chat id) also towards its 20 a minute: messages, documents, edits and
// new forum topics alike.
func (s *Server) limitLocked(now time.Time, chat int64) int {
	if s.Unlimited {
		return 0
	}
	scale := s.Scale
	if scale <= 0 {
		scale = 1
	}
	unit := func(d time.Duration) time.Duration { return time.Duration(float64(d) / scale) }
	secs := func(d time.Duration) int {
		return max(int((float64(d)*scale+float64(time.Second)-1)/float64(time.Second)), 1)
	}
	if last, ok := s.lastChat[chat]; ok && now.Sub(last) < unit(time.Second) {
		s.refused("chat")
		return secs(unit(time.Second) - now.Sub(last))
	}
	cut := 0
	for cut < len(s.window) && now.Sub(s.window[cut]) >= unit(time.Second) {
		cut++
	}
	s.window = s.window[cut:]
	if len(s.window) >= 30 {
		s.refused("overall")
		return secs(unit(time.Second) - now.Sub(s.window[0]))
	}
	if chat < 0 {
		g := s.groupSends[chat]
		for len(g) > 0 && now.Sub(g[0]) >= unit(time.Minute) {
			g = g[1:]
		}
		if len(g) >= 20 {
			s.groupSends[chat] = g
			s.refused("group")
			return secs(unit(time.Minute) - now.Sub(g[0]))
		}
		s.groupSends[chat] = append(g, now)
	}
	s.window = append(s.window, now)
	s.lastChat[chat] = now
	return 0
}

// refused counts a 429 by the limit that gave it; the caller holds s.mu.
func (s *Server) refused(limit string) {
	if s.why == nil {
		s.why = map[string]int{}
	}
	s.why[limit]++
}

// RejectedBy returns the 429s answered so far by the limit that gave
// them: "chat" (1 a second), "overall" (30 a second), "group" (20 a
// minute).
func (s *Server) RejectedBy() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.why)
}

// limited answers 429 and returns true when chat's limits refuse a post
// now; otherwise it counts the post. The caller holds s.mu.
func (s *Server) limitedLocked(w http.ResponseWriter, r *http.Request, chat int64) bool {
	if wait := s.limitLocked(arrival(r), chat); wait > 0 {
		s.rejected++
		reply(w, 429, nil, fmt.Sprintf("Too Many Requests: retry after %d", wait), wait)
		return true
	}
	return false
}

// getUpdates serves long polling as the Bot API does: the updates from
// offset on, at most limit (1–100, default 100), waiting up to timeout
// seconds for some; the updates before offset are confirmed, and
// forgotten.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.ParseInt(r.FormValue("offset"), 10, 64)
	timeout, _ := strconv.Atoi(r.FormValue("timeout"))
	limit, err := strconv.Atoi(r.FormValue("limit"))
	if err != nil || limit < 1 || limit > 100 {
		limit = 100
	}
	deadline := time.Now().Add(time.Duration(timeout) * time.Second)
	for {
		s.mu.Lock()
		var out []json.RawMessage
		kept := s.updates[:0]
		for _, u := range s.updates {
			var head struct {
				ID int64 `json:"update_id"`
			}
			json.Unmarshal(u, &head)
			if head.ID >= offset {
				kept = append(kept, u)
				if len(out) < limit {
					out = append(out, u)
				}
			}
		}
		s.updates = kept
		s.mu.Unlock()
		if len(out) > 0 || time.Now().After(deadline) {
			if out == nil {
				out = []json.RawMessage{}
			}
			reply(w, 200, out, "", 0)
			return
		}
		select {
		case <-s.notify:
		case <-r.Context().Done():
			return
		case <-time.After(time.Until(deadline)):
		}
	}
}
