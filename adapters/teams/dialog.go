package teams

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/heraldchat/herald/adapters/internal"
	"github.com/heraldchat/herald/bot"
)

// formKey names the form a dialog's card carries in its data.
const formKey = "herald_form"

// formTitles are the dialogs' titles, by form.
var formTitles = map[string]string{bot.FormCampaign: "New campaign", bot.FormSurvey: "New survey"}

// formOpener is the card that opens a form's dialog: Teams opens dialogs
// from a button (task/fetch), not from a command.
func formOpener(form string) map[string]any {
	card := map[string]any{"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.5",
		"body": []map[string]any{{"type": "TextBlock", "text": formTitles[form], "weight": "Bolder", "size": "Medium", "wrap": true}},
		"actions": []map[string]any{{"type": "Action.Submit", "title": "Open the form", "style": "positive",
			"data": map[string]any{"msteams": map[string]string{"type": "task/fetch"}, formKey: form}}}}
	return map[string]any{"type": "message", "summary": formTitles[form],
		"attachments": []map[string]any{{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}}}
}

// formCard is a form's dialog: its inputs, as the campaign forms of the
// other surfaces have them, and a submit.
func (a *Adapter) formCard(form string) map[string]any {
	tr := func(s string) string { return internal.FormText(a.cfg.Locale, s) }
	text := func(id, label, placeholder string, multiline, required bool) map[string]any {
		return map[string]any{"type": "Input.Text", "id": id, "label": tr(label), "placeholder": placeholder, "isMultiline": multiline, "isRequired": required}
	}
	body := []map[string]any{text("name", "Name", "Welcome week", false, true)}
	switch form {
	case bot.FormSurvey:
		body = append(body, text("text", "Introduction", "A few questions about the session, {{first_name}}.", true, true),
			text("questions", "Questions, one per line", `choice "How was it?" Great | OK | Bad`, true, true),
			text("thanks", "Thank-you message", "Thanks, see you soon!", false, false))
	default:
		body = append(body, text("text", "Message", "Hello {{first_name}}, …", true, true))
	}
	body = append(body, text("list", "Audience: a saved list", "spring-2026", false, false),
		map[string]any{"type": "Input.ChoiceSet", "id": "platform", "label": tr("Platform"), "value": "auto", "choices": []map[string]string{
			{"title": "auto", "value": "auto"}, {"title": "Teams", "value": "teams"}, {"title": "email", "value": "email"}, {"title": "web", "value": "web"}}})
	if form == bot.FormCampaign {
		body = append(body, text("schedule", "Schedule", "at tomorrow 9:00 window 2h hours mon-fri 9-18 tz Europe/Paris", false, false))
	}
	return map[string]any{"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.5", "body": body,
		"actions": []map[string]any{{"type": "Action.Submit", "title": tr("Create draft"), "style": "positive", "data": map[string]string{formKey: form}}}}
}

// invoke answers a dialog's invoke: task/fetch with the form's card,
// task/submit by running the form (as the commands a moderator would
// type, each checked) and posting its answers in the conversation.
func (a *Adapter) invoke(ctx context.Context, act activity) map[string]any {
	var v struct {
		Data map[string]any `json:"data"`
	}
	json.Unmarshal(act.Value, &v)
	form, _ := v.Data[formKey].(string)
	if _, ok := formTitles[form]; !ok || a.Handler == nil {
		return map[string]any{"task": map[string]any{"type": "message", "value": "herald has no such form."}}
	}
	from := bot.Actor{Address: bot.Address{Platform: bot.PlatformTeams, ID: act.From.ID}, Name: act.From.Name}
	switch act.Name {
	case "task/fetch":
		return map[string]any{"task": map[string]any{"type": "continue", "value": map[string]any{"title": formTitles[form], "height": "large", "width": "medium",
			"card": map[string]any{"contentType": "application/vnd.microsoft.card.adaptive", "content": a.formCard(form)}}}}
	case "task/submit":
		fields := map[string]string{}
		for k, x := range v.Data {
			if s, ok := x.(string); ok && k != formKey && k != "msteams" {
				fields[k] = strings.TrimSpace(s)
			}
		}
		out, err := a.Handler.Handle(ctx, bot.Inbound{Kind: bot.InboundForm, From: from, Form: form, Fields: fields})
		if err != nil {
			a.cfg.Log.Error("teams: running a form", "err", err)
			return map[string]any{"task": map[string]any{"type": "message", "value": "herald could not run the form: try again."}}
		}
		a.answer(ctx, act, out.Replies)
		return map[string]any{"task": map[string]any{"type": "message", "value": internal.FormText(a.cfg.Locale, "Done.")}}
	}
	return map[string]any{"task": map[string]any{"type": "message", "value": "herald has no such dialog."}}
}
