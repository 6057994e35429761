// Package slack is herald on Slack (github.com/slack-go/slack): moderators
// run /herald in the workspace and press the buttons of its replies;
// participants are reached by DM; each participant's thread lives in the
// moderators' channel, where moderators answer, type thread commands, or
// write notes ("note …", never relayed).
//
// This version speaks Slack's HTTP mode: Slack posts to /slack/commands,
// /slack/interactions and /slack/events on herald's server, and every
// request is verified by X-Slack-Signature (v0, HMAC-SHA256 over
// "v0:timestamp:body", 5-minute window, constant-time compare, clock
// injectable) and answered 401 otherwise; retried events are handled once.
// Socket Mode, modals and the app manifest are not here yet.
//
// Import rule: slack imports bot, its Slack library and the standard
// library.
package slack
