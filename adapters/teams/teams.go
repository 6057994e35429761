// Package teams is herald's Microsoft Teams adapter, through the Bot
// Framework: activities Teams posts to /api/messages, verified (Verifier)
// before anything is done with them; the app's token from the Microsoft
// identity platform (client credentials, kept until shortly before it
// expires); messages to people in their personal chats with the Bot
// Connector API, as Adaptive Cards.
package teams

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/heraldchat/herald/adapters/internal"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/expiring"
	"github.com/heraldchat/herald/bot/status"
)

// DefaultLoginURL is the Microsoft identity platform.
const DefaultLoginURL = "https://login.microsoftonline.com"

// DefaultServiceURL is where herald writes to people who never wrote to
// it (Teams' service URL in most of the world; an activity's own service
// URL is used once one came).
const DefaultServiceURL = "https://smba.trafficmanager.net/teams/"

// DefaultServiceHosts are the hosts the app's token is sent to.
var DefaultServiceHosts = []string{"smba.trafficmanager.net", "smba.infra.gcc.teams.microsoft.com", "smba.infra.gov.teams.microsoft.us"}

// MaxBody caps an activity's body.
const MaxBody = 256 << 10

// Config sets up the adapter.
type Config struct {
	AppID, AppPassword string
	// Tenant is the organisation's tenant id: the token's authority when
	// the app is single-tenant, and the tenant people are written to.
	Tenant string
	// SingleTenant gets the token from the tenant's authority (otherwise
	// botframework.com's) and refuses activities of other tenants.
	SingleTenant bool
	LoginURL     string // DefaultLoginURL when empty
	OpenIDURL    string // DefaultOpenIDURL when empty
	ServiceURL   string // DefaultServiceURL when empty
	// ServiceHosts are the hosts (host or host:port) the app's token is
	// sent to; DefaultServiceHosts when empty.
	ServiceHosts []string
	// Channel is the moderators' channel (a channel's conversation id,
	// 19:…@thread.tacv2): a message there that mentions herald is a
	// command. ModeratorAADIDs are moderators by their Azure AD object
	// id; Team, when set, makes its members moderators (IsMember).
	Channel         string
	ModeratorAADIDs []string
	Team            string
	// Locale is the language of the dialogs ("fr": French).
	Locale string
	// PublicURL is herald's address as Teams users reach it (http.public_url):
	// files herald posts (reports, exports, charts) are links to
	// PublicURL/teams/files/ID for an hour. Without it a card names its
	// files only.
	PublicURL string
	// TimeScale runs Teams' limits this many times faster (tests against
	// a fake running them as fast); 0 or 1: Teams' own.
	TimeScale float64
	// Budget, when set, paces the answers the adapter posts on its own
	// within herald's budget for Teams, shared with the outbox and
	// campaigns (engine.Budget); a message that first opens a personal
	// conversation takes one more of its tokens between the two requests.
	Budget Budget
	Client *http.Client
	Clock  clock.Clock
	Log    *slog.Logger
	Board  *status.Board
}

// Budget is herald's sending budget as the adapter uses it.
type Budget interface {
	Wait(ctx context.Context, class bot.Class, to bot.Address) error
	Take(ctx context.Context, class bot.Class, p bot.Platform) error
	Pause(p bot.Platform, d time.Duration)
}

// Adapter is a bot.Messenger for Teams users and the handler of the
// activities Teams posts. It is safe for concurrent use.
type Adapter struct {
	cfg    Config
	verify *Verifier
	// Handler gets participants' messages; Reached, when set, is told of
	// people who installed the app (or removed it).
	Handler bot.InboundHandler
	Reached func(ctx context.Context, a bot.Address, name, email string, r bot.Reachability)
	// IsModerator, when set, says whether a message in a personal chat
	// that starts with "herald " is a command (a moderator's) or a
	// participant's message like any other.
	IsModerator func(ctx context.Context, a bot.Actor) (bool, error)
	// OnCard, when set, is told of each campaign card a command's answer
	// posted, so that it is kept up to date (EditMessage).
	OnCard func(id bot.CampaignID, ref bot.MessageRef)

	// app keeps every request within Teams' limit per app; convs, one per
	// conversation, within its limits per conversation.
	app      *gate
	gatesMu  sync.Mutex
	gates    map[string]*gate
	files    *internal.Downloads
	tokenMu  sync.Mutex // held while the token is fetched
	token    string
	tokenEnd time.Time
	mu       sync.Mutex
	convs    map[string]string // user id → personal conversation id
	aad      map[string]string // user id → Azure AD object id, as activities said
	svc      string            // the service URL the last activity came from (an allowed host)
	seenActs *expiring.Map[string, struct{}]
}

