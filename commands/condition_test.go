package commands_test

import (
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/exprfilter"
)

func TestParseCondition(t *testing.T) {
	for _, tc := range []struct{ typed, want string }{
		{`message contains "Refund" and platform is slack`, `lower(message) contains "refund" && platform == "slack"`},
		{`message contient « remboursement »`, ``},
		{`message contient "remboursement" et plateforme n'est pas telegram`, `lower(message) contains "remboursement" && platform != "telegram"`},
		{`status is pending`, `status == "pending"`},
		{`statut est en_attente`, `status == "pending"`},
		{`tag vip or not (plan = gold)`, `"vip" in tags || !((contact["plan"] == "gold"))`},
		{`age > 30 and country in fr,be`, `num(contact["age"]) > 30 && contact["country"] in ["fr", "be"]`},
		{`event.course = go101`, `event.data["course"] == "go101"`},
		{`message matches "re(fund|mb)"`, `message matches "(?i)re(fund|mb)"`},
		{`all`, ``},
		{`expr: len(tags) > 2`, `len(tags) > 2`},
		{`plan is not gold`, `contact["plan"] != "gold"`},
		{`unassigned and source is webinar`, `assignee == "" && source == "webinar"`},
		{`when message contains "refund" and platform is slack`, `lower(message) contains "refund" && platform == "slack"`},
		{`si statut est en_attente`, `status == "pending"`},
		{`priority is high and category = billing`, `props["priority"] == "high" && props["category"] == "billing"`},
		{`langue = fr`, `props["language"] == "fr"`},
		{`rating < 3 or rating = 10`, `(rated && rating < 3) || (rated && rating == 10)`},
		{`rating = bad`, ``},
	} {
		got, err := commands.ParseCondition(tc.typed)
		if tc.want == "" && tc.typed != "all" {
			if err == nil {
				t.Errorf("%s: read as %s, want an error", tc.typed, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", tc.typed, got, err, tc.want)
			continue
		}
		if got != "" {
			if _, err := (exprfilter.Compiler{}).Compile(got); err != nil {
				t.Errorf("%s: %s does not compile: %v", tc.typed, got, err)
			}
		}
	}
	for typed, says := range map[string]string{
		`platfrom is slack`:       `did you mean "platform"`,
		`platform is myspace`:     `not a platform`,
		`status is sleeping`:      `open, pending or resolved`,
		`message contains "x`:     `not closed`,
		`(tag vip`:                `not closed`,
		`age > old`:               `not a number`,
		`message matches "(("`:    `pattern`,
		`tag vip tag urgent`:      `and / or`,
		`message contains "x" or`: `missing a part`,
	} {
		_, err := commands.ParseCondition(typed)
		if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), says) {
			t.Errorf("%s: %v, want it to say %q", typed, err, says)
		}
	}
}
