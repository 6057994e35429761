package commands_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

// script is a command runner that records the commands and refuses those
// containing "bad".
type script struct{ ran []string }

func (s *script) RunCommand(_ context.Context, r commands.CommandRequest) bot.CommandReply {
	s.ran = append(s.ran, r.Text)
	switch {
	case strings.Contains(r.Text, "bad"):
		return bot.CommandReply{Private: true, Messages: []bot.Message{{Kind: bot.KindImportant, Text: "refused: " + r.Text}}}
	case strings.HasPrefix(r.Text, "campaign new"):
		return bot.CommandReply{Created: 7, Messages: []bot.Message{{Kind: bot.KindSuccess, Text: "created"}}}
	}
	return bot.CommandReply{Messages: []bot.Message{{Kind: bot.KindSuccess, Text: "ok"}}}
}

func (s *script) RunFile(context.Context, bot.Actor, bot.File) bot.CommandReply {
	return bot.CommandReply{}
}

func TestCampaignFormRunsTheCommandsAModeratorWouldType(t *testing.T) {
	s := &script{}
	id, replies := commands.CampaignForm{Name: "Welcome week", Kind: "card", Title: `Say "hi"`, Text: "Hello {{first_name}}",
		List: "spring", Platform: "slack", Schedule: "at tomorrow 9:00 window 2h"}.Run(context.Background(), s, bot.Actor{})
	want := []string{"campaign new Welcome week", `campaign message 7 kind:card title:'Say "hi"' Hello {{first_name}}`,
		"campaign audience 7 list:spring", "campaign platform 7 slack", "campaign schedule 7 at tomorrow 9:00 window 2h", "campaign show 7"}
	if id != 7 || !reflect.DeepEqual(s.ran, want) || len(replies) != 1 {
		t.Fatalf("id %d, ran %q, %d replies", id, s.ran, len(replies))
	}
	// A survey's questions, one per line, then its thanks.
	s = &script{}
	commands.CampaignForm{Name: "Feedback", Text: "A few questions", Questions: "choice \"How was it?\" Great | OK\n\n  text \"Anything else?\" optional  \n",
		Thanks: "Thanks!"}.Run(context.Background(), s, bot.Actor{})
	want = []string{"campaign new Feedback", "campaign message 7 A few questions", `campaign question 7 add choice "How was it?" Great | OK`,
		`campaign question 7 add text "Anything else?" optional`, "campaign thanks 7 Thanks!", "campaign show 7"}
	if !reflect.DeepEqual(s.ran, want) {
		t.Fatalf("the survey form ran %q", s.ran)
	}
	// A step that fails stops the form: what failed, then the card.
	s = &script{}
	_, replies = commands.CampaignForm{Name: "X", Text: "hi", List: "bad-list", Platform: "slack"}.Run(context.Background(), s, bot.Actor{})
	if len(replies) != 2 || !strings.Contains(replies[0].Messages[0].Text, "bad-list") || s.ran[len(s.ran)-1] != "campaign show 7" || strings.Contains(strings.Join(s.ran, "|"), "platform") {
		t.Fatalf("ran %q, replies %+v", s.ran, replies)
	}
}
