package bottest

import (
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/threads"
)

// ThreadStore is what test threads keep their state in: a real store.
type ThreadStore interface {
	threads.Store
	bot.OutboxStore
}

// NewThreads returns participant threads over db on clock: they live in
// channel of surface (nil to set Moderators later), reach participants
// through ps (each for its platform), and reach by email through mail (nil
// for none) two minutes after a reply. Relays are posted at once by a
// synchronous Outbox: a thread shows a participant's message as soon as
// Receive returns.
func NewThreads(db ThreadStore, clock clock.Clock, surface bot.ThreadPoster, channel bot.Address, mail bot.Messenger, ps ...bot.Messenger) *threads.Service {
	th := &threads.Service{Store: db, Contacts: &contacts.Service{Store: db, Clock: clock},
		Messengers: map[bot.Platform]bot.Messenger{}, Moderators: surface, Channel: channel, Clock: clock,
		Email: mail, EmailDelay: threads.DefaultEmailDelay}
	for _, p := range ps {
		th.Messengers[p.Platform()] = p
	}
	th.Outbox = &Outbox{Store: db, Relays: th, Poster: func(p bot.Platform) bot.Messenger {
		if m, ok := th.Messengers[p]; ok {
			return m
		}
		if m, ok := th.Moderators.(bot.Messenger); ok && p == th.Channel.Platform {
			return m
		}
		return nil
	}}
	return th
}
