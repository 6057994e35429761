// Package web is herald's own surface, the embedded default: a chat page
// for participants (/chat, and /chat/embed.js to put it on any site) and a
// console for moderators (/console) with the moderators' channel, one
// thread per participant, a command box, uploads and downloads. Pages are
// server-rendered HTML with a little JavaScript and no build step; live
// updates go over websockets (github.com/coder/websocket).
//
// Participants are known by a random respondent id kept in a cookie; each
// page sees its own conversation only. The console needs a login (a token
// printed once at first start, stored hashed); every form and websocket
// carries a CSRF token; messages are bounded in size and rate.
//
// Import rule: web imports bot, its websocket library, golang.org/x and
// the standard library.
package web
