package bottest

import (
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/threads"
)

// NewThreads returns participant threads over db on clock: they live in
// channel of surface (nil to set Moderators later), reach participants
// through ps (each for its platform), and reach by email through mail (nil
// for none) two minutes after a reply.
func NewThreads(db threads.Store, clock bot.Clock, surface bot.ThreadPoster, channel bot.Address, mail bot.Messenger, ps ...bot.Messenger) *threads.Service {
	th := &threads.Service{Store: db, Contacts: &contacts.Service{Store: db, Clock: clock},
		Messengers: map[bot.Platform]bot.Messenger{}, Moderators: surface, Channel: channel, Clock: clock,
		Email: mail, EmailDelay: threads.DefaultEmailDelay}
	for _, p := range ps {
		th.Messengers[p.Platform()] = p
	}
	return th
}
