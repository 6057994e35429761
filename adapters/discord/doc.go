// Package discord is herald on Discord (github.com/bwmarrin/discordgo).
// This first part reaches participants: a bot.Messenger that opens a DM
// with each user and sends herald's messages as embeds with button
// components, files as attachments; 429 is a pause with Discord's
// retry_after (discordgo's own retry is off, so that the engine's limiter
// decides), "Cannot send messages to this user" (50007) fails at send with
// that reason, an unknown user fails at open. The REST base is reached
// through the configured HTTP client (tests send discord.com requests to
// discordfake), never by rewriting discordgo's package variables.
//
// Run connects to the gateway (reached through the REST API's /gateway,
// so the fake's URL comes the same way). Everything received goes to one
// bot.InboundHandler: participants' DMs; /herald, registered as an application command with a
// subcommand per verb of the command language and an "args" option, ;
// command buttons carry a short id for their signed
// command (custom ids hold 100 characters) and update the pressed card;
// moderators.discord.group is a role (IsMember); participants' threads
// are public threads of the moderators' channel (ThreadPoster), and what
// moderators write there goes to the handler as typed (it tells notes,
// thread commands and replies apart) and its answers are posted there. Interactions
// may also come to the HTTP endpoint (Interactions), each verified with
// the application's Ed25519 key. A "file" option on every subcommand
// brings a CSV (downloaded from Discord's CDN, 64 MB at most) to the
// command. When the handler asks for the campaign form (`/herald campaign
// args: new`), a modal opens; its submission goes to the handler as a
// bot.FormCampaign with its fields, as Slack's form does.
//
// Import rule: discord imports bot, its Discord library and the standard
// library.
package discord
