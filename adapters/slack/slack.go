package slack

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	slk "github.com/slack-go/slack"

	"github.com/heraldchat/herald/adapters/internal"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/expiring"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/status"
)

// Config sets up the adapter.
type Config struct {
	BotToken      string
	SigningSecret string
	APIURL        string // "" for https://slack.com/api/
	// Channel is the moderators' channel id, where threads live.
	Channel    string
	Clock      clock.Clock
	Log        *slog.Logger
	HTTPClient *http.Client
	// Board, when set, shows Slack's integration errors in `status`.
	Board *status.Board
	// Invite are the moderators invited to the channels herald makes
	// (threads.channel_per); ChannelPrefix starts those channels' names.
	Invite        []string
	ChannelPrefix string
	// Locale is the forms' language ("fr": French).
	Locale string
}

// tr returns a form's text in the configured locale.
func (a *Adapter) tr(english string) string { return internal.FormText(a.cfg.Locale, english) }

// Adapter is herald's Slack app. It is safe for concurrent use.
type Adapter struct {
	cfg     Config
	api     *slk.Client
	log     *slog.Logger
	botUser string

	// Handler gets everything the app receives: /herald, buttons, forms,
	// participants' DMs and moderators' messages in their threads. It is
	// set before the handlers are mounted.
	Handler bot.InboundHandler
	// OnCard, when set, is told of every campaign card posted in a channel,
	// so that it can be kept up to date (commands.CardUpdater.Track).
	OnCard func(id bot.CampaignID, ref bot.MessageRef)
	// Moderators, when set, tells which DMs with files come from a
	// moderator: those files go to the command language (list import)
	// rather than to a participant thread.
	Moderators ModeratorChecker
	// Previews, when set, personalises the campaign form's preview with a
	// list's first recipient.
	Previews Previewer
	// Journal, when set (the store), keeps each event Slack is answered
	// for before it is handled — a moderator's message in a thread, a
	// file a moderator shares — until it is, so that Replay handles after
	// a restart what a stop interrupted, rather than losing it.
	Journal Journal

	mu         sync.Mutex
	byEmail    map[string]string // users.list sweep: email → user id
	sweeping   sync.Mutex        // held by the one sweep at a time
	sweptAt    time.Time
	made       map[string]string // channels found or made, by name
	channelMu  sync.Mutex        // held by the one EnsureChannel at a time
	groups     map[string]groupCache
	events     *expiring.Map[string, struct{}] // event ids handled, against retries
	signatures *expiring.Map[string, struct{}] // request signatures seen, against replays
	inflight   sync.WaitGroup
}

type groupCache struct {
	members map[string]bool
	at      time.Time
}

var (
	_ bot.Messenger                = (*Adapter)(nil)
	_ bot.ThreadPoster             = (*Adapter)(nil)
	_ bot.MessageEditor            = (*Adapter)(nil)
	_ bot.PresenceReader           = (*Adapter)(nil)
	_ bot.FileUploader             = (*Adapter)(nil)
	_ moderators.MembershipChecker = (*Adapter)(nil)
)

// New connects with the bot token (auth.test).
func New(ctx context.Context, cfg Config) (*Adapter, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.System()
	}
	opts := []slk.Option{}
	if cfg.APIURL != "" {
		u := cfg.APIURL
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slk.OptionAPIURL(u))
	}
	if cfg.HTTPClient != nil {
		opts = append(opts, slk.OptionHTTPClient(cfg.HTTPClient))
	}
	a := &Adapter{cfg: cfg, api: slk.New(cfg.BotToken, opts...), log: cfg.Log, groups: map[string]groupCache{}, events: expiring.New[string, struct{}](cfg.Clock, 0),
		signatures: expiring.New[string, struct{}](cfg.Clock, 0)}
	auth, err := a.api.AuthTestContext(ctx)
	if err != nil {
		return nil, bot.Errorf(bot.ErrorCode(a.classify(err)), "slack: %s", bot.ErrorMessage(a.classify(err)))
	}
	a.botUser = auth.UserID
	return a, nil
}

// Wait waits for the commands and events still being handled.
func (a *Adapter) Wait() { a.inflight.Wait() }

// Platform is slack.
func (a *Adapter) Platform() bot.Platform { return bot.PlatformSlack }

