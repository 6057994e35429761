package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/adapters/api"
	"github.com/heraldchat/herald/adapters/discord"
	"github.com/heraldchat/herald/adapters/email"
	"github.com/heraldchat/herald/adapters/slack"
	"github.com/heraldchat/herald/adapters/teams"
	"github.com/heraldchat/herald/adapters/telegram"
	"github.com/heraldchat/herald/adapters/web"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/engagement"
	"github.com/heraldchat/herald/bot/events"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/status"
	"github.com/heraldchat/herald/bot/surveys"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/config"
	"github.com/heraldchat/herald/csvfile"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/exprfilter"
	"github.com/heraldchat/herald/plotchart"
	"github.com/heraldchat/herald/store"
	"github.com/heraldchat/herald/webhook"
)

// wiring is what the builders share while herald starts. Each builder
// reads what earlier ones made and returns the components it adds; none
// reaches into another's parts after the fact.
type wiring struct {
	ctx   context.Context // start-up: Run's context, bounded
	cfg   *config.Config
	log   *slog.Logger
	out   io.Writer // the operator's terminal, for a secret shown once
	addr  string    // the HTTP address herald listens on, as bound
	clock clock.Clock
	db    *store.DB

	board      *status.Board
	moderators *moderators.Set
	engine     *engine.Engine
	threads    *threads.Service
	recipes    *recipes.Runner
	// recipeService manages recipes (commands, and imports through the
	// control socket); poster checks webhook URLs.
	recipeService *recipes.Service
	poster        *webhook.Poster
	contacts      *contacts.Service
	mux           *commands.Mux
	inbound       *commands.Inbound
	cards         *commands.CardUpdater
	// messengers reach people, per platform: the engine and the threads
	// share this one map, filled before either runs.
	messengers map[bot.Platform]bot.Messenger
	// surfaces can hold participants' threads, by threads.surface name.
	surfaces map[string]surface
	// changed are told when a campaign's counters or state change.
	changed []func(bot.CampaignID)
	// budget paces everything herald posts, per platform; outbox posts
	// all but campaign sends.
	budget *engine.Budget
	outbox *engine.Outbox
	// clients are the adapters' HTTP clients.
	clients []*http.Client
	// web is the web chat and console, when enabled.
	web *web.Adapter
	// tracker counts campaign engagement: links clicked, messages seen.
	tracker *engagement.Tracker
	surveys *surveys.Service
	// reach records what platforms say of people they refused.
	reach runFunc
}

// surface is where participants' threads may live.
type surface struct {
	poster  bot.ThreadPoster
	channel bot.Address
}

// platformClient returns an HTTP client of one adapter's own. Any
// component may call any platform (a Discord message relayed to Slack), so
// the clients let go of their connections once every component has
// stopped (see Main.Close).
func (w *wiring) platformClient(timeout time.Duration) *http.Client {
	c := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone(), Timeout: timeout}
	w.clients = append(w.clients, c)
	return c
}

// relayLinger is how long a participant's first relay waits on a platform
// with limits, to travel with the messages they write right after it.
const relayLinger = 300 * time.Millisecond

// startTimeout bounds what one builder may spend reaching its platform.
const startTimeout = 30 * time.Second

func (w *wiring) startCtx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(w.ctx, startTimeout)
}

// build makes every component the config asks for, in dependency order.
func (w *wiring) build() ([]component, error) {
	var out []component
	add := func(cs []component, err error) error {
		out = append(out, cs...)
		return err
	}
	if err := add(w.buildCore()); err != nil {
		return out, err
	}
	for _, b := range []struct {
		on    bool
		build func() ([]component, error)
	}{
		{w.cfg.Email.Enabled, w.buildEmail},
		{w.cfg.Web.Enabled, w.buildWeb},
		{w.cfg.Telegram.Enabled, w.buildTelegram},
		{w.cfg.Discord.Enabled, w.buildDiscord},
		{w.cfg.Slack.Enabled, w.buildSlack},
		{w.cfg.Teams.Enabled, w.buildTeams},
		{w.cfg.API.Enabled, w.buildAPI},
	} {
		if !b.on {
			continue
		}
		if err := add(b.build()); err != nil {
			return out, err
		}
	}
	if err := w.placeThreads(); err != nil {
		return out, err
	}
	listeners := slices.Clone(w.changed)
	w.engine.Changed = func(id bot.CampaignID) {
		for _, f := range listeners {
			f(id)
		}
	}
	return out, nil
}