// New returns the adapter.
func New(cfg Config) *Adapter {
	if cfg.LoginURL == "" {
		cfg.LoginURL = DefaultLoginURL
	}
	if cfg.OpenIDURL == "" {
		cfg.OpenIDURL = DefaultOpenIDURL
	}
	if cfg.ServiceURL == "" {
		cfg.ServiceURL = DefaultServiceURL
	}
	if len(cfg.ServiceHosts) == 0 {
		cfg.ServiceHosts = DefaultServiceHosts
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	// A redirect would carry the app's token elsewhere (Go keeps it on
	// the same host, https to http included): none is followed.
	client := *cfg.Client
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cfg.Client = &client
	if cfg.Clock == nil {
		cfg.Clock = clock.System()
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Adapter{cfg: cfg, verify: &Verifier{AppID: cfg.AppID, OpenIDURL: cfg.OpenIDURL, Client: cfg.Client, Clock: cfg.Clock},
		app: newGate(appWindows, cfg.TimeScale), gates: map[string]*gate{}, files: &internal.Downloads{Clock: cfg.Clock},
		convs: map[string]string{}, aad: map[string]string{}, seenActs: expiring.New[string, struct{}](cfg.Clock, 100000)}
}

// Platform is teams.
func (a *Adapter) Platform() bot.Platform { return bot.PlatformTeams }

// Routes mounts POST /api/messages, where Teams posts activities.
func (a *Adapter) Routes(mux interface {
	Handle(pattern string, h http.Handler)
}) {
	mux.Handle("POST /api/messages", http.HandlerFunc(a.activity))
	mux.Handle("GET /teams/files/{id}", http.HandlerFunc(a.file))
}

// file serves a file a card links to (by its random id, for an hour).
func (a *Adapter) file(w http.ResponseWriter, r *http.Request) {
	if !a.files.Serve(w, r, r.PathValue("id")) {
		http.Error(w, "This download has expired: ask herald again.", http.StatusNotFound)
	}
}

// Run deletes the files kept for download when ctx ends.
func (a *Adapter) Run(ctx context.Context) error {
	<-ctx.Done()
	a.files.Close()
	return nil
}

// activity is what Teams posts: parsed within MaxBody, its token
// verified (401 otherwise, nothing done), then handled once by its id.
func (a *Adapter) activity(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return
	}
	var act activity
	if err := json.Unmarshal(body, &act); err != nil {
		http.Error(w, "bad activity", http.StatusBadRequest)
		return
	}
	if err := a.verify.Verify(r.Context(), r.Header.Get("Authorization"), act.ServiceURL, act.ChannelID); err != nil {
		a.cfg.Log.Warn("teams: refused an activity", "err", err)
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	// Teams only, and the organisation's tenant only: the same Azure Bot
	// may be reached from other channels (Web Chat, Direct Line), where
	// the client says who it is, and from other organisations.
	if act.ChannelID != "msteams" || act.tenant() != a.cfg.Tenant {
		a.cfg.Log.Warn("teams: refused an activity of another channel or tenant", "channel", act.ChannelID)
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	// An activity id is unique within its conversation only.
	key := act.Conversation.ID + "|" + act.ID
	if act.ID != "" && !a.seenActs.Add(key, 24*time.Hour) {
		w.WriteHeader(http.StatusOK) // a repeat: handled once already
		return
	}
	if act.Type == "invoke" {
		// A dialog's fetch or submit: Teams waits for the answer in the
		// response.
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(a.invoke(r.Context(), act))
		return
	}
	if err := a.handle(r.Context(), act); err != nil {
		a.seenActs.Delete(key) // not kept: Teams sends it again
		a.cfg.Log.Error("teams: handling an activity", "type", act.Type, "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// activity is the part of a Bot Framework activity herald reads.
type activity struct {
	Type         string          `json:"type"`
	Name         string          `json:"name"` // an invoke's: task/fetch, task/submit
	ID           string          `json:"id"`
	ChannelID    string          `json:"channelId"`
	ServiceURL   string          `json:"serviceUrl"`
	Action       string          `json:"action"`
	Text         string          `json:"text"`
	Value        json.RawMessage `json:"value"`
	From         account         `json:"from"`
	Conversation struct {
		ID               string `json:"id"`
		ConversationType string `json:"conversationType"`
		TenantID         string `json:"tenantId"`
	} `json:"conversation"`
	ChannelData struct {
		Tenant struct {
			ID string `json:"id"`
		} `json:"tenant"`
	} `json:"channelData"`
	MembersAdded []account `json:"membersAdded"`
}

type account struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	AADObjectID string `json:"aadObjectId"`
}

func (act activity) tenant() string {
	if act.Conversation.TenantID != "" {
		return act.Conversation.TenantID
	}
	return act.ChannelData.Tenant.ID
}

// handle acts on a verified activity: a person's message in their
// personal chat goes to the handler; an installation records them as
// reachable (or not, once removed).
func (a *Adapter) handle(ctx context.Context, act activity) error {
	who := bot.Address{Platform: bot.PlatformTeams, ID: act.From.ID}
	a.mu.Lock()
	if u, err := url.Parse(act.ServiceURL); err == nil && u.Host != "" && a.allowedHost(u.Host) {
		a.svc = act.ServiceURL // Teams says where it is served from now
	}
	if act.Conversation.ConversationType == "personal" && act.Conversation.ID != "" && act.From.ID != "" {
		a.convs[act.From.ID] = act.Conversation.ID
	}
	if act.From.AADObjectID != "" {
		a.aad[act.From.ID] = act.From.AADObjectID
	}
	a.mu.Unlock()
	switch act.Type {
	case "message":
		if a.Handler == nil {
			return nil
		}
		return a.message(ctx, act, bot.Actor{Address: who, Name: act.From.Name})
	case "installationUpdate":
		if a.Reached != nil {
			r, email := bot.ReachReachable, ""
			if strings.HasPrefix(act.Action, "remove") {
				r = bot.ReachNotInstalled
			} else {
				email = a.email(ctx, act.Conversation.ID, act.From.ID)
			}
			a.Reached(ctx, who, act.From.Name, email, r)
		}
	case "conversationUpdate":
		if a.Reached != nil && act.Conversation.ConversationType == "personal" {
			for _, m := range act.MembersAdded {
				if m.ID != "" && !strings.HasPrefix(m.ID, "28:") { // not the bot itself
					a.Reached(ctx, bot.Address{Platform: bot.PlatformTeams, ID: m.ID}, m.Name, a.email(ctx, act.Conversation.ID, m.ID), bot.ReachReachable)
				}
			}
		}
	}
	return nil
}

// herald's own mention in a channel message, and the words after it.
var mentionRE = regexp.MustCompile(`(?i)<at>[^<]*</at>`)

// message hands a message activity on: a button pressed on a card
// (Action.Submit: its data), a command (in the moderators' channel,
// mentioning herald; in a personal chat, a moderator's "herald …"), or a
// participant's message in their personal chat. Commands are answered in
// the conversation they came from.
func (a *Adapter) message(ctx context.Context, act activity, from bot.Actor) error {
	personal := act.Conversation.ConversationType == "personal"
	var data struct {
		Herald string `json:"herald"`
		Kind   string `json:"kind"`
		Pick   string `json:"herald_pick"` // a multiple choice's checkboxes: "0,2"
	}
	if len(act.Value) > 0 && json.Unmarshal(act.Value, &data) == nil && data.Herald != "" {
		switch {
		case data.Kind == "select" && personal:
			// What is picked, whole, after the select's value.
			_, err := a.Handler.Handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: from, Text: data.Herald + data.Pick, ID: "teams:" + act.Conversation.ID + "|" + act.ID})
			return err
		case data.Kind == string(bot.ActionCommand):
			out, err := a.Handler.Handle(ctx, bot.Inbound{Kind: bot.InboundButton, From: from, Signed: data.Herald})
			a.answer(ctx, act, out.Replies)
			return err
		case personal:
			_, err := a.Handler.Handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: from, Text: data.Herald, ID: "teams:" + act.Conversation.ID + "|" + act.ID})
			return err
		}
		return nil
	}
	text := strings.TrimSpace(act.Text)
	if text == "" {
		return nil
	}
	command, isCommand := "", false
	channel, root, inThread := strings.Cut(act.Conversation.ID, ";messageid=")
	switch {
	case !personal && a.cfg.Channel != "" && channel == a.cfg.Channel && inThread && root != act.ID:
		// A reply in a thread of the moderators' channel: the thread
		// dialect (a participant's thread, or a command's).
		t := bot.ThreadRef{Channel: bot.Address{Platform: bot.PlatformTeams, ID: channel}, ID: root}
		out, err := a.Handler.Handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: from, Thread: t, ID: "teams:" + act.Conversation.ID + "|" + act.ID,
			Text: strings.TrimSpace(mentionRE.ReplaceAllString(text, ""))})
		a.answer(ctx, act, out.Replies)
		return err
	case !personal && a.cfg.Channel != "" && channel == a.cfg.Channel && mentionRE.MatchString(text):
		command, isCommand = strings.TrimSpace(mentionRE.ReplaceAllString(text, "")), true
	case personal:
		if rest, ok := cutWord(text, "herald"); ok && a.IsModerator != nil {
			mod, err := a.IsModerator(ctx, from)
			if err != nil {
				// Not known now: not a participant's message either.
				a.answer(ctx, act, []bot.CommandReply{{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant,
					Text: "herald could not check who you are just now: send the command again in a moment."}}}})
				return nil
			}
			if mod {
				command, isCommand = rest, true
			}
		}
	default:
		return nil // a channel herald does not work in
	}
	if isCommand {
		out, err := a.Handler.Handle(ctx, bot.Inbound{Kind: bot.InboundCommand, From: from, Text: command, Forms: []string{bot.FormCampaign, bot.FormSurvey}})
		if out.Form != "" {
			a.post(ctx, act, formOpener(out.Form))
			return err
		}
		a.answer(ctx, act, out.Replies)
		return err
	}
	_, err := a.Handler.Handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: from, Text: text, ID: "teams:" + act.Conversation.ID + "|" + act.ID})
	return err
}