// classify maps Slack's answers to herald's errors, each saying what to
// fix, and shows the integration errors on the status board.
func (a *Adapter) classify(err error) error {
	var rl *slk.RateLimitedError
	if errors.As(err, &rl) {
		return bot.RateLimited(bot.PlatformSlack, max(rl.RetryAfter, time.Second))
	}
	var se slk.SlackErrorResponse
	code := ""
	if errors.As(err, &se) {
		code = se.Err
	} else if e := err.Error(); !strings.Contains(e, " ") {
		code = e // slack-go returns most errors as their bare code
	}
	var out *bot.Error
	switch code {
	case "not_in_channel":
		out = bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "not_in_channel: herald is not in that channel; invite it with /invite @herald").Translated("platform.slack.not_in_channel")
	case "channel_not_found":
		out = bot.StepErrorf(bot.StepOpen, bot.ENOTFOUND, "channel_not_found: the channel does not exist or herald cannot see it; check slack.channel and invite @herald").Translated("platform.slack.channel_not_found")
	case "missing_scope":
		needed := se.Needed
		if needed == "" {
			needed = "the scope the method needs"
		}
		out = bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "missing_scope: add the %s scope to the app (OAuth & Permissions) and reinstall it", needed).Translated("platform.slack.missing_scope", needed)
	case "invalid_auth", "not_authed", "token_revoked":
		out = bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "%s: Slack refused the bot token; check slack.bot_token (it starts with xoxb-)", code).Translated("platform.slack.token", code)
	case "account_inactive":
		out = bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "account_inactive: the app was uninstalled or its token revoked; reinstall herald in the workspace").Translated("platform.slack.inactive")
	case "user_not_found", "users_not_found":
		out = bot.StepErrorf(bot.StepResolve, bot.ENOTFOUND, "%s: no such Slack user", code).Translated("platform.slack.no_user", code).WithReach(bot.ReachGone)
	case "cannot_dm_bot", "user_disabled":
		out = bot.StepErrorf(bot.StepOpen, bot.EFORBIDDEN, "%s: that user cannot be written to", code).Translated("platform.slack.cannot_write", code).WithReach(bot.ReachGone)
	case "ratelimited":
		return bot.RateLimited(bot.PlatformSlack, time.Second)
	case "":
		return bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "Slack did not answer: %s", err)
	default:
		out = bot.StepErrorf(bot.StepSend, bot.EINVALID, "Slack refused: %s", code).Translated("platform.slack.refused", code)
	}
	if a.cfg.Board != nil && out.Code != bot.ENOTFOUND {
		a.cfg.Board.ReportError(bot.PlatformSlack, out)
	}
	return out
}

func (a *Adapter) post(ctx context.Context, channel, threadTS string, m bot.Message) (string, error) {
	blocks, text := Blocks(m)
	opts := []slk.MsgOption{slk.MsgOptionBlocks(blocks...), slk.MsgOptionText(text, false)}
	if m.Tracking != nil && m.Tracking.Links {
		// herald's own link address would be unfurled: none
		opts = append(opts, slk.MsgOptionDisableLinkUnfurl(), slk.MsgOptionDisableMediaUnfurl())
	}
	if threadTS != "" {
		opts = append(opts, slk.MsgOptionTS(threadTS))
	}
	_, ts, err := a.api.PostMessageContext(ctx, channel, opts...)
	if err != nil {
		return "", a.classify(err)
	}
	for _, f := range m.Files {
		if _, err := a.UploadFile(ctx, bot.Address{Platform: bot.PlatformSlack, ID: channel}, f, ""); err != nil {
			return ts, err
		}
	}
	return ts, nil
}

// Send posts m to a user (Slack opens the DM) or a channel.
func (a *Adapter) Send(ctx context.Context, to bot.Address, m bot.Message) (bot.MessageRef, error) {
	if to.Platform != bot.PlatformSlack || to.ID == "" {
		return bot.MessageRef{}, bot.StepErrorf(bot.StepResolve, bot.EINVALID, "%s is not a Slack address", to)
	}
	ts, err := a.post(ctx, to.ID, "", m)
	if err != nil {
		return bot.MessageRef{}, err
	}
	return bot.MessageRef{Channel: to, ID: ts}, nil
}

// patiently retries fn when Slack asks to slow down (up to three times,
// waiting what it asks, at most 30 seconds each): for the conversation
// traffic, which has no limiter of its own. Campaign sends (Send) return
// the 429 to the engine instead, whose limiter pauses the platform.
func (a *Adapter) patiently(ctx context.Context, fn func() error) error {
	for try := 0; ; try++ {
		err := fn()
		d, limited := bot.ErrorRetryAfter(err)
		if !limited || try == 3 {
			return err
		}
		if err := clock.Sleep(ctx, a.cfg.Clock, min(d, 30*time.Second)); err != nil {
			return err
		}
	}
}

// StartThread posts m in channel; its replies form the thread.
func (a *Adapter) StartThread(ctx context.Context, channel bot.Address, m bot.Message) (bot.ThreadRef, error) {
	var ts string
	err := a.patiently(ctx, func() (err error) { ts, err = a.post(ctx, channel.ID, "", m); return err })
	if err != nil {
		return bot.ThreadRef{}, err
	}
	return bot.ThreadRef{Channel: channel, ID: ts}, nil
}

