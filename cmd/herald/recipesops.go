package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/config"
	"github.com/heraldchat/herald/exprfilter"
	"github.com/heraldchat/herald/store"
	"github.com/heraldchat/herald/webhook"
)

// recipesImport is an import sent to a running herald: the file, and the
// values of the ${ENV} references its webhooks name, read from the
// environment of the command that sends it.
type recipesImport struct {
	File    []byte            `json:"file"`
	Secrets map[string]string `json:"secrets"`
}

var envRef = regexp.MustCompile(`^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$`)

// importRecipes imports in into db as the operator.
func importRecipes(ctx context.Context, db *store.DB, svc *recipes.Service, checkURL func(string) error, in recipesImport, clk clock.Clock) (commands.ImportReport, error) {
	lookup := func(k string) (string, bool) { v, ok := in.Secrets[k]; return v, ok }
	return commands.ImportRecipes(ctx, db, svc, in.File, lookup, webhook.NewSecret, checkURL, bot.Actor{Name: "herald recipes import"}, clk.Now().UTC())
}

// recipesOp runs "herald recipes export [OUT]" or "herald recipes import
// FILE": on the database when it is free, else through the running
// herald's control socket.
func (m *Main) recipesOp(ctx context.Context, path, action, file string) error {
	cfg, err := config.LoadSections(path, m.Env, "store", "webhooks")
	if err != nil {
		return err
	}
	var in recipesImport
	if action == "import" {
		if in.File, err = os.ReadFile(file); err != nil {
			return bot.Errorf(bot.EINVALID, "reading %s: %w", file, err)
		}
		var x commands.Exchange
		if err := yaml.Unmarshal(in.File, &x); err != nil {
			return bot.Errorf(bot.EINVALID, "%s cannot be read: %v", file, err)
		}
		in.Secrets = map[string]string{}
		for _, w := range x.Webhooks {
			for _, ref := range []string{w.Secret, w.Authorization} {
				if sm := envRef.FindStringSubmatch(ref); sm != nil {
					if v, ok := m.Env(sm[1]); ok {
						in.Secrets[sm[1]] = v
					}
				}
			}
		}
	}
	db, err := store.Open(cfg.Store.Path, store.Options{LockTimeout: 200 * time.Millisecond, Clock: m.Clock})
	switch {
	case err == nil:
		defer db.Close()
		if action == "export" {
			out, err := commands.ExportRecipes(ctx, db)
			if err != nil {
				return err
			}
			return m.writeOut(file, out)
		}
		svc := &recipes.Service{Store: db, Compiler: exprfilter.Compiler{}, Clock: m.Clock}
		poster := &webhook.Poster{AllowHTTP: cfg.Webhooks.AllowHTTP, AllowPrivate: cfg.Webhooks.AllowPrivate}
		rep, err := importRecipes(ctx, db, svc, poster.CheckURL, in, m.Clock)
		if err != nil {
			return err
		}
		m.printImport(rep)
		return nil
	case bot.ErrorCode(err) == bot.EUNAVAILABLE && !errors.Is(err, os.ErrPermission):
		if action == "export" {
			resp, err := askRunning(ctx, cfg.Store.Path, http.MethodGet, "/recipes", "recipes export")
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			out, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
			if err != nil {
				return err
			}
			return m.writeOut(file, out)
		}
		body, _ := json.Marshal(in)
		resp, err := askRunningBody(ctx, cfg.Store.Path, http.MethodPost, "/recipes", "recipes import", bytes.NewReader(body))
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var rep commands.ImportReport
		json.NewDecoder(resp.Body).Decode(&rep)
		m.printImport(rep)
		return nil
	default:
		return err
	}
}

// printImport says what an import did, and what is left to the operator.
func (m *Main) printImport(rep commands.ImportReport) {
	fmt.Fprintf(m.Stdout, "imported %d calendars, %d webhooks, %d recipes\n", rep.Calendars, rep.Webhooks, rep.Recipes)
	for _, w := range rep.Warnings {
		fmt.Fprintf(m.Stdout, "  warning: %s\n", w)
	}
}

// writeOut writes out to file, or to standard output for "" or "-".
func (m *Main) writeOut(file string, out []byte) error {
	if file == "" || file == "-" {
		_, err := m.Stdout.Write(out)
		return err
	}
	return os.WriteFile(file, out, 0o600)
}
