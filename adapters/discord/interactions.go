package discord

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
)

// Command and reply buttons name their action in the custom id (100
// characters at most): "c:" and a short id for a signed command kept in
// memory, "r:" and a participant's answer.
const (
	commandPrefix = "c:"
	replyPrefix   = "r:"
	selectPrefix  = "s:"
)

// render is Render with command buttons behind short ids.
func (a *Adapter) render(m bot.Message) *discordgo.MessageSend {
	out := Render(m)
	var row []discordgo.MessageComponent
	for _, b := range m.Buttons {
		if b.Action.Kind == bot.ActionCommand {
			style := discordgo.SecondaryButton
			switch b.Style {
			case "primary":
				style = discordgo.PrimaryButton
			case "danger":
				style = discordgo.DangerButton
			}
			row = append(row, discordgo.Button{Label: b.Label, Style: style, CustomID: commandPrefix + a.buttons.Put(b.Action.Value)})
		}
	}
	if len(row) > 0 {
		out.Components = append(out.Components, discordgo.ActionsRow{Components: row})
	}
	return out
}

// register makes /herald an application command of the guild (or a global
// one without discord.guild_id): one subcommand per verb of the command
// language, each with the rest of the command as its "args" option.
func (a *Adapter) register(ctx context.Context) error {
	var subs []*discordgo.ApplicationCommandOption
	for _, v := range a.Verbs {
		if len(subs) == 25 { // Discord's limit
			break
		}
		subs = append(subs, &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand, Name: v,
			Description: "/herald " + v,
			Options: []*discordgo.ApplicationCommandOption{{Type: discordgo.ApplicationCommandOptionString, Name: "args",
				Description: "the rest of the command, as you would type it after /herald " + v},
				{Type: discordgo.ApplicationCommandOptionAttachment, Name: "file", Description: "a CSV file, for list import or campaign audience"}}})
	}
	cmd := &discordgo.ApplicationCommand{Name: "herald", Description: a.tr("Campaigns, lists and participant threads"), Options: subs}
	if _, err := a.s.ApplicationCommandBulkOverwrite(a.appID, a.guildID, []*discordgo.ApplicationCommand{cmd}, discordgo.WithContext(ctx)); err != nil {
		return a.classify(err, bot.StepOpen)
	}
	return nil
}

// The custom ids of the forms: new campaign, new nudge.
const (
	CampaignModal = "herald-campaign-new"
	NudgeModal    = "herald-nudge-new"
	RecipeModal   = "herald-recipe-new"
	SurveyModal   = "herald-survey-new"
)

// campaignModal is the form `/herald campaign args: new` opens (Discord's
// modals hold five text inputs).
func (a *Adapter) campaignModal() *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{CustomID: CampaignModal, Title: a.tr("New campaign"), Components: []discordgo.MessageComponent{
		modalInput("name", a.tr("Name"), "Welcome week", discordgo.TextInputShort, true, 100),
		modalInput("text", a.tr("Message"), "Hello {{first_name}}, …", discordgo.TextInputParagraph, true, 4000),
		modalInput("list", a.tr("Audience: a saved list"), "spring-2026", discordgo.TextInputShort, false, 80),
		modalInput("platform", a.tr("Platform"), "auto, discord, slack, telegram, web or email", discordgo.TextInputShort, false, 20),
		modalInput("schedule", a.tr("Schedule"), "at tomorrow 9:00 window 2h hours mon-fri 9-18 tz Europe/Paris", discordgo.TextInputShort, false, 200),
	}}
}

