// Package teamsfake is a fake of the Microsoft services a Teams bot
// talks to, for the Teams adapter's tests and benchmarks: the identity
// platform's token endpoint (client credentials), the Bot Framework's
// OpenID metadata and signing keys (keys it makes, each endorsing
// msteams), and the Bot Connector API (conversations, activities, members)
// with Teams' documented limits: per conversation 7 messages a second, 8
// per 2 seconds, 60 per 30 seconds and 1,800 an hour; per app and tenant
// 50 requests a second; a 429 with Retry-After beyond them. A user who has
// not installed the app cannot be messaged (403). It sends herald the
// activities people make (a message, an installation), signed as the Bot
// Framework signs them.
package teamsfake

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Issuer is the issuer of the tokens the Bot Framework signs.
const Issuer = "https://api.botframework.com"

// User is a Teams user of the tenant.
type User struct {
	ID    string // the Bot Framework's user id ("29:…")
	AADID string // the Azure AD object id
	Name  string
	Email string
	// Installed says the app is installed for them: herald can write.
	Installed bool
}

// Activity is an activity the bot sent (or updated) in a conversation.
type Activity struct {
	ID           string
	Conversation string
	ReplyTo      string
	Type         string
	Text         string
	// Attachments as JSON (an Adaptive Card's content is inside).
	Attachments string
	Updated     int
	At          time.Time
}

// Server is the fake.
type Server struct {
	AppID, AppPassword, Tenant string
	// Unlimited switches the limits off; Scale runs them this many times
	// faster (tests only). RetryAfter is the seconds an injected 429 asks
	// for (1 when zero).
	Unlimited  bool
	Scale      float64
	RetryAfter int
	// Latency is how long the fake works on a request after counting
	// it, before it answers (Teams' round trips take 100–500 ms).
	Latency time.Duration

	key    *rsa.PrivateKey
	kid    string
	ln     net.Listener
	srv    *http.Server
	mu     sync.Mutex
	users  map[string]*User
	convs  map[string]string // conversation id → user id (1:1)
	acts   []Activity
	seq    int
	sent   map[string][]time.Time // per conversation, for the limits
	app    []time.Time            // every Bot Connector request, for the app's limit
	tokens map[string]bool
	// Throttled counts the 429s answered; Calls the requests per route.
	throttled int
	calls     map[string]int
	faults    map[string]int      // route → status to answer, next calls
	teams     map[string][]string // team id → member user ids
	mux       *http.ServeMux
	// The Bot Connector requests let through the limits: how many, the
	// first and the last.
	reqs              int
	firstReq, lastReq time.Time
}

// Start runs the fake on loopback for the app appID (password pw) of
// tenant.
func Start(appID, pw, tenant string) (*Server, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	s := &Server{AppID: appID, AppPassword: pw, Tenant: tenant, key: key, kid: "fake-key-1", users: map[string]*User{}, convs: map[string]string{},
		sent: map[string][]time.Time{}, tokens: map[string]bool{}, calls: map[string]int{}, faults: map[string]int{}, teams: map[string][]string{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.ln = ln
	mux := http.NewServeMux()
	s.mux = mux
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.token)
	mux.HandleFunc("GET /v1/.well-known/openidconfiguration", s.openID)
	mux.HandleFunc("GET /v1/.well-known/keys", s.keys)
	mux.HandleFunc("POST /v3/conversations", s.createConversation)
	mux.HandleFunc("POST /v3/conversations/{conv}/activities", s.sendActivity)
	mux.HandleFunc("POST /v3/conversations/{conv}/activities/{id}", s.sendActivity)
	mux.HandleFunc("PUT /v3/conversations/{conv}/activities/{id}", s.updateActivity)
	mux.HandleFunc("GET /v3/conversations/{conv}/members/{user}", s.member)
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve)}
	go s.srv.Serve(ln)
	return s, nil
}

// serve answers r, Latency after the handler counted it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if s.Latency <= 0 {
		s.mux.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	s.mux.ServeHTTP(rec, r)
	time.Sleep(s.Latency)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// URL is the fake's base URL: the login URL, the OpenID metadata's host
