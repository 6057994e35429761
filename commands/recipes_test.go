package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/commands"
)

// The README's two worked examples, typed as a moderator types them, then
// played: herald acts as they say, and the history says so.
func TestRecipeCommandsWorkedExamples(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	say := func(text, want string) string {
		t.Helper()
		r := w.run(mo, text)
		got := render(r)
		if !strings.Contains(got, want) {
			t.Fatalf("%s:\n%s\nwant it to say %q", text, got, want)
		}
		return got
	}
	// 1. Resolve after 30 minutes without an answer.
	say("recipe new Auto-close", "Recipe #1 *Auto-close* created, off")
	say("recipe when 1 status pending", "when status pending")
	say("recipe if 1 status is pending", "if status is pending")
	say("recipe do 1 wait 30m; resolve", "wait 30m; resolve")
	say("recipe enable 1", "is on")
	// 2. Notify #support on the 5th message about refunds, at most
	// hourly, outside business hours.
	say("calendar new office tz Europe/Paris mon-fri 9-12 mon-fri 13-18 closed 2026-12-25", "Calendar *office*: Mon,Tue,Wed,Thu,Fri 09:00–12:00 · Mon,Tue,Wed,Thu,Fri 13:00–18:00 · closed 2026-12-25 · Europe/Paris")
	say("recipe new Refunds", "Recipe #2")
	say("recipe when 2 new message", "when new message")
	say(`recipe if 2 message contains "refund"`, `if message contains "refund"`)
	say(`recipe do 2 notify slack:CSUPPORT after 5 at most hourly "{{count}} messages about refunds: the last from {{contact}}"`, "notify slack:CSUPPORT after 5 every 1h")
	say("recipe hours 2 outside office", "(outside the hours of office)")
	say("recipe enable 2", "is on")
	info := say("recipe info 2", "*Recipe #2 Refunds* (on)")
	if !strings.Contains(info, `lower(message) contains "refund"`) {
		t.Errorf("info does not show the expression:\n%s", info)
	}
	say("recipes", "#1 *Auto-close* · on")
	say("calendar delete office", "recipe 2 (Refunds) runs by calendar office")

	// Played. t0 is a Tuesday at 10:00 UTC (11:00 in Paris): open.
	zoe := bot.Address{Platform: bot.PlatformSlack, ID: "UZOE"}
	if _, err := w.threads.Receive(ctx, threads.Incoming{From: zoe, Name: "Zoe", Message: bot.Message{Text: "Hi, a refund?"}}); err != nil {
		t.Fatal(err)
	}
	c, _ := w.db.ConversationByParticipant(ctx, zoe)
	if _, err := w.threads.Reply(ctx, c.Thread, mo, bot.Message{Text: "Looking into it"}); err != nil {
		t.Fatal(err)
	}
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	w.clock.Advance(31 * time.Minute)
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.db.Conversation(ctx, c.ID); got.Status != bot.ConversationResolved {
		t.Fatalf("not resolved 30 minutes after the answer: %s", got.Status)
	}
	hist := render(w.mux.Serve(ctx, &commands.Request{Actor: mo, Text: "history", Thread: c.Thread}))
	if !strings.Contains(hist, "recipe Auto-close closed the conversation (pending → resolved)") {
		t.Fatalf("history:\n%s", hist)
	}
	// In office hours the refund message counted for nothing; in the
	// evening five do.
	w.clock.Set(time.Date(2026, 11, 24, 19, 0, 0, 0, time.UTC))
	for i := range 5 {
		from := bot.Address{Platform: bot.PlatformSlack, ID: "UP" + string(rune('A'+i))}
		w.threads.Receive(ctx, threads.Incoming{From: from, Name: "P", Message: bot.Message{Text: "Refund please"}})
	}
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	posts, _ := w.db.Outbox(ctx, 0, 0)
	var told []string
	for _, p := range posts {
		if p.To.ID == "CSUPPORT" {
			told = append(told, p.Message.Text)
		}
	}
	if len(told) != 1 || !strings.HasPrefix(told[0], "5 messages about refunds: the last from P (slack:UPE)") {
		t.Fatalf("notifications: %q", told)
	}
}

