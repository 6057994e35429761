package main_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/email/emailfake"
	"github.com/heraldchat/herald/bot"
)

var hrefRE = regexp.MustCompile(`<a href="([^"]+)">([^<]+)</a>`)

// TestSurveyByEmail: a 3-question survey (a choice, an NPS rating, an
// optional text) sent by email to a crowd through a real SMTP server.
// Each answer is a link to a page of herald's; opening it answers nothing
// (mail scanners open every link), its Confirm button does, once however
// often it is pressed; the next question then comes by email. The text
// question's link opens a page to write the answer in. The stats count
// each answer once.
func TestSurveyByEmail(t *testing.T) {
	if testing.Short() {
		t.Skip("a crowd by email; skipped with -short")
	}
	box, err := emailfake.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { box.Close() })
	cfg := MustWriteConfig(t, t.TempDir(), "  public_url: \"https://herald.test\"\n"+ // inside the http: block
		fmt.Sprintf("limits: {time_scale: %d}\n", scale)+
		fmt.Sprintf("email: {enabled: true, host: 127.0.0.1, port: %d, tls: none, from: \"Herald <herald@example.org>\"}\n", box.Port()))
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	run := commandsOf(t, p)

	const crowd = 8
	csv := "email,first_name\n"
	for i := range crowd {
		csv += fmt.Sprintf("p%d@example.org,P%d\n", i, i)
	}
	for _, line := range []string{
		"campaign new Feedback",
		"campaign message 1 Two questions about the session, {{first_name}}.",
		`campaign question 1 add choice "How was the session?" Great | OK | Bad`,
		`campaign question 1 add nps "Would you come again?"`,
		`campaign question 1 add text "Anything else?" optional`,
		"campaign thanks 1 Thanks, see you soon.",
		"campaign audience 1 list:people",
		"campaign platform 1 email",
	} {
		if line == "campaign audience 1 list:people" {
			run("list import people", bot.File{Name: "people.csv", Data: []byte(csv)})
		}
		if out := run(line); strings.Contains(out, "rror") {
			t.Fatalf("%s: %s", line, out)
		}
	}
	run("campaign start 1")
	// mails returns each person's mails that contain marker, decoded.
	mails := func(marker string) map[string]string {
		out := map[string]string{}
		for _, m := range box.Mail() {
			if d := m.Decoded(); strings.Contains(d, marker) && len(m.To) == 1 {
				out[m.To[0]] = d
			}
		}
		return out
	}
	// answerLink returns the link labelled label in a mail.
	answerLink := func(mail, label string) string {
		t.Helper()
		for _, m := range hrefRE.FindAllStringSubmatch(mail, -1) {
			if m[2] == label {
				tok, ok := strings.CutPrefix(m[1], "https://herald.test/a/")
				if !ok {
					t.Fatalf("an answer link not herald's: %s", m[1])
				}
				return "http://" + p.HTTPAddr() + "/a/" + tok
			}
		}
		t.Fatalf("no link %q in %s", label, mail)
		return ""
	}
	waitUntil(t, p, "the openings", func() bool { return len(mails("1/3 · How was the session?")) == crowd })
	open := mails("1/3 · How was the session?")
	if m := open["p3@example.org"]; !strings.Contains(m, "Two questions about the session, P3.") || strings.Contains(m, "sv:1:") {
		t.Fatalf("the opening: %s", m)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	fetch := func(method, link string) string {
		t.Helper()
		var resp *http.Response
		var err error
		if method == "POST" {
			resp, err = client.PostForm(link, url.Values{})
		} else {
			resp, err = client.Get(link)
		}
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s %s: %d %s", method, link, resp.StatusCode, b)
		}
		return string(b)
	}
	// Everyone's mail is opened by a scanner: nothing is answered.
	for _, m := range open {
		if page := fetch("GET", answerLink(m, "Great")); !strings.Contains(page, "Great") || !strings.Contains(page, `<form method="post">`) {
			t.Fatalf("the confirmation page: %s", page)
		}
	}
	if out := run("campaign stats 1"); !strings.Contains(out, "0 answered") {
		t.Fatalf("opening links answered: %s", out)
	}
	// The crowd confirms at once: five Great, three OK; P0 twice.
	done := make(chan string, crowd+1)
	for i := range crowd {
		label := map[bool]string{true: "Great", false: "OK"}[i < 5]
		link := answerLink(open[fmt.Sprintf("p%d@example.org", i)], label)
		go func() { done <- fetch("POST", link) }()
		if i == 0 {
			go func() { done <- fetch("POST", link) }()
		}
	}
	for range crowd + 1 {
		if page := <-done; !strings.Contains(page, "Your answer was received") {
			t.Fatalf("after confirming: %s", page)
		}
	}
	waitUntil(t, p, "the second question by email", func() bool { return len(mails("2/3 · Would you come again?")) == crowd })
	// P0 to P5 rate, the others stop half way.
	second := mails("2/3 · Would you come again?")
	for i := range 6 {
		fetch("POST", answerLink(second[fmt.Sprintf("p%d@example.org", i)], fmt.Sprint(4+i)))
	}
	waitUntil(t, p, "the text question", func() bool { return len(mails("3/3 · Anything else?")) == 6 })
	third := mails("3/3 · Anything else?")
	// P0 writes an answer on the page; P1 skips; the others stop there.
	write := answerLink(third["p0@example.org"], "✎ Write your answer")
	if page := fetch("GET", write); !strings.Contains(page, "Anything else?") || !strings.Contains(page, `<textarea name="text"`) {
		t.Fatalf("the page to write on: %s", page)
	}
	resp, err := client.PostForm(write, url.Values{"text": {"   "}})
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("an empty answer: %v %v", resp, err)
	}
	resp.Body.Close()
	if out := run("campaign stats 1"); strings.Contains(out, "3. Anything else?* — 1") {
		t.Fatalf("an empty answer recorded: %s", out)
	}
	// Confirmed twice, then changed from the same page: one answer, the
	// last; none of it is a message for a moderators' thread.
	for _, text := range []string{"Less coffee", "Less coffee", "More coffee, please"} {
		resp, err := client.PostForm(write, url.Values{"text": {text}})
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("writing the answer: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	fetch("POST", answerLink(third["p1@example.org"], "⏭"))
	waitUntil(t, p, "the thanks", func() bool { return len(mails("Thanks, see you soon.")) == 2 })
	stats := run("campaign stats 1")
	for _, want := range []string{"8 recipients · 8 sent", fmt.Sprintf("%d answered, 2 to the end", crowd), "Great `", "5 (63%)", "3 (38%)",
		"*2. Would you come again?* — 6 answers", "average 6.5", "*3. Anything else?* — 1 answers, 1 skipped", "› More coffee, please"} {
		if !strings.Contains(stats, want) {
			t.Errorf("the stats lack %q:\n%s", want, stats)
		}
	}
	if strings.Contains(stats, "Less coffee") || !p.ThreadOf(bot.Address{Platform: bot.PlatformEmail, ID: "p0@example.org"}).IsZero() {
		t.Fatalf("a text answer kept twice, or given to a thread:\n%s", stats)
	}
	// Closed, the survey takes no answer, and the page's text is no
	// message for a thread either.
	run("campaign close 1")
	resp, err = client.PostForm(write, url.Values{"text": {"Too late"}})
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("after the close: %v %v", resp, err)
	}
	resp.Body.Close()
	waitUntil(t, p, "the closed survey's word", func() bool { return len(mails("This survey is closed")) == 1 })
	if !p.ThreadOf(bot.Address{Platform: bot.PlatformEmail, ID: "p0@example.org"}).IsZero() || strings.Contains(run("campaign stats 1"), "Too late") {
		t.Fatal("an answer after the close was kept, or given to a thread")
	}
	// Only one mail of the second question each: P0's second confirm was
	// the same answer.
	n := 0
	for _, m := range box.Mail() {
		if len(m.To) == 1 && m.To[0] == "p0@example.org" && strings.Contains(m.Decoded(), "2/3 ·") {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("P0 got the second question %d times", n)
	}
}
