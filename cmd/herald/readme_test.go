package main_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/moderators"
	main "github.com/heraldchat/herald/cmd/herald"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/config"
)

// readmeBlock is one fenced block of the README.
type readmeBlock struct {
	lang string
	line int
	text string
}

func readmeBlocks(t *testing.T) []readmeBlock {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var (
		out []readmeBlock
		cur *readmeBlock
		n   int
	)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &readmeBlock{lang: strings.TrimPrefix(line, "```"), line: n}
		case cur != nil && line == "```":
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			cur.text += strings.TrimPrefix(sc.Text(), "   ") + "\n"
		}
	}
	if len(out) == 0 {
		t.Fatal("the README has no examples")
	}
	return out
}

// TestReadmeExamples runs every example of the README: each YAML block
// loads as a config without a problem, each herald command line runs and
// exits as the README says, and each block of moderator commands runs in
// a herald on the embedded default without a refusal. An example that
// drifts from the program fails here.
func TestReadmeExamples(t *testing.T) {
	env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-readme", "SLACK_APP_TOKEN": "xapp-readme", "DISCORD_TOKEN": "d", "TELEGRAM_TOKEN": "1:t", "TEAMS_APP_PASSWORD": "p"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	ran := map[string]int{}
	var lastCommands readmeBlock // the moderator commands a curl example follows
	// The README's recipient file, its placeholders standing for ids the
	// chat made; the moderator commands after it run on it.
	list := "respondentID,first_name\nAAAAAAAAAAAAAAAAAAAAAA,Ana\nBBBBBBBBBBBBBBBBBBBBBB,Bo\n"
	for _, b := range readmeBlocks(t) {
		switch b.lang {
		case "csv":
			list = strings.NewReplacer("<the first id>", "AAAAAAAAAAAAAAAAAAAAAA", "<the second id>", "BBBBBBBBBBBBBBBBBBBBBB").Replace(b.text)
			ran["csv"]++
		case "yaml":
			if _, err := config.Load(strings.NewReader(b.text), lookup); err != nil {
				t.Errorf("README line %d: the YAML example does not load:\n%v", b.line, err)
			}
			ran["yaml"]++
		case "sh":
			if strings.HasPrefix(b.text, "curl ") {
				runReadmeNudge(t, b, lastCommands)
				ran["curl"]++
				continue
			}
			for _, line := range strings.Split(b.text, "\n") {
				cmd, _, _ := strings.Cut(line, "#")
				if fields := strings.Fields(cmd); len(fields) > 0 {
					runReadmeCommand(t, b.line, fields, env)
					ran["sh"]++
				}
			}
		case "":
			lastCommands = b
			runReadmeModeratorCommands(t, b, list)
			ran["commands"]++
		case "http":
			runReadmeRequest(t, b)
			ran["http"]++
		default:
			t.Errorf("README line %d: a %q block that no test runs", b.line, b.lang)
		}
	}
	if ran["yaml"] == 0 || ran["sh"] == 0 || ran["commands"] == 0 || ran["http"] == 0 || ran["curl"] == 0 {
		t.Fatalf("examples run: %v; every kind of example should be found", ran)
	}
}

