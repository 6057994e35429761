package threads

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/personalize"
	"github.com/heraldchat/herald/bot/recipes"
)

// The thread commands: close (now or later), reopen, assign, tag, block,
// and answers sent from the command language. Each records who did it as
// an event.

// ConversationOf returns the conversation whose thread is thread, or
// ENOTFOUND when the thread is no participant's.
func (t *Service) ConversationOf(ctx context.Context, thread bot.ThreadRef) (*bot.Conversation, error) {
	return t.conversationByThread(ctx, thread)
}

// Handled reports whether the moderator's thread message the platform
// names id, written by from in thread, was handled within bot.KeyTTL. A
// platform redelivers an event it saw no acknowledgement of; the adapters
// remember the events of the running process only. An empty id is never
// handled. Handled and MarkHandled are two steps: two copies of a message
// handled at the same moment both pass.
func (t *Service) Handled(ctx context.Context, thread bot.ThreadRef, from bot.Actor, id string) (bool, error) {
	if id == "" {
		return false, nil
	}
	return t.Store.IntakeTaken(ctx, threadKey(thread, from, id))
}

// MarkHandled records that the moderator's thread message id (see
// Handled), in c's thread, was handled.
func (t *Service) MarkHandled(ctx context.Context, c *bot.Conversation, thread bot.ThreadRef, from bot.Actor, id string) error {
	if id == "" {
		return nil
	}
	_, _, _, err := t.Store.Take(ctx, &Intake{Key: threadKey(thread, from, id), Participant: c.Participant})
	return err
}

// threadKey is the intake key of a moderator's thread message: the
// moderators' chat and the thread, the moderator and the platform's id,
// since a platform may count message ids per chat (Telegram does). Its prefix
// sets it apart from a participant message's (intakeKey): a moderator may
// also write to herald as a participant.
func threadKey(thread bot.ThreadRef, from bot.Actor, id string) string {
	return "thread:" + thread.Channel.String() + "/" + thread.ID + ":" + from.Address.String() + ":" + id
}

func (t *Service) inThread(ctx context.Context, thread bot.ThreadRef) (*bot.Conversation, error) {
	if thread.IsZero() {
		return nil, bot.Errorf(bot.EINVALID, "this command works in a participant's thread: type it there").Translated("err.thread.only")
	}
	return t.conversationByThread(ctx, thread)
}

// change applies fn to the conversation of thread and records what was
// done (see apply).
func (t *Service) change(ctx context.Context, thread bot.ThreadRef, by bot.Actor, what string, fn func(*bot.Conversation) error) (*bot.Conversation, error) {
	return t.changeWith(ctx, thread, by, what, fn, nil)
}

func (t *Service) changeWith(ctx context.Context, thread bot.ThreadRef, by bot.Actor, what string, fn func(*bot.Conversation) error, extra func(before, after *bot.Conversation) []*bot.Event) (*bot.Conversation, error) {
	c, err := t.inThread(ctx, thread)
	if err != nil {
		return nil, err
	}
	return t.apply(ctx, c.Participant, by, what, fn, extra)
}

// apply applies fn to the participant's conversation and, in the same
// transaction, records a status_changed event saying what was done (unless
// what is ""), by whom, and the status before ("from") and after
// ("status"), followed by the events extra returns (given the
// conversation before and after fn). An error from fn changes and records
// nothing.
func (t *Service) apply(ctx context.Context, participant bot.Address, by bot.Actor, what string, fn func(*bot.Conversation) error, extra func(before, after *bot.Conversation) []*bot.Event) (*bot.Conversation, error) {
	var before bot.Conversation
	c, _, _, err := t.Store.Take(ctx, &Intake{
		Participant: participant,
		Update: func(c *bot.Conversation) error {
			before = *c // Update may run again: before is always this run's
			before.Tags = slices.Clone(c.Tags)
			return fn(c)
		},
		Then: func(c *bot.Conversation, _ bool) ([]*bot.Outgoing, []*bot.Event) {
			var evs []*bot.Event
			if what != "" {
				evs = append(evs, &bot.Event{Type: bot.EventStatusChanged, Subject: c.Participant, ContactID: c.ContactID, By: by,
					Data: map[string]string{"what": what, "by": by.String(), "status": string(c.Status), "from": string(before.Status)}})
			}
			if extra != nil {
				evs = append(evs, extra(&before, c)...)
			}
			return nil, evs
		},
	})
	if err != nil {
		return nil, err
	}
	t.recorded()
	return c, nil
}

