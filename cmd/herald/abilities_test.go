package main_test

import (
	"github.com/heraldchat/herald/adapters/discord"
	"github.com/heraldchat/herald/adapters/slack"
	"github.com/heraldchat/herald/adapters/web"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/engine"
)

// The optional abilities declared where they are used (the engine, the
// threads service) are checked at run time there; here, where every part
// is known, the compiler checks that the adapters that have one keep its
// signature.
var (
	_ engine.OnceSender      = (*discord.Adapter)(nil)
	_ engine.OnceSender      = (*web.Adapter)(nil)
	_ engine.EmailResolver   = (*slack.Adapter)(nil)
	_ engine.EmailResolver   = (*bottest.Messenger)(nil)
	_ threads.AuthoredPoster = (*web.Adapter)(nil)
)