// cutWord cuts word (any case), then spaces, from the start of s.
func cutWord(s, word string) (string, bool) {
	if len(s) < len(word) || !strings.EqualFold(s[:len(word)], word) || len(s) > len(word) && s[len(word)] != ' ' {
		return "", false
	}
	return strings.TrimSpace(s[len(word):]), true
}

// replyPath is where the answers to act go: its conversation; for a new
// post in a channel, its thread.
func replyPath(act activity) string {
	conv := act.Conversation.ID
	if channel, root, ok := strings.Cut(conv, ";messageid="); ok && root == act.ID {
		conv = channel + ";messageid=" + root
	}
	return "/v3/conversations/" + url.PathEscape(conv) + "/activities"
}

// post posts an activity herald made in the conversation of act.
func (a *Adapter) post(ctx context.Context, act activity, out map[string]any) {
	if err := a.call(ctx, "POST", act.ServiceURL, replyPath(act), act.Conversation.ID, out, nil); err != nil {
		a.cfg.Log.Error("teams: answering a command", "err", err)
	}
}

// answerTimeout bounds how long a command's answers may wait for their
// turn, past the end of Teams' request.
const answerTimeout = 2 * time.Minute

// answer posts a command's replies in the conversation of act: in a
// channel, as replies to its message. Replies are not private in Teams:
// whoever sees the conversation sees them. They wait their turn in
// herald's budget even when Teams stops waiting for its request (about
// 15 s): the command ran, its answer is not dropped.
func (a *Adapter) answer(ctx context.Context, act activity, replies []bot.CommandReply) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), answerTimeout)
	defer cancel()
	conv, _ := url.PathUnescape(strings.TrimSuffix(strings.TrimPrefix(replyPath(act), "/v3/conversations/"), "/activities"))
	// The budget counts a personal chat by its person, as campaigns and
	// relays to them do.
	key := conv
	if strings.HasPrefix(conv, "a:") && act.From.ID != "" {
		key = act.From.ID
	}
	for _, r := range replies {
		for _, m := range r.Messages {
			var out struct {
				ID string `json:"id"`
			}
			if err := a.paced(ctx, key, func() error { return a.call(ctx, "POST", act.ServiceURL, replyPath(act), conv, a.outgoing(m), &out) }); err != nil {
				a.cfg.Log.Error("teams: answering a command", "err", err)
				continue
			}
			if m.Campaign != 0 && a.OnCard != nil && out.ID != "" {
				a.OnCard(m.Campaign, bot.MessageRef{Channel: bot.Address{Platform: bot.PlatformTeams, ID: conv}, ID: out.ID})
			}
		}
	}
}

