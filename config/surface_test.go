package config_test

import (
	"testing"
)

// TestThreadSurface: participants' threads live where threads.surface
// says, else on the first platform enabled with a moderators' channel in
// the order slack, discord, telegram, else the console — whatever order
// the sections are written in.
func TestThreadSurface(t *testing.T) {
	const (
		slack    = "slack: {enabled: true, bot_token: xoxb-1, app_token: xapp-1, channel: C0123456}\n"
		discord  = "discord: {enabled: true, token: t, application_id: \"1\", channel: \"2\"}\n"
		telegram = "telegram: {enabled: true, token: \"1:x\"}\nmoderators: {telegram: {group: \"-100\"}}\n"
	)
	for _, c := range []struct{ yml, want string }{
		{"", "console"},
		{telegram, "telegram"},
		{telegram + discord, "discord"},
		{discord + telegram + slack, "slack"},
		{discord + telegram + slack + "threads: {surface: telegram}\n", "telegram"},
		{slack + "threads: {surface: console}\n", "console"},
		{"web: {enabled: false}\n", ""},
	} {
		if got := mustLoad(t, c.yml, noEnv).ThreadSurface(); got != c.want {
			t.Errorf("%q: threads on %q, want %q", c.yml, got, c.want)
		}
	}
	for _, c := range []struct{ yml, want string }{
		{"threads: {surface: slack}\n", "threads.surface: slack cannot hold participants' threads: slack is not enabled"},
		{"discord: {enabled: true, token: t, application_id: \"1\"}\nthreads: {surface: discord}\n", "threads.surface: discord cannot hold participants' threads: discord.channel is empty"},
		{"threads: {surface: irc}\n", `threads.surface: "irc" is not one of`},
	} {
		if got := problems(t, c.yml, noEnv); !containsPrefix(got, c.want) {
			t.Errorf("%q: problems %q, want one starting %q", c.yml, got, c.want)
		}
	}
}
