package threads

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/events"
)

// Store is what participant threads read and write.
type Store interface {
	bot.ConversationStore
	bot.ContactStore
	bot.EventStore
	IntakeStore
	ContactHistory
}

// ContactHistory reads a contact's events from the newest, so that a look
// back over a few hours costs what those hours hold, not the contact's
// whole past. It is one transaction per call.
type ContactHistory interface {
	// ContactEventsBefore returns up to limit (0: all) events of contact
	// id with Seq below before (0: no bound), newest first.
	ContactEventsBefore(ctx context.Context, id bot.ContactID, before uint64, limit int) ([]*bot.Event, error)
}

// Contacts is the contact directory as threads use it; contacts.Service
// implements it.
type Contacts interface {
	// Seen records that a person was met at addr and returns their
	// contact.
	Seen(ctx context.Context, addr bot.Address, name, email string, reach bot.Reachability) (*bot.Contact, error)
}

// Reporter shows integration failures to operators; status.Board
// implements it.
type Reporter interface {
	// ReportError records err (message, fix, and its catalogue key).
	ReportError(p bot.Platform, err error)
}

// Service gives each participant who writes to herald one thread in the
// moderators' channel, headed by a card, and relays what moderators write
// there back to the participant. Exactly one thread and one head card per
// participant, however many messages arrive at once or are redelivered.
// It is safe for concurrent use.
type Service struct {
	Store    Store
	Contacts Contacts
	// Messengers reach participants, per platform.
	Messengers map[bot.Platform]bot.Messenger
	// Moderators is where threads live, and Channel the moderators'
	// channel on it.
	Moderators bot.ThreadPoster
	Channel    bot.Address
	Clock      clock.Clock
	Log        *slog.Logger
	// Email, when set, reaches participants chat cannot reach (page
	// closed, bot blocked, app not installed) at the email their contact
	// has. Replies within EmailDelay go together in one email.
	Email      bot.Messenger
	EmailDelay time.Duration

	// SurfaceOnJoin opens a participant's thread when they join or
	// register (Joined), not only when they first write.
	SurfaceOnJoin bool
	// ChannelPer, "campaign" or "event", gives each campaign or event a
	// channel of its own, named ChannelPrefix + its name, made the first
	// time a thread needs it (when Moderators can make channels: see
	// ChannelMaker); "" keeps every thread in Channel. Changing it leaves
	// existing threads where they are.
	ChannelPer    string
	ChannelPrefix string
	// AsModerator sends replies under the name of the moderator who wrote
	// them ("Mo: …"); otherwise they go out as the bot, the main
	// moderator. A reply written by someone Auth does not know as a
	// moderator always goes out as the bot.
	AsModerator bool
	// Text, when set, renders a text of the catalogue (package commands)
	// in the moderators' language: head cards, emails to participants,
	// notes in threads. Unset, herald's English is used.
	Text func(key string, args ...any) string
	// Attribution, when set, carries to a new conversation the campaign
	// that last reached the participant (threads.channel_per: campaign).
	Attribution Attributor
	Auth        interface {
		IsModerator(ctx context.Context, a bot.Actor) (bool, error)
	}
	// Board, when set, shows integration failures (a thread that could not
	// be opened, a message that could not be relayed) in `status`.
	Board Reporter
	// Outbox, when set, is woken when relays were queued (the engine's
	// outbox posts them).
	Outbox interface{ Wake() }
	// Recorded, when set, is called after events were recorded (the
	// automation recipes wake on it).
	Recorded func()
	// Sign, when set, signs the command a button runs (commands.Signer):
	// draft cards then carry buttons.
	Sign func(command string) string
	// Decide, when set, decides the recipes a participant's message
	// starts in the transaction that records it (recipes.Runner.Decide):
	// the runs it returns are written with the message, and written, when
	// not nil, is called once they are.
	Decide func(c *bot.Conversation, ct *bot.Contact, evs []*bot.Event) (runs []*bot.RecipeRun, written func())

	opening openings // threads started and not yet recorded
}

