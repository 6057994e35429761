package slack

import (
	"context"
	"strings"
	"time"

	slk "github.com/slack-go/slack"

	"github.com/heraldchat/herald/bot"
)

// The modals' callback ids.
const (
	CampaignModal = "herald-campaign-new"
	ImportModal   = "herald-list-import"
	NudgeModal    = "herald-nudge-new"
	RecipeModal   = "herald-recipe-new"
	SurveyModal   = "herald-survey-new"
)

// modalOf returns the modal of a form (bot.FormCampaign,
// bot.FormListImport, bot.FormNudge, bot.FormRecipe).
func modalOf(form string) string {
	switch form {
	case bot.FormListImport:
		return ImportModal
	case bot.FormNudge:
		return NudgeModal
	case bot.FormRecipe:
		return RecipeModal
	case bot.FormSurvey:
		return SurveyModal
	}
	return CampaignModal
}

func plain(s string) *slk.TextBlockObject {
	return slk.NewTextBlockObject(slk.PlainTextType, s, false, false)
}

// input is an input block with one element, whose block and action ids are
// both id.
func input(id, label, hint string, optional bool, el slk.BlockElement) slk.Block {
	var h *slk.TextBlockObject
	if hint != "" {
		h = plain(hint)
	}
	b := slk.NewInputBlock(id, plain(label), h, el)
	b.Optional = optional
	return b
}

// live makes an input block report its changes as they are typed (for the
// preview).
func live(b slk.Block) slk.Block {
	ib := b.(*slk.InputBlock)
	ib.DispatchAction = true
	if e, ok := ib.Element.(*slk.PlainTextInputBlockElement); ok {
		e.DispatchActionConfig = &slk.DispatchActionConfig{TriggerActionsOn: []string{"on_character_entered"}}
	}
	return ib
}

// noPreview is the preview before anything is typed.
const noPreview = "_The preview shows here as you type._"

func textInput(id, placeholder string, multiline bool) *slk.PlainTextInputBlockElement {
	e := slk.NewPlainTextInputBlockElement(plain(placeholder), id)
	e.Multiline = multiline
	return e
}

func choice(id string, values ...string) *slk.SelectBlockElement {
	var opts []*slk.OptionBlockObject
	for _, v := range values {
		opts = append(opts, slk.NewOptionBlockObject(v, plain(v), nil))
	}
	e := slk.NewOptionsSelectBlockElement(slk.OptTypeStatic, plain(values[0]), id, opts...)
	e.InitialOption = opts[0]
	return e
}

func csvInput(id string) *slk.FileInputBlockElement {
	return slk.NewFileInputBlockElement(id).WithFileTypes("csv", "txt", "tsv").WithMaxFiles(1)
}

