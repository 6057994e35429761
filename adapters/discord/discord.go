package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldchat/herald/adapters/internal"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/expiring"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/status"
)

// Config sets up the adapter.
type Config struct {
	Token string
	// MemberJoins has herald hear members joining the guild (GuildID) as
	// participants joining (threads.surface_on_join). It asks for the
	// privileged Server Members Intent, which must be on in the developer
	// portal (Bot → Privileged Gateway Intents).
	MemberJoins bool
	// Category is the category the channels herald makes go under
	// (threads.channel_per); ModeratorRole, when set, makes them visible
	// to that role (and herald) only.
	Category, ModeratorRole string
	// Locale is the forms' language ("fr": French).
	Locale string
	// APIURL, when set, is where discord.com's requests go instead
	// (scheme and host, for example http://127.0.0.1:PORT).
	APIURL     string
	HTTPClient *http.Client
	Log        *slog.Logger
	// Board, when set, shows Discord's integration errors in `status`.
	Board *status.Board
	// ApplicationID registers /herald; GuildID, when set, registers it in
	// that guild only (at once, rather than within the hour) and is where
	// moderator roles are looked up.
	ApplicationID, GuildID string
	// Channel, when set, is the moderators' channel where participants'
	// threads live.
	Channel string
	// Cursors, when set, keeps the last message read in each DM (the
	// store), so that what participants wrote while herald was down is
	// read back when it connects: the gateway never delivers it.
	Cursors Cursors
}

// Cursors keeps how far herald has read each DM.
type Cursors interface {
	SetCursor(ctx context.Context, key, value string) error
	Cursors(ctx context.Context, prefix string) (map[string]string, error)
}

// Adapter is herald's Discord bot. It is safe for concurrent use.
type Adapter struct {
	cursors Cursors
	lastDM  map[string]string // DM channel → the last message handled (guarded by mu)
	// interactions are the ids of interactions received by HTTP, against replays.
	interactions *expiring.Map[string, struct{}]
	// members are guild members' roles by user id (IsMember).
	members     *expiring.Map[string, []string]
	s           *discordgo.Session
	log         *slog.Logger
	board       *status.Board
	memberJoins bool
	category    string
	locale      string
	modRole     string
	made        map[string]string // channels found or made, by name; a.mu
	channelMu   sync.Mutex        // held by the one EnsureChannel at a time
	selfID      string            // herald's own user id

	mu  sync.Mutex
	dms map[string]string // user id → DM channel id

	appID, guildID string
	channel        string
	buttons        internal.ButtonIDs
	// Handler, set before Run, gets what participants write in DMs, what
	// moderators write in participants' threads of the channel, /herald,
	// its buttons and forms. Verbs are the command language's first words,
	// registered as /herald's subcommands.
	Handler bot.InboundHandler
	// OnCard, when set, is told of every campaign card posted in a
	// channel, so that it can be kept up to date (commands.CardUpdater):
	// cards go as channel messages with the bot token, which stay
	// editable, rather than as interaction answers, whose tokens expire
	// after 15 minutes.
	OnCard func(id bot.CampaignID, ref bot.MessageRef)
	Verbs  []string
}

var (
	_ bot.Messenger                = (*Adapter)(nil)
	_ bot.FileUploader             = (*Adapter)(nil)
	_ moderators.MembershipChecker = (*Adapter)(nil)
	_ bot.ThreadPoster             = (*Adapter)(nil)
)

// redirect sends discord.com's requests to another base (the fake).
type redirect struct {
	to   *url.URL
	next http.RoundTripper
}

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == "discord.com" || strings.HasSuffix(req.URL.Host, ".discord.com") {
		req = req.Clone(req.Context())
		req.URL.Scheme, req.URL.Host = r.to.Scheme, r.to.Host
		req.Host = r.to.Host
	}
	return r.next.RoundTrip(req)
}

