// Package discordfake is a fake of the Discord REST API (v10) on loopback,
// for the Discord adapter's tests: the gateway URL, the bot user, DM
// channels and messages (JSON, or multipart with files), message edits.
// It enforces the documented limits — 50 requests a second overall and a
// per-route bucket of 5 messages per 5 seconds per channel, answering 429
// with retry_after and the rate-limit headers beyond — knows users who
// closed their DMs (50007) or do not exist (10013), and injects faults on
// demand. The adapter reaches it through its HTTP client, which sends
// discord.com requests here.
package discordfake

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Message is a message the bot posted.
type Message struct {
	ID, ChannelID, Content string
	Embeds, Components     string // as JSON
	Files                  map[string][]byte
	Edited                 int
	// Ephemeral marks an interaction answer only its user sees.
	Ephemeral bool
	// NoEmbeds is set when the message was sent with SUPPRESS_EMBEDS
	// (flags 1<<2): its links are not previewed.
	NoEmbeds bool
	Nonce    string
	Created  time.Time
}

// NonceWindow is how long the fake remembers an enforced nonce, as
// Discord does for "the past few minutes".
const NonceWindow = 5 * time.Minute

// interaction is one the fake dispatched, until answered.
type interaction struct {
	id, channel, message string // message: the pressed component's
	original             string // the answer message, once made
}

// Fault makes the next N calls of a route fail with an HTTP status and a
// Discord error (code and message); 429 with RetryAfter.
type Fault struct {
	Route      string // "POST /channels/{id}/messages", "POST /users/@me/channels"
	N          int
	Status     int
	Code       int
	Message    string
	RetryAfter float64
}

// Server is the fake Discord.
type Server struct {
	// MembersIntent says that the app may ask for the privileged
	// GUILD_MEMBERS intent (enabled in the developer portal); a bot that
	// asks without it is refused with 4014.
	MembersIntent bool
	intents       int
	Token         string
	// Unlimited switches the rate limits off.
	Unlimited bool
	// Scale runs every limit this many times faster (0 or 1: real time);
	// retry_after is then in scaled seconds, as a herald with the same
	// limits.time_scale reads it. Set it before the first request.
	Scale float64

	srv *http.Server
	ln  net.Listener

	mu       sync.Mutex
	seq      int64
	users    map[string]bool // known users → DMs open
	dms      map[string]string
	messages []Message
	faults   []*Fault
	global   []time.Time
	buckets  map[string][]time.Time
	rejected int
	gwSeq    int64
	events   chan []byte                 // dispatches for the gateway connection
	history  map[string][]map[string]any // what participants wrote, per DM channel
	done     chan struct{}
	gateways int                     // gateway connections identified
	inter    map[string]*interaction // by token
	commands map[string]string       // registered application commands, JSON, by guild ("" global)
	roles    map[string][]string     // guild member roles, by user
	threads  map[string]string       // thread channel → parent channel
	guildChs map[string][]*GuildChannel
	cdn      map[string][]byte // attachments, by id
	modals   []string          // forms opened, JSON
}

// Start runs the fake for the bot token.
func Start(token string) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Server{Token: token, ln: ln, users: map[string]bool{}, dms: map[string]string{}, buckets: map[string][]time.Time{},
		events: make(chan []byte, 256), history: map[string][]map[string]any{}, done: make(chan struct{}), inter: map[string]*interaction{}, commands: map[string]string{}, roles: map[string][]string{}}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve)}
	go s.srv.Serve(ln)
	return s, nil
}

// Addr is the fake's host:port.
func (s *Server) Addr() string { return s.ln.Addr().String() }

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

// AddUser adds a user; dmsOpen false makes sending to them fail with
// 50007 (Cannot send messages to this user).
func (s *Server) AddUser(id string, dmsOpen bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[id] = dmsOpen
}

// Inject adds a fault.
func (s *Server) Inject(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &f)
}

// Messages returns the messages posted, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// DMChannel returns the DM channel of user, or "".
func (s *Server) DMChannel(user string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dms[user]
}

// Rejected counts the 429s answered.
func (s *Server) Rejected() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg})
}