// modal builds the form for callback id; metadata is the channel to
// answer in; preview is what the campaign form shows under the message.
func (a *Adapter) modal(id, channel, preview string) slk.ModalViewRequest {
	v := slk.ModalViewRequest{Type: slk.VTModal, CallbackID: id, PrivateMetadata: channel, Close: plain(a.tr("Cancel"))}
	switch id {
	case CampaignModal:
		v.Title, v.Submit = plain(a.tr("New campaign")), plain(a.tr("Create draft"))
		v.Blocks.BlockSet = []slk.Block{
			input("name", a.tr("Name"), a.tr("Moderators see it; recipients do not."), false, textInput("name", "Welcome week", false)),
			input("kind", a.tr("Kind"), a.tr(""), false, choice("kind", "message", "card", "important", "success", "idea")),
			input("title", a.tr("Title"), a.tr("Cards and notices show it above the text."), true, textInput("title", "Welcome!", false)),
			live(input("text", a.tr("Message"), a.tr("{{first_name}} and any column of the file are replaced per recipient."), false, textInput("text", "Hello {{first_name}}, …", true))),
			live(input("list", a.tr("Audience: a saved list"), a.tr("Or upload a file below. The preview uses its first recipient."), true, textInput("list", "spring-2026", false))),
			slk.NewContextBlock("preview", slk.NewTextBlockObject(slk.MarkdownType, preview, false, false)),
			input("file", a.tr("Audience: a CSV file"), a.tr("An email, respondentID or slack_id column, and any others."), true, csvInput("file")),
			input("platform", a.tr("Platform"), a.tr("auto: where each recipient is reachable."), false, choice("platform", "auto", "slack", "telegram", "discord", "teams", "web", "email")),
			input("at", a.tr("Start"), a.tr("tomorrow 9:00, 2026-12-01 14:30 … Empty: when you press Start."), true, textInput("at", "tomorrow 9:00", false)),
			input("window", a.tr("Sending window"), a.tr("How long sending may take, e.g. 2h."), true, textInput("window", "2h", false)),
			input("hours", a.tr("Working hours"), a.tr("e.g. mon-fri 9-18"), true, textInput("hours", "mon-fri 9-18", false)),
			input("tz", a.tr("Time zone"), a.tr("e.g. Europe/Paris"), true, textInput("tz", "Europe/Paris", false)),
		}
	case SurveyModal:
		v.Title, v.Submit = plain(a.tr("New survey")), plain(a.tr("Create draft"))
		v.Blocks.BlockSet = []slk.Block{
			input("name", a.tr("Name"), a.tr("Moderators see it; recipients do not."), false, textInput("name", "Session feedback", false)),
			input("text", a.tr("Introduction"), a.tr("Sent with the first question; {{first_name}} and any column are replaced."), false, textInput("text", "A few questions about the session, {{first_name}}.", true)),
			input("questions", a.tr("Questions, one per line"), a.tr("choice, multi, rating, nps or text; the question in quotes; choices separated by |; optional."), false,
				textInput("questions", "choice \"How was it?\" Great | OK | Bad", true)),
			input("thanks", a.tr("Thank-you message"), a.tr("Sent after the last answer."), true, textInput("thanks", "Thanks, see you soon!", false)),
			input("list", a.tr("Audience: a saved list"), a.tr("Or upload a file below."), true, textInput("list", "spring-2026", false)),
			input("file", a.tr("Audience: a CSV file"), a.tr("An email, respondentID or slack_id column, and any others."), true, csvInput("file")),
			input("platform", a.tr("Platform"), a.tr("auto: where each recipient is reachable."), false, choice("platform", "auto", "slack", "telegram", "discord", "teams", "web", "email")),
		}
	case NudgeModal:
		v.Title, v.Submit = plain(a.tr("New nudge")), plain(a.tr("Create, off"))
		v.Blocks.BlockSet = []slk.Block{
			input("name", a.tr("Name"), a.tr("Moderators see it; recipients do not."), false, textInput("name", "Reminder", false)),
			input("when", a.tr("When"), a.tr("The event, the delay, then unless, until, once or each time."), false, textInput("when", "signed_up in 3 days at 9h unless activity_completed", false)),
			input("text", a.tr("Message"), a.tr("{{first_name}} reads the contact, {{event.x}} the event."), false, textInput("text", "Hello {{first_name}}, how is {{event.course}} going?", true)),
			input("hours", a.tr("Working hours"), a.tr("e.g. mon-fri 9-18"), true, textInput("hours", "mon-fri 9-18", false)),
			input("tz", a.tr("Time zone"), a.tr("e.g. Europe/Paris"), true, textInput("tz", "Europe/Paris", false)),
		}
	case RecipeModal:
		v.Title, v.Submit = plain(a.tr("New recipe")), plain(a.tr("Create, off"))
		v.Blocks.BlockSet = []slk.Block{
			input("name", a.tr("Name"), a.tr("Moderators see it; recipients do not."), false, textInput("name", "Auto-close", false)),
			input("when", a.tr("When"), a.tr("new conversation, new message, status pending, tag added vip, event NAME"), false, textInput("when", "status pending", false)),
			input("if", a.tr("If"), a.tr("all, filter NAME, or message contains \"refund\" and platform is slack"), true, textInput("if", "status is pending", false)),
			input("do", a.tr("Do"), a.tr("Actions in order, separated by ;"), false, textInput("do", "wait 30m; resolve", true)),
			input("hours", a.tr("Hours"), a.tr("always, during CALENDAR or outside CALENDAR"), true, textInput("hours", "outside office", false)),
		}
	case ImportModal:
		v.Title, v.Submit = plain(a.tr("Import a list")), plain(a.tr("Import"))
		v.Blocks.BlockSet = []slk.Block{
			input("name", a.tr("List name"), a.tr("Letters, digits, - or _."), false, textInput("name", "spring-2026", false)),
			input("mode", a.tr("If the list exists"), a.tr("merge updates and adds; replace makes it exactly the file."), false, choice("mode", "merge", "replace")),
			input("file", a.tr("CSV file"), a.tr("An email, respondentID or slack_id column, and any others."), false, csvInput("file")),
		}
	}
	return v
}