// runReadmeCommand runs one shell line of the README. The newcomer's two
// commands are run elsewhere (go run ./cmd/herald by
// TestDefaultRunNeedsNoConfig, make test is this very run); herald's own
// commands run through Main, in a
// fresh directory, with FILE, OUT and herald.yaml standing for files made
// there.
func runReadmeCommand(t *testing.T, at int, fields []string, env map[string]string) {
	t.Helper()
	switch strings.Join(fields, " ") {
	case "make test":
		return // this test is part of it
	case "go run ./cmd/herald":
		return // TestDefaultRunNeedsNoConfig builds herald and runs it so, on the default address
	}
	if fields[0] != "herald" {
		t.Errorf("README line %d: %q is neither herald nor one of the two newcomer commands", at, strings.Join(fields, " "))
		return
	}
	dir := t.TempDir()
	extra := ""
	if fields[1] == "teams" { // the Teams app package names the app
		extra = "teams: {enabled: true, app_id: 6b6f2c1e-3d6a-4a55-9c39-2f1c5c1e0f11, app_password: p, tenant_id: t}\n"
	}
	cfg := MustWriteConfig(t, dir, extra)
	file := filepath.Join(dir, "recipients.csv")
	os.WriteFile(file, []byte("email,first_name\nana@example.org,Ana\n"), 0o600)
	args := make([]string, 0, len(fields)-1)
	for i, f := range fields[1:] {
		if i > 0 && fields[i] == "--listen" {
			f = freeAddr(t) // the README's address stands for a free one
		}
		switch f {
		case "herald.yaml":
			f = cfg
		case "FILE":
			f = file
		case "OUT":
			f = filepath.Join(dir, "backup.db")
		}
		args = append(args, f)
	}
	if len(args) > 0 && (args[0] == "backup" || args[0] == "events" || args[0] == "recipes") {
		// A backup, or the event log, needs a database: run herald once.
		stop := MustStart(t, NewProgram(env), cfg)
		stop()
	}
	p := NewProgram(env)
	serves := len(args) == 0 || args[0] == "run"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx, args) }()
	if serves {
		select {
		case <-p.Started():
			cancel()
			if err := <-errc; err != nil {
				t.Errorf("README line %d: herald %s stopped with %v", at, strings.Join(args, " "), err)
			}
		case err := <-errc:
			t.Errorf("README line %d: herald %s did not start: %v\n%s", at, strings.Join(args, " "), err, p.Stderr)
		case <-time.After(20 * time.Second):
			t.Errorf("README line %d: herald %s did not start within 20s", at, strings.Join(args, " "))
		}
		return
	}
	if err := <-errc; main.ExitCode(err) != 0 {
		t.Errorf("README line %d: herald %s exited %d: %v\n%s%s", at, strings.Join(args, " "), main.ExitCode(err), err, p.Stdout, p.Stderr)
	}
}

// runReadmeModeratorCommands runs a block of moderator commands as a
// console moderator in a herald on the embedded default, NAME standing
// for the list csv, imported first.
func runReadmeModeratorCommands(t *testing.T, b readmeBlock, csv string) {
	t.Helper()
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), ""))
	mod := bot.Actor{Address: bot.Address{Platform: bot.PlatformWeb, ID: moderators.ConsolePrefix + "readme"}, Name: "readme"}
	run := func(text string, files ...bot.File) bot.CommandReply {
		return p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: mod, Text: text, Files: files})
	}
	if r := run("list import readme-list", bot.File{Name: "people.csv", Data: []byte(csv)}); r.Private {
		t.Fatalf("importing the README's list: %+v", r)
	}
	for _, line := range strings.Split(strings.TrimSpace(b.text), "\n") {
		text := strings.ReplaceAll(strings.TrimSpace(line), "NAME", "readme-list")
		if r := run(text); r.Private {
			t.Errorf("README line %d: %q was refused: %+v", b.line, text, r.Messages)
		}
	}
}

// runReadmeRequest sends an HTTP request of the README to a herald on the
// embedded default (api.create_contacts on), TOKEN standing for a token
// made first, and wants it answered with 2xx.
func runReadmeRequest(t *testing.T, b readmeBlock) {
	t.Helper()
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), "api: {create_contacts: true}\n"))
	mod := bot.Actor{Address: bot.Address{Platform: bot.PlatformWeb, ID: moderators.ConsolePrefix + "readme"}, Name: "readme"}
	r := p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: mod, Text: "token create readme"})
	token := regexp.MustCompile(`hrld_[A-Za-z0-9_-]+`).FindString(r.Messages[0].Text)
	head, body, _ := strings.Cut(strings.ReplaceAll(b.text, "TOKEN", token), "\n\n")
	lines := strings.Split(head, "\n")
	method, path, _ := strings.Cut(lines[0], " ")
	req, err := http.NewRequest(method, "http://"+p.HTTPAddr()+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("README line %d: %v", b.line, err)
	}
	for _, h := range lines[1:] {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Errorf("README line %d: %s %s answered %d %s", b.line, method, path, resp.StatusCode, got)
	}
}