// route names a request the way faults do: ids become {id}.
func route(method, path string) (string, []string) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var ids []string
	for i, p := range parts {
		switch {
		case i == 2 && (parts[0] == "interactions" || parts[0] == "webhooks"):
			ids = append(ids, p)
			parts[i] = "{token}"
		case p != "" && p[0] >= '0' && p[0] <= '9':
			ids = append(ids, p)
			parts[i] = "{id}"
		}
	}
	return method + " /" + strings.Join(parts, "/"), ids
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	arrived := time.Now() // limits count requests by arrival, not by when the fake got round to them
	if rest, ok := strings.CutPrefix(r.URL.Path, "/attachments/"); ok {
		id, _, _ := strings.Cut(rest, "/")
		s.mu.Lock()
		data, found := s.cdn[id]
		s.mu.Unlock()
		if !found {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
		return
	}
	if strings.TrimSuffix(r.URL.Path, "/") == "/gateway" && r.Header.Get("Upgrade") != "" {
		s.gateway(w, r)
		return
	}
	path := r.URL.Path
	if i := strings.Index(path, "/api/v"); i >= 0 {
		path = path[i+len("/api/v"):]
		if j := strings.IndexByte(path, '/'); j >= 0 {
			path = path[j:]
		}
	}
	rt, ids := route(r.Method, path)
	// Interaction answers are authorised by their token, not the bot's.
	if !strings.Contains(rt, "{token}") && r.Header.Get("Authorization") != "Bot "+s.Token {
		fail(w, http.StatusUnauthorized, 0, "401: Unauthorized")
		return
	}
	s.mu.Lock()
	if wait, global := s.limitLocked(arrived, rt, ids); wait > 0 {
		s.rejected++
		s.mu.Unlock()
		w.Header().Set("Retry-After", strconv.Itoa(int(wait+0.999)))
		if global {
			w.Header().Set("X-RateLimit-Global", "true")
		}
		w.Header().Set("X-RateLimit-Scope", "user")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{"message": "You are being rate limited.", "retry_after": wait, "global": global})
		return
	}
	for i, f := range s.faults {
		if f.Route == rt && f.N > 0 {
			f.N--
			if f.N == 0 {
				s.faults = append(s.faults[:i], s.faults[i+1:]...)
			}
			s.mu.Unlock()
			if f.Status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", strconv.Itoa(int(f.RetryAfter+0.999)))
				writeJSON(w, f.Status, map[string]any{"message": "You are being rate limited.", "retry_after": f.RetryAfter, "global": false})
				return
			}
			fail(w, f.Status, f.Code, f.Message)
			return
		}
	}
	s.mu.Unlock()
	switch rt {
	case "GET /gateway", "GET /gateway/bot":
		writeJSON(w, 200, map[string]any{"url": "ws://" + s.Addr() + "/gateway", "shards": 1,
			"session_start_limit": map[string]int{"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}})
	case "GET /users/@me":
		writeJSON(w, 200, map[string]any{"id": "900", "username": "herald", "bot": true, "discriminator": "0"})
	case "POST /users/@me/channels":
		var body struct {
			RecipientID string `json:"recipient_id"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		s.mu.Lock()
		_, known := s.users[body.RecipientID]
		ch, ok := s.dms[body.RecipientID]
		if known && !ok {
			s.seq++
			ch = fmt.Sprint(1000000 + s.seq)
			s.dms[body.RecipientID] = ch
		}
		s.mu.Unlock()
		if !known {
			fail(w, http.StatusBadRequest, 50035, "Invalid Form Body")
			return
		}
		writeJSON(w, 200, map[string]any{"id": ch, "type": 1, "recipients": []map[string]string{{"id": body.RecipientID, "username": "u"}}})
	case "POST /channels/{id}/messages":
		s.postMessage(w, r, ids[0])
	case "GET /channels/{id}/messages":
		s.messagesAfter(w, r, ids[0])
	case "PATCH /channels/{id}/messages/{id}":
		s.editMessage(w, r, ids[0], ids[1])
	case "PUT /applications/{id}/guilds/{id}/commands", "PUT /applications/{id}/commands":
		body, _ := io.ReadAll(r.Body)
		guild := ""
		if len(ids) > 1 {
			guild = ids[1]
		}
		s.mu.Lock()
		s.commands[guild] = string(body)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	case "GET /guilds/{id}/channels":
		s.mu.Lock()
		out := []map[string]any{}
		for _, c := range s.guildChs[ids[0]] {
			out = append(out, c.json())
		}
		s.mu.Unlock()
		writeJSON(w, 200, out)
	case "POST /guilds/{id}/channels":
		var body struct {
			Name                 string `json:"name"`
			Type                 int    `json:"type"`
			Topic                string `json:"topic"`
			ParentID             string `json:"parent_id"`
			PermissionOverwrites []struct {
				ID    string `json:"id"`
				Type  int    `json:"type"`
				Allow string `json:"allow"`
				Deny  string `json:"deny"`
			} `json:"permission_overwrites"`
		}
		if json.NewDecoder(r.Body).Decode(&body) != nil || body.Name == "" || len(body.Name) > 100 {
			fail(w, http.StatusBadRequest, 50035, "Invalid Form Body")
			return
		}
		s.mu.Lock()
		s.seq++
		c := &GuildChannel{ID: fmt.Sprint(6000000 + s.seq), Name: strings.ToLower(strings.ReplaceAll(body.Name, " ", "-")), Type: body.Type, Topic: body.Topic, ParentID: body.ParentID}
		for _, o := range body.PermissionOverwrites {
			c.Overwrites = append(c.Overwrites, Overwrite{ID: o.ID, Type: o.Type, Allow: o.Allow, Deny: o.Deny})
		}
		if s.guildChs == nil {
			s.guildChs = map[string][]*GuildChannel{}
		}
		s.guildChs[ids[0]] = append(s.guildChs[ids[0]], c)
		s.mu.Unlock()
		writeJSON(w, 201, c.json())
	case "POST /channels/{id}/threads":
		var body struct {
			Name string `json:"name"`
			Type int    `json:"type"`
		}
		json.NewDecoder(r.Body).Decode(&body)
		if body.Name == "" || len(body.Name) > 100 {
			fail(w, http.StatusBadRequest, 50035, "Invalid Form Body")
			return
		}
		s.mu.Lock()
		s.seq++
		id := fmt.Sprint(7000000 + s.seq)
		if s.threads == nil {
			s.threads = map[string]string{}
		}
		s.threads[id] = ids[0]
		s.mu.Unlock()
		writeJSON(w, 201, map[string]any{"id": id, "parent_id": ids[0], "name": body.Name, "type": 11})
	case "GET /guilds/{id}/members/{id}":
		s.mu.Lock()
		roles, ok := s.roles[ids[1]]
		s.mu.Unlock()
		if !ok {
			fail(w, http.StatusNotFound, 10007, "Unknown Member")
			return
		}
		writeJSON(w, 200, map[string]any{"user": map[string]any{"id": ids[1], "username": "u"}, "roles": roles, "joined_at": "2026-01-01T00:00:00Z"})
	case "POST /interactions/{id}/{token}/callback":
		s.callback(w, r, ids[1])
	case "POST /webhooks/{id}/{token}":
		s.followup(w, r, ids[1])
	case "PATCH /webhooks/{id}/{token}/messages/@original":
		s.mu.Lock()
		in := s.inter[ids[1]]
		s.mu.Unlock()
		if in == nil || in.original == "" && in.message == "" {
			fail(w, http.StatusNotFound, 10008, "Unknown Message")
			return
		}
		target := in.original
		if target == "" {
			target = in.message
		}
		s.editMessage(w, r, in.channel, target)
	default:
		fail(w, http.StatusNotFound, 0, "404: Not Found ("+rt+" is not in this fake)")
	}
}

// limitLocked applies the global limit and the per-route buckets; it
// returns the (scaled) seconds to wait and whether the global limit was
// hit, or 0 and records the request. Every request counts towards the 50
// a second; each route that writes to a channel (messages, edits, new
// threads) or opens a DM has a bucket of 5 per 5 seconds per channel or
// user, as Discord's per-route buckets behave for one bot.
func (s *Server) limitLocked(now time.Time, rt string, ids []string) (float64, bool) {
	if s.Unlimited {
		return 0, false
	}
	scale := s.Scale
	if scale <= 0 {
		scale = 1
	}
	unit := func(d time.Duration) time.Duration { return time.Duration(float64(d) / scale) }
	keep := func(ts []time.Time, window time.Duration) []time.Time {
		i := 0
		for i < len(ts) && now.Sub(ts[i]) >= window {
			i++
		}
		return ts[i:]
	}
	s.global = keep(s.global, unit(time.Second))
	if len(s.global) >= 50 {
		return (unit(time.Second) - now.Sub(s.global[0])).Seconds() * scale, true
	}
	if bucketed(rt) && len(ids) > 0 {
		key := rt + " " + ids[0]
		b := keep(s.buckets[key], unit(5*time.Second))
		if len(b) >= 5 {
			s.buckets[key] = b
			return (unit(5*time.Second) - now.Sub(b[0])).Seconds() * scale, false
		}
		s.buckets[key] = append(b, now)
	}
	s.global = append(s.global, now)
	return 0, false
}

// bucketed reports whether route rt has a per-channel (or per-user)
// bucket of its own.
func bucketed(rt string) bool {
	switch rt {
	case "POST /channels/{id}/messages", "PATCH /channels/{id}/messages/{id}", "POST /channels/{id}/threads", "POST /channels/{id}/messages/{id}/threads":
		return true
	}
	return false
}

// payload is a message as the bot sends it: JSON, or multipart with
// payload_json and the files.
type payload struct {
	Content    string          `json:"content"`
	Embeds     json.RawMessage `json:"embeds"`
	Components json.RawMessage `json:"components"`
	Flags      int             `json:"flags"`
	// Nonce with EnforceNonce: a second message with the same nonce in
	// the channel within NonceWindow returns the first and creates none.
	Nonce        string `json:"nonce"`
	EnforceNonce bool   `json:"enforce_nonce"`
}

// validComponents checks a message's components as Discord does: at most
// 5 action rows, each of at most 5 buttons, a button's label at most 80
// characters and its custom id at most 100.
func validComponents(raw json.RawMessage) bool {
	if len(raw) == 0 || string(raw) == "null" {
		return true
	}
	var rows []struct {
		Type       int `json:"type"`
		Components []struct {
			Type     int    `json:"type"`
			Label    string `json:"label"`
			CustomID string `json:"custom_id"`
			// A string select's (type 3).
			Options []struct {
				Label string `json:"label"`
				Value string `json:"value"`
			} `json:"options"`
			MinValues *int `json:"min_values"`
			MaxValues int  `json:"max_values"`
		} `json:"components"`
	}
	if json.Unmarshal(raw, &rows) != nil || len(rows) > 5 {
		return false
	}
	for _, r := range rows {
		if r.Type != 1 || len(r.Components) == 0 || len(r.Components) > 5 {
			return false
		}
		for _, c := range r.Components {
			if len([]rune(c.Label)) > 80 || len(c.CustomID) > 100 {
				return false
			}
			if c.Type != 3 {
				continue
			}
			// A select is alone on its row, with 1 to 25 options and
			// 0 <= min <= max <= 25 picks.
			min := 1
			if c.MinValues != nil {
				min = *c.MinValues
			}
			max := c.MaxValues
			if c.MaxValues == 0 {
				max = 1
			}
			if len(r.Components) != 1 || c.CustomID == "" || len(c.Options) == 0 || len(c.Options) > 25 || min < 0 || max > 25 || min > max || max > len(c.Options) {
				return false
			}
			for _, o := range c.Options {
				if o.Label == "" || len([]rune(o.Label)) > 100 || o.Value == "" || len(o.Value) > 100 {
					return false
				}
			}
		}
	}
	return true
}

func readPayload(r *http.Request) (payload, map[string][]byte, error) {
	var body payload
	files := map[string][]byte{}
	ct, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct != "multipart/form-data" {
		return body, files, json.NewDecoder(r.Body).Decode(&body)
	}
	mr := multipart.NewReader(r.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		data, _ := io.ReadAll(p)
		if p.FormName() == "payload_json" {
			json.Unmarshal(data, &body)
		} else if p.FileName() != "" {
			files[p.FileName()] = data
		}
	}
	return body, files, nil
}

func (s *Server) postMessage(w http.ResponseWriter, r *http.Request, channel string) {
	body, files, err := readPayload(r)
	if err != nil {
		fail(w, http.StatusBadRequest, 50035, "Invalid Form Body")
		return
	}
	if body.Content == "" && len(body.Embeds) < 3 && len(files) == 0 {
		fail(w, http.StatusBadRequest, 50006, "Cannot send an empty message")
		return
	}
	if !validComponents(body.Components) {
		fail(w, http.StatusBadRequest, 50035, "Invalid Form Body (components)")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for user, ch := range s.dms {
		if ch == channel && !s.users[user] {
			fail(w, http.StatusForbidden, 50007, "Cannot send messages to this user")
			return
		}
	}
	now := time.Now()
	if body.EnforceNonce && body.Nonce != "" {
		for _, m := range s.messages {
			if m.ChannelID == channel && m.Nonce == body.Nonce && now.Sub(m.Created) < NonceWindow {
				writeMessage(w, m)
				return
			}
		}
	}
	s.seq++
	m := Message{ID: fmt.Sprint(2000000 + s.seq), ChannelID: channel, Content: body.Content, Embeds: string(body.Embeds), Components: string(body.Components), Files: files,
		Nonce: body.Nonce, Created: now, NoEmbeds: body.Flags&4 != 0}
	s.messages = append(s.messages, m)
	writeMessage(w, m)
}

// writeMessage answers with m as Discord's message object.
func writeMessage(w http.ResponseWriter, m Message) {
	out := map[string]any{"id": m.ID, "channel_id": m.ChannelID, "content": m.Content, "type": 0, "timestamp": m.Created.UTC().Format(time.RFC3339Nano)}
	if m.Nonce != "" {
		out["nonce"] = m.Nonce
	}
	writeJSON(w, 200, out)
}

func (s *Server) editMessage(w http.ResponseWriter, r *http.Request, channel, id string) {
	var body struct {
		Content    *string         `json:"content"`
		Embeds     json.RawMessage `json:"embeds"`
		Components json.RawMessage `json:"components"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.messages {
		m := &s.messages[i]
		if m.ChannelID == channel && m.ID == id {
			if body.Content != nil {
				m.Content = *body.Content
			}
			if body.Embeds != nil {
				m.Embeds = string(body.Embeds)
			}
			if body.Components != nil {
				m.Components = string(body.Components)
			}
			m.Edited++
			writeJSON(w, 200, map[string]any{"id": id, "channel_id": channel, "content": m.Content, "type": 0})
			return
		}
	}
	fail(w, http.StatusNotFound, 10008, "Unknown Message")
}

// Gateways counts the gateway connections that identified with the token.
func (s *Server) Gateways() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gateways
}

// UserWrites dispatches MESSAGE_CREATE: user wrote text in their DM with
// the bot (the DM channel is made if needed). It returns the message id.
func (s *Server) UserWrites(user, name, text string) string {
	id, msg := s.userMessage(user, name, text)
	s.dispatch("MESSAGE_CREATE", msg)
	return id
}

// UserWritesWhileAway records that user wrote text in their DM while
// herald was not connected: as on Discord, the gateway never delivers it;
// it can only be read back (GET /channels/{id}/messages).
func (s *Server) UserWritesWhileAway(user, name, text string) string {
	id, _ := s.userMessage(user, name, text)
	return id
}

func (s *Server) userMessage(user, name, text string) (string, map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch, ok := s.dms[user]
	if !ok {
		s.seq++
		ch = fmt.Sprint(1000000 + s.seq)
		s.dms[user] = ch
		if _, known := s.users[user]; !known {
			s.users[user] = true
		}
	}
	s.seq++
	id := fmt.Sprint(3000000 + s.seq)
	msg := map[string]any{"id": id, "channel_id": ch, "content": text, "type": 0,
		"timestamp": time.Now().UTC().Format(time.RFC3339),
		"author":    map[string]any{"id": user, "username": name, "global_name": name, "discriminator": "0"}}
	s.history[ch] = append(s.history[ch], msg)
	return id, msg
}

// messagesAfter serves GET /channels/{id}/messages?after=ID: the
// participant's messages after that id, newest first, as Discord does.
func (s *Server) messagesAfter(w http.ResponseWriter, r *http.Request, ch string) {
	after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
	limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	s.mu.Lock()
	var out []map[string]any
	for _, m := range s.history[ch] {
		if id, _ := strconv.ParseUint(m["id"].(string), 10, 64); id > after {
			out = append(out, m)
		}
	}
	s.mu.Unlock()
	if len(out) > limit {
		out = out[:limit] // the oldest after the id, as Discord pages
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, http.StatusOK, out)
}

// intentGuildMembers is the privileged GUILD_MEMBERS gateway intent.
const intentGuildMembers = 1 << 1

// MemberJoins has user join guild: GUILD_MEMBER_ADD, sent only to a bot
// that identified with the GUILD_MEMBERS intent (as Discord does).
func (s *Server) MemberJoins(guild, user, name string) {
	s.mu.Lock()
	subscribed := s.intents&intentGuildMembers != 0
	s.mu.Unlock()
	if !subscribed {
		return
	}
	s.dispatch("GUILD_MEMBER_ADD", map[string]any{"guild_id": guild, "joined_at": time.Now().UTC().Format(time.RFC3339),
		"user": map[string]any{"id": user, "username": name, "global_name": name, "discriminator": "0"}, "roles": []string{}})
}

// MemberUpdate gives user the roles in guild, as Member does, and tells a
// bot that identified with the GUILD_MEMBERS intent: GUILD_MEMBER_UPDATE
// (as Discord does when a member's roles change).
func (s *Server) MemberUpdate(guild, user string, roles ...string) {
	s.Member(user, roles...)
	s.mu.Lock()
	subscribed := s.intents&intentGuildMembers != 0
	s.mu.Unlock()
	if !subscribed {
		return
	}
	s.dispatch("GUILD_MEMBER_UPDATE", map[string]any{"guild_id": guild, "roles": append([]string{}, roles...),
		"user": map[string]any{"id": user, "username": user, "discriminator": "0"}, "joined_at": time.Now().UTC().Format(time.RFC3339)})
}

// GuildChannel is a channel of a guild, as the bot made it.
type GuildChannel struct {
	ID, Name, Topic, ParentID string
	Type                      int
	Overwrites                []Overwrite
}

// Overwrite is a channel permission overwrite (Type 0: a role, 1: a
// member; Allow and Deny are permission bits as decimal strings).
type Overwrite struct {
	ID          string
	Type        int
	Allow, Deny string
}

func (c *GuildChannel) json() map[string]any {
	var ow []map[string]any
	for _, o := range c.Overwrites {
		ow = append(ow, map[string]any{"id": o.ID, "type": o.Type, "allow": o.Allow, "deny": o.Deny})
	}
	return map[string]any{"id": c.ID, "name": c.Name, "type": c.Type, "topic": c.Topic, "parent_id": c.ParentID, "permission_overwrites": ow}
}

// GuildChannelNamed returns guild's channel called name.
func (s *Server) GuildChannelNamed(guild, name string) (GuildChannel, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.guildChs[guild] {
		if c.Name == name {
			return *c, true
		}
	}
	return GuildChannel{}, false
}

func (s *Server) dispatch(event string, data any) {
	s.mu.Lock()
	s.gwSeq++
	b, _ := json.Marshal(map[string]any{"op": 0, "t": event, "s": s.gwSeq, "d": data})
	s.mu.Unlock()
	s.events <- b
}

// gateway is the minimal Discord gateway: Hello, Identify (token checked)
// → READY, heartbeat ACKs, then the queued dispatches.
func (s *Server) gateway(w http.ResponseWriter, r *http.Request) {
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	defer ws.CloseNow()
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	var wmu sync.Mutex
	send := func(v any) error {
		b, _ := json.Marshal(v)
		wmu.Lock()
		defer wmu.Unlock()
		return ws.Write(ctx, websocket.MessageText, b)
	}
	if send(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 41250}}) != nil {
		return
	}
	identified := make(chan struct{})
	var once sync.Once
	go func() {
		defer cancel()
		for {
			_, b, err := ws.Read(ctx)
			if err != nil {
				return
			}
			var in struct {
				Op int             `json:"op"`
				D  json.RawMessage `json:"d"`
			}
			if json.Unmarshal(b, &in) != nil {
				continue
			}
			switch in.Op {
			case 1: // heartbeat
				send(map[string]any{"op": 11})
			case 2: // identify
				var id struct {
					Token   string `json:"token"`
					Intents int    `json:"intents"`
				}
				json.Unmarshal(in.D, &id)
				if id.Token != "Bot "+s.Token && id.Token != s.Token {
					ws.Close(4004, "Authentication failed.")
					return
				}
				s.mu.Lock()
				allowed := s.MembersIntent
				s.intents = id.Intents
				s.mu.Unlock()
				if id.Intents&intentGuildMembers != 0 && !allowed {
					// A privileged intent not enabled in the developer portal.
					ws.Close(4014, "Disallowed intent(s).")
					return
				}
				s.mu.Lock()
				s.gateways++
				s.gwSeq++
				seq := s.gwSeq
				s.mu.Unlock()
				send(map[string]any{"op": 0, "t": "READY", "s": seq, "d": map[string]any{"v": 10, "session_id": "fake-session",
					"resume_gateway_url": "ws://" + s.Addr() + "/gateway", "guilds": []any{}, "private_channels": []any{},
					"user":        map[string]any{"id": "900", "username": "herald", "bot": true, "discriminator": "0"},
					"application": map[string]any{"id": "123", "flags": 0}}})
				once.Do(func() { close(identified) })
			}
		}
	}()
	select {
	case <-identified:
	case <-ctx.Done():
		return
	}
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-s.events:
			wmu.Lock()
			err := ws.Write(ctx, websocket.MessageText, b)
			wmu.Unlock()
			if err != nil {
				return
			}
		}
	}
}

