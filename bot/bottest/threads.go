package bottest

import "github.com/heraldchat/herald/bot"

// NewThreads returns participant threads over db on clock: they live in
// channel of surface (nil to set Moderators later), reach participants
// through ps (each for its platform), and reach by email through mail (nil
// for none) two minutes after a reply.
func NewThreads(db bot.ThreadStore, clock bot.Clock, surface bot.ThreadPoster, channel bot.Address, mail bot.Messenger, ps ...bot.Messenger) *bot.Threads {
	th := &bot.Threads{Store: db, Contacts: &bot.ContactService{Store: db, Clock: clock},
		Messengers: map[bot.Platform]bot.Messenger{}, Moderators: surface, Channel: channel, Clock: clock,
		Email: mail, EmailDelay: bot.DefaultEmailDelay}
	for _, p := range ps {
		th.Messengers[p.Platform()] = p
	}
	return th
}