// runReadmeNudge runs the README's nudge example end to end on the
// embedded default: a visitor writes in /chat, the moderator commands
// before the curl example make the nudge, and the curl line (TOKEN a
// token made first, RESPONDENT the visitor's address, the address the
// herald's) posts the event; the nudge's message must reach the visitor's
// page.
func runReadmeNudge(t *testing.T, b readmeBlock, commandsBlock readmeBlock) {
	t.Helper()
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), ""))
	rid, ws, _ := openChat(t, p.HTTPAddr())
	hello, _ := json.Marshal(map[string]string{"text": "hello", "cid": "1"})
	if err := ws.Write(context.Background(), websocket.MessageText, hello); err != nil {
		t.Fatal(err)
	}
	mod := bot.Actor{Address: bot.Address{Platform: bot.PlatformWeb, ID: moderators.ConsolePrefix + "readme"}, Name: "readme"}
	run := func(text string) bot.CommandReply {
		return p.Commands().RunCommand(context.Background(), commands.CommandRequest{Actor: mod, Text: text})
	}
	var want string
	for _, line := range strings.Split(strings.TrimSpace(commandsBlock.text), "\n") {
		if r := run(strings.TrimSpace(line)); r.Private {
			t.Fatalf("README line %d: %q was refused: %+v", commandsBlock.line, line, r.Messages)
		}
		if msg, ok := strings.CutPrefix(strings.TrimSpace(line), "nudge message 1 "); ok {
			want, _, _ = strings.Cut(msg, "{{")
		}
	}
	if want == "" {
		t.Fatalf("README line %d: the commands before the curl example set no nudge message", commandsBlock.line)
	}
	token := regexp.MustCompile(`hrld_[A-Za-z0-9_-]+`).FindString(run("token create demo").Messages[0].Text)
	args := commands.Tokenize(strings.ReplaceAll(strings.ReplaceAll(b.text, "\\\n", " "), "\n", " "))
	req, err := curlRequest(args, strings.NewReplacer("TOKEN", token, "RESPONDENT", "web:"+rid, "127.0.0.1:8080", p.HTTPAddr()))
	if err != nil {
		t.Fatalf("README line %d: %v", b.line, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("README line %d: the event was answered %d %s", b.line, resp.StatusCode, got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		_, frame, err := ws.Read(ctx)
		if err != nil {
			t.Fatalf("README line %d: the nudge never reached the visitor's page (%v)", b.line, err)
		}
		if strings.Contains(string(frame), want) {
			return
		}
	}
}

// curlRequest makes the request a curl command line asks for: -H
// headers, -d a body (a POST), -X a method; the rest is the URL. with
// replaces the README's placeholders.
func curlRequest(args []string, with *strings.Replacer) (*http.Request, error) {
	if len(args) == 0 || args[0] != "curl" {
		return nil, fmt.Errorf("not a curl command: %q", args)
	}
	method, url, body := http.MethodGet, "", ""
	header := http.Header{}
	for i := 1; i < len(args); i++ {
		a := with.Replace(args[i])
		switch {
		case a == "-s" || a == "--silent":
		case (a == "-H" || a == "-d" || a == "-X") && i+1 == len(args):
			return nil, fmt.Errorf("%s without a value", a)
		case a == "-H":
			i++
			k, v, _ := strings.Cut(with.Replace(args[i]), ": ")
			header.Set(k, v)
		case a == "-d":
			i++
			method, body = http.MethodPost, with.Replace(args[i])
		case a == "-X":
			i++
			method = args[i]
		case strings.HasPrefix(a, "-"):
			return nil, fmt.Errorf("curl option %s is not one this test knows", a)
		default:
			url = a
		}
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = header
	return req, nil
}