// buildCore makes what every herald has: the engine, participant threads
// and the command language.
func (w *wiring) buildCore() ([]component, error) {
	cfg := w.cfg
	listService := &lists.Service{Store: w.db, Contacts: w.db}
	if n, err := listService.CleanStaging(w.ctx); err != nil {
		return nil, err
	} else if n > 0 {
		w.log.Warn("removed the staging lists of imports interrupted by a stop", "count", n)
	}
	w.messengers = map[bot.Platform]bot.Messenger{}
	w.surfaces = map[string]surface{}
	// One budget per platform for campaign sends and everything else
	// herald posts.
	w.budget = engine.NewBudget(cfg.Limits.PlatformLimits(), w.clock, cfg.Limits.TimeScale)
	budget := w.budget
	w.engine = &engine.Engine{
		Store: w.db, Clock: w.clock, Log: w.log.With("part", "engine"),
		Messengers: w.messengers, Budget: budget,
		Workers: cfg.Engine.Workers, SendTimeout: cfg.Engine.SendTimeout, NudgeMaxLate: cfg.Nudges.MaxLate,
	}
	key, err := w.db.Secret(w.ctx, "action-signing", 32)
	if err != nil {
		return nil, err
	}
	w.board = &status.Board{Clock: w.clock, Queue: w.engine.QueueDepth}
	w.moderators = cfg.Moderators.Build()
	w.contacts = &contacts.Service{Store: w.db, Clock: w.clock}
	// What platforms say of people they refused (blocked, …) is recorded
	// off the engine's workers, in the order told; a full queue (a flood
	// of refusals) drops the surplus, which the next refusal tells again.
	engineLog := w.log.With("part", "engine")
	type reachNote struct {
		to bot.Address
		r  bot.Reachability
	}
	reaches := make(chan reachNote, 4096)
	w.engine.Reached = func(_ context.Context, to bot.Address, r bot.Reachability) {
		select {
		case reaches <- reachNote{to, r}:
		default:
			engineLog.Warn("campaign engine: too many refusals at once to record them all", "address", to.String(), "reach", string(r))
		}
	}
	w.reach = runFunc(func(ctx context.Context) error {
		for {
			select {
			case <-ctx.Done():
				return nil
			case n := <-reaches:
				if err := w.contacts.Reached(ctx, n.to, n.r); err != nil && ctx.Err() == nil {
					engineLog.Warn("campaign engine: recording that a person cannot be reached", "address", n.to.String(), "reach", string(n.r), "err", err)
				}
			}
		}
	})
	w.threads = &threads.Service{
		Store: w.db, Contacts: w.contacts,
		Messengers: w.messengers, Clock: w.clock, Log: w.log.With("part", "threads"),
		SurfaceOnJoin: cfg.Threads.SurfaceOnJoin, ChannelPer: cfg.Threads.ChannelPer, ChannelPrefix: cfg.Threads.ChannelPrefix,
		AsModerator: cfg.Threads.ReplyAs == "moderator", Auth: w.moderators, Board: w.board, EmailDelay: cfg.Threads.EmailDelay,
	}
	if cfg.Threads.ChannelPer == "campaign" {
		w.threads.Attribution = w.db
	}
	threadText := commands.NewText(commands.Locale(cfg.Locale))
	w.threads.Text = func(key string, args ...any) string { return threadText.T(commands.TextKey(key), args...) }
	w.contacts.Text = w.threads.Text
	// Automation recipes act on conversations, woken by every event the
	// threads record and by every recipe changed.
	w.recipes = &recipes.Runner{Store: w.db, Conversations: w.threads, Compiler: exprfilter.Compiler{}, Clock: w.clock, Log: w.log.With("part", "recipes")}
	w.threads.Recorded = w.recipes.Wake
	w.threads.Decide = w.recipes.Decide // a message's recipes decided in its own write
	w.recipeService = &recipes.Service{Store: w.db, Compiler: exprfilter.Compiler{}, Clock: w.clock, Changed: w.recipes.Changed}
	// Outbound webhooks: signed, durable, checked against server-side
	// request forgery on the address dialled.
	poster := &webhook.Poster{AllowHTTP: cfg.Webhooks.AllowHTTP, AllowPrivate: cfg.Webhooks.AllowPrivate, Timeout: cfg.Webhooks.Timeout}
	w.poster = poster
	hooks := &engine.Webhooks{Store: w.db, Poster: poster, Clock: w.clock, Log: w.log.With("part", "webhooks")}
	w.recipes.WebhooksQueued = hooks.Wake
	campaignService := &campaigns.Service{Store: w.db, Dispatcher: w.engine, Clock: w.clock}
	// Surveys: a campaign with questions opens with its first; each answer
	// brings the next, queued in the outbox with the answer recorded.
	surveyService := &surveys.Service{Campaigns: w.db, Edit: campaignService.Edit, Store: w.db, Outbox: w.db, Clock: w.clock, Text: w.threads.Text}
	w.surveys = surveyService
	w.engine.Compose = surveys.Opening
	campaignService.Compose = surveys.Opening
	// Engagement: a campaign's links go through herald's public address
	// (when it has one) and are counted when clicked; what is seen is
	// recorded where the platform tells.
	linkKey, err := w.db.Secret(w.ctx, "link-signing", 32)
	if err != nil {
		return nil, err
	}
	w.tracker = &engagement.Tracker{Store: w.db, Key: linkKey, BaseURL: strings.TrimRight(cfg.HTTP.PublicURL, "/"), Opens: cfg.Email.TrackOpens,
		Render: w.engine.Render, TTL: cfg.HTTP.LinkTTL, Clock: w.clock}
	w.engine.Track = w.tracker.Rewrite
	deps := commands.Deps{
		Surveys:       surveyService,
		Engagement:    w.tracker,
		Chart:         plotchart.Bars,
		Recipes:       w.recipeService,
		RecipeList:    w.db,
		Calendars:     w.db,
		Filters:       w.db,
		Webhooks:      &commands.WebhookDeps{Store: w.db, CheckURL: poster.CheckURL, NewSecret: webhook.NewSecret, Queued: hooks.Wake},
		Conversations: w.threads,
		Snippets:      w.db,
		Directory:     w.db,
		History:       w.db,
		Tokens:        w.db,
		Campaigns:     campaignService,
		Lists:         listService,
		Status:        w.board,
		OpenRecipients: func(r io.Reader) (lists.RecipientReader, error) {
			return csvfile.NewReader(r)
		},
		WriteTable: func(w io.Writer) (bot.RowWriter, func() error) {
			cw := csvfile.NewWriter(w)
			return cw, cw.Flush
		},
		Clock: w.clock,
	}
	text := commands.NewText(commands.Locale(cfg.Locale))
	signer := commands.NewSigner(key, w.clock, commands.DefaultActionTTL)
	w.threads.Sign = signer.Sign // draft cards' buttons
	w.mux = commands.New(deps, text, w.moderators, signer, w.log.With("part", "commands"))
	w.inbound = commands.NewInbound(w.mux, w.threads)
	w.inbound.Answers = surveyService
	w.cards = &commands.CardUpdater{Text: text, Signer: signer, Campaigns: deps.Campaigns, Clock: w.clock, Log: w.log.With("part", "cards"),
		Pace:  func(ctx context.Context, to bot.Address) error { return budget.Wait(ctx, bot.ClassInteractive, to) },
		Spare: budget.Spare, Paused: budget.Pause}
	w.changed = append(w.changed, w.cards.Changed)
	w.outbox = &engine.Outbox{
		Store: w.db, Posters: w.messengers, Relays: w.threads, Budget: budget, Clock: w.clock, Log: w.log.With("part", "outbox"),
		Linger: relayLinger, // people's time, not the platform's: never scaled
		Report: func(p bot.Platform, err error) {
			w.board.ReportError(p, err)
		},
	}
	w.threads.Outbox = w.outbox
	surveyService.Wake = w.outbox.Wake
	w.recipes.Queued = w.outbox.Wake
	w.engine.Copies, w.engine.CopiesQueued = w.db, w.outbox.Wake
	timers := runFunc(func(ctx context.Context) error {
		w.threads.RunTimers(ctx, 15*time.Second)
		return nil
	})
	parts := []component{{"engine", w.engine}, {"outbox", w.outbox}, {"cards", w.cards}, {"thread timers", timers}, {"reach recorder", w.reach}, {"recipes", w.recipes}, {"webhooks", hooks}}
	if w.tracker.BaseURL != "" {
		parts = append(parts, component{"tracked links", &web.Links{Clicks: w.tracker, Answers: w.tracker, Handler: w.inbound, Log: w.log.With("part", "links"), Locale: cfg.Locale}})
	}
	return parts, nil
}