// outgoing is the message activity that carries m, in the adapter's
// language.
// The files it carries are kept for download and linked (with a public
// URL).
func (a *Adapter) outgoing(m bot.Message) map[string]any {
	if len(m.Files) > 0 && a.cfg.PublicURL != "" {
		files := make([]bot.File, len(m.Files))
		for i, f := range m.Files {
			if f.URL == "" && len(f.Data) > 0 {
				if id, err := a.files.Keep(f); err == nil {
					f.URL = strings.TrimRight(a.cfg.PublicURL, "/") + "/teams/files/" + id
				} else {
					a.cfg.Log.Error("teams: keeping a file for download", "file", f.Name, "err", err)
				}
			}
			files[i] = f
		}
		m.Files = files
	}
	return messageActivity(m, internal.FormText(a.cfg.Locale, "Send"))
}

// paced makes a post to chat (a channel's conversation, or a person for
// their personal chat) within herald's budget (when set): it waits for
// its turn as an interactive post, and a 429 pauses the budget and the
// post is tried again once.
func (a *Adapter) paced(ctx context.Context, chat string, post func() error) error {
	if a.cfg.Budget == nil {
		return post()
	}
	to := bot.Address{Platform: bot.PlatformTeams, ID: chat}
	for try := 0; ; try++ {
		if err := a.cfg.Budget.Wait(ctx, bot.ClassInteractive, to); err != nil {
			return err
		}
		err := post()
		d, limited := bot.ErrorRetryAfter(err)
		if !limited || try > 0 {
			return err
		}
		a.cfg.Budget.Pause(bot.PlatformTeams, d)
	}
}

