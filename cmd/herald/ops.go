package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/adapters/web"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/apitokens"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/config"
	"github.com/heraldchat/herald/store"
)

// checkConfig validates the config at path and prints either a summary or
// every problem by key path. Secrets are never printed.
func (m *Main) checkConfig(path string) error {
	cfg, err := m.loadConfig(path)
	if ps := config.ProblemsOf(err); len(ps) > 0 {
		noun := "problem"
		if len(ps) > 1 {
			noun = "problems"
		}
		fmt.Fprintf(m.Stdout, "%s has %d %s:\n", path, len(ps), noun)
		for _, p := range ps {
			fmt.Fprintf(m.Stdout, "  %s\n", p)
		}
		return &exitError{code: 1, quiet: true, err: err}
	}
	if err != nil {
		return err
	}
	platforms := strings.Join(cfg.Platforms(), ", ")
	if platforms == "" {
		platforms = "none (the embedded default)"
	}
	fmt.Fprintf(m.Stdout, "%s is valid\n  store: %s\n  http:  %s\n  locale: %s\n  platforms: %s\n",
		path, cfg.Store.Path, cfg.HTTP.Listen, cfg.Locale, platforms)
	return nil
}

// backup writes a consistent copy of the database to out: directly when no
// herald runs on it, through the running herald's control socket when one
// does. It never writes over the database itself or its control socket,
// and writes over another existing file only when forced.
func (m *Main) backup(ctx context.Context, path, out string, force bool) error {
	st, err := config.LoadStoreFile(path, m.Env) // the store alone: other keys' secrets need not be set
	if err != nil {
		return err
	}
	dbPath := st.Path
	dbInfo, err := os.Stat(dbPath)
	if err != nil {
		return bot.Errorf(bot.ENOTFOUND, "no database at %s (store.path): nothing to back up", dbPath)
	}
	if err := checkBackupTarget(out, dbPath, dbInfo, force); err != nil {
		return err
	}
	var n int64
	db, err := store.Open(dbPath, store.Options{LockTimeout: 200 * time.Millisecond, Clock: m.Clock})
	switch {
	case err == nil:
		n, err = db.BackupFile(ctx, out)
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	case bot.ErrorCode(err) == bot.EUNAVAILABLE && !errors.Is(err, os.ErrPermission):
		n, err = store.WriteFileAtomic(out, func(w io.Writer) (int64, error) { return fetchBackup(ctx, dbPath, w) })
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backup of %s written to %s (%d bytes)\n", dbPath, out, n)
	return nil
}

// resetConsoleToken makes a new console login token and prints it: in the
// database directly when no herald runs on it, through the running
// herald's control socket when one does (which then takes it at once).
func (m *Main) resetConsoleToken(ctx context.Context, path string) error {
	cfg, err := config.LoadSections(path, m.Env, "store", "web") // other keys' secrets need not be set
	if err != nil {
		return err
	}
	if err := consoleTokenResettable(cfg); err != nil {
		return err
	}
	var token, effect string
	db, err := store.Open(cfg.Store.Path, store.Options{LockTimeout: 200 * time.Millisecond, Clock: m.Clock})
	switch {
	case err == nil:
		token, _, err = web.ResetLoginToken(ctx, db)
		if cerr := db.Close(); err == nil {
			err = cerr
		}
		effect = "herald takes it at its next start"
	case bot.ErrorCode(err) == bot.EUNAVAILABLE && !errors.Is(err, os.ErrPermission):
		var resp *http.Response
		if resp, err = askRunning(ctx, cfg.Store.Path, http.MethodPost, "/console-token/reset", "token reset"); err == nil {
			var b []byte
			b, err = io.ReadAll(io.LimitReader(resp.Body, 1024))
			resp.Body.Close()
			token = strings.TrimSpace(string(b))
		}
		effect = "the running herald took it: every console session opened with the old one has ended"
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "herald console login token (shown once; keep it): %s\n%s\n", token, effect)
	return nil
}

// checkBackupTarget refuses a backup's output that would destroy what it
// copies or something else: the database (by any path that reaches it),
// its control socket, anything but a regular file, and an existing file
// unless force.
func checkBackupTarget(out, dbPath string, db os.FileInfo, force bool) error {
	if abs, err := filepath.Abs(out); err == nil {
		if absSock, err := filepath.Abs(controlPath(dbPath)); err == nil && abs == absSock {
			return bot.Errorf(bot.EINVALID, "%s is the control socket of the running herald: give the backup another name", out)
		}
	}
	fi, err := os.Stat(out)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return bot.Errorf(bot.EINVALID, "cannot use %s for the backup: %v", out, err)
	case os.SameFile(fi, db):
		return bot.Errorf(bot.EINVALID, "%s is the database itself (store.path): a backup must go to another file", out)
	case !fi.Mode().IsRegular():
		return bot.Errorf(bot.EINVALID, "%s is not a regular file: give the backup a file name", out)
	case !force:
		return bot.Errorf(bot.ECONFLICT, "%s exists: choose a new name, or add --force to replace it", out)
	}
	return nil
}

