package commands

import (
	"context"
	"strings"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/threads"
)

// The commands typed in a participant's thread.

func (h *handlers) conversations() (Conversations, error) {
	if h.deps.Conversations == nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "participant threads are not set up on this herald")
	}
	return h.deps.Conversations, nil
}

// threadCommand wraps a handler that needs the thread the command was
// typed in.
func (h *handlers) threadCommand(fn func(ctx context.Context, cs Conversations, w *Reply, r *Request) error) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		if r.Thread.IsZero() {
			return argErrorT(TextErrInThread)
		}
		cs, err := h.conversations()
		if err != nil {
			return err
		}
		return fn(ctx, cs, w, r)
	}
}

func (h *handlers) note(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	if err := cs.Note(ctx, r.Thread, r.Actor); err != nil {
		return err
	}
	w.Private = true
	w.Text(bot.KindIdea, h.text.T(TextNoted))
	return nil
}

// closeThread reads: close [in DURATION] [MESSAGE].
func (h *handlers) closeThread(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	rest, args := r.Rest, r.Args
	if len(args) >= 2 && (strings.EqualFold(args[0], "in") || strings.EqualFold(args[0], "dans")) {
		d, err := ParseDuration(args[1])
		if err != nil {
			return err
		}
		msg := restAfter(rest, 2)
		c, err := cs.Close(ctx, r.Thread, r.Actor, d, msg)
		if err != nil {
			return err
		}
		w.Text(bot.KindSuccess, h.text.T(TextCloseLater, c.CloseAt.Format("2006-01-02 15:04 MST")))
		return nil
	}
	if _, err := cs.Close(ctx, r.Thread, r.Actor, 0, strings.TrimSpace(rest)); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextClosed))
	return nil
}

func (h *handlers) reopen(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	if _, err := cs.Reopen(ctx, r.Thread, r.Actor); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextReopened))
	return nil
}

// assignee reads who a conversation goes to: a Slack mention <@U123>, an
// address platform:id, or @name; or a team: a Slack user group mention
// <!subteam^S123|@name>, a Discord role mention <@&ID>, or group NAME
// (équipe NAME).
func assignee(s string, on bot.Platform) (bot.Actor, error) {
	s = strings.TrimSpace(s)
	if inner, ok := strings.CutPrefix(s, "<!subteam^"); ok && strings.HasSuffix(inner, ">") {
		id, label, _ := strings.Cut(strings.TrimSuffix(inner, ">"), "|")
		if label = strings.TrimPrefix(label, "@"); label == "" {
			label = id
		}
		return bot.Actor{Group: label}, nil
	}
	if id, ok := strings.CutPrefix(s, "<@&"); ok && strings.HasSuffix(id, ">") {
		return bot.Actor{Group: "role:" + strings.TrimSuffix(id, ">")}, nil
	}
	if strings.EqualFold(s, "group") || strings.EqualFold(s, "équipe") {
		return bot.Actor{}, argErrorT(TextErrAssignWho)
	}
	for _, word := range []string{"group ", "équipe ", "group:"} {
		if len(s) > len(word) && strings.EqualFold(s[:len(word)], word) {
			name := strings.TrimPrefix(strings.TrimSpace(s[len(word):]), "@")
			if name == "" || strings.ContainsAny(name, " \t\n") {
				return bot.Actor{}, argErrorT(TextErrAssignWho)
			}
			return bot.Actor{Group: name}, nil
		}
	}
	if strings.HasPrefix(s, "<@") && strings.HasSuffix(s, ">") {
		id, _, _ := strings.Cut(strings.TrimSuffix(strings.TrimPrefix(s, "<@"), ">"), "|")
		return bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: id}}, nil
	}
	if a, err := ParseAddress(s); err == nil && a.Platform != bot.PlatformEmail {
		return bot.Actor{Address: a}, nil
	}
	name := strings.TrimPrefix(s, "@")
	if name == "" {
		return bot.Actor{}, argErrorT(TextErrAssignWho)
	}
	return bot.Actor{Name: name}, nil
}

func (h *handlers) assign(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	to, err := assignee(r.Rest, r.Actor.Address.Platform)
	if err != nil {
		return err
	}
	if _, err := cs.Assign(ctx, r.Thread, r.Actor, to); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextAssigned, to.String()))
	return nil
}

func (h *handlers) tag(add bool) func(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	return func(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
		c, err := cs.Tag(ctx, r.Thread, r.Actor, r.Args[0], add)
		if err != nil {
			return err
		}
		tags := strings.Join(c.Tags, ", ")
		if tags == "" {
			tags = "—"
		}
		w.Text(bot.KindSuccess, h.text.T(TextTags, tags))
		return nil
	}
}

func (h *handlers) block(blocked bool) func(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	return func(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
		if _, err := cs.Block(ctx, r.Thread, r.Actor, blocked); err != nil {
			return err
		}
		key := TextUnblocked
		if blocked {
			key = TextBlocked
		}
		w.Text(bot.KindSuccess, h.text.T(key))
		return nil
	}
}

func (h *handlers) snippets() (threads.SnippetStore, error) {
	if h.deps.Snippets == nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "snippets are not set up on this herald")
	}
	return h.deps.Snippets, nil
}

func (h *handlers) snippet(ctx context.Context, cs Conversations, w *Reply, r *Request) error {
	ss, err := h.snippets()
	if err != nil {
		return err
	}
	sn, err := ss.Snippet(ctx, r.Args[0])
	if err != nil {
		return err
	}
	if err := cs.Say(ctx, r.Thread, r.Actor, bot.Message{Text: sn.Text}); err != nil {
		return err
	}
	w.Private = true
	w.Text(bot.KindSuccess, h.text.T(TextSnippetSent, sn.Name))
	return nil
}

func (h *handlers) snippetsAdd(ctx context.Context, w *Reply, r *Request) error {
	ss, err := h.snippets()
	if err != nil {
		return err
	}
	text := restAfter(r.Rest, 1)
	if err := ss.PutSnippet(ctx, &threads.Snippet{Name: r.Args[0], Text: text, By: r.Actor}); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextSnippetSaved, r.Args[0], r.Args[0]))
	return nil
}

func (h *handlers) snippetsRemove(ctx context.Context, w *Reply, r *Request) error {
	ss, err := h.snippets()
	if err != nil {
		return err
	}
	if err := ss.DeleteSnippet(ctx, r.Args[0]); err != nil {
		return err
	}
	w.Text(bot.KindSuccess, h.text.T(TextSnippetRemoved, r.Args[0]))
	return nil
}

func (h *handlers) snippetsList(ctx context.Context, w *Reply, r *Request) error {
	ss, err := h.snippets()
	if err != nil {
		return err
	}
	all, err := ss.Snippets(ctx)
	if err != nil {
		return err
	}
	if len(all) == 0 {
		w.Text(bot.KindMessage, h.text.T(TextNoSnippets))
		return nil
	}
	var lines []string
	for _, s := range all {
		text := s.Text
		if len([]rune(text)) > 80 {
			text = string([]rune(text)[:79]) + "…"
		}
		lines = append(lines, "• *"+s.Name+"*: "+text)
	}
	w.Text(bot.KindMessage, strings.Join(lines, "\n"))
	return nil
}
