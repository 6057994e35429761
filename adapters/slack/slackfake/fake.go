// Package slackfake is a fake of the Slack Web API on loopback, for the
// Slack adapter's tests: auth.test, chat.postMessage, chat.postEphemeral,
// chat.update, users.list, users.getPresence, usergroups.users.list,
// conversations.open, files.getUploadURLExternal, the upload URL and
// files.completeUploadExternal, and the url_private_download of files
// people share with the bot (ShareFile). It enforces method tiers (per minute) and
// chat.postMessage's one message a second per channel, answering 429 with
// Retry-After beyond, knows which channels the bot is in, and injects
// faults (Slack error codes, 5xx) on demand. It also signs requests the
// way Slack signs what it sends to apps, for the adapter's HTTP handlers.
package slackfake

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// User is a workspace member.
type User struct {
	ID, Name, Email string
	Active          bool // presence
}

// Message is what the bot posted.
type Message struct {
	Channel, TS, ThreadTS, Text, Blocks, User string // User: for ephemeral messages
	Ephemeral                                 bool
	Updated                                   int
	// NoUnfurl is set when the message asked for neither link nor media
	// unfurls (unfurl_links and unfurl_media false).
	NoUnfurl bool
}

// Fault makes the next N calls of a method fail: with a Slack error code
// (ok:false), or with an HTTP status (429 with RetryAfter, 5xx).
type Fault struct {
	Method     string
	N          int
	Error      string
	Needed     string // for missing_scope
	Status     int
	RetryAfter int
}

// Server is the fake Slack.
type Server struct {
	Token string
	// AppToken is the app-level token Socket Mode connects with.
	AppToken string
	// Unlimited switches the rate limits off.
	Unlimited bool
	// Scale runs every limit this many times faster (0 or 1: real time);
	// Retry-After is then in scaled seconds, as a herald with the same
	// limits.time_scale reads it. Set it before the first request.
	Scale float64

	srv *http.Server
	ln  net.Listener

	mu       sync.Mutex
	users    []User
	groups   map[string][]string
	member   map[string]bool     // channels the bot is in
	channels map[string]*Channel // by name
	messages []Message
	files    []string
	faults   []*Fault
	calls    map[string][]time.Time // per method, last minute
	chanLast map[string]time.Time
	seq      int
	rejected int
	methods  map[string]int // calls per method

	shared    map[string][]byte // files people shared, by id
	triggers  map[string]bool   // trigger ids issued and not used
	uploads   map[string][]byte // uploaded bodies, by file id
	titles    map[string]string // file title → id, when completed
	views     []View
	socket    chan *envelope // envelopes for the Socket Mode connection
	unacked   map[string]*envelope
	conns     map[*websocket.Conn]bool // Socket Mode connections open
	acks      map[string]bool          // envelope ids acknowledged
	connected int                      // Socket Mode connections opened
	done      chan struct{}            // closed by Close
}

// tiers are calls per minute per method, as Slack documents them (tier 1:
// 1, tier 2: 20, tier 3: 50, tier 4: 100). chat.postMessage has its own
// rule: one a second per channel, and postWorkspace a minute in all.
var tiers = map[string]int{
	"apps.connections.open": 1,
	"users.list":            20, "usergroups.users.list": 20,
	"users.getPresence": 50, "users.lookupByEmail": 50, "conversations.open": 50, "chat.update": 50,
	"chat.postEphemeral": 100, "auth.test": 100, "views.open": 100, "views.update": 100,
	"files.getUploadURLExternal": 100, "files.completeUploadExternal": 100,
	"conversations.create": 20, "conversations.list": 20, "conversations.setTopic": 20, "conversations.unarchive": 20,
	"conversations.invite": 50, "conversations.join": 50,
}

// Channel is a public channel of the fake workspace.
type Channel struct {
	ID, Name, Topic string
	Archived        bool
	Members         []string // invited people (the bot: BotIn)
	BotIn           bool
}

// CreateChannel makes a channel as a person would (the bot not in it),
// archived when asked.
func (s *Server) CreateChannel(name string, archived bool) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newChannelLocked(name, archived).ID
}

