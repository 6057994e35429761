// Package adapters is the home of herald's platform adapters, one package
// per platform (adapters/slack, adapters/discord, adapters/telegram,
// adapters/teams, adapters/web, adapters/email). Each translates its
// platform's events into bot events and commands, renders bot.Message into
// the platform's format, and implements bot.Messenger with whichever
// optional abilities the platform has. Beside each adapter,
// adapters/<platform>/<platform>fake is a fake of that platform's API on
// loopback that enforces the documented rate limits and injects faults;
// adapters/adaptertest is the conformance suite every adapter passes.
//
// Import rule: an adapter imports bot, its platform's SDK and the standard
// library, and shared helpers only from adapters/internal. Adapters never
// import each other, store, commands or cmd.
package adapters