// New checks the token (GET /users/@me) and returns the adapter.
func New(ctx context.Context, cfg Config) (*Adapter, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "discord: %s", err)
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.APIURL != "" {
		to, err := url.Parse(cfg.APIURL)
		if err != nil || to.Host == "" {
			return nil, bot.Errorf(bot.EINVALID, "discord.api_url %q is not a URL", cfg.APIURL)
		}
		next := client.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		c := *client
		c.Transport = redirect{to: to, next: next}
		client = &c
	}
	s.Client = client
	s.ShouldRetryOnRateLimit = false // the engine's limiter decides
	s.MaxRestRetries = 0
	a := &Adapter{s: s, log: cfg.Log, board: cfg.Board, memberJoins: cfg.MemberJoins && cfg.GuildID != "", category: cfg.Category, modRole: cfg.ModeratorRole, locale: cfg.Locale, dms: map[string]string{}, appID: cfg.ApplicationID, guildID: cfg.GuildID, channel: cfg.Channel, cursors: cfg.Cursors,
		interactions: expiring.New[string, struct{}](clock.System(), 0), members: expiring.New[string, []string](clock.System(), 10000)}
	me, err := s.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return nil, bot.Errorf(bot.ErrorCode(a.classify(err, bot.StepOpen)), "discord: %s", bot.ErrorMessage(a.classify(err, bot.StepOpen)))
	}
	a.selfID = me.ID
	return a, nil
}

// Platform is discord.
func (a *Adapter) Platform() bot.Platform { return bot.PlatformDiscord }

// dm returns the DM channel with user, opening it once.
func (a *Adapter) dm(ctx context.Context, user string) (string, error) {
	a.mu.Lock()
	ch, ok := a.dms[user]
	a.mu.Unlock()
	if ok {
		return ch, nil
	}
	c, err := a.s.UserChannelCreate(user, discordgo.WithContext(ctx))
	if err != nil {
		return "", a.classify(err, bot.StepOpen)
	}
	a.mu.Lock()
	a.dms[user] = c.ID
	a.mu.Unlock()
	return c.ID, nil
}

// Send sends m to a user's DMs, or to the moderators' channel when to is
// that channel.
func (a *Adapter) Send(ctx context.Context, to bot.Address, m bot.Message) (bot.MessageRef, error) {
	ch, err := a.channelFor(ctx, to)
	if err != nil {
		return bot.MessageRef{}, err
	}
	sent, err := a.s.ChannelMessageSendComplex(ch, a.render(m), discordgo.WithContext(ctx))
	if err != nil {
		return bot.MessageRef{}, a.classify(err, bot.StepSend)
	}
	return bot.MessageRef{Channel: to, ID: sent.ID}, nil
}

var _ bot.MessageEditor = (*Adapter)(nil)

// EditMessage replaces the message ref (a card herald posted in a
// channel) with m.
func (a *Adapter) EditMessage(ctx context.Context, ref bot.MessageRef, m bot.Message) error {
	r := a.render(m)
	content := r.Content
	edit := &discordgo.MessageEdit{ID: ref.ID, Channel: ref.Channel.ID, Content: &content, Embeds: &r.Embeds, Components: &r.Components}
	if _, err := a.s.ChannelMessageEditComplex(edit, discordgo.WithContext(ctx)); err != nil {
		return a.classify(err, bot.StepSend)
	}
	return nil
}

// postCard posts a public campaign card in channel with the bot token and
// has it tracked (OnCard); false when it is not such a card or could not
// be posted (the caller answers as before).
func (a *Adapter) postCard(ctx context.Context, channel string, m bot.Message, private bool) bool {
	if m.Campaign == 0 || private || channel == "" || a.OnCard == nil || len(m.Files) > 0 {
		return false
	}
	sent, err := a.s.ChannelMessageSendComplex(channel, a.render(m), discordgo.WithContext(ctx))
	if err != nil {
		a.log.Warn("discord: posting a campaign card in the channel", "channel", channel, "err", a.classify(err, bot.StepSend))
		return false
	}
	a.OnCard(m.Campaign, bot.MessageRef{Channel: bot.Address{Platform: bot.PlatformDiscord, ID: channel}, ID: sent.ID})
	return true
}

// nonceWindow is how long herald counts on Discord to remember a nonce:
// Discord documents "the past few minutes".
const nonceWindow = 2 * time.Minute

// OnceWindow is how long a second message with the same key is refused.
func (a *Adapter) OnceWindow() time.Duration { return nonceWindow }

