package commands

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/lifecycle"
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
			case "blocked", "unreachable", "ok", "not_started", "not_installed", "gone":
			default:
				return argErrorT(TextErrReach, a)
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

// History is what the events command reads (the store).
type History interface {
	Directory
	ContactByEmail(ctx context.Context, email string) (*bot.Contact, error)
	ContactByAddress(ctx context.Context, a bot.Address) (*bot.Contact, error)
	Events(ctx context.Context, after uint64, limit int) ([]*bot.Event, error)
}

// maxEventsShown bounds the events one answer lists (the latest).
const maxEventsShown = 20

// events lists the latest events recorded about one contact: `events
// CONTACT`, CONTACT an email or a platform address (telegram:5001).
func (h *handlers) events(ctx context.Context, w *Reply, r *Request) error {
	if h.deps.History == nil {
		return bot.Errorf(bot.EUNAVAILABLE, "the event log is not available here")
	}
	who := r.Args[0]
	var c *bot.Contact
	var err error
	if strings.Contains(who, "@") && !strings.Contains(who, ":") {
		c, err = h.deps.History.ContactByEmail(ctx, who)
	} else {
		var a bot.Address
		if a, err = ParseAddress(who); err == nil {
			c, err = h.deps.History.ContactByAddress(ctx, a)
		}
	}
	if err != nil {
		return err
	}
	var found []*bot.Event
	for after := uint64(0); ; {
		page, err := h.deps.History.Events(ctx, after, 5000)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			if e.ContactID == c.ID || slices.ContainsFunc(c.Addresses, func(a bot.ContactAddress) bool { return a.Address == e.Subject }) {
				found = append(found, e)
				if len(found) > maxEventsShown {
					found = found[1:]
				}
			}
		}
		after = page[len(page)-1].Seq
	}
	name := c.Name
	if name == "" {
		name = who
	}
	if len(found) == 0 {
		w.Text(bot.KindMessage, h.text.T(TextNoEvents, name))
		return nil
	}
	var lines []string
	for _, e := range found {
		what := string(e.Type)
		if e.Name != "" {
			what += " " + e.Name
		}
		if e.CampaignID != 0 {
			what += " · #" + strconv.FormatUint(uint64(e.CampaignID), 10)
		}
		lines = append(lines, "• "+e.At.UTC().Format("2006-01-02 15:04")+" · "+what)
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Title: h.text.T(TextEventsTitle, name), Text: strings.Join(lines, "\n")})
	return nil
}

// campaignHistory lists the changes recorded on a campaign: when, who,
// what.
func (h *handlers) campaignHistory(ctx context.Context, w *Reply, r *Request) error {
	id, err := campaignID(r.Args[0])
	if err != nil {
		return err
	}
	c, _, err := h.deps.Campaigns.Show(ctx, id)
	if err != nil {
		return err
	}
	if len(c.History) == 0 {
		w.Text(bot.KindMessage, h.text.T(TextNoHistory, id))
		return nil
	}
	var lines []string
	for _, ch := range c.History {
		by := ch.By.Name
		if by == "" {
			by = "herald"
		}
		lines = append(lines, "• "+ch.At.UTC().Format("2006-01-02 15:04")+" · "+by+" · "+h.changeLine(ch))
	}
	w.Say(bot.Message{Kind: bot.KindMessage, Title: h.text.T(TextHistoryTitle, id, c.Name), Text: strings.Join(lines, "\n")})
	return nil
}

// changeLine is a campaign's history line in the moderator's language:
// the catalogue's text for its key, a transition's states named as the
// catalogue names them; the English it was recorded in when it has no key
// the catalogue knows (lines recorded before keys were).
func (h *handlers) changeLine(ch bot.Change) string {
	args := make([]any, len(ch.Args))
	for i, a := range ch.Args {
		args[i] = a
		if ch.Key == lifecycle.KeyTransition {
			args[i] = bot.CampaignState(a)
		}
	}
	return h.text.Reason(ch.What, ch.Key, args)
}