// Close resolves the conversation now, or after the delay (a new message
// from the participant cancels a delayed close). The message, when given,
// goes to the participant at the close.
func (t *Service) Close(ctx context.Context, thread bot.ThreadRef, by bot.Actor, after time.Duration, message string) (*bot.Conversation, error) {
	if after > 0 {
		at := t.Clock.Now().Add(after).UTC()
		return t.change(ctx, thread, by, "close at "+at.Format(time.RFC3339), func(c *bot.Conversation) error {
			c.CloseAt, c.CloseMessage = at, message
			return nil
		})
	}
	c, err := t.change(ctx, thread, by, "closed", func(c *bot.Conversation) error {
		c.Status, c.CloseAt, c.CloseMessage = bot.ConversationResolved, time.Time{}, ""
		return nil
	})
	if err != nil || message == "" {
		return c, err
	}
	return c, t.Say(ctx, thread, by, bot.Message{Text: message})
}

// Reopen opens a resolved conversation again and cancels a delayed close.
func (t *Service) Reopen(ctx context.Context, thread bot.ThreadRef, by bot.Actor) (*bot.Conversation, error) {
	return t.change(ctx, thread, by, "reopened", func(c *bot.Conversation) error {
		c.Status, c.CloseAt, c.CloseMessage = bot.ConversationOpen, time.Time{}, ""
		return nil
	})
}

// Assign gives the conversation to a moderator.
func (t *Service) Assign(ctx context.Context, thread bot.ThreadRef, by, to bot.Actor) (*bot.Conversation, error) {
	return t.change(ctx, thread, by, "assigned to "+to.String(), func(c *bot.Conversation) error {
		c.Assignee = to
		return nil
	})
}

// Tag adds or removes a tag.
func (t *Service) Tag(ctx context.Context, thread bot.ThreadRef, by bot.Actor, tag string, add bool) (*bot.Conversation, error) {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if tag == "" || strings.ContainsAny(tag, " \t\n") {
		return nil, bot.Errorf(bot.EINVALID, "a tag is one word").Translated("err.thread.tag_word")
	}
	fn, extra := tagChange(tag, add, by)
	return t.changeWith(ctx, thread, by, "", fn, extra)
}

// tagChange adds or removes tag, and records it when it changed.
func tagChange(tag string, add bool, by bot.Actor) (func(*bot.Conversation) error, func(before, after *bot.Conversation) []*bot.Event) {
	return func(c *bot.Conversation) error {
			i := slices.Index(c.Tags, tag)
			switch {
			case add && i < 0:
				c.Tags = append(c.Tags, tag)
			case !add && i >= 0:
				c.Tags = slices.Delete(c.Tags, i, i+1)
			case !add:
				return bot.Errorf(bot.ENOTFOUND, "the conversation has no tag %s", tag).Translated("err.thread.no_tag", tag)
			}
			return nil
		}, func(before, after *bot.Conversation) []*bot.Event {
			if slices.Contains(before.Tags, tag) == add {
				return nil // it had it already: nothing was added
			}
			typ := bot.EventTagAdded
			if !add {
				typ = bot.EventTagRemoved
			}
			return []*bot.Event{{Type: typ, Subject: after.Participant, ContactID: after.ContactID, By: by, Data: map[string]string{"tag": tag, "by": by.String()}}}
		}
}

