package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/coder/websocket"
	"github.com/heraldchat/herald/adapters/internal"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/expiring"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/threads"
)

//go:embed assets
var assets embed.FS

// ConsoleChannel is the moderators' channel of the web console.
var ConsoleChannel = bot.Address{Platform: bot.PlatformWeb, ID: "console"}

// Config sets up the web surface.
type Config struct {
	Store bot.PostStore
	// Handler gets what participants write in the chat and what moderators
	// do in the console: commands, buttons, files, and what they write in
	// participants' threads.
	Handler bot.InboundHandler
	// Conversations lists the participants' threads for the console
	// (participant threads, in bot).
	Conversations interface {
		Conversations(ctx context.Context) ([]threads.Summary, error)
	}
	// Contacts records the chat's visitors, so that campaigns can reach
	// them (contacts.Service).
	// An email a visitor types is theirs only once they enter the code
	// emailed there (Claim, Confirm).
	Contacts interface {
		Seen(ctx context.Context, a bot.Address, name, email string, r bot.Reachability) (*bot.Contact, error)
		Claim(ctx context.Context, a bot.Address, name, email string) (codeSent bool, err error)
		Confirm(ctx context.Context, a bot.Address, code string) (*bot.Contact, error)
	}
	// Workspace lists campaigns and lists for the console's panels (nil:
	// the panels stay empty).
	Workspace Workspace
	Clock     clock.Clock
	Log       *slog.Logger
	// Key signs cookies and CSRF tokens (32 random bytes kept across
	// restarts).
	Key []byte
	// ChatTitle heads the chat page ("Chat" when empty); Accent, a CSS
	// colour as #rgb or #rrggbb, colours it (herald's blue when empty).
	ChatTitle, Accent string
	// Locale is the language of the chat page ("en", "fr"; English when
	// unknown).
	Locale string
	// TokenHash is the SHA-256 of the console's login token.
	TokenHash []byte
	// MaxMessage bounds a participant's message in bytes; 0 means 4000.
	MaxMessage int
	// Secure marks cookies Secure (herald behind HTTPS).
	Secure bool
	// PingEvery is how often open pages are pinged (0: every 30 s); a page
	// that does not answer in as long is let go.
	PingEvery time.Duration
	// CommandNames complete what moderators type in the console.
	CommandNames []string
	// Logins, when not empty, are the only names that may log in to the
	// console (with the token); otherwise any name may.
	Logins []string
	// Limits bound what visitors can take (zero fields: DefaultLimits).
	Limits Limits
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client's address; from any other, the connection's address is
	// the client's.
	TrustedProxies []netip.Prefix
	// Seen, when set, records a campaign's message seen: shown on an
	// open chat page (engagement.Tracker.Seen).
	Seen func(ctx context.Context, id bot.CampaignID, sid bot.SendingID) error
}

// Adapter is the web surface: a bot.Messenger for web-chat participants,
// a bot.ThreadPoster for the console's channel, and the HTTP handlers of
// both pages. It is safe for concurrent use.
type Adapter struct {
	cfg   Config
	pages *template.Template
	chats hub // by respondent id
	cons  hub // "console"

	mu        sync.Mutex
	limiters  *expiring.Map[string, *rate.Limiter]  // per-key limits, each kept while not full again
	seen      *expiring.Map[bot.Tracking, struct{}] // campaign messages recorded seen lately
	sessions  map[string]consoleSession             // console logins by id; a.mu
	tokenHash []byte                                // the login token's SHA-256; a.mu
	downloads *internal.Downloads                   // exports and reports offered for download, on disk
	limits    Limits
	uploads   chan struct{} // one per chat upload being received

	socketsMu sync.Mutex
	sockets   map[*websocket.Conn]bool // open pages
	perIP     map[string]int           // open pages per client address, admitted
	admitted  int                      // open pages admitted in all
	socketsWG sync.WaitGroup           // their handlers
	told      map[bot.CampaignID]time.Time
}

var (
	_ bot.Messenger      = (*Adapter)(nil)
	_ bot.ThreadPoster   = (*Adapter)(nil)
	_ bot.PresenceReader = (*Adapter)(nil)
	_ bot.FileUploader   = (*Adapter)(nil)
)