func (s *Server) newChannelLocked(name string, archived bool) *Channel {
	s.seq++
	c := &Channel{ID: fmt.Sprintf("C%06d", s.seq), Name: name, Archived: archived}
	if s.channels == nil {
		s.channels = map[string]*Channel{}
	}
	s.channels[name] = c
	return c
}

// ChannelNamed returns the channel called name.
func (s *Server) ChannelNamed(name string) (Channel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.channels[name]
	if !ok {
		return Channel{}, false
	}
	cp := *c
	cp.Members = append([]string(nil), c.Members...)
	cp.BotIn = s.member[c.ID]
	return cp, true
}

// channelByID returns the channel with that id.
func (s *Server) channelByIDLocked(id string) *Channel {
	for _, c := range s.channels {
		if c.ID == id {
			return c
		}
	}
	return nil
}

var channelNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,79}$`)

// postWorkspace is how many chat.postMessage calls a minute the fake takes
// across channels ("several hundred a minute" in Slack's words).
const postWorkspace = 300

// Start runs the fake for the bot token.
func Start(token string) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Token: token, ln: ln, groups: map[string][]string{}, member: map[string]bool{},
		calls: map[string][]time.Time{}, chanLast: map[string]time.Time{}, methods: map[string]int{},
		shared: map[string][]byte{}, triggers: map[string]bool{}, uploads: map[string][]byte{}, titles: map[string]string{}, socket: make(chan *envelope, 64), unacked: map[string]*envelope{}, conns: map[*websocket.Conn]bool{}, acks: map[string]bool{}, done: make(chan struct{})}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve)}
	go s.srv.Serve(ln)
	return s, nil
}

// URL is the Web API base URL (slack.api_url).
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() + "/api/" }

// Close stops the fake.
func (s *Server) Close() error {
	s.mu.Lock()
	select {
	case <-s.done:
	default:
		close(s.done)
	}
	s.mu.Unlock()
	return s.srv.Close()
}

// AddUser adds a workspace member.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users = append(s.users, u)
}

// AddGroup makes a user group with members.
func (s *Server) AddGroup(id string, members ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.groups[id] = members
}

// Join puts the bot in a channel.
func (s *Server) Join(channel string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.member[channel] = true
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Messages returns what the bot posted, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Files returns the names of the files uploaded and shared.
func (s *Server) Files() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.files...)
}

// Calls returns how many times method was called.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.methods[method]
}

// Rejected counts the 429s answered.
func (s *Server) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

// Sign returns the X-Slack-Signature of body at timestamp ts for a
// signing secret, as Slack computes it (v0, HMAC-SHA256 of v0:ts:body).
func Sign(secret string, ts int64, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "v0:%d:%s", ts, body)
	return "v0=" + hex.EncodeToString(mac.Sum(nil))
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, code string, extra map[string]any) {
	body := map[string]any{"ok": false, "error": code}
	for k, v := range extra {
		body[k] = v
	}
	writeJSON(w, body)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now() // limits count calls by arrival, not by when the fake got round to them
	if strings.HasPrefix(r.URL.Path, "/upload/") {
		s.upload(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/download/") {
		s.download(w, r)
		return
	}
	if r.URL.Path == "/socket" {
		s.serveSocket(w, r)
		return
	}
	if id, ok := strings.CutPrefix(r.URL.Path, "/response/"); ok {
		s.response(w, r, id)
		return
	}
	method := strings.TrimPrefix(r.URL.Path, "/api/")
	token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if method == "apps.connections.open" {
		if s.AppToken == "" || token != s.AppToken {
			fail(w, "invalid_auth", nil)
			return
		}
		s.mu.Lock()
		wait := s.limitLocked(arrived, method, "")
		if wait > 0 {
			s.rejected++
		}
		s.mu.Unlock()
		if wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(wait))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		writeJSON(w, map[string]any{"ok": true, "url": "ws://" + s.ln.Addr().String() + "/socket"})
		return
	}
	if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "application/json") {
		var body map[string]any
		json.NewDecoder(r.Body).Decode(&body)
		r.Form = map[string][]string{}
		for k, v := range body {
			switch v := v.(type) {
			case string:
				r.Form.Set(k, v)
			default:
				b, _ := json.Marshal(v)
				r.Form.Set(k, string(b))
			}
		}
	} else {
		r.ParseForm()
	}
	if token == "" {
		token = r.FormValue("token")
	}
	if token != s.Token {
		fail(w, "invalid_auth", nil)
		return
	}
	s.mu.Lock()
	s.methods[method]++
	if f := s.faultLocked(method); f != nil {
		s.mu.Unlock()
		switch {
		case f.Status == http.StatusTooManyRequests:
			w.Header().Set("Retry-After", strconv.Itoa(f.RetryAfter))
			w.WriteHeader(f.Status)
		case f.Status != 0:
			w.WriteHeader(f.Status)
		default:
			extra := map[string]any{}
			if f.Needed != "" {
				extra["needed"], extra["provided"] = f.Needed, "chat:write"
			}
			fail(w, f.Error, extra)
		}
		return
	}
	if wait := s.limitLocked(arrived, method, r.FormValue("channel")); wait > 0 {
		s.rejected++
		s.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	s.mu.Unlock()
	s.method(w, r, method)
}

func (s *Server) faultLocked(method string) *Fault {
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

// limitLocked applies the tiers and the pace of chat.postMessage (per
// channel and per workspace); it returns the (scaled) seconds to wait, or
// 0 and counts the call.
func (s *Server) limitLocked(now time.Time, method, channel string) int {
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
	window := func(key string, limit int) int {
		calls := s.calls[key]
		for len(calls) > 0 && now.Sub(calls[0]) >= unit(time.Minute) {
			calls = calls[1:]
		}
		s.calls[key] = calls
		if len(calls) >= limit {
			return secs(unit(time.Minute) - now.Sub(calls[0]))
		}
		return 0
	}
	if method == "chat.postMessage" {
		if last, ok := s.chanLast[channel]; ok && now.Sub(last) < unit(time.Second) {
			return secs(unit(time.Second) - now.Sub(last))
		}
		if wait := window(method, postWorkspace); wait > 0 {
			return wait
		}
		s.chanLast[channel] = now
		s.calls[method] = append(s.calls[method], now)
		return 0
	}
	limit, ok := tiers[method]
	if !ok {
		return 0
	}
	if wait := window(method, limit); wait > 0 {
		return wait
	}
	s.calls[method] = append(s.calls[method], now)
	return 0
}

func (s *Server) method(w http.ResponseWriter, r *http.Request, method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch method {
	case "auth.test":
		writeJSON(w, map[string]any{"ok": true, "user_id": "UBOT", "bot_id": "BBOT", "team": "Herald test", "team_id": "T1", "user": "herald"})
	case "chat.postMessage", "chat.postEphemeral":
		if !validBlocks(r.FormValue("blocks")) {
			fail(w, "invalid_blocks", nil)
			return
		}
		ch := r.FormValue("channel")
		if strings.HasPrefix(ch, "C") && !s.member[ch] {
			fail(w, "not_in_channel", nil)
			return
		}
		if !strings.HasPrefix(ch, "C") && !strings.HasPrefix(ch, "U") && !strings.HasPrefix(ch, "D") {
			fail(w, "channel_not_found", nil)
			return
		}
		if strings.HasPrefix(ch, "U") && !s.activeUserLocked(ch) {
			fail(w, "user_not_found", nil)
			return
		}
		s.seq++
		ts := fmt.Sprintf("1700000000.%06d", s.seq)
		s.messages = append(s.messages, Message{Channel: ch, TS: ts, ThreadTS: r.FormValue("thread_ts"), Text: r.FormValue("text"),
			Blocks: r.FormValue("blocks"), User: r.FormValue("user"), Ephemeral: method == "chat.postEphemeral",
			NoUnfurl: r.FormValue("unfurl_links") == "false" && r.FormValue("unfurl_media") == "false"})
		writeJSON(w, map[string]any{"ok": true, "channel": ch, "ts": ts, "message_ts": ts})
	case "views.open":
		id := r.FormValue("trigger_id")
		if !s.triggers[id] {
			fail(w, "invalid_trigger_id", nil)
			return
		}
		delete(s.triggers, id) // a trigger opens one view
		var v View
		if err := json.Unmarshal([]byte(r.FormValue("view")), &v.Body); err != nil {
			fail(w, "invalid_arguments", nil)
			return
		}
		s.seq++
		v.ID, v.Hash = fmt.Sprintf("V%04d", s.seq), fmt.Sprintf("h%d", s.seq)
		s.views = append(s.views, v)
		writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": v.ID, "hash": v.Hash}})
	case "views.update":
		for i := range s.views {
			if s.views[i].ID != r.FormValue("view_id") {
				continue
			}
			if h := r.FormValue("hash"); h != "" && h != s.views[i].Hash {
				fail(w, "hash_conflict", nil)
				return
			}
			var body map[string]any
			if err := json.Unmarshal([]byte(r.FormValue("view")), &body); err != nil {
				fail(w, "invalid_arguments", nil)
				return
			}
			s.seq++
			s.views[i].Body, s.views[i].Hash, s.views[i].Updated = body, fmt.Sprintf("h%d", s.seq), s.views[i].Updated+1
			writeJSON(w, map[string]any{"ok": true, "view": map[string]any{"id": s.views[i].ID, "hash": s.views[i].Hash}})
			return
		}
		fail(w, "not_found", nil)
	case "chat.update":
		if !validBlocks(r.FormValue("blocks")) {
			fail(w, "invalid_blocks", nil)
			return
		}
		for i := range s.messages {
			if s.messages[i].Channel == r.FormValue("channel") && s.messages[i].TS == r.FormValue("ts") {
				s.messages[i].Text, s.messages[i].Blocks = r.FormValue("text"), r.FormValue("blocks")
				s.messages[i].Updated++
				writeJSON(w, map[string]any{"ok": true, "channel": r.FormValue("channel"), "ts": r.FormValue("ts")})
				return
			}
		}
		fail(w, "message_not_found", nil)
	case "users.list":
		var members []map[string]any
		for _, u := range s.users {
			members = append(members, map[string]any{"id": u.ID, "name": u.Name, "real_name": u.Name, "profile": map[string]any{"email": u.Email, "real_name": u.Name}})
		}
		writeJSON(w, map[string]any{"ok": true, "members": members, "response_metadata": map[string]any{"next_cursor": ""}})
	case "users.getPresence":
		for _, u := range s.users {
			if u.ID == r.FormValue("user") {
				p := "away"
				if u.Active {
					p = "active"
				}
				writeJSON(w, map[string]any{"ok": true, "presence": p})
				return
			}
		}
		fail(w, "user_not_found", nil)
	case "usergroups.users.list":
		members, ok := s.groups[r.FormValue("usergroup")]
		if !ok {
			fail(w, "no_such_subteam", nil)
			return
		}
		writeJSON(w, map[string]any{"ok": true, "users": members})
	case "conversations.create":
		name := r.FormValue("name")
		switch {
		case !channelNameRE.MatchString(name):
			fail(w, "invalid_name_specials", nil)
		case s.channels[name] != nil:
			fail(w, "name_taken", nil)
		default:
			c := s.newChannelLocked(name, false)
			s.member[c.ID] = true
			writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": c.ID, "name": c.Name, "is_member": true}})
		}
		return
	case "conversations.list":
		var out []map[string]any
		for _, c := range s.channels {
			if c.Archived && r.FormValue("exclude_archived") == "true" {
				continue
			}
			out = append(out, map[string]any{"id": c.ID, "name": c.Name, "is_archived": c.Archived, "is_member": s.member[c.ID], "is_channel": true})
		}
		writeJSON(w, map[string]any{"ok": true, "channels": out, "response_metadata": map[string]any{"next_cursor": ""}})
		return
	case "conversations.unarchive", "conversations.join", "conversations.setTopic", "conversations.invite":
		c := s.channelByIDLocked(r.FormValue("channel"))
		if c == nil {
			fail(w, "channel_not_found", nil)
			return
		}
		switch method {
		case "conversations.unarchive":
			// Slack: bot tokens cannot unarchive conversations.
			fail(w, "not_allowed_token_type", nil)
			return
		case "conversations.join":
			if c.Archived {
				fail(w, "is_archived", nil)
				return
			}
			s.member[c.ID] = true
		case "conversations.setTopic":
			if !s.member[c.ID] {
				fail(w, "not_in_channel", nil)
				return
			}
			c.Topic = r.FormValue("topic")
		case "conversations.invite":
			if !s.member[c.ID] {
				fail(w, "not_in_channel", nil)
				return
			}
			users := strings.Split(r.FormValue("users"), ",")
			if r.FormValue("force") != "true" && slices.ContainsFunc(users, func(u string) bool { return slices.Contains(c.Members, u) }) {
				fail(w, "already_in_channel", nil) // one already in fails them all, unless force
				return
			}
			added := false
			for _, u := range users {
				if u != "" && !slices.Contains(c.Members, u) {
					c.Members = append(c.Members, u)
					added = true
				}
			}
			if !added {
				fail(w, "already_in_channel", nil)
				return
			}
		}
		writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": c.ID, "name": c.Name}})
		return
	case "conversations.open":
		writeJSON(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(r.FormValue("users"), "U")}})
	case "files.getUploadURLExternal":
		s.seq++
		id := fmt.Sprintf("F%06d", s.seq)
		writeJSON(w, map[string]any{"ok": true, "upload_url": "http://" + s.ln.Addr().String() + "/upload/" + id, "file_id": id})
	case "files.completeUploadExternal":
		var files []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		}
		json.Unmarshal([]byte(r.FormValue("files")), &files)
		for _, f := range files {
			s.files = append(s.files, f.Title)
			s.titles[f.Title] = f.ID
		}
		writeJSON(w, map[string]any{"ok": true, "files": files})
	default:
		fail(w, "unknown_method", nil)
	}
}

func (s *Server) activeUserLocked(id string) bool {
	for _, u := range s.users {
		if u.ID == id {
			return true
		}
	}
	return false
}

// upload takes a file's bytes at its upload URL: the body as it is, or,
// posted as a multipart form, its file part (Slack takes both).
func (s *Server) upload(w http.ResponseWriter, r *http.Request) {
	var data []byte
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "multipart/form-data" {
		if err := r.ParseMultipartForm(256 << 20); err != nil {
			http.Error(w, "bad multipart form", http.StatusBadRequest)
			return
		}
		fs := r.MultipartForm.File["file"]
		if len(fs) != 1 {
			http.Error(w, "the form has no file part", http.StatusBadRequest)
			return
		}
		f, err := fs[0].Open()
		if err != nil {
			http.Error(w, "unreadable file part", http.StatusBadRequest)
			return
		}
		data, _ = io.ReadAll(f)
		f.Close()
	} else {
		data, _ = io.ReadAll(io.LimitReader(r.Body, 256<<20))
	}
	s.mu.Lock()
	s.uploads[strings.TrimPrefix(r.URL.Path, "/upload/")] = data
	s.mu.Unlock()
	w.Write([]byte("OK"))
}

// Upload returns the bytes uploaded as the file titled name, or nil.
func (s *Server) Upload(name string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.uploads[s.titles[name]]
}

// View is a modal the app opened.
type View struct {
	ID, Hash string
	Body     map[string]any // the view as sent: callback_id, private_metadata, blocks…
	Updated  int            // views.update calls
}

// Trigger issues a trigger id, as Slack puts in a slash command or an
// interaction; views.open accepts each one once.
func (s *Server) Trigger() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	id := fmt.Sprintf("trigger-%d", s.seq)
	s.triggers[id] = true
	return id
}

// Views returns the modals opened.
func (s *Server) Views() []View {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]View(nil), s.views...)
}

// SharedFile is a file a person shared with the bot, as the Events API
// describes it in a message's files.
type SharedFile struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Mimetype           string `json:"mimetype"`
	Size               int    `json:"size"`
	URLPrivateDownload string `json:"url_private_download"`
}

// ShareFile stores data as a file shared with the bot and returns its
// description for a file_share message event. Downloading it needs the
// bot token; a Fault on method "files.download" makes it fail (Status:
// that HTTP status; Error: the sign-in page Slack answers when the token
// cannot read files).
func (s *Server) ShareFile(name, mimetype string, data []byte) SharedFile {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	id := fmt.Sprintf("F%04d", s.seq)
	s.shared[id] = append([]byte(nil), data...)
	return SharedFile{ID: id, Name: name, Mimetype: mimetype, Size: len(data),
		URLPrivateDownload: "http://" + s.ln.Addr().String() + "/download/" + id + "/" + name}
}

// ResponseURL is the response_url of a slash command, as Slack gives one
// with each: answers posted there show in the channel the command was
// typed in, herald a member or not.
func (s *Server) ResponseURL(id string) string {
	return "http://" + s.ln.Addr().String() + "/response/" + id
}

// response records what is posted to a response_url (at most five, as
// Slack takes) as a message in channel "response:ID".
func (s *Server) response(w http.ResponseWriter, r *http.Request, id string) {
	var body struct {
		Text         string          `json:"text"`
		Blocks       json.RawMessage `json:"blocks"`
		ResponseType string          `json:"response_type"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, "invalid_payload", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.messages {
		if m.Channel == "response:"+id {
			n++
		}
	}
	if n >= 5 {
		http.Error(w, "used_url", http.StatusNotFound)
		return
	}
	s.seq++
	s.messages = append(s.messages, Message{Channel: "response:" + id, TS: fmt.Sprintf("%d.000100", s.seq), Text: body.Text, Blocks: string(body.Blocks), Ephemeral: body.ResponseType != "in_channel"})
	io.WriteString(w, "ok")
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	id, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/download/"), "/")
	s.mu.Lock()
	s.methods["files.download"]++
	data, ok := s.shared[id]
	f := s.faultLocked("files.download")
	s.mu.Unlock()
	switch {
	case strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") != s.Token || f != nil && f.Error != "":
		// Slack answers a login page, not the file, without the token.
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>sign in</html>"))
	case f != nil && f.Status != 0:
		w.WriteHeader(f.Status)
	case !ok:
		http.NotFound(w, r)
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(data)
	}
}

