package config

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/moderators"
)

// Config is herald's whole configuration. Every field has a yaml key; the
// key paths (store.path, slack.bot_token, …) are how problems are named.
type Config struct {
	Store      Store      `yaml:"store"`
	HTTP       HTTP       `yaml:"http"`
	Log        Log        `yaml:"log"`
	Locale     string     `yaml:"locale"`
	Slack      Slack      `yaml:"slack"`
	Discord    Discord    `yaml:"discord"`
	Telegram   Telegram   `yaml:"telegram"`
	Teams      Teams      `yaml:"teams"`
	Email      Email      `yaml:"email"`
	Limits     Limits     `yaml:"limits"`
	Engine     Engine     `yaml:"engine"`
	Moderators Moderators `yaml:"moderators"`
	Web        Web        `yaml:"web"`
	Threads    Threads    `yaml:"threads"`
	API        API        `yaml:"api"`
	Nudges     Nudges     `yaml:"nudges"`
	Webhooks   Webhooks   `yaml:"webhooks"`
}

// Webhooks configures the outbound webhooks recipes call.
type Webhooks struct {
	// AllowHTTP accepts plain http:// URLs (https only otherwise);
	// AllowPrivate accepts addresses that are loopback, private,
	// link-local or otherwise not public (a private network).
	AllowHTTP    bool `yaml:"allow_http"`
	AllowPrivate bool `yaml:"allow_private"`
	// Timeout bounds one delivery attempt.
	Timeout time.Duration `yaml:"timeout"`
}

// Nudges configures scheduled messages after events.
type Nudges struct {
	// MaxLate skips a firing found more than this overdue (after an
	// outage, or for old events posted late), unless a nudge says
	// otherwise (max-late in its rule).
	MaxLate time.Duration `yaml:"max_late"`
}

// API configures the HTTP API for other systems (POST /api/v1/events).
type API struct {
	Enabled bool `yaml:"enabled"`
	// CreateContacts makes a contact for an event about someone herald
	// does not know, rather than refusing it.
	CreateContacts bool `yaml:"create_contacts"`
	// RequestsPerSecond and Burst bound each token's requests.
	RequestsPerSecond float64 `yaml:"requests_per_second"`
	Burst             int     `yaml:"burst"`
}

// Threads configures participant threads.
type Threads struct {
	// Surface is where participants' threads live: slack, discord,
	// telegram, teams or console; "" picks the first of those that is
	// enabled and has a moderators' channel (see ThreadSurface).
	Surface       string        `yaml:"surface"`
	SurfaceOnJoin bool          `yaml:"surface_on_join"`
	ChannelPer    string        `yaml:"channel_per"`
	ChannelPrefix string        `yaml:"channel_prefix"`
	ReplyAs       string        `yaml:"reply_as"`
	EmailDelay    time.Duration `yaml:"email_delay"`
}

// Web configures the embedded web chat and console.
type Web struct {
	Enabled      bool   `yaml:"enabled"`
	ConsoleToken Secret `yaml:"console_token"`
	MaxMessage   int    `yaml:"max_message"`
	// ChatTitle heads the participants' chat page; Accent (#rgb or
	// #rrggbb) colours its header and buttons.
	ChatTitle     string    `yaml:"chat_title"`
	Accent        string    `yaml:"accent"`
	SecureCookies bool      `yaml:"secure_cookies"`
	Limits        WebLimits `yaml:"limits"`
}

// WebLimits bound what the chat's visitors can take, from one address and
// in all (see web.Limits).
type WebLimits struct {
	VisitorsPerMinute int `yaml:"visitors_per_minute"`
	SocketsPerAddress int `yaml:"sockets_per_address"`
	Sockets           int `yaml:"sockets"`
	UploadsInFlight   int `yaml:"uploads_in_flight"`
	UploadsPerMinute  int `yaml:"uploads_per_minute"`
	FilesMB           int `yaml:"files_mb"`
}