// tokenOp runs a token action on the store and returns what to print:
// create NAME (the token, shown once), list, revoke NAME.
func tokenOp(ctx context.Context, db apitokens.Store, clock clock.Clock, action, name string) (string, error) {
	switch action {
	case "create":
		if !apitokens.ValidName(name) {
			return "", bot.Errorf(bot.EINVALID, "a token needs a name: one word, up to 64 characters")
		}
		tok, hash, err := apitokens.New()
		if err != nil {
			return "", err
		}
		if err := db.CreateAPIToken(ctx, &apitokens.Token{Name: name, Hash: hash, CreatedBy: bot.Actor{Name: "herald token create"}}); err != nil {
			return "", err
		}
		return fmt.Sprintf("API token %s (shown once; keep it): %s\nsend events with Authorization: Bearer %s to POST /api/v1/events\n", name, tok, tok), nil
	case "list":
		ts, err := db.APITokens(ctx)
		if err != nil {
			return "", err
		}
		var b strings.Builder
		for _, t := range ts {
			state := "active"
			if t.Revoked() {
				state = "revoked " + t.RevokedAt.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(&b, "%s\tcreated %s\t%s\n", t.Name, t.CreatedAt.UTC().Format(time.RFC3339), state)
		}
		if len(ts) == 0 {
			b.WriteString("no API token yet: herald token create NAME\n")
		}
		return b.String(), nil
	case "revoke":
		if _, err := db.RevokeAPIToken(ctx, name, clock.Now()); err != nil {
			return "", err
		}
		return fmt.Sprintf("API token %s revoked: requests with it are refused from now on\n", name), nil
	}
	return "", bot.Errorf(bot.EINVALID, "token takes create NAME, list or revoke NAME, not %q", action)
}

// token runs "herald token create NAME | list | revoke NAME": in the
// database directly when no herald runs on it, through the running
// herald's control socket when one does.
func (m *Main) token(ctx context.Context, path, action, name string) error {
	st, err := config.LoadStoreFile(path, m.Env)
	if err != nil {
		return err
	}
	var out string
	db, err := store.Open(st.Path, store.Options{LockTimeout: 200 * time.Millisecond, Clock: m.Clock})
	switch {
	case err == nil:
		out, err = tokenOp(ctx, db, m.Clock, action, name)
		if cerr := db.Close(); err == nil {
			err = cerr
		}
	case bot.ErrorCode(err) == bot.EUNAVAILABLE && !errors.Is(err, os.ErrPermission):
		var resp *http.Response
		q := url.Values{"action": {action}, "name": {name}}
		if resp, err = askRunning(ctx, st.Path, http.MethodPost, "/tokens?"+q.Encode(), "token "+action); err == nil {
			var b []byte
			b, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
			resp.Body.Close()
			out = string(b)
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprint(m.Stdout, out)
	return nil
}

// eventsPage returns the events after seq after (up to 1,000), or, with
// last > 0, the last ones.
func eventsPage(ctx context.Context, db *store.DB, after uint64, last int) ([]*bot.Event, error) {
	if last > 0 {
		return db.LastEvents(ctx, min(last, 10000))
	}
	return db.Events(ctx, after, 1000)
}

// eventsTail prints the last n events of the log, one JSON object a
// line, then with follow the new ones as they come until ctx ends: from
// the database when no herald runs on it, through the running herald's
// control socket when one does.
func (m *Main) eventsTail(ctx context.Context, path string, n int, follow bool) error {
	st, err := config.LoadStoreFile(path, m.Env)
	if err != nil {
		return err
	}
	if _, err := os.Stat(st.Path); err != nil {
		return bot.Errorf(bot.ENOTFOUND, "no database at %s (store.path): no events to show", st.Path)
	}
	enc := json.NewEncoder(m.Stdout)
	fetch := func(after uint64, last int) ([]*bot.Event, error) {
		db, err := store.Open(st.Path, store.Options{LockTimeout: 200 * time.Millisecond, Clock: m.Clock})
		if err == nil {
			defer db.Close()
			return eventsPage(ctx, db, after, last)
		}
		if bot.ErrorCode(err) != bot.EUNAVAILABLE || errors.Is(err, os.ErrPermission) {
			return nil, err
		}
		q := url.Values{"after": {strconv.FormatUint(after, 10)}, "last": {strconv.Itoa(last)}}
		resp, err := askRunning(ctx, st.Path, http.MethodGet, "/events?"+q.Encode(), "events")
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		var out []*bot.Event
		dec := json.NewDecoder(resp.Body)
		for {
			var e bot.Event
			if err := dec.Decode(&e); err == io.EOF {
				return out, nil
			} else if err != nil {
				return nil, bot.Errorf(bot.EUNAVAILABLE, "reading the events: %w", err)
			}
			out = append(out, &e)
		}
	}
	// The last n, and where following starts (the log's end).
	evs, err := fetch(0, max(n, 1))
	if err != nil {
		return err
	}
	var last uint64
	for i, e := range evs {
		if i >= len(evs)-n {
			enc.Encode(e)
		}
		last = e.Seq
	}
	for follow {
		if clock.Sleep(ctx, m.Clock, time.Second) != nil {
			return nil
		}
		evs, err := fetch(last, 0)
		if err != nil {
			return err
		}
		for _, e := range evs {
			enc.Encode(e)
			last = e.Seq
		}
	}
	return nil
}
