package commands_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/commands"
)

func TestParseNudgeRule(t *testing.T) {
	at9 := bot.Delay{N: 3, Unit: bot.DelayDay, At: 9 * 60, AtSet: true}
	cases := []struct {
		in   string
		want bot.Nudge
	}{
		{"signed_up in 3 days at 9h unless activity_completed", bot.Nudge{Trigger: "signed_up", Delay: at9, Block: "activity_completed"}},
		{"inscrit dans 3 jours à 9h sauf activité_terminée depuis le déclencheur", bot.Nudge{Trigger: "inscrit", Delay: at9, Block: "activite_terminee", BlockSinceTrigger: true}},
		{"signed_up after 2 hours where course=go101 plan=pro each time", bot.Nudge{Trigger: "signed_up", Delay: bot.Delay{N: 2, Unit: bot.DelayHour}, Where: map[string]string{"course": "go101", "plan": "pro"}, EachTime: true}},
		{"logged_in in 45m once", bot.Nudge{Trigger: "logged_in", Delay: bot.Delay{N: 45, Unit: bot.DelayMinute}}},
		{"came_back immediately", bot.Nudge{Trigger: "came_back", Delay: bot.Delay{Unit: bot.DelayMinute}}},
		{"revenu immédiatement", bot.Nudge{Trigger: "revenu", Delay: bot.Delay{Unit: bot.DelayMinute}}},
		{"logged_in in 2 weeks", bot.Nudge{Trigger: "logged_in", Delay: bot.Delay{N: 2, Unit: bot.DelayWeek}}},
		{"nudge:12 next monday at 9:00 until unsubscribed complete on delay each time",
			bot.Nudge{Trigger: "nudge_completed", Where: map[string]string{"nudge": "12"}, Delay: bot.Delay{Unit: bot.DelayWeekday, Weekday: time.Monday, At: 9 * 60, AtSet: true}, Until: "unsubscribed", CompleteOnDelay: true, EachTime: true}},
		{"relance 12 lundi prochain à 9h jusqu'à désinscrit fini au délai à chaque fois",
			bot.Nudge{Trigger: "nudge_completed", Where: map[string]string{"nudge": "12"}, Delay: bot.Delay{Unit: bot.DelayWeekday, Weekday: time.Monday, At: 9 * 60, AtSet: true}, Until: "desinscrit", CompleteOnDelay: true, EachTime: true}},
		{"signed_up where courseId=Go101 ville=Montréal in 1 hour", bot.Nudge{Trigger: "signed_up", Where: map[string]string{"courseId": "Go101", "ville": "Montréal"}, Delay: bot.Delay{N: 1, Unit: bot.DelayHour}}},
		{"nudge:#12 in 2 days", bot.Nudge{Trigger: "nudge_completed", Where: map[string]string{"nudge": "12"}, Delay: bot.Delay{N: 2, Unit: bot.DelayDay}}},
		{"participant_joined in 1 day max-late 30m complete on send", bot.Nudge{Trigger: "participant_joined", Delay: bot.Delay{N: 1, Unit: bot.DelayDay}, MaxLate: 30 * time.Minute}},
	}
	for _, c := range cases {
		got, err := commands.ParseNudgeRule(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", c.in, got, c.want)
			continue
		}
		// What herald says back, in either language, reads the same.
		for _, l := range []commands.Locale{commands.LocaleEnglish, commands.LocaleFrench} {
			back := commands.NudgeRuleText(&got, l)
			again, err := commands.ParseNudgeRule(back)
			if err != nil || !reflect.DeepEqual(again, got) {
				t.Errorf("%q written back as %q reads %+v, %v", c.in, back, again, err)
			}
		}
	}
	for _, bad := range []string{"", "signed_up", "signed_up in three days", "signed_up in 3 fortnights", "signed_up in 3 days unless", "signed_up in 3 days frobnicate", "nudge:x in 1 day", "signed_up next moonday"} {
		if _, err := commands.ParseNudgeRule(bad); bot.ErrorCode(err) != bot.EINVALID {
			t.Errorf("%q: %v, want EINVALID", bad, err)
		}
	}
}

// TestNudgeJourney makes a nudge from chat, turns it on, sees it fire
// for a contact, and deletes it, in English and in French.
func TestNudgeJourney(t *testing.T) {
	for _, locale := range []commands.Locale{commands.LocaleEnglish, commands.LocaleFrench} {
		t.Run(string(locale), func(t *testing.T) {
			w := newWorld(t, locale)
			ana := &bot.Contact{Name: "Ana", Email: "ana@example.org", Addresses: []bot.ContactAddress{{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}, Reach: bot.ReachReachable}}}
			if err := w.db.CreateContact(t.Context(), ana); err != nil {
				t.Fatal(err)
			}
			when, text, copyText := "signed_up in 3 days at 9h unless activity_completed", "Hi {{name}}, how is {{event.course}} going?", "The reminder went to {{contact}}"
			if locale == commands.LocaleFrench {
				when, text, copyText = "inscrit dans 3 jours à 9h sauf activite_terminee", "Bonjour {{name}}, où en êtes-vous de {{event.course}} ?", "La relance est partie vers {{contact}}"
			}
			steps := []struct{ name, text string }{
				{"nudges-empty", "nudges"},
				{"nudge-new", "nudge new Reminder"},
				{"nudge-enable-refused", "nudge enable 1"},
				{"nudge-when", "nudge when 1 " + when},
				{"nudge-when-bad", "nudge when 1 signed_up in 3 fortnights"},
				{"nudge-message", "nudge message 1 " + text},
				{"nudge-missing", "campaign missing 1 name=there"},
				{"nudge-hours", "nudge hours 1 mon-fri 9-18 tz Europe/Paris closed 2026-12-25,2027-01-01"},
				{"nudge-copy", "nudge copy 1 me " + copyText},
				{"nudge-copy-bad", "nudge copy 1 me"},
				{"nudge-from", "nudge from 1 me"},
				{"nudge-copy-nowhere", "nudge copy 1 teams:T123 " + copyText},
				{"nudge-when-again", "nudge when 1 " + when + " each time"},
				{"nudge-test", "nudge test 1 ana@example.org"},
				{"nudge-test-nobody", "nudge test 1 zoe@example.org"},
				{"nudge-enable", "nudge enable 1"},
				{"nudges", "nudges"},
				{"nudge-info", "nudge info 1"},
				{"nudge-hours-zone", "nudge hours 1 tz Europe/Lisbon"},
				{"nudge-disable", "nudge disable 1"},
				{"nudge-clone", "nudge clone 1"},
				{"campaigns-without-nudges", "campaigns"},
				{"nudge-not-a-nudge", "nudge info 99"},
				{"nudge-delete", "nudge delete 1"},
				{"nudge-delete-draft", "nudge delete 2"},
				{"nudge-enable-deleted", "nudge enable 1"},
			}
			for _, s := range steps {
				golden(t, string(locale)+"-"+s.name, render(w.run(mo, s.text)))
			}
			if got := w.slack.SentTo(bot.Address{Platform: bot.PlatformSlack, ID: "UANA"}); len(got) != 1 {
				t.Fatalf("the test sent %d messages, want 1", len(got))
			}
		})
	}
}
