// Package telegram reaches participants on Telegram (github.com/go-telegram/bot):
// a bot.Messenger that sends to private chats with inline keyboards for
// buttons and files as documents, and a receiver (long polling, or a
// webhook checked by its secret token) that hands what participants write
// — text, documents and photos up to the Bot API's 20 MB — to herald's
// threads. A contact is reachable only once they started the
// bot; "bot was blocked by the user" fails a sending with that reason.
// The Bot API server is configurable (telegram.server_url), which is how
// tests point it at telegramfake.
//
// Not yet here: the moderators' side (commands in a group, threads as
// forum topics).
//
// Import rule: telegram imports bot, its Telegram library and the standard
// library.
package telegram
