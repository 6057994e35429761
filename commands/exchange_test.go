package commands_test

import (
	"context"
	"strings"
	"testing"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/exprfilter"
	"github.com/heraldchat/herald/webhook"
)

// Recipes, calendars and webhooks exported as YAML and imported into
// another herald come back the same — secrets as ${ENV} references, read
// from the environment — and a file with a mistake changes nothing.
func TestRecipesExportAndImport(t *testing.T) {
	ctx := context.Background()
	a := newWorld(t, commands.LocaleEnglish)
	for _, cmd := range []string{
		`filter save vip plan = gold`, "recipe new VIP", "recipe when 1 new conversation", "recipe if 1 filter vip", "recipe do 1 tag add vip",
		"calendar new office tz Europe/Paris mon-fri 9-12 mon-fri 13:30-18 sat 10-14 closed 2026-12-25,2027-01-01",
		`webhook new crm https://crm.example.org/hook?token=abc post form vars contact,message desc "the CRM"`,
		`webhook auth crm "Bearer s3cret"`,
		"recipe new Auto-close", "recipe when 2 status pending", "recipe if 2 status is pending", "recipe do 2 wait 30m; resolve", "recipe enable 2",
		"recipe new Refunds", "recipe when 3 new message", `recipe if 3 message contains "refund" and (platform is slack or plan = gold)`,
		`recipe do 3 tag add refund; assign @billing; notify slack:CSUPPORT after 5 every 1h "{{count}} about refunds"; webhook crm vars contact; approve "Your refund is on its way."; set priority high; smart-assign 3h`,
		"recipe hours 3 outside office",
	} {
		if r := a.run(mo, cmd); strings.Contains(render(r), "[important]") {
			t.Fatalf("%s: %s", cmd, render(r))
		}
	}
	out, err := commands.ExportRecipes(ctx, a.db)
	if err != nil {
		t.Fatal(err)
	}
	file := string(out)
	for _, want := range []string{"${HERALD_WEBHOOK_CRM_SECRET}", "${HERALD_WEBHOOK_CRM_AUTH}", "do: wait 30m; resolve", "hours: outside office",
		"tz Europe/Paris mon,tue,wed,thu,fri 9:00-12:00 mon,tue,wed,thu,fri 13:30-18:00 sat 10:00-14:00 closed 2026-12-25,2027-01-01"} {
		if !strings.Contains(file, want) {
			t.Errorf("the file lacks %q:\n%s", want, file)
		}
	}
	if strings.Contains(file, "s3cret") || strings.Contains(file, "whsec_") {
		t.Fatalf("a secret in the file:\n%s", file)
	}

	b := newWorld(t, commands.LocaleEnglish)
	svc := &recipes.Service{Store: b.db, Compiler: exprfilter.Compiler{}, Clock: b.clock}
	env := map[string]string{"HERALD_WEBHOOK_CRM_SECRET": "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", "HERALD_WEBHOOK_CRM_AUTH": "Bearer from-env"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	imp := func(data string) (commands.ImportReport, error) {
		return commands.ImportRecipes(ctx, b.db, svc, []byte(data), lookup, webhook.NewSecret, (&webhook.Poster{}).CheckURL, mo, b.clock.Now())
	}
	// A mistake anywhere changes nothing.
	bad := strings.Replace(file, "do: wait 30m; resolve", "do: wait 30m; explode", 1)
	if _, err := imp(bad); bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), `recipe "Auto-close"`) {
		t.Fatalf("a bad file: %v", err)
	}
	if rs, _ := b.db.Recipes(ctx); len(rs) != 0 {
		t.Fatalf("a bad file wrote %d recipes", len(rs))
	}
	rep, err := imp(file)
	if err != nil || rep.Recipes != 3 || rep.Webhooks != 1 || rep.Calendars != 1 {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if sign, auth, _ := b.db.WebhookSecrets(ctx, "crm"); sign != env["HERALD_WEBHOOK_CRM_SECRET"] || auth != "Bearer from-env" {
		t.Fatalf("secrets from the environment: %q %q", sign, auth)
	}
	again, err := commands.ExportRecipes(ctx, b.db)
	if err != nil || string(again) != file {
		t.Fatalf("exported again:\n%s\nwant:\n%s", again, file)
	}
	// Importing again replaces, by name.
	if rep, err := imp(file); err != nil || rep.Recipes != 3 {
		t.Fatalf("import again: %+v %v", rep, err)
	}
	if rs, _ := b.db.Recipes(ctx); len(rs) != 3 || rs[0].Enabled || !rs[1].Enabled || rs[2].Enabled || rs[0].Filter != "vip" {
		t.Fatalf("recipes after two imports: %+v", rs)
	}
	// The variables not set: the webhook keeps its secrets, and the
	// report says so; a new webhook gets a signing secret shown once and
	// no Authorization header.
	delete(env, "HERALD_WEBHOOK_CRM_SECRET")
	delete(env, "HERALD_WEBHOOK_CRM_AUTH")
	rep, err = imp(file)
	if err != nil || len(rep.Warnings) != 2 || !strings.Contains(rep.Warnings[0], "HERALD_WEBHOOK_CRM_SECRET is not set: its signing secret is kept") ||
		!strings.Contains(rep.Warnings[1], "its Authorization header is kept") {
		t.Fatalf("import without the variables: %+v %v", rep, err)
	}
	if sign, auth, _ := b.db.WebhookSecrets(ctx, "crm"); sign != "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0" || auth != "Bearer from-env" {
		t.Fatalf("secrets kept: %q %q", sign, auth)
	}
	c := newWorld(t, commands.LocaleEnglish)
	csvc := &recipes.Service{Store: c.db, Compiler: exprfilter.Compiler{}, Clock: c.clock}
	rep, err = commands.ImportRecipes(ctx, c.db, csvc, []byte(file), lookup, webhook.NewSecret, (&webhook.Poster{}).CheckURL, mo, c.clock.Now())
	if err != nil || len(rep.Warnings) != 2 || !strings.Contains(rep.Warnings[0], "its new signing secret, shown this once: whsec_") ||
		!strings.Contains(rep.Warnings[1], "no Authorization header") {
		t.Fatalf("a new webhook without the variables: %+v %v", rep, err)
	}
	if sign, auth, _ := c.db.WebhookSecrets(ctx, "crm"); !strings.Contains(rep.Warnings[0], sign) || auth != "" {
		t.Fatalf("the new webhook's secrets: %q %q", sign, auth)
	}
	// A signing secret that is not one is refused.
	env["HERALD_WEBHOOK_CRM_SECRET"] = "hunter2"
	if _, err := imp(file); bot.ErrorCode(err) != bot.EINVALID || !strings.Contains(err.Error(), "whsec_") {
		t.Fatalf("a bad signing secret: %v", err)
	}
}
