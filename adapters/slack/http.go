package slack

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"

	slk "github.com/slack-go/slack"
)

// signatureWindow is how old a signed request may be.
const signatureWindow = 5 * time.Minute

// Routes mounts Slack's HTTP-mode endpoints on mux.
func (a *Adapter) Routes(mux interface {
	Handle(pattern string, h http.Handler)
}) {
	mux.Handle("POST /slack/commands", a.verified(a.command, false))
	mux.Handle("POST /slack/interactions", a.verified(a.interaction, false))
	mux.Handle("POST /slack/events", a.verified(a.event, true))
}

// verified checks X-Slack-Signature (v0 HMAC-SHA256 of v0:ts:body with
// the signing secret, within five minutes, compared in constant time)
// before calling next with the body; anything else gets 401. retried says
// that Slack retries the endpoint (the Events API) and next keeps each
// event once by its id.
func (a *Adapter) verified(next func(w http.ResponseWriter, r *http.Request, body []byte), retried bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		sig := r.Header.Get("X-Slack-Signature")
		if !a.signatureOK(r.Header.Get("X-Slack-Request-Timestamp"), sig, body) {
			a.log.Warn("slack: a request without a valid signature was refused", "path", r.URL.Path, "from", r.RemoteAddr)
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		// A signature is good once within its window: a replayed request
		// is answered and does nothing. Slack's own retries of events come
		// with X-Slack-Retry-Num and are kept once by the events' ids;
		// that header is not signed, so it excuses nothing elsewhere
		// (Slack retries no command or interaction).
		if !(retried && r.Header.Get("X-Slack-Retry-Num") != "") && !a.signatures.Add(sig, 2*signatureWindow) {
			a.log.Warn("slack: a replayed request was ignored", "path", r.URL.Path, "from", r.RemoteAddr)
			w.WriteHeader(http.StatusOK)
			return
		}
		next(w, r, body)
	})
}

func (a *Adapter) signatureOK(tsHeader, sig string, body []byte) bool {
	ts, err := strconv.ParseInt(tsHeader, 10, 64)
	if err != nil || a.cfg.SigningSecret == "" {
		return false
	}
	age := a.cfg.Clock.Now().Sub(time.Unix(ts, 0))
	if age > signatureWindow || age < -signatureWindow {
		return false
	}
	mac := hmac.New(sha256.New, []byte(a.cfg.SigningSecret))
	mac.Write([]byte("v0:" + tsHeader + ":"))
	mac.Write(body)
	want := "v0=" + hex.EncodeToString(mac.Sum(nil))
	return hmac.Equal([]byte(sig), []byte(want))
}

// background runs fn after the HTTP answer (Slack wants one within three
// seconds), tracked by Wait.
func (a *Adapter) background(fn func(ctx context.Context)) {
	a.inflight.Add(1)
	go func() {
		defer a.inflight.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		fn(ctx)
	}()
}

// answer posts a command's reply where it was asked: privately to the
// moderator, or in the channel (in the thread when asked in one).
func (a *Adapter) answer(ctx context.Context, channel, user, threadTS string, r bot.CommandReply) {
	a.answerVia(ctx, channel, user, threadTS, "", r)
}

// answerVia answers a slash command: privately through its response_url
// when it has one (it works in private channels and DMs herald is not
// in); otherwise, and for files and live cards, through the API, falling
// back to the response_url when herald cannot post in the channel.
func (a *Adapter) answerVia(ctx context.Context, channel, user, threadTS, responseURL string, r bot.CommandReply) {
	for _, m := range r.Messages {
		var err error
		if responseURL != "" && len(m.Files) == 0 && (r.Private || m.Campaign == 0) {
			if err := a.respond(ctx, responseURL, r.Private, m); err == nil {
				continue
			} else {
				a.log.Warn("slack: answering through response_url", "err", err)
			}
		}
		if r.Private && len(m.Files) == 0 {
			blocks, text := Blocks(m)
			opts := []slkMsgOption{msgBlocks(blocks), msgText(text)}
			if threadTS != "" {
				opts = append(opts, msgTS(threadTS))
			}
			err = a.patiently(ctx, func() error {
				if _, err := a.api.PostEphemeralContext(ctx, channel, user, opts...); err != nil {
					return a.classify(err)
				}
				return nil
			})
		} else {
			var ts string
			err = a.patiently(ctx, func() (err error) { ts, err = a.post(ctx, channel, threadTS, m); return err })
			if err == nil && m.Campaign != 0 && a.OnCard != nil {
				a.OnCard(m.Campaign, bot.MessageRef{Channel: bot.Address{Platform: bot.PlatformSlack, ID: channel}, ID: ts})
			}
		}
		if err != nil && responseURL != "" && len(m.Files) == 0 && a.respond(ctx, responseURL, r.Private, m) == nil {
			continue // herald is not in that channel: the command's own answer path works
		}
		if err != nil {
			a.log.Error("slack: answering a command", "channel", channel, "err", err)
		}
	}
}

