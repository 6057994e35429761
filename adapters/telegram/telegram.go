package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heraldchat/herald/adapters/internal"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/expiring"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/status"
)

// Config sets up the adapter.
type Config struct {
	// Board, when set, shows Telegram's integration errors in `status`.
	Board     *status.Board
	Token     string
	ServerURL string // "" for api.telegram.org
	// HTTPClient, when set, makes the API calls (tests); PollTimeout is the
	// long-polling wait.
	HTTPClient  *http.Client
	PollTimeout time.Duration
	Log         *slog.Logger
	// WebhookSecret, when set, puts the adapter in webhook mode: Telegram
	// posts updates to Webhook() with this secret in
	// X-Telegram-Bot-Api-Secret-Token; other requests are refused.
	WebhookSecret string
	// Group, when set, is the moderators' group chat id (negative): /herald
	// commands and their buttons run there.
	Group int64
	// Budget, when set, paces what the adapter posts on its own (answers
	// to commands and in threads) within herald's budget for Telegram,
	// shared with the outbox and campaigns (engine.Budget).
	Budget Budget
}

// Budget is herald's sending budget as the adapter uses it.
type Budget interface {
	Wait(ctx context.Context, class bot.Class, to bot.Address) error
	Pause(p bot.Platform, d time.Duration)
}

// Adapter is herald's Telegram bot. It is safe for concurrent use.
type Adapter struct {
	bot         *tg.Bot
	log         *slog.Logger
	board       *status.Board
	secret      string
	client      *http.Client // getUpdates and file downloads
	apiURL      string
	token       string
	pollTimeout time.Duration
	chats       sync.Map // chat id → *sync.Mutex, in webhook mode
	budget      Budget
	group       int64
	// username is the bot's, for "/herald@username" in groups.
	username string
	buttons  internal.ButtonIDs
	mu       sync.Mutex
	admins   map[string]adminEntry // group/user → administrator, cached
	// forumKnown and isForum cache whether the group has topics; chain
	// maps messages relayed into reply chains to their thread.
	forumKnown, isForum bool
	chain               map[int]string
	// Handler, set before Run, gets what participants write and when they
	// start the bot, and, in the moderators' group, /herald, documents,
	// buttons and what moderators write in participants' threads.
	Handler bot.InboundHandler
	// OnCard, when set, is told of every campaign card posted in the
	// group, so that it can be kept up to date (commands.CardUpdater).
	OnCard func(id bot.CampaignID, ref bot.MessageRef)
	// resent are the group's updates replayed from the journal in webhook
	// mode, which Telegram may post again (by identity).
	resent *expiring.Map[string, struct{}]
	// Journal, when set (the store), keeps each update of the moderators'
	// group from the moment it is queued, while long polling confirms it
	// to Telegram before it is handled, until it is: what a stop
	// interrupted is handled when polling starts again, not lost.
	Journal Journal
}

var (
	_ bot.Messenger                = (*Adapter)(nil)
	_ bot.FileUploader             = (*Adapter)(nil)
	_ bot.MessageEditor            = (*Adapter)(nil)
	_ moderators.MembershipChecker = (*Adapter)(nil)
	_ bot.ThreadPoster             = (*Adapter)(nil)
)

// MaxFileSize is the largest file a bot may download from Telegram
// (getFile).
const MaxFileSize = 20 << 20

// New connects to the Bot API (getMe checks the token).
func New(ctx context.Context, cfg Config) (*Adapter, error) {
	a := &Adapter{log: cfg.Log, board: cfg.Board, secret: cfg.WebhookSecret, client: cfg.HTTPClient, group: cfg.Group,
		apiURL: strings.TrimSuffix(cfg.ServerURL, "/"), token: cfg.Token, pollTimeout: cfg.PollTimeout, budget: cfg.Budget,
		resent: expiring.New[string, struct{}](clock.System(), 0)}
	if a.apiURL == "" {
		a.apiURL = "https://api.telegram.org"
	}
	if a.pollTimeout <= 0 {
		a.pollTimeout = time.Minute
	}
	if a.client == nil {
		a.client = http.DefaultClient
	}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	opts := []tg.Option{tg.WithDefaultHandler(a.update), tg.WithErrorsHandler(func(err error) {
		a.log.Warn("telegram", "err", err)
	})}
	if cfg.ServerURL != "" {
		opts = append(opts, tg.WithServerURL(strings.TrimSuffix(cfg.ServerURL, "/")))
	}
	if cfg.WebhookSecret != "" {
		opts = append(opts, tg.WithWebhookSecretToken(cfg.WebhookSecret))
	}
	if cfg.HTTPClient != nil {
		pt := cfg.PollTimeout
		if pt <= 0 {
			pt = time.Minute
		}
		opts = append(opts, tg.WithHTTPClient(pt, cfg.HTTPClient))
	}
	b, err := tg.New(cfg.Token, opts...)
	if err != nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "telegram: cannot connect with telegram.token: %s", redact(err.Error(), cfg.Token))
	}
	a.bot = b
	if me, err := b.GetMe(ctx); err == nil {
		a.username = me.Username
	}
	return a, nil
}