// surveyModal is the new-survey form: Discord takes five inputs, so the
// survey's own (its questions, its thanks) replace the campaign form's
// platform and schedule (set after with commands).
func (a *Adapter) surveyModal() *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{CustomID: SurveyModal, Title: a.tr("New survey"), Components: []discordgo.MessageComponent{
		modalInput("name", a.tr("Name"), "Session feedback", discordgo.TextInputShort, true, 100),
		modalInput("text", a.tr("Introduction"), "A few questions about the session, {{first_name}}.", discordgo.TextInputParagraph, true, 2000),
		modalInput("questions", a.tr("Questions, one per line"), "choice \"How was it?\" Great | OK | Bad\nnps \"Would you come again?\"\ntext \"Anything else?\" optional", discordgo.TextInputParagraph, true, 4000),
		modalInput("list", a.tr("Audience: a saved list"), "spring-2026", discordgo.TextInputShort, false, 80),
		modalInput("thanks", a.tr("Thank-you message"), "Thanks, see you soon!", discordgo.TextInputShort, false, 500),
	}}
}

// modalInput is one text input of a form, on a row of its own.
func modalInput(id, label, placeholder string, style discordgo.TextInputStyle, required bool, max int) discordgo.MessageComponent {
	return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{CustomID: id, Label: label,
		Style: style, Placeholder: placeholder, Required: required, MaxLength: max}}}
}

// nudgeModal is the new-nudge form: Discord's modals take five inputs.
func (a *Adapter) nudgeModal() *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{CustomID: NudgeModal, Title: a.tr("New nudge"), Components: []discordgo.MessageComponent{
		modalInput("name", a.tr("Name"), "Reminder", discordgo.TextInputShort, true, 100),
		modalInput("when", a.tr("When"), "signed_up in 3 days at 9h unless activity_completed", discordgo.TextInputShort, true, 300),
		modalInput("text", a.tr("Message"), "Hello {{first_name}}, how is {{event.course}} going?", discordgo.TextInputParagraph, true, 4000),
		modalInput("hours", a.tr("Working hours"), "mon-fri 9-18", discordgo.TextInputShort, false, 100),
		modalInput("tz", a.tr("Time zone"), "Europe/Paris", discordgo.TextInputShort, false, 64),
	}}
}

// recipeModal is the new-recipe form.
func (a *Adapter) recipeModal() *discordgo.InteractionResponseData {
	return &discordgo.InteractionResponseData{CustomID: RecipeModal, Title: a.tr("New recipe"), Components: []discordgo.MessageComponent{
		modalInput("name", a.tr("Name"), "Auto-close", discordgo.TextInputShort, true, 64),
		modalInput("when", a.tr("When"), "status pending", discordgo.TextInputShort, true, 200),
		modalInput("if", a.tr("If"), "status is pending", discordgo.TextInputShort, false, 1000),
		modalInput("do", a.tr("Do"), "wait 30m; resolve", discordgo.TextInputParagraph, true, 4000),
		modalInput("hours", a.tr("Hours"), "outside office", discordgo.TextInputShort, false, 100),
	}}
}

// modalValues reads a submitted form's inputs by custom id.
func modalValues(d discordgo.ModalSubmitInteractionData) map[string]string {
	out := map[string]string{}
	for _, c := range d.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, in := range row.Components {
			if t, ok := in.(*discordgo.TextInput); ok {
				out[t.CustomID] = strings.TrimSpace(t.Value)
			}
		}
	}
	return out
}

// attachments returns the files given as /herald's "file" options.
func attachments(d discordgo.ApplicationCommandInteractionData) []*discordgo.MessageAttachment {
	var out []*discordgo.MessageAttachment
	for _, o := range d.Options {
		for _, sub := range o.Options {
			if sub.Type != discordgo.ApplicationCommandOptionAttachment || d.Resolved == nil {
				continue
			}
			if id, ok := sub.Value.(string); ok && d.Resolved.Attachments[id] != nil {
				out = append(out, d.Resolved.Attachments[id])
			}
		}
	}
	return out
}

// MaxFileSize is the largest attachment herald reads.
const MaxFileSize = 64 << 20

