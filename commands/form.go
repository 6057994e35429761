package commands

import (
	"context"
	"fmt"
	"strings"

	"github.com/heraldchat/herald/bot"
)

// CampaignForm is what a new-campaign form (a Slack or Discord modal,
// submitted as a bot.FormCampaign inbound) holds. Empty fields are left
// as the defaults.
type CampaignForm struct {
	Name, Kind, Title, Text string
	// List names a saved list; File, when set, is the audience instead.
	List string
	File *bot.File
	// Platform is "", "auto" or a platform.
	Platform string
	// Schedule is the options of `campaign schedule`, as typed: "at
	// tomorrow 9:00 window 2h hours mon-fri 9-18 tz Europe/Paris".
	Schedule string
	// Questions make the campaign a survey: one per line, each as typed
	// after `campaign question ID add` (choice "How was it?" Great | OK).
	// Thanks is its thank-you message.
	Questions, Thanks string
}

// quote wraps an option value in quotes it does not contain.
func quote(s string) string {
	for _, q := range [][2]string{{`"`, `"`}, {"'", "'"}, {"“", "”"}} {
		if !strings.Contains(s, q[0]) && !strings.Contains(s, q[1]) {
			return q[0] + s + q[1]
		}
	}
	return `"` + strings.ReplaceAll(s, `"`, "'") + `"`
}

// Run creates the draft through the command language, step by step as a
// moderator would type it, as who, and stops at the first step that
// fails: the draft stays with what was set. It returns the campaign (0
// when it was not created) and the replies to show: what failed, then the
// draft's card.
func (f CampaignForm) Run(ctx context.Context, r CommandRunner, who bot.Actor) (bot.CampaignID, []bot.CommandReply) {
	run := func(text string, files ...bot.File) bot.CommandReply {
		return r.RunCommand(ctx, CommandRequest{Actor: who, Text: text, Files: files})
	}
	created := run("campaign new " + strings.TrimSpace(f.Name))
	id := created.Created
	if id == 0 {
		return 0, []bot.CommandReply{created}
	}
	msg := fmt.Sprintf("campaign message %d ", id)
	if f.Kind != "" {
		msg += "kind:" + f.Kind + " "
	}
	if t := strings.TrimSpace(f.Title); t != "" {
		msg += "title:" + quote(t) + " "
	}
	steps := []func() bot.CommandReply{}
	if strings.TrimSpace(f.Text) != "" {
		steps = append(steps, func() bot.CommandReply { return run(msg + f.Text) })
	}
	switch {
	case f.File != nil:
		steps = append(steps, func() bot.CommandReply { return run(fmt.Sprintf("campaign audience %d", id), *f.File) })
	case strings.TrimSpace(f.List) != "":
		steps = append(steps, func() bot.CommandReply {
			return run(fmt.Sprintf("campaign audience %d list:%s", id, strings.TrimSpace(f.List)))
		})
	}
	if p := strings.TrimSpace(f.Platform); p != "" && p != "auto" {
		steps = append(steps, func() bot.CommandReply { return run(fmt.Sprintf("campaign platform %d %s", id, p)) })
	}
	if s := strings.TrimSpace(f.Schedule); s != "" {
		steps = append(steps, func() bot.CommandReply { return run(fmt.Sprintf("campaign schedule %d %s", id, s)) })
	}
	for _, q := range strings.Split(f.Questions, "\n") {
		if q = strings.TrimSpace(q); q != "" {
			steps = append(steps, func() bot.CommandReply { return run(fmt.Sprintf("campaign question %d add %s", id, q)) })
		}
	}
	if t := strings.TrimSpace(f.Thanks); t != "" {
		steps = append(steps, func() bot.CommandReply { return run(fmt.Sprintf("campaign thanks %d %s", id, t)) })
	}
	return id, append(runSteps(steps, false), run(fmt.Sprintf("campaign show %d", id)))
}