// Member gives user the roles in the guild (GET /guilds/{id}/members/{id}).
func (s *Server) Member(user string, roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roles[user] = roles
}

// Commands returns the application commands registered for guild ("" for
// global ones), as JSON.
func (s *Server) Commands(guild string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.commands[guild]
}

// Slash dispatches INTERACTION_CREATE: user (a guild member) ran
// /herald SUB with the string option args in channel of guild, and a file
// as the attachment option when name is not "" (served by the fake's CDN).
func (s *Server) Slash(guild, channel, user, sub, args string, file ...File) {
	var opts []map[string]any
	if args != "" {
		opts = append(opts, map[string]any{"name": "args", "type": 3, "value": args})
	}
	data := map[string]any{"id": "5001", "name": "herald", "type": 1}
	if len(file) > 0 {
		s.mu.Lock()
		s.seq++
		id := fmt.Sprint(8000000 + s.seq)
		if s.cdn == nil {
			s.cdn = map[string][]byte{}
		}
		s.cdn[id] = file[0].Data
		s.mu.Unlock()
		opts = append(opts, map[string]any{"name": "file", "type": 11, "value": id})
		data["resolved"] = map[string]any{"attachments": map[string]any{id: map[string]any{"id": id, "filename": file[0].Name,
			"size": len(file[0].Data), "content_type": "text/csv", "url": "http://" + s.Addr() + "/attachments/" + id + "/" + file[0].Name}}}
	}
	data["options"] = []map[string]any{{"name": sub, "type": 1, "options": opts}}
	s.interact(2, guild, channel, user, "", data)
}