// fetch downloads an attachment from Discord's CDN.
func (a *Adapter) fetch(ctx context.Context, at *discordgo.MessageAttachment) (bot.File, error) {
	f := bot.File{Name: at.Filename, ContentType: at.ContentType}
	if at.Size > MaxFileSize {
		return f, bot.Errorf(bot.EINVALID, "%s is %d MB; herald reads files up to %d MB", at.Filename, at.Size>>20, MaxFileSize>>20)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, at.URL, nil)
	if err != nil {
		return f, bot.Errorf(bot.EINVALID, "Discord gave a bad address for %s", at.Filename)
	}
	resp, err := a.s.Client.Do(req)
	if err != nil {
		return f, bot.Errorf(bot.EUNAVAILABLE, "cannot download %s from Discord: send it again", at.Filename)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return f, bot.Errorf(bot.EUNAVAILABLE, "cannot download %s from Discord (HTTP %d): send it again", at.Filename, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, MaxFileSize+1))
	if err != nil || len(data) > MaxFileSize {
		return f, bot.Errorf(bot.EUNAVAILABLE, "cannot download %s from Discord: send it again", at.Filename)
	}
	f.Data, f.Size = data, int64(len(data))
	return f, nil
}

// commandText turns /herald SUB args:"…" back into the command language.
func commandText(d discordgo.ApplicationCommandInteractionData) string {
	var words []string
	for _, o := range d.Options {
		words = append(words, o.Name)
		for _, sub := range o.Options {
			if sub.Type == discordgo.ApplicationCommandOptionString {
				words = append(words, sub.StringValue())
			}
		}
	}
	return strings.TrimSpace(strings.Join(words, " "))
}

func actorOf(i *discordgo.Interaction) bot.Actor {
	u := i.User
	if i.Member != nil && i.Member.User != nil {
		u = i.Member.User
	}
	if u == nil {
		return bot.Actor{}
	}
	name := u.GlobalName
	if name == "" {
		name = u.Username
	}
	return bot.Actor{Address: bot.Address{Platform: bot.PlatformDiscord, ID: u.ID}, Name: name}
}

// responder sends an interaction's first answer: through the REST
// callback for gateway interactions, as the HTTP response for those posted
// to the interactions endpoint.
type responder func(ctx context.Context, r *discordgo.InteractionResponse) error

// restResponder answers through the REST callback.
func (a *Adapter) restResponder(i *discordgo.Interaction) responder {
	return func(ctx context.Context, r *discordgo.InteractionResponse) error {
		return a.s.InteractionRespond(i, r, discordgo.WithContext(ctx))
	}
}