// Receive records a participant's message and queues its relay to their
// thread, in one transaction with the conversation's changes and the
// platform's message id (see Intake): once it returns, the message is
// durable and will reach the thread — through the outbox, which opens the
// thread (headed by its card) the first time, and carries the messages
// waiting together as one post. A blocked participant's messages are
// recorded as an event and not relayed. It returns the conversation, or
// nil and no error for a message the platform delivered again.
func (t *Service) Receive(ctx context.Context, in Incoming) (*bot.Conversation, error) {
	if t.Moderators == nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "no moderators' surface carries threads: enable the web console (web.enabled)")
	}
	contact, err := t.Contacts.Seen(ctx, in.From, in.Name, in.Email, bot.ReachReachable)
	if err != nil {
		return nil, err
	}
	now := t.Clock.Now().UTC()
	who := contactName(contact)
	if who == "" {
		who = in.From.String()
	}
	in.CampaignID = t.campaignOf(ctx, in)
	var from bot.ConversationStatus
	var rated int
	var answered string
	var decided func()
	c, _, dup, err := t.Store.Take(ctx, &Intake{
		Key:         intakeKey(in),
		Participant: in.From,
		Copy:        in.Copy,
		Init:        t.init(in, contact),
		Plan: func(c *bot.Conversation, evs []*bot.Event) []*bot.RecipeRun {
			decided = nil // Plan may run again: this is this run's
			if t.Decide == nil {
				return nil
			}
			var runs []*bot.RecipeRun
			runs, decided = t.Decide(c, contact, evs)
			return runs
		},
		Update: func(c *bot.Conversation) error {
			from = c.Status // Update may run again: from is always this run's
			rated, answered = 0, ""
			c.ContactID = contact.ID // the contact may have changed: a second device linked
			if n, ok := rating(c, in.Message.Text); ok {
				rated, answered = n, c.Asking
				c.Rating, c.Rated, c.Asking = n, true, ""
			}
			if c.Blocked {
				return nil
			}
			c.LastMessageAt = now
			if answered != "" {
				return nil // a rating answers herald's question: the conversation stays as it is
			}
			c.CloseAt, c.CloseMessage = time.Time{}, "" // a new message cancels a delayed close
			c.Status = bot.ConversationOpen             // and reopens a closed or answered one
			return nil
		},
		Then: func(c *bot.Conversation, created bool) ([]*bot.Outgoing, []*bot.Event) {
			events := t.joinedEvent(c, created, contact)
			received := &bot.Event{Type: bot.EventMessageReceived, Subject: in.From, ContactID: contact.ID, Text: eventText(in.Message.Text)}
			if len(in.Message.Files) > 0 {
				received.Data = map[string]string{"files": strconv.Itoa(len(in.Message.Files))}
			}
			if c.Blocked {
				if received.Data == nil {
					received.Data = map[string]string{}
				}
				received.Data["blocked"] = "true"
				return nil, append(events, received)
			}
			events = append(events, received)
			if answered != "" {
				events = append(events, &bot.Event{Type: bot.EventSurveyAnswered, Subject: in.From, ContactID: contact.ID,
					Data: map[string]string{"survey": answered, "rating": strconv.Itoa(rated)}})
			}
			if !created && from != c.Status {
				participant := bot.Actor{Address: in.From, Name: who}
				events = append(events, &bot.Event{Type: bot.EventStatusChanged, Subject: in.From, ContactID: contact.ID, By: participant,
					Data: map[string]string{"what": "reopened by a message", "by": participant.String(), "status": string(c.Status), "from": string(from)}})
			}
			relay := t.relay(c)
			relay.From, relay.Message = who, in.Message
			return []*bot.Outgoing{relay}, events
		},
	})
	if err != nil || dup {
		return nil, err
	}
	if decided != nil {
		decided()
	}
	t.wake()
	return c, nil
}

// eventText is text as an event keeps it: at most MaxEventText bytes,
// cut at a character's start.
func eventText(text string) string {
	if len(text) <= MaxEventText {
		return text
	}
	cut := MaxEventText
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut]
}

// Joined records that a participant joined or registered (an app
// installed, a bot started, a registration to an event). With
// SurfaceOnJoin their thread opens now (through the outbox), headed by its
// card; otherwise it waits for their first message.
func (t *Service) Joined(ctx context.Context, in Incoming) (*bot.Conversation, error) {
	contact, err := t.Contacts.Seen(ctx, in.From, in.Name, in.Email, bot.ReachReachable)
	if err != nil {
		return nil, err
	}
	if !t.SurfaceOnJoin || t.Moderators == nil {
		return nil, nil
	}
	in.CampaignID = t.campaignOf(ctx, in)
	if t.Auth != nil {
		// A moderator opening the app (Slack's App Home) or joining the
		// guild is no participant.
		if mod, err := t.Auth.IsModerator(ctx, bot.Actor{Address: in.From, Name: in.Name}); err == nil && mod {
			return nil, nil
		}
	}
	c, _, dup, err := t.Store.Take(ctx, &Intake{
		Key:         intakeKey(in),
		Participant: in.From,
		Init:        t.init(in, contact),
		Then: func(c *bot.Conversation, created bool) ([]*bot.Outgoing, []*bot.Event) {
			events := t.joinedEvent(c, created, contact)
			if !c.Thread.IsZero() || c.Blocked {
				return nil, events
			}
			return []*bot.Outgoing{t.relay(c)}, events // no message: the thread opens with its card
		},
	})
	if err != nil || dup {
		return nil, err
	}
	t.wake()
	return c, nil
}

