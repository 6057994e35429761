package discord

import (
	"context"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldchat/herald/bot"
)

// OpenThread opens a participant's thread in the moderators' channel: a
// public thread named title, returned before anything is posted in it.
func (a *Adapter) OpenThread(ctx context.Context, channel bot.Address, title string) (bot.ThreadRef, error) {
	if channel.Platform != bot.PlatformDiscord || channel.ID == "" {
		return bot.ThreadRef{}, bot.Errorf(bot.EINVALID, "%s is not a Discord channel", channel)
	}
	name := title
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
	return bot.ThreadRef{Channel: channel, ID: th.ID}, nil
}

// StartThread opens a participant's thread in the moderators' channel: a
// public thread named after m's title, with m as its first message.
func (a *Adapter) StartThread(ctx context.Context, channel bot.Address, m bot.Message) (bot.ThreadRef, error) {
	ref, err := a.OpenThread(ctx, channel, m.Title)
	if err != nil {
		return bot.ThreadRef{}, err
	}
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

// guildMessage hands a moderator's message in a thread of the moderators'
// channel to Handler, and posts its answers in the thread. Messages in
// the channel itself or elsewhere are left alone.
func (a *Adapter) guildMessage(m *discordgo.MessageCreate) {
	if a.Handler == nil || a.channel == "" || m.ChannelID == a.channel {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	thread := bot.ThreadRef{Channel: bot.Address{Platform: bot.PlatformDiscord, ID: a.channel}, ID: m.ChannelID}
	who := bot.Actor{Address: bot.Address{Platform: bot.PlatformDiscord, ID: m.Author.ID}, Name: m.Author.GlobalName}
	if m.Member != nil && m.GuildID == a.guildID {
		a.members.Put(m.Author.ID, m.Member.Roles, memberTTL)
	}
	text := strings.TrimSpace(m.Content)
	for _, at := range m.Attachments {
		text = strings.TrimSpace(text + "\n[" + at.Filename + "](" + at.URL + ")")
	}
	out := a.handle(ctx, bot.Inbound{Kind: bot.InboundThreadMessage, From: who, ID: m.ID, Thread: thread, Text: text})
	for _, r := range out.Replies {
		for _, msg := range r.Messages {
			if _, err := a.PostInThread(ctx, thread, msg); err != nil {
				a.log.Error("discord: answering in a thread", "err", err)
			}
		}
	}
}
