package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/store"
)

// The control socket lets operator commands reach a running herald: the
// database file is locked by the running process, so "herald backup" asks
// it for the copy. The socket lives beside the database with mode 0600, so
// whoever may use it may read the database file anyway.

// controlPath returns the control socket's path for the database at dbPath.
func controlPath(dbPath string) string {
	abs, err := filepath.Abs(dbPath)
	if err != nil {
		abs = dbPath
	}
	return abs + ".sock"
}

type controlServer struct {
	path string
	srv  *http.Server
	done chan struct{}
}

// controlOps are what the running herald does for operator commands
// besides backups; a nil function answers that it cannot.
type controlOps struct {
	// resetConsoleToken makes a new console login token and returns it.
	resetConsoleToken func(context.Context) (string, error)
	// clock stamps token revocations.
	clock clock.Clock
	// recipes and checkURL serve "herald recipes import" (a running
	// herald's runner sees the recipes change).
	recipes  *recipes.Service
	checkURL func(string) error
}

// openControl listens on the control socket of db and serves GET /backup
// and POST /console-token/reset.
// A stale socket left by a crashed herald is replaced: holding the database
// lock proves no other herald uses it.
func openControl(db *store.DB, log *slog.Logger, ops controlOps) (*controlServer, error) {
	path := controlPath(db.Path())
	if len(path) > 104 {
		return nil, fmt.Errorf("socket path %s is longer than the system allows; use a shorter store.path", path)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		n, err := db.Backup(r.Context(), w)
		if err != nil {
			log.Error("backup through the control socket failed", "err", err)
			if n == 0 {
				http.Error(w, bot.ErrorMessage(err), http.StatusServiceUnavailable)
			}
			return
		}
		log.Info("backup taken through the control socket", "bytes", n)
	})
	mux.HandleFunc("POST /console-token/reset", func(w http.ResponseWriter, r *http.Request) {
		if ops.resetConsoleToken == nil {
			http.Error(w, "the web console is off (web.enabled: false): it has no login token", http.StatusConflict)
			return
		}
		token, err := ops.resetConsoleToken(r.Context())
		if err != nil {
			refuse(w, err, http.StatusConflict)
			return
		}
		writeSecret(w, token)
	})
	// The event log, for "herald events tail" while herald holds it.
	mux.HandleFunc("GET /events", func(w http.ResponseWriter, r *http.Request) {
		after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
		last, _ := strconv.Atoi(r.URL.Query().Get("last"))
		evs, err := eventsPage(r.Context(), db, after, last)
		if err != nil {
			refuse(w, err, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		enc := json.NewEncoder(w)
		for _, e := range evs {
			enc.Encode(e)
		}
	})
	// API tokens, for "herald token …" while herald holds the database.
	mux.HandleFunc("POST /tokens", func(w http.ResponseWriter, r *http.Request) {
		out, err := tokenOp(r.Context(), db, ops.clock, r.URL.Query().Get("action"), r.URL.Query().Get("name"))
		if err != nil {
			refuse(w, err, http.StatusConflict)
			return
		}
		writeSecret(w, out)
	})
	// Recipes, calendars and webhooks, for "herald recipes export|import".
	mux.HandleFunc("GET /recipes", func(w http.ResponseWriter, r *http.Request) {
		out, err := commands.ExportRecipes(r.Context(), db)
		if err != nil {
			refuse(w, err, http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(out)
	})
	mux.HandleFunc("POST /recipes", func(w http.ResponseWriter, r *http.Request) {
		var in recipesImport
		if err := json.NewDecoder(io.LimitReader(r.Body, 16<<20)).Decode(&in); err != nil || ops.recipes == nil {
			http.Error(w, "an import is a file and its secrets", http.StatusBadRequest)
			return
		}
		rep, err := importRecipes(r.Context(), db, ops.recipes, ops.checkURL, in, ops.clock)
		if err != nil {
			refuse(w, err, http.StatusConflict)
			return
		}
		json.NewEncoder(w).Encode(rep)
	})
	c := &controlServer{path: path, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.srv.Serve(ln)
	}()
	return c, nil
}

// Close stops serving, waiting for a backup in progress, and removes the
// socket.
func (c *controlServer) Close() error {
	err := c.srv.Shutdown(context.Background())
	<-c.done
	os.Remove(c.path)
	return err
}

// askRunning sends a request to the control socket of the herald holding
// dbPath and returns its answer when it is 200 OK; what it refused is an
// error with its reason, named by what (for the message).
func askRunning(ctx context.Context, dbPath, method, target, what string) (*http.Response, error) {
	return askRunningBody(ctx, dbPath, method, target, what, nil)
}

// askRunningBody is askRunning with a request body.
func askRunningBody(ctx context.Context, dbPath, method, target, what string, body io.Reader) (*http.Response, error) {
	path := controlPath(dbPath)
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
	req, err := http.NewRequestWithContext(ctx, method, "http://herald"+target, body)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, bot.Errorf(bot.EUNAVAILABLE, "database %s is in use, and the herald using it does not answer on %s (%w)", dbPath, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		resp.Body.Close()
		code := resp.Header.Get(errorCodeHeader)
		if code == "" {
			code = bot.EUNAVAILABLE
		}
		return nil, bot.Errorf(code, "the running herald refused the %s: %s", what, strings.TrimSpace(string(msg)))
	}
	return resp, nil
}

// fetchBackup asks the herald holding dbPath for a backup and writes it to
// w.
func fetchBackup(ctx context.Context, dbPath string, w io.Writer) (int64, error) {
	resp, err := askRunning(ctx, dbPath, http.MethodGet, "/backup", "backup")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, bot.Errorf(bot.EUNAVAILABLE, "backup interrupted after %d bytes: %w", n, err)
	}
	return n, nil
}

// writeSecret answers with text that holds a secret (a token): plain text,
// kept by no cache.
func writeSecret(w http.ResponseWriter, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, text)
}

// errorCodeHeader carries a refusal's bot error code from the control
// socket to the command that asked, so that its exit says what went wrong
// (a token not found, a bad name) rather than "unavailable".
const errorCodeHeader = "Herald-Error-Code"

// refuse answers err's message with status, and its code in
// errorCodeHeader.
func refuse(w http.ResponseWriter, err error, status int) {
	w.Header().Set(errorCodeHeader, bot.ErrorCode(err))
	http.Error(w, bot.ErrorMessage(err), status)
}
