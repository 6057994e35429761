package telegram

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/heraldchat/herald/bot"
)

// Participant threads in the moderators' group: a forum topic per
// participant when the group has topics ("t<topic id>"), otherwise a reply
// chain under the thread's head card ("m<head message id>").

// maxChain bounds the relayed messages remembered for reply chains.
const maxChain = 50000

// forum reports whether the group has topics (asked once).
func (a *Adapter) forum(ctx context.Context) bool {
	a.mu.Lock()
	known, is := a.forumKnown, a.isForum
	a.mu.Unlock()
	if known {
		return is
	}
	chat, err := a.bot.GetChat(ctx, &tg.GetChatParams{ChatID: a.group})
	if err != nil {
		a.log.Warn("telegram: reading the moderators' group", "err", a.classify(err))
		return false
	}
	a.mu.Lock()
	a.forumKnown, a.isForum = true, chat.IsForum
	a.mu.Unlock()
	return chat.IsForum
}

// OpenThread opens a participant's thread in a forum group: a topic named
// title, returned before anything is posted in it, so that a failure after
// this keeps the topic. In a group without topics it returns the zero
// ThreadRef: the thread is a reply chain under its first message
// (StartThread).
func (a *Adapter) OpenThread(ctx context.Context, channel bot.Address, title string) (bot.ThreadRef, error) {
	if err := a.checkGroup(channel); err != nil {
		return bot.ThreadRef{}, err
	}
	if !a.forum(ctx) {
		return bot.ThreadRef{}, nil
	}
	name := title
	if name == "" {
		name = "Conversation"
	}
	for utf8.RuneCountInString(name) > 128 {
		name = name[:len(name)-1]
	}
	topic, err := a.bot.CreateForumTopic(ctx, &tg.CreateForumTopicParams{ChatID: a.group, Name: name})
	if err != nil {
		return bot.ThreadRef{}, a.classify(err)
	}
	return bot.ThreadRef{Channel: channel, ID: "t" + strconv.Itoa(topic.MessageThreadID)}, nil
}

// StartThread opens a participant's thread in the moderators' group with
// m at its head: a forum topic named after m's title, or m itself as the
// head of a reply chain.
func (a *Adapter) StartThread(ctx context.Context, channel bot.Address, m bot.Message) (bot.ThreadRef, error) {
	ref, err := a.OpenThread(ctx, channel, m.Title)
	if err != nil {
		return bot.ThreadRef{}, err
	}
	if !ref.IsZero() {
		if _, err := a.PostInThread(ctx, ref, m); err != nil {
			return bot.ThreadRef{}, err
		}
		return ref, nil
	}
	id, err := a.sendTo(ctx, a.group, 0, 0, m)
	if err != nil {
		return bot.ThreadRef{}, err
	}
	return bot.ThreadRef{Channel: channel, ID: "m" + strconv.Itoa(id)}, nil
}

func (a *Adapter) checkGroup(channel bot.Address) error {
	if a.group == 0 || channel.ID != strconv.FormatInt(a.group, 10) {
		return bot.Errorf(bot.EINVALID, "telegram: threads live in the moderators' group (moderators.telegram.group), not %s", channel)
	}
	return nil
}

// PostInThread posts m in a participant's thread.
func (a *Adapter) PostInThread(ctx context.Context, t bot.ThreadRef, m bot.Message) (bot.MessageRef, error) {
	topic, head, ok := parseThread(t.ID)
	if !ok || a.group == 0 {
		return bot.MessageRef{}, bot.Errorf(bot.EINVALID, "%q is not a Telegram thread", t.ID)
	}
	id, err := a.sendTo(ctx, a.group, topic, head, m)
	if err != nil {
		return bot.MessageRef{}, err
	}
	if head != 0 {
		a.remember(id, t.ID)
	}
	return bot.MessageRef{Channel: t.Channel, ID: strconv.Itoa(id)}, nil
}

func parseThread(id string) (topic, head int, ok bool) {
	if len(id) < 2 {
		return 0, 0, false
	}
	n, err := strconv.Atoi(id[1:])
	if err != nil {
		return 0, 0, false
	}
	switch id[0] {
	case 't':
		return n, 0, true
	case 'm':
		return 0, n, true
	}
	return 0, 0, false
}

// remember maps a message relayed into a reply chain to its thread, so
// that a moderator may answer any message of the chain.
func (a *Adapter) remember(msg int, thread string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.chain == nil {
		a.chain = map[int]string{}
	}
	if len(a.chain) >= maxChain {
		clear(a.chain) // older chains are still reached by replying to their head card
	}
	a.chain[msg] = thread
}

// threadOf returns the participant thread a group message belongs to, or
// "".
func (a *Adapter) threadOf(m *models.Message) string {
	if m.IsTopicMessage && m.MessageThreadID != 0 {
		return "t" + strconv.Itoa(m.MessageThreadID)
	}
	if m.ReplyToMessage == nil {
		return ""
	}
	a.mu.Lock()
	t, ok := a.chain[m.ReplyToMessage.ID]
	a.mu.Unlock()
	if ok {
		return t
	}
	return "m" + strconv.Itoa(m.ReplyToMessage.ID)
}

// threadMessage hands a moderator's message in a topic or reply chain of
// the group (with its document or photo) to Handler as a thread message,
// and posts the answers in the thread. The handler leaves alone topics
// and chains that are no participant's: ordinary group talk.
func (a *Adapter) threadMessage(ctx context.Context, m *models.Message, who bot.Actor, text string) {
	id := a.threadOf(m)
	if id == "" || a.Handler == nil {
		return
	}
	thread := bot.ThreadRef{Channel: bot.Address{Platform: bot.PlatformTelegram, ID: strconv.FormatInt(a.group, 10)}, ID: id}
	topic, head, _ := parseThread(id)
	msg := bot.Message{Text: text}
	a.attachAll(ctx, &msg, m)
	if strings.TrimSpace(msg.Text) == "" && len(msg.Files) == 0 {
		return
	}
	out := a.handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: who, ID: strconv.Itoa(m.ID), Thread: thread, Text: msg.Text, Files: msg.Files})
	for _, r := range out.Replies {
		for _, msg := range r.Messages {
			if _, err := a.paced(ctx, a.group, topic, head, msg); err != nil {
				a.log.Error("telegram: answering in a thread", "err", err)
			}
		}
	}
}