// ModeratorsOn lists the moderators of one platform: user ids, and a group
// whose members are moderators too.
type ModeratorsOn struct {
	Users []string `yaml:"users"`
	Group string   `yaml:"group"`
}

// Moderators says who may run commands, per surface.
type Moderators struct {
	Slack    ModeratorsOn `yaml:"slack"`
	Discord  ModeratorsOn `yaml:"discord"`
	Telegram ModeratorsOn `yaml:"telegram"`
	Teams    ModeratorsOn `yaml:"teams"`
	Console  ModeratorsOn `yaml:"console"`
}

// Build returns the moderators as moderators.Set, console logins under the
// web platform; checkers are added by the wiring as adapters arrive.
func (m Moderators) Build() *moderators.Set {
	out := &moderators.Set{Users: map[bot.Platform][]string{}, Groups: map[bot.Platform]string{}, Checkers: map[bot.Platform]moderators.MembershipChecker{}}
	for p, on := range map[bot.Platform]ModeratorsOn{bot.PlatformSlack: m.Slack, bot.PlatformDiscord: m.Discord,
		bot.PlatformTelegram: m.Telegram, bot.PlatformTeams: m.Teams, bot.PlatformWeb: m.Console} {
		out.Users[p] = on.Users
		if on.Group != "" {
			out.Groups[p] = on.Group
		}
	}
	return out
}

// Limit is how fast herald may send on one platform. Both fields zero
// mean the platform's documented limits (the engine knows them);
// otherwise a zero field means no limit of that kind. A platform's
// sliding windows per chat (Teams') stay.
type Limit struct {
	// PerSecond counts posts, or on Teams requests (a first message to
	// someone is two: the conversation, then the message).
	PerSecond float64       `yaml:"per_second"`
	PerChat   time.Duration `yaml:"per_chat"`
	// GroupPerMinute bounds the posts to one group chat in any minute.
	GroupPerMinute int `yaml:"group_per_minute"`
}

// Limits override the documented sending limits per platform; a platform
// left at zero keeps its documented limits.
type Limits struct {
	// TimeScale runs every limit this many times faster (0 or 1: real
	// time). It is for tests against fakes that run as fast; never set it
	// against a real platform.
	TimeScale float64 `yaml:"time_scale"`
	Slack     Limit   `yaml:"slack"`
	Discord   Limit   `yaml:"discord"`
	Telegram  Limit   `yaml:"telegram"`
	Teams     Limit   `yaml:"teams"`
	Web       Limit   `yaml:"web"`
	Email     Limit   `yaml:"email"`
}

// Engine tunes the campaign engine.
type Engine struct {
	Workers     int           `yaml:"workers"`
	SendTimeout time.Duration `yaml:"send_timeout"`
}

// Store locates the database.
type Store struct {
	Path        string        `yaml:"path"`
	LockTimeout time.Duration `yaml:"lock_timeout"`
}

// HTTP configures the one HTTP server health, metrics, webhooks and web
// pages share.
type HTTP struct {
	Listen          string        `yaml:"listen"`
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	// TrustedProxies are the addresses (or CIDR ranges) of the reverse
	// proxies whose X-Forwarded-For header names the client.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// PublicURL is herald's address as people reach it (https://…, no
	// path): campaign links are rewritten to PublicURL/l/TOKEN and
	// counted when clicked, and the files herald posts in Teams are links
	// to PublicURL/teams/files/ID for an hour. Empty, links are left as
	// they are and Teams cards name their files only.
	PublicURL string `yaml:"public_url"`
	// LinkTTL is how long after its campaign ends a tracked link still
	// redirects.
	LinkTTL time.Duration `yaml:"link_ttl"`
}

