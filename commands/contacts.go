package commands

import (
	"context"
	"strconv"
	"strings"

	"github.com/heraldchat/herald/bot"
)

// Directory is what the contacts command reads (the store).
type Directory interface {
	Contacts(ctx context.Context, f bot.ContactFilter) ([]*bot.Contact, error)
}

// maxContactsShown bounds the contacts one answer lists.
const maxContactsShown = 20

// contacts lists the contact directory: `contacts [search TEXT]
// [reach:blocked|unreachable|ok]` — those whose name, email or address
// holds TEXT, and whose reach is as asked (unreachable: any reason herald
// cannot write to them; ok: none).
func (h *handlers) contacts(ctx context.Context, w *Reply, r *Request) error {
	if h.deps.Directory == nil {
		return bot.Errorf(bot.EUNAVAILABLE, "the contact directory is not available here")
	}
	var words []string
	reach := ""
	for i := 0; i < len(r.Args); i++ {
		a := r.Args[i]
		switch {
		case strings.HasPrefix(strings.ToLower(a), "reach:"):
			reach = strings.ToLower(strings.TrimPrefix(strings.ToLower(a), "reach:"))
			switch reach {
			case "blocked", "unreachable", "ok", "not_started", "gone":
			default:
				return argError("%q is not a reach: use reach:blocked, reach:unreachable or reach:ok", a)
			}
		case strings.EqualFold(a, "search") && i == 0:
		default:
			words = append(words, a)
		}
	}
	text := strings.ToLower(strings.Join(words, " "))
	var lines []string
	matched := 0
	for after := bot.ContactID(0); ; {
		page, err := h.deps.Directory.Contacts(ctx, bot.ContactFilter{After: after, Limit: 1000})
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, c := range page {
			if !contactMatches(c, text, reach) {
				continue
			}
			matched++
			if len(lines) < maxContactsShown {
				lines = append(lines, "• "+contactLine(c))
			}
		}
		after = page[len(page)-1].ID
	}
	if matched == 0 {
		w.Text(bot.KindMessage, h.text.T(TextNoContacts))
		return nil
	}
	if matched > len(lines) {
		lines = append(lines, h.text.T(TextMoreInvalid, matched-len(lines)))
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Title: h.text.T(TextContactsTitle, matched), Text: strings.Join(lines, "\n")})
	return nil
}

// contactMatches reports whether c holds text (in its name, email or an
// address) and has an address whose reach is as asked.
func contactMatches(c *bot.Contact, text, reach string) bool {
	if text != "" {
		hay := strings.ToLower(c.Name + " " + c.Email)
		for _, a := range c.Addresses {
			hay += " " + strings.ToLower(a.Address.String())
		}
		if !strings.Contains(hay, text) {
			return false
		}
	}
	if reach == "" {
		return true
	}
	for _, a := range c.Addresses {
		switch {
		case reach == "unreachable" && a.Reach.Unreachable(),
			reach == "ok" && !a.Reach.Unreachable(),
			string(a.Reach) == reach:
			return true
		}
	}
	return false
}

// contactLine is one contact in the list: name, email, each address with
// its reach.
func contactLine(c *bot.Contact) string {
	var parts []string
	name := c.Name
	if name == "" {
		name = "#" + strconv.FormatUint(uint64(c.ID), 10)
	}
	parts = append(parts, "*"+name+"*")
	if c.Email != "" {
		parts = append(parts, c.Email)
	}
	for _, a := range c.Addresses {
		s := "`" + a.Address.String() + "`"
		if a.Reach != bot.ReachUnknown {
			s += " " + string(a.Reach)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " · ")
}