// serveSocket is the Socket Mode connection: hello, then the envelopes
// earlier connections left unacknowledged, then those SendSocket queues;
// acknowledgements are recorded.
func (s *Server) serveSocket(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true}) // Slack's client sends no matching Origin
	if err != nil {
		return
	}
	defer ws.CloseNow()
	s.mu.Lock()
	s.connected++
	s.conns[ws] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, ws)
		s.mu.Unlock()
	}()
	ctx := r.Context()
	hello, _ := json.Marshal(map[string]any{"type": "hello", "num_connections": 1, "connection_info": map[string]string{"app_id": "A1"}})
	if err := ws.Write(ctx, websocket.MessageText, hello); err != nil {
		return
	}
	// Envelopes a connection that went away never acknowledged come again,
	// as Slack retries them (up to three times), marked as retries.
	// An envelope is acknowledged on the connection that delivered it: an
	// acknowledgement of another connection's envelope (one that went
	// away) is not taken, and the envelope comes again.
	mine := map[string]bool{} // guarded by s.mu
	s.mu.Lock()
	var again [][]byte
	for _, e := range s.unacked {
		if e.written && e.attempts < 3 {
			e.attempts++
			mine[e.id] = true
			again = append(again, e.encode())
		}
	}
	s.mu.Unlock()
	for _, b := range again {
		if err := ws.Write(ctx, websocket.MessageText, b); err != nil {
			return
		}
	}
	go func() {
		for {
			_, b, err := ws.Read(ctx)
			if err != nil {
				return
			}
			var ack struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(b, &ack) == nil && ack.EnvelopeID != "" {
				s.mu.Lock()
				if mine[ack.EnvelopeID] {
					s.acks[ack.EnvelopeID] = true
					delete(s.unacked, ack.EnvelopeID)
				}
				s.mu.Unlock()
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.done:
			return
		case e := <-s.socket:
			s.mu.Lock()
			e.written = true
			mine[e.id] = true
			b := e.encode()
			s.mu.Unlock()
			if err := ws.Write(ctx, websocket.MessageText, b); err != nil {
				return
			}
		}
	}
}

