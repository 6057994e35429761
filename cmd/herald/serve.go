package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/adapters/discord"
	"github.com/heraldchat/herald/adapters/email"
	"github.com/heraldchat/herald/adapters/slack"
	"github.com/heraldchat/herald/adapters/telegram"
	"github.com/heraldchat/herald/adapters/web"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/status"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/config"
	"github.com/heraldchat/herald/csvfile"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/httpserver"
	"github.com/heraldchat/herald/store"
)

// builtPlatforms are the platform sections this version can run. A section
// enabled in the config but missing here is refused at start, rather than
// silently ignored.
var builtPlatforms = map[string]bool{"email": true, "telegram": true, "slack": true, "discord": true}

// platformProblems names the enabled platform sections this build cannot
// run.
func platformProblems(cfg *config.Config) config.Problems {
	var ps config.Problems
	for _, p := range cfg.Platforms() {
		if !builtPlatforms[p] {
			ps = append(ps, config.Problem{Path: p + ".enabled", Message: fmt.Sprintf("this version of herald has no %s adapter yet; set %s.enabled: false", p, p)})
		}
	}
	return ps
}

// loadConfig reads the config at path ("" for the defaults) and checks
// that this build can run it.
func (m *Main) loadConfig(path string) (*config.Config, error) {
	return config.LoadFile(path, m.Env, platformProblems)
}

// serve runs herald until ctx is done, then shuts down gracefully. It
// returns an error only when herald could not start or stop cleanly.
func (m *Main) serve(ctx context.Context, path string) error {
	if err := m.open(path); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.log.Info("shutting down", "reason", context.Cause(ctx).Error())
	return m.Close()
}

// open starts every part in order: config, logs, store, HTTP server,
// control socket. On error the caller closes what was opened.
func (m *Main) open(path string) error {
	cfg, err := m.loadConfig(path)
	if err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cfg = cfg
	m.log = newLogger(m.Stderr, cfg.Log)
	m.db, err = store.Open(cfg.Store.Path, store.Options{LockTimeout: cfg.Store.LockTimeout, Clock: m.Clock})
	if err != nil {
		return err
	}
	lists := &lists.Service{Store: m.db}
	if n, err := lists.CleanStaging(context.Background()); err != nil {
		return err
	} else if n > 0 {
		m.log.Warn("removed the staging lists of imports interrupted by a stop", "count", n)
	}
	m.engine = &engine.Engine{
		Store: m.db, Clock: m.Clock, Log: m.log.With("part", "engine"),
		Messengers: map[bot.Platform]bot.Messenger{}, // filled as adapters arrive
		Limits:     cfg.Limits.PlatformLimits(),
		Workers:    cfg.Engine.Workers, SendTimeout: cfg.Engine.SendTimeout,
	}
	if err := m.buildCommands(cfg, lists); err != nil {
		return err
	}
	m.http = httpserver.New(m.log, newRegistry(m.engine))
	m.http.AddCheck("store", m.db.Ping)
	if cfg.Email.Enabled {
		mailer := email.New(email.Config{Host: cfg.Email.Host, Port: cfg.Email.Port, TLS: cfg.Email.TLS,
			Username: cfg.Email.Username, Password: cfg.Email.Password.Value(), From: cfg.Email.From})
		m.threads.Email = mailer
		m.engine.Messengers[bot.PlatformEmail] = mailer
		m.board.SetConnected(bot.PlatformEmail, true, cfg.Email.Host)
	}
	if cfg.Web.Enabled {
		if err := m.buildWeb(cfg); err != nil {
			return err
		}
	}
	if cfg.Telegram.Enabled {
		if err := m.buildTelegram(cfg); err != nil {
			return err
		}
	}
	if cfg.Discord.Enabled {
		if err := m.buildDiscord(cfg); err != nil {
			return err
		}
	}
	if cfg.Slack.Enabled {
		if err := m.buildSlack(cfg); err != nil {
			return err
		}
	}
	// Adapters are in place: the engine may start sending.
	var engineCtx context.Context
	engineCtx, m.stopEngine = context.WithCancel(context.Background())
	m.engineDone = make(chan error, 1)
	go func() { m.engineDone <- m.engine.Run(engineCtx) }()
	if m.telegram != nil {
		go m.telegram.Run(engineCtx)
	}
	if m.discord != nil {
		go func() {
			if err := m.discord.Run(engineCtx); err != nil {
				m.log.Error("discord stopped", "err", err)
			}
		}()
	}
	if m.slack != nil && cfg.Slack.Mode == "socket" {
		go func() {
			if err := m.slack.RunSocket(engineCtx, cfg.Slack.AppToken.Value()); err != nil {
				m.log.Error("slack stopped", "err", err)
				m.board.SetConnected(bot.PlatformSlack, false, "Socket Mode stopped")
				m.board.Report(bot.PlatformSlack, err.Error(), "check slack.app_token and restart herald")
			}
		}()
	}
	if m.threads.Moderators != nil {
		go m.threads.RunTimers(engineCtx, 15*time.Second)
	}
	if err := m.http.Open(cfg.HTTP.Listen); err != nil {
		return err
	}
	m.control, err = openControl(m.db, m.log)
	if err != nil {
		// Backups of a running herald need the socket; the bot itself does
		// not, so say so and go on.
		m.log.Warn("control socket unavailable: 'herald backup' will not work while herald runs", "err", err)
	}
	m.http.SetReady(true)
	platforms := strings.Join(cfg.Platforms(), ",")
	if cfg.Web.Enabled {
		platforms = strings.TrimPrefix(platforms+",web", ",")
	}
	if platforms == "" {
		platforms = "none"
	}
	m.log.Info("herald is running", "version", Version(), "http", "http://"+m.http.Addr().String(),
		"store", cfg.Store.Path, "locale", cfg.Locale, "platforms", platforms)
	close(m.started)
	return nil
}

