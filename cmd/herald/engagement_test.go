package main_test

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
)

const browserUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"

// TestEngagementOnTelegram: a campaign with two links goes to a crowd on
// Telegram behind its limits, its links rewritten to herald's public
// address and previews off. Clicks redirect to the campaign's own links
// and are counted per person — a second click adds to the clicks, a HEAD
// request and a link scanner count nothing; an unknown or altered token
// is a 404 page, never a redirect. Those who write back after the
// campaign count as answered; the stats, `campaign people` and the
// engagement export agree.
func TestEngagementOnTelegram(t *testing.T) {
	if testing.Short() {
		t.Skip("a crowd behind a paced platform; skipped with -short")
	}
	const group = -100503
	fake, p := startTelegramCrowd(t, group, "  public_url: \"https://herald.test/\"\n") // inside the http: block

	const crowd = 12
	user := func(i int) int64 { return int64(8100 + i) }
	for i := range crowd {
		fake.UserWrites(user(i), fmt.Sprintf("P%d", i), "hello")
	}
	run := func(line string) string {
		t.Helper()
		text, files := commandOutput(t, p, line)
		return text + string(files)
	}
	waitUntil(t, p, "the crowd's conversations", func() bool { return strings.Contains(run("campaign new Launch"), "#1") })
	for _, line := range []string{
		"campaign message 1 Read [the plan](https://example.org/plan?from=herald) or https://example.org/faq.",
		"campaign audience 1 all:telegram",
		"campaign platform 1 telegram",
	} {
		run(line)
	}
	waitUntil(t, p, "the crowd known", func() bool { return strings.Contains(run("campaign check 1"), strconv.Itoa(crowd)) })
	run("campaign start 1")
	sent := func() map[int64]telegramfake.Message {
		out := map[int64]telegramfake.Message{}
		for _, m := range fake.Sent() {
			if strings.HasPrefix(m.Text, "Read ") {
				out[m.ChatID] = m
			}
		}
		return out
	}
	waitUntil(t, p, "the campaign sent", func() bool { return len(sent()) == crowd })
	links := map[int64][]string{}
	for u, m := range sent() {
		if !m.NoPreview {
			t.Fatalf("a link preview left on: %+v", m)
		}
		for _, part := range strings.Split(m.Text, `href="`)[1:] {
			link, _, _ := strings.Cut(part, `"`)
			tok, ok := strings.CutPrefix(link, "https://herald.test/l/")
			if !ok {
				t.Fatalf("a link not rewritten: %s in %s", link, m.Text)
			}
			links[u] = append(links[u], tok)
		}
		if len(links[u]) != 2 || !strings.Contains(m.Text, ">https://example.org/faq</a>.") {
			t.Fatalf("the message's links: %s", m.Text)
		}
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 10 * time.Second}
	get := func(method, tok, ua string) (int, string, string) {
		t.Helper()
		req, _ := http.NewRequest(method, "http://"+p.HTTPAddr()+"/l/"+tok, nil)
		req.Header.Set("User-Agent", ua)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Location"), string(body)
	}
	// P0 clicks the plan twice, P1 the FAQ, P2 the plan; P3's link is
	// fetched by HEAD and by Slack's link expander: not clicks.
	for _, c := range []struct {
		u    int
		link int
		want string
	}{{0, 0, "https://example.org/plan?from=herald"}, {0, 0, "https://example.org/plan?from=herald"}, {1, 1, "https://example.org/faq"}, {2, 0, "https://example.org/plan?from=herald"}} {
		if code, loc, _ := get("GET", links[user(c.u)][c.link], browserUA); code != http.StatusFound || loc != c.want {
			t.Fatalf("P%d's link %d: %d %q", c.u, c.link, code, loc)
		}
	}
	if code, loc, _ := get("HEAD", links[user(3)][0], browserUA); code != http.StatusFound || loc != "https://example.org/plan?from=herald" {
		t.Fatalf("HEAD: %d %q", code, loc)
	}
	if code, _, _ := get("GET", links[user(3)][1], "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"); code != http.StatusFound {
		t.Fatalf("a scanner: %d", code)
	}
	tok := links[user(4)][0]
	altered := tok[:len(tok)-2] + map[bool]string{true: "AA", false: "BB"}[!strings.HasSuffix(tok, "AA")]
	for _, bad := range []string{"nothing-here", altered, tok + "x"} {
		code, loc, body := get("GET", bad, browserUA)
		if code != http.StatusNotFound || loc != "" || !strings.Contains(body, "This link is unknown") {
			t.Fatalf("token %q: %d %q %s", bad, code, loc, body)
		}
	}
	// P5 and P6 write back after the campaign: answered.
	fake.UserWrites(user(5), "P5", "thanks!")
	fake.UserWrites(user(6), "P6", "I have a question")
	waitUntil(t, p, "the answers counted", func() bool {
		return strings.Contains(run("campaign stats 1"), "12 recipients · 12 sent · 3 seen · 0 errors · 2 answered")
	})
	stats := run("campaign stats 1")
	if !strings.Contains(stats, "3 clicked a link (4 clicks)") {
		t.Fatalf("the stats: %s", stats)
	}
	clicked := run("campaign people 1 clicked")
	if !strings.Contains(clicked, "Campaign #1, clicked: 3") || !strings.Contains(clicked, "(telegram:8100) — clicks: 2") || strings.Contains(clicked, "8103") {
		t.Fatalf("who clicked: %s", clicked)
	}
	if got := run("campaign people 1 answered"); !strings.Contains(got, "answered: 2") || !strings.Contains(got, "8105") || !strings.Contains(got, "8106") {
		t.Fatalf("who answered: %s", got)
	}
	if got := run("campaign people 1 errors"); !strings.Contains(got, "Campaign #1, errors: no one.") {
		t.Fatalf("errors: %s", got)
	}
	_, data := commandOutput(t, p, "campaign export 1 engagement")
	rows, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil || len(rows) != crowd+1 || strings.TrimPrefix(strings.Join(rows[0], ","), "\ufeff") != "sendingID,telegram_id,state,sentAt,seenAt,firstClick,lastClick,clicks,answered" {
		t.Fatalf("the export: %v %v", rows, err)
	}
	clicks, answered := 0, 0
	for _, r := range rows[1:] {
		n, _ := strconv.Atoi(r[7])
		clicks += n
		if r[8] == "true" {
			answered++
		}
		if r[2] != "sent" || r[3] == "" {
			t.Fatalf("a row: %v", r)
		}
	}
	if clicks != 4 || answered != 2 {
		t.Fatalf("the export counts %d clicks, %d answered", clicks, answered)
	}
}
