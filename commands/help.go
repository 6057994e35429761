package commands

import (
	"context"
	"strings"

	"github.com/heraldchat/herald/bot"
)

func (h *handlers) help(m *Mux) HandlerFunc {
	return func(ctx context.Context, w *Reply, r *Request) error {
		if len(r.Args) > 0 {
			c, rest := m.lookup(r.Args)
			if c == nil || len(rest) > 0 {
				if s := m.suggest(r.Args); s != nil {
					c = s
				} else {
					return argErrorT(TextErrNoCommand, strings.Join(r.Args, " "))
				}
			}
			w.Text(bot.KindIdea, "`"+c.Usage()+"`: "+h.text.T(c.Help)+"\n"+h.text.T(TextUsage, c.Usage(), c.Example))
			return nil
		}
		var lines []string
		for _, c := range m.Commands() {
			if c.Help == "" {
				continue // internal
			}
			lines = append(lines, "• `"+c.Usage()+"`: "+h.text.T(c.Help)+" (`"+c.Example+"`)")
		}
		w.Say(bot.Message{Kind: bot.KindIdea, Title: h.text.T(TextHelpTitle), Text: strings.Join(lines, "\n") + "\n" + h.text.T(TextHelpFooter)})
		return nil
	}
}

func (h *handlers) status(ctx context.Context, w *Reply, r *Request) error {
	st := h.deps.Status.Status()
	var lines []string
	if len(st.Platforms) == 0 {
		lines = append(lines, h.text.T(TextStatusNoPlat))
	}
	for _, p := range st.Platforms {
		state := h.text.T(TextConnected)
		if !p.Connected {
			state = h.text.T(TextDisconnected)
		}
		if p.Detail != "" {
			state += " (" + p.Detail + ")"
		}
		lines = append(lines, "• "+h.text.T(TextStatusPlatform, p.Platform, state))
	}
	lines = append(lines, h.text.T(TextStatusQueue, st.Queue))
	if len(st.Errors) == 0 {
		lines = append(lines, h.text.T(TextStatusNoErrors))
	}
	kind := bot.KindSuccess
	for _, e := range st.Errors {
		kind = bot.KindImportant
		if e.Key != "" {
			lines = append(lines, "• "+h.text.T(TextStatusErrorKeyed, e.At.UTC().Format("2006-01-02 15:04"), e.Platform, h.text.Reason(e.Message, e.Key, e.Args)))
			continue
		}
		lines = append(lines, "• "+h.text.T(TextStatusErrorLine, e.At.UTC().Format("2006-01-02 15:04"), e.Platform, e.Message, e.Fix))
	}
	w.Say(bot.Message{Kind: kind, Title: h.text.T(TextStatusTitle), Text: strings.Join(lines, "\n")})
	return nil
}