// Attributor finds the campaign whose message last reached an address
// since a time (the store, with attribution on).
type Attributor interface {
	LastCampaignFor(ctx context.Context, addr bot.Address, since time.Time) (bot.CampaignID, error)
}

// AttributionWindow is how long after a campaign's message a participant
// who writes is taken to answer it.
const AttributionWindow = 7 * 24 * time.Hour

// campaignOf returns the campaign a participant's new conversation comes
// from: the one the platform event names, else, with Attribution, the
// campaign whose message last reached them within AttributionWindow.
func (t *Service) campaignOf(ctx context.Context, in Incoming) bot.CampaignID {
	if in.CampaignID != 0 || t.Attribution == nil {
		return in.CampaignID
	}
	id, err := t.Attribution.LastCampaignFor(ctx, in.From, t.Clock.Now().Add(-AttributionWindow))
	if err != nil {
		return 0 // no campaign is a fine answer: the thread goes to the main channel
	}
	return id
}

// intakeKey names a platform event against redelivery ("" when the
// platform gives no id). A platform's message id may be unique only
// within its chat (Telegram counts each chat's messages from 1), so the
// key names the participant too: two people's first messages are two
// messages.
func intakeKey(in Incoming) string {
	if in.ID == "" {
		return ""
	}
	return in.From.String() + ":" + in.ID
}

// init fills a new conversation from what brought the participant.
func (t *Service) init(in Incoming, contact *bot.Contact) func(*bot.Conversation) {
	return func(c *bot.Conversation) {
		c.ContactID, c.CampaignID, c.Source = contact.ID, in.CampaignID, in.Source
		if c.Source == "" {
			c.Source = contact.Attributes[events.Attr] // the contact's own event
		}
	}
}

// joinedEvent is the participant_joined event of a conversation created
// now.
func (t *Service) joinedEvent(c *bot.Conversation, created bool, contact *bot.Contact) []*bot.Event {
	if !created {
		return nil
	}
	return []*bot.Event{
		{Type: bot.EventParticipantJoined, Subject: c.Participant, ContactID: contact.ID, CampaignID: c.CampaignID},
		{Type: bot.EventConversationOpen, Subject: c.Participant, ContactID: contact.ID, ConversationID: c.ID, CampaignID: c.CampaignID},
	}
}

// relay is a relay post for c's thread: on the surface that holds it, or,
// for a conversation without a thread yet, on today's surface (a
// conversation keeps its thread when the settings change).
func (t *Service) relay(c *bot.Conversation) *bot.Outgoing {
	surface := t.Channel.Platform
	if !c.Thread.IsZero() {
		surface = c.Thread.Channel.Platform
	}
	return &bot.Outgoing{Class: bot.ClassInteractive, Kind: bot.OutgoingRelay, Lane: relayLane(c.ID), Platform: surface}
}

// relayLane is the outbox lane of a conversation's relays.
func relayLane(id bot.ConversationID) string { return "conv:" + strconv.FormatUint(uint64(id), 10) }

// wake tells the outbox that posts were queued.
func (t *Service) wake() {
	if t.Outbox != nil {
		t.Outbox.Wake()
	}
	t.recorded()
}

// recorded says that events were recorded.
func (t *Service) recorded() {
	if t.Recorded != nil {
		t.Recorded()
	}
}

// ThreadOpener is the optional ability of a surface whose threads exist
// before their first message (a forum topic, a thread of a channel): the
// new thread is kept on its conversation before its head card is posted,
// so that a retry after a failure reuses it. OpenThread returns the zero
// ThreadRef, and no error, when the channel's threads start with their
// first message after all; the thread then starts with its head card.
type ThreadOpener interface {
	OpenThread(ctx context.Context, channel bot.Address, title string) (bot.ThreadRef, error)
}