// File is an attachment a user gives.
type File struct {
	Name string
	Data []byte
}

// Click dispatches INTERACTION_CREATE: user pressed the button with
// customID on message in channel (guild "" for a DM).
func (s *Server) Click(guild, channel, message, user, customID string) {
	s.interact(3, guild, channel, user, message, map[string]any{"custom_id": customID, "component_type": 2})
}

// Pick picks values in the select menu customID of a message, as user.
func (s *Server) Pick(guild, channel, message, user, customID string, values ...string) {
	s.interact(3, guild, channel, user, message, map[string]any{"custom_id": customID, "component_type": 3, "values": values})
}

func (s *Server) interact(kind int, guild, channel, user, message string, data any) {
	s.mu.Lock()
	s.seq++
	id := fmt.Sprint(6000000 + s.seq)
	token := "itoken-" + id
	s.inter[token] = &interaction{id: id, channel: channel, message: message}
	roles := append([]string{}, s.roles[user]...) // a guild interaction carries its member's roles
	s.mu.Unlock()
	d := map[string]any{"id": id, "application_id": "123", "type": kind, "token": token, "version": 1,
		"channel_id": channel, "data": data}
	u := map[string]any{"id": user, "username": "mo", "global_name": "Mo", "discriminator": "0"}
	if guild != "" {
		d["guild_id"] = guild
		d["member"] = map[string]any{"user": u, "roles": roles, "joined_at": "2026-01-01T00:00:00Z"}
	} else {
		d["user"] = u
	}
	if message != "" {
		d["message"] = map[string]any{"id": message, "channel_id": channel, "content": "", "type": 0, "timestamp": time.Now().UTC().Format(time.RFC3339)}
	}
	s.dispatch("INTERACTION_CREATE", d)
}

