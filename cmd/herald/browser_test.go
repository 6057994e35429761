package main_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds the browser the tests drive: $CHROME, or Debian's
// chromium (make test installs it when missing). Without one the browser
// tests are skipped, except under CI=true, where they fail.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("drives a browser; skipped with -short")
	}
	for _, name := range []string{os.Getenv("CHROME"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("no chromium on this CI machine: make test installs Debian's chromium; the browser tests must run in CI")
	}
	t.Skip("no chromium on this machine (make test installs Debian's chromium where apt-get is): the browser tests are skipped")
	return ""
}

// TestBrowserJourney is the embedded default end to end, in headless
// Chromium: three participants open the chat page; a moderator logs in to
// the console, uploads a CSV of the three, creates and starts a campaign;
// the three pages receive it; one participant replies; the thread appears
// in the console; the moderator's reply appears on that participant's
// page. Screenshots of both pages are taken (and written to
// testdata/screens with -update-screens).
func TestBrowserJourney(t *testing.T) {
	exe := chromium(t)
	dir := t.TempDir()
	const token = "test-console-token-0123456789"
	cfg := MustWriteConfig(t, dir, "web:\n  console_token: "+token+"\n  chat_title: Spring webinar\n  accent: \"#0f766e\"\n")
	p := NewProgram(nil)
	MustStart(t, p, cfg)
	base := "http://" + p.HTTPAddr()

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(filepath.Join(dir, "chrome")),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 800),
	)...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	// page opens a tab in a browser context of its own (its own cookies).
	page := func() (context.Context, context.CancelFunc) {
		ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		// The first call makes the tab and ties it to its context: no
		// timeout there, or the tab would close with it.
		if err := chromedp.Do(ctx); err != nil {
			t.Fatalf("opening a tab: %v", err)
		}
		return ctx, cancel
	}
	run := func(ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(tctx, actions...); err != nil {
			// What the page showed, to tell why.
			shown, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#detail").innerText.slice(-2500) + "\n---\n" + document.body.innerText.slice(-1500)`))
			log := p.Stderr.String()
			t.Fatalf("%s: %v\nthe page shows:\n%s\nherald's log ends:\n%s", what, err, shown, log[max(0, len(log)-2000):])
		}
	}
	waitText := func(_ context.Context, sel, want string) chromedp.Action[chromedp.Void] {
		return void(chromedp.Poll[bool](fmt.Sprintf(`!!(document.querySelector(%q) && document.querySelector(%q).innerText.includes(%q))`, sel, sel, want), chromedp.WithPollingInterval(50*time.Millisecond)))
	}
	online := void(chromedp.Poll[bool](`document.body.classList.contains("online")`, chromedp.WithPollingInterval(50*time.Millisecond)))
	css := func(s string) chromedp.CSS { return chromedp.CSS(s) }
	// pick clicks the first element sel matches, once there is one, in one
	// step of the page's own script: a list the page redraws meanwhile
	// cannot leave the test holding a node that is gone ("Could not find
	// node with given id").
	pick := func(sel string) chromedp.Action[chromedp.Void] {
		return void(chromedp.Poll[bool](fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return false; e.click(); return true; })()`, sel), chromedp.WithPollingInterval(50*time.Millisecond)))
	}

	// Three participants open the chat.
	names := []string{"Ana", "Bob", "Cleo"}
	var chats []context.Context
	var rids []string
	for range names {
		ctx, cancel := page()
		defer cancel()
		run(ctx, "opening the chat", chromedp.Navigate(base+"/chat"), chromedp.WaitVisible(css("#compose")), online)
		rid, err := chromedp.Run(ctx, chromedp.Evaluate[string]("document.body.dataset.respondent"))
		if err != nil || len(rid) != 22 {
			t.Fatalf("respondent id %q, %v", rid, err)
		}
		chats = append(chats, ctx)
		rids = append(rids, rid)
	}
	csv := filepath.Join(dir, "participants.csv")
	var b strings.Builder
	b.WriteString("respondentID,first_name\n")
	for i, rid := range rids {
		fmt.Fprintf(&b, "%s,%s\n", rid, names[i])
	}
	if err := os.WriteFile(csv, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	// The moderator logs in, uploads the file, creates and starts a campaign.
	console, cancelConsole := page()
	defer cancelConsole()
	run(console, "logging in", chromedp.Navigate(base+"/console"), chromedp.WaitVisible(css(`input[name=token]`)),
		chromedp.SendKeys(css(`input[name=name]`), "Mo"), chromedp.SendKeys(css(`input[name=token]`), token),
		chromedp.Submit(css(`input[name=token]`)), chromedp.WaitVisible(css("#command-text")), online)
	run(console, "uploading the participants",
		chromedp.SetUploadFiles(css("#file"), []string{csv}),
		chromedp.SetValue(css("#upload-command"), "list import webchat"),
		chromedp.Click(css(`#upload button`)),
		waitText(console, "#replies", "3 added"))
	command := func(text, want string) {
		t.Helper()
		run(console, text, chromedp.SetValue(css("#command-text"), text), chromedp.Click(css(`#command button`)), waitText(console, "#replies", want))
	}
	command("campaign new Hello web", "created as a draft")
	command("campaign message 1 Hello {{first_name}}, welcome!", "Message of #1 set")
	command("campaign audience 1 list:webchat", "3 recipients")
	command("campaign start 1", "is starting")

	for i, ctx := range chats {
		run(ctx, "receiving the campaign on page "+names[i], waitText(ctx, "#messages", "Hello "+names[i]+", welcome!"))
	}
	// The console's card follows the campaign to done.
	run(console, "the card showing the end", waitText(console, "#replies", "done"))

	// Ana replies; her thread appears in the console.
	ana := chats[0]
	run(ana, "replying", chromedp.SetValue(css("#text"), "Thanks! Where is the venue?"), chromedp.Click(css(`#compose button`)),
		waitText(ana, "#messages", "Where is the venue?"))
	run(console, "seeing the thread", chromedp.WaitVisible(css(`#threads li.thread-item`)),
		pick(`#threads li.thread-item`), waitText(console, "#posts", "Where is the venue?"))
	run(console, "answering in the thread", chromedp.SetValue(css("#reply-text"), "Room B12, first floor."), chromedp.Click(css(`#reply button`)),
		waitText(console, "#posts", "Room B12"))
	run(ana, "receiving the answer", waitText(ana, "#messages", "Room B12, first floor."))

	// The console as a workspace: campaigns by state with their progress,
	// a campaign's page (its counters, card, preview), a new campaign made
	// from its form, the lists with their sizes, conversations searched.
	screens := t.TempDir()
	if *updateScreens {
		screens = filepath.Join("..", "..", "testdata", "screens")
	}
	shot := func(ctx context.Context, name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot of %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(screens, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	input := func(sel, value string) chromedp.Action[chromedp.Void] {
		return void(chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const e = document.querySelector(%q); e.value = %q; e.dispatchEvent(new Event("input")); return true; })()`, sel, value)))
	}
	run(console, "the campaigns panel", chromedp.Click(css(`.tab[data-panel=campaigns]`)),
		waitText(console, "#campaigns", "DONE"), waitText(console, "#campaigns", "Hello web"), waitText(console, "#campaigns", "3 / 3 done"))
	run(console, "a campaign's page", pick(`#campaigns li.campaign-item`),
		waitText(console, "#detail-head", "100%"), waitText(console, "#detail-body", "Hello web"))
	run(console, "its preview", pick(`#detail-actions button`), waitText(console, "#detail-body", "Preview of #1 for Ana ("))
	shot(console, "console-campaigns")
	run(console, "a new campaign from the panel", input(`#new-campaign input`, "Reminder"), chromedp.Click(css(`#new-campaign button`)),
		chromedp.WaitVisible(css(`#campaign-form`)), waitText(console, "#detail-title", "#2"),
		waitText(console, `#campaign-form select[name=list]`, "webchat (3)"),
		input(`#campaign-form textarea[name=message]`, "See you soon, {{first_name}}!"), input(`#campaign-form select[name=list]`, "webchat"),
		pick(`#campaign-form button`), waitText(console, "#detail-body", "See you soon, Ana!"))
	run(console, "the lists panel", chromedp.Click(css(`.tab[data-panel=lists]`)), waitText(console, "#lists", "webchat"), waitText(console, "#lists", "3 people"),
		pick(`#lists li.list-item`), waitText(console, "#detail-body", "webchat"))
	shot(console, "console-lists")
	run(console, "searching the conversations", chromedp.Click(css(`.tab[data-panel=conversations]`)),
		input("#search", "nobody has this name"), waitText(console, "#threads", "No conversation matches."),
		input("#search", ""), pick(`#threads li.thread-item`), waitText(console, "#posts", "Room B12"),
		pick(`#thread-details summary`), waitText(console, "#thread-facts", rids[0]))
	// Its history, from the details: every action in order, here the
	// moderator's answer.
	run(console, "the conversation's history", pick(`#thread-history`), waitText(console, "#posts", "replied: “Room B12, first floor.”"))
	// Saving her profile reconnects Ana's page; what she types meanwhile is
	// kept, sent once the page is back, and reaches her thread.
	run(ana, "writing while the page reconnects",
		chromedp.Click(css(`.profile summary`)),
		chromedp.SetValue(css(`#profile input[name=name]`), "Ana"),
		chromedp.Click(css(`#profile button`)),
		waitText(ana, "#state", "Offline"),
		chromedp.SetValue(css("#text"), "Still there? I am on the train."), chromedp.Click(css(`#compose button`)),
		waitText(ana, "#messages", "on the train"))
	run(console, "seeing what was typed offline", waitText(console, "#posts", "on the train"))
	// A participant's message shows as theirs, not as herald's with their
	// name in the text.
	author, err := chromedp.Run(console, chromedp.Evaluate[string](`(() => { const p = [...document.querySelectorAll("#posts .post")].find(p => p.innerText.includes("on the train"));
		return p.classList.contains("theirs") + "|" + p.querySelector(".meta b").innerText + "|" + p.querySelector(".msg").innerText.trim().slice(0, 11); })()`))
	if err != nil || author != "true|Ana|Still there" {
		t.Fatalf("the participant's message in the console: %q, %v", author, err)
	}
	// The chat page as the config dresses it: its title, its colour with
	// a text colour that reads on it; the saved profile closed, its name in
	// the header; each message with its time.
	look, err := chromedp.Run(ana, chromedp.Evaluate[string](`[document.title, document.querySelector("header h1").innerText,
		getComputedStyle(document.querySelector("header")).backgroundColor, getComputedStyle(document.querySelector("header")).color,
		String(document.querySelector(".profile").open), document.querySelector(".profile summary").innerText,
		String(document.querySelectorAll("#messages .post time.at").length > 2)].join("|")`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Spring webinar|Spring webinar|rgb(15, 118, 110)|rgb(255, 255, 255)|false|Ana|true"; look != want {
		t.Fatalf("the chat page looks %q, want %q", look, want)
	}
	// Nobody else got it.
	for i, ctx := range chats[1:] {
		text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#messages").innerText`))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(text, "Room B12") || strings.Contains(text, "venue") {
			t.Fatalf("%s saw Ana's conversation: %q", names[i+1], text)
		}
	}

	// Ana sends a file; it shows in her thread as a download.
	ticket := filepath.Join(dir, "ticket.txt")
	if err := os.WriteFile(ticket, []byte("ticket 42"), 0o600); err != nil {
		t.Fatal(err)
	}
	run(ana, "sending a file", chromedp.SetUploadFiles(css("#attach"), []string{ticket}), waitText(ana, "#messages", "ticket.txt"))
	run(console, "seeing the file in the thread", waitText(console, "#posts", "ticket.txt"))
	href, err := chromedp.Run(console, chromedp.Evaluate[string](`document.querySelector("#posts a.file").getAttribute("href")`))
	if err != nil || !strings.HasPrefix(href, "/console/files/") {
		t.Fatalf("the file's link in the console: %q, %v", href, err)
	}

	for name, ctx := range map[string]context.Context{"console": console, "chat": ana} {
		shot(ctx, name)
	}

	// A survey on the web chat: visitors answer with its buttons, one
	// question after another, see their answers in words, and type the
	// text one; Ana presses her first answer twice (counted once), Bob
	// stops after the first question. The console's stats count them.
	command("campaign new Web survey", "#3")
	command("campaign message 3 Three questions, please.", "Message of #3 set")
	command(`campaign question 3 add choice "How was it?" Great | OK | Bad`, "1. How was it? (choice): Great | OK | Bad")
	command(`campaign question 3 add nps "Would you come again?"`, "2. Would you come again? (nps 0-10)")
	command(`campaign question 3 add text "Anything else?"`, "3. Anything else? (text)")
	command("campaign audience 3 list:webchat", "3 recipients")
	command("campaign start 3", "is starting")
	press := func(label string) chromedp.Action[chromedp.Void] {
		return void(chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const bs = [...document.querySelectorAll("#messages button")].filter(b => b.innerText.trim() === %q);
			bs[bs.length - 1].click(); return true; })()`, label)))
	}
	pressFirst := func(label string) chromedp.Action[chromedp.Void] { // the opening's button, pressed again
		return void(chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const bs = [...document.querySelectorAll("#messages button")].filter(b => b.innerText.trim() === %q);
			bs[0].click(); return true; })()`, label)))
	}
	bob := chats[1]
	run(ana, "the survey's first question", waitText(ana, "#messages", "1/3 · How was it?"))
	run(ana, "answering with a button", press("Great"), waitText(ana, "#messages", "2/3 · Would you come again?"))
	run(ana, "pressing it again", pressFirst("Great"))
	run(bob, "Bob's first answer", waitText(bob, "#messages", "1/3 · How was it?"), press("OK"), waitText(bob, "#messages", "2/3 · Would you come again?"))
	run(ana, "rating", press("9"), waitText(ana, "#messages", "3/3 · Anything else?"))
	mine, err := chromedp.Run(ana, chromedp.Evaluate[string](`[...document.querySelectorAll("#messages .post.mine")].map(p => p.innerText).join("|")`))
	if err != nil || !strings.Contains(mine, "Great") || strings.Contains(mine, "sv:") {
		t.Fatalf("the visitor's answer on her page: %q, %v", mine, err)
	}
	run(ana, "answering the text question", chromedp.SetValue(css("#text"), "More chairs"), chromedp.Click(css(`#compose button`)),
		waitText(ana, "#messages", "Thank you for your answers!"))
	command("campaign stats 3", "2 answered, 1 to the end")
	command("campaign stats 3", "1. How was it? — 2 answers, 0 skipped")
	command("campaign stats 3", "› More chairs")
	// Its chart shows in the console, as a picture.
	run(console, "the chart shown", void(chromedp.Poll[bool](`(() => { const i = [...document.querySelectorAll("#replies img.chart")].find(i => i.alt === "campaign-3-q1.png");
		return !!i && i.complete && i.naturalWidth === 600; })()`, chromedp.WithPollingInterval(50*time.Millisecond))))
}

// updateScreens refreshes the README's screenshots:
// go test ./cmd/herald -run TestBrowserJourney -update-screens
var updateScreens = flag.Bool("update-screens", false, "write the browser journey's screenshots to testdata/screens")

// void drops an action's value, to run it among others with chromedp.Do.
func void[T any](a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := a(ctx, t)
		return chromedp.Void{}, err
	}
}
