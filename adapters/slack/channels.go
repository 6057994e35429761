package slack

import (
	"context"
	"errors"
	"strconv"
	"strings"

	slk "github.com/slack-go/slack"

	"github.com/heraldchat/herald/bot"
)

// EnsureChannel returns the public channel called name, making it when
// there is none (threads.channel_per: a channel per campaign or event):
// one herald is not in is joined, a new one gets a topic, an archived one
// (which a bot cannot unarchive) gives way to name-2, name-3…; the
// moderators (Config.Invite) are invited either way. Found channels are remembered for the process's life.
func (a *Adapter) EnsureChannel(ctx context.Context, name string) (bot.Address, error) {
	a.mu.Lock()
	if id, ok := a.made[name]; ok {
		a.mu.Unlock()
		return bot.Address{Platform: bot.PlatformSlack, ID: id}, nil
	}
	a.mu.Unlock()
	a.channelMu.Lock() // one find-or-make at a time: two answers, one channel
	defer a.channelMu.Unlock()
	ch, err := a.findChannel(ctx, name)
	if err != nil {
		return bot.Address{}, err
	}
	// A bot token cannot unarchive: an archived channel of that name
	// gives way to the next free one (name-2, name-3…).
	for n := 2; ch != nil && ch.IsArchived && n <= 9; n++ {
		alt := strings.TrimRight(name[:min(len(name), 77)], "-") + "-" + strconv.Itoa(n)
		if ch, err = a.findChannel(ctx, alt); err != nil {
			return bot.Address{}, err
		}
		if ch == nil || !ch.IsArchived {
			name = alt
		}
	}
	if ch != nil && ch.IsArchived {
		return bot.Address{}, bot.Errorf(bot.ECONFLICT, "#%s and its variants are archived: unarchive one in Slack, or change threads.channel_prefix", name)
	}
	switch {
	case ch == nil:
		var made *slk.Channel
		err = a.patiently(ctx, func() (err error) {
			made, err = a.api.CreateConversationContext(ctx, slk.CreateConversationParams{ChannelName: name})
			return a.classifyChannel(err)
		})
		if err != nil && strings.Contains(err.Error(), "name_taken") {
			// Made meanwhile, or private: look again.
			if ch, err = a.findChannel(ctx, name); err == nil && ch == nil {
				err = bot.Errorf(bot.ECONFLICT, "a channel named #%s exists that herald cannot see (a private one?): rename it, or set threads.channel_prefix", name)
			}
		} else if err == nil {
			ch = made
			topic := "herald: the participants' threads of " + strings.TrimPrefix(name, a.cfg.ChannelPrefix)
			if err := a.patiently(ctx, func() error {
				_, err := a.api.SetTopicOfConversationContext(ctx, ch.ID, topic)
				return a.classifyChannel(err)
			}); err != nil {
				a.log.Warn("slack: setting a channel's topic", "channel", name, "err", err)
			}
		}
		if err != nil {
			return bot.Address{}, err
		}
	case !ch.IsMember:
		if err := a.patiently(ctx, func() error {
			_, _, _, err := a.api.JoinConversationContext(ctx, ch.ID)
			return a.classifyChannel(err)
		}); err != nil {
			return bot.Address{}, err
		}
	}
	if len(a.cfg.Invite) > 0 {
		err := a.patiently(ctx, func() error {
			// force: those already in do not fail the others' invitation.
			_, err := a.api.ForceInviteUsersToConversationContext(ctx, ch.ID, a.cfg.Invite...)
			return a.classifyChannel(err)
		})
		if err != nil && !strings.Contains(err.Error(), "already_in_channel") {
			a.log.Warn("slack: inviting the moderators to a channel", "channel", name, "err", err)
		}
	}
	a.mu.Lock()
	if a.made == nil {
		a.made = map[string]string{}
	}
	a.made[name] = ch.ID
	a.mu.Unlock()
	return bot.Address{Platform: bot.PlatformSlack, ID: ch.ID}, nil
}

// findChannel returns the public channel called name, archived or not,
// or nil.
func (a *Adapter) findChannel(ctx context.Context, name string) (*slk.Channel, error) {
	cursor := ""
	for {
		var page []slk.Channel
		var next string
		err := a.patiently(ctx, func() (err error) {
			page, next, err = a.api.GetConversationsContext(ctx, &slk.GetConversationsParameters{Cursor: cursor, Limit: 200, Types: []string{"public_channel"}})
			return a.classifyChannel(err)
		})
		if err != nil {
			return nil, err
		}
		for i := range page {
			if page[i].Name == name {
				return &page[i], nil
			}
		}
		if next == "" {
			return nil, nil
		}
		cursor = next
	}
}

// classifyChannel is classify for the channel methods, keeping Slack's
// error code in the message (name_taken, already_in_channel).
func (a *Adapter) classifyChannel(err error) error {
	if err == nil {
		return nil
	}
	var se slk.SlackErrorResponse
	if errors.As(err, &se) && (se.Err == "name_taken" || se.Err == "already_in_channel") {
		return bot.Errorf(bot.ECONFLICT, "%s", se.Err)
	}
	return a.classify(err)
}