// buildEmail reaches participants by email when chat cannot.
func (w *wiring) buildEmail() ([]component, error) {
	c := w.cfg.Email
	ec := email.Config{Board: w.board, Locale: w.cfg.Locale, Host: c.Host, Port: c.Port, TLS: c.TLS,
		Username: c.Username, Password: c.Password.Value(), From: c.From}
	if w.tracker.BaseURL != "" {
		ec.AnswerLink = w.tracker.AnswerLink    // buttons answered through a page of herald's
		w.surveys.TextLink = w.tracker.TextLink // and text questions written there
	}
	mailer := email.New(ec)
	w.threads.Email, w.contacts.Mail = mailer, mailer
	w.messengers[bot.PlatformEmail] = mailer
	w.board.SetConnected(bot.PlatformEmail, true, c.Host)
	return nil, nil
}

// buildWeb makes the embedded web chat and console.
func (w *wiring) buildWeb() ([]component, error) {
	cfg := w.cfg
	key, err := w.db.Secret(w.ctx, "web-key", 32)
	if err != nil {
		return nil, err
	}
	tokenHash, fresh, err := web.LoginToken(w.ctx, w.db, cfg.Web.ConsoleToken.Value())
	if err != nil {
		return nil, err
	}
	if fresh != "" {
		// Shown once, on purpose, and never logged: only its hash is kept.
		fmt.Fprintf(w.out, "\n  herald console login token (shown once; keep it): %s\n  open http://%s/console\n  (herald console-token reset makes a new one)\n\n", fresh, w.addr)
	}
	var names []string
	for _, c := range w.mux.Commands() {
		if c.Help != "" {
			names = append(names, c.Name)
		}
	}
	proxies, err := cfg.HTTP.Proxies() // checked by the config already
	if err != nil {
		return nil, err
	}
	a := web.New(web.Config{
		Store: w.db, Workspace: w.db, Handler: w.inbound, Conversations: w.threads, Contacts: w.contacts, Clock: w.clock, Log: w.log.With("part", "web"),
		Key: key, TokenHash: tokenHash, MaxMessage: cfg.Web.MaxMessage, ChatTitle: cfg.Web.ChatTitle, Accent: cfg.Web.Accent, Locale: cfg.Locale, Secure: cfg.Web.SecureCookies, CommandNames: names,
		Logins: cfg.Moderators.Console.Users, TrustedProxies: proxies, Seen: w.tracker.Seen,
		Limits: web.Limits{VisitorsPerMinute: cfg.Web.Limits.VisitorsPerMinute, SocketsPerAddress: cfg.Web.Limits.SocketsPerAddress,
			Sockets: cfg.Web.Limits.Sockets, UploadsInFlight: cfg.Web.Limits.UploadsInFlight, UploadsPerMinute: cfg.Web.Limits.UploadsPerMinute, FilesMB: cfg.Web.Limits.FilesMB},
	})
	w.messengers[bot.PlatformWeb] = a
	w.web = a
	w.surfaces["console"] = surface{a, web.ConsoleChannel}
	w.changed = append(w.changed, a.CampaignChanged)
	w.board.SetConnected(bot.PlatformWeb, true, "web chat and console")
	return []component{{"web", a}}, nil
}