// Act performs a recipe's action a on conversation id as by (the
// recipe), recorded in the conversation's history like a moderator's. A
// reply goes to the participant as a moderator's would (chat, else
// email), with a copy in the thread; a note is written in the thread. A
// tag removed that the conversation lacks is no error.
func (t *Service) Act(ctx context.Context, id bot.ConversationID, by bot.Actor, a recipes.Action) error {
	c, err := t.Store.Conversation(ctx, id)
	if err != nil {
		return err
	}
	if a.Kind == recipes.RecipeReply || a.Kind == recipes.RecipeDraft || a.Kind == recipes.RecipeApproval || a.Kind == recipes.RecipeNote || a.Kind == recipes.RecipeSurvey {
		text, err := t.personal(ctx, c, a.Text)
		if err != nil {
			return err
		}
		a.Text = text
	}
	set := func(what string, fn func(*bot.Conversation)) error {
		_, err := t.apply(ctx, c.Participant, by, what, func(c *bot.Conversation) error { fn(c); return nil }, nil)
		return err
	}
	switch a.Kind {
	case recipes.RecipeResolve:
		return set("closed", func(c *bot.Conversation) {
			c.Status, c.CloseAt, c.CloseMessage = bot.ConversationResolved, time.Time{}, ""
		})
	case recipes.RecipePending:
		return set("set pending", func(c *bot.Conversation) { c.Status = bot.ConversationPending })
	case recipes.RecipeReopen:
		return set("reopened", func(c *bot.Conversation) {
			c.Status, c.CloseAt, c.CloseMessage = bot.ConversationOpen, time.Time{}, ""
		})
	case recipes.RecipeAssign:
		return set("assigned to "+a.To.String(), func(c *bot.Conversation) { c.Assignee = a.To })
	case recipes.RecipeBlock:
		return set("blocked", func(c *bot.Conversation) { c.Blocked = true })
	case recipes.RecipeTagAdd, recipes.RecipeTagRemove:
		tag := strings.ToLower(strings.TrimSpace(a.Tag))
		fn, extra := tagChange(tag, a.Kind == recipes.RecipeTagAdd, by)
		_, err := t.apply(ctx, c.Participant, by, "", fn, extra)
		if bot.ErrorCode(err) == bot.ENOTFOUND && a.Kind == recipes.RecipeTagRemove {
			return nil
		}
		return err
	case recipes.RecipeReply:
		m := bot.Message{Text: a.Text}
		if _, err := t.replyTo(ctx, c, by, m); err != nil {
			return err
		}
		return t.inThreadOf(ctx, c, nil, bot.Message{Text: "*" + by.String() + "*: " + a.Text})
	case recipes.RecipeSet:
		return t.set(ctx, c, by, a.Key, a.Text)
	case recipes.RecipeSmartAssign:
		to, ok, err := t.lastAnswered(ctx, c, a.Wait)
		if err != nil || !ok {
			return err // no one answered them lately: left as it is
		}
		return set("assigned to "+to.String(), func(c *bot.Conversation) { c.Assignee = to })
	case recipes.RecipeSurvey:
		return t.ask(ctx, c, by, a.Key, a.Text)
	case recipes.RecipeDraft, recipes.RecipeApproval:
		return t.addDraft(ctx, c, by, a.Text, a.Kind == recipes.RecipeApproval, t.Sign)
	case recipes.RecipeNote:
		note := &bot.Event{Type: bot.EventNoteAdded, Subject: c.Participant, ContactID: c.ContactID, By: by, Text: eventText(a.Text)}
		return t.inThreadOf(ctx, c, note, bot.Message{Kind: bot.KindIdea, Text: "*" + by.String() + "*: " + a.Text})
	}
	return bot.Errorf(bot.EINVALID, "no recipe action %q", a.Kind)
}

// inThreadOf records e (when not nil) and queues m for c's thread, when it
// has one, in one transaction: the outbox posts it at the platform's pace,
// after the relays queued before it. A conversation whose thread is not
// open yet keeps it in its history only.
func (t *Service) inThreadOf(ctx context.Context, c *bot.Conversation, e *bot.Event, m bot.Message) error {
	_, _, _, err := t.Store.Take(ctx, &Intake{
		Participant: c.Participant,
		Then: func(c *bot.Conversation, _ bool) ([]*bot.Outgoing, []*bot.Event) {
			var posts []*bot.Outgoing
			if !c.Thread.IsZero() {
				posts = []*bot.Outgoing{{Class: bot.ClassInteractive, Kind: bot.OutgoingThreadPost, Lane: relayLane(c.ID),
					Platform: c.Thread.Channel.Platform, Thread: c.Thread, Message: m}}
			}
			var evs []*bot.Event
			if e != nil {
				evs = []*bot.Event{e}
			}
			return posts, evs
		},
	})
	if err == nil {
		t.wake()
	}
	return err
}

// Block stops (or, with blocked false, resumes) relaying the participant's
// messages and refuses replies to them.
func (t *Service) Block(ctx context.Context, thread bot.ThreadRef, by bot.Actor, blocked bool) (*bot.Conversation, error) {
	what := "unblocked"
	if blocked {
		what = "blocked"
	}
	return t.change(ctx, thread, by, what, func(c *bot.Conversation) error {
		c.Blocked = blocked
		return nil
	})
}