// SendSocket queues an envelope of type kind ("slash_commands",
// "events_api", "interactive") with payload for the Socket Mode
// connection, and returns its envelope id.
func (s *Server) SendSocket(kind string, payload any) string {
	s.mu.Lock()
	s.seq++
	e := &envelope{id: fmt.Sprintf("env-%d", s.seq), kind: kind, payload: payload}
	s.unacked[e.id] = e
	s.mu.Unlock()
	s.socket <- e
	return e.id
}

// envelope is one Socket Mode envelope, kept until acknowledged.
type envelope struct {
	id, kind string
	payload  any
	written  bool // sent on a connection at least once
	attempts int  // retries made
}

// encode is the envelope as sent, with its retry count.
func (e *envelope) encode() []byte {
	m := map[string]any{"envelope_id": e.id, "type": e.kind, "payload": e.payload, "accepts_response_payload": false, "retry_attempt": e.attempts}
	if e.attempts > 0 {
		m["retry_reason"] = "timeout"
	}
	b, _ := json.Marshal(m)
	return b
}

// Acked reports whether the app acknowledged envelope id.
func (s *Server) Acked(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.acks[id]
}

// DropSocket closes every Socket Mode connection at once, as a network
// failure or a killed app would: what was not acknowledged comes again on
// the next connection.
func (s *Server) DropSocket() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ws := range s.conns {
		ws.CloseNow()
	}
}