// and the service URL all in one.
func (s *Server) URL() string { return "http://" + s.ln.Addr().String() }

// OpenIDURL is the OpenID metadata's address.
func (s *Server) OpenIDURL() string { return s.URL() + "/v1/.well-known/openidconfiguration" }

// Close stops the fake.
func (s *Server) Close() error { return s.srv.Close() }

// Handle serves h at pattern beside the fake's routes (a benchmark's
// own endpoints).
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Requests returns how many Bot Connector requests the limits let
// through (conversations, activities, members), and when the first and
// the last came.
func (s *Server) Requests() (n int, first, last time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs, s.firstReq, s.lastReq
}

// Reset forgets the conversations, activities, counters and limits'
// windows (the users, teams and tokens stay).
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.convs, s.acts, s.seq = map[string]string{}, nil, 0
	s.sent, s.app = map[string][]time.Time{}, nil
	s.throttled, s.calls, s.faults = 0, map[string]int{}, map[string]int{}
	s.reqs, s.firstReq, s.lastReq = 0, time.Time{}, time.Time{}
}

// AddUser adds u to the tenant.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := u
	s.users[u.ID] = &c
}

// Activities returns what the bot sent, in order.
func (s *Server) Activities() []Activity {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Activity(nil), s.acts...)
}

// Throttled returns how many requests were answered 429.
func (s *Server) Throttled() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.throttled
}

// Calls returns how many requests route took ("conversations",
// "activities", "token", "keys").
func (s *Server) Calls(route string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[route]
}

// Fail makes the next n requests of route answer status.
func (s *Server) Fail(route string, n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.faults[route] = status
	}
	s.faults[route+"#n"] = n
}

func (s *Server) fault(route string) int {
	if s.faults[route+"#n"] > 0 {
		s.faults[route+"#n"]--
		return s.faults[route]
	}
	return 0
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func apiError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

// token is the identity platform's client-credentials grant.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls["token"]++
	s.mu.Unlock()
	if r.FormValue("grant_type") != "client_credentials" || r.FormValue("client_id") != s.AppID || r.FormValue("client_secret") != s.AppPassword ||
		r.FormValue("scope") != "https://api.botframework.com/.default" {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."})
		return
	}
	b := make([]byte, 24)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	s.mu.Lock()
	s.tokens[tok] = true
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": tok})
}

func (s *Server) openID(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"issuer": Issuer, "jwks_uri": s.URL() + "/v1/.well-known/keys",
		"id_token_signing_alg_values_supported": []string{"RS256"}, "token_endpoint_auth_methods_supported": []string{"private_key_jwt"}})
}