// Relay posts one conversation's relayed messages (the outbox hands them
// over; see bot.OutgoingRelay) in its thread on m, which must be a
// bot.ThreadPoster: first is the first of them; take, called once the
// post can go, returns all those it carries (the outbox's budget and
// lanes decide when: see engine.Outbox). A conversation without a thread
// gets one first, headed by its card, which then carries the messages:
// one post instead of two. The thread is kept on the conversation the
// moment the platform names it. wait is called before each post with
// where it goes (a channel as a ThreadRef without ID, or the thread). A
// conversation that is gone has nothing to post to, and its relays are
// done.
func (t *Service) Relay(ctx context.Context, m bot.Messenger, first *bot.Outgoing, take func() []*bot.Outgoing, wait func(bot.ThreadRef) error) error {
	tp, ok := m.(bot.ThreadPoster)
	if !ok {
		return bot.Errorf(bot.EINVALID, "%s cannot hold participants' threads", m.Platform())
	}
	c, err := t.Store.Conversation(ctx, first.ConversationID)
	if bot.ErrorCode(err) == bot.ENOTFOUND {
		take()
		return nil
	}
	if err != nil {
		return err
	}
	if !c.Thread.IsZero() && c.Thread.Channel.Platform == m.Platform() && !c.Unheaded {
		if err := wait(c.Thread); err != nil {
			return err
		}
		posts := take()
		if ap, ok := tp.(AuthoredPoster); ok {
			// One post as the participant (one write: retried whole).
			msg, from := authored(posts)
			if msg.IsEmpty() {
				return nil
			}
			_, err := ap.PostAs(ctx, c.Thread, bot.Actor{Address: c.Participant, Name: from}, msg)
			return err
		}
		msg := t.Batch(posts)
		if msg.IsEmpty() {
			return nil // a thread asked to open on joining is open
		}
		_, err := tp.PostInThread(ctx, c.Thread, msg)
		return err
	}
	if !c.Thread.IsZero() && c.Thread.Channel.Platform == m.Platform() {
		// Opened before a stop, its head card not yet posted.
		return t.postHead(ctx, tp, c, c.Thread, take, wait)
	}
	channel, err := t.channelFor(ctx, c)
	if err != nil {
		return err
	}
	head := t.headCard(c, t.contactOf(ctx, c))
	if err := wait(bot.ThreadRef{Channel: channel}); err != nil {
		return err
	}
	if opener, ok := m.(ThreadOpener); ok {
		ref, err := opener.OpenThread(ctx, channel, head.Title)
		if err != nil {
			return err
		}
		if !ref.IsZero() {
			_, err := t.Store.UpdateConversation(ctx, c.ID, func(c *bot.Conversation) error {
				c.Thread, c.Unheaded = ref, true
				return nil
			})
			if err != nil {
				return err
			}
			return t.postHead(ctx, tp, c, ref, take, wait)
		}
	}
	t.opening.begin()
	ref, err := tp.StartThread(ctx, channel, withBatch(head, t.Batch(take())))
	t.opening.end(ref, c.ID)
	if err != nil {
		return err
	}
	defer t.opening.kept(ref)
	return t.keepThread(ctx, c, ref)
}

// postHead posts the head card of c's thread ref, carrying the messages
// waiting, and records that the thread is headed.
func (t *Service) postHead(ctx context.Context, tp bot.ThreadPoster, c *bot.Conversation, ref bot.ThreadRef, take func() []*bot.Outgoing, wait func(bot.ThreadRef) error) error {
	if err := wait(ref); err != nil {
		return err
	}
	if _, err := tp.PostInThread(ctx, ref, withBatch(t.headCard(c, t.contactOf(ctx, c)), t.Batch(take()))); err != nil {
		return err
	}
	_, err := t.Store.UpdateConversation(ctx, c.ID, func(c *bot.Conversation) error { c.Unheaded = false; return nil })
	return err
}

// contactOf returns c's contact, or an empty one.
func (t *Service) contactOf(ctx context.Context, c *bot.Conversation) *bot.Contact {
	if c.ContactID != 0 {
		if ct, err := t.Store.Contact(ctx, c.ContactID); err == nil {
			return ct
		}
	}
	return &bot.Contact{}
}

// keepThread records ref as c's thread.
func (t *Service) keepThread(ctx context.Context, c *bot.Conversation, ref bot.ThreadRef) error {
	_, err := t.Store.UpdateConversation(ctx, c.ID, func(c *bot.Conversation) error { c.Thread = ref; return nil })
	return err
}