// EditMessage changes a message herald posted (a campaign's card as it
// runs) in place.
func (a *Adapter) EditMessage(ctx context.Context, ref bot.MessageRef, m bot.Message) error {
	if err := m.Validate(); err != nil {
		return bot.StepErrorf(bot.StepRender, bot.EINVALID, "%s", bot.ErrorMessage(err))
	}
	act := a.outgoing(m)
	act["id"] = ref.ID
	if err := a.call(ctx, "PUT", a.serviceURL(), "/v3/conversations/"+url.PathEscape(ref.Channel.ID)+"/activities/"+url.PathEscape(ref.ID), ref.Channel.ID, act, nil); err != nil {
		return a.refused(err)
	}
	return nil
}

// StartThread posts m in channel (a Teams channel's conversation id) as a
// new post, whose replies are the thread.
func (a *Adapter) StartThread(ctx context.Context, channel bot.Address, m bot.Message) (bot.ThreadRef, error) {
	if err := m.Validate(); err != nil {
		return bot.ThreadRef{}, bot.StepErrorf(bot.StepRender, bot.EINVALID, "%s", bot.ErrorMessage(err))
	}
	in := map[string]any{"isGroup": true, "bot": map[string]string{"id": "28:" + a.cfg.AppID}, "tenantId": a.cfg.Tenant,
		"channelData": map[string]any{"channel": map[string]string{"id": channel.ID}, "tenant": map[string]string{"id": a.cfg.Tenant}},
		"activity":    a.outgoing(m)}
	var out struct {
		ID         string `json:"id"`
		ActivityID string `json:"activityId"`
	}
	if err := a.call(ctx, "POST", a.serviceURL(), "/v3/conversations", channel.ID, in, &out); err != nil {
		return bot.ThreadRef{}, a.refused(err)
	}
	return bot.ThreadRef{Channel: channel, ID: out.ActivityID}, nil
}

// PostInThread posts m as a reply in thread t.
func (a *Adapter) PostInThread(ctx context.Context, t bot.ThreadRef, m bot.Message) (bot.MessageRef, error) {
	if err := m.Validate(); err != nil {
		return bot.MessageRef{}, bot.StepErrorf(bot.StepRender, bot.EINVALID, "%s", bot.ErrorMessage(err))
	}
	conv := t.Channel.ID + ";messageid=" + t.ID
	var out struct {
		ID string `json:"id"`
	}
	if err := a.call(ctx, "POST", a.serviceURL(), "/v3/conversations/"+url.PathEscape(conv)+"/activities", conv, a.outgoing(m), &out); err != nil {
		return bot.MessageRef{}, a.refused(err)
	}
	return bot.MessageRef{Channel: bot.Address{Platform: bot.PlatformTeams, ID: conv}, ID: out.ID}, nil
}