// interaction serves /herald and pressed buttons; respond sends the first
// answer.
func (a *Adapter) interaction(i *discordgo.Interaction, respond responder) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	who := actorOf(i)
	if who.Address.IsZero() {
		return
	}
	if i.Member != nil && i.GuildID == a.guildID {
		a.members.Put(who.Address.ID, i.Member.Roles, memberTTL) // the roles as the interaction carries them: no lookup
	}
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		d := i.ApplicationCommandData()
		if d.Name != "herald" || a.Handler == nil {
			return
		}
		in := bot.Inbound{Kind: bot.InboundCommand, From: who, Text: commandText(d), Forms: []string{bot.FormCampaign, bot.FormNudge, bot.FormRecipe, bot.FormSurvey}}
		for _, at := range attachments(d) {
			f, err := a.fetch(ctx, at)
			if err != nil {
				a.reply(ctx, i, respond, bot.CommandReply{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant, Text: bot.ErrorMessage(err)}}})
				return
			}
			in.Files = append(in.Files, f)
		}
		out := a.handle(ctx, in)
		if out.Form == bot.FormCampaign || out.Form == bot.FormNudge || out.Form == bot.FormRecipe || out.Form == bot.FormSurvey {
			data := a.campaignModal()
			switch out.Form {
			case bot.FormNudge:
				data = a.nudgeModal()
			case bot.FormRecipe:
				data = a.recipeModal()
			case bot.FormSurvey:
				data = a.surveyModal()
			}
			err := respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseModal, Data: data})
			if err == nil {
				return
			}
			a.log.Error("discord: opening a form", "form", out.Form, "err", a.classify(err, bot.StepSend))
			in.Forms = nil
			out = a.handle(ctx, in)
		}
		a.replyAll(ctx, i, respond, out.Replies)
	case discordgo.InteractionModalSubmit:
		d := i.ModalSubmitData()
		form := map[string]string{CampaignModal: bot.FormCampaign, NudgeModal: bot.FormNudge, RecipeModal: bot.FormRecipe, SurveyModal: bot.FormSurvey}[d.CustomID]
		if form == "" || a.Handler == nil {
			return
		}
		out := a.handle(ctx, bot.Inbound{Kind: bot.InboundForm, From: who, Form: form, Fields: modalValues(d)})
		a.replyAll(ctx, i, respond, out.Replies)
	case discordgo.InteractionMessageComponent:
		id := i.MessageComponentData().CustomID
		// Answer at once: the pressed message is updated below.
		if err := respond(ctx, &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredMessageUpdate}); err != nil {
			a.log.Warn("discord: acknowledging a button", "err", a.classify(err, bot.StepSend))
		}
		if key, ok := strings.CutPrefix(id, commandPrefix); ok && a.Handler != nil {
			signed, known := a.buttons.Get(key)
			if !known {
				// An empty value: the handler says the button is from before a restart.
				for _, reply := range a.handle(ctx, bot.Inbound{Kind: bot.InboundButton, From: who}).Replies {
					for _, m := range reply.Messages {
						a.followup(ctx, i, m, true)
					}
				}
				return
			}
			for _, reply := range a.handle(ctx, bot.Inbound{Kind: bot.InboundButton, From: who, Signed: signed}).Replies {
				for k, m := range reply.Messages {
					if m.Campaign == 0 || reply.Private {
						continue
					}
					r := a.render(m)
					if _, err := a.s.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: &r.Content, Embeds: &r.Embeds, Components: &r.Components}, discordgo.WithContext(ctx)); err == nil {
						reply.Messages = slices.Delete(reply.Messages, k, k+1)
					}
					break
				}
				for _, m := range reply.Messages {
					a.followup(ctx, i, m, reply.Private)
				}
			}
			return
		}
		if v, ok := strings.CutPrefix(id, replyPrefix); ok && i.GuildID == "" {
			a.handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: who, ID: "i" + i.ID, Text: v})
		}
		if v, ok := strings.CutPrefix(id, selectPrefix); ok && i.GuildID == "" {
			// A select menu: what is picked, whole.
			a.handle(ctx, bot.Inbound{Kind: bot.InboundParticipantMessage, From: who, ID: "i" + i.ID, Text: v + strings.Join(i.MessageComponentData().Values, ",")})
		}
	}
}

// replyAll answers an interaction with the first reply (see reply), and
// the others as follow-ups.
func (a *Adapter) replyAll(ctx context.Context, i *discordgo.Interaction, respond responder, rs []bot.CommandReply) {
	if len(rs) == 0 {
		rs = []bot.CommandReply{{}}
	}
	a.reply(ctx, i, respond, rs[0])
	for _, r := range rs[1:] {
		for _, m := range r.Messages {
			a.followup(ctx, i, m, r.Private)
		}
	}
}

