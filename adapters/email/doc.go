// Package email reaches participants by email when chat cannot: a
// bot.Messenger for the email platform, sending through an SMTP server with
// github.com/wneessen/go-mail. Messages are rendered as plain text with an
// HTML alternative.
//
// Import rule: email imports bot, its mail library and the standard
// library.
package email