// refused turns a refusal of the Bot Connector API into herald's error.
func (a *Adapter) refused(err error) error {
	var ae *apiError
	if !asAPI(err, &ae) {
		return err
	}
	switch ae.status {
	case http.StatusNotFound:
		return bot.StepErrorf(bot.StepSend, bot.ENOTFOUND, "%s", ae.Error())
	case http.StatusForbidden:
		return bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "herald may not post there in Teams: add the app to the team: %s", ae.Error())
	}
	return bot.StepErrorf(bot.StepSend, bot.EINVALID, "%s", ae.Error())
}

// email asks Teams for a member's email (or user principal name), so that
// lists keyed by email reach them; "" when Teams does not say.
func (a *Adapter) email(ctx context.Context, conv, user string) string {
	var m struct {
		Email string `json:"email"`
		UPN   string `json:"userPrincipalName"`
	}
	if conv == "" || a.call(ctx, "GET", a.serviceURL(), "/v3/conversations/"+url.PathEscape(conv)+"/members/"+url.PathEscape(user), "", nil, &m) != nil {
		return ""
	}
	if m.Email != "" {
		return m.Email
	}
	if strings.Contains(m.UPN, "@") {
		return m.UPN
	}
	return ""
}

// IsMember says whether user is a moderator by Teams: listed by Azure AD
// object id (as their activities said), or, with a team, a member of it
// (group is the team's id).
func (a *Adapter) IsMember(ctx context.Context, user bot.Address, group string) (bool, error) {
	a.mu.Lock()
	aad := a.aad[user.ID]
	a.mu.Unlock()
	if aad != "" && slices.Contains(a.cfg.ModeratorAADIDs, aad) {
		return true, nil
	}
	if a.cfg.Team == "" {
		return false, nil
	}
	err := a.call(ctx, "GET", a.serviceURL(), "/v3/conversations/"+url.PathEscape(a.cfg.Team)+"/members/"+url.PathEscape(user.ID), "", nil, nil)
	var ae *apiError
	if asAPI(err, &ae) && ae.status == http.StatusNotFound {
		return false, nil
	}
	return err == nil, err
}

// appToken returns the app's token, fetching one when none is held or it
// ends within five minutes.
func (a *Adapter) appToken(ctx context.Context) (string, error) {
	a.tokenMu.Lock()
	defer a.tokenMu.Unlock()
	now := a.cfg.Clock.Now()
	if a.token != "" && now.Before(a.tokenEnd.Add(-5*time.Minute)) {
		return a.token, nil
	}
	authority := "botframework.com"
	if a.cfg.SingleTenant {
		authority = a.cfg.Tenant
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {a.cfg.AppID}, "client_secret": {a.cfg.AppPassword},
		"scope": {"https://api.botframework.com/.default"}}
	req, err := http.NewRequestWithContext(ctx, "POST", strings.TrimRight(a.cfg.LoginURL, "/")+"/"+url.PathEscape(authority)+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := a.cfg.Client.Do(req)
	if err != nil {
		return "", bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "the Microsoft identity platform did not answer: %v", err)
	}
	defer resp.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out)
	if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
		return "", bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "the Microsoft identity platform is unavailable (%d): herald tries again", resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK || out.AccessToken == "" {
		err := bot.StepErrorf(bot.StepSend, bot.EINVALID, "the Microsoft identity platform refused herald's app id or password (teams.app_id, teams.app_password): %s", out.Error)
		if a.cfg.Board != nil {
			a.cfg.Board.ReportError(bot.PlatformTeams, err)
		}
		return "", err
	}
	a.token, a.tokenEnd = out.AccessToken, now.Add(time.Duration(out.ExpiresIn)*time.Second)
	return a.token, nil
}

// call makes a Bot Connector request to serviceURL+path with the app's
// token: only to an allowed service host, within Teams' limits per app
// and, when conv is set, per conversation conv (a message, its update).
func (a *Adapter) call(ctx context.Context, method, serviceURL, path, conv string, in, out any) error {
	return a.callClass(ctx, false, method, serviceURL, path, conv, in, out)
}

