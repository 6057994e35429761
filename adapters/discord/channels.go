package discord

import (
	"context"

	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldchat/herald/bot"
)

// EnsureChannel returns the guild's text channel called name, making it
// when there is none (threads.channel_per: a channel per campaign or
// event): under the configured category, with a topic; with a moderators'
// role, the channel is the moderators' (and herald's) only. Found
// channels are remembered for the process's life.
func (a *Adapter) EnsureChannel(ctx context.Context, name string) (bot.Address, error) {
	if a.guildID == "" {
		return bot.Address{}, bot.Errorf(bot.EINVALID, "a channel per campaign or event needs discord.guild_id")
	}
	name = strings.ToLower(name)
	a.mu.Lock()
	if id, ok := a.made[name]; ok {
		a.mu.Unlock()
		return bot.Address{Platform: bot.PlatformDiscord, ID: id}, nil
	}
	a.mu.Unlock()
	a.channelMu.Lock() // one find-or-make at a time: Discord allows two channels of one name
	defer a.channelMu.Unlock()
	a.mu.Lock()
	if id, ok := a.made[name]; ok {
		a.mu.Unlock()
		return bot.Address{Platform: bot.PlatformDiscord, ID: id}, nil
	}
	a.mu.Unlock()
	chs, err := a.s.GuildChannels(a.guildID, discordgo.WithContext(ctx))
	if err != nil {
		return bot.Address{}, a.classify(err, bot.StepSend)
	}
	id := ""
	for _, c := range chs {
		if c.Name == name && c.Type == discordgo.ChannelTypeGuildText {
			id = c.ID
			break
		}
	}
	if id == "" {
		data := discordgo.GuildChannelCreateData{Name: name, Type: discordgo.ChannelTypeGuildText, ParentID: a.category,
			Topic: "herald: the participants' threads of " + name}
		if a.modRole != "" {
			view := int64(discordgo.PermissionViewChannel)
			work := view | discordgo.PermissionSendMessages | discordgo.PermissionReadMessageHistory |
				discordgo.PermissionCreatePublicThreads | discordgo.PermissionSendMessagesInThreads
			data.PermissionOverwrites = []*discordgo.PermissionOverwrite{
				{ID: a.guildID, Type: discordgo.PermissionOverwriteTypeRole, Deny: view}, // @everyone's role has the guild's id
				{ID: a.modRole, Type: discordgo.PermissionOverwriteTypeRole, Allow: work},
			}
			data.PermissionOverwrites = append(data.PermissionOverwrites, &discordgo.PermissionOverwrite{ID: a.selfID, Type: discordgo.PermissionOverwriteTypeMember, Allow: work})
		}
		c, err := a.s.GuildChannelCreateComplex(a.guildID, data, discordgo.WithContext(ctx))
		if err != nil {
			return bot.Address{}, a.classify(err, bot.StepSend)
		}
		id = c.ID
	}
	a.mu.Lock()
	if a.made == nil {
		a.made = map[string]string{}
	}
	a.made[name] = id
	a.mu.Unlock()
	return bot.Address{Platform: bot.PlatformDiscord, ID: id}, nil
}