// callback is an interaction's first answer: 4 a message, 5 "thinking"
// (a deferred message), 6 a deferred update of the pressed message, 7 the
// pressed message updated.
func (s *Server) callback(w http.ResponseWriter, r *http.Request, token string) {
	var body struct {
		Type int             `json:"type"`
		Data json.RawMessage `json:"data"`
	}
	json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.inter[token]
	if in == nil {
		fail(w, http.StatusNotFound, 10062, "Unknown interaction")
		return
	}
	switch body.Type {
	case 4:
		var d struct {
			Content    string          `json:"content"`
			Embeds     json.RawMessage `json:"embeds"`
			Components json.RawMessage `json:"components"`
			Flags      int             `json:"flags"`
		}
		json.Unmarshal(body.Data, &d)
		s.seq++
		m := Message{ID: fmt.Sprint(2000000 + s.seq), ChannelID: in.channel, Content: d.Content, Embeds: string(d.Embeds), Components: string(d.Components), Ephemeral: d.Flags&64 != 0}
		s.messages = append(s.messages, m)
		in.original = m.ID
	case 5, 6, 7:
	case 9:
		s.modals = append(s.modals, string(body.Data))
	default:
		fail(w, http.StatusBadRequest, 50035, "Invalid Form Body")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// followup posts a message after an interaction's first answer.
func (s *Server) followup(w http.ResponseWriter, r *http.Request, token string) {
	d, files, _ := readPayload(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	in := s.inter[token]
	if in == nil {
		fail(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return
	}
	s.seq++
	m := Message{ID: fmt.Sprint(2000000 + s.seq), ChannelID: in.channel, Content: d.Content, Embeds: string(d.Embeds), Components: string(d.Components), Files: files, Ephemeral: d.Flags&64 != 0}
	s.messages = append(s.messages, m)
	writeJSON(w, 200, map[string]any{"id": m.ID, "channel_id": in.channel, "content": m.Content, "type": 0})
}

// Threads returns the threads created: thread channel id → parent.
func (s *Server) Threads() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]string{}
	for k, v := range s.threads {
		out[k] = v
	}
	return out
}

// MemberWrites dispatches MESSAGE_CREATE: user wrote text in channel (a
// guild channel or thread).
func (s *Server) MemberWrites(guild, channel, user, text string) {
	s.mu.Lock()
	s.seq++
	id := fmt.Sprint(3000000 + s.seq)
	s.mu.Unlock()
	s.dispatch("MESSAGE_CREATE", map[string]any{"id": id, "channel_id": channel, "guild_id": guild, "content": text, "type": 0,
		"timestamp": time.Now().UTC().Format(time.RFC3339),
		"author":    map[string]any{"id": user, "username": "mo", "global_name": "Mo", "discriminator": "0"}})
}

// Modals returns the forms the bot opened (callback type 9), as JSON.
func (s *Server) Modals() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.modals...)
}

// Submit dispatches INTERACTION_CREATE: user submitted the form customID
// with values by input id, in channel of guild.
func (s *Server) Submit(guild, channel, user, customID string, values map[string]string) {
	var rows []map[string]any
	for id, v := range values {
		rows = append(rows, map[string]any{"type": 1, "components": []map[string]any{{"type": 4, "custom_id": id, "value": v}}})
	}
	s.interact(5, guild, channel, user, "", map[string]any{"custom_id": customID, "components": rows})
}