// Run receives updates until ctx ends: by long polling (see poll), or in
// webhook mode from what Webhook() accepts. It returns once every update
// it took is handled.
func (a *Adapter) Run(ctx context.Context) {
	if a.secret != "" {
		// Webhook mode answers an update once handled; only what an
		// earlier run by long polling left in the journal is replayed,
		// and Telegram's sending those updates again is skipped.
		group, stop := a.serveGroup(ctx)
		for _, g := range a.pending(ctx) {
			a.resent.Put(identity(g.u), struct{}{}, time.Hour)
			select {
			case group <- g:
			case <-ctx.Done():
			}
		}
		<-ctx.Done()
		stop()
		return
	}
	a.poll(ctx)
}

// SetWebhook asks Telegram to post updates to url with the secret.
func (a *Adapter) SetWebhook(ctx context.Context, url string) error {
	if _, err := a.bot.SetWebhook(ctx, &tg.SetWebhookParams{URL: url, SecretToken: a.secret}); err != nil {
		return bot.Errorf(bot.EUNAVAILABLE, "telegram: setWebhook to %s failed: %s", url, a.classify(err))
	}
	return nil
}

// Webhook is the handler Telegram posts updates to in webhook mode (see
// webhook). A request without the secret token (compared in constant
// time) is answered 401 and its update dropped.
func (a *Adapter) Webhook() http.Handler {
	return http.HandlerFunc(a.webhook)
}

// Platform is telegram.
func (a *Adapter) Platform() bot.Platform { return bot.PlatformTelegram }

func (a *Adapter) update(ctx context.Context, _ *tg.Bot, u *models.Update) {
	if u.CallbackQuery != nil {
		a.callback(ctx, u.CallbackQuery)
		return
	}
	m := u.Message
	if m == nil || m.From == nil || m.From.IsBot {
		return // herald's own messages
	}
	if a.group != 0 && m.Chat.ID == a.group {
		a.groupMessage(ctx, m)
		return
	}
	if m.Chat.Type != "private" {
		return // other groups are not herald's
	}
	name := strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)
	in := bot.Inbound{Kind: bot.InboundParticipantMessage, From: bot.Actor{Address: bot.Address{Platform: bot.PlatformTelegram, ID: strconv.FormatInt(m.Chat.ID, 10)}, Name: name},
		ID: strconv.Itoa(m.ID), Text: m.Text}
	if m.Text == "/start" || strings.HasPrefix(m.Text, "/start ") {
		in.Kind = bot.InboundParticipantJoined
		a.handle(ctx, in)
		return
	}
	if in.Text == "" {
		in.Text = m.Caption
	}
	msg := bot.Message{Text: in.Text}
	a.attachAll(ctx, &msg, m)
	in.Text, in.Files = msg.Text, msg.Files
	if strings.TrimSpace(in.Text) != "" || len(in.Files) > 0 {
		a.handle(ctx, in)
	}
}

// attachAll downloads the document and the largest size of the photo of
// m into msg.
func (a *Adapter) attachAll(ctx context.Context, msg *bot.Message, m *models.Message) {
	if m.Document != nil {
		a.attach(ctx, msg, m.Document.FileID, m.Document.FileName, m.Document.MimeType, m.Document.FileSize)
	}
	if n := len(m.Photo); n > 0 {
		p := m.Photo[n-1] // the largest size
		a.attach(ctx, msg, p.FileID, "photo-"+strconv.Itoa(m.ID)+".jpg", "image/jpeg", int64(p.FileSize))
	}
}

// handle hands in to Handler, and logs what it could not handle.
func (a *Adapter) handle(ctx context.Context, in bot.Inbound) bot.InboundReply {
	if a.Handler == nil {
		return bot.InboundReply{}
	}
	out, err := a.Handler.Handle(ctx, in)
	if err != nil {
		a.log.Error("telegram: handling an update", "kind", in.Kind, "from", in.From.String(), "err", err)
	}
	return out
}