// SocketConnections counts the Socket Mode connections opened.
func (s *Server) SocketConnections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// validBlocks checks what Slack documents of the blocks herald posts: at
// most 50 blocks; a header's text at most 150 characters, a section's
// 3,000; an actions block of 1 to 25 elements whose action ids are unique
// in the message (255 characters at most); a button's text at most 75
// characters and its value 2,000; checkboxes of 1 to 10 options.
func validBlocks(raw string) bool {
	if raw == "" {
		return true
	}
	type text struct {
		Text string `json:"text"`
	}
	var blocks []struct {
		Type     string `json:"type"`
		Text     *text  `json:"text"`
		Elements []struct {
			Type     string `json:"type"`
			ActionID string `json:"action_id"`
			Text     *text  `json:"text"`
			Value    string `json:"value"`
			Options  []struct {
				Text  text   `json:"text"`
				Value string `json:"value"`
			} `json:"options"`
		} `json:"elements"`
	}
	if json.Unmarshal([]byte(raw), &blocks) != nil || len(blocks) > 50 {
		return false
	}
	ids := map[string]bool{}
	for _, b := range blocks {
		switch b.Type {
		case "header":
			if b.Text == nil || len([]rune(b.Text.Text)) > 150 {
				return false
			}
		case "section":
			if b.Text != nil && len([]rune(b.Text.Text)) > 3000 {
				return false
			}
		case "actions":
			if len(b.Elements) == 0 || len(b.Elements) > 25 {
				return false
			}
			for _, e := range b.Elements {
				if e.ActionID == "" || len(e.ActionID) > 255 || ids[e.ActionID] {
					return false
				}
				ids[e.ActionID] = true
				switch e.Type {
				case "button":
					if e.Text == nil || len([]rune(e.Text.Text)) > 75 || len(e.Value) > 2000 {
						return false
					}
				case "checkboxes":
					if len(e.Options) == 0 || len(e.Options) > 10 {
						return false
					}
					for _, o := range e.Options {
						if o.Text.Text == "" || len([]rune(o.Text.Text)) > 75 || o.Value == "" || len(o.Value) > 150 {
							return false
						}
					}
				}
			}
		}
	}
	return true
}