// reply answers a slash command: the first message as the interaction's
// answer, the others as follow-ups; private replies only the moderator
// sees.
func (a *Adapter) reply(ctx context.Context, i *discordgo.Interaction, respond responder, r bot.CommandReply) {
	if len(r.Messages) == 0 {
		r.Messages = []bot.Message{{Kind: bot.KindSuccess, Text: a.tr("Done.")}}
	}
	var flags discordgo.MessageFlags
	if r.Private {
		flags = discordgo.MessageFlagsEphemeral
	}
	rest := r.Messages[1:]
	resp := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: &discordgo.InteractionResponseData{Flags: flags}}
	if first := r.Messages[0]; i.GuildID != "" && first.Campaign != 0 && !r.Private && a.OnCard != nil && len(first.Files) == 0 {
		// The card goes in the channel as the bot's message, kept up to
		// date; the interaction is answered first (Discord waits three
		// seconds), only to the moderator.
		ack := &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: fmt.Sprintf("#%d ↓", first.Campaign), Flags: discordgo.MessageFlagsEphemeral}}
		if err := respond(ctx, ack); err != nil {
			a.log.Error("discord: answering /herald", "err", a.classify(err, bot.StepSend))
			return
		}
		if !a.postCard(ctx, i.ChannelID, first, false) {
			a.followup(ctx, i, first, false)
		}
		for _, m := range rest {
			a.followup(ctx, i, m, r.Private)
		}
		return
	}
	if len(r.Messages[0].Files) == 0 {
		first := a.render(r.Messages[0])
		resp = &discordgo.InteractionResponse{Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: first.Content, Embeds: first.Embeds, Components: first.Components, Flags: flags}}
	} else {
		rest = r.Messages // files go as follow-ups, which carry attachments
	}
	if err := respond(ctx, resp); err != nil {
		a.log.Error("discord: answering /herald", "err", a.classify(err, bot.StepSend))
		return
	}
	for _, m := range rest {
		a.followup(ctx, i, m, r.Private)
	}
}

func (a *Adapter) followup(ctx context.Context, i *discordgo.Interaction, m bot.Message, private bool) {
	if i.GuildID != "" && a.postCard(ctx, i.ChannelID, m, private) {
		return
	}
	r := a.render(m)
	p := &discordgo.WebhookParams{Content: r.Content, Embeds: r.Embeds, Components: r.Components, Files: r.Files}
	if private {
		p.Flags = discordgo.MessageFlagsEphemeral
	}
	// A 429 is waited out (a few times), not a reply dropped. The files'
	// readers are read once: a retry renders them again.
	for try := 0; ; try++ {
		_, err := a.s.FollowupMessageCreate(i, true, p, discordgo.WithContext(ctx))
		if err == nil {
			return
		}
		err = a.classify(err, bot.StepSend)
		d, limited := bot.ErrorRetryAfter(err)
		if !limited || try == 3 {
			a.log.Error("discord: following up", "err", err)
			return
		}
		if clock.Sleep(ctx, clock.System(), min(d, 30*time.Second)) != nil {
			a.log.Error("discord: following up", "err", err)
			return
		}
		p.Files = a.render(m).Files
	}
}

// memberTTL is how long a member's roles are kept: those an interaction
// or a message carries, or looked up.
const memberTTL = time.Minute

// IsMember says whether user has the role in the guild (discord.guild_id):
// moderators.discord.group names a role. A member's roles are kept a
// minute, so that a form that runs several commands, or a moderator
// typing in threads, looks them up once, not against the rate limit each
// time.
func (a *Adapter) IsMember(ctx context.Context, user bot.Address, role string) (bool, error) {
	if user.Platform != bot.PlatformDiscord || a.guildID == "" {
		return false, nil
	}
	if roles, ok := a.members.Get(user.ID); ok {
		return slices.Contains(roles, role), nil
	}
	m, err := a.s.GuildMember(a.guildID, user.ID, discordgo.WithContext(ctx))
	if err != nil {
		if e := a.classify(err, bot.StepResolve); bot.ErrorCode(e) == bot.ENOTFOUND || strings.Contains(err.Error(), "10007") {
			a.members.Put(user.ID, nil, memberTTL)
			return false, nil
		} else {
			return false, e
		}
	}
	a.members.Put(user.ID, m.Roles, memberTTL)
	return slices.Contains(m.Roles, role), nil
}
