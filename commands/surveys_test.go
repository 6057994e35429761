package commands_test

import (
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

func TestParseQuestion(t *testing.T) {
	for typed, want := range map[string]bot.Question{
		`choice "How was the session?" Great | OK | Bad`: {Kind: bot.QuestionChoice, Text: "How was the session?", Choices: []string{"Great", "OK", "Bad"}},
		`multi "Which days?" optional Mon|Tue|Wed`:       {Kind: bot.QuestionMulti, Text: "Which days?", Choices: []string{"Mon", "Tue", "Wed"}, Optional: true},
		`choice "Is it?" Required | Not optional`:        {Kind: bot.QuestionChoice, Text: "Is it?", Choices: []string{"Required", "Not optional"}},
		`rating "The venue?"`:                            {Kind: bot.QuestionRating, Text: "The venue?", Scale: 5},
		`nps “Recommend us?”`:                            {Kind: bot.QuestionRating, Text: "Recommend us?", Scale: 10},
		`texte "Autre chose ?" facultative`:              {Kind: bot.QuestionText, Text: "Autre chose ?", Optional: true},
	} {
		got, err := commands.ParseQuestion(typed)
		if err != nil || got.Kind != want.Kind || got.Text != want.Text || got.Scale != want.Scale || got.Optional != want.Optional ||
			strings.Join(got.Choices, "|") != strings.Join(want.Choices, "|") {
			t.Errorf("%s: %+v %v, want %+v", typed, got, err, want)
		}
	}
	for typed, want := range map[string]string{
		`poll "Which?" A | B`:        "choice, multi, rating, nps or text",
		`choice How was it? A | B`:   "in quotes",
		`choice "How was it?" A`:     "2 to 10 answers",
		`choice "How was it?" A | a`: "twice",
		`rating "Venue?" 1 | 2`:      "takes no answers to choose from",
		`choice "unclosed A | B`:     "in quotes",
		`text ""`:                    "1 to 500 characters",
	} {
		if _, err := commands.ParseQuestion(typed); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want it to say %q", typed, err, want)
		}
	}
}
