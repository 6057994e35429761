package exprfilter_test

import (
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/exprfilter"
)

func TestConditions(t *testing.T) {
	env := recipes.NewEnv(
		&bot.Event{Type: bot.EventMessageReceived, Text: "I want a REFUND", Subject: bot.Address{Platform: bot.PlatformSlack, ID: "U1"}},
		&bot.Conversation{Participant: bot.Address{Platform: bot.PlatformSlack, ID: "U1"}, Status: bot.ConversationOpen, Tags: []string{"vip"},
			Props: map[string]string{"priority": "high"}, Rating: 2, Rated: true},
		&bot.Contact{Name: "Ana", Attributes: map[string]string{"plan": "gold", "age": "34", "country": "fr"}})
	for _, tc := range []struct {
		src  string
		want bool
	}{
		{`lower(message) contains "refund" && platform == "slack"`, true},
		{`message matches "(?i)re(fund|mb)"`, true},
		{`"vip" in tags && status == "open"`, true},
		{`contact["plan"] == "gold" and num(contact["age"]) > 30`, true},
		{`num(contact["missing"]) > 3 || num(contact["missing"]) < 3`, false},
		{`contact["country"] in ["fr", "be"]`, true},
		{`platform != "slack"`, false},
		{`event.type == "message_received"`, true},
		{`props["priority"] == "high" && rating < 3`, true},
		{`props["category"] == "billing" || rating == 10`, false},
	} {
		m, err := exprfilter.Compiler{}.Compile(tc.src)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got, err := m.Match(env); err != nil || got != tc.want {
			t.Errorf("%s = %v, %v; want %v", tc.src, got, err, tc.want)
		}
	}
}

// A condition that does not type-check is refused when saved, with the
// part that is wrong.
func TestBadConditionsAreRefusedWithWhere(t *testing.T) {
	for _, src := range []string{`platfrom == "slack"`, `message > 3`, `status ==`, `tags + 1`, strings.Repeat("a", 5000)} {
		_, err := exprfilter.Compiler{}.Compile(src)
		if bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%.30s: %v", src, err)
		}
	}
	_, err := exprfilter.Compiler{}.Compile(`platfrom == "slack"`)
	if !strings.Contains(err.Error(), "platfrom") {
		t.Errorf("the error does not name the bad part: %v", err)
	}
}

// A conversation never rated is not "rated below 3": rating 0 is an NPS
// answer only when rated.
func TestNoRatingIsNotALowRating(t *testing.T) {
	m, err := exprfilter.Compiler{}.Compile(`(rated && rating < 3)`)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		c    *bot.Conversation
		want bool
	}{
		{&bot.Conversation{}, false},
		{&bot.Conversation{Rating: 0, Rated: true}, true},
		{&bot.Conversation{Rating: 4, Rated: true}, false},
	} {
		if got, err := m.Match(recipes.NewEnv(nil, tc.c, nil)); err != nil || got != tc.want {
			t.Errorf("%+v: %v %v, want %v", tc.c, got, err, tc.want)
		}
	}
}