// buildCommands makes the command language every surface serves.
func (m *Main) buildCommands(cfg *config.Config, lists *lists.Service) error {
	key, err := m.db.Secret(context.Background(), "action-signing", 32)
	if err != nil {
		return err
	}
	m.board = &status.Board{Clock: m.Clock, Queue: m.engine.QueueDepth}
	// Participant threads: the surfaces that carry them fill in where
	// threads live and how participants are reached.
	moderators := cfg.Moderators.Build()
	m.moderators = moderators
	m.threads = &threads.Service{
		Store: m.db, Contacts: &contacts.Service{Store: m.db, Clock: m.Clock},
		Messengers: map[bot.Platform]bot.Messenger{}, Clock: m.Clock, Log: m.log.With("part", "threads"),
		SurfaceOnJoin: cfg.Threads.SurfaceOnJoin, ChannelPer: cfg.Threads.ChannelPer, ChannelPrefix: cfg.Threads.ChannelPrefix,
		AsModerator: cfg.Threads.ReplyAs == "moderator", Auth: moderators, Board: m.board, EmailDelay: cfg.Threads.EmailDelay,
	}
	deps := commands.Deps{
		Conversations: m.threads,
		Snippets:      m.db,
		Campaigns:     &campaigns.Service{Store: m.db, Dispatcher: m.engine, Clock: m.Clock},
		Lists:         lists,
		Status:        m.board,
		OpenRecipients: func(r io.Reader) (bot.RecipientReader, error) {
			return csvfile.NewReader(r)
		},
		WriteTable: func(w io.Writer) (bot.RowWriter, func() error) {
			cw := csvfile.NewWriter(w)
			return cw, cw.Flush
		},
		Clock: m.Clock,
	}
	text := bot.NewText(bot.Locale(cfg.Locale), commands.Texts)
	signer := commands.NewSigner(key, m.Clock, commands.DefaultActionTTL)
	m.mux = commands.New(deps, text, moderators, signer, m.log.With("part", "commands"))
	m.inbound = commands.NewInbound(m.mux, m.threads)
	m.cards = &commands.CardUpdater{Text: text, Signer: signer, Campaigns: deps.Campaigns, Clock: m.Clock, Log: m.log.With("part", "cards")}
	m.engine.Changed = m.cards.Changed
	return nil
}