// Note records that by wrote a note in thread (the note itself stays in
// the thread, for moderators only).
func (t *Service) Note(ctx context.Context, thread bot.ThreadRef, by bot.Actor) error {
	c, err := t.inThread(ctx, thread)
	if err != nil {
		return err
	}
	t.event(ctx, &bot.Event{Type: bot.EventNoteAdded, Subject: c.Participant, ContactID: c.ContactID, ConversationID: c.ID, By: by})
	return nil
}

// History returns the events of thread's conversation, oldest first:
// every message, reply, note and action, with who did it.
func (t *Service) History(ctx context.Context, thread bot.ThreadRef) (*bot.Conversation, []*bot.Event, error) {
	c, err := t.inThread(ctx, thread)
	if err != nil {
		return nil, nil, err
	}
	evs, err := t.Store.ConversationEvents(ctx, c.ID, 0, 0)
	return c, evs, err
}

// Say sends m to the participant of thread and shows it in the thread, for
// answers sent through a command (a snippet, a closing message).
func (t *Service) Say(ctx context.Context, thread bot.ThreadRef, by bot.Actor, m bot.Message) error {
	if _, err := t.Reply(ctx, thread, by, m); err != nil {
		return err
	}
	copyMsg := m
	copyMsg.Text = "*" + by.Name + "*: " + m.Text
	if by.Name == "" {
		copyMsg.Text = m.Text
	}
	_, err := t.Moderators.PostInThread(ctx, thread, copyMsg)
	return err
}

// RunTimers performs delayed closes and sends email outboxes when they
// fall due, checking every period, until ctx ends.
func (t *Service) RunTimers(ctx context.Context, every time.Duration) {
	if every <= 0 {
		every = 15 * time.Second
	}
	for clock.Sleep(ctx, t.Clock, every) == nil {
		t.Tick(ctx)
	}
}

// dueBatch bounds the conversations one tick reads; what is left is the
// next tick's.
const dueBatch = 1000

// Tick does what is due now: delayed closes, emails.
func (t *Service) Tick(ctx context.Context) {
	t.closeDue(ctx)
	t.mailDue(ctx)
}

func (t *Service) closeDue(ctx context.Context) {
	now := t.Clock.Now()
	cs, err := t.Store.DueConversations(ctx, now, dueBatch)
	if err != nil {
		return
	}
	for _, c := range cs {
		if c.CloseAt.IsZero() || c.CloseAt.After(now) || c.Thread.IsZero() {
			continue
		}
		if _, err := t.Close(ctx, c.Thread, bot.Actor{}, 0, c.CloseMessage); err != nil && t.Log != nil {
			t.Log.Warn("threads: a delayed close failed", "conversation", c.ID, "err", err)
		}
	}
}

// Props are the properties a conversation may have.
var Props = []string{"priority", "language", "category"}

// set sets conversation c's property key to value ("" removes it), or,
// for "contact.NAME", its contact's attribute NAME; recorded with who did
// it.
func (t *Service) set(ctx context.Context, c *bot.Conversation, by bot.Actor, key, value string) error {
	if attr, ok := strings.CutPrefix(key, "contact."); ok {
		if c.ContactID == 0 || attr == "" {
			return bot.Errorf(bot.EINVALID, "this conversation has no contact to set %s on", attr)
		}
		if _, err := t.Store.UpdateContact(ctx, c.ContactID, func(ct *bot.Contact) error {
			if ct.Attributes == nil {
				ct.Attributes = map[string]string{}
			}
			if value == "" {
				delete(ct.Attributes, attr)
			} else {
				ct.Attributes[attr] = value
			}
			return nil
		}); err != nil {
			return err
		}
		t.event(ctx, &bot.Event{Type: bot.EventStatusChanged, Subject: c.Participant, ContactID: c.ContactID, ConversationID: c.ID, By: by,
			Data: map[string]string{"what": "set " + key + " to " + value, "by": by.String(), "status": string(c.Status), "from": string(c.Status)}})
		return nil
	}
	if !slices.Contains(Props, key) {
		return bot.Errorf(bot.EINVALID, "a conversation has a priority, a language and a category, not %q", key)
	}
	_, err := t.apply(ctx, c.Participant, by, "set "+key+" to "+value, func(c *bot.Conversation) error {
		if c.Props == nil {
			c.Props = map[string]string{}
		}
		if value == "" {
			delete(c.Props, key)
		} else {
			c.Props[key] = value
		}
		return nil
	}, nil)
	return err
}

