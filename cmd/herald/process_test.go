package main_test

import (
	"bufio"
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// MustBuild builds the herald binary once per test run, or skips in -short.
func MustBuild(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("builds and runs the binary; skipped with -short")
	}
	bin := filepath.Join(tb.TempDir(), "herald")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var listening = regexp.MustCompile(`http=http://([0-9.:]+)`)

// startProcess starts the binary and waits for its "herald is running" log
// line, returning the process and its HTTP address.
func startProcess(t *testing.T, cmd *exec.Cmd) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var logs bytes.Buffer
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			logs.WriteString(sc.Text() + "\n")
			if m := listening.FindStringSubmatch(sc.Text()); m != nil && !sent {
				addr <- m[1]
				sent = true
			}
		}
		close(addr)
	}()
	select {
	case a, ok := <-addr:
		if !ok {
			t.Fatalf("herald exited before running")
		}
		return cmd, a, &logs
	case <-time.After(20 * time.Second):
		t.Fatal("herald did not start within 20s")
	}
	return nil, "", nil
}

func TestProcessLifecycle(t *testing.T) {
	bin := MustBuild(t)
	dir := t.TempDir()
	cfg := MustWriteConfig(t, dir, "")

	first, addr, _ := startProcess(t, exec.Command(bin, "run", "--config", cfg))
	if code, body := httpGet(t, "http://"+addr+"/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("healthz = %d %q", code, body)
	}

	// A second herald on the same database exits non-zero, quickly, and
	// says why.
	start := time.Now()
	out, err := exec.Command(bin, "run", "--config", cfg).CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("second herald: %v\n%s", err, out)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("second herald took %s", d)
	}
	if !strings.Contains(string(out), "is in use by another herald process") {
		t.Fatalf("second herald said:\n%s", out)
	}

	// SIGTERM stops the first gracefully with status 0.
	if err := first.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- first.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("herald exited with %v after SIGTERM", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("herald did not stop within 15s of SIGTERM")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Fatal("the listener is still open")
	}
}

// TestDefaultRunNeedsNoConfig runs the bare "herald" in an empty directory:
// it must start on the defaults and create ./herald.db with mode 0600.
func TestDefaultRunNeedsNoConfig(t *testing.T) {
	bin := MustBuild(t)
	if ln, err := net.Listen("tcp", "127.0.0.1:8080"); err != nil {
		t.Skip("127.0.0.1:8080, the default address, is in use on this machine")
	} else {
		ln.Close()
	}
	dir := t.TempDir()
	cmd := exec.Command(bin)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir)
	p, addr, _ := startProcess(t, cmd)
	if addr != "127.0.0.1:8080" {
		t.Fatalf("listening on %s, want the default 127.0.0.1:8080", addr)
	}
	if code, _ := httpGet(t, "http://"+addr+"/readyz"); code != 200 {
		t.Fatalf("readyz = %d", code)
	}
	fi, err := os.Stat(filepath.Join(dir, "herald.db"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("./herald.db: %v %v", fi, err)
	}
	p.Process.Signal(os.Interrupt)
	if err := p.Wait(); err != nil {
		t.Fatalf("exit after SIGINT: %v", err)
	}
}

// TestFirstHourOnTheBinary runs the newcomer's command lines on the built
// binary: help for every subcommand (exit 0), an address without YAML,
// a taken port that says what to do and creates nothing, and a console
// token made again after it was lost.
func TestFirstHourOnTheBinary(t *testing.T) {
	bin := MustBuild(t)
	dir := t.TempDir()
	runBin := func(env []string, args ...string) (string, int) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	for _, args := range [][]string{{"help"}, {"run", "--help"}, {"backup", "--help"}, {"check-config", "--help"}, {"console-token", "--help"}, {"recipients", "check", "--help"}} {
		out, code := runBin(nil, args...)
		if code != 0 || !strings.Contains(out, "Usage") && !strings.Contains(out, "herald run") {
			t.Errorf("herald %s: exit %d\n%s", strings.Join(args, " "), code, out)
		}
	}

	// A taken port: what to do, and nothing created.
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	out, code := runBin([]string{"HERALD_LISTEN=" + taken.Addr().String()})
	if code == 0 || !strings.Contains(out, "--listen") || strings.Contains(out, "shown once") {
		t.Fatalf("herald on a taken port: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "herald.db")); !os.IsNotExist(err) {
		t.Fatalf("a database was created on a taken port: %v", err)
	}

	// --listen: another address without YAML.
	free := freeAddr(t)
	cmd := exec.Command(bin, "run", "--listen", free)
	cmd.Dir = dir
	p, addr, _ := startProcess(t, cmd)
	if addr != free {
		t.Fatalf("listening on %s, want %s", addr, free)
	}
	if code, _ := httpGet(t, "http://"+addr+"/readyz"); code != 200 {
		t.Fatalf("readyz = %d", code)
	}
	p.Process.Signal(os.Interrupt)
	if err := p.Wait(); err != nil {
		t.Fatalf("exit after SIGINT: %v", err)
	}

	// The token shown once is lost: a new one, for the next start.
	out, code = runBin(nil, "console-token", "reset")
	if code != 0 || !strings.Contains(out, "login token (shown once; keep it): ") || !strings.Contains(out, "next start") {
		t.Fatalf("console-token reset: exit %d\n%s", code, out)
	}
}
