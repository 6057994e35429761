// Package commands is the moderator command language, parsed once and used
// from every surface: Slack and Telegram send the text after /herald,
// Discord sends structured options that map to the same request, the web
// console sends text. Handlers look like net/http handlers but return an
// error, so that failure replies are written in one place; they call bot
// services and answer with neutral bot.Message replies that each adapter
// renders.
//
// Import rule: commands imports bot and the standard library. It never
// imports store, an adapter or cmd, and no SDK type appears in its exported
// signatures.
package commands