// buildAPI serves the HTTP API for other systems (the event API).
func (w *wiring) buildAPI() ([]component, error) {
	c := w.cfg.API
	svc := &events.Service{Store: w.db, Contacts: w.contacts, Clock: w.clock, CreateContacts: c.CreateContacts,
		Notify: func() { w.engine.EventsRecorded(); w.recipes.Wake() }}
	a := api.New(api.Config{Events: svc, Tokens: w.db, Log: w.log.With("part", "api"), PerSecond: c.RequestsPerSecond, Burst: c.Burst})
	return []component{{"api", a}}, nil
}

// resetConsoleToken makes a new console login token for the running
// herald: its hash replaces the kept one, sessions opened with the old one
// end, and the token is returned to be shown once.
func (w *wiring) resetConsoleToken(ctx context.Context) (string, error) {
	if err := consoleTokenResettable(w.cfg); err != nil {
		return "", err
	}
	fresh, hash, err := web.ResetLoginToken(ctx, w.db)
	if err != nil {
		return "", err
	}
	w.web.SetLoginHash(hash)
	w.log.Info("web console: login token reset; the sessions opened with the old one have ended")
	return fresh, nil
}

// consoleTokenResettable says why herald cannot make the console's login
// token under cfg, or nil.
func consoleTokenResettable(cfg *config.Config) error {
	if !cfg.Web.Enabled {
		return bot.Errorf(bot.EINVALID, "the web console is off (web.enabled: false): it has no login token")
	}
	if cfg.Web.ConsoleToken.IsSet() {
		return bot.Errorf(bot.ECONFLICT, "the console token is set in the config (web.console_token): change it there and restart herald")
	}
	return nil
}