// PostInThread posts m as a reply in thread t.
func (a *Adapter) PostInThread(ctx context.Context, t bot.ThreadRef, m bot.Message) (bot.MessageRef, error) {
	var ts string
	err := a.patiently(ctx, func() (err error) { ts, err = a.post(ctx, t.Channel.ID, t.ID, m); return err })
	if err != nil {
		return bot.MessageRef{}, err
	}
	return bot.MessageRef{Channel: t.Channel, ID: ts}, nil
}

// EditMessage replaces a message herald posted (a campaign card).
func (a *Adapter) EditMessage(ctx context.Context, ref bot.MessageRef, m bot.Message) error {
	blocks, text := Blocks(m)
	if _, _, _, err := a.api.UpdateMessageContext(ctx, ref.Channel.ID, ref.ID, slk.MsgOptionBlocks(blocks...), slk.MsgOptionText(text, false)); err != nil {
		return a.classify(err)
	}
	return nil
}

// Presence reads users.getPresence.
func (a *Adapter) Presence(ctx context.Context, user bot.Address) (bot.Presence, error) {
	p, err := a.api.GetUserPresenceContext(ctx, user.ID)
	if err != nil {
		return bot.PresenceUnknown, a.classify(err)
	}
	if p.Presence == "active" {
		return bot.PresenceActive, nil
	}
	return bot.PresenceAway, nil
}

// sweepEvery bounds how often users.list (Tier 2) is swept.
const sweepEvery = 10 * time.Minute

// ResolveEmail finds a user by email from a users.list sweep, refreshed
// at most every ten minutes, never one lookup per recipient: callers at
// once (a campaign's workers) share one sweep.
func (a *Adapter) ResolveEmail(ctx context.Context, email string) (bot.Address, error) {
	key := contacts.NormalizeEmail(email)
	known := func() (string, bool, bool) {
		a.mu.Lock()
		defer a.mu.Unlock()
		id, ok := a.byEmail[key]
		return id, ok, !a.sweptAt.IsZero() && a.cfg.Clock.Now().Sub(a.sweptAt) < sweepEvery
	}
	id, ok, fresh := known()
	if !ok && !fresh {
		a.sweeping.Lock()
		defer a.sweeping.Unlock()
		id, ok, fresh = known() // another caller may have swept meanwhile
	}
	if !ok && !fresh {
		users, err := a.api.GetUsersContext(ctx)
		if err != nil {
			return bot.Address{}, a.classify(err)
		}
		m := make(map[string]string, len(users))
		for _, u := range users {
			if u.Profile.Email != "" && !u.Deleted {
				m[contacts.NormalizeEmail(u.Profile.Email)] = u.ID
			}
		}
		a.mu.Lock()
		a.byEmail, a.sweptAt = m, a.cfg.Clock.Now()
		id, ok = m[key]
		a.mu.Unlock()
	}
	if !ok {
		return bot.Address{}, bot.StepErrorf(bot.StepResolve, bot.ENOTFOUND, "no Slack user has the email %s", email)
	}
	return bot.Address{Platform: bot.PlatformSlack, ID: id}, nil
}

// UploadFile uploads f to a channel with files.getUploadURLExternal and
// files.completeUploadExternal.
func (a *Adapter) UploadFile(ctx context.Context, to bot.Address, f bot.File, comment string) (bot.MessageRef, error) {
	_, err := a.api.UploadFileContext(ctx, slk.UploadFileParameters{
		Reader: bytes.NewReader(f.Data), FileSize: len(f.Data), Filename: f.Name, Title: f.Name,
		InitialComment: comment, Channel: to.ID,
	})
	if err != nil {
		return bot.MessageRef{}, a.classify(err)
	}
	return bot.MessageRef{Channel: to}, nil
}

// IsMember says whether user is in the Slack user group (cached a minute).
func (a *Adapter) IsMember(ctx context.Context, user bot.Address, group string) (bool, error) {
	if user.Platform != bot.PlatformSlack {
		return false, nil
	}
	a.mu.Lock()
	gc, ok := a.groups[group]
	a.mu.Unlock()
	if !ok || a.cfg.Clock.Now().Sub(gc.at) > time.Minute {
		ids, err := a.api.GetUserGroupMembersContext(ctx, group)
		if err != nil {
			return false, a.classify(err)
		}
		gc = groupCache{members: map[string]bool{}, at: a.cfg.Clock.Now()}
		for _, id := range ids {
			gc.members[id] = true
		}
		a.mu.Lock()
		a.groups[group] = gc
		a.mu.Unlock()
	}
	return gc.members[user.ID], nil
}