// lastAnswered returns the person who last replied to c's contact, on any
// of their conversations, within the last within (recipes' smart-assign).
func (t *Service) lastAnswered(ctx context.Context, c *bot.Conversation, within time.Duration) (bot.Actor, bool, error) {
	if c.ContactID == 0 {
		return bot.Actor{}, false, nil
	}
	since := t.Clock.Now().Add(-within)
	const page = 100
	var before uint64
	for {
		evs, err := t.Store.ContactEventsBefore(ctx, c.ContactID, before, page)
		if err != nil {
			return bot.Actor{}, false, err
		}
		for _, e := range evs { // newest first
			if e.At.Before(since) {
				return bot.Actor{}, false, nil
			}
			if e.Type == bot.EventReplySent && e.By.Recipe == "" && e.By != (bot.Actor{}) {
				return e.By, true, nil
			}
		}
		if len(evs) < page {
			return bot.Actor{}, false, nil
		}
		before = evs[len(evs)-1].Seq
	}
}

// personal fills text's placeholders ({{name}}, {{first_name}}, any
// attribute of the contact, {{email}}, {{date}}) for c's participant; an
// EINVALID error names one the contact lacks.
func (t *Service) personal(ctx context.Context, c *bot.Conversation, text string) (string, error) {
	if !strings.Contains(text, "{{") {
		return text, nil
	}
	attrs := map[string]string{"name": c.Participant.ID}
	if ct, err := t.Store.Contact(ctx, c.ContactID); err == nil {
		for k, v := range ct.Attributes {
			attrs[k] = v
		}
		if ct.Name != "" {
			attrs["name"] = ct.Name
		}
		if first, _, _ := strings.Cut(ct.Name, " "); attrs["first_name"] == "" && first != "" {
			attrs["first_name"] = first
		}
		if e := ct.MailTo(); e != "" {
			attrs["email"] = e
		}
	}
	m, err := personalize.Message(bot.Message{Text: text}, personalize.NewVars("", "", attrs, nil, t.Clock.Now()))
	return m.Text, err
}

// ask puts a rating question to c's participant (kind "csat": 1 to 5,
// with buttons; "nps": 0 to 10), remembering that it waits for an
// answer: their next message that is a number in range is it (Receive).
func (t *Service) ask(ctx context.Context, c *bot.Conversation, by bot.Actor, kind, question string) error {
	lo, hi := surveyRange(kind)
	if hi == 0 {
		return bot.Errorf(bot.EINVALID, "a survey is csat or nps, not %q", kind)
	}
	if question == "" {
		question = t.tr("threads.survey.csat", "How would you rate our answer? From 1 (poor) to 5 (great).")
		if kind == "nps" {
			question = t.tr("threads.survey.nps", "How likely are you to recommend us to a friend? From 0 (not at all) to 10 (very likely): reply with a number.")
		}
	}
	m := bot.Message{Text: question}
	if kind == "csat" {
		for i := lo; i <= hi; i++ {
			n := strconv.Itoa(i)
			m.Buttons = append(m.Buttons, bot.Button{Label: n, Action: bot.Action{Kind: bot.ActionReply, Value: n}})
		}
	}
	if _, err := t.apply(ctx, c.Participant, by, "asked for a rating ("+kind+")", func(c *bot.Conversation) error {
		c.Asking = kind
		return nil
	}, nil); err != nil {
		return err
	}
	_, err := t.replyTo(ctx, c, by, m)
	return err
}

// surveyRange is the answers a rating question takes (hi 0: no such
// question).
func surveyRange(kind string) (lo, hi int) {
	switch kind {
	case "csat":
		return 1, 5
	case "nps":
		return 0, 10
	}
	return 0, 0
}

// rating reads text as the answer to the question c asks, if it is one.
func rating(c *bot.Conversation, text string) (int, bool) {
	lo, hi := surveyRange(c.Asking)
	n, err := strconv.Atoi(strings.TrimSpace(text))
	if hi == 0 || err != nil || n < lo || n > hi {
		return 0, false
	}
	return n, true
}