// buildTelegram connects the Telegram bot: participants in private chats,
// and the moderators' group when there is one.
func (w *wiring) buildTelegram() ([]component, error) {
	cfg := w.cfg
	ctx, cancel := w.startCtx()
	defer cancel()
	client := w.platformClient(0) // long polling sets its own deadlines
	tc := telegram.Config{Board: w.board, Token: cfg.Telegram.Token.Value(), ServerURL: cfg.Telegram.ServerURL, Log: w.log.With("part", "telegram"), HTTPClient: client, Budget: w.budget}
	// The moderators' group (checked negative by the config): /herald runs
	// there and its admins are moderators.
	tc.Group, _ = strconv.ParseInt(cfg.Moderators.Telegram.Group, 10, 64)
	if cfg.Telegram.Mode == "webhook" {
		tc.WebhookSecret = cfg.Telegram.WebhookSecret.Value()
	}
	a, err := telegram.New(ctx, tc)
	if err != nil {
		return nil, err
	}
	out := []component{{"telegram", runFunc(func(ctx context.Context) error { a.Run(ctx); return nil })}}
	if cfg.Telegram.Mode == "webhook" {
		if err := a.SetWebhook(ctx, cfg.Telegram.WebhookURL); err != nil {
			return nil, err
		}
		out = append(out, component{"telegram webhook", routes{"POST /telegram/webhook": a.Webhook()}})
	}
	a.Handler, a.Journal = w.inbound, w.db
	a.OnCard = func(id bot.CampaignID, ref bot.MessageRef) { w.cards.Track(id, a, ref) }
	w.moderators.Checkers[bot.PlatformTelegram] = a
	w.messengers[bot.PlatformTelegram] = a
	detail := "participants in private chats"
	if tc.Group != 0 {
		detail += ", /herald in the moderators' group"
		w.surfaces["telegram"] = surface{a, bot.Address{Platform: bot.PlatformTelegram, ID: cfg.Moderators.Telegram.Group}}
	}
	w.board.SetConnected(bot.PlatformTelegram, true, detail)
	return out, nil
}

