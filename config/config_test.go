package config_test

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/config"
)

func noEnv(string) (string, bool) { return "", false }

func env(kv ...string) config.LookupEnv {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func mustLoad(t *testing.T, yml string, e config.LookupEnv) *config.Config {
	t.Helper()
	cfg, err := config.Load(strings.NewReader(yml), e)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return cfg
}

// problems loads yml and returns its problems as "path: message" lines.
func problems(t *testing.T, yml string, e config.LookupEnv) []string {
	t.Helper()
	cfg, err := config.Load(strings.NewReader(yml), e)
	if err == nil {
		t.Fatalf("load succeeded: %+v", cfg)
	}
	if cfg != nil || bot.ErrorCode(err) != bot.EINVALID {
		t.Fatalf("a failed load must return nil and EINVALID, got %v (%s)", cfg, bot.ErrorCode(err))
	}
	var out []string
	for _, p := range config.ProblemsOf(err) {
		out = append(out, p.Path+": "+p.Message)
	}
	if len(out) == 0 {
		t.Fatalf("error carries no problems: %v", err)
	}
	return out
}

func TestNoConfigIsTheDefault(t *testing.T) {
	for _, yml := range []string{"", "# nothing\n", "store:\n"} {
		cfg := mustLoad(t, yml, noEnv)
		if !reflect.DeepEqual(cfg, config.Default()) {
			t.Errorf("%q: %+v, want the defaults", yml, cfg)
		}
	}
	cfg, err := config.LoadFile("", noEnv)
	if err != nil || cfg.Store.Path != "./herald.db" || cfg.HTTP.Listen != "127.0.0.1:8080" || cfg.Locale != "en" {
		t.Fatalf("defaults: %+v, %v", cfg, err)
	}
}

func TestLoadSetsValues(t *testing.T) {
	cfg := mustLoad(t, `
store: {path: /var/lib/herald/h.db, lock_timeout: 500ms}
http:
  listen: "0.0.0.0:9000"
log: {level: debug, format: json}
locale: fr
email:
  enabled: yes
  host: smtp.example.org
  port: 465
  tls: tls
  username: herald
  password: ${SMTP_PASSWORD}
  from: Herald <herald@example.org>
`, env("SMTP_PASSWORD", "s3cret"))
	if cfg.Store.Path != "/var/lib/herald/h.db" || cfg.Store.LockTimeout != 500*time.Millisecond || cfg.HTTP.Listen != "0.0.0.0:9000" ||
		cfg.Log.Level != "debug" || cfg.Locale != "fr" || !cfg.Email.Enabled || cfg.Email.Port != 465 || cfg.Email.Password.Value() != "s3cret" {
		t.Fatalf("cfg = %+v", cfg)
	}
	if cfg.HTTP.ShutdownTimeout != config.Default().HTTP.ShutdownTimeout {
		t.Fatal("an absent key lost its default")
	}
	if got := cfg.Platforms(); !reflect.DeepEqual(got, []string{"email"}) {
		t.Fatalf("platforms = %v", got)
	}
}

func TestUnknownKeyIsNamedByPath(t *testing.T) {
	got := problems(t, `
slack:
  enabled: true
  bot_token: xoxb-1
  app_token: xapp-1
  sigining_secret: abc
colour: blue
`, noEnv)
	want := []string{
		"slack.sigining_secret: unknown key; did you mean slack.signing_secret?",
		"colour: unknown key; known keys here: store, http, log, locale, slack, discord, telegram, teams, email, limits, engine, moderators, web, threads, api, nudges, webhooks",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestEveryProblemIsReported(t *testing.T) {
	got := problems(t, `
store:
  path: ""
  lock_timeout: soon
http:
  listen: 8080
log:
  level: loud
  format: xml
locale: de
slack:
  enabled: true
  mode: http
  bot_token: ${MISSING_TOKEN}
telegram:
  enabled: true
  token: "123:abc"
  mode: webhook
  webhook_secret: "has spaces"
email:
  enabled: true
  port: many
  from: nobody
`, noEnv)
	for _, want := range []string{
		"store.lock_timeout: expected a duration",
		"slack.bot_token: environment variable MISSING_TOKEN is not set",
		"email.port: expected a whole number",
	} {
		if !containsPrefix(got, want) {
			t.Errorf("missing %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
	// Type errors stop before validation; fix them and validation speaks.
	got = problems(t, `
store: {path: ""}
http: {listen: "8080"}
log: {level: loud, format: xml}
locale: de
slack: {enabled: true, mode: http, bot_token: xoxp-user}
telegram: {enabled: true, token: "123:abc", mode: webhook, webhook_secret: "has spaces"}
email: {enabled: true, from: nobody}
discord: {enabled: true, token: t, application_id: abc, public_key: zz}
teams: {enabled: true}
nudges: {max_late: 10s}
`, noEnv)
	for _, want := range []string{
		"store.path: must name the database file",
		"http.listen: \"8080\" is not host:port",
		"log.level: \"loud\" is not one of debug, info, warn, error",
		"log.format: \"xml\" is not one of text, json",
		"locale: \"de\" is not a supported language",
		"slack.bot_token: is not a bot token",
		"slack.signing_secret: required in http mode",
		"telegram.webhook_secret: must be 1 to 256 characters",
		"email.host: required",
		"email.from: \"nobody\" is not an email address",
		"discord.application_id: \"abc\" is not a Discord id",
		"discord.public_key: must be the 64 hex characters",
		"teams.app_id: required",
		"teams.app_password: required",
		"nudges.max_late: must be between 1m and 720h",
	} {
		if !containsPrefix(got, want) {
			t.Errorf("missing %q in:\n%s", want, strings.Join(got, "\n"))
		}
	}
}

func containsPrefix(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func TestStructureProblems(t *testing.T) {
	for yml, want := range map[string]string{
		"store: ./herald.db\n":               "store: store must be a section of keys, found a value",
		"- a\n- b\n":                         ": the top level must be a section of keys, found a list",
		"locale: [en, fr]\n":                 "locale: expected a single value, found a list",
		"locale: en\nlocale: fr\n":           "locale: set twice; keep one",
		"slack:\n  enabled: maybe\n":         "slack.enabled: expected true or false, got \"maybe\"",
		"email:\n  from: true\n":             "email.from: expected text, got true; quote it if you meant the text",
		"store: {path: [\n":                  ": not valid YAML",
		"locale: en\n---\nlocale: fr\n":      ": the file holds more than one YAML document",
		"slack:\n  bot_token: ${BAD NAME}\n": "slack.bot_token: \"BAD NAME\" is not an environment variable name",
		"slack:\n  bot_token: ${OPEN\n":      "slack.bot_token: unclosed ${",
	} {
		got := problems(t, yml, noEnv)
		if !containsPrefix(got, want) {
			t.Errorf("%q: problems %q, want one starting %q", yml, got, want)
		}
	}
}

func TestEnvExpansion(t *testing.T) {
	e := env("TOKEN", "xoxb-from-env", "EMPTY", "", "HOST", "smtp.example.org")
	cfg := mustLoad(t, `
slack: {enabled: true, channel: C01, bot_token: "${TOKEN}", app_token: "${APP:-xapp-default}"}
email: {enabled: true, host: "${HOST}", from: "a@b.org", username: "$$user$", password: "${EMPTY:-fallback}"}
`, e)
	if cfg.Slack.BotToken.Value() != "xoxb-from-env" || cfg.Slack.AppToken.Value() != "xapp-default" {
		t.Fatalf("slack = %#v", cfg.Slack)
	}
	if cfg.Email.Host != "smtp.example.org" || cfg.Email.Username != "$user$" || cfg.Email.Password.Value() != "fallback" {
		t.Fatalf("email = %+v", cfg.Email)
	}
}

// TestSecretsNeverShown checks that secrets are hidden from formatting and
// marshalling, and that a problem about a secret does not echo it.
func TestSecretsNeverShown(t *testing.T) {
	const token = "xoxb-very-secret-value"
	cfg := mustLoad(t, "slack: {enabled: true, channel: C01, bot_token: "+token+", app_token: xapp-also-secret}\n", noEnv)
	out, _ := yaml.Marshal(cfg)
	for _, s := range []string{fmt.Sprint(cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg), string(out)} {
		if strings.Contains(s, "very-secret") || strings.Contains(s, "also-secret") {
			t.Fatalf("a secret leaked: %s", s)
		}
	}
	_, err := config.Load(strings.NewReader("slack: {enabled: true, bot_token: xoxp-leaky-user-token, app_token: xapp-1}\ntelegram: {enabled: true, token: t, mode: webhook, webhook_secret: 'leaky secret'}\n"), noEnv)
	if err == nil || strings.Contains(err.Error(), "leaky") {
		t.Fatalf("problems echo a secret: %v", err)
	}
}

// TestExampleListsEveryKey checks that config.example.yaml loads cleanly,
// matches the defaults, and names every key of Config.
func TestExampleListsEveryKey(t *testing.T) {
	raw, err := os.ReadFile("../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := mustLoad(t, string(raw), noEnv)
	if !reflect.DeepEqual(cfg, config.Default()) {
		t.Errorf("the example's values differ from the defaults:\n%+v\n%+v", cfg, config.Default())
	}
	var tree map[string]any
	if err := yaml.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	for _, path := range keyPaths(reflect.TypeOf(config.Config{}), "") {
		var node any = tree
		for _, part := range strings.Split(path, ".") {
			m, ok := node.(map[string]any)
			if !ok {
				node = nil
				break
			}
			node, ok = m[part]
			if !ok {
				t.Errorf("config.example.yaml does not list %s", path)
				break
			}
		}
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.Contains(line, ": ") && !strings.HasPrefix(strings.TrimSpace(line), "#") && !strings.HasSuffix(line, ":") && !strings.Contains(line, "#") {
			t.Errorf("config.example.yaml: no comment on %q", line)
		}
	}
}

func keyPaths(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		path := name
		if prefix != "" {
			path = prefix + "." + name
		}
		if f.Type.Kind() == reflect.Struct {
			out = append(out, keyPaths(f.Type, path)...)
			continue
		}
		out = append(out, path)
	}
	return out
}

func TestModerators(t *testing.T) {
	cfg := mustLoad(t, "moderators:\n  slack: {users: [U1, \"${MOD}\"], group: S9}\n  console:\n    users:\n      - admin\n", env("MOD", "U2"))
	m := cfg.Moderators.Build()
	if !reflect.DeepEqual(m.Users[bot.PlatformSlack], []string{"U1", "U2"}) || m.Groups[bot.PlatformSlack] != "S9" || !reflect.DeepEqual(m.Users[bot.PlatformWeb], []string{"admin"}) {
		t.Fatalf("moderators = %+v", m)
	}
	got := problems(t, "moderators:\n  slack: {users: U1}\n", noEnv)
	if !containsPrefix(got, "moderators.slack.users: expected a list") {
		t.Fatalf("problems = %q", got)
	}
	got = problems(t, "moderators:\n  slack: {users: [[U1]]}\n", noEnv)
	if !containsPrefix(got, "moderators.slack.users[0]: expected a single value") {
		t.Fatalf("problems = %q", got)
	}
}