// Proxies returns TrustedProxies as prefixes (an address alone is a /32
// or /128), or an error naming the first that is neither.
func (h HTTP) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, p := range h.TrustedProxies {
		if pre, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pre.Masked())
			continue
		}
		a, err := netip.ParseAddr(p)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range", p)
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// Log configures structured logs.
type Log struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
}

// Slack configures the Slack adapter.
type Slack struct {
	Enabled       bool   `yaml:"enabled"`
	Mode          string `yaml:"mode"`
	AppToken      Secret `yaml:"app_token"`
	BotToken      Secret `yaml:"bot_token"`
	SigningSecret Secret `yaml:"signing_secret"`
	APIURL        string `yaml:"api_url"`
	Channel       string `yaml:"channel"`
}

// Discord configures the Discord adapter.
type Discord struct {
	Enabled       bool   `yaml:"enabled"`
	Token         Secret `yaml:"token"`
	ApplicationID string `yaml:"application_id"`
	PublicKey     string `yaml:"public_key"`
	GuildID       string `yaml:"guild_id"`
	Channel       string `yaml:"channel"`
	// Category is where the channels herald makes go
	// (threads.channel_per).
	Category string `yaml:"category"`
	APIURL   string `yaml:"api_url"`
}

// Telegram configures the Telegram adapter.
type Telegram struct {
	Enabled       bool   `yaml:"enabled"`
	Token         Secret `yaml:"token"`
	Mode          string `yaml:"mode"`
	WebhookSecret Secret `yaml:"webhook_secret"`
	WebhookURL    string `yaml:"webhook_url"`
	ServerURL     string `yaml:"server_url"`
}

// Teams configures the Microsoft Teams adapter.
type Teams struct {
	Enabled     bool   `yaml:"enabled"`
	AppID       string `yaml:"app_id"`
	AppPassword Secret `yaml:"app_password"`
	// TenantID is the organisation's tenant: herald writes first to its
	// people. SingleTenant apps also get their token from it and refuse
	// activities of other tenants.
	TenantID     string `yaml:"tenant_id"`
	SingleTenant bool   `yaml:"single_tenant"`
	// LoginURL, OpenIDURL and ServiceURL are Microsoft's (empty: the
	// public cloud's); sovereign clouds and tests set them. ServiceHosts
	// are the only hosts herald sends its token to.
	LoginURL     string   `yaml:"login_url"`
	OpenIDURL    string   `yaml:"openid_url"`
	ServiceURL   string   `yaml:"service_url"`
	ServiceHosts []string `yaml:"service_hosts"`
	// Channel is the moderators' channel: its conversation id
	// (19:…@thread.tacv2); a message there mentioning herald is a command.
	Channel string `yaml:"channel"`
}

// Email configures the SMTP fallback for participants chat cannot reach.
type Email struct {
	Enabled  bool   `yaml:"enabled"`
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	TLS      string `yaml:"tls"`
	Username string `yaml:"username"`
	Password Secret `yaml:"password"`
	From     string `yaml:"from"`
	// TrackOpens adds a one-pixel image to campaign emails that records
	// them seen (needs http.public_url).
	TrackOpens bool `yaml:"track_opens"`
}

// Default returns the configuration used when a key is absent: the embedded
// default, listening on loopback with the database in the working
// directory.
func Default() *Config {
	return &Config{
		Store:    Store{Path: "./herald.db", LockTimeout: 3 * time.Second},
		HTTP:     HTTP{Listen: "127.0.0.1:8080", ShutdownTimeout: 10 * time.Second, LinkTTL: 180 * 24 * time.Hour},
		Log:      Log{Level: "info", Format: "text"},
		Locale:   "en",
		Slack:    Slack{Mode: "socket", APIURL: "https://slack.com/api/"},
		Discord:  Discord{APIURL: "https://discord.com/api/v10"},
		Telegram: Telegram{Mode: "polling", ServerURL: "https://api.telegram.org"},
		Email:    Email{Port: 587, TLS: "starttls"},
		Engine:   Engine{Workers: 64, SendTimeout: 30 * time.Second}, // the engine's defaults
		Web: Web{Enabled: true, MaxMessage: 4000, ChatTitle: "Chat", Accent: "#2d5be3", Limits: WebLimits{VisitorsPerMinute: 300, SocketsPerAddress: 1000, Sockets: 10000,
			UploadsInFlight: 4, UploadsPerMinute: 60, FilesMB: 2048}},
		Threads:  Threads{ChannelPrefix: "herald-", ReplyAs: "bot", EmailDelay: 2 * time.Minute},
		API:      API{Enabled: true, RequestsPerSecond: 10, Burst: 20},
		Nudges:   Nudges{MaxLate: time.Hour},
		Webhooks: Webhooks{Timeout: 10 * time.Second},
	}
}