// openModal opens the form for id with the trigger of a slash command.
func (a *Adapter) openModal(ctx context.Context, id, triggerID, channel string) error {
	if _, err := a.api.OpenViewContext(ctx, triggerID, a.modal(id, channel, noPreview)); err != nil {
		return a.classify(err)
	}
	return nil
}

// viewState is a submitted form's values: block id → action id → value.
type viewState map[string]map[string]struct {
	Value          string `json:"value"`
	SelectedOption *struct {
		Value string `json:"value"`
	} `json:"selected_option"`
	Files []sharedFile `json:"files"`
}

func (s viewState) get(id string) string {
	v, ok := s[id][id]
	if !ok {
		return ""
	}
	if v.SelectedOption != nil {
		return v.SelectedOption.Value
	}
	return strings.TrimSpace(v.Value)
}

func (s viewState) files(id string) []sharedFile { return s[id][id].Files }

// submitted hands a submitted form to the handler, which runs it as the
// commands a moderator would type, and answers in the channel the form
// was opened from: the new campaign's card, or what went wrong.
func (a *Adapter) submitted(ctx context.Context, who bot.Actor, callbackID, channel string, st viewState) {
	in := bot.Inbound{Kind: bot.InboundForm, From: who, Fields: map[string]string{}}
	var fields []string
	switch callbackID {
	case ImportModal:
		in.Form, fields = bot.FormListImport, []string{"name", "mode"}
	case CampaignModal:
		in.Form, fields = bot.FormCampaign, []string{"name", "kind", "title", "text", "list", "platform", "at", "window", "hours", "tz"}
	case SurveyModal:
		in.Form, fields = bot.FormSurvey, []string{"name", "text", "questions", "thanks", "list", "platform"}
	case NudgeModal:
		in.Form, fields = bot.FormNudge, []string{"name", "when", "text", "hours", "tz"}
	case RecipeModal:
		in.Form, fields = bot.FormRecipe, []string{"name", "when", "if", "do", "hours"}
	default:
		return
	}
	for _, k := range fields {
		in.Fields[k] = st.get(k)
	}
	if fs := st.files("file"); len(fs) > 0 {
		f, err := a.fetch(ctx, fs[0])
		if err != nil {
			a.answer(ctx, channel, who.Address.ID, "", bot.CommandReply{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant, Text: bot.ErrorMessage(err)}}})
			return
		}
		in.Files = []bot.File{f}
	}
	a.answerAll(ctx, channel, who.Address.ID, "", a.handle(ctx, in).Replies)
}

// Previewer personalises a draft message with the first recipient of a
// list (lists.Service), for the campaign form's preview.
type Previewer interface {
	Preview(ctx context.Context, list string, m bot.Message, at time.Time) (bot.Message, error)
}

// preview redraws the campaign form's preview from what is typed so far:
// the message as the list's first recipient would read it, or what is
// wrong with it. Slack keeps the values typed in the inputs.
func (a *Adapter) preview(ctx context.Context, v viewPayload) {
	st := v.State.Values
	text := noPreview
	if st.get("text") != "" {
		m := bot.Message{Kind: bot.Kind(st.get("kind")), Title: st.get("title"), Text: st.get("text")}
		if m.Kind == "" {
			m.Kind = bot.KindMessage
		}
		if a.Previews == nil {
			text = m.Text
		} else if p, err := a.Previews.Preview(ctx, st.get("list"), m, a.cfg.Clock.Now()); err != nil {
			text = ":warning: " + bot.ErrorMessage(err)
		} else {
			text = "*Preview*"
			if st.get("list") != "" {
				text += " (first recipient of " + st.get("list") + ")"
			}
			text += ":\n" + p.Text
		}
	}
	if r := []rune(text); len(r) > 2900 { // a context block holds 3000 characters
		text = string(r[:2900]) + "…"
	}
	if _, err := a.api.UpdateViewContext(ctx, a.modal(v.CallbackID, v.PrivateMetadata, text), "", v.Hash, v.ID); err != nil {
		a.log.Warn("slack: updating the form's preview", "err", a.classify(err))
	}
}

// viewPayload is the part of a view_submission herald reads.
type viewPayload struct {
	ID              string `json:"id"`
	Hash            string `json:"hash"`
	CallbackID      string `json:"callback_id"`
	PrivateMetadata string `json:"private_metadata"`
	State           struct {
		Values viewState `json:"values"`
	} `json:"state"`
}
