package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// locales are the languages herald's user-facing text comes in.
var locales = []string{"en", "fr"}

// Validate checks the settings' values and their combinations, and returns
// every problem by key path. Platform sections are checked only when
// enabled.
func (c *Config) Validate() Problems {
	var ps Problems
	bad := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	oneOf := func(path, v string, allowed ...string) bool {
		for _, a := range allowed {
			if v == a {
				return true
			}
		}
		bad(path, "%q is not one of %s", v, strings.Join(allowed, ", "))
		return false
	}
	webURL := func(path, v string) {
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(path, "%q is not an http(s) URL", v)
		}
	}
	required := func(path string, set bool, why string) {
		if !set {
			bad(path, "required %s", why)
		}
	}

	if strings.TrimSpace(c.Store.Path) == "" {
		bad("store.path", "must name the database file, for example ./herald.db")
	}
	if c.Store.LockTimeout <= 0 || c.Store.LockTimeout > time.Minute {
		bad("store.lock_timeout", "must be between 1ms and 1m, got %s", c.Store.LockTimeout)
	}
	if host, port, err := net.SplitHostPort(c.HTTP.Listen); err != nil {
		bad("http.listen", "%q is not host:port (for example 127.0.0.1:8080)", c.HTTP.Listen)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		bad("http.listen", "port %q is not a number from 0 to 65535", port)
	} else if host != "" && host != "localhost" && net.ParseIP(host) == nil {
		bad("http.listen", "host %q is not an IP address or localhost", host)
	}
	if c.HTTP.ShutdownTimeout <= 0 {
		bad("http.shutdown_timeout", "must be positive, got %s", c.HTTP.ShutdownTimeout)
	}
	oneOf("log.level", c.Log.Level, "debug", "info", "warn", "error")
	oneOf("log.format", c.Log.Format, "text", "json")
	if !slices.Contains(locales, c.Locale) {
		bad("locale", "%q is not a supported language: use en or fr", c.Locale)
	}

	if s := c.Slack; s.Enabled {
		oneOf("slack.mode", s.Mode, "socket", "http")
		required("slack.bot_token", s.BotToken.IsSet(), "when slack is enabled (the xoxb- token from OAuth & Permissions)")
		if s.BotToken.IsSet() && !strings.HasPrefix(s.BotToken.Value(), "xoxb-") {
			bad("slack.bot_token", "is not a bot token: it should start with xoxb-")
		}
		switch s.Mode {
		case "socket":
			required("slack.app_token", s.AppToken.IsSet(), "in socket mode (an xapp- token with connections:write)")
			if s.AppToken.IsSet() && !strings.HasPrefix(s.AppToken.Value(), "xapp-") {
				bad("slack.app_token", "is not an app-level token: it should start with xapp-")
			}
		case "http":
			required("slack.signing_secret", s.SigningSecret.IsSet(), "in http mode (Basic Information → Signing Secret)")
		}
		webURL("slack.api_url", s.APIURL)
		if !slackChannel.MatchString(s.Channel) {
			bad("slack.channel", "required when slack is enabled: the id of the moderators' channel (C…, from the channel's details)")
		}
	}
	if d := c.Discord; d.Enabled {
		required("discord.token", d.Token.IsSet(), "when discord is enabled (the bot token)")
		required("discord.application_id", d.ApplicationID != "", "when discord is enabled")
		if d.ApplicationID != "" && !snowflake.MatchString(d.ApplicationID) {
			bad("discord.application_id", "%q is not a Discord id (digits only)", d.ApplicationID)
		}
		if d.GuildID != "" && !snowflake.MatchString(d.GuildID) {
			bad("discord.guild_id", "%q is not a Discord id (digits only)", d.GuildID)
		}
		if d.Channel != "" && !snowflake.MatchString(d.Channel) {
			bad("discord.channel", "%q is not a Discord channel id (digits only: right-click the channel → Copy Channel ID)", d.Channel)
		}
		if d.PublicKey != "" && !hexKey.MatchString(d.PublicKey) {
			bad("discord.public_key", "must be the 64 hex characters shown as Public Key in the developer portal")
		}
		webURL("discord.api_url", d.APIURL)
	}
	if t := c.Telegram; t.Enabled {
		required("telegram.token", t.Token.IsSet(), "when telegram is enabled (from @BotFather)")
		oneOf("telegram.mode", t.Mode, "polling", "webhook")
		if t.Mode == "webhook" {
			required("telegram.webhook_secret", t.WebhookSecret.IsSet(), "in webhook mode")
			if t.WebhookSecret.IsSet() && !webhookSecret.MatchString(t.WebhookSecret.Value()) {
				bad("telegram.webhook_secret", "must be 1 to 256 characters among A-Z, a-z, 0-9, _ and -")
			}
			if u, err := url.Parse(t.WebhookURL); err != nil || u.Scheme != "https" || u.Host == "" {
				bad("telegram.webhook_url", "required in webhook mode: the public https URL of herald's /telegram/webhook")
			}
		}
		webURL("telegram.server_url", t.ServerURL)
	}
	if g := c.Moderators.Telegram.Group; g != "" {
		if id, err := strconv.ParseInt(g, 10, 64); err != nil || id >= 0 {
			bad("moderators.telegram.group", "must be the group's chat id, a negative number such as -1001234567890 (add the bot to the group; the id shows in getUpdates)")
		}
	}
	if t := c.Teams; t.Enabled {
		required("teams.app_id", t.AppID != "", "when teams is enabled (the Microsoft App ID)")
		required("teams.app_password", t.AppPassword.IsSet(), "when teams is enabled (the client secret)")
		required("teams.tenant_id", t.TenantID != "", "when teams is enabled (the organisation's tenant id: herald writes first to its people)")
		for _, k := range []struct{ key, v string }{{"teams.login_url", t.LoginURL}, {"teams.openid_url", t.OpenIDURL}, {"teams.service_url", t.ServiceURL}} {
			if k.v == "" {
				continue
			}
			u, err := url.Parse(k.v)
			switch {
			case err != nil || u.Host == "" || u.Scheme != "https" && u.Scheme != "http":
				bad(k.key, "%q is not an address like https://…", k.v)
			case u.Scheme == "http" && u.Hostname() != "localhost" && !isLoopback(u.Hostname()):
				bad(k.key, "%q: herald's Teams token and signing keys go over https only (plain http on this machine alone)", k.v)
			}
		}
	}
	if e := c.Email; e.Enabled {
		required("email.host", e.Host != "", "when email is enabled")
		if e.Port < 1 || e.Port > 65535 {
			bad("email.port", "%d is not a port from 1 to 65535", e.Port)
		}
		oneOf("email.tls", e.TLS, "starttls", "tls", "none")
		if _, err := mail.ParseAddress(e.From); err != nil {
			bad("email.from", "%q is not an email address (for example Herald <herald@example.org>)", e.From)
		}
		if e.Password.IsSet() && e.Username == "" {
			bad("email.username", "required when email.password is set")
		}
	}
	for name, l := range map[string]Limit{"slack": c.Limits.Slack, "discord": c.Limits.Discord, "telegram": c.Limits.Telegram,
		"teams": c.Limits.Teams, "web": c.Limits.Web, "email": c.Limits.Email} {
		if l.PerSecond < 0 {
			bad("limits."+name+".per_second", "cannot be negative (0 means no limit)")
		}
		if l.PerChat < 0 {
			bad("limits."+name+".per_chat", "cannot be negative (0 means no limit)")
		}
		if l.GroupPerMinute < 0 {
			bad("limits."+name+".group_per_minute", "cannot be negative (0 means no limit)")
		}
	}
	if c.Limits.TimeScale < 0 || c.Limits.TimeScale > 1000 {
		bad("limits.time_scale", "must be between 0 and 1000 (0 or 1: real time), got %g", c.Limits.TimeScale)
	}
	if c.Engine.Workers < 1 || c.Engine.Workers > 4096 {
		bad("engine.workers", "must be between 1 and 4096, got %d", c.Engine.Workers)
	}
	if c.API.RequestsPerSecond <= 0 || c.API.RequestsPerSecond > 10000 {
		bad("api.requests_per_second", "must be above 0 and at most 10000, got %v", c.API.RequestsPerSecond)
	}
	if c.API.Burst < 1 || c.API.Burst > 100000 {
		bad("api.burst", "must be between 1 and 100000, got %d", c.API.Burst)
	}
	if c.Webhooks.Timeout < time.Second || c.Webhooks.Timeout > 2*time.Minute {
		bad("webhooks.timeout", "must be between 1s and 2m, got %s", c.Webhooks.Timeout)
	}
	if c.Nudges.MaxLate < time.Minute || c.Nudges.MaxLate > 30*24*time.Hour {
		bad("nudges.max_late", "must be between 1m and 720h, got %s", c.Nudges.MaxLate)
	}
	if t := strings.TrimSpace(c.Web.ChatTitle); t == "" || len(t) > 80 {
		bad("web.chat_title", "must be 1 to 80 characters, got %q", c.Web.ChatTitle)
	}
	if !hexColour(c.Web.Accent) {
		bad("web.accent", "must be a colour as #rgb or #rrggbb (such as #2d5be3), got %q", c.Web.Accent)
	}
	if c.Web.MaxMessage < 100 || c.Web.MaxMessage > 100000 {
		bad("web.max_message", "must be between 100 and 100000 bytes, got %d", c.Web.MaxMessage)
	}
	for name, v := range map[string]int{"visitors_per_minute": c.Web.Limits.VisitorsPerMinute, "sockets_per_address": c.Web.Limits.SocketsPerAddress,
		"sockets": c.Web.Limits.Sockets, "uploads_in_flight": c.Web.Limits.UploadsInFlight, "uploads_per_minute": c.Web.Limits.UploadsPerMinute, "files_mb": c.Web.Limits.FilesMB} {
		if v < 1 || v > 1_000_000 {
			bad("web.limits."+name, "must be between 1 and 1000000, got %d", v)
		}
	}
	if _, err := c.HTTP.Proxies(); err != nil {
		bad("http.trusted_proxies", "%s", err)
	}
	if u := c.HTTP.PublicURL; u != "" {
		p, err := url.Parse(u)
		switch {
		case err != nil || p.Host == "" || p.Scheme != "https" && p.Scheme != "http":
			bad("http.public_url", "%q is not an address like https://herald.example.org", u)
		case p.RawQuery != "" || p.Fragment != "" || p.User != nil:
			bad("http.public_url", "%q: give the address alone, without a query, fragment or login", u)
		}
	}
	if c.HTTP.LinkTTL < time.Hour {
		bad("http.link_ttl", "must be at least 1h, got %s", c.HTTP.LinkTTL)
	}
	if c.Email.TrackOpens && c.HTTP.PublicURL == "" {
		bad("email.track_opens", "needs http.public_url: the pixel is fetched from herald's public address")
	}
	if c.Web.ConsoleToken.IsSet() && len(c.Web.ConsoleToken.Value()) < 16 {
		bad("web.console_token", "is too short: use at least 16 random characters")
	}
	oneOf("threads.channel_per", c.Threads.ChannelPer, "", "campaign", "event")
	oneOf("threads.reply_as", c.Threads.ReplyAs, "bot", "moderator")
	if oneOf("threads.surface", c.Threads.Surface, "", "slack", "discord", "telegram", "teams", "console") && c.Threads.Surface != "" {
		if why := c.canHoldThreads(c.Threads.Surface); why != "" {
			bad("threads.surface", "%s cannot hold participants' threads: %s", c.Threads.Surface, why)
		}
	}
	if c.Threads.ChannelPer != "" && !channelName.MatchString(c.Threads.ChannelPrefix) {
		bad("threads.channel_prefix", "%q cannot start a channel name: use lower-case letters, digits and dashes", c.Threads.ChannelPrefix)
	}
	if c.Threads.EmailDelay < 0 || c.Threads.EmailDelay > time.Hour {
		bad("threads.email_delay", "must be between 0s and 1h, got %s", c.Threads.EmailDelay)
	}
	if c.Engine.SendTimeout <= 0 {
		bad("engine.send_timeout", "must be positive, got %s", c.Engine.SendTimeout)
	}
	return ps
}

var (
	snowflake     = regexp.MustCompile(`^[0-9]{1,20}$`)
	hexKey        = regexp.MustCompile(`^[0-9a-fA-F]{64}$`)
	webhookSecret = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	channelName   = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,40}$`)
	slackChannel  = regexp.MustCompile(`^[CG][A-Z0-9]{2,20}$`)
)

// hexColour reports whether s is a CSS colour as #rgb or #rrggbb.
func hexColour(s string) bool {
	if len(s) != 4 && len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, c := range s[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// isLoopback reports whether host is a loopback address.
func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
