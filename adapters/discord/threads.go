package discord

import (
	"context"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldchat/herald/bot"
)

// threadCommands are the words that start a thread command when a
// moderator writes them first in a participant's thread.
var threadCommands = map[string]bool{"close": true, "reopen": true, "assign": true, "tag": true, "block": true, "unblock": true, "snippet": true}

// StartThread opens a participant's thread in the moderators' channel: a
// public thread named after m's title, with m as its first message.
func (a *Adapter) StartThread(ctx context.Context, channel bot.Address, m bot.Message) (bot.ThreadRef, error) {
	if channel.Platform != bot.PlatformDiscord || channel.ID == "" {
		return bot.ThreadRef{}, bot.Errorf(bot.EINVALID, "%s is not a Discord channel", channel)
	}
	name := m.Title
	if name == "" {
		name = "Conversation"
	}
	if r := []rune(name); len(r) > 100 {
		name = string(r[:100])
	}
	th, err := a.s.ThreadStart(channel.ID, name, discordgo.ChannelTypeGuildPublicThread, 10080, discordgo.WithContext(ctx))
	if err != nil {
		return bot.ThreadRef{}, a.classify(err, bot.StepOpen)
	}
	ref := bot.ThreadRef{Channel: channel, ID: th.ID}
	if _, err := a.PostInThread(ctx, ref, m); err != nil {
		return bot.ThreadRef{}, err
	}
	return ref, nil
}

// PostInThread posts m in a participant's thread.
func (a *Adapter) PostInThread(ctx context.Context, t bot.ThreadRef, m bot.Message) (bot.MessageRef, error) {
	sent, err := a.s.ChannelMessageSendComplex(t.ID, a.render(m), discordgo.WithContext(ctx))
	if err != nil {
		return bot.MessageRef{}, a.classify(err, bot.StepSend)
	}
	return bot.MessageRef{Channel: t.Channel, ID: sent.ID}, nil
}

// guildMessage serves a moderator's message in a participant's thread of
// the moderators' channel: a note stays, a thread command runs, anything
// else goes to the participant. Messages elsewhere, or in threads that
// are no participant's, are left alone.
func (a *Adapter) guildMessage(m *discordgo.MessageCreate) {
	if a.Threads == nil || a.channel == "" || m.ChannelID == a.channel {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	thread := bot.ThreadRef{Channel: bot.Address{Platform: bot.PlatformDiscord, ID: a.channel}, ID: m.ChannelID}
	who := bot.Actor{Address: bot.Address{Platform: bot.PlatformDiscord, ID: m.Author.ID}, Name: m.Author.GlobalName}
	text := strings.TrimSpace(m.Content)
	for _, at := range m.Attachments {
		text = strings.TrimSpace(text + "\n[" + at.Filename + "](" + at.URL + ")")
	}
	first, _, _ := strings.Cut(strings.ToLower(text), " ")
	say := func(msg bot.Message) {
		if _, err := a.PostInThread(ctx, thread, msg); err != nil {
			a.log.Error("discord: answering in a thread", "err", err)
		}
	}
	switch {
	case text == "" || first == "note":
		return
	case threadCommands[first] && a.Commands != nil:
		for _, msg := range a.Commands.RunCommand(ctx, bot.CommandRequest{Actor: who, Text: text, Thread: thread}).Messages {
			say(msg)
		}
		return
	}
	if _, err := a.Threads.Reply(ctx, thread, who, bot.Message{Text: text}); err != nil && bot.ErrorCode(err) != bot.ENOTFOUND {
		say(bot.Message{Kind: bot.KindImportant, Text: "Not delivered: " + bot.ErrorMessage(err)})
	}
}