func TestRecipeCommandsRefuseWhatCannotWork(t *testing.T) {
	w := newWorld(t, commands.LocaleFrench)
	w.run(mo, "recipe new Essai")
	for _, tc := range []struct{ text, want string }{
		{"recipe enable 1", "pas encore de déclencheur"},
		{"recipe when 1 statut endormi", "ouverte, en attente ou résolue"},
		{"recipe when 1 nouveau message extra", "dites quand elle se déclenche"},
		{"recipe if 1 plateforme est myspace", "n'est pas une plateforme"},
		{"recipe if 1 platfrom is slack", `vouliez-vous dire "platform"`},
		{"recipe do 1 explose", "n'est pas une action"},
		{"recipe do 1 attendre 30m", "une attente est suivie de ce qu'elle attend"},
		{`recipe do 1 notify slack:C1 "x" after 5`, "vient en dernier"},
		{`recipe do 1 reply "unclosed; resolve`, "n'est pas fermé"},
		{"recipe hours 1 pendant bureau", "pas de calendrier nommé bureau"},
		{"recipe info 9", "pas de recette n°9"},
		{"calendar new bureau lun-ven", "n'ont pas d'heures"},
		{"calendar new bureau tz Mars/X 9-18", "unknown time zone"},
	} {
		if got := render(w.run(mo, tc.text)); !strings.Contains(got, tc.want) {
			t.Errorf("%s:\n%s\nwant %q", tc.text, got, tc.want)
		}
	}
}

// Webhooks from chat: the secret is shown once, privately; nothing shows
// it, nor the Authorization header, again; a URL that could reach inside
// the network is refused; one a recipe calls cannot be deleted.
func TestWebhookCommands(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	r := w.run(mo, `webhook new crm https://crm.example.org/herald?token=abc vars contact,message desc "the CRM"`)
	created := render(r)
	if !r.Private || !strings.Contains(created, "whsec_") || strings.Contains(created, "token=abc") {
		t.Fatalf("webhook new:\n%s", created)
	}
	secret := created[strings.Index(created, "whsec_"):]
	secret = secret[:strings.Index(secret, "`")]
	if r := render(w.run(mo, `webhook auth crm "Bearer top-secret"`)); !strings.Contains(r, "never shown") {
		t.Fatalf("webhook auth: %s", r)
	}
	for _, cmd := range []string{"webhook list", "webhook info crm", "webhook log crm", "webhook test crm", "webhook log crm"} {
		got := render(w.run(mo, cmd))
		if strings.Contains(got, secret) || strings.Contains(got, "top-secret") || strings.Contains(got, "token=abc") {
			t.Fatalf("%s shows a secret:\n%s", cmd, got)
		}
	}
	if got := render(w.run(mo, "webhook info crm")); !strings.Contains(got, "POST crm.example.org · json · contact,message · on · the CRM") {
		t.Fatalf("webhook info: %s", got)
	}
	for cmd, want := range map[string]string{
		"webhook new local http://127.0.0.1:8080/x":    "https://",
		"webhook new meta https://169.254.169.254/x":   "private address (169.254.169.254)",
		"webhook new cgn https://100.64.0.1/x":         "private address",
		"webhook new crm https://crm.example.org/x":    "already named crm",
		"webhook new bad https://x.example.org vars x": "a webhook carries",
	} {
		if got := render(w.run(mo, cmd)); !strings.Contains(got, want) {
			t.Errorf("%s:\n%s\nwant %q", cmd, got, want)
		}
	}
	w.run(mo, "recipe new Sync")
	if got := render(w.run(mo, "recipe do 1 webhook nothere")); !strings.Contains(got, "no webhook named nothere") {
		t.Fatalf("a recipe calling a webhook that is not: %s", got)
	}
	if got := render(w.run(mo, "recipe do 1 tag add lead; webhook crm vars contact")); !strings.Contains(got, "tag add lead; webhook crm vars contact") {
		t.Fatalf("recipe do with a webhook: %s", got)
	}
	if got := render(w.run(mo, "webhook delete crm")); !strings.Contains(got, "recipe 1 (Sync) calls webhook crm") {
		t.Fatalf("deleting a webhook in use: %s", got)
	}
	if due, _ := w.db.DueWebhooks(ctx, w.clock.Now(), 0); len(due) != 1 || !strings.HasPrefix(due[0].MsgID, "msg_test_") {
		t.Fatalf("the test delivery: %+v", due)
	}
	// A webhook in use is changed in place: its secrets stay.
	if got := render(w.run(mo, `webhook edit crm https://crm.example.org/v2?token=def get form vars all desc "the new CRM"`)); !strings.Contains(got, "Webhook *crm* changed: GET to crm.example.org, form, with all.") ||
		strings.Contains(got, "token=def") {
		t.Fatalf("webhook edit: %s", got)
	}
	if got := render(w.run(mo, "webhook info crm")); !strings.Contains(got, "GET crm.example.org · form · all · on · the new CRM") {
		t.Fatalf("webhook info after the edit: %s", got)
	}
	if sign, auth, err := w.db.WebhookSecrets(ctx, "crm"); err != nil || sign != secret || auth != "Bearer top-secret" {
		t.Fatalf("the secrets after the edit: %q %q %v", sign, auth, err)
	}
	for cmd, want := range map[string]string{
		"webhook edit crm http://crm.example.org/x": "https://",
		"webhook edit crm sideways":                 "sideways",
		"webhook edit nothere post":                 "no webhook named nothere",
	} {
		if got := render(w.run(mo, cmd)); !strings.Contains(got, want) {
			t.Errorf("%s:\n%s\nwant %q", cmd, got, want)
		}
	}
}