// PlatformLimits returns the limits as the engine takes them. A platform
// whose Limit is zero is left out: the engine then uses the platform's
// documented limits.
func (l Limits) PlatformLimits() map[bot.Platform]bot.Limits {
	out := map[bot.Platform]bot.Limits{}
	for p, lim := range map[bot.Platform]Limit{
		bot.PlatformSlack: l.Slack, bot.PlatformDiscord: l.Discord, bot.PlatformTelegram: l.Telegram,
		bot.PlatformTeams: l.Teams, bot.PlatformWeb: l.Web, bot.PlatformEmail: l.Email,
	} {
		if lim != (Limit{}) {
			out[p] = bot.Limits{PerSecond: lim.PerSecond, PerChat: lim.PerChat, GroupPerMinute: lim.GroupPerMinute}
		}
	}
	return out
}

// ThreadSurface returns where participants' threads live: threads.surface
// when set, otherwise the first of Slack (slack.channel), Discord
// (discord.channel), Telegram (moderators.telegram.group) that is enabled
// with a moderators' channel, otherwise the web console ("console"), or ""
// when nothing can hold threads.
func (c *Config) ThreadSurface() string {
	if c.Threads.Surface != "" {
		return c.Threads.Surface
	}
	for _, s := range []string{"slack", "discord", "telegram", "teams", "console"} {
		if c.canHoldThreads(s) == "" {
			return s
		}
	}
	return ""
}

// canHoldThreads returns "" when surface s can hold participants' threads
// in this config, or what is missing.
func (c *Config) canHoldThreads(s string) string {
	switch s {
	case "slack":
		if !c.Slack.Enabled {
			return "slack is not enabled"
		}
		if c.Slack.Channel == "" {
			return "slack.channel is empty: set the moderators' channel id"
		}
	case "discord":
		if !c.Discord.Enabled {
			return "discord is not enabled"
		}
		if c.Discord.Channel == "" {
			return "discord.channel is empty: set the moderators' channel id"
		}
	case "telegram":
		if !c.Telegram.Enabled {
			return "telegram is not enabled"
		}
		if c.Moderators.Telegram.Group == "" {
			return "moderators.telegram.group is empty: set the moderators' group id"
		}
	case "teams":
		if !c.Teams.Enabled {
			return "teams is not enabled"
		}
		if c.Teams.Channel == "" {
			return "teams.channel is empty: set the moderators' channel (its conversation id, 19:…@thread.tacv2)"
		}
	case "console":
		if !c.Web.Enabled {
			return "web is not enabled: the console is part of it"
		}
	default:
		return "unknown surface"
	}
	return ""
}

// Platforms returns the names of the enabled platform sections, in the
// order of the file.
func (c *Config) Platforms() []string {
	var out []string
	for _, p := range []struct {
		name string
		on   bool
	}{{"slack", c.Slack.Enabled}, {"discord", c.Discord.Enabled}, {"telegram", c.Telegram.Enabled}, {"teams", c.Teams.Enabled}, {"email", c.Email.Enabled}} {
		if p.on {
			out = append(out, p.name)
		}
	}
	return out
}