// SendOnce sends m to a user's DMs with key as an enforced nonce: if the
// bot posted a message with that nonce there in the past few minutes,
// Discord returns it and creates none. already is told from the message's
// timestamp (older than the request, beyond clock skew), for the log. A
// nonce holds at most 25 characters, which bot.Sending.OnceKey keeps to.
func (a *Adapter) SendOnce(ctx context.Context, to bot.Address, m bot.Message, key string) (bot.MessageRef, bool, error) {
	ch, err := a.channelFor(ctx, to)
	if err != nil {
		return bot.MessageRef{}, false, err
	}
	data := a.render(m)
	for _, e := range data.Embeds {
		if e.Type == "" {
			e.Type = discordgo.EmbedTypeRich
		}
	}
	body := struct {
		*discordgo.MessageSend
		Nonce        string `json:"nonce"`
		EnforceNonce bool   `json:"enforce_nonce"`
	}{data, key, true}
	start := time.Now()
	endpoint := discordgo.EndpointChannelMessages(ch)
	var resp []byte
	if len(data.Files) > 0 {
		ct, b, encErr := discordgo.MultipartBodyWithJSON(body, data.Files)
		if encErr != nil {
			return bot.MessageRef{}, false, bot.StepErrorf(bot.StepRender, bot.EINVALID, "cannot encode the message: %v", encErr)
		}
		resp, err = a.s.RequestRaw(http.MethodPost, endpoint, ct, b, endpoint, 0, discordgo.WithContext(ctx))
	} else {
		resp, err = a.s.RequestWithBucketID(http.MethodPost, endpoint, body, endpoint, discordgo.WithContext(ctx))
	}
	if err != nil {
		return bot.MessageRef{}, false, a.classify(err, bot.StepSend)
	}
	var sent discordgo.Message
	if err := json.Unmarshal(resp, &sent); err != nil || sent.ID == "" {
		return bot.MessageRef{}, false, bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "Discord answered something that is not a message")
	}
	already := !sent.Timestamp.IsZero() && sent.Timestamp.Before(start.Add(-5*time.Second))
	return bot.MessageRef{Channel: to, ID: sent.ID}, already, nil
}

// channelFor is the channel a message to "to" goes to: the user's DM
// channel, or the moderators' channel itself.
func (a *Adapter) channelFor(ctx context.Context, to bot.Address) (string, error) {
	if to.Platform != bot.PlatformDiscord || to.ID == "" {
		return "", bot.StepErrorf(bot.StepResolve, bot.EINVALID, "%s is not a Discord user", to)
	}
	if to.ID == a.channel {
		return to.ID, nil
	}
	return a.dm(ctx, to.ID)
}

// UploadFile sends f to a user's DMs as an attachment.
func (a *Adapter) UploadFile(ctx context.Context, to bot.Address, f bot.File, comment string) (bot.MessageRef, error) {
	return a.Send(ctx, to, bot.Message{Text: comment, Files: []bot.File{f}})
}

// classify maps Discord's answers to herald's errors, each saying what to
// do, at step (open or send).
func (a *Adapter) classify(err error, step bot.Step) error {
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.RateLimit != nil && rl.TooManyRequests != nil {
		return bot.RateLimited(bot.PlatformDiscord, max(rl.RetryAfter, time.Second))
	}
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		return bot.StepErrorf(step, bot.EUNAVAILABLE, "Discord did not answer: %s", err)
	}
	code, msg := 0, ""
	if re.Message != nil {
		code, msg = re.Message.Code, re.Message.Message
	}
	var out *bot.Error
	switch {
	case re.Response.StatusCode == http.StatusTooManyRequests:
		return bot.RateLimited(bot.PlatformDiscord, time.Second)
	case re.Response.StatusCode >= 500:
		return bot.StepErrorf(step, bot.EUNAVAILABLE, "Discord failed (HTTP %d): herald tries again", re.Response.StatusCode)
	case re.Response.StatusCode == http.StatusUnauthorized:
		out = bot.StepErrorf(step, bot.EFORBIDDEN, "Discord refused the bot token: check discord.token (Bot → Reset Token in the developer portal)").Translated("platform.discord.token")
	case code == 50007:
		return bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "cannot send messages to this user: they closed their DMs or share no server with the bot").Translated("platform.discord.closed_dms").WithReach(bot.ReachBlocked)
	case code == 10013 || code == 50035 && step == bot.StepOpen:
		return bot.StepErrorf(bot.StepOpen, bot.ENOTFOUND, "no such Discord user").Translated("platform.discord.no_user").WithReach(bot.ReachGone)
	case code == 50001 || code == 50013:
		out = bot.StepErrorf(step, bot.EFORBIDDEN, "%s: give the bot the permission in the channel (Server Settings → Roles)", msg).Translated("platform.discord.permission", msg)
	default:
		out = bot.StepErrorf(step, bot.EINVALID, "Discord refused: %d %s", code, msg).Translated("platform.discord.refused", code, msg)
	}
	if a.board != nil {
		a.board.ReportError(bot.PlatformDiscord, out)
	}
	return out
}