// buildWeb makes the embedded web chat and console, the participant
// threads they share, and mounts their pages.
func (m *Main) buildWeb(cfg *config.Config) error {
	ctx := context.Background()
	key, err := m.db.Secret(ctx, "web-key", 32)
	if err != nil {
		return err
	}
	var tokenHash []byte
	if cfg.Web.ConsoleToken.IsSet() {
		sum := sha256.Sum256([]byte(cfg.Web.ConsoleToken.Value()))
		tokenHash = sum[:]
	} else {
		var token string
		var created bool
		tokenHash, created, err = m.db.InitSecret(ctx, "console-token-sha256", func() ([]byte, error) {
			b := make([]byte, 18)
			if _, err := rand.Read(b); err != nil {
				return nil, err
			}
			token = base64.RawURLEncoding.EncodeToString(b)
			sum := sha256.Sum256([]byte(token))
			return sum[:], nil
		})
		if err != nil {
			return err
		}
		if created {
			// Shown once, on purpose, and never logged: only its hash is kept.
			fmt.Fprintf(m.Stderr, "\n  herald console login token (shown once; keep it): %s\n  open http://%s/console\n\n", token, cfg.HTTP.Listen)
		}
	}
	threads := m.threads
	threads.Channel = web.ConsoleChannel
	var names []string
	for _, c := range m.mux.Commands() {
		if c.Help != "" {
			names = append(names, c.Name)
		}
	}
	m.web = web.New(web.Config{
		Store: m.db, Handler: m.inbound, Conversations: threads, Contacts: threads.Contacts, Clock: m.Clock, Log: m.log.With("part", "web"),
		Key: key, TokenHash: tokenHash, MaxMessage: cfg.Web.MaxMessage, Secure: cfg.Web.SecureCookies, CommandNames: names,
		Logins: cfg.Moderators.Console.Users,
	})
	threads.Messengers[bot.PlatformWeb] = m.web
	threads.Moderators = m.web
	m.engine.Messengers[bot.PlatformWeb] = m.web
	m.engine.Changed = func(id bot.CampaignID) { m.web.CampaignChanged(id); m.cards.Changed(id) }
	m.web.Routes(m.http)
	m.board.SetConnected(bot.PlatformWeb, true, "web chat and console")
	return nil
}

// buildTelegram connects the Telegram bot: participants are reached in
// private chats, and what they write goes to their threads.
func (m *Main) buildTelegram(cfg *config.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tc := telegram.Config{Token: cfg.Telegram.Token.Value(), ServerURL: cfg.Telegram.ServerURL, Log: m.log.With("part", "telegram")}
	// The moderators' group (checked negative by the config): /herald runs
	// there and its admins are moderators.
	tc.Group, _ = strconv.ParseInt(cfg.Moderators.Telegram.Group, 10, 64)
	if cfg.Telegram.Mode == "webhook" {
		tc.WebhookSecret = cfg.Telegram.WebhookSecret.Value()
	}
	a, err := telegram.New(ctx, tc)
	if err != nil {
		return err
	}
	if cfg.Telegram.Mode == "webhook" {
		m.http.Handle("POST /telegram/webhook", a.Webhook())
		if err := a.SetWebhook(ctx, cfg.Telegram.WebhookURL); err != nil {
			return err
		}
	}
	a.Handler = m.inbound
	a.OnCard = func(id bot.CampaignID, ref bot.MessageRef) { m.cards.Track(id, a, ref) }
	if tc.Group != 0 {
		// Participants' threads live in the group (forum topics, or reply
		// chains), unless Slack is enabled: Slack, built next, takes them.
		m.threads.Moderators, m.threads.Channel = a, bot.Address{Platform: bot.PlatformTelegram, ID: cfg.Moderators.Telegram.Group}
	}
	m.moderators.Checkers[bot.PlatformTelegram] = a
	m.telegram = a
	m.engine.Messengers[bot.PlatformTelegram] = a
	m.threads.Messengers[bot.PlatformTelegram] = a
	detail := "participants in private chats"
	if tc.Group != 0 {
		detail += ", /herald in the moderators' group"
	}
	m.board.SetConnected(bot.PlatformTelegram, true, detail)
	return nil
}

// buildDiscord connects the Discord bot for participants: campaigns and
// replies reach them by DM, and what they write (over the gateway, started
// with the engine) opens their thread.
func (m *Main) buildDiscord(cfg *config.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := discord.New(ctx, discord.Config{Token: cfg.Discord.Token.Value(), APIURL: cfg.Discord.APIURL, Log: m.log.With("part", "discord"), Board: m.board,
		ApplicationID: cfg.Discord.ApplicationID, GuildID: cfg.Discord.GuildID, Channel: cfg.Discord.Channel})
	if err != nil {
		return err
	}
	// /herald's subcommands are the command language's first words.
	a.Handler = m.inbound
	for _, c := range m.mux.Commands() {
		verb, _, _ := strings.Cut(c.Name, " ")
		if c.Help != "" && !slices.Contains(a.Verbs, verb) {
			a.Verbs = append(a.Verbs, verb)
		}
	}
	m.moderators.Checkers[bot.PlatformDiscord] = a
	if cfg.Discord.PublicKey != "" {
		// Interactions may also come by HTTP, each verified with the key
		// (64 hex characters, checked by the config).
		key, _ := hex.DecodeString(cfg.Discord.PublicKey)
		m.http.Handle("POST /discord/interactions", a.Interactions(ed25519.PublicKey(key)))
	}
	if cfg.Discord.Channel != "" {
		// Participants' threads live in the channel, unless Slack is
		// enabled: Slack, built next, takes them.
		m.threads.Moderators, m.threads.Channel = a, bot.Address{Platform: bot.PlatformDiscord, ID: cfg.Discord.Channel}
	}
	m.discord = a
	m.engine.Messengers[bot.PlatformDiscord] = a
	m.threads.Messengers[bot.PlatformDiscord] = a
	m.board.SetConnected(bot.PlatformDiscord, false, "gateway: connecting")
	return nil
}

