package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/heraldchat/herald/bot"
)

// The drafts recipes leave in a thread: send (approve), edit, discard —
// typed, or pressed on the draft's card.

// draftCommand wraps a draft command: typed in the thread, or pressed on
// the draft's card, whose command names its conversation ("draft send 2
// in 14") for surfaces that do not say where a button was pressed.
func (h *handlers) draftCommand(fn func(ctx context.Context, cs Conversations, w *Reply, r *Request) error) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		cs, err := h.conversations()
		if err != nil {
			return err
		}
		if len(r.Args) == 3 && strings.EqualFold(r.Args[1], "in") {
			id, err := strconv.ParseUint(r.Args[2], 10, 64)
			if err != nil {
				return argErrorT(TextErrDraftNumber, r.Args[2])
			}
			if r.Thread.IsZero() {
				if r.Thread, err = cs.ThreadOf(ctx, bot.ConversationID(id)); err != nil {
					return err
				}
			}
			r.Args, r.Rest = r.Args[:1], r.Args[0]
		}
		if r.Thread.IsZero() {
			return argErrorT(TextErrInThread)
		}
		return fn(ctx, cs, w, r)
	}
}

func draftNumber(arg string) (int, error) {
	n, err := strconv.Atoi(strings.TrimPrefix(arg, "#"))
	if err != nil || n < 1 {
		return 0, argErrorT(TextErrDraftNumber, arg)
	}
	return n, nil
}

func (h *handlers) draftSend(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	n, err := draftNumber(r.Args[0])
	if err != nil {
		return err
	}
	d, err := cs.SendDraft(ctx, r.Thread, r.Actor, n)
	if err != nil {
		return err
	}
	if d.EmailTo != "" {
		w.Text(bot.KindIdea, h.text.T(TextByEmail, d.EmailTo, d.EmailAt.UTC().Format("15:04 MST")))
		return nil
	}
	w.Text(bot.KindSuccess, h.text.T(TextDraftSent, n, r.Actor.String()))
	return nil
}

func (h *handlers) draftEdit(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	n, err := draftNumber(r.Args[0])
	if err != nil {
		return err
	}
	text := strings.TrimSpace(restAfter(r.Rest, 1))
	if text == "" {
		// The card's Edit button (or the command alone): the draft as it
		// stands, and how to change it.
		c, _, err := cs.History(ctx, r.Thread)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(c.Drafts, func(d bot.Draft) bool { return d.ID == n })
		if i < 0 {
			return bot.Errorf(bot.ECONFLICT, "there is no draft #%d here: it was sent or discarded already", n).Translated("err.draft.gone", n)
		}
		w.Private = true
		w.Text(bot.KindIdea, h.text.T(TextDraftHowEdit, n, n, c.Drafts[i].Text))
		return nil
	}
	if err := cs.EditDraft(ctx, r.Thread, r.Actor, n, text); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextDraftEdited, n, n))
	return nil
}

func (h *handlers) draftDiscard(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	n, err := draftNumber(r.Args[0])
	if err != nil {
		return err
	}
	if err := cs.DiscardDraft(ctx, r.Thread, r.Actor, n); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextDraftDiscarded, n, r.Actor.String()))
	return nil
}
