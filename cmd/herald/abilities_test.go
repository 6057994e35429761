package main_test

import (
	"github.com/heraldchat/herald/adapters/discord"
	"github.com/heraldchat/herald/adapters/slack"
	"github.com/heraldchat/herald/adapters/web"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/engine"
)

// The ports and optional abilities declared where they are used (the
// campaign service, the engine, the threads service) are checked at run
// time there or not at all by the packages that implement them, which may
// not import their users; here, where every part is known, the compiler
// checks that each implementation keeps its signature.
var (
	_ campaigns.Dispatcher   = (*engine.Engine)(nil)
	_ engine.OnceSender      = (*discord.Adapter)(nil)
	_ engine.OnceSender      = (*web.Adapter)(nil)
	_ engine.EmailResolver   = (*slack.Adapter)(nil)
	_ engine.EmailResolver   = (*bottest.Messenger)(nil)
	_ threads.AuthoredPoster = (*web.Adapter)(nil)
)
