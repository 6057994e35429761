package commands

import (
	"context"
	"strings"

	"github.com/heraldchat/herald/bot"
)

// The thread dialect: what a moderator writes in a participant's thread,
// the same on every surface.
//
//   - `note TEXT` stays among moderators: never sent, no answer; surfaces
//     that keep their threads themselves show it as an internal note.
//   - A thread command (close [in 2h] [MESSAGE], reopen, assign, tag
//     add/remove, block, unblock, snippet, history) runs in the thread and
//     answers there; one that takes no argument (reopen, block, unblock,
//     history) only when written alone. A leading slash is accepted on every surface (`/close`), and
//     anything written with one runs as a command (an unknown one says so)
//     rather than going to the participant.
//   - Anything else is a reply, delivered to the participant; the
//     moderator is told when it goes by email instead, or could not be
//     delivered and why.
//
// In a thread that is no participant's (ordinary talk in a reply chain or
// a channel thread), everything is ignored, commands included.
//
// A message the platform delivers again within bot.KeyTTL (it saw no
// acknowledgement: herald was slow, or restarted) is ignored once the
// first delivery was handled, so that a reply or a snippet does not reach
// the participant twice. A message whose handling failed is not marked:
// its redelivery is handled.
func (h *Inbound) threadMessage(ctx context.Context, in bot.Inbound) (bot.InboundReply, error) {
	text := strings.TrimSpace(in.Text)
	if h.Threads == nil || in.Thread.IsZero() || text == "" && len(in.Files) == 0 {
		return bot.InboundReply{}, nil
	}
	c, err := h.Threads.ConversationOf(ctx, in.Thread)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			return bot.InboundReply{}, nil
		}
		return bot.InboundReply{}, err
	}
	if done, err := h.Threads.Handled(ctx, in.Thread, in.From, in.ID); err != nil || done {
		return bot.InboundReply{}, err
	}
	out, err := h.dialect(ctx, in, text)
	if err == nil {
		// Recorded even when the platform's request is being cancelled:
		// what was sent stays sent.
		if merr := h.Threads.MarkHandled(context.WithoutCancel(ctx), c, in.Thread, in.From, in.ID); merr != nil {
			h.Mux.log().Error("recording a thread message handled", "actor", in.From.String(), "err", merr)
		}
	}
	return out, err
}

// dialect handles a moderator's thread message (see threadMessage).
func (h *Inbound) dialect(ctx context.Context, in bot.Inbound, text string) (bot.InboundReply, error) {
	var out bot.InboundReply
	cmd, slash := strings.CutPrefix(text, "/")
	first, rest, _ := strings.Cut(cmd, " ")
	word := strings.ToLower(first)
	if command := word != "note" && (slash || h.Mux.threadWord(word, strings.TrimSpace(rest) != "")); !command {
		// A note or a reply: only a moderator's is kept or reaches the
		// participant (a command is checked where it runs). Someone else
		// in the moderators' channel is told, privately.
		if ok, err := h.Mux.Auth.IsModerator(ctx, in.From); err != nil || !ok {
			if err != nil {
				// Not known to be no moderator: an error, so that the
				// message is not marked handled and a redelivery is.
				return out, err
			}
			if !h.toldLately(in.From.Address, in.Thread) {
				out.Replies = []bot.CommandReply{{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant,
					Text: h.Mux.Text.T(TextReplyNotModerator)}}}}
			}
			return out, nil
		}
	}
	switch {
	case word == "note":
		if err := h.Threads.Note(ctx, in.Thread, in.From); err != nil {
			return out, err
		}
		out.Echo = &bot.Echo{Internal: true, Message: bot.Message{Kind: bot.KindIdea, Text: strings.TrimSpace(rest), Files: in.Files}}
		return out, nil
	case slash || h.Mux.threadWord(word, strings.TrimSpace(rest) != ""):
		return h.reply(h.Mux.RunCommand(ctx, CommandRequest{Actor: in.From, Text: cmd, Files: in.Files, Thread: in.Thread})), nil
	}
	m := bot.Message{Text: text, Files: in.Files}
	out.Echo = &bot.Echo{Message: m}
	d, err := h.Threads.Reply(ctx, in.Thread, in.From, m)
	t := h.Mux.Text
	switch {
	case err != nil:
		out.Replies = []bot.CommandReply{{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant,
			Text: t.T(TextNotDelivered, bot.ErrorMessage(err))}}}}
	case d.EmailTo != "":
		out.Replies = []bot.CommandReply{{Private: true, Messages: []bot.Message{{Kind: bot.KindIdea,
			Text: t.T(TextByEmail, d.EmailTo, d.EmailAt.UTC().Format("15:04 MST"))}}}}
	}
	return out, nil
}