// A recipe's reply for approval: a card in the thread with Approve and
// Discard buttons; a stranger's press is refused, a moderator's sends it
// once, a second press or the typed command finds it gone; a draft can be
// edited and then sent by typing.
func TestApprovalFlow(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	w.run(mo, "recipe new Refund-answer")
	w.run(mo, "recipe when 1 new message")
	w.run(mo, `recipe if 1 message contains "refund"`)
	if got := render(w.run(mo, `recipe do 1 approve "Your refund is on its way."; draft "We will write again tomorrow."`)); !strings.Contains(got, `approve "Your refund is on its way."; draft`) {
		t.Fatalf("recipe do: %s", got)
	}
	w.run(mo, "recipe enable 1")
	zoe := bot.Address{Platform: bot.PlatformSlack, ID: "UZOE"}
	w.threads.Receive(ctx, threads.Incoming{From: zoe, Name: "Zoe", Message: bot.Message{Text: "Where is my refund?"}})
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	c, _ := w.db.ConversationByParticipant(ctx, zoe)
	if len(c.Drafts) != 2 {
		t.Fatalf("drafts: %+v", c.Drafts)
	}
	var card, plain bot.Message
	for _, s := range w.slack.Sent() {
		if s.Thread == c.Thread && strings.Contains(s.Message.Title, "for approval") {
			card = s.Message
		}
		if s.Thread == c.Thread && strings.Contains(s.Message.Title, "Draft reply #2") {
			plain = s.Message
		}
	}
	if len(card.Buttons) != 3 || card.Buttons[0].Label != "Approve" || card.Buttons[1].Label != "Edit" || card.Buttons[2].Label != "Discard" ||
		!strings.Contains(card.Text, "`draft send 1`") {
		t.Fatalf("the approval card: %+v", card)
	}
	if len(plain.Buttons) != 3 || plain.Buttons[0].Label != "Send" {
		t.Fatalf("the draft's card: %+v", plain)
	}
	if len(w.slack.SentTo(zoe)) != 0 {
		t.Fatal("a draft went to the participant before approval")
	}
	press := func(a bot.Actor, v string) string { // as Slack and Telegram hand a press: without its thread
		return render(w.mux.Serve(ctx, &commands.Request{Actor: a, Signed: v}))
	}
	approve := card.Buttons[0].Action.Value
	if got := press(stray, approve); !strings.Contains(got, "only moderators") {
		t.Fatalf("a stranger approved: %s", got)
	}
	if got := press(mo, approve); !strings.Contains(got, "Draft #1 sent, approved by Mo") {
		t.Fatalf("approve: %s", got)
	}
	if got := press(mo, approve); !strings.Contains(got, "already used") {
		t.Fatalf("a second press: %s", got)
	}
	in := func(text string) string {
		return render(w.mux.Serve(ctx, &commands.Request{Actor: mo, Text: text, Thread: c.Thread}))
	}
	if got := in("draft send 1"); !strings.Contains(got, "no draft #1 here") {
		t.Fatalf("typed after the press: %s", got)
	}
	if sent := w.slack.SentTo(zoe); len(sent) != 1 || sent[0].Text != "Your refund is on its way." {
		t.Fatalf("Zoe got %+v", sent)
	}
	// Edit: the draft as it stands, and how to change it, to the
	// moderator alone.
	if got := press(mo, plain.Buttons[1].Action.Value); !strings.Contains(got, "private") && !strings.Contains(got, "`draft edit 2`") ||
		!strings.Contains(got, "We will write again tomorrow.") {
		t.Fatalf("the Edit button: %s", got)
	}
	in("draft edit 2 We will write again on Monday.")
	in("draft send 2")
	if sent := w.slack.SentTo(zoe); len(sent) != 2 || sent[1].Text != "We will write again on Monday." {
		t.Fatalf("Zoe got %+v", sent)
	}
	hist := in("history")
	for _, want := range []string{"recipe Refund-answer asked to approve reply #1", "recipe Refund-answer left draft #2", "Mo (slack:UMOD) replied: “Your refund is on its way.”", "Mo (slack:UMOD) replied: “We will write again on Monday.”",
		"Mo (slack:UMOD) changed draft #2: “We will write again on Monday.”"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q:\n%s", want, hist)
		}
	}
}

