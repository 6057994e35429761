// Package slack is herald on Slack (github.com/slack-go/slack): moderators
// run /herald in the workspace and press the buttons of its replies;
// participants are reached by DM; each participant's thread lives in the
// moderators' channel, where moderators answer, type thread commands, or
// write notes ("note …", never relayed).
//
// It speaks both of Slack's modes. In Socket Mode (RunSocket) herald
// dials Slack with an app-level token and acknowledges each envelope at
// once; no public URL is needed. In HTTP mode Slack posts to /slack/commands,
// /slack/interactions and /slack/events on herald's server, and every
// request is verified by X-Slack-Signature (v0, HMAC-SHA256 over
// "v0:timestamp:body", 5-minute window, constant-time compare, clock
// injectable) and answered 401 otherwise; retried events are handled once.
// Both modes hand requests to the same handlers. A bare "campaign new" or
// "list import" opens a modal (views.open) whose submission runs the
// commands a moderator would type; CSVs shared in a DM are downloaded with
// the bot token and go to the command language.
//
// Import rule: slack imports bot, its Slack library and the standard
// library.
package slack