// withBatch is a thread's head card carrying the messages that opened it.
func withBatch(card, msg bot.Message) bot.Message {
	if msg.Text != "" {
		if card.Text != "" {
			card.Text += "\n\n"
		}
		card.Text += msg.Text
	}
	card.Files = append(card.Files, msg.Files...)
	return card
}

// Batch is how relayed messages read in the thread: one as "*Ana*: …",
// several waiting together as one post under "3 messages from Ana", each
// on its own line, their files together. Posts without a message (a
// thread opened on joining) add nothing.
func (t *Service) Batch(posts []*bot.Outgoing) bot.Message {
	var msgs []*bot.Outgoing
	for _, p := range posts {
		if !p.Message.IsEmpty() {
			msgs = append(msgs, p)
		}
	}
	var out bot.Message
	switch len(msgs) {
	case 0:
		return out
	case 1:
		out = msgs[0].Message
		out.Text = "*" + msgs[0].From + "*: " + out.Text
		return out
	}
	var b strings.Builder
	b.WriteString(t.tr("threads.batch", "*%d messages from %s*", len(msgs), msgs[0].From))
	for _, p := range msgs {
		b.WriteString("\n› ")
		b.WriteString(strings.ReplaceAll(p.Message.Text, "\n", "\n  "))
		out.Files = append(out.Files, p.Message.Files...)
	}
	out.Text = b.String()
	return out
}

// authored joins a participant's relayed messages into one post of
// theirs, for a surface that shows its author (AuthoredPoster): their
// texts one after another, their files together.
func authored(posts []*bot.Outgoing) (bot.Message, string) {
	var out bot.Message
	from := ""
	var texts []string
	for _, p := range posts {
		if p.Message.IsEmpty() {
			continue
		}
		if from == "" {
			from = p.From
		}
		if len(texts) == 0 && len(out.Files) == 0 {
			out = p.Message
			out.Files = slices.Clone(p.Message.Files)
		} else {
			out.Files = append(out.Files, p.Message.Files...)
		}
		if p.Message.Text != "" {
			texts = append(texts, p.Message.Text)
		}
	}
	out.Text = strings.Join(texts, "\n\n")
	return out, from
}

// maxChannelName bounds a channel's name (Slack's limit, under
// Discord's).
const maxChannelName = 80

// ChannelMaker is an optional ability of the moderators' surface: make
// (or find) a channel by name with the moderators in it.
type ChannelMaker interface {
	EnsureChannel(ctx context.Context, name string) (bot.Address, error)
}

// channelFor picks the moderators' channel for a new thread.
func (t *Service) channelFor(ctx context.Context, c *bot.Conversation) (bot.Address, error) {
	maker, ok := t.Moderators.(ChannelMaker)
	name := ""
	switch {
	case !ok:
	case t.ChannelPer == "campaign" && c.CampaignID != 0:
		name = fmt.Sprintf("%scampaign-%d", t.ChannelPrefix, c.CampaignID)
	case t.ChannelPer == "event" && c.Source != "":
		name = t.ChannelPrefix + channelSlug(c.Source)
	}
	if name == "" {
		return t.Channel, nil
	}
	if len(name) > maxChannelName {
		name = strings.TrimRight(name[:maxChannelName], "-")
	}
	ch, err := maker.EnsureChannel(ctx, name)
	switch {
	case err == nil:
		return ch, nil
	case bot.ErrorCode(err) == bot.EUNAVAILABLE:
		return bot.Address{}, bot.Errorf(bot.EUNAVAILABLE, "making the channel %s: %s", name, bot.ErrorMessage(err)) // tried again
	default:
		// A refusal that trying again will not change (a private channel
		// of that name, a missing scope): the thread goes to the main
		// channel, and status says why.
		t.report(bot.Errorf(bot.ErrorCode(err), "cannot make the channel %s (the thread went to the main channel): %s", name, bot.ErrorMessage(err)).
			Translated("threads.no_channel", name, bot.ErrorMessage(err)))
		return t.Channel, nil
	}
}

// channelSlug makes a channel name from an event name: lower case,
// letters, digits and dashes.
func channelSlug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}

// report shows an integration failure on the status board.
func (t *Service) report(err error) {
	if t.Board == nil || err == nil {
		return
	}
	t.Board.ReportError(t.Channel.Platform, err)
}