// buildTeams connects the Teams bot: participants in their personal
// chats, activities verified on POST /api/messages.
func (w *wiring) buildTeams() ([]component, error) {
	cfg := w.cfg.Teams
	a := teams.New(teams.Config{AppID: cfg.AppID, AppPassword: cfg.AppPassword.Value(), Tenant: cfg.TenantID, SingleTenant: cfg.SingleTenant,
		LoginURL: cfg.LoginURL, OpenIDURL: cfg.OpenIDURL, ServiceURL: cfg.ServiceURL, ServiceHosts: cfg.ServiceHosts,
		Channel: cfg.Channel, ModeratorAADIDs: w.cfg.Moderators.Teams.Users, Team: w.cfg.Moderators.Teams.Group, Locale: w.cfg.Locale,
		TimeScale: w.cfg.Limits.TimeScale, // tests run Teams' limits faster
		PublicURL: w.cfg.HTTP.PublicURL,
		Budget:    w.budget,
		Client:    w.platformClient(30 * time.Second), Clock: w.clock, Log: w.log.With("part", "teams"), Board: w.board})
	a.Handler = w.inbound
	// Moderators by their Bot Framework id (29:…) are listed; by Azure AD
	// object id, or as members of moderators.teams.group (a team), Teams
	// says (the adapter's IsMember).
	a.IsModerator = w.moderators.IsModerator
	a.OnCard = func(id bot.CampaignID, ref bot.MessageRef) { w.cards.Track(id, a, ref) }
	w.moderators.Checkers[bot.PlatformTeams] = a
	if w.moderators.Groups[bot.PlatformTeams] == "" && len(w.cfg.Moderators.Teams.Users) > 0 {
		w.moderators.Groups[bot.PlatformTeams] = "aad"
	}
	log := w.log.With("part", "teams")
	a.Reached = func(ctx context.Context, who bot.Address, name, email string, r bot.Reachability) {
		if _, err := w.contacts.Seen(ctx, who, name, email, r); err != nil {
			log.Warn("teams: recording an installation", "err", err)
		}
	}
	w.messengers[bot.PlatformTeams] = a
	detail := "participants in personal chats"
	if cfg.Channel != "" {
		detail += ", herald … in the moderators' channel"
		w.surfaces["teams"] = surface{a, bot.Address{Platform: bot.PlatformTeams, ID: cfg.Channel}}
	}
	w.board.SetConnected(bot.PlatformTeams, true, detail)
	return []component{{"teams", a}}, nil
}

// buildDiscord connects the Discord bot: participants by DM, /herald in
// the guild, threads in discord.channel.
func (w *wiring) buildDiscord() ([]component, error) {
	cfg := w.cfg
	ctx, cancel := w.startCtx()
	defer cancel()
	client := w.platformClient(30 * time.Second)
	a, err := discord.New(ctx, discord.Config{Locale: cfg.Locale, MemberJoins: cfg.Threads.SurfaceOnJoin, Category: cfg.Discord.Category, ModeratorRole: cfg.Moderators.Discord.Group, Token: cfg.Discord.Token.Value(), APIURL: cfg.Discord.APIURL, Log: w.log.With("part", "discord"), Board: w.board, HTTPClient: client, Cursors: w.db,
		ApplicationID: cfg.Discord.ApplicationID, GuildID: cfg.Discord.GuildID, Channel: cfg.Discord.Channel})
	if err != nil {
		return nil, err
	}
	a.Handler = w.inbound
	// /herald's subcommands are the command language's first words, but
	// those of the thread dialect (typed in a thread as they are): Discord
	// takes 25.
	for _, c := range w.mux.Commands() {
		verb, _, _ := strings.Cut(c.Name, " ")
		if c.Help != "" && !c.InThread && !slices.Contains(a.Verbs, verb) {
			a.Verbs = append(a.Verbs, verb)
		}
	}
	w.moderators.Checkers[bot.PlatformDiscord] = a
	a.OnCard = func(id bot.CampaignID, ref bot.MessageRef) { w.cards.Track(id, a, ref) }
	out := []component{{"discord", a}}
	if cfg.Discord.PublicKey != "" {
		// Interactions may also come by HTTP, each verified with the key
		// (64 hex characters, checked by the config).
		key, _ := hex.DecodeString(cfg.Discord.PublicKey)
		out = append(out, component{"discord interactions", routes{"POST /discord/interactions": a.Interactions(ed25519.PublicKey(key))}})
	}
	if cfg.Discord.Channel != "" {
		w.surfaces["discord"] = surface{a, bot.Address{Platform: bot.PlatformDiscord, ID: cfg.Discord.Channel}}
	}
	w.messengers[bot.PlatformDiscord] = a
	w.board.SetConnected(bot.PlatformDiscord, false, "gateway: connecting")
	return out, nil
}

