package recipes

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/heraldchat/herald/bot"
)

// Payload is the JSON body of a webhook delivery by recipe name at at:
// {"type": "recipe.NAME", "timestamp": …, "data": {…}}, data holding the
// parts vars names (conversation, contact, message, event; all of them
// for "all" or none named).
func Payload(name string, vars []string, e *bot.Event, c *bot.Conversation, ct *bot.Contact, at time.Time) ([]byte, error) {
	all := len(vars) == 0 || slices.Contains(vars, "all")
	want := func(v string) bool { return all || slices.Contains(vars, v) }
	data := map[string]any{"recipe": name}
	if want("conversation") && c != nil {
		conv := map[string]any{"id": c.ID, "status": c.Status, "platform": c.Participant.Platform, "participant": c.Participant.String(),
			"tags": append([]string{}, c.Tags...), "source": c.Source, "blocked": c.Blocked}
		if c.Assignee != (bot.Actor{}) {
			conv["assignee"] = c.Assignee.String()
		}
		if c.CampaignID != 0 {
			conv["campaign"] = c.CampaignID
		}
		data["conversation"] = conv
	}
	if want("contact") && ct != nil {
		data["contact"] = map[string]any{"id": ct.ID, "name": ct.Name, "email": ct.MailTo(), "attributes": ct.Attributes}
	}
	if want("message") && e != nil && e.Type == bot.EventMessageReceived {
		data["message"] = map[string]any{"text": e.Text, "at": e.At}
	}
	if want("event") && e != nil {
		ev := map[string]any{"type": e.Type, "seq": e.Seq, "at": e.At}
		if e.Name != "" {
			ev["name"] = e.Name
		}
		if len(e.Data) > 0 {
			ev["data"] = e.Data
		}
		data["event"] = ev
	}
	b, err := json.Marshal(map[string]any{"type": "recipe." + name, "timestamp": at.UTC().Format(time.RFC3339), "data": data})
	if err != nil {
		return nil, bot.Errorf(bot.EINTERNAL, "a webhook's body: %w", err)
	}
	return b, nil
}
