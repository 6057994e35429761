package personalize_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/personalize"
)

var sendAt = time.Date(2026, 12, 1, 14, 30, 0, 0, time.FixedZone("CET", 3600))

func TestPlaceholders(t *testing.T) {
	attrs := map[string]string{"first_name": "Ana", "Last Name": "Lima", "City": "Lyon", "nom": "", "score": "42"}
	vars := personalize.NewVars("email", "ana@example.org", attrs, map[string]string{"team": "blue"}, sendAt)
	for in, want := range map[string]string{
		"Hi {{first_name}}!":                       "Hi Ana!",
		"Hi [FIRSTNAME] [LASTNAME]":                "Hi Ana Lima",
		"Hi %userfirstname% %userlastname%":        "Hi Ana Lima",
		"Hi {{ First-Name }} from [CITY], %city%":  "Hi Ana from Lyon, Lyon",
		"Mail: {{email}} / [EMAIL] / {{courriel}}": "Mail: ana@example.org / ana@example.org / ana@example.org",
		"Sent {{date}} at {{TIME}}":                "Sent 2026-12-01 at 14:30",
		"Team {{team}}":                            "Team blue",
		"See [the guide](https://x.org/guide)":     "See [the guide](https://x.org/guide)",
		"50% off, 20% more, 100%":                  "50% off, 20% more, 100%",
		"{{ }} [ ] %% {{score}}":                   "{{ }} [ ] %% 42",
		"unclosed {{first_name":                    "unclosed {{first_name",
	} {
		got, err := personalize.Message(bot.Message{Text: in}, vars)
		if err != nil || got.Text != want {
			t.Errorf("%q → %q (%v), want %q", in, got.Text, err, want)
		}
	}
	_, err := personalize.Message(bot.Message{Text: "Hello [NOM] [DEPT] {{company}} %company%"}, vars)
	if bot.ErrorCode(err) != bot.EINVALID || !strings.HasSuffix(err.Error(), "no value for [DEPT], {{company}}, %company%") {
		t.Errorf("missing: %v", err)
	}
}

func TestTemplateAttrs(t *testing.T) {
	m := bot.Message{
		Kind: bot.KindCard, Title: "Hi [FIRSTNAME]", Text: "{{first_name}} in {{city}} on {{date}}",
		Fields:  []bot.Field{{Label: "Team", Value: "%team%"}},
		Buttons: []bot.Button{{Label: "Open", Action: bot.Action{Kind: bot.ActionLink, URL: "https://x.org/?id={{respondentID}}"}}},
	}
	if got := personalize.Attrs(m); !reflect.DeepEqual(got, []string{"firstname", "city", "team", "respondentid"}) {
		t.Fatalf("attrs = %v", got)
	}
}

func TestPersonalize(t *testing.T) {
	m := bot.Message{
		Kind: bot.KindCard, Title: "Hi [FIRSTNAME]", Text: "Welcome", ImageURL: "{{photo}}",
		Fields:  []bot.Field{{Label: "City", Value: "{{city}}"}},
		Buttons: []bot.Button{{Label: "Survey for {{first_name}}", Action: bot.Action{Kind: bot.ActionLink, URL: "https://x.org/s?who={{first_name}}&c={{city}}"}}},
	}
	vars := personalize.NewVars("respondentID", "r-1", map[string]string{"first_name": "Zoé & Co", "city": "Saint-Étienne", "photo": "https://x.org/a.png"}, nil, sendAt)
	got, err := personalize.Message(m, vars)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Hi Zoé & Co" || got.Fields[0].Value != "Saint-Étienne" || got.ImageURL != "https://x.org/a.png" ||
		got.Buttons[0].Label != "Survey for Zoé & Co" || got.Buttons[0].Action.URL != "https://x.org/s?who=Zo%C3%A9+%26+Co&c=Saint-%C3%89tienne" {
		t.Fatalf("personalised = %+v", got)
	}
	if m.Fields[0].Value != "{{city}}" || m.Buttons[0].Label != "Survey for {{first_name}}" {
		t.Fatal("Message changed its input")
	}
	_, err = personalize.Message(bot.Message{Text: "{{a}} {{b}} {{a}}"}, vars)
	if bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), "no value for {{a}}, {{b}}") {
		t.Fatalf("missing values: %v", err)
	}
}

// FuzzTemplate checks that personalising never panics, that text without
// placeholders comes back unchanged, and that a text either personalises
// or names what it lacks.
func FuzzTemplate(f *testing.F) {
	for _, s := range []string{"Hi {{first_name}}", "[FIRSTNAME] %userlastname%", "[a](b)", "{{", "%%", "[]", "{{date}} {{time}}", "100% {{x}} [Y] %z%"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vars := personalize.NewVars("email", "a@b.org", map[string]string{"first_name": "Ana", "x": "1"}, nil, sendAt)
		if _, err := personalize.Message(bot.Message{Text: s}, vars); err != nil && !strings.Contains(err.Error(), "no value for ") {
			t.Fatalf("%q: %v", s, err)
		}
		empty := personalize.NewVars("", "", nil, nil, sendAt)
		if len(personalize.Attrs(bot.Message{Text: s})) == 0 && !strings.Contains(strings.ToLower(s), "date") && !strings.Contains(strings.ToLower(s), "time") {
			if back, err := personalize.Message(bot.Message{Text: s}, empty); err != nil || back.Text != s {
				t.Fatalf("text without placeholders changed: %q → %q (%v)", s, back.Text, err)
			}
		}
	})
}
