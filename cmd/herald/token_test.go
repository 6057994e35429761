package main_test

import (
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var shownToken = regexp.MustCompile(`login token \(shown once; keep it\): (\S+)`)

// consoleAs logs in to the console of the herald at addr with token and
// returns the browser (its cookie jar holds the session), or nil when the
// token is refused.
func consoleAs(t *testing.T, addr, token string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	resp, err := c.PostForm("http://"+addr+"/console/login", url.Values{"token": {token}, "name": {"mo"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !inConsole(t, c, addr) {
		return nil
	}
	return c
}

// inConsole reports whether c's session opens the console (rather than
// the login page).
func inConsole(t *testing.T, c *http.Client, addr string) bool {
	t.Helper()
	resp, err := c.Get("http://" + addr + "/console")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := make([]byte, 64<<10)
	n, _ := resp.Body.Read(b)
	for n < len(b) {
		m, err := resp.Body.Read(b[n:])
		n += m
		if err != nil {
			break
		}
	}
	return strings.Contains(string(b[:n]), "Log out everywhere")
}

// TestConsoleTokenReset: a lost console token is replaced with
// "herald console-token reset", through the running herald (which takes
// it at once and ends the old sessions) or in the database when herald is
// stopped; the addresses are printed at every start, the token only when
// new; a token set in the config is not reset behind its back.
func TestConsoleTokenReset(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "")
	p := NewProgram(nil)
	stop := MustStart(t, p, cfg)
	addr := p.HTTPAddr()
	first := shownToken.FindStringSubmatch(p.Stderr.String())
	if first == nil || !strings.Contains(p.Stderr.String(), "participants' chat:   http://"+addr+"/chat") ||
		!strings.Contains(p.Stderr.String(), "moderators' console:  http://"+addr+"/console") {
		t.Fatalf("the first start does not show the token and the addresses:\n%s", p.Stderr)
	}
	old := consoleAs(t, addr, first[1])
	if old == nil {
		t.Fatal("the token shown does not log in")
	}

	// While herald runs: through its control socket.
	reset := NewProgram(nil)
	if err := reset.Run(ctx, []string{"console-token", "reset", "--config", cfg}); err != nil {
		t.Fatalf("reset while running: %v", err)
	}
	second := shownToken.FindStringSubmatch(reset.Stdout.String())
	if second == nil || second[1] == first[1] || !strings.Contains(reset.Stdout.String(), "running herald took it") {
		t.Fatalf("reset while running printed:\n%s", reset.Stdout)
	}
	if inConsole(t, old, addr) {
		t.Fatal("a session opened with the old token still works after the reset")
	}
	if consoleAs(t, addr, first[1]) != nil {
		t.Fatal("the old token still logs in")
	}
	if consoleAs(t, addr, second[1]) == nil {
		t.Fatal("the new token does not log in")
	}
	if strings.Contains(p.Stderr.String(), second[1]) {
		t.Fatal("the new token is in herald's log")
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	// Stopped: in the database; the next start takes it and prints no token.
	reset = NewProgram(nil)
	if err := reset.Run(ctx, []string{"console-token", "reset", "--config", cfg}); err != nil {
		t.Fatalf("reset while stopped: %v", err)
	}
	third := shownToken.FindStringSubmatch(reset.Stdout.String())
	if third == nil || !strings.Contains(reset.Stdout.String(), "next start") {
		t.Fatalf("reset while stopped printed:\n%s", reset.Stdout)
	}
	p = NewProgram(nil)
	MustStart(t, p, cfg)
	addr = p.HTTPAddr()
	if strings.Contains(p.Stderr.String(), "shown once") || !strings.Contains(p.Stderr.String(), "http://"+addr+"/console") {
		t.Fatalf("a later start:\n%s", p.Stderr)
	}
	if consoleAs(t, addr, second[1]) != nil || consoleAs(t, addr, third[1]) == nil {
		t.Fatal("after a reset while stopped, the new token is not the one that logs in")
	}

	// A token from the config is the config's.
	fixed := MustWriteConfig(t, t.TempDir(), "web: {console_token: chosen-by-the-operator}\n")
	err := NewProgram(nil).Run(ctx, []string{"console-token", "reset", "--config", fixed})
	if err == nil || !strings.Contains(err.Error(), "web.console_token") {
		t.Fatalf("reset of a configured token: %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(fixed), "herald.db")); !os.IsNotExist(err) {
		t.Fatalf("the refused reset created a database: %v", err)
	}
}

// TestListenAndConfigFromTheEnvironment: --listen and HERALD_LISTEN set
// the address without YAML, --listen first; HERALD_CONFIG stands for
// --config.
func TestListenAndConfigFromTheEnvironment(t *testing.T) {
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "")
	p := NewProgram(map[string]string{"HERALD_CONFIG": cfg, "HERALD_LISTEN": "127.0.0.1:0"})
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx, nil) }() // bare herald: the environment's config and address
	select {
	case <-p.Started():
	case err := <-errc:
		t.Fatalf("herald with HERALD_CONFIG did not start: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "herald.db")); err != nil {
		t.Fatalf("HERALD_CONFIG's database was not used: %v", err)
	}
	cancel()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}

	// --listen wins over HERALD_LISTEN and http.listen.
	ln := freeAddr(t)
	p = NewProgram(map[string]string{"HERALD_LISTEN": "127.0.0.1:1"})
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	go func() { errc <- p.Run(ctx, []string{"run", "--config", cfg, "--listen", ln}) }()
	select {
	case <-p.Started():
	case err := <-errc:
		t.Fatalf("herald --listen did not start: %v", err)
	}
	if p.HTTPAddr() != ln {
		t.Fatalf("listening on %s, want %s", p.HTTPAddr(), ln)
	}
	if code, _ := httpGet(t, "http://"+ln+"/readyz"); code != 200 {
		t.Fatalf("readyz on --listen = %d", code)
	}
	cancel()
	<-errc

	// HERALD_LISTEN over http.listen.
	ln = freeAddr(t)
	p = NewProgram(map[string]string{"HERALD_LISTEN": ln})
	stop := MustStart(t, p, cfg)
	if p.HTTPAddr() != ln {
		t.Fatalf("listening on %s, want HERALD_LISTEN's %s", p.HTTPAddr(), ln)
	}
	stop()
}

// freeAddr returns a loopback address free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