// outgoing is m as the participant sees it: under the writer's name when
// replies go out as the moderator who wrote, and only if they are one.
func (t *Service) outgoing(ctx context.Context, from bot.Actor, m bot.Message) bot.Message {
	if !t.AsModerator || from.Name == "" || t.Auth == nil {
		return m
	}
	if ok, err := t.Auth.IsModerator(ctx, from); err != nil || !ok {
		return m
	}
	m.Text = from.Name + ": " + m.Text
	return m
}

func (t *Service) event(ctx context.Context, e *bot.Event) {
	if err := t.Store.AppendEvent(ctx, e); err != nil {
		if t.Log != nil {
			t.Log.Warn("threads: recording an event", "type", e.Type, "err", err)
		}
		return
	}
	t.recorded()
}

// headCard is the card heading a participant's thread: who, platform, what
// brought them, when they joined, their attributes.
func (t *Service) headCard(c *bot.Conversation, ct *bot.Contact) bot.Message {
	name := contactName(ct)
	if name == "" {
		name = c.Participant.ID
	}
	fields := []bot.Field{
		{Label: t.tr("threads.head.platform", "Platform"), Value: string(c.Participant.Platform), Short: true},
		{Label: t.tr("threads.head.joined", "Joined"), Value: ct.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), Short: true},
	}
	switch {
	case ct.Email != "":
		fields = append(fields, bot.Field{Label: t.tr("threads.head.email", "Email"), Value: ct.Email, Short: true})
	case ct.Claim != nil:
		fields = append(fields, bot.Field{Label: t.tr("threads.head.email", "Email"), Value: t.tr("threads.head.unconfirmed", "%s (not confirmed)", ct.Claim.Email), Short: true})
	}
	switch {
	case c.CampaignID != 0:
		fields = append(fields, bot.Field{Label: t.tr("threads.head.campaign", "Campaign"), Value: fmt.Sprintf("#%d", c.CampaignID), Short: true})
	case ct.Attributes[events.Attr] != "":
		ev := ct.Attributes[events.Attr]
		if start, ok := events.EventTime(ct, events.AttrStart); ok {
			ev = t.tr("threads.head.starts", "%s (starts %s)", ev, start.UTC().Format("2006-01-02 15:04 UTC"))
		}
		fields = append(fields, bot.Field{Label: t.tr("threads.head.event", "Event"), Value: ev, Short: true})
	case c.Source != "":
		fields = append(fields, bot.Field{Label: t.tr("threads.head.event", "Event"), Value: c.Source, Short: true})
	}
	keys := make([]string, 0, len(ct.Attributes))
	for k := range ct.Attributes {
		if ct.Attributes[events.Attr] != "" && (k == events.Attr || k == events.AttrStart) {
			continue // shown as the Event line
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fields = append(fields, bot.Field{Label: k, Value: ct.Attributes[k], Short: true})
	}
	return bot.Message{Kind: bot.KindCard, Title: name, Text: t.tr("threads.head.text", "New conversation with %s (%s)", name, c.Participant.String()), Fields: fields}
}

// DefaultEmailDelay is how long replies wait to be batched into one email.
const DefaultEmailDelay = 2 * time.Minute

// Reply delivers a moderator's message written in thread to its
// participant. When chat cannot reach them (their page is closed, they
// blocked the bot, the app is not installed) and their email is known,
// the message waits in the conversation's outbox and goes by email with
// the other replies of the next EmailDelay. It returns ENOTFOUND when the
// thread is no participant's, and an error saying why when neither chat
// nor email can reach them. Files go by chat only: a reply with files to
// a platform that cannot upload them (no FileUploader), or to a
// participant chat cannot reach now, is refused with an error saying so.
func (t *Service) Reply(ctx context.Context, thread bot.ThreadRef, from bot.Actor, m bot.Message) (Delivery, error) {
	c, err := t.conversationByThread(ctx, thread)
	if err != nil {
		return Delivery{}, err
	}
	return t.replyTo(ctx, c, from, m)
}