func (s *Server) keys(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls["keys"]++
	s.mu.Unlock()
	pub := s.key.PublicKey
	writeJSON(w, http.StatusOK, map[string]any{"keys": []map[string]any{{"kty": "RSA", "use": "sig", "kid": s.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()), "e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		"endorsements": []string{"msteams"}}}})
}

// authorized checks the bot's token, counts the request against the
// app's limit, and applies faults; it answers and reports false when the
// request goes no further.
func (s *Server) authorized(w http.ResponseWriter, r *http.Request, route string) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls[route]++
	if !ok || !s.tokens[tok] {
		apiError(w, http.StatusUnauthorized, "Unauthorized", "Authorization has been denied for this request.")
		return false
	}
	if st := s.fault(route); st != 0 {
		if st == http.StatusTooManyRequests {
			s.throttled++
			w.Header().Set("Retry-After", strconv.Itoa(max(1, s.RetryAfter)))
		}
		apiError(w, st, "ServiceError", "injected fault")
		return false
	}
	now := time.Now()
	if !s.Unlimited {
		if s.overLocked(&s.app, now, []window{{time.Second, 50}}) {
			s.throttled++
			w.Header().Set("Retry-After", "1")
			apiError(w, http.StatusTooManyRequests, "TooManyRequests", "the app's requests per second were exceeded")
			return false
		}
	}
	if s.reqs == 0 {
		s.firstReq = now
	}
	s.reqs++
	s.lastReq = now
	return true
}

// window is one of Teams' limits: at most n in d.
type window struct {
	d time.Duration
	n int
}

// perConversation are Teams' limits on one conversation.
var perConversation = []window{{time.Second, 7}, {2 * time.Second, 8}, {30 * time.Second, 60}, {time.Hour, 1800}}

// overLocked reports whether one more event at now breaks a window (and
// records it when not).
func (s *Server) overLocked(times *[]time.Time, now time.Time, ws []window) bool {
	scale := s.Scale
	if scale <= 0 {
		scale = 1
	}
	longest := time.Duration(0)
	for _, w := range ws {
		d := time.Duration(float64(w.d) / scale)
		longest = max(longest, d)
		n := 0
		for i := len(*times) - 1; i >= 0 && now.Sub((*times)[i]) < d; i-- {
			n++
		}
		if n >= w.n {
			return true
		}
	}
	keep := *times
	for len(keep) > 0 && now.Sub(keep[0]) >= longest {
		keep = keep[1:]
	}
	*times = append(keep, now)
	return false
}

func (s *Server) createConversation(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, "conversations") {
		return
	}
	var body struct {
		Bot     struct{ ID string } `json:"bot"`
		IsGroup bool                `json:"isGroup"`
		Members []struct {
			ID string `json:"id"`
		} `json:"members"`
		TenantID    string `json:"tenantId"`
		ChannelData struct {
			Tenant  struct{ ID string } `json:"tenant"`
			Channel struct{ ID string } `json:"channel"`
		} `json:"channelData"`
		Activity *struct {
			Type        string          `json:"type"`
			Text        string          `json:"text"`
			Attachments json.RawMessage `json:"attachments"`
		} `json:"activity"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		apiError(w, http.StatusBadRequest, "BadArgument", "unreadable body")
		return
	}
	if body.IsGroup && body.ChannelData.Channel.ID != "" {
		// A new post in a channel: its activity is the thread's root.
		if body.Activity == nil || body.Activity.Type == "" {
			apiError(w, http.StatusBadRequest, "BadArgument", "a channel conversation needs its first activity")
			return
		}
		ch := body.ChannelData.Channel.ID
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.throttleLocked(w, ch) {
			return
		}
		s.seq++
		act := Activity{ID: strconv.Itoa(1000 + s.seq), Conversation: ch, Type: body.Activity.Type, Text: body.Activity.Text, Attachments: string(body.Activity.Attachments), At: time.Now()}
		s.acts = append(s.acts, act)
		writeJSON(w, http.StatusCreated, map[string]string{"id": ch + ";messageid=" + act.ID, "activityId": act.ID})
		return
	}
	if len(body.Members) != 1 {
		apiError(w, http.StatusBadRequest, "BadArgument", "a 1:1 conversation takes one member")
		return
	}
	tenant := body.TenantID
	if tenant == "" {
		tenant = body.ChannelData.Tenant.ID
	}
	if tenant != s.Tenant {
		apiError(w, http.StatusBadRequest, "BadArgument", "Unknown tenant")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[body.Members[0].ID]
	if u == nil {
		apiError(w, http.StatusNotFound, "NotFound", "User not found")
		return
	}
	if !u.Installed {
		apiError(w, http.StatusForbidden, "Forbidden", "Bot is not installed in user's personal scope")
		return
	}
	id := "a:1" + u.ID
	s.convs[id] = u.ID
	writeJSON(w, http.StatusCreated, map[string]string{"id": id})
}

func (s *Server) sendActivity(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, "activities") {
		return
	}
	conv := r.PathValue("conv")
	var a struct {
		Type        string          `json:"type"`
		Text        string          `json:"text"`
		Attachments json.RawMessage `json:"attachments"`
	}
	if err := json.NewDecoder(r.Body).Decode(&a); err != nil || a.Type == "" {
		apiError(w, http.StatusBadRequest, "BadArgument", "an activity needs a type")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.convs[conv]; ok && !s.users[u].Installed {
		apiError(w, http.StatusForbidden, "ConversationBlockedByUser", "User blocked the conversation with the bot.")
		return
	}
	if s.throttleLocked(w, conv) {
		return
	}
	s.seq++
	act := Activity{ID: strconv.Itoa(1000 + s.seq), Conversation: conv, ReplyTo: r.PathValue("id"), Type: a.Type, Text: a.Text, Attachments: string(a.Attachments), At: time.Now()}
	s.acts = append(s.acts, act)
	writeJSON(w, http.StatusCreated, map[string]string{"id": act.ID})
}

// throttleLocked counts a message to conversation conv (a channel's
// thread counts as its channel) against Teams' limits per conversation,
// and answers 429 and reports true beyond them; s.mu is held.
func (s *Server) throttleLocked(w http.ResponseWriter, conv string) bool {
	if s.Unlimited {
		return false
	}
	conv, _, _ = strings.Cut(conv, ";")
	ts := s.sent[conv]
	over := s.overLocked(&ts, time.Now(), perConversation)
	s.sent[conv] = ts
	if over {
		s.throttled++
		w.Header().Set("Retry-After", "1")
		apiError(w, http.StatusTooManyRequests, "TooManyRequests", "the conversation's messages per second were exceeded")
	}
	return over
}

func (s *Server) updateActivity(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, "activities") {
		return
	}
	var a struct {
		Text        string          `json:"text"`
		Attachments json.RawMessage `json:"attachments"`
	}
	json.NewDecoder(r.Body).Decode(&a)
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.acts {
		if s.acts[i].ID == r.PathValue("id") && s.acts[i].Conversation == r.PathValue("conv") {
			s.acts[i].Text, s.acts[i].Attachments = a.Text, string(a.Attachments)
			s.acts[i].Updated++
			writeJSON(w, http.StatusOK, map[string]string{"id": s.acts[i].ID})
			return
		}
	}
	apiError(w, http.StatusNotFound, "NotFound", "Activity not found")
}

func (s *Server) member(w http.ResponseWriter, r *http.Request) {
	if !s.authorized(w, r, "members") {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[r.PathValue("user")]
	if members, isTeam := s.teams[r.PathValue("conv")]; isTeam && u != nil && !slices.Contains(members, u.ID) {
		u = nil
	}
	if u == nil {
		apiError(w, http.StatusNotFound, "MemberNotFoundInConversation", "The member is not in the conversation.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"id": u.ID, "name": u.Name, "aadObjectId": u.AADID, "email": u.Email, "userPrincipalName": u.Email})
}

// Claims are what a signed activity's token says; Token fills what is
// left empty as the Bot Framework would.
type Claims struct {
	Issuer, Audience, ServiceURL string
	Expires, NotBefore           time.Time
	KeyID                        string
	// Key, when set, signs instead of the fake's own key (a forgery).
	Key *rsa.PrivateKey
	// Alg, when set, is the signing method's name (HS256: a forgery).
	Alg string
}

// Token returns a bearer token for an activity as the Bot Framework
// signs it, with c's fields where set.
func (s *Server) Token(c Claims) string {
	now := time.Now()
	if c.Issuer == "" {
		c.Issuer = Issuer
	}
	if c.Audience == "" {
		c.Audience = s.AppID
	}
	if c.ServiceURL == "" {
		c.ServiceURL = s.URL()
	}
	if c.Expires.IsZero() {
		c.Expires = now.Add(time.Hour)
	}
	if c.NotBefore.IsZero() {
		c.NotBefore = now.Add(-time.Minute)
	}
	if c.KeyID == "" {
		c.KeyID = s.kid
	}
	claims := jwt.MapClaims{"iss": c.Issuer, "aud": c.Audience, "exp": c.Expires.Unix(), "nbf": c.NotBefore.Unix(), "serviceurl": c.ServiceURL}
	if c.Alg == "HS256" {
		t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
		t.Header["kid"] = c.KeyID
		out, _ := t.SignedString([]byte("a guessed secret"))
		return out
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = c.KeyID
	key := s.key
	if c.Key != nil {
		key = c.Key
	}
	out, _ := t.SignedString(key)
	return out
}

// Message is the activity a user's message to the bot is.
func (s *Server) Message(userID, text string) map[string]any {
	s.mu.Lock()
	u := s.users[userID]
	s.seq++
	id := "act-" + strconv.Itoa(s.seq)
	s.mu.Unlock()
	name, aad := "", ""
	if u != nil {
		name, aad = u.Name, u.AADID
	}
	return map[string]any{"type": "message", "id": id, "channelId": "msteams", "serviceUrl": s.URL(), "timestamp": time.Now().UTC().Format(time.RFC3339Nano),
		"from": map[string]string{"id": userID, "name": name, "aadObjectId": aad}, "recipient": map[string]string{"id": "28:" + s.AppID, "name": "herald"},
		"conversation": map[string]string{"id": "a:1" + userID, "conversationType": "personal", "tenantId": s.Tenant},
		"channelData":  map[string]any{"tenant": map[string]string{"id": s.Tenant}}, "text": text}
}

// Post sends activity to url (herald's /api/messages) with token, and
// returns the status.
func (s *Server) Post(url string, activity map[string]any, token string) (int, error) {
	body, _ := json.Marshal(activity)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// UserWrites sends herald (at url) userID's message, signed.
func (s *Server) UserWrites(url, userID, text string) (int, error) {
	return s.Post(url, s.Message(userID, text), s.Token(Claims{}))
}

// Install installs the app for userID and tells herald (at url) with an
// installationUpdate activity, signed.
func (s *Server) Install(url, userID string) (int, error) {
	s.mu.Lock()
	if u := s.users[userID]; u != nil {
		u.Installed = true
	}
	s.mu.Unlock()
	a := s.Message(userID, "")
	a["type"], a["action"] = "installationUpdate", "add"
	delete(a, "text")
	return s.Post(url, a, s.Token(Claims{}))
}

// Team makes a team of users (its id is also its General channel's).
func (s *Server) Team(id string, users ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.teams[id] = users
}

// ChannelMessage is the activity of userID writing text in a channel's
// conversation (a new post: the activity id is its thread's).
func (s *Server) ChannelMessage(channel, userID, text string) map[string]any {
	a := s.Message(userID, text)
	a["conversation"] = map[string]any{"id": channel + ";messageid=" + a["id"].(string), "conversationType": "channel", "isGroup": true, "tenantId": s.Tenant}
	return a
}

// ThreadReply is the activity of userID replying text in the thread of a
// channel's post root.
func (s *Server) ThreadReply(channel, root, userID, text string) map[string]any {
	a := s.Message(userID, text)
	a["conversation"] = map[string]any{"id": channel + ";messageid=" + root, "conversationType": "channel", "isGroup": true, "tenantId": s.Tenant}
	return a
}

// Thread returns the activities of the thread of a channel's post root:
// the root, then the replies.
func (s *Server) Thread(channel, root string) []Activity {
	var out []Activity
	for _, a := range s.Activities() {
		if a.Conversation == channel && a.ID == root || a.Conversation == channel+";messageid="+root {
			out = append(out, a)
		}
	}
	return out
}

// Invoke sends herald (at url) userID's invoke name (task/fetch,
// task/submit) with data, signed, as Teams does from their personal chat,
// and returns the status and the response's body.
func (s *Server) Invoke(url, userID, name string, data map[string]any) (int, string, error) {
	a := s.Message(userID, "")
	delete(a, "text")
	a["type"], a["name"], a["value"] = "invoke", name, map[string]any{"data": data}
	body, _ := json.Marshal(a)
	req, _ := http.NewRequest("POST", url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+s.Token(Claims{}))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), nil
}

// Submit is the activity of userID pressing an Action.Submit button of a
// card in their personal chat: data is the button's.
func (s *Server) Submit(userID string, data map[string]string) map[string]any {
	a := s.Message(userID, "")
	delete(a, "text")
	a["value"] = data
	return a
}

// KeyFetches is how many times the signing keys were fetched.
func (s *Server) KeyFetches() int { return s.Calls("keys") }

// String names the fake, for logs.
func (s *Server) String() string { return fmt.Sprintf("teamsfake(%s)", s.URL()) }
