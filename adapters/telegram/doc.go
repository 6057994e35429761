// Package telegram reaches participants on Telegram (github.com/go-telegram/bot):
// a bot.Messenger that sends to private chats with inline keyboards for
// buttons and files as documents, and a receiver (long polling, or a
// webhook checked by its secret token) that hands what participants write
// — text, documents and photos up to the Bot API's 20 MB — and what
// moderators do to one bot.InboundHandler. A contact is reachable only once they started the
// bot; "bot was blocked by the user" fails a sending with that reason.
// The Bot API server is configurable (telegram.server_url), which is how
// tests point it at telegramfake.
//
// With a moderators' group (Config.Group), /herald runs there, command
// buttons carry a short id for their signed command (Telegram's callback
// data holds 64 bytes), campaign cards are edited in place, CSV documents
// are imported, the group's admins are moderators (IsMember), and
// participants' threads live there (ThreadPoster): a forum topic each when
// the group has topics, a reply chain under a head card otherwise. What
// moderators write in a thread goes to the handler as typed, and its
// answers are posted in the thread.
//
// Import rule: telegram imports bot, its Telegram library and the standard
// library.
package telegram