// runSteps runs a form's steps in order; unless keepGoing, it stops at
// the first refused (the draft stays with what the steps before set). It
// returns what the moderator must read: the warnings of the steps that
// ran, and the refusals, privately.
func runSteps(steps []func() bot.CommandReply, keepGoing bool) []bot.CommandReply {
	var warnings, refusals []bot.Message
	for _, step := range steps {
		reply := step()
		for _, m := range reply.Messages {
			switch {
			case m.Kind != bot.KindImportant:
			case reply.Private:
				refusals = append(refusals, m)
			default:
				warnings = append(warnings, m)
			}
		}
		if reply.Private && !keepGoing {
			break
		}
	}
	switch {
	case len(refusals) > 0:
		return []bot.CommandReply{{Private: true, Messages: append(warnings, refusals...)}}
	case len(warnings) > 0:
		return []bot.CommandReply{{Messages: warnings}}
	}
	return nil
}

// NudgeForm is what a new-nudge form (a Slack or Discord modal, submitted
// as a bot.FormNudge inbound) holds.
type NudgeForm struct {
	Name string
	// When is the rule as `nudge when ID` takes it: "signed_up in 3 days
	// at 9h unless activity_completed".
	When, Text string
	// Hours and TZ are `nudge hours`'s working time and time zone.
	Hours, TZ string
}

// Run creates the nudge through the command language, as CampaignForm
// does a campaign, and leaves it off: the answer is its card, with what
// failed first (a rule it cannot read, say) above it.
func (f NudgeForm) Run(ctx context.Context, r CommandRunner, who bot.Actor) (bot.CampaignID, []bot.CommandReply) {
	run := func(text string) bot.CommandReply {
		return r.RunCommand(ctx, CommandRequest{Actor: who, Text: text})
	}
	created := run("nudge new " + strings.TrimSpace(f.Name))
	id := created.Created
	if id == 0 {
		return 0, []bot.CommandReply{created}
	}
	var steps []func() bot.CommandReply
	add := func(text string) { steps = append(steps, func() bot.CommandReply { return run(text) }) }
	if w := strings.TrimSpace(f.When); w != "" {
		add(fmt.Sprintf("nudge when %d %s", id, w))
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		add(fmt.Sprintf("nudge message %d %s", id, f.Text))
	}
	if h, tz := strings.TrimSpace(f.Hours), strings.TrimSpace(f.TZ); h != "" || tz != "" {
		hours := fmt.Sprintf("nudge hours %d %s", id, h)
		if tz != "" {
			hours += " tz " + tz
		}
		add(hours)
	}
	// Each step stands alone: a rule it cannot read keeps the message typed.
	return id, append(runSteps(steps, true), run(fmt.Sprintf("nudge info %d", id)))
}

// RecipeForm is what a new-recipe form (a Slack or Discord modal,
// submitted as a bot.FormRecipe inbound) holds: each field as typed after
// `recipe when|if|do|hours ID`.
type RecipeForm struct {
	Name, When, If, Do, Hours string
}

// Run creates the recipe through the command language and leaves it off:
// the answer is its description, with what failed first above it.
func (f RecipeForm) Run(ctx context.Context, r CommandRunner, who bot.Actor) []bot.CommandReply {
	run := func(text string) bot.CommandReply {
		return r.RunCommand(ctx, CommandRequest{Actor: who, Text: text})
	}
	created := run("recipe new " + strings.TrimSpace(f.Name))
	id := created.Recipe
	if id == 0 {
		return []bot.CommandReply{created}
	}
	var steps []func() bot.CommandReply
	for _, part := range [][2]string{{"when", f.When}, {"if", f.If}, {"do", f.Do}, {"hours", f.Hours}} {
		if v := strings.TrimSpace(part[1]); v != "" {
			text := fmt.Sprintf("recipe %s %d %s", part[0], id, v)
			steps = append(steps, func() bot.CommandReply { return run(text) })
		}
	}
	return append(runSteps(steps, true), run(fmt.Sprintf("recipe info %d", id)))
}