// respond posts m to a slash command's response_url, to the moderator
// alone or to the channel.
func (a *Adapter) respond(ctx context.Context, responseURL string, private bool, m bot.Message) error {
	blocks, text := Blocks(m)
	kind := "in_channel"
	if private {
		kind = "ephemeral"
	}
	client := a.cfg.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	err := slk.PostWebhookCustomHTTPContext(ctx, responseURL, client, &slk.WebhookMessage{Text: text, Blocks: &slk.Blocks{BlockSet: blocks}, ResponseType: kind})
	if err != nil {
		// A response_url posts to the channel for half an hour: keep it
		// out of the error, which is logged.
		return errors.New(strings.ReplaceAll(err.Error(), responseURL, "(the response_url)"))
	}
	return nil
}

// command serves /herald TEXT.
func (a *Adapter) command(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK) // the answer follows through the API
	a.runCommand(form.Get("user_id"), form.Get("user_name"), form.Get("channel_id"), form.Get("text"), form.Get("trigger_id"), form.Get("response_url"))
}

// runCommand runs /herald TEXT typed by user in channel, in the
// background, and answers there. With a trigger, the handler may ask for
// a form instead (a bare `campaign new`, `list import` or `nudge new`); when the form
// does not open, the command runs as typed.
func (a *Adapter) runCommand(user, userName, channel, text, triggerID, responseURL string) {
	in := bot.Inbound{Kind: bot.InboundCommand, From: bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: user}, Name: userName}, Text: text}
	if triggerID != "" {
		in.Forms = []string{bot.FormCampaign, bot.FormListImport, bot.FormNudge, bot.FormRecipe, bot.FormSurvey}
	}
	a.background(func(ctx context.Context) {
		out := a.handle(ctx, in)
		if out.Form != "" {
			err := a.openModal(ctx, modalOf(out.Form), triggerID, channel)
			if err == nil {
				return
			}
			a.log.Warn("slack: opening a form", "form", out.Form, "err", err)
			in.Forms = nil
			out = a.handle(ctx, in)
		}
		for _, r := range out.Replies {
			a.answerVia(ctx, channel, user, "", responseURL, r)
		}
	})
}

// handle hands in to the handler, and logs what it could not handle.
func (a *Adapter) handle(ctx context.Context, in bot.Inbound) bot.InboundReply {
	if a.Handler == nil {
		return bot.InboundReply{}
	}
	out, err := a.Handler.Handle(ctx, in)
	if err != nil {
		a.log.Error("slack: handling an event", "kind", in.Kind, "from", in.From.String(), "err", err)
	}
	return out
}

// answerAll answers with each reply in turn (see answer).
func (a *Adapter) answerAll(ctx context.Context, channel, user, threadTS string, rs []bot.CommandReply) {
	for _, r := range rs {
		a.answer(ctx, channel, user, threadTS, r)
	}
}