// buildSlack connects the Slack app: /herald and its buttons, participants
// by DM, threads in slack.channel; Socket Mode by default, or HTTP.
func (w *wiring) buildSlack() ([]component, error) {
	cfg := w.cfg
	ctx, cancel := w.startCtx()
	defer cancel()
	client := w.platformClient(0) // file downloads may be long; each call has its context
	a, err := slack.New(ctx, slack.Config{Locale: cfg.Locale, Invite: cfg.Moderators.Slack.Users, ChannelPrefix: cfg.Threads.ChannelPrefix, BotToken: cfg.Slack.BotToken.Value(), SigningSecret: cfg.Slack.SigningSecret.Value(), HTTPClient: client,
		APIURL: cfg.Slack.APIURL, Channel: cfg.Slack.Channel, Clock: w.clock, Log: w.log.With("part", "slack"), Board: w.board})
	if err != nil {
		return nil, err
	}
	a.Handler, a.Moderators = w.inbound, w.moderators
	a.Previews = &lists.Service{Store: w.db}
	a.Journal = w.db
	a.OnCard = func(id bot.CampaignID, ref bot.MessageRef) { w.cards.Track(id, a, ref) }
	w.messengers[bot.PlatformSlack] = a
	w.surfaces["slack"] = surface{a, bot.Address{Platform: bot.PlatformSlack, ID: cfg.Slack.Channel}}
	w.moderators.Checkers[bot.PlatformSlack] = a
	// Requests Slack is answered for run on after the answer: the
	// component waits for them before it returns.
	run := runFunc(func(ctx context.Context) error {
		defer a.Wait()
		a.Replay(ctx) // what a stop interrupted, answered for but not handled
		if cfg.Slack.Mode == "http" {
			<-ctx.Done()
			return nil
		}
		err := a.RunSocket(ctx, cfg.Slack.AppToken.Value())
		if err != nil {
			w.board.SetConnected(bot.PlatformSlack, false, "Socket Mode stopped")
			w.board.ReportError(bot.PlatformSlack, bot.Errorf(bot.EFORBIDDEN, "%s: check slack.app_token and restart herald", err.Error()).Translated("platform.slack.app_token", err.Error()))
		}
		return err
	})
	out := []component{{"slack", run}}
	if cfg.Slack.Mode == "http" {
		out = append(out, component{"slack http", a})
		w.board.SetConnected(bot.PlatformSlack, true, "HTTP mode, threads in "+cfg.Slack.Channel)
	} else {
		w.board.SetConnected(bot.PlatformSlack, false, "Socket Mode: connecting")
	}
	return out, nil
}

// placeThreads puts participants' threads where threads.surface (or its
// default) says, and says so in the log.
func (w *wiring) placeThreads() error {
	name := w.cfg.ThreadSurface()
	s, ok := w.surfaces[name]
	if !ok {
		w.log.Warn("participants' threads have nowhere to go: what participants write is refused until a surface is enabled", "threads.surface", name)
		return nil
	}
	w.threads.Moderators, w.threads.Channel = s.poster, s.channel
	w.log.Info("participants' threads", "surface", name, "channel", s.channel.String())
	if per := w.cfg.Threads.ChannelPer; per != "" {
		if _, ok := s.poster.(threads.ChannelMaker); !ok {
			w.log.Warn("threads.channel_per does not apply on this surface: every participant's thread stays in its one channel", "surface", name, "threads.channel_per", per)
		}
	}
	return nil
}
