package commands

import (
	"context"
	"strconv"
	"strings"

	"github.com/heraldchat/herald/bot"
)

// The drafts recipes leave in a thread: send (approve), edit, discard —
// typed, or pressed on the draft's card.

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