// buildSlack connects the Slack app: /herald and its buttons run the
// command language, participants are reached by DM, and their threads
// live in slack.channel. In HTTP mode Slack posts to /slack/*; in Socket
// Mode (started with the engine) nothing is mounted on the HTTP server.
func (m *Main) buildSlack(cfg *config.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a, err := slack.New(ctx, slack.Config{BotToken: cfg.Slack.BotToken.Value(), SigningSecret: cfg.Slack.SigningSecret.Value(),
		APIURL: cfg.Slack.APIURL, Channel: cfg.Slack.Channel, Clock: m.Clock, Log: m.log.With("part", "slack"), Board: m.board})
	if err != nil {
		return err
	}
	a.Handler, a.Moderators = m.inbound, m.moderators
	a.Previews = &lists.Service{Store: m.db}
	a.OnCard = func(id bot.CampaignID, ref bot.MessageRef) { m.cards.Track(id, a, ref) }
	m.slack = a
	m.engine.Messengers[bot.PlatformSlack] = a
	m.threads.Messengers[bot.PlatformSlack] = a
	// Slack is where moderators work: threads live in its channel.
	m.threads.Moderators, m.threads.Channel = a, bot.Address{Platform: bot.PlatformSlack, ID: cfg.Slack.Channel}
	m.moderators.Checkers[bot.PlatformSlack] = a
	if cfg.Slack.Mode == "http" {
		a.Routes(m.http)
		m.board.SetConnected(bot.PlatformSlack, true, "HTTP mode, threads in "+cfg.Slack.Channel)
	} else {
		m.board.SetConnected(bot.PlatformSlack, false, "Socket Mode: connecting")
	}
	return nil
}

// ThreadOf returns the thread of a participant of a running herald, or
// the zero ThreadRef (for tests and tools).
func (m *Main) ThreadOf(participant bot.Address) bot.ThreadRef {
	m.mu.Lock()
	db := m.db
	m.mu.Unlock()
	if db == nil {
		return bot.ThreadRef{}
	}
	c, err := db.ConversationByParticipant(context.Background(), participant)
	if err != nil {
		return bot.ThreadRef{}
	}
	return c.Thread
}

// Commands returns the command language of a running herald, for the
// surfaces (and tests) that serve it.
func (m *Main) Commands() *commands.Mux {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mux
}

// Started is closed once Run's server is up and ready.
func (m *Main) Started() <-chan struct{} {
	m.defaults()
	return m.started
}

// HTTPAddr returns the address the HTTP server listens on, once started.
func (m *Main) HTTPAddr() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.http == nil || m.http.Addr() == nil {
		return ""
	}
	return m.http.Addr().String()
}

// Close shuts down in order: stop taking work (readiness off, HTTP
// listener closed after requests in progress finish), close the control
// socket, stop the campaign engine (sends in progress finish and are
// recorded), then close the store, which waits for its last writes. It is safe
// to call more than once.
func (m *Main) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	var errs []error
	if m.http != nil {
		timeout := 10 * time.Second
		if m.cfg != nil {
			timeout = m.cfg.HTTP.ShutdownTimeout
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		errs = append(errs, m.http.Shutdown(ctx))
		cancel()
	}
	if m.control != nil {
		errs = append(errs, m.control.Close())
	}
	if m.stopEngine != nil {
		// Sends in progress finish and their outcome is written.
		m.stopEngine()
		errs = append(errs, <-m.engineDone)
	}
	if m.db != nil {
		errs = append(errs, m.db.Close())
	}
	err := errors.Join(errs...)
	if m.log != nil && m.db != nil {
		if err != nil {
			m.log.Error("herald stopped with errors", "err", err)
		} else {
			m.log.Info("herald stopped")
		}
	}
	return err
}