// interactionPayload is what Slack posts when a button is pressed.
type interactionPayload struct {
	Type string      `json:"type"`
	View viewPayload `json:"view"`
	User struct {
		ID       string `json:"id"`
		Username string `json:"username"`
	} `json:"user"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
	Container struct {
		MessageTS string `json:"message_ts"`
		ThreadTS  string `json:"thread_ts"`
		IsEph     bool   `json:"is_ephemeral"`
	} `json:"container"`
	Actions []struct {
		ActionID string `json:"action_id"`
		Value    string `json:"value"`
		// Checkboxes' picks, whole.
		SelectedOptions []struct {
			Value string `json:"value"`
		} `json:"selected_options"`
	} `json:"actions"`
}

// interaction serves button presses: a signed herald command (its new
// campaign card replaces the pressed one), or a participant's answer.
func (a *Adapter) interaction(w http.ResponseWriter, r *http.Request, body []byte) {
	form, err := url.ParseQuery(string(body))
	var p interactionPayload
	if err != nil || json.Unmarshal([]byte(form.Get("payload")), &p) != nil || len(p.Actions) == 0 && p.Type != "view_submission" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
	a.runInteraction(p)
}

// runInteraction handles a pressed button in the background.
func (a *Adapter) runInteraction(p interactionPayload) {
	who := bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: p.User.ID}, Name: p.User.Username}
	if p.Type == "view_submission" {
		a.background(func(ctx context.Context) {
			a.submitted(ctx, who, p.View.CallbackID, p.View.PrivateMetadata, p.View.State.Values)
		})
		return
	}
	if p.Type == "block_actions" && p.View.ID != "" && p.View.CallbackID == CampaignModal {
		a.background(func(ctx context.Context) { a.preview(ctx, p.View) })
		return
	}
	if len(p.Actions) == 0 {
		return
	}
	act := p.Actions[0]
	a.background(func(ctx context.Context) {
		switch {
		case strings.HasPrefix(act.ActionID, CommandActionID):
			out := a.handle(ctx, bot.Inbound{Kind: bot.InboundButton, From: who, Signed: act.Value})
			for _, reply := range out.Replies {
				// A campaign card in the reply replaces the card that was pressed.
				if !reply.Private && p.Container.MessageTS != "" && !p.Container.IsEph {
					for i, m := range reply.Messages {
						if m.Campaign != 0 {
							ref := bot.MessageRef{Channel: bot.Address{Platform: bot.PlatformSlack, ID: p.Channel.ID}, ID: p.Container.MessageTS}
							if err := a.EditMessage(ctx, ref, m); err == nil {
								reply.Messages = append(reply.Messages[:i:i], reply.Messages[i+1:]...)
								if a.OnCard != nil {
									a.OnCard(m.Campaign, ref)
								}
							}
							break
						}
					}
				}
				a.answer(ctx, p.Channel.ID, p.User.ID, p.Container.ThreadTS, reply)
			}
		case strings.HasPrefix(act.ActionID, ReplyActionID):
			a.handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: who, Text: act.Value})
		case strings.HasPrefix(act.ActionID, SelectActionID):
			// Checkboxes: what is picked now, whole, after the select's value.
			var picked []string
			for _, o := range act.SelectedOptions {
				picked = append(picked, o.Value)
			}
			a.handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: who, Text: strings.TrimPrefix(act.ActionID, SelectActionID) + strings.Join(picked, ",")})
		}
	})
}

// eventEnvelope is what the Events API posts.
type eventEnvelope struct {
	Type      string       `json:"type"`
	Challenge string       `json:"challenge"`
	EventID   string       `json:"event_id"`
	Event     messageEvent `json:"event"`
}

// messageEvent is the message event of an envelope.
type messageEvent struct {
	Type        string       `json:"type"`
	Subtype     string       `json:"subtype"`
	User        string       `json:"user"`
	BotID       string       `json:"bot_id"`
	Text        string       `json:"text"`
	Channel     string       `json:"channel"`
	ChannelType string       `json:"channel_type"`
	TS          string       `json:"ts"`
	ThreadTS    string       `json:"thread_ts"`
	ClientMsgID string       `json:"client_msg_id"`
	Files       []sharedFile `json:"files"`
	// Tab is the App Home's tab opened (app_home_opened).
	Tab string `json:"tab"`
}

// event serves the Events API: DMs from participants (with their files),
// files a moderator shares in a DM (list import), and moderators' messages
// in threads of the moderators' channel, all handed to the handler.
// herald's own messages are ignored, and an event Slack sends again is
// handled once.
func (a *Adapter) event(w http.ResponseWriter, r *http.Request, body []byte) {
	var env eventEnvelope
	if json.Unmarshal(body, &env) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if env.Type == "url_verification" {
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, env.Challenge)
		return
	}
	// A participant's message is recorded before the answer: were herald
	// to stop first, Slack would send it again (the intake's key keeps it
	// once).
	a.runEvent(env)
	w.WriteHeader(http.StatusOK)
}

// runEvent handles an Events API envelope (HTTP or Socket Mode) once. A
// participant's direct message is recorded before it returns (the
// intake, keyed by the message's id, keeps a retried event once); what
// moderators write in threads is handled in the background, once per
// event id.
func (a *Adapter) runEvent(env eventEnvelope) { a.run(env, nil) }

// run is runEvent for an event the journal keeps already (j, when not nil:
// a replay), which it does not journal again.
func (a *Adapter) run(env eventEnvelope, j *journaled) {
	if env.Type != "event_callback" {
		return
	}
	e := env.Event
	if e.Type == "app_home_opened" && e.User != "" && e.User != a.botUser {
		// A person opened herald's App Home: they joined (their thread
		// opens now with threads.surface_on_join), once per event.
		if a.seen(env.EventID) {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		a.handle(ctx, bot.Inbound{Kind: bot.InboundParticipantJoined, From: bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: e.User}}, ID: "home:" + e.User})
		return
	}
	switch {
	case e.Type != "message", e.BotID != "", e.User == "", e.User == a.botUser:
		return // not a person's message, or herald's own
	case e.Subtype != "" && e.Subtype != "file_share" && e.Subtype != "thread_broadcast":
		return // an edit, a deletion, a join…
	}
	from := bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: e.User}}
	// A replayed DM was journaled as a moderator's files: it stays one.
	if e.ChannelType == "im" && j == nil && !a.fromModeratorWithFiles(e, from) {
		id := e.ClientMsgID
		if id == "" {
			id = e.TS
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		m := a.participantFiles(ctx, e.Text, e.Files)
		a.handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: from, ID: id, Text: m.Text, Files: m.Files})
		return
	}
	inThread := e.Channel == a.cfg.Channel && e.ThreadTS != "" && e.ThreadTS != e.TS
	if e.ChannelType != "im" && !inThread || a.seen(env.EventID) {
		return // a message herald does not handle, or one it did
	}
	key := a.keep(env, j)
	a.background(func(ctx context.Context) {
		defer a.forget(key)
		switch {
		case e.ChannelType == "im":
			a.moderatorFiles(ctx, from, e.Channel, e.Files)
		case inThread:
			// A reply in a participant's thread, also when sent to the
			// channel too (thread_broadcast).
			thread := bot.ThreadRef{Channel: bot.Address{Platform: bot.PlatformSlack, ID: e.Channel}, ID: e.ThreadTS}
			m := a.participantFiles(ctx, e.Text, e.Files)
			out := a.handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: from, ID: e.TS, Thread: thread, Text: m.Text, Files: m.Files})
			a.answerAll(ctx, e.Channel, e.User, e.ThreadTS, out.Replies)
		}
	})
}

// Journal keeps events until they are handled (the store).
type Journal interface {
	Journal(ctx context.Context, key string, value []byte) error
	Unjournal(ctx context.Context, key string) error
	Journaled(ctx context.Context, prefix string) (map[string][]byte, error)
}

// journalPrefix starts the keys of Slack's events in the journal.
const journalPrefix = "slack:"

// journaled is an event as the journal keeps it: when Slack sent it, and
// how many starts replayed it.
type journaled struct {
	At       time.Time     `json:"at"`
	Replayed int           `json:"replayed,omitempty"`
	Env      eventEnvelope `json:"env"`
}

// maxReplays is how many starts replay an event: one whose handling stops
// herald each time (a panic) is then forgotten.
const maxReplays = 3

// keep journals env before Slack is answered (or, replaying j, counts the
// replay), and returns its key ("" when there is no journal or it failed:
// the event is then handled as before, lost if herald stops first).
func (a *Adapter) keep(env eventEnvelope, j *journaled) string {
	if a.Journal == nil || env.EventID == "" {
		return ""
	}
	entry := journaled{At: a.cfg.Clock.Now(), Env: env}
	if j != nil {
		entry = *j
		entry.Replayed++
	}
	raw, err := json.Marshal(entry)
	key := journalPrefix + env.EventID
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err = a.Journal.Journal(ctx, key, raw)
	}
	if err != nil {
		a.log.Error("slack: journaling an event", "err", err)
		return ""
	}
	return key
}

// forget removes a handled event from the journal.
func (a *Adapter) forget(key string) {
	if key == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Journal.Unjournal(ctx, key); err != nil {
		a.log.Error("slack: forgetting a handled event", "err", err)
	}
}

// Replay handles, each in the background (started oldest first), the
// events herald answered Slack for but had not finished handling when it
// stopped (see Adapter.Journal). One sent more than an hour ago, or
// replayed by maxReplays starts already, is forgotten: Slack's own retries
// stop at an hour, and a moderator has long written again. A thread
// message handled already is recognised by the handler (its id is kept),
// so a replay sends no reply twice; files a moderator shared, imported
// before the stop, are imported again.
func (a *Adapter) Replay(ctx context.Context) {
	if a.Journal == nil {
		return
	}
	kept, err := a.Journal.Journaled(ctx, journalPrefix)
	if err != nil {
		a.log.Error("slack: reading the journal", "err", err)
		return
	}
	var pending []journaled
	for key, raw := range kept {
		var j journaled
		if json.Unmarshal(raw, &j) != nil || a.cfg.Clock.Now().Sub(j.At) > time.Hour || j.Replayed >= maxReplays || journalPrefix+j.Env.EventID != key {
			a.forget(key)
			continue
		}
		pending = append(pending, j)
	}
	sort.Slice(pending, func(i, k int) bool { return pending[i].At.Before(pending[k].At) })
	for i := range pending {
		a.run(pending[i].Env, &pending[i])
	}
}

// fromModeratorWithFiles reports whether a direct message carries files
// from a moderator (a recipient file to import), rather than a
// participant's message.
func (a *Adapter) fromModeratorWithFiles(e messageEvent, from bot.Actor) bool {
	if len(e.Files) == 0 || a.Moderators == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ok, err := a.Moderators.IsModerator(ctx, from)
	return err == nil && ok
}

// seen reports whether an event was handled already (Slack retries for an
// hour at most).
func (a *Adapter) seen(id string) bool {
	return id != "" && !a.events.Add(id, time.Hour)
}
