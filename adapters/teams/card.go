package teams

import (
	"regexp"
	"strings"

	"github.com/heraldchat/herald/bot"
)

// Teams' accent per kind, as Adaptive Cards name colours.
var kindColours = map[bot.Kind]string{bot.KindIdea: "Warning", bot.KindSuccess: "Good", bot.KindImportant: "Attention", bot.KindCard: "Accent"}

var kindLabels = map[bot.Kind]string{bot.KindIdea: "💡 ", bot.KindSuccess: "✅ ", bot.KindImportant: "❗ "}

// selectInput is the id of a multiple choice's checkboxes in a card.
const selectInput = "herald_pick"

// maxActions is the most actions Teams shows under a card.
const maxActions = 6

var boldRE = regexp.MustCompile(`\*([^*\n]+)\*`)

// markdown turns herald's markup into the Markdown Adaptive Cards read:
// *bold* becomes **bold**; _italic_ and [label](link) are the same.
func markdown(s string) string { return boldRE.ReplaceAllString(s, "**$1**") }

// Card renders m as an Adaptive Card (1.5): the title, the text, the
// fields as a fact set, the image, and the buttons as actions (a link
// opens; an answer or a command is an Action.Submit whose data carries
// herald's value). A multiple choice's button reads "Send".
func Card(m bot.Message) map[string]any { return card(m, "Send") }

// card is Card with the multiple choice's button reading send.
func card(m bot.Message, send string) map[string]any {
	var body []map[string]any
	if m.Title != "" {
		t := map[string]any{"type": "TextBlock", "text": kindLabels[m.Kind] + m.Title, "weight": "Bolder", "size": "Medium", "wrap": true}
		if c := kindColours[m.Kind]; c != "" {
			t["color"] = c
		}
		body = append(body, t)
	}
	if m.Text != "" {
		text := markdown(m.Text)
		if m.Title == "" {
			text = kindLabels[m.Kind] + text
		}
		body = append(body, map[string]any{"type": "TextBlock", "text": text, "wrap": true})
	}
	if len(m.Fields) > 0 {
		var facts []map[string]string
		for _, f := range m.Fields {
			facts = append(facts, map[string]string{"title": f.Label, "value": markdown(f.Value)})
		}
		body = append(body, map[string]any{"type": "FactSet", "facts": facts})
	}
	if m.ImageURL != "" {
		body = append(body, map[string]any{"type": "Image", "url": m.ImageURL, "size": "Stretch"})
	}
	for _, f := range m.Files {
		// A file is a link where herald has one (it keeps what it posts
		// for download); a picture is shown too.
		name := strings.NewReplacer("[", "(", "]", ")").Replace(f.Name)
		if f.URL == "" {
			body = append(body, map[string]any{"type": "TextBlock", "text": "📎 " + name, "wrap": true, "isSubtle": true})
			continue
		}
		if strings.HasPrefix(f.ContentType, "image/") {
			body = append(body, map[string]any{"type": "Image", "url": f.URL, "altText": f.Name, "size": "Stretch"})
		}
		body = append(body, map[string]any{"type": "TextBlock", "text": "📎 [" + name + "](" + f.URL + ")", "wrap": true})
	}
	var actions []map[string]any
	if s := m.Select; s != nil && len(s.Options) > 0 {
		// A multiple choice: checkboxes, sent whole with the card's
		// Send button (the answers' buttons are left out).
		var choices []map[string]string
		for _, o := range s.Options {
			choices = append(choices, map[string]string{"title": o.Label, "value": o.Value})
		}
		body = append(body, map[string]any{"type": "Input.ChoiceSet", "id": selectInput, "isMultiSelect": true, "style": "expanded", "choices": choices})
		actions = append(actions, map[string]any{"type": "Action.Submit", "title": send, "data": map[string]string{"herald": s.Value, "kind": "select"}})
	} else {
		m.Select = nil
	}
	for _, b := range m.Buttons {
		if b.Option && m.Select != nil {
			continue
		}
		switch b.Action.Kind {
		case bot.ActionLink:
			actions = append(actions, map[string]any{"type": "Action.OpenUrl", "title": b.Label, "url": b.Action.URL})
		case bot.ActionReply, bot.ActionCommand:
			a := map[string]any{"type": "Action.Submit", "title": b.Label, "data": map[string]string{"herald": b.Action.Value, "kind": string(b.Action.Kind)}}
			if b.Style == "primary" {
				a["style"] = "positive"
			} else if b.Style == "danger" {
				a["style"] = "destructive"
			}
			actions = append(actions, a)
		}
	}
	if len(actions) > maxActions {
		// Teams shows six actions under a card: more (an NPS question's
		// eleven) go in the body, in rows of five.
		for len(actions) > 0 {
			n := min(5, len(actions))
			body = append(body, map[string]any{"type": "ActionSet", "actions": actions[:n]})
			actions = actions[n:]
		}
	}
	card := map[string]any{"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.5", "body": body}
	if len(actions) > 0 {
		card["actions"] = actions
	}
	return card
}

// Activity is the message activity that carries m: its card, and its text
// as the notification's summary.
func Activity(m bot.Message) map[string]any { return messageActivity(m, "Send") }

// messageActivity is Activity with the multiple choice's button reading
// send.
func messageActivity(m bot.Message, send string) map[string]any {
	summary := m.Title
	if summary == "" {
		summary = m.Text
	}
	if r := []rune(summary); len(r) > 120 {
		summary = string(r[:119]) + "…"
	}
	return map[string]any{"type": "message", "summary": summary,
		"attachments": []map[string]any{{"contentType": "application/vnd.microsoft.card.adaptive", "content": card(m, send)}}}
}
