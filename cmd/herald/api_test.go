package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/commands"
)

var shownAPIToken = regexp.MustCompile(`hrld_[A-Za-z0-9_-]+`)

// TestEventAPI drives POST /api/v1/events as another system would: a
// token from "herald token create" (through the running herald), events
// about known contacts recorded once per key, batches all or nothing with
// every bad field named, unknown contacts refused by name, and the
// token's refusals: none, unknown, revoked, too fast, too big.
func TestEventAPI(t *testing.T) {
	ctx := context.Background()
	cfg := MustWriteConfig(t, t.TempDir(), "api: {requests_per_second: 1000, burst: 1000}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	base := "http://" + p.HTTPAddr() + "/api/v1/events"
	run := commandsOf(t, p)
	// A contact herald knows: a visitor of the chat.
	rid := []string{"", visitChat(t, p.HTTPAddr())}

	// The token, made while herald runs.
	tp := NewProgram(nil)
	if err := tp.Run(ctx, []string{"token", "create", "crm", "--config", cfg}); err != nil {
		t.Fatalf("token create: %v\n%s", err, tp.Stdout)
	}
	token := shownAPIToken.FindString(tp.Stdout.String())
	if token == "" {
		t.Fatalf("no token shown:\n%s", tp.Stdout)
	}
	post := func(tok, key, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, base, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	one := fmt.Sprintf(`{"type": "registered", "contact": "web:%s", "attributes": {"event": "Spring webinar"}}`, rid[1])
	code, body := post(token, "reg-1", one)
	if code != http.StatusAccepted || !strings.Contains(body, `"id":`) || strings.Contains(body, "duplicate") {
		t.Fatalf("first event: %d %s", code, body)
	}
	if code, body2 := post(token, "reg-1", one); code != http.StatusAccepted || !strings.Contains(body2, `"duplicate":true`) || idOf(body2) != idOf(body) {
		t.Fatalf("the same key again: %d %s (first %s)", code, body2, body)
	}
	if out := run("events web:" + rid[1]); !strings.Contains(out, "custom registered") || strings.Count(out, "registered") != 1 {
		t.Fatalf("the contact's events:\n%s", out)
	}
	// The event log from the command line, through the running herald.
	tail := NewProgram(nil)
	if err := tail.Run(ctx, []string{"events", "tail", "-n", "5", "--config", cfg}); err != nil {
		t.Fatalf("events tail: %v", err)
	}
	if lines := strings.Split(strings.TrimSpace(tail.Stdout.String()), "\n"); !strings.Contains(lines[len(lines)-1], `"name":"registered"`) || !strings.Contains(lines[len(lines)-1], `"event":"Spring webinar"`) {
		t.Fatalf("events tail printed:\n%s", tail.Stdout)
	}

	// A batch with problems records nothing and names each.
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	bad := fmt.Sprintf(`{"events": [{"type": "ok", "contact": "web:%s"}, {"type": "Bad Type", "contact": ""}, {"type": "late", "contact": "web:%s", "occurred_at": %q}]}`, rid[1], rid[1], future)
	code, body = post(token, "", bad)
	for _, want := range []string{`"index":1,"field":"type"`, `"index":1,"field":"contact"`, `"index":2,"field":"occurred_at"`} {
		if code != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Fatalf("a bad batch: %d %s (want %s)", code, body, want)
		}
	}
	if out := run("events web:" + rid[1]); strings.Contains(out, " ok") {
		t.Fatalf("a refused batch recorded an event:\n%s", out)
	}
	code, body = post(token, "", `[{"type": "x", "contact": "nobody@example.org"}]`)
	if code != http.StatusNotFound || !strings.Contains(body, "nobody@example.org") {
		t.Fatalf("an unknown contact: %d %s", code, body)
	}
	if code, body := post(token, "", `{"type": "x", "contact": "a@b.c", "colour": "red"}`); code != http.StatusBadRequest || !strings.Contains(body, "colour") {
		t.Fatalf("an unknown field: %d %s", code, body)
	}
	big := `{"type": "x", "contact": "a@b.c", "attributes": {"a": "` + strings.Repeat("x", 1<<20) + `"}}`
	if code, _ := post(token, "", big); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("a body over 1 MiB: %d", code)
	}
	var batch bytes.Buffer
	batch.WriteString("[")
	for i := range 1001 {
		if i > 0 {
			batch.WriteString(",")
		}
		fmt.Fprintf(&batch, `{"type": "x", "contact": "web:%s"}`, rid[1])
	}
	batch.WriteString("]")
	if code, body := post(token, "", batch.String()); code != http.StatusBadRequest || !strings.Contains(body, "at most 1000") {
		t.Fatalf("1,001 events: %d %s", code, body)
	}

	// The token's refusals.
	if code, _ := post("", "", one); code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", code)
	}
	if code, _ := post("hrld_not-a-token", "", one); code != http.StatusUnauthorized {
		t.Fatalf("an unknown token: %d", code)
	}
	if out := run("token revoke crm"); !strings.Contains(out, "revoked") {
		t.Fatalf("revoke: %s", out)
	}
	if code, body := post(token, "", one); code != http.StatusForbidden {
		t.Fatalf("a revoked token: %d %s", code, body)
	}
	if out := run("token list"); !strings.Contains(out, "crm") || !strings.Contains(out, "revoked") {
		t.Fatalf("token list:\n%s", out)
	}
	if strings.Contains(p.Stderr.String(), token) {
		t.Fatal("the token reached herald's log")
	}
}

// TestEventAPIRateLimit: each token has its pace; past its burst, 429.
func TestEventAPIRateLimit(t *testing.T) {
	ctx := context.Background()
	cfg := MustWriteConfig(t, t.TempDir(), "api: {requests_per_second: 0.001, burst: 2, create_contacts: true}\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	mod := consoleMod
	r := p.Commands().RunCommand(ctx, commands.CommandRequest{Actor: mod, Text: "token create pace"})
	token := shownAPIToken.FindString(r.Messages[0].Text)
	if token == "" || !r.Private {
		t.Fatalf("token create as a command: %+v", r)
	}
	var codes []int
	for range 3 {
		req, _ := http.NewRequest(http.MethodPost, "http://"+p.HTTPAddr()+"/api/v1/events", strings.NewReader(`{"type": "signed_up", "contact": "new@example.org"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	// create_contacts: the unknown email became a contact.
	if fmt.Sprint(codes) != "[202 202 429]" {
		t.Fatalf("codes %v, want [202 202 429]", codes)
	}
}

// idOf returns the first event id of an answer.
func idOf(body string) uint64 {
	var v struct {
		Events []struct {
			ID uint64 `json:"id"`
		} `json:"events"`
	}
	json.Unmarshal([]byte(body), &v)
	if len(v.Events) == 0 {
		return 0
	}
	return v.Events[0].ID
}