// callClass is call for a bulk request (a campaign's) or not: a bulk one
// waits behind interactive ones at the gates.
func (a *Adapter) callClass(ctx context.Context, bulk bool, method, serviceURL, path, conv string, in, out any) error {
	u, err := url.Parse(serviceURL)
	if err != nil || u.Host == "" || !a.allowedHost(u.Host) || u.Scheme != "https" && !loopback(u.Hostname()) {
		return bot.StepErrorf(bot.StepSend, bot.EINVALID, "herald sends its Teams token only to the service hosts allowed (teams.service_hosts): not to %q", serviceURL)
	}
	answered, unsent, err := a.enter(ctx, conv, bulk)
	if err != nil {
		return bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "stopped while waiting for Teams' limits: %v", err)
	}
	// The token after the wait: a wait longer than the token's margin
	// would send it expired.
	tok, err := a.appToken(ctx)
	if err != nil {
		unsent()
		return err
	}
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(serviceURL, "/")+path, body)
	if err != nil {
		unsent()
		return err
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := a.cfg.Client.Do(req)
	if err != nil {
		// It may have reached Teams all the same (a timeout, a stop):
		// it counts as in flight for one more second.
		time.AfterFunc(a.app.longest, answered)
		return bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "Teams did not answer: %v", err)
	}
	answered() // the server counted it by now: its answer began
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 == 2 {
		if out != nil {
			json.Unmarshal(raw, out)
		}
		return nil
	}
	var e struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	json.Unmarshal(raw, &e)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		secs, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return bot.RateLimited(bot.PlatformTeams, time.Duration(max(secs, 1))*time.Second)
	case resp.StatusCode == http.StatusUnauthorized:
		a.tokenMu.Lock()
		a.token = "" // fetched again next time
		a.tokenMu.Unlock()
		return bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "Teams refused herald's token: %s", e.Error.Message)
	case resp.StatusCode >= 500:
		return bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "Teams failed (%d): %s", resp.StatusCode, e.Error.Message)
	}
	return &apiError{status: resp.StatusCode, code: e.Error.Code, message: e.Error.Message}
}

// enter waits until a request (in conversation conv, unless empty) is
// within Teams' limits, and returns what to call once it was answered:
// the conversation's windows first, so that a conversation at its limit
// holds back its own requests and not the app's. Channels and group
// chats, where every thread and answer goes, have gates of their own; a
// personal chat (a:…) takes a campaign's message and a few relays, which
// herald's budget paces within the same windows.
func (a *Adapter) enter(ctx context.Context, conv string, bulk bool) (answered, unsent func(), err error) {
	convDone, convUnsent := func() {}, func() {}
	if conv != "" && !strings.HasPrefix(conv, "a:") {
		conv, _, _ = strings.Cut(conv, ";") // a channel's thread counts with its channel
		a.gatesMu.Lock()
		g, ok := a.gates[conv]
		if !ok {
			if len(a.gates) >= 1024 {
				for c, old := range a.gates {
					if old.idle() {
						delete(a.gates, c)
					}
				}
			}
			g = newGate(conversationWindows, a.cfg.TimeScale)
			a.gates[conv] = g
		}
		g.pending++ // not forgotten before it is entered
		a.gatesMu.Unlock()
		convDone, convUnsent, err = g.enter(ctx, bulk)
		a.gatesMu.Lock()
		g.pending--
		a.gatesMu.Unlock()
		if err != nil {
			return nil, nil, err
		}
	}
	appDone, appUnsent, err := a.app.enter(ctx, bulk)
	if err != nil {
		convUnsent()
		return nil, nil, err
	}
	return func() { appDone(); convDone() }, func() { appUnsent(); convUnsent() }, nil
}

// serviceURL is where herald calls the Bot Connector: where the last
// activity came from, or teams.service_url before any came.
func (a *Adapter) serviceURL() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.svc != "" {
		return a.svc
	}
	return a.cfg.ServiceURL
}

// apiError is a refusal of the Bot Connector API.
type apiError struct {
	status        int
	code, message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("Teams refused (%d %s): %s", e.status, e.code, e.message)
}

// loopback reports whether host is this machine (plain http is allowed
// there only: tests and a local fake).
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (a *Adapter) allowedHost(host string) bool {
	h := strings.ToLower(host)
	for _, ok := range a.cfg.ServiceHosts {
		if strings.EqualFold(ok, h) || strings.EqualFold(ok, strings.Split(h, ":")[0]) && !strings.Contains(ok, ":") {
			return true
		}
	}
	return false
}