// A saved filter: recipes use it by name and follow it when it changes;
// one in use cannot go.
func TestSavedFilters(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	for _, cmd := range []string{`filter save refunds message contains "refund"`, "recipe new Tagger", "recipe when 1 new message",
		"recipe if 1 filter refunds", "recipe do 1 tag add refund", "recipe enable 1"} {
		if got := render(w.run(mo, cmd)); strings.Contains(got, "[important]") {
			t.Fatalf("%s: %s", cmd, got)
		}
	}
	if got := render(w.run(mo, "recipe info 1")); !strings.Contains(got, "if filter refunds") || !strings.Contains(got, `lower(message) contains "refund"`) {
		t.Fatalf("recipe info: %s", got)
	}
	// The filter changes: the recipe follows.
	w.run(mo, `filter save refunds message contains "money back"`)
	zoe := bot.Address{Platform: bot.PlatformSlack, ID: "UZOE"}
	w.threads.Receive(ctx, threads.Incoming{From: zoe, Name: "Zoe", Message: bot.Message{Text: "I want my money back"}})
	if err := w.recipes.Step(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := w.db.ConversationByParticipant(ctx, zoe); strings.Join(c.Tags, ",") != "refund" {
		t.Fatalf("tags after the filter changed: %v", c.Tags)
	}
	if got := render(w.run(mo, "filter delete refunds")); !strings.Contains(got, "recipe 1 (Tagger) uses filter refunds") {
		t.Fatalf("deleting a filter in use: %s", got)
	}
	if got := render(w.run(mo, "filter list")); !strings.Contains(got, `*refunds* · message contains "money back"`) {
		t.Fatalf("filter list: %s", got)
	}
}

// The recipe form: a bare `recipe new` opens it where surfaces have
// forms; a submission makes the recipe, off, from its fields, or says
// what it could not read above what it made.
func TestRecipeForm(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	h := commands.NewInbound(w.mux, w.threads)
	forms := []string{bot.FormCampaign, bot.FormNudge, bot.FormRecipe}
	if out, _ := h.Handle(ctx, bot.Inbound{Kind: bot.InboundCommand, From: mo, Text: "recipe new", Forms: forms}); out.Form != bot.FormRecipe {
		t.Fatalf("a moderator's bare recipe new: %+v", out)
	}
	if out, _ := h.Handle(ctx, bot.Inbound{Kind: bot.InboundCommand, From: stray, Text: "recipe new", Forms: forms}); out.Form != "" {
		t.Fatal("a form opened for someone who is not a moderator")
	}
	out, _ := h.Handle(ctx, bot.Inbound{Kind: bot.InboundForm, From: mo, Form: bot.FormRecipe,
		Fields: map[string]string{"name": "Auto-close", "when": "status pending", "if": "status is pending", "do": "wait 30m; resolve"}})
	info := render(&commands.Reply{Messages: out.Replies[len(out.Replies)-1].Messages})
	if !strings.Contains(info, "Recipe #1 Auto-close") || !strings.Contains(info, "when status pending, if status is pending: wait 30m; resolve") {
		t.Fatalf("the form's recipe: %s", info)
	}
	out, _ = h.Handle(ctx, bot.Inbound{Kind: bot.InboundForm, From: mo, Form: bot.FormRecipe,
		Fields: map[string]string{"name": "Broken", "when": "new message", "if": "platfrom is slack", "do": "resolve"}})
	if len(out.Replies) != 2 || !out.Replies[0].Private || !strings.Contains(render(&commands.Reply{Messages: out.Replies[0].Messages}), `did you mean "platform"`) ||
		!strings.Contains(render(&commands.Reply{Messages: out.Replies[1].Messages}), "if every conversation: resolve") {
		t.Fatalf("a form with a condition it cannot read (the rest is kept): %+v", out.Replies)
	}
}

// `recipe edit ID PART …` changes one part as its own command does, and
// renames; a part it does not know is refused with the parts it takes.
func TestRecipeEdit(t *testing.T) {
	w := newWorld(t, commands.LocaleEnglish)
	w.run(mo, "recipe new Auto-close")
	w.run(mo, "recipe when 1 status pending")
	w.run(mo, "recipe do 1 wait 30m; resolve")
	for cmd, want := range map[string]string{
		"recipe edit 1 do wait 1h; resolve":          "wait 1h; resolve",
		`recipe edit 1 if message contains "thanks"`: `if message contains "thanks"`,
		"recipe edit 1 when new message":             "when new message",
		"recipe edit 1 name Close-when-thanked":      "Recipe #1 is now *Close-when-thanked*",
		"recipe edit 1 colour red":                   `"colour": write name, when, if, do or hours`,
		"recipe edit 1 hours during nowhere":         "nowhere",
	} {
		if got := render(w.run(mo, cmd)); !strings.Contains(got, want) {
			t.Errorf("%s:\n%s\nwant it to say %q", cmd, got, want)
		}
	}
	got := render(w.run(mo, "recipe info 1"))
	if !strings.Contains(got, "Close-when-thanked") || !strings.Contains(got, "when new message, if message contains \"thanks\": wait 1h; resolve") {
		t.Fatalf("the recipe after its edits: %s", got)
	}
	w.run(mo, "recipe new Other")
	if got := render(w.run(mo, "recipe edit 2 name close-when-thanked")); !strings.Contains(got, "[important]") {
		t.Fatalf("a name taken: %s", got)
	}
}

// A conversation goes to a team as well as to a person: by name, by a
// Slack user group or a Discord role mention; a recipe assigns one too.
func TestAssignToAGroup(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	zoe := bot.Address{Platform: bot.PlatformSlack, ID: "UZOE"}
	w.threads.Receive(ctx, threads.Incoming{From: zoe, Name: "Zoe", Message: bot.Message{Text: "Hello"}})
	c, _ := w.db.ConversationByParticipant(ctx, zoe)
	in := func(text string) string {
		return render(w.mux.Serve(ctx, &commands.Request{Actor: mo, Text: text, Thread: c.Thread}))
	}
	for typed, want := range map[string]string{
		"assign group billing":           "group billing",
		"assign <!subteam^S42|@support>": "group support",
		"assign <@&777>":                 "group role:777",
	} {
		in(typed)
		got, _ := w.db.ConversationByParticipant(ctx, zoe)
		if got.Assignee.String() != want {
			t.Errorf("%s: assigned to %q, want %q", typed, got.Assignee.String(), want)
		}
	}
	if got := in("assign group"); !strings.Contains(got, "assign group NAME") {
		t.Errorf("a group without a name: %s", got)
	}
	w.run(mo, "recipe new Billing")
	if got := render(w.run(mo, "recipe do 1 assign group billing; tag add billing")); !strings.Contains(got, "assign group billing; tag add billing") {
		t.Fatalf("a recipe assigning a group: %s", got)
	}
}