// colors are the embed colors of herald's message kinds.
var colors = map[bot.Kind]int{bot.KindIdea: 0x3b82f6, bot.KindSuccess: 0x16a34a, bot.KindImportant: 0xdc2626, bot.KindCard: 0x1f2a44}

// clipLabel cuts a button's label to the 80 characters Discord takes.
func clipLabel(s string) string {
	if r := []rune(s); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return s
}

// Render writes m as a Discord message: plain messages as content, other
// kinds as an embed (title, text, image, fields) with the kind's color;
// link and reply buttons as components (reply values are cut to the 100
// characters a custom id holds); files as attachments.
func Render(m bot.Message) *discordgo.MessageSend {
	// Nothing herald posts pings anyone: a participant's "@everyone"
	// relayed into a thread stays text.
	out := &discordgo.MessageSend{AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}}
	text := markup(m.Text)
	if m.Kind == "" || m.Kind == bot.KindMessage && m.Title == "" && m.ImageURL == "" && len(m.Fields) == 0 {
		out.Content = text
		if m.Tracking != nil && m.Tracking.Links {
			// herald's own link address would be previewed: no embeds (a
			// message with herald's embed has its links inside it, which
			// Discord does not preview)
			out.Flags |= discordgo.MessageFlagsSuppressEmbeds
		}
	} else {
		e := &discordgo.MessageEmbed{Title: m.Title, Description: text, Color: colors[m.Kind]}
		if m.ImageURL != "" {
			e.Image = &discordgo.MessageEmbedImage{URL: m.ImageURL}
		}
		for _, f := range m.Fields {
			e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: f.Label, Value: markup(f.Value), Inline: f.Short})
		}
		out.Embeds = []*discordgo.MessageEmbed{e}
	}
	var row []discordgo.MessageComponent
	if s := m.Select; s != nil && len(s.Options) > 0 && len(s.Options) <= 25 && len(selectPrefix+s.Value) <= 100 {
		// A menu to pick several at once, on a row of its own; the buttons
		// it stands for are left out.
		var opts []discordgo.SelectMenuOption
		for _, o := range s.Options {
			opts = append(opts, discordgo.SelectMenuOption{Label: clipLabel(o.Label), Value: o.Value})
		}
		zero := 0
		out.Components = append(out.Components, discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.SelectMenu{
			MenuType: discordgo.StringSelectMenu, CustomID: selectPrefix + s.Value, Placeholder: s.Placeholder, MinValues: &zero, MaxValues: len(opts), Options: opts}}})
	} else {
		m.Select = nil
	}
	for _, b := range m.Buttons {
		if b.Option && m.Select != nil {
			continue
		}
		switch b.Action.Kind {
		case bot.ActionLink:
			row = append(row, discordgo.Button{Label: clipLabel(b.Label), Style: discordgo.LinkButton, URL: b.Action.URL})
		case bot.ActionReply:
			v := b.Action.Value
			if len(v) > 98 {
				v = v[:98]
			}
			row = append(row, discordgo.Button{Label: clipLabel(b.Label), Style: discordgo.SecondaryButton, CustomID: "r:" + v})
		}
	}
	// Discord takes at most 5 buttons a row and 5 rows: a 0-10 rating is
	// three rows.
	for len(row) > 0 && len(out.Components) < 5 {
		n := min(5, len(row))
		out.Components = append(out.Components, discordgo.ActionsRow{Components: row[:n]})
		row = row[n:]
	}
	for _, f := range m.Files {
		out.Files = append(out.Files, &discordgo.File{Name: f.Name, ContentType: f.ContentType, Reader: bytes.NewReader(f.Data)})
	}
	return out
}

// urlLabelRE is a [label](link) whose label is itself an address.
var urlLabelRE = regexp.MustCompile(`\[https?://[^\]\s]+\]\((https?://[^)\s]+)\)`)

// markup turns herald's markup into Discord markdown: *bold* becomes
// **bold**; _italic_, `code` and [label](link) are the same.
func markup(s string) string {
	// Discord shows no masked link whose label is an address (a bare
	// address herald sends through its own): the link alone, then.
	s = urlLabelRE.ReplaceAllString(s, "$1")
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '*')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '*')
		if j <= 0 || strings.ContainsRune(s[i+1:i+1+j], '\n') {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i] + "**" + s[i+1:i+1+j] + "**")
		s = s[i+2+j:]
	}
	b.WriteString(s)
	return b.String()
}

// tr returns a form's text in the configured locale.
func (a *Adapter) tr(english string) string { return internal.FormText(a.locale, english) }
