package commands_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

// TestCampaignStateTexts checks that every campaign state has a text in
// both languages.
func TestCampaignStateTexts(t *testing.T) {
	en, fr := commands.NewText(commands.LocaleEnglish), commands.NewText(commands.LocaleFrench)
	for _, s := range []bot.CampaignState{bot.CampaignDraft, bot.CampaignScheduled, bot.CampaignRunning, bot.CampaignPaused, bot.CampaignDone, bot.CampaignCancelled} {
		key := commands.CampaignStateText(s)
		if en.T(key) == string(key) || fr.T(key) == string(key) {
			t.Errorf("no text for campaign state %s", s)
		}
	}
}

func TestCatalogueCheck(t *testing.T) {
	bad := commands.Catalogue{"a": {"%d items", "%s éléments"}, "b": {"yes", " "}, "c": {"%[1]d of %[2]d", "%[2]d sur %[1]d"}}
	got := bad.Check()
	slices.Sort(got)
	if !slices.Equal(got, []commands.TextKey{"a", "b"}) {
		t.Errorf("Check = %v", got)
	}
}

func TestTextLocales(t *testing.T) {
	en, fr := commands.NewText(commands.LocaleEnglish), commands.NewText(commands.LocaleFrench)
	if got := en.T(commands.TextSendingCounts, 1200, 3, 4, 5, 6); got != "1,200 to send, 3 in flight, 4 sent, 5 failed, 6 skipped" {
		t.Errorf("en = %q", got)
	}
	if got := fr.T(commands.TextSendingCounts, 1200, 3, 4, 5, 6); !strings.HasPrefix(got, "1\u00a0200 à envoyer") && !strings.HasPrefix(got, "1\u202f200 à envoyer") {
		t.Errorf("fr = %q", got)
	}
	if got := fr.T(commands.CampaignStateText(bot.CampaignPaused)); got != "en pause" {
		t.Errorf("fr paused = %q", got)
	}
	if got := commands.NewText("de").Locale(); got != commands.LocaleEnglish {
		t.Errorf("unsupported locale falls back to %q", got)
	}
	if got := en.T("no.such.key"); got != "no.such.key" {
		t.Errorf("missing key shows %q", got)
	}
}

func TestErrorText(t *testing.T) {
	fr := commands.NewText(commands.LocaleFrench)
	if got := fr.ErrorText(bot.Errorf(bot.ENOTFOUND, "campagne 4")); got != "Introuvable : campagne 4" {
		t.Errorf("not found = %q", got)
	}
	if got := fr.ErrorText(errors.New("password=hunter2")); strings.Contains(got, "hunter2") {
		t.Errorf("internal details leaked: %q", got)
	}
	if fr.ErrorText(nil) != "" {
		t.Error("nil error has text")
	}
}

// TestCountsTakeTheirPlural: a count picks its form by CLDR rules in
// each language ("1 row", "2 rows"; "0 ligne", "1 ligne", "2 lignes"), and
// each plural text takes the same arguments as its catalogue text.
func TestCountsTakeTheirPlural(t *testing.T) {
	en, fr := commands.NewText(commands.LocaleEnglish), commands.NewText(commands.LocaleFrench)
	for _, tc := range []struct {
		got, want string
	}{
		{en.T(commands.TextImportInvalid, 1), "1 row was left out:"},
		{en.T(commands.TextImportInvalid, 2), "2 rows were left out:"},
		{en.T(commands.TextListLine, "spring", 1, "email"), "*spring*: 1 recipient, keyed by email"},
		{en.T(commands.TextListLine, "spring", 1200, "email"), "*spring*: 1,200 recipients, keyed by email"},
		{fr.T(commands.TextImportInvalid, 0), "0 ligne a été écartée :"},
		{fr.T(commands.TextImportInvalid, 1), "1 ligne a été écartée :"},
		{fr.T(commands.TextImportInvalid, 3), "3 lignes ont été écartées :"},
		{fr.T(commands.TextStatusQueue, 1), "1 message en attente d'envoi."},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for key, p := range commands.Plurals {
		if bad := (commands.Catalogue{key: p.One}).Check(); len(bad) > 0 {
			t.Errorf("%s: the singular forms take different arguments", key)
		}
		if bad := (commands.Catalogue{key: {p.One[0], commands.Texts[key][0]}}).Check(); len(bad) > 0 {
			t.Errorf("%s: singular and plural take different arguments", key)
		}
	}
}

// TestFrenchHasNoEnglish renders every catalogue entry in French and
// looks for English words in it (what is between backquotes is command
// syntax, the same in both languages).
func TestFrenchHasNoEnglish(t *testing.T) {
	code := regexp.MustCompile("`[^`]*`")
	english := regexp.MustCompile(`(?i)(^|[^\p{L}])(the|is|are|was|with|your|has|have|not|and|this|that|from|when|which|nobody|none|of)($|[^\p{L}])`)
	french := map[string]string{}
	for key, tr := range commands.Texts {
		french[string(key)] = tr[1]
	}
	for key, p := range commands.Plurals {
		french[string(key)+" (one)"] = p.One[1]
	}
	for key, fr := range french {
		if w := english.FindString(code.ReplaceAllString(fr, "")); w != "" {
			t.Errorf("%s in French holds the English word %q: %s", key, w, fr)
		}
	}
}

// TestFrenchJourneyHasNoEnglish reads every French answer of the
// moderator's journey (the golden files TestModeratorJourney compares
// with) and fails on English words, leaving out command syntax (between
// backquotes), what people typed (between double quotes) and the
// campaign's own message.
func TestFrenchJourneyHasNoEnglish(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "golden", "fr-*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no French golden files: %v", err)
	}
	strip := regexp.MustCompile("`[^`]*`|\"[^\"]*\"|\\{\\{[^}]*\\}\\}")
	english := regexp.MustCompile(`(?i)(^|[^\p{L}])(the|is|are|was|with|your|has|have|not|and|this|that|from|when|which|nobody|none)($|[^\p{L}])`)
	for _, f := range files {
		b, _ := os.ReadFile(f)
		for n, line := range strings.Split(string(b), "\n") {
			if strings.Contains(line, "Hello") || strings.Contains(line, "Welcome") {
				continue // the campaign's message, as the moderator wrote it
			}
			if w := english.FindString(strip.ReplaceAllString(line, "")); w != "" {
				t.Errorf("%s:%d says %q in French: %s", filepath.Base(f), n+1, strings.TrimSpace(w), line)
			}
		}
	}
}
