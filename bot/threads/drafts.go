package threads

import (
	"context"
	"slices"
	"strconv"

	"github.com/heraldchat/herald/bot"
)

// Drafts: replies a recipe wrote and left in the thread for a moderator
// to send as they are, edit, or discard. Sending takes the draft off the
// conversation in the same transaction that reads it, so that a button
// pressed twice (or by two moderators at once) sends once.

// addDraft keeps text as a draft of c, written by by (a recipe), and
// queues its card in the thread: the draft and, when sign is set,
// buttons to send (or approve) and discard it; it always says which
// command does the same, for surfaces whose buttons do not outlive a
// restart.
func (t *Service) addDraft(ctx context.Context, c *bot.Conversation, by bot.Actor, text string, approval bool, sign func(string) string) error {
	var d bot.Draft
	_, _, _, err := t.Store.Take(ctx, &Intake{
		Participant: c.Participant,
		Update: func(c *bot.Conversation) error {
			c.DraftSeq++
			d = bot.Draft{ID: c.DraftSeq, Text: text, Recipe: by.Recipe, Approval: approval, At: t.Clock.Now().UTC()}
			c.Drafts = append(c.Drafts, d)
			return nil
		},
		Then: func(c *bot.Conversation, _ bool) ([]*bot.Outgoing, []*bot.Event) {
			e := &bot.Event{Type: bot.EventDraftAdded, Subject: c.Participant, ContactID: c.ContactID, By: by, Text: eventText(text),
				Data: map[string]string{"draft": strconv.Itoa(d.ID), "approval": strconv.FormatBool(approval)}}
			if c.Thread.IsZero() {
				return nil, []*bot.Event{e}
			}
			card := t.draftCard(c, d, by, sign)
			return []*bot.Outgoing{{Class: bot.ClassInteractive, Kind: bot.OutgoingThreadPost, Lane: relayLane(c.ID),
				Platform: c.Thread.Channel.Platform, Thread: c.Thread, Message: card}}, []*bot.Event{e}
		},
	})
	if err == nil {
		t.wake()
	}
	return err
}

// draftCard is the card of draft d in c's thread.
func (t *Service) draftCard(c *bot.Conversation, d bot.Draft, by bot.Actor, sign func(string) string) bot.Message {
	n := strconv.Itoa(d.ID)
	in := " in " + strconv.FormatUint(uint64(c.ID), 10) // a button press may not say its thread
	title := t.tr("threads.draft.title", "Draft reply #%s by %s", n, by.String())
	send, sendLabel := "draft send "+n+in, t.tr("threads.draft.send", "Send")
	if d.Approval {
		title = t.tr("threads.draft.approval", "Reply #%s by %s, for approval", n, by.String())
		sendLabel = t.tr("threads.draft.approve", "Approve")
	}
	m := bot.Message{Kind: bot.KindCard, Title: title, Text: d.Text + "\n\n" + t.tr("threads.draft.how", "`draft send %s` sends it, `draft edit %s NEW TEXT` changes it, `draft discard %s` drops it.", n, n, n)}
	if sign != nil {
		m.Buttons = []bot.Button{
			{Label: sendLabel, Style: "primary", Action: bot.Action{Kind: bot.ActionCommand, Value: sign(send)}},
			{Label: t.tr("threads.draft.edit", "Edit"), Action: bot.Action{Kind: bot.ActionCommand, Value: sign("draft edit " + n + in)}},
			{Label: t.tr("threads.draft.discard", "Discard"), Style: "danger", Action: bot.Action{Kind: bot.ActionCommand, Value: sign("draft discard " + n + in)}},
		}
	}
	return m
}

// noDraft is the error for a draft sent, discarded, or never made.
func noDraft(n int) error {
	return bot.Errorf(bot.ECONFLICT, "there is no draft #%d here: it was sent or discarded already", n).Translated("err.draft.gone", n)
}

// SendDraft sends draft n of thread's conversation to its participant, as
// by (the moderator who approved it), and takes it off the conversation.
// ECONFLICT when it was sent or discarded already.
func (t *Service) SendDraft(ctx context.Context, thread bot.ThreadRef, by bot.Actor, n int) (Delivery, error) {
	c, err := t.inThread(ctx, thread)
	if err != nil {
		return Delivery{}, err
	}
	var d bot.Draft
	_, _, _, err = t.Store.Take(ctx, &Intake{
		Participant: c.Participant,
		Update: func(c *bot.Conversation) error {
			i := slices.IndexFunc(c.Drafts, func(d bot.Draft) bool { return d.ID == n })
			if i < 0 {
				return noDraft(n)
			}
			d = c.Drafts[i]
			c.Drafts = slices.Delete(c.Drafts, i, i+1)
			return nil
		},
	})
	if err != nil {
		return Delivery{}, err
	}
	c, err = t.Store.Conversation(ctx, c.ID)
	if err != nil {
		return Delivery{}, err
	}
	del, err := t.replyTo(ctx, c, by, bot.Message{Text: d.Text})
	if err != nil && !del.Chat && del.EmailTo == "" {
		// Not delivered: the draft goes back, for another try (not when
		// it went and only recording that failed: it would go twice).
		t.Store.Take(ctx, &Intake{Participant: c.Participant, Update: func(c *bot.Conversation) error {
			c.Drafts = append(c.Drafts, d)
			return nil
		}})
	}
	return del, err
}

// EditDraft replaces draft n's text, and says so in the history.
func (t *Service) EditDraft(ctx context.Context, thread bot.ThreadRef, by bot.Actor, n int, text string) error {
	_, err := t.changeWith(ctx, thread, by, "", func(c *bot.Conversation) error {
		i := slices.IndexFunc(c.Drafts, func(d bot.Draft) bool { return d.ID == n })
		if i < 0 {
			return noDraft(n)
		}
		c.Drafts[i].Text = text
		return nil
	}, func(_, after *bot.Conversation) []*bot.Event {
		return []*bot.Event{{Type: bot.EventDraftEdited, Subject: after.Participant, ContactID: after.ContactID, By: by, Text: eventText(text),
			Data: map[string]string{"draft": strconv.Itoa(n)}}}
	})
	return err
}

// DiscardDraft drops draft n.
func (t *Service) DiscardDraft(ctx context.Context, thread bot.ThreadRef, by bot.Actor, n int) error {
	_, err := t.changeWith(ctx, thread, by, "", func(c *bot.Conversation) error {
		i := slices.IndexFunc(c.Drafts, func(d bot.Draft) bool { return d.ID == n })
		if i < 0 {
			return noDraft(n)
		}
		c.Drafts = slices.Delete(c.Drafts, i, i+1)
		return nil
	}, func(_, after *bot.Conversation) []*bot.Event {
		return []*bot.Event{{Type: bot.EventDraftDiscarded, Subject: after.Participant, ContactID: after.ContactID, By: by, Data: map[string]string{"draft": strconv.Itoa(n)}}}
	})
	return err
}

// ThreadOf returns the thread of conversation id (zero when it has none
// yet): for commands that carry the conversation rather than come from
// its thread (a button pressed where the platform does not say where).
func (t *Service) ThreadOf(ctx context.Context, id bot.ConversationID) (bot.ThreadRef, error) {
	c, err := t.Store.Conversation(ctx, id)
	if err != nil {
		return bot.ThreadRef{}, err
	}
	return c.Thread, nil
}