// attach downloads a participant's file into m. A file that cannot be
// fetched is named in the text instead, never dropped in silence.
func (a *Adapter) attach(ctx context.Context, m *bot.Message, id, name, mimeType string, size int64) {
	if name == "" {
		name = "file"
	}
	data, err := a.download(ctx, id, size)
	if err != nil {
		a.log.Warn("telegram: a participant's file", "file", name, "err", err)
		m.Text = strings.TrimSpace(m.Text + "\n[" + name + ": " + bot.ErrorMessage(err) + "]")
		return
	}
	m.Files = append(m.Files, bot.File{Name: internal.FileName(name), ContentType: mimeType, Size: int64(len(data)), Data: data})
}

func (a *Adapter) download(ctx context.Context, id string, size int64) ([]byte, error) {
	if size > MaxFileSize {
		return nil, bot.Errorf(bot.EINVALID, "the file is %d MB; bots can fetch files up to %d MB from Telegram", size>>20, MaxFileSize>>20)
	}
	f, err := a.bot.GetFile(ctx, &tg.GetFileParams{FileID: id})
	if err != nil {
		return nil, a.classify(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.bot.FileDownloadLink(f), nil)
	if err != nil {
		return nil, bot.Errorf(bot.EINVALID, "Telegram gave a bad file path")
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "cannot download the file from Telegram; ask them to send it again")
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "cannot download the file from Telegram (HTTP %d); ask them to send it again", resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxFileSize+1))
	if err != nil || len(data) > MaxFileSize {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "cannot download the file from Telegram; ask them to send it again")
	}
	return data, nil
}

// Send sends m to a private chat, as HTML with an inline keyboard for its
// buttons, then its files as documents.
func (a *Adapter) Send(ctx context.Context, to bot.Address, m bot.Message) (bot.MessageRef, error) {
	chat, err := chatID(to)
	if err != nil {
		return bot.MessageRef{}, err
	}
	id, err := a.sendTo(ctx, chat, 0, 0, m)
	if err != nil {
		return bot.MessageRef{}, err
	}
	return bot.MessageRef{Channel: to, ID: strconv.Itoa(id)}, nil
}

// UploadFile sends f to a private chat as a document with comment as its
// caption.
func (a *Adapter) UploadFile(ctx context.Context, to bot.Address, f bot.File, comment string) (bot.MessageRef, error) {
	chat, err := chatID(to)
	if err != nil {
		return bot.MessageRef{}, err
	}
	sent, err := a.bot.SendDocument(ctx, &tg.SendDocumentParams{ChatID: chat, Caption: comment,
		Document: &models.InputFileUpload{Filename: f.Name, Data: bytes.NewReader(f.Data)}})
	if err != nil {
		return bot.MessageRef{}, a.classify(err)
	}
	return bot.MessageRef{Channel: to, ID: strconv.Itoa(sent.ID)}, nil
}

func chatID(to bot.Address) (int64, error) {
	chat, err := strconv.ParseInt(to.ID, 10, 64)
	if to.Platform != bot.PlatformTelegram || err != nil {
		return 0, bot.StepErrorf(bot.StepResolve, bot.EINVALID, "%s is not a Telegram chat id", to)
	}
	return chat, nil
}

// classify maps the Bot API's answers to herald's errors, and shows
// those an operator must fix (the token, the bot's rights in the
// moderators' group) on the status board.
func (a *Adapter) classify(err error) error {
	out := classify(err)
	msg := strings.ToLower(err.Error())
	integration := errors.Is(err, tg.ErrorUnauthorized)
	for _, s := range []string{"not enough rights", "not a member", "was kicked", "upgraded to a supergroup", "have no rights"} {
		integration = integration || strings.Contains(msg, s)
	}
	if integration && a.board != nil {
		a.board.ReportError(bot.PlatformTelegram, out)
	}
	return out
}

