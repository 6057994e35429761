package commands_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/status"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/csvfile"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/exprfilter"
	"github.com/heraldchat/herald/store"
	"github.com/heraldchat/herald/webhook"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var (
	t0    = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) // a Tuesday
	mo    = bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "UMOD"}, Name: "Mo"}
	stray = bot.Actor{Address: bot.Address{Platform: bot.PlatformSlack, ID: "USTRAY"}, Name: "Stray"}
)

// world is a mux over the real services, store and file reader, with a
// fake clock and an in-memory Slack.
type world struct {
	t       testing.TB
	db      *store.DB
	clock   *bottest.Clock
	slack   *bottest.Messenger
	mux     *commands.Mux
	signer  *commands.Signer
	threads *threads.Service
	recipes *recipes.Runner
}

func newWorld(t testing.TB, locale commands.Locale) *world {
	t.Helper()
	clock := bottest.NewClock(t0)
	db, err := store.Open(filepath.Join(t.TempDir(), "herald.db"), store.Options{Clock: clock, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	slack := bottest.NewMessenger(bot.PlatformSlack)
	eng := &engine.Engine{Store: db, Clock: clock, Messengers: map[bot.Platform]bot.Messenger{bot.PlatformSlack: slack}, Limits: map[bot.Platform]bot.Limits{bot.PlatformSlack: {}}}
	signer := commands.NewSigner([]byte("0123456789abcdef0123456789abcdef"), clock, 0)
	board := &status.Board{Clock: clock, Queue: eng.QueueDepth}
	deps := commands.Deps{
		Campaigns: &campaigns.Service{Store: db, Dispatcher: eng, Clock: clock},
		Lists:     &lists.Service{Store: db},
		Status:    board,
		Directory: db,
		History:   db,
		Tokens:    db,
		OpenRecipients: func(r io.Reader) (lists.RecipientReader, error) {
			return csvfile.NewReader(r)
		},
		WriteTable: func(w io.Writer) (bot.RowWriter, func() error) {
			cw := csvfile.NewWriter(w)
			return cw, cw.Flush
		},
		Clock: clock,
	}
	threads := bottest.NewThreads(db, clock, slack, bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, nil, slack)
	deps.Conversations, deps.Snippets = threads, db
	threads.Sign = signer.Sign
	runner := &recipes.Runner{Store: db, Conversations: threads, Compiler: exprfilter.Compiler{}, Clock: clock}
	deps.Recipes = &recipes.Service{Store: db, Compiler: exprfilter.Compiler{}, Clock: clock, Changed: runner.Changed}
	deps.RecipeList, deps.Calendars, deps.Filters = db, db, db
	deps.Webhooks = &commands.WebhookDeps{Store: db, CheckURL: (&webhook.Poster{}).CheckURL, NewSecret: webhook.NewSecret}
	auth := &moderators.Set{Users: map[bot.Platform][]string{bot.PlatformSlack: {"UMOD", "UMOD2"}}}
	return &world{t: t, db: db, clock: clock, slack: slack, signer: signer, threads: threads, recipes: runner,
		mux: commands.New(deps, commands.NewText(locale), auth, signer, nil)}
}

func (w *world) run(a bot.Actor, text string, files ...bot.File) *commands.Reply {
	return w.mux.Serve(context.Background(), &commands.Request{Actor: a, Text: text, Files: files})
}

func csvFile(name, body string) bot.File {
	return bot.File{Name: name, ContentType: "text/csv", Data: []byte(body), Size: int64(len(body))}
}

var signedRE = regexp.MustCompile(`[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{43}`)

// render writes a reply as text for golden files; signed button values
// are shown as the command they carry.
func render(r *commands.Reply) string {
	var b strings.Builder
	if r.Private {
		b.WriteString("(private)\n")
	}
	for _, m := range r.Messages {
		fmt.Fprintf(&b, "[%s]", m.Kind)
		if m.Title != "" {
			fmt.Fprintf(&b, " %s", m.Title)
		}
		b.WriteString("\n")
		if m.Text != "" {
			b.WriteString(m.Text + "\n")
		}
		for _, f := range m.Fields {
			fmt.Fprintf(&b, "  %s: %s\n", f.Label, f.Value)
		}
		for _, btn := range m.Buttons {
			v := btn.Action.Value
			if btn.Action.Kind == bot.ActionCommand {
				v = "signed(" + signedCommand(v) + ")"
			}
			fmt.Fprintf(&b, "  (%s) %s → %s %s%s\n", btn.Style, btn.Label, btn.Action.Kind, btn.Action.URL, v)
		}
		for _, f := range m.Files {
			fmt.Fprintf(&b, "  file %s (%s):\n%s", f.Name, f.ContentType, f.Data)
		}
	}
	return b.String()
}

// signedCommand reads the command inside a signed value without using it.
func signedCommand(v string) string {
	p, _, _ := strings.Cut(v, ".")
	raw, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return "unreadable"
	}
	var a struct {
		C string `json:"c"`
	}
	json.Unmarshal(raw, &a)
	return a.C
}

// golden compares got with testdata/golden/name.txt, or rewrites it with
// -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./commands -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from its golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

const people = "email,first_name,city\nana@example.org,Ana,Lyon\nbob@example.org,Bob,\nnot-an-email,X,Y\n"

// TestModeratorJourney runs a moderator's whole journey and compares each
// reply with its golden file, in English and in French.
func TestModeratorJourney(t *testing.T) {
	for _, locale := range []commands.Locale{commands.LocaleEnglish, commands.LocaleFrench} {
		t.Run(string(locale), func(t *testing.T) {
			w := newWorld(t, locale)
			w.slack.AddUser("ana@example.org", bot.Address{Platform: bot.PlatformSlack, ID: "UANA"})
			steps := []struct {
				name  string
				text  string
				files []bot.File
			}{
				{"help", "help", nil},
				{"help-one", "help campaign schedule", nil},
				{"lists-empty", "lists", nil},
				{"list-import", "list import spring", []bot.File{csvFile("people.csv", people)}},
				{"lists", "lists", nil},
				{"list-show", "list show spring", nil},
				{"list-export", "list export spring", nil},
				{"campaign-new", "campaign new Welcome week", nil},
				{"campaign-message", `campaign message 1 kind:card title:"Welcome {{first_name}}" button:"Open|https://example.org/?c={{city}}" Hello {{first_name}} from {{city}}!`, nil},
				{"campaign-audience", "campaign audience 1 list:spring", nil},
				{"campaign-platform", "campaign platform 1 slack", nil},
				{"campaign-check", "campaign check 1", nil},
				{"campaign-start-refused", "campaign start 1", nil},
				{"campaign-missing", "campaign missing 1 city=Paris", nil},
				{"campaign-preview", "campaign preview 1 bob@example.org", nil},
				{"campaign-schedule", "campaign schedule 1 at tomorrow 9:00 window 2h hours mon-fri 9-18 tz Europe/Paris", nil},
				{"campaign-try", "campaign try 1 ana@example.org", nil},
				{"campaign-start", "campaign start 1", nil},
				{"campaigns", "campaigns", nil},
				{"campaign-show", "campaign show 1", nil},
				{"campaign-clone", "campaign clone 1", nil},
				{"campaign-delete", "campaign delete 2", nil},
				{"campaign-report", "campaign report 1", nil},
				{"status", "status", nil},
				{"contacts", "contacts", nil},
				{"contacts-search", "contacts search ana", nil},
				{"contacts-bad-reach", "contacts reach:maybe", nil},
				{"campaign-history", "campaign history 1", nil},
				{"campaign-not-found", "campaign show 99", nil},
				{"list-bad-name", "list show no_such_list", nil},
				{"unknown", "campaing new x", nil},
				{"usage", "campaign start", nil},
				{"bad-id", "campaign start abc", nil},
			}
			for _, s := range steps {
				golden(t, string(locale)+"-"+s.name, render(w.run(mo, s.text, s.files...)))
			}
		})
	}
}

// TestEveryCommandRefusesStrangers runs every command as someone who is
// not a moderator: each is refused, privately, and nothing changes.
func TestEveryCommandRefusesStrangers(t *testing.T) {
	w := newWorld(t, commands.LocaleEnglish)
	w.run(mo, "list import spring", csvFile("p.csv", people))
	w.run(mo, "campaign new Kept")
	before := dump(t, w)
	for _, c := range w.mux.Commands() {
		text := c.Example
		if text == "" {
			text = c.Name
		}
		r := w.run(stray, text, csvFile("p.csv", people))
		if !r.Private || len(r.Messages) != 1 || !strings.Contains(r.Messages[0].Text, "only moderators") {
			t.Errorf("%s: a stranger got %q", c.Name, render(r))
		}
	}
	if after := dump(t, w); after != before {
		t.Fatalf("a refused command changed something:\n%s\n%s", before, after)
	}
	if len(w.slack.Sent()) != 0 {
		t.Fatal("a refused command sent a message")
	}
}

func dump(t *testing.T, w *world) string {
	ctx := context.Background()
	ls, _ := w.db.Lists(ctx)
	cs, _ := w.db.Campaigns(ctx, bot.CampaignFilter{})
	b, _ := json.Marshal([]any{ls, cs})
	return string(b)
}

func TestSignedButtons(t *testing.T) {
	w := newWorld(t, commands.LocaleEnglish)
	w.run(mo, "list import spring", csvFile("p.csv", "slack_id\nU1\n"))
	w.run(mo, "campaign new B")
	w.run(mo, "campaign message 1 Hi")
	w.run(mo, "campaign audience 1 list:spring")
	card := w.run(mo, "campaign show 1").Messages[0]
	var start string
	for _, b := range card.Buttons {
		if signedCommand(b.Action.Value) == "campaign start 1" {
			start = b.Action.Value
		}
	}
	if start == "" {
		t.Fatalf("a draft's card has no Start button: %s", render(&commands.Reply{Messages: []bot.Message{card}}))
	}
	press := func(a bot.Actor, v string) *commands.Reply {
		return w.mux.Serve(context.Background(), &commands.Request{Actor: a, Signed: v})
	}
	if r := press(stray, start); !strings.Contains(render(r), "only moderators") {
		t.Fatalf("a stranger pressed Start: %s", render(r))
	}
	if r := press(mo, start); r.Private || !strings.Contains(render(r), "starting") {
		t.Fatalf("pressing Start: %s", render(r))
	}
	if r := press(mo, start); !strings.Contains(render(r), "already used") {
		t.Fatalf("a replayed click: %s", render(r))
	}
	_, sig, _ := strings.Cut(start, ".")
	forged := base64.RawURLEncoding.EncodeToString([]byte(`{"c":"campaign delete 1","e":9999999999,"n":"x"}`)) + "." + sig
	if r := press(mo, forged); !strings.Contains(render(r), "not made by herald") {
		t.Fatalf("a forged click: %s", render(r))
	}
	tampered := start[:len(start)-2] + "AA"
	if r := press(mo, tampered); !strings.Contains(render(r), "not made by herald") {
		t.Fatalf("a tampered click: %s", render(r))
	}
	old := w.signer.Sign("campaign pause 1")
	w.clock.Advance(8 * 24 * time.Hour)
	if r := press(mo, old); !strings.Contains(render(r), "expired") {
		t.Fatalf("an expired click: %s", render(r))
	}
}

func TestScheduleAndMessageOptions(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	w.run(mo, "campaign new S")
	r := w.run(mo, "campaign schedule 1 at:\"in 3 days at 9h\" window:90m hours lun-ven 9h-18h tz Europe/Paris presence active retries 2")
	if r.Private {
		t.Fatalf("schedule refused: %s", render(r))
	}
	c, _ := w.db.Campaign(ctx, 1)
	paris, _ := time.LoadLocation("Europe/Paris")
	s := c.Schedule
	if !s.StartAt.Equal(time.Date(2026, 11, 27, 9, 0, 0, 0, paris)) || s.Window != 90*time.Minute || s.HoursFrom != 540 || s.HoursTo != 1080 ||
		len(s.Days) != 5 || s.TimeZone != "Europe/Paris" || !s.OnlyWhenActive || s.RetryCycles != 2 {
		t.Fatalf("schedule = %+v", s)
	}
	// A time phrase needs no quotes: "days" after a number is its unit,
	// not the days option.
	if r := w.run(mo, "campaign schedule 1 at in 3 days at 9h"); r.Private {
		t.Fatalf("an unquoted time phrase was refused: %s", render(r))
	}
	c, _ = w.db.Campaign(ctx, 1)
	if !c.Schedule.StartAt.Equal(time.Date(2026, 11, 27, 9, 0, 0, 0, paris)) || len(c.Schedule.Days) != 5 {
		t.Fatalf("unquoted schedule = %+v", c.Schedule)
	}
	if r := w.run(mo, "campaign schedule 1 steps 15m,2h"); r.Private {
		t.Fatalf("retry steps refused: %s", render(r))
	}
	if c, _ = w.db.Campaign(ctx, 1); !slices.Equal(c.Schedule.RetrySteps, []time.Duration{15 * time.Minute, 2 * time.Hour}) {
		t.Fatalf("retry steps = %v", c.Schedule.RetrySteps)
	}
	if r := w.run(mo, "campaign schedule 1 steps 2h,15m"); !r.Private {
		t.Fatalf("shrinking retry steps accepted: %s", render(r))
	}
	// What is not said keeps its value.
	w.run(mo, "campaign schedule 1 window 3h")
	c, _ = w.db.Campaign(ctx, 1)
	if c.Schedule.Window != 3*time.Hour || c.Schedule.TimeZone != "Europe/Paris" || !c.Schedule.OnlyWhenActive {
		t.Fatalf("partial schedule = %+v", c.Schedule)
	}
	for _, bad := range []string{"campaign schedule 1 at someday", "campaign schedule 1 window forever", "campaign schedule 1 tz Mars/Base", "campaign schedule 1 hours 9-9", "campaign schedule 1 colour blue"} {
		if r := w.run(mo, bad); !r.Private || !strings.Contains(render(r), "Usage") {
			t.Errorf("%q was not refused with its usage: %s", bad, render(r))
		}
	}

	w.run(mo, "campaign message 1 kind:important title:“Heads up” button:'Yes|yes' button:\"Docs|https://x.org\" field:\"Room|B12\" Two\nlines")
	c, _ = w.db.Campaign(ctx, 1)
	m := c.Message
	if m.Kind != bot.KindImportant || m.Title != "Heads up" || m.Text != "Two\nlines" || len(m.Buttons) != 2 ||
		m.Buttons[0].Action != (bot.Action{Kind: bot.ActionReply, Value: "yes"}) || m.Buttons[1].Action.URL != "https://x.org" || m.Fields[0].Value != "B12" {
		t.Fatalf("message = %+v", m)
	}
	if r := w.run(mo, "campaign message 1 kind:shout Hi"); !r.Private || !strings.Contains(render(r), "unknown message kind") {
		t.Fatalf("bad kind: %s", render(r))
	}
}

func TestImportWaitsForTheNextFile(t *testing.T) {
	w := newWorld(t, commands.LocaleEnglish)
	if r := w.run(mo, "list import later replace"); !strings.Contains(render(r), "Upload the CSV file now") {
		t.Fatalf("waiting: %s", render(r))
	}
	r := w.mux.ServeFile(context.Background(), mo, csvFile("late.csv", people))
	if !strings.Contains(render(r), "List *later*: 2 added") || !strings.Contains(render(r), "line 4") {
		t.Fatalf("file: %s", render(r))
	}
	// A file nobody waits for is offered for import, named after the file.
	r = w.mux.ServeFile(context.Background(), mo, csvFile("Again 2026.csv", people))
	if !r.Private || len(r.Messages) != 1 || len(r.Messages[0].Buttons) != 1 || !strings.Contains(render(r), "Import as again-2026") {
		t.Fatalf("a file nobody waits for: %s", render(r))
	}
	press := func(v string) *commands.Reply {
		return w.mux.Serve(context.Background(), &commands.Request{Actor: mo, Signed: v})
	}
	offer := r.Messages[0].Buttons[0].Action.Value
	if r := press(offer); !strings.Contains(render(r), "List *again-2026*: 2 added") {
		t.Fatalf("pressing Import: %s", render(r))
	}
	if r := w.run(mo, signedCommand(offer)); !strings.Contains(render(r), "no longer held") {
		t.Fatalf("a held file imported twice: %s", render(r))
	}
	// Into a list that exists: merge or replace.
	r = w.mux.ServeFile(context.Background(), mo, csvFile("later.csv", people))
	if len(r.Messages) != 1 || len(r.Messages[0].Buttons) != 2 || !strings.Contains(render(r), "Merge into later") || !strings.Contains(render(r), "Replace later") {
		t.Fatalf("a file named after a list: %s", render(r))
	}
	// A held file waits half an hour.
	w.clock.Advance(31 * time.Minute)
	if r := press(r.Messages[0].Buttons[1].Action.Value); !strings.Contains(render(r), "no longer held") && !strings.Contains(render(r), "expired") {
		t.Fatalf("an expired offer: %s", render(r))
	}
	// A file that is not a recipient file says why, with nothing waiting.
	if r := w.mux.ServeFile(context.Background(), mo, bot.File{Name: "notes.txt", Data: []byte("just some words\n")}); !r.Private || len(r.Messages[0].Buttons) != 0 || !strings.Contains(strings.ToLower(render(r)), "column") {
		t.Fatalf("a file that is not a recipient file: %s", render(r))
	}
	w.run(mo, "list import soon")
	w.clock.Advance(11 * time.Minute)
	if r := w.mux.ServeFile(context.Background(), mo, csvFile("x.csv", people)); strings.Contains(render(r), "List *soon*") {
		t.Fatalf("an expired wait: %s", render(r))
	}
	if r := w.run(mo, "list import bad", bot.File{Name: "book.xlsx", Data: []byte("PK\x03\x04xx")}); !strings.Contains(render(r), "Excel workbook") {
		t.Fatalf("a spreadsheet: %s", render(r))
	}
}

func TestCatalogueComplete(t *testing.T) {
	if bad := commands.Texts.Check(); len(bad) > 0 {
		t.Fatalf("texts missing a language or with different arguments: %v", bad)
	}
}

// FuzzServe checks that no command line makes the mux panic or answer
// nothing.
func FuzzServe(f *testing.F) {
	for _, s := range []string{"help", "campaign new x", "campaign schedule 1 at tomorrow 9:00 window 2h", `campaign message 1 title:"a`, "list import", "“", "campaign missing 1 a=b skip", "campaigns done", "help campaign"} {
		f.Add(s)
	}
	w := newWorld(f, commands.LocaleEnglish)
	w.run(mo, "campaign new Fuzz")
	f.Fuzz(func(t *testing.T, text string) {
		r := w.run(mo, text)
		if len(r.Messages) == 0 {
			t.Fatalf("%q got no answer", text)
		}
	})
}

func TestThreadCommands(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	zoe := bot.Address{Platform: bot.PlatformSlack, ID: "UZOE"}
	if _, err := w.threads.Receive(ctx, threads.Incoming{From: zoe, Name: "Zoe", Message: bot.Message{Text: "Hi, my invoice?"}}); err != nil {
		t.Fatal(err)
	}
	c, err := w.db.ConversationByParticipant(ctx, zoe) // with the thread the outbox opened
	if err != nil {
		t.Fatal(err)
	}
	in := func(text string) *commands.Reply {
		return w.mux.Serve(ctx, &commands.Request{Actor: mo, Text: text, Thread: c.Thread})
	}
	conv := func() *bot.Conversation {
		got, err := w.db.Conversation(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if r := w.run(mo, "close"); !r.Private || !strings.Contains(render(r), "in a participant's thread") {
		t.Fatalf("close outside a thread: %s", render(r))
	}
	if r := in("note she paid twice"); !r.Private || !strings.Contains(render(r), "Noted") {
		t.Fatalf("note: %s", render(r))
	}
	in("tag add Invoice")
	in("tag add urgent")
	in("tag remove urgent")
	in("assign @ana")
	if got := conv(); strings.Join(got.Tags, ",") != "invoice" || got.Assignee.Name != "ana" {
		t.Fatalf("tags %v, assignee %+v", got.Tags, got.Assignee)
	}
	// Tags added and removed are events, for recipes and `events`.
	evs, _ := w.db.Events(ctx, 0, 0)
	var tagEvents []string
	for _, e := range evs {
		if e.Type == bot.EventTagAdded || e.Type == bot.EventTagRemoved {
			tagEvents = append(tagEvents, string(e.Type)+" "+e.Data["tag"])
		}
	}
	if strings.Join(tagEvents, ", ") != "tag_added invoice, tag_added urgent, tag_removed urgent" {
		t.Fatalf("tag events: %v", tagEvents)
	}
	if r := in("snippets add thanks Thanks for your patience!"); r.Private {
		t.Fatalf("snippets add: %s", render(r))
	}
	in("snippet thanks")
	if got := w.slack.SentTo(zoe); len(got) != 1 || got[0].Text != "Thanks for your patience!" {
		t.Fatalf("the snippet reached Zoe as %+v", got)
	}
	// A delayed close is cancelled by a new message from the participant.
	in("close in 2h Bye!")
	if got := conv(); got.CloseAt.IsZero() || got.CloseMessage != "Bye!" {
		t.Fatalf("delayed close = %+v", got)
	}
	w.threads.Receive(ctx, threads.Incoming{From: zoe, Message: bot.Message{Text: "one more thing"}})
	if got := conv(); !got.CloseAt.IsZero() {
		t.Fatal("a new message did not cancel the delayed close")
	}
	in("close See you!")
	if got := conv(); got.Status != bot.ConversationResolved {
		t.Fatalf("status after close = %s", got.Status)
	}
	if got := w.slack.SentTo(zoe); got[len(got)-1].Text != "See you!" {
		t.Fatalf("closing message: %+v", got)
	}
	in("reopen")
	in("block")
	if got := conv(); !got.Blocked || got.Status != bot.ConversationOpen {
		t.Fatalf("after reopen and block: %+v", got)
	}
	before := len(w.slack.Sent())
	w.threads.Receive(ctx, threads.Incoming{From: zoe, Message: bot.Message{Text: "spam"}})
	if len(w.slack.Sent()) != before {
		t.Fatal("a blocked participant's message was relayed")
	}
	in("unblock")
	if r := w.run(mo, "snippets list"); !strings.Contains(render(r), "*thanks*") {
		t.Fatalf("snippets list: %s", render(r))
	}
	evs, _ = w.db.Events(ctx, 0, 0)
	changes := 0
	for _, e := range evs {
		if e.Type == bot.EventStatusChanged && strings.Contains(e.Data["by"], "UMOD") {
			changes++
		}
	}
	if changes < 6 {
		t.Fatalf("%d changes recorded with who made them", changes)
	}
	// The history lists every action in order, with who did it.
	r := in("history")
	got := render(r)
	want := []string{"conversation opened", "message from the participant: “Hi, my invoice?”", "Mo (slack:UMOD) wrote a note",
		"Mo (slack:UMOD) added the tag invoice", "Mo (slack:UMOD) removed the tag urgent", "Mo (slack:UMOD) assigned it to ana\n",
		"Mo (slack:UMOD) replied: “Thanks for your patience!”", "answered: waiting for the participant (open → pending)",
		"message from the participant: “one more thing”", "reopened by the participant's message (pending → open)",
		"Mo (slack:UMOD) closed the conversation (open → resolved)", "Mo (slack:UMOD) replied: “See you!”",
		"Mo (slack:UMOD) reopened the conversation (resolved → open)", "Mo (slack:UMOD) blocked the participant",
		"message from the participant, blocked: not relayed", "Mo (slack:UMOD) unblocked the participant"}
	at := 0
	for _, line := range want {
		i := strings.Index(got[at:], line)
		if i < 0 {
			t.Fatalf("history lacks %q after position %d (or has it out of order):\n%s", line, at, got)
		}
		at += i + len(line)
	}
	if !r.Private {
		t.Fatal("the history was shown to the channel")
	}
}

func TestCardUpdaterEditsInPlaceAtMostEveryFewSeconds(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t, commands.LocaleEnglish)
	w.run(mo, "campaign new Live")
	card := w.run(mo, "campaign show 1").Messages[0]
	if card.Campaign != 1 {
		t.Fatalf("the card does not say its campaign: %+v", card)
	}
	ref, err := w.slack.Send(ctx, bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}, card)
	if err != nil {
		t.Fatal(err)
	}
	u := &commands.CardUpdater{Text: commands.NewText(commands.LocaleEnglish), Signer: w.signer,
		Campaigns: &campaigns.Service{Store: w.db, Dispatcher: &engine.Engine{}, Clock: w.clock}, Clock: w.clock, Every: 3 * time.Second}
	u.Track(1, w.slack, ref)
	edits := func() int {
		for _, s := range w.slack.Sent() {
			if s.Ref == ref {
				return s.Edited
			}
		}
		return -1
	}
	waitFor := func(n int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for edits() != n {
			if time.Now().After(deadline) {
				t.Fatalf("%d edits, want %d", edits(), n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	u.Changed(1)
	waitFor(1)
	for range 5 {
		u.Changed(1) // a burst within the interval: one more edit, later
	}
	time.Sleep(20 * time.Millisecond)
	if edits() != 1 {
		t.Fatalf("%d edits before the interval ended", edits())
	}
	for w.clock.Timers() == 0 {
		time.Sleep(time.Millisecond)
	}
	w.clock.Advance(3 * time.Second)
	waitFor(2)
}

var _ commands.ThreadService = (*threads.Service)(nil)