// conversation returns the personal conversation with user, opening it
// (a proactive message's first step; opened says so) when herald has
// none: a user who has not installed the app fails at step open.
func (a *Adapter) conversation(ctx context.Context, bulk bool, user string) (id string, opened bool, err error) {
	a.mu.Lock()
	id, ok := a.convs[user]
	a.mu.Unlock()
	if ok {
		return id, false, nil
	}
	var out struct {
		ID string `json:"id"`
	}
	in := map[string]any{"bot": map[string]string{"id": "28:" + a.cfg.AppID}, "members": []map[string]string{{"id": user}}, "isGroup": false,
		"tenantId": a.cfg.Tenant, "channelData": map[string]any{"tenant": map[string]string{"id": a.cfg.Tenant}}}
	if err := a.callClass(ctx, bulk, "POST", a.serviceURL(), "/v3/conversations", "", in, &out); err != nil {
		var ae *apiError
		if asAPI(err, &ae) {
			switch ae.status {
			case http.StatusForbidden:
				return "", false, bot.StepErrorf(bot.StepOpen, bot.EFORBIDDEN, "the herald app is not installed for them in Teams: an admin or they install it first").
					Translated("platform.teams.not_installed").WithReach(bot.ReachNotInstalled)
			case http.StatusNotFound:
				return "", false, bot.StepErrorf(bot.StepResolve, bot.ENOTFOUND, "no such Teams user in the tenant").WithReach(bot.ReachGone)
			}
			return "", false, bot.StepErrorf(bot.StepOpen, bot.EINVALID, "%s", ae.Error())
		}
		return "", false, err
	}
	a.mu.Lock()
	a.convs[user] = out.ID
	a.mu.Unlock()
	return out.ID, true, nil
}

func asAPI(err error, target **apiError) bool {
	e, ok := err.(*apiError)
	if ok {
		*target = e
	}
	return ok
}

// Send writes m to a Teams user in their personal chat, as an Adaptive
// Card.
func (a *Adapter) Send(ctx context.Context, to bot.Address, m bot.Message) (bot.MessageRef, error) {
	return a.send(ctx, false, to, m)
}

// SendBulk is Send for a campaign's message: at Teams' limits it waits
// behind answers and relays.
func (a *Adapter) SendBulk(ctx context.Context, to bot.Address, m bot.Message) (bot.MessageRef, error) {
	return a.send(ctx, true, to, m)
}

func (a *Adapter) send(ctx context.Context, bulk bool, to bot.Address, m bot.Message) (bot.MessageRef, error) {
	if to.Platform != bot.PlatformTeams || to.ID == "" {
		return bot.MessageRef{}, bot.StepErrorf(bot.StepResolve, bot.EINVALID, "%s is not a Teams user", to)
	}
	if err := m.Validate(); err != nil {
		return bot.MessageRef{}, bot.StepErrorf(bot.StepRender, bot.EINVALID, "%s", bot.ErrorMessage(err))
	}
	conv, opened, err := a.conversation(ctx, bulk, to.ID)
	if err != nil {
		return bot.MessageRef{}, err
	}
	if opened && a.cfg.Budget != nil {
		// The conversation took the token the caller waited for; the
		// message waits for one of its own, the next one: a message half
		// sent goes ahead of new ones (as an interactive post would).
		if err := a.cfg.Budget.Take(ctx, bot.ClassInteractive, bot.PlatformTeams); err != nil {
			return bot.MessageRef{}, bot.StepErrorf(bot.StepSend, bot.EUNAVAILABLE, "stopped while waiting for Teams' limits: %v", err)
		}
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := a.callClass(ctx, bulk, "POST", a.serviceURL(), "/v3/conversations/"+url.PathEscape(conv)+"/activities", conv, a.outgoing(m), &out); err != nil {
		var ae *apiError
		if asAPI(err, &ae) {
			if ae.status == http.StatusForbidden {
				return bot.MessageRef{}, bot.StepErrorf(bot.StepSend, bot.EFORBIDDEN, "they removed the herald app or blocked it in Teams").WithReach(bot.ReachBlocked)
			}
			return bot.MessageRef{}, bot.StepErrorf(bot.StepSend, bot.EINVALID, "%s", ae.Error())
		}
		return bot.MessageRef{}, err
	}
	return bot.MessageRef{Channel: bot.Address{Platform: bot.PlatformTeams, ID: conv}, ID: out.ID}, nil
}