// classify maps the Bot API's answers to herald's errors.
func classify(err error) error {
	var tmr *tg.TooManyRequestsError
	msg := err.Error()
	switch {
	case errors.As(err, &tmr):
		return bot.RateLimited(bot.PlatformTelegram, time.Duration(max(tmr.RetryAfter, 1))*time.Second)
	case errors.Is(err, tg.ErrorForbidden) && strings.Contains(msg, "blocked by the user"):
		return bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "bot was blocked by the user").Translated("platform.telegram.blocked").WithReach(bot.ReachBlocked)
	case errors.Is(err, tg.ErrorForbidden) && strings.Contains(msg, "initiate conversation"):
		return bot.StepErrorf(bot.StepOpen, bot.EFORBIDDEN, "they never started the bot: a Telegram bot can only write to people who started it").Translated("platform.telegram.not_started").WithReach(bot.ReachNotStarted)
	case errors.Is(err, tg.ErrorForbidden):
		return bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "Telegram refused: %s", msg).Translated("platform.telegram.refused", msg)
	case errors.Is(err, tg.ErrorBadRequest) && strings.Contains(msg, "chat not found"):
		// Telegram says so of people who never started the bot as well.
		return bot.StepErrorf(bot.StepResolve, bot.ENOTFOUND, "no such Telegram chat: they never started the bot, or left Telegram").Translated("platform.telegram.no_chat").WithReach(bot.ReachNotStarted)
	case errors.Is(err, tg.ErrorBadRequest):
		return bot.StepErrorf(bot.StepSend, bot.EINVALID, "Telegram refused the message: %s", msg).Translated("platform.telegram.refused_message", msg)
	case errors.Is(err, tg.ErrorUnauthorized):
		return bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "Telegram refused the bot token: check telegram.token").Translated("platform.telegram.token")
	}
	return bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "Telegram did not answer: %s", msg)
}

func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "***")
}

var (
	boldRE   = regexp.MustCompile(`\*([^*\n]+)\*`)
	italicRE = regexp.MustCompile(`(^|\s)_([^_\n]+)_`)
	codeRE   = regexp.MustCompile("`([^`\n]+)`")
	linkRE   = regexp.MustCompile(`\[([^\]\n]+)\]\((https?://[^)\s"]+)\)`)
)

// markup turns herald's markup into Telegram HTML, everything else escaped.
func markup(s string) string {
	s = html.EscapeString(s)
	s = codeRE.ReplaceAllString(s, "<code>$1</code>")
	s = boldRE.ReplaceAllString(s, "<b>$1</b>")
	s = italicRE.ReplaceAllString(s, "$1<i>$2</i>")
	return linkRE.ReplaceAllString(s, `<a href="$2">$1</a>`)
}

// kindMarks start the title line (or the text) of each kind but plain
// messages, so that an idea, a success, a warning and a card read apart.
var kindMarks = map[bot.Kind]string{
	bot.KindIdea: "💡", bot.KindSuccess: "✅", bot.KindImportant: "⚠️", bot.KindCard: "📋",
}

// Render writes m as Telegram HTML: its kind's mark and a bold title, the
// text, an image link, the fields as lines.
func Render(m bot.Message) string {
	var b strings.Builder
	mark := kindMarks[m.Kind]
	switch {
	case m.Title != "" && mark != "":
		b.WriteString("<b>" + mark + " " + html.EscapeString(m.Title) + "</b>\n")
	case m.Title != "":
		b.WriteString("<b>" + html.EscapeString(m.Title) + "</b>\n")
	case mark != "":
		b.WriteString(mark + " ")
	}
	b.WriteString(markup(m.Text))
	if m.ImageURL != "" {
		fmt.Fprintf(&b, "\n<a href=%q>&#8203;</a>", html.EscapeString(m.ImageURL))
	}
	for _, f := range m.Fields {
		b.WriteString("\n<b>" + html.EscapeString(f.Label) + "</b>: " + markup(f.Value))
	}
	return b.String()
}

// keyboard gives the buttons as an inline keyboard, one per row: links,
// reply values (cut to Telegram's 64 bytes of callback data) and signed
// commands (behind a short id).
func (a *Adapter) keyboard(m bot.Message) *models.InlineKeyboardMarkup {
	var rows [][]models.InlineKeyboardButton
	for _, btn := range m.Buttons {
		switch btn.Action.Kind {
		case bot.ActionLink:
			rows = append(rows, []models.InlineKeyboardButton{{Text: btn.Label, URL: btn.Action.URL}})
		case bot.ActionReply:
			v := btn.Action.Value
			if strings.HasPrefix(v, commandPrefix) || strings.HasPrefix(v, replyPrefix) {
				v = replyPrefix + v
			}
			if len(v) > 64 {
				v = v[:64]
			}
			rows = append(rows, []models.InlineKeyboardButton{{Text: btn.Label, CallbackData: v}})
		case bot.ActionCommand:
			rows = append(rows, []models.InlineKeyboardButton{{Text: btn.Label, CallbackData: commandPrefix + a.buttons.Put(btn.Action.Value)}})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	return &models.InlineKeyboardMarkup{InlineKeyboard: rows}
}