// replyTo delivers from's message m to conversation c's participant (see
// Reply).
func (t *Service) replyTo(ctx context.Context, c *bot.Conversation, from bot.Actor, m bot.Message) (Delivery, error) {
	var d Delivery
	var err error
	if c.Blocked {
		return d, bot.Errorf(bot.ECONFLICT, "this participant is blocked: `unblock` first").Translated("err.thread.blocked")
	}
	m = t.outgoing(ctx, from, m)
	msn, connected := t.Messengers[c.Participant.Platform]
	if _, uploads := msn.(bot.FileUploader); len(m.Files) > 0 && connected && !uploads {
		return d, bot.Errorf(bot.EINVALID, "files cannot reach a %s participant: put the file at a link and send the link", c.Participant.Platform).Translated("err.thread.no_files", c.Participant.Platform)
	}
	var chatErr error
	away := false
	// After the participant's event ended, replies go to their email
	// (eWebinar: "messages sent after a session go to the email address").
	ended := false
	if ct, err := t.Store.Contact(ctx, c.ContactID); err == nil && t.Email != nil && ct.MailTo() != "" && len(m.Files) == 0 {
		if end, ok := events.EventTime(ct, events.AttrEnd); ok && t.Clock.Now().After(end) {
			ended = true
		}
	}
	if ended {
		chatErr = bot.Errorf(bot.EFORBIDDEN, "their event has ended: replies go by email")
	} else if !connected {
		chatErr = bot.Errorf(bot.EUNAVAILABLE, "%s is not connected to herald", c.Participant.Platform)
	} else {
		if pr, ok := msn.(bot.PresenceReader); ok && c.Participant.Platform == bot.PlatformWeb {
			p, err := pr.Presence(ctx, c.Participant)
			away = err == nil && p == bot.PresenceAway
		}
		if _, err := msn.Send(ctx, c.Participant, m); err != nil {
			chatErr = err
		} else {
			d.Chat = true
		}
	}
	// Chat cannot reach them: the page is closed (the message still waits
	// there), the platform refused for good, or it is not connected.
	unreachable := ended || d.Chat && away || chatErr != nil && (bot.ErrorCode(chatErr) != bot.EUNAVAILABLE || !connected)
	if chatErr != nil && !unreachable {
		return d, chatErr // a passing failure: the moderator may send again
	}
	if unreachable && !d.Chat && len(m.Files) > 0 {
		return d, bot.Errorf(bot.EUNAVAILABLE, "%s cannot be reached by chat now, and files do not go by email: send a link instead", c.Participant.Platform).Translated("err.thread.files_email", c.Participant.Platform)
	}
	if unreachable {
		email := ""
		if ct, err := t.Store.Contact(ctx, c.ContactID); err == nil {
			email = ct.MailTo()
		}
		switch {
		case email != "" && t.Email != nil:
			delay := t.EmailDelay
			if delay <= 0 {
				delay = DefaultEmailDelay
			}
			c, err = t.Store.UpdateConversation(ctx, c.ID, func(c *bot.Conversation) error {
				c.Outbox = append(c.Outbox, m)
				if c.OutboxDue.IsZero() {
					c.OutboxDue = t.Clock.Now().Add(delay).UTC()
				}
				return nil
			})
			if err != nil {
				return d, err
			}
			d.EmailTo, d.EmailAt = email, c.OutboxDue
		case d.Chat:
			// Kept on their page for their next visit; no email is known.
		default:
			return d, bot.Errorf(bot.ErrorCode(chatErr), "%s cannot be reached in chat (%s) and no email is known for them", c.Participant, bot.ErrorMessage(chatErr))
		}
	}
	via := "chat"
	if d.EmailTo != "" {
		via = "email"
	}
	// Answered, waiting for them: recorded with the reply, in one
	// transaction.
	var before bot.ConversationStatus
	_, _, _, err = t.Store.Take(ctx, &Intake{
		Participant: c.Participant,
		Update: func(c *bot.Conversation) error {
			before = c.Status
			if c.Status == bot.ConversationOpen {
				c.Status = bot.ConversationPending
			}
			return nil
		},
		Then: func(c *bot.Conversation, _ bool) ([]*bot.Outgoing, []*bot.Event) {
			evs := []*bot.Event{{Type: bot.EventReplySent, Subject: c.Participant, ContactID: c.ContactID, By: from, Text: eventText(m.Text), Data: map[string]string{"via": via, "by": from.String()}}}
			if before != c.Status {
				evs = append(evs, &bot.Event{Type: bot.EventStatusChanged, Subject: c.Participant, ContactID: c.ContactID, By: from,
					Data: map[string]string{"what": "answered", "by": from.String(), "status": string(c.Status), "from": string(before)}})
			}
			return nil, evs
		},
	})
	if err == nil {
		t.recorded()
	}
	return d, err
}