// download is a file from a command reply, offered for a while.
// New returns the web surface.
func New(cfg Config) *Adapter {
	if cfg.MaxMessage <= 0 {
		cfg.MaxMessage = 4000
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.ChatTitle == "" {
		cfg.ChatTitle = "Chat"
	}
	if !hexColour(cfg.Accent) {
		cfg.Accent = "#2d5be3"
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System()
	}
	a := &Adapter{cfg: cfg, limiters: expiring.New[string, *rate.Limiter](cfg.Clock, maxLimiters), seen: expiring.New[bot.Tracking, struct{}](cfg.Clock, maxLimiters), downloads: &internal.Downloads{Clock: cfg.Clock},
		limits: cfg.Limits.withDefaults(), tokenHash: cfg.TokenHash}
	a.pages = template.Must(template.New("").Funcs(template.FuncMap{"t": a.consoleText, "lang": a.lang, "texts": a.scriptTexts}).ParseFS(assets, "assets/*.html"))
	a.uploads = make(chan struct{}, a.limits.UploadsInFlight)
	return a
}

// Routes mounts the pages on mux.
func (a *Adapter) Routes(mux interface {
	Handle(pattern string, h http.Handler)
}) {
	mux.Handle("GET /{$}", http.RedirectHandler("/chat", http.StatusFound))
	mux.Handle("GET /chat", http.HandlerFunc(a.chatPage))
	mux.Handle("GET /chat/ws", http.HandlerFunc(a.chatSocket))
	mux.Handle("POST /chat/profile", http.HandlerFunc(a.chatProfile))
	mux.Handle("POST /chat/confirm", http.HandlerFunc(a.chatConfirm))
	mux.Handle("POST /chat/upload", http.HandlerFunc(a.chatUpload))
	mux.Handle("GET /chat/files/{id}", http.HandlerFunc(a.chatFile))
	mux.Handle("GET /chat/embed.js", http.HandlerFunc(a.embedScript))
	mux.Handle("GET /chat/theme.css", http.HandlerFunc(a.chatTheme))
	mux.Handle("GET /static/{file}", http.HandlerFunc(a.static))
	mux.Handle("GET /console", http.HandlerFunc(a.consolePage))
	mux.Handle("POST /console/login", http.HandlerFunc(a.consoleLogin))
	mux.Handle("POST /console/logout", http.HandlerFunc(a.consoleLogout))
	mux.Handle("GET /console/ws", http.HandlerFunc(a.consoleSocket))
	mux.Handle("POST /console/upload", http.HandlerFunc(a.consoleUpload))
	mux.Handle("GET /console/files/{id}", http.HandlerFunc(a.consoleFile))
}

// Platform is web.
func (a *Adapter) Platform() bot.Platform { return bot.PlatformWeb }

// Send delivers m to a web-chat participant: it is kept in their
// conversation (shown on their next visit) and pushed to their open pages.
//
// A console moderator's own address (web:console:LOGIN) receives it in
// the console, as a participant would see it: "campaign try" and the
// card's "Try on me" work from the console.
func (a *Adapter) Send(ctx context.Context, to bot.Address, m bot.Message) (bot.MessageRef, error) {
	if to.Platform == bot.PlatformWeb && strings.HasPrefix(to.ID, moderators.ConsolePrefix) {
		if err := m.Validate(); err != nil {
			return bot.MessageRef{}, bot.StepErrorf(bot.StepRender, bot.EINVALID, "%s", bot.ErrorMessage(err))
		}
		tried := m
		tried.Files = nil // shown by name only: the console keeps no copy
		for _, f := range m.Files {
			tried.Text += "\n(file: " + f.Name + ")"
		}
		a.cons.push("console", event{Type: "reply", Reply: &replyView{Messages: []bot.Message{tried}}})
		return bot.MessageRef{Channel: ConsoleChannel, ID: "try"}, nil
	}
	ref, _, err := a.send(ctx, to, m, "")
	return ref, err
}

// SendOnce is Send under a key (a campaign sending's): herald is this
// platform, so a message sent again with the same key, after a crash, is
// found rather than shown twice (an engine.OnceSender).
func (a *Adapter) SendOnce(ctx context.Context, to bot.Address, m bot.Message, key string) (bot.MessageRef, bool, error) {
	return a.send(ctx, to, m, key)
}

// OnceWindow is how long SendOnce remembers a key.
func (a *Adapter) OnceWindow() time.Duration { return bot.KeyTTL }

// send keeps m in to's conversation (under key, when set) and shows it on
// their open pages.
func (a *Adapter) send(ctx context.Context, to bot.Address, m bot.Message, key string) (bot.MessageRef, bool, error) {
	if to.Platform != bot.PlatformWeb || !validRespondent(to.ID) {
		return bot.MessageRef{}, false, bot.StepErrorf(bot.StepResolve, bot.ENOTFOUND, "%q is not a web-chat respondent id", to.ID)
	}
	if err := m.Validate(); err != nil {
		return bot.MessageRef{}, false, bot.StepErrorf(bot.StepRender, bot.EINVALID, "%s", bot.ErrorMessage(err))
	}
	// The participant's files are their own copies, so that they may
	// download them (a file kept with a thread's post is the moderators').
	files := make([]bot.File, 0, len(m.Files))
	for _, f := range m.Files {
		if len(f.Data) == 0 {
			return bot.MessageRef{}, false, bot.StepErrorf(bot.StepRender, bot.EINVALID, "the file %s has no content", f.Name)
		}
		f.ID = ""
		files = append(files, f)
	}
	m.Files = files
	p := &bot.Post{Channel: to, Message: m, From: bot.Actor{Name: "herald"}}
	already := false
	var err error
	if key == "" {
		err = a.cfg.Store.AppendPost(ctx, p)
	} else {
		already, err = a.cfg.Store.AppendPostOnce(ctx, p, key)
	}
	if err != nil {
		return bot.MessageRef{}, false, err
	}
	if !already {
		if a.chats.online(to.ID) { // recorded as it goes to the page
			a.markSeen(ctx, p)
		}
		a.chats.push(to.ID, event{Type: "post", Post: p})
	}
	return bot.MessageRef{Channel: to, ID: strconv.FormatUint(p.ID, 10)}, already, nil
}

// UploadFile sends f to a web-chat participant, kept with a post of its
// own (comment as its text); they download it from the chat page.
func (a *Adapter) UploadFile(ctx context.Context, to bot.Address, f bot.File, comment string) (bot.MessageRef, error) {
	return a.Send(ctx, to, bot.Message{Text: comment, Files: []bot.File{f}})
}

// Presence is active while the participant has the chat page open.
func (a *Adapter) Presence(ctx context.Context, user bot.Address) (bot.Presence, error) {
	if a.chats.online(user.ID) {
		return bot.PresenceActive, nil
	}
	return bot.PresenceAway, nil
}

// StartThread opens a thread in the console's channel with m at its head.
func (a *Adapter) StartThread(ctx context.Context, channel bot.Address, m bot.Message) (bot.ThreadRef, error) {
	id := randomID(12)
	ref := bot.ThreadRef{Channel: ConsoleChannel, ID: id}
	if _, err := a.PostInThread(ctx, ref, m); err != nil {
		return bot.ThreadRef{}, err
	}
	a.cons.push("console", event{Type: "threads"})
	return ref, nil
}

// PostInThread adds m to a console thread and shows it to open consoles.
func (a *Adapter) PostInThread(ctx context.Context, t bot.ThreadRef, m bot.Message) (bot.MessageRef, error) {
	return a.postInThread(ctx, t.ID, bot.Actor{Name: "herald"}, m, false)
}

// PostAs posts m in thread t as from wrote it (a participant's relayed
// messages show as theirs).
func (a *Adapter) PostAs(ctx context.Context, t bot.ThreadRef, from bot.Actor, m bot.Message) (bot.MessageRef, error) {
	return a.postInThread(ctx, t.ID, from, m, false)
}

func (a *Adapter) postInThread(ctx context.Context, thread string, from bot.Actor, m bot.Message, internal bool) (bot.MessageRef, error) {
	p := &bot.Post{Channel: ConsoleChannel, Thread: thread, From: from, Message: m, Internal: internal}
	if err := a.cfg.Store.AppendPost(ctx, p); err != nil {
		return bot.MessageRef{}, err
	}
	a.cons.push("console", event{Type: "post", Thread: thread, Post: p})
	return bot.MessageRef{Channel: ConsoleChannel, ID: strconv.FormatUint(p.ID, 10)}, nil
}

// CampaignChanged tells open consoles that a campaign's card may have
// changed, at most once a second per campaign (the engine calls it after
// every group commit).
func (a *Adapter) CampaignChanged(id bot.CampaignID) {
	now := a.cfg.Clock.Now()
	a.mu.Lock()
	if a.told == nil {
		a.told = map[bot.CampaignID]time.Time{}
	}
	last := a.told[id]
	due := now.Sub(last) >= time.Second
	if due {
		a.told[id] = now
	}
	a.mu.Unlock()
	if due {
		a.cons.push("console", event{Type: "campaign", Campaign: uint64(id)})
	}
}

// event is what the pages receive.
type event struct {
	Type    string       `json:"type"`
	Post    *bot.Post    `json:"post,omitempty"`
	Posts   []*bot.Post  `json:"posts,omitempty"`
	Thread  string       `json:"thread,omitempty"`
	Threads []threadView `json:"threads,omitempty"`
	// The console's panels.
	Campaigns []campaignView `json:"campaigns,omitempty"`
	Lists     []listView     `json:"lists,omitempty"`
	Reply     *replyView     `json:"reply,omitempty"`
	Campaign  uint64         `json:"campaign,omitempty"`
	Notice    string         `json:"notice,omitempty"`
	Messages  []bot.Message  `json:"messages,omitempty"`
	// CID acknowledges (ack) or refuses (refused) what the page sent
	// with that client id.
	CID string `json:"cid,omitempty"`
}

// threadView is one line of the console's thread list.
type threadView struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Address string `json:"address"`
	Status  string `json:"status"`
	Last    string `json:"last,omitempty"`
	// LastAt is Last as RFC 3339, for the page's unread marks.
	LastAt   string   `json:"last_at,omitempty"`
	Platform string   `json:"platform"`
	Tags     []string `json:"tags,omitempty"`
	Assignee string   `json:"assignee,omitempty"`
}