// mailDue sends the outboxes whose time came, one email each, and says so
// in the thread. A failed email stays in the outbox and is tried again in
// five minutes.
func (t *Service) mailDue(ctx context.Context) {
	if t.Email == nil {
		return
	}
	now := t.Clock.Now()
	cs, err := t.Store.DueConversations(ctx, now, dueBatch)
	if err != nil {
		return
	}
	for _, c := range cs {
		if len(c.Outbox) == 0 || c.OutboxDue.After(now) {
			continue
		}
		ct, err := t.Store.Contact(ctx, c.ContactID)
		if err == nil && ct.MailTo() == "" {
			// No address yet: kept, and looked at again in an hour (the
			// participant may give one), not at every tick.
			t.Store.UpdateConversation(ctx, c.ID, func(c *bot.Conversation) error {
				c.OutboxDue = now.Add(time.Hour).UTC()
				return nil
			})
		}
		if err != nil || ct.MailTo() == "" {
			continue
		}
		to := ct.MailTo()
		var parts []string
		for _, m := range c.Outbox {
			parts = append(parts, m.Text)
		}
		mail := bot.Message{Title: t.tr("threads.mail.replies", "New replies to your conversation"), Text: strings.Join(parts, "\n\n")}
		if len(c.Outbox) == 1 {
			mail = c.Outbox[0]
			if mail.Title == "" {
				mail.Title = t.tr("threads.mail.reply", "A reply to your conversation")
			}
		}
		n := len(c.Outbox)
		_, sendErr := t.Email.Send(ctx, bot.Address{Platform: bot.PlatformEmail, ID: to}, mail)
		_, err = t.Store.UpdateConversation(ctx, c.ID, func(c *bot.Conversation) error {
			if sendErr != nil {
				c.OutboxDue = now.Add(5 * time.Minute).UTC()
				return nil
			}
			c.Outbox, c.OutboxDue = c.Outbox[n:], time.Time{}
			if len(c.Outbox) > 0 { // replies queued meanwhile
				c.OutboxDue = now.Add(max(t.EmailDelay, time.Minute)).UTC()
			}
			return nil
		})
		if err != nil {
			continue
		}
		note := t.tr("threads.mail.sent", "Sent by email to %s (%d replies).", to, n)
		if sendErr != nil {
			note = t.tr("threads.mail.failed", "The email to %s failed: %s. herald tries again in 5 minutes.", to, bot.ErrorMessage(sendErr))
		}
		if _, err := t.Moderators.PostInThread(ctx, c.Thread, bot.Message{Kind: bot.KindIdea, Text: note}); err != nil && t.Log != nil {
			t.Log.Warn("threads: noting an email in a thread", "err", err)
		}
	}
}

// tr renders the catalogue's text for key with args (Text), or english
// with args when herald runs without a catalogue.
func (t *Service) tr(key, english string, args ...any) string {
	if t.Text != nil {
		return t.Text(key, args...)
	}
	if len(args) == 0 {
		return english
	}
	if english == "Sent by email to %s (%d replies)." && len(args) == 2 && args[1] == 1 {
		english = "Sent by email to %s (%d reply)."
	}
	return fmt.Sprintf(english, args...)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Summary is one line of the moderators' list of conversations.
type Summary struct {
	Conversation *bot.Conversation
	Contact      *bot.Contact
}

// Conversations lists the conversations, newest message first.
func (t *Service) Conversations(ctx context.Context) ([]Summary, error) {
	cs, err := t.Store.Conversations(ctx, bot.ConversationFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, len(cs))
	for _, c := range cs {
		s := Summary{Conversation: c}
		if ct, err := t.Store.Contact(ctx, c.ContactID); err == nil {
			s.Contact = ct
		}
		out = append(out, s)
	}
	sort.SliceStable(out, func(i, j int) bool {
		return out[i].Conversation.LastMessageAt.After(out[j].Conversation.LastMessageAt)
	})
	return out, nil
}

// DisplayName is how moderators see a participant.
func (s Summary) DisplayName() string {
	if s.Contact != nil {
		if n := contactName(s.Contact); n != "" {
			return n
		}
	}
	return s.Conversation.Participant.ID
}

// contactName is the name a contact gave, or the one a list gave them.
func contactName(ct *bot.Contact) string {
	if n := strings.TrimSpace(ct.Name); n != "" {
		return n
	}
	for _, k := range []string{"first_name", "First name", "prenom", "name"} {
		if v := strings.TrimSpace(ct.Attributes[k]); v != "" {
			if last := strings.TrimSpace(ct.Attributes["last_name"]); last != "" {
				return v + " " + last
			}
			return v
		}
	}
	return ""
}