// replyView is a command's answer for the console.
type replyView struct {
	ID       string        `json:"id,omitempty"` // the request's id, echoed
	Messages []bot.Message `json:"messages"`
	Files    []fileView    `json:"files,omitempty"`
	Private  bool          `json:"private,omitempty"`
	Replace  uint64        `json:"replace,omitempty"` // the campaign card it refreshes
}

type fileView struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// Image is set for a PNG (a survey's chart): the console shows it.
	Image bool `json:"image,omitempty"`
}

// --- security helpers ---

func randomID(n int) string { return internal.RandomID(n) }

// validRespondent reports whether id is one herald made: 22 base64url
// characters, so never a console identity.
func validRespondent(id string) bool {
	if len(id) != 22 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func (a *Adapter) mac(parts ...string) string {
	h := hmac.New(sha256.New, a.cfg.Key)
	h.Write([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

func (a *Adapter) macOK(want string, parts ...string) bool {
	return subtle.ConstantTimeCompare([]byte(want), []byte(a.mac(parts...))) == 1
}

// maxLimiters bounds the per-key limits kept at once; past it the least
// recently used go first.
const maxLimiters = 100_000

// allow applies a per-key rate limit (messages, logins). A key's limiter
// is kept until its bucket would be full again, then forgotten: a new one
// starts full, so forgetting changes nothing, and many keys never wipe the
// limits of others.
func (a *Adapter) allow(key string, every time.Duration, burst int) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	l, ok := a.limiters.Get(key)
	if !ok {
		l = rate.NewLimiter(rate.Every(every), burst)
	}
	a.limiters.Put(key, l, every*time.Duration(burst)) // refreshed on every use
	return l.AllowN(a.cfg.Clock.Now(), 1)
}

func (a *Adapter) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration, sameSite http.SameSite) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: int(maxAge / time.Second),
		HttpOnly: true, Secure: a.cfg.Secure, SameSite: sameSite})
}

func (a *Adapter) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	switch {
	case strings.HasSuffix(name, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case strings.HasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	default:
		http.NotFound(w, r)
		return
	}
	b, err := assets.ReadFile("assets/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(b)
}

// securePage sets the headers every page gets.
func securePage(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' https: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors *")
	w.Header().Set("Cache-Control", "no-store")
}

// markSeen records the campaign message p seen: it is shown on an open
// chat page. A message recorded lately is not recorded again.
func (a *Adapter) markSeen(ctx context.Context, p *bot.Post) {
	t := p.Message.Tracking
	if t == nil || a.cfg.Seen == nil {
		return
	}
	k := bot.Tracking{Campaign: t.Campaign, Sending: t.Sending}
	if _, ok := a.seen.Get(k); ok {
		return
	}
	if err := a.cfg.Seen(ctx, t.Campaign, t.Sending); err != nil {
		a.cfg.Log.Warn("web chat: recording a campaign message seen", "campaign", t.Campaign, "err", err)
		return
	}
	a.seen.Put(k, struct{}{}, 24*time.Hour)
}
