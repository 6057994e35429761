package engagement_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/engagement"
	"github.com/heraldchat/herald/bot/personalize"
	"github.com/heraldchat/herald/bot/surveys"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

const base = "https://herald.example.org"

type rig struct {
	db  *bottest.Store
	clk *bottest.Clock
	tr  *engagement.Tracker
	c   *bot.Campaign
	ss  []*bot.Sending
}

// newRig makes a running campaign whose message has a link with a
// placeholder, a bare link and a link button, sent to three people: ana
// (sent), bob (sent), cy (failed).
func newRig(t *testing.T, survey *bot.Survey) *rig {
	t.Helper()
	ctx := context.Background()
	clk := bottest.NewClock(t0)
	db := bottest.NewStore(clk)
	c := &bot.Campaign{Name: "Launch", KeyColumn: "email", State: bot.CampaignDraft, Survey: survey, Message: bot.Message{
		Text:    "Hello {{first_name}}: read [the plan](https://example.org/plan?who={{first_name}}) or https://example.org/faq.",
		Buttons: []bot.Button{{Label: "Join", Action: bot.Action{Kind: bot.ActionLink, URL: "https://example.org/join"}}, {Label: "Yes", Action: bot.Action{Kind: bot.ActionReply, Value: "yes"}}},
	}}
	if err := db.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	ss := []*bot.Sending{
		{Key: "ana@example.org", Attributes: map[string]string{"first_name": "Ana"}, State: bot.SendingSent, SentAt: t0, Address: bot.Address{Platform: bot.PlatformTelegram, ID: "1001"}},
		{Key: "bob@example.org", Attributes: map[string]string{"first_name": "Bob"}, State: bot.SendingSent, SentAt: t0, Address: bot.Address{Platform: bot.PlatformEmail, ID: "bob@example.org"}},
		{Key: "cy@example.org", Attributes: map[string]string{"first_name": "Cy"}, State: bot.SendingFailed, Step: bot.StepResolve, Error: "no such user"},
	}
	if err := db.CreateSendings(ctx, c.ID, ss); err != nil {
		t.Fatal(err)
	}
	c, err := db.UpdateCampaign(ctx, c.ID, func(c *bot.Campaign) error { c.State = bot.CampaignRunning; return nil })
	if err != nil {
		t.Fatal(err)
	}
	tr := &engagement.Tracker{Store: db, Key: []byte("0123456789abcdef0123456789abcdef"), BaseURL: base, Clock: clk,
		Render: func(c *bot.Campaign, s *bot.Sending, at time.Time) (bot.Message, error) {
			return personalize.Compile(c.Message).Personalize(personalize.NewVars(c.KeyColumn, s.Key, s.Attributes, c.Defaults, at.UTC()))
		}}
	return &rig{db: db, clk: clk, tr: tr, c: c, ss: ss}
}

// sent is the message sending i gets, as the engine sends it.
func (r *rig) sent(t *testing.T, i int) bot.Message {
	t.Helper()
	at := r.clk.Now()
	m, err := r.tr.Render(r.c, r.ss[i], at)
	if err != nil {
		t.Fatal(err)
	}
	return r.tr.Rewrite(r.c, r.ss[i], at, m)
}

// tokens are the link tokens of m, in order.
func tokens(t *testing.T, m bot.Message) []string {
	t.Helper()
	var out []string
	for _, u := range engagement.Links(m) {
		tok, ok := strings.CutPrefix(u, base+"/l/")
		if !ok {
			t.Fatalf("a link left as it was: %s in %+v", u, m)
		}
		out = append(out, tok)
	}
	return out
}

func TestLinksAreRewrittenAndFollowed(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	m := r.sent(t, 0)
	if m.Tracking == nil || !m.Tracking.Links || m.Tracking.Campaign != r.c.ID || m.Tracking.Sending != r.ss[0].ID || m.Tracking.Pixel != "" {
		t.Fatalf("tracking: %+v", m.Tracking)
	}
	// The bare link still shows as itself, its sentence's full stop kept.
	if !strings.Contains(m.Text, "[https://example.org/faq]("+base+"/l/") || !strings.HasSuffix(m.Text, ").") || !strings.Contains(m.Text, "[the plan]("+base+"/l/") {
		t.Fatalf("text: %s", m.Text)
	}
	if m.Buttons[1].Action.Value != "yes" {
		t.Fatalf("a reply button changed: %+v", m.Buttons[1])
	}
	toks := tokens(t, m)
	if len(toks) != 3 {
		t.Fatalf("tokens: %v", toks)
	}
	want := []string{"https://example.org/plan?who=Ana", "https://example.org/faq", "https://example.org/join"}
	for i, tok := range toks {
		got, err := r.tr.Click(ctx, tok, i != 1) // the second: a scanner's, not counted
		if err != nil || got != want[i] {
			t.Fatalf("link %d: %q %v, want %q", i, got, err, want[i])
		}
	}
	r.clk.Advance(time.Minute)
	if _, err := r.tr.Click(ctx, toks[0], true); err != nil {
		t.Fatal(err)
	}
	// Bob's links are his own: personalised for him, counted for him.
	bobs := tokens(t, r.sent(t, 1))
	if got, _ := r.tr.Click(ctx, bobs[0], false); got != "https://example.org/plan?who=Bob" {
		t.Fatalf("bob's link: %s", got)
	}
	n, _ := r.db.EngagementCounts(ctx, r.c.ID)
	if n != (engagement.Counts{Seen: 1, Clicked: 1, Clicks: 3}) {
		t.Fatalf("counts: %+v", n)
	}
	var ana engagement.Record
	r.db.Engagements(ctx, r.c.ID, func(e *engagement.Record) error { ana = *e; return nil })
	if !ana.FirstClick.Equal(t0) || !ana.LastClick.Equal(t0.Add(time.Minute)) || !ana.SeenAt.Equal(t0) {
		t.Fatalf("ana's engagement: %+v", ana)
	}
}

func TestUnknownAndExpiredLinks(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	tok := tokens(t, r.sent(t, 0))[0]
	other := &engagement.Tracker{Store: r.db, Key: []byte("another key, another herald......"), BaseURL: base, Clock: r.clk, Render: r.tr.Render}
	forged := tokens(t, other.Rewrite(r.c, r.ss[0], t0, r.c.Message))[0]
	flipped := []byte(tok)
	flipped[3] ^= 1
	for _, bad := range []string{"", "x", "!!!!", tok[:len(tok)-1], string(flipped), forged, tok + "A", strings.Repeat("A", 200)} {
		if to, err := r.tr.Click(ctx, bad, true); bot.ErrorCode(err) != bot.ENOTFOUND || to != "" {
			t.Errorf("token %q: %q %v, want not found", bad, to, err)
		}
	}
	// A link the message no longer has (a running nudge edited), or
	// whose address changed, is expired: it is not followed elsewhere.
	many := r.c.Message
	many.Text += " https://example.org/4"
	if to, err := r.tr.Click(ctx, tokens(t, r.tr.Rewrite(r.c, r.ss[0], t0, many))[3], true); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("a fourth link: %q %v", to, err)
	}
	moved := r.c.Message
	moved.Buttons = []bot.Button{{Label: "Join", Action: bot.Action{Kind: bot.ActionLink, URL: "https://example.org/elsewhere"}}}
	if to, err := r.tr.Click(ctx, tokens(t, r.tr.Rewrite(r.c, r.ss[0], t0, moved))[2], true); bot.ErrorCode(err) != bot.ECONFLICT {
		t.Fatalf("a link whose address changed: %q %v", to, err)
	}
	// A sending that does not exist.
	ghost := &bot.Sending{ID: 99}
	if _, err := r.tr.Click(ctx, tokens(t, r.tr.Rewrite(r.c, ghost, t0, r.c.Message))[0], true); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("a ghost sending: %v", err)
	}
	// Ended long ago: expired.
	if _, err := r.db.UpdateCampaign(ctx, r.c.ID, func(c *bot.Campaign) error { c.State, c.FinishedAt = bot.CampaignDone, t0; return nil }); err != nil {
		t.Fatal(err)
	}
	r.clk.Advance(engagement.DefaultTTL - time.Minute)
	if _, err := r.tr.Click(ctx, tok, true); err != nil {
		t.Fatalf("before its time: %v", err)
	}
	r.clk.Advance(2 * time.Minute)
	if to, err := r.tr.Click(ctx, tok, true); bot.ErrorCode(err) != bot.ECONFLICT || to != "" {
		t.Fatalf("expired: %q %v", to, err)
	}
	if n, _ := r.db.EngagementCounts(ctx, r.c.ID); n.Clicks != 1 {
		t.Fatalf("only the click in time counted: %+v", n)
	}
}

func TestOpensAndSeen(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	r.tr.Opens = true
	if m := r.sent(t, 0); m.Tracking.Pixel != "" {
		t.Fatalf("a pixel for a Telegram message: %+v", m.Tracking)
	}
	m := r.sent(t, 1)
	pix, ok := strings.CutPrefix(m.Tracking.Pixel, base+"/o/")
	if !ok {
		t.Fatalf("no pixel for an email: %+v", m.Tracking)
	}
	if _, err := r.tr.Click(ctx, pix, true); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("a pixel followed as a link: %v", err)
	}
	if err := r.tr.Opened(ctx, tokens(t, m)[0]); bot.ErrorCode(err) != bot.ENOTFOUND {
		t.Fatalf("a link taken for a pixel: %v", err)
	}
	for range 2 {
		if err := r.tr.Opened(ctx, pix); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.tr.Seen(ctx, r.c.ID, r.ss[0].ID); err != nil {
		t.Fatal(err)
	}
	if n, _ := r.db.EngagementCounts(ctx, r.c.ID); n != (engagement.Counts{Seen: 2}) {
		t.Fatalf("counts: %+v", n)
	}
	// Without a public address nothing is rewritten; the message still
	// says which sending it is, for the surfaces that tell it seen.
	r.tr.BaseURL = ""
	plain := r.sent(t, 1)
	if plain.Text != "Hello Bob: read [the plan](https://example.org/plan?who=Bob) or https://example.org/faq." || plain.Tracking.Links || plain.Tracking.Pixel != "" || plain.Tracking.Sending != r.ss[1].ID {
		t.Fatalf("untracked: %+v %+v", plain, plain.Tracking)
	}
}

func TestCounted(t *testing.T) {
	for _, c := range []struct {
		method, ua string
		want       bool
	}{
		{"GET", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36", true},
		{"HEAD", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0", false},
		{"GET", "", false},
		{"GET", "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", false},
		{"GET", "TelegramBot (like TwitterBot)", false},
		{"GET", "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", false},
		{"GET", "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.4266; Pro)", false},
		{"GET", "Go-http-client/1.1", false},
		{"GET", "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36 Telegram-Android/11.5.3", true},
	} {
		if got := engagement.Counted(c.method, c.ua); got != c.want {
			t.Errorf("%s %q: %v, want %v", c.method, c.ua, got, c.want)
		}
	}
}

type rows [][]string

func (r *rows) WriteRow(row []string) error {
	*r = append(*r, append([]string(nil), row...))
	return nil
}

func TestSummaryPeopleAndExport(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	toks := tokens(t, r.sent(t, 0))
	r.tr.Click(ctx, toks[0], true)
	r.tr.Click(ctx, toks[2], true)
	// Bob wrote back after the campaign reached him; Ana wrote before.
	if _, _, err := r.db.ConversationFor(ctx, r.ss[1].Address, func(c *bot.Conversation) { c.LastMessageAt = t0.Add(time.Hour) }); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.db.ConversationFor(ctx, r.ss[0].Address, func(c *bot.Conversation) { c.LastMessageAt = t0.Add(-time.Hour) }); err != nil {
		t.Fatal(err)
	}
	s, err := r.tr.Summary(ctx, r.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s.Recipients != 3 || s.Sent != 2 || s.Errors != 1 || s.Seen != 1 || s.Clicked != 1 || s.Clicks != 2 || s.Answered != 1 || !s.Tracked {
		t.Fatalf("summary: %+v", s)
	}
	who := func(st engagement.State) []string {
		var keys []string
		if err := r.tr.People(ctx, r.c.ID, st, func(p engagement.Person) error { keys = append(keys, p.Sending.Key); return nil }); err != nil {
			t.Fatal(err)
		}
		return keys
	}
	for st, want := range map[engagement.State]string{
		engagement.Sent: "ana@example.org bob@example.org", engagement.Seen: "ana@example.org", engagement.Clicked: "ana@example.org",
		engagement.Answered: "bob@example.org", engagement.Errors: "cy@example.org", engagement.Skipped: "", engagement.Waiting: "",
	} {
		if got := strings.Join(who(st), " "); got != want {
			t.Errorf("%s: %q, want %q", st, got, want)
		}
	}
	var out rows
	if err := r.tr.Export(ctx, r.c.ID, &out); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"sendingID", "email", "state", "sentAt", "seenAt", "firstClick", "lastClick", "clicks", "answered"},
		{"1", "ana@example.org", "sent", "2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z", "2026-12-01T09:00:00Z", "2", "false"},
		{"2", "bob@example.org", "sent", "2026-12-01T09:00:00Z", "", "", "", "0", "true"},
		{"3", "cy@example.org", "failed", "", "", "", "", "0", "false"},
	}
	if len(out) != len(want) {
		t.Fatalf("export: %v", out)
	}
	for i := range want {
		if strings.Join(out[i], ",") != strings.Join(want[i], ",") {
			t.Errorf("row %d: %v, want %v", i, out[i], want[i])
		}
	}
}

func TestAnAnonymousSurveyTellsNoOneAnswered(t *testing.T) {
	r := newRig(t, &bot.Survey{Anonymous: true, Salt: []byte("salt"), Questions: []bot.Question{{Kind: bot.QuestionText, Text: "Anything?"}}})
	ctx := context.Background()
	if _, err := r.db.Respond(ctx, r.c.ID, "anon:x", bot.Address{}, func(rs *surveys.Response) (surveys.Step, error) {
		rs.Answers[0] = surveys.Answer{Text: "fine", At: t0}
		return surveys.Step{Tally: func(t *surveys.Tally) { t.Responses++ }}, nil
	}); err != nil {
		t.Fatal(err)
	}
	s, err := r.tr.Summary(ctx, r.c.ID)
	if err != nil || s.Answered != 1 {
		t.Fatalf("summary: %+v %v", s, err)
	}
	for _, st := range engagement.States {
		err = r.tr.People(ctx, r.c.ID, st, func(engagement.Person) error { return nil })
		delivery := st == engagement.Sent || st == engagement.Errors || st == engagement.Skipped || st == engagement.Waiting
		if delivery && err != nil || !delivery && bot.ErrorCode(err) != bot.EFORBIDDEN {
			t.Fatalf("who is %s in an anonymous survey: %v", st, err)
		}
	}
	var out rows
	if err := r.tr.Export(ctx, r.c.ID, &out); bot.ErrorCode(err) != bot.EFORBIDDEN || len(out) != 0 {
		t.Fatalf("an anonymous survey's engagement exported: %v %v", out, err)
	}
}

// TestALinkGoesWhereItWentWhenSent: a link whose address reads the time
// goes, when clicked a day later, where it went when the message was
// sent.
func TestALinkGoesWhereItWentWhenSent(t *testing.T) {
	r := newRig(t, nil)
	ctx := context.Background()
	c, err := r.db.UpdateCampaign(ctx, r.c.ID, func(c *bot.Campaign) error {
		c.Message = bot.Message{Text: "[Today's menu](https://example.org/menu?d={{date}}&t={{time}})"}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	r.c = c
	toks := tokens(t, r.sent(t, 0))
	want := engagement.Links(mustRender(t, r, 0))[0]
	r.clk.Advance(26*time.Hour + 7*time.Minute)
	if now := engagement.Links(mustRender(t, r, 0))[0]; now == want {
		t.Fatalf("the placeholders do not read the time: %s", now)
	}
	if got, err := r.tr.Click(ctx, toks[0], true); err != nil || got != want {
		t.Fatalf("a day later: %q %v, want %q", got, err, want)
	}
}

func mustRender(t *testing.T, r *rig, i int) bot.Message {
	t.Helper()
	m, err := r.tr.Render(r.c, r.ss[i], r.clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestWhatIsALink: links are found as people write them, and only web
// links go through herald.
func TestWhatIsALink(t *testing.T) {
	r := newRig(t, nil)
	for _, c := range []struct {
		text  string
		links []string
		kept  string // a part of the text that must stay as it is
	}{
		{"*https://example.org/a* and _https://example.org/b_", []string{"https://example.org/a", "https://example.org/b"}, "*"},
		{"See https://en.wikipedia.org/wiki/Go_(language), or not.", []string{"https://en.wikipedia.org/wiki/Go_(language)"}, "), or not."},
		{"Run `curl https://example.org/x` then https://example.org/y", []string{"https://example.org/y"}, "`curl https://example.org/x`"},
		{"[two\nlines](https://example.org/z)", nil, "[two\nlines](https://example.org/z)"},
		{"[https://example.org/shown](https://example.org/real)", []string{"https://example.org/real"}, "[https://example.org/shown]("},
		{"mailto:ana@example.org and ftp://example.org/f", nil, "mailto:ana@example.org and ftp://example.org/f"},
	} {
		m := bot.Message{Text: c.text}
		if got := engagement.Links(m); strings.Join(got, " ") != strings.Join(c.links, " ") {
			t.Errorf("%q: links %q, want %q", c.text, got, c.links)
		}
		out := r.tr.Rewrite(r.c, r.ss[0], t0, m)
		if !strings.Contains(out.Text, c.kept) || strings.Count(out.Text, base+"/l/") != len(c.links) {
			t.Errorf("%q rewritten as %q", c.text, out.Text)
		}
	}
	// A button whose address is not a web link (a placeholder gave it)
	// is left for Validate to refuse, never made a redirect to it.
	m := r.tr.Rewrite(r.c, r.ss[0], t0, bot.Message{Text: "x", Buttons: []bot.Button{{Label: "Go", Action: bot.Action{Kind: bot.ActionLink, URL: "javascript:alert(1)"}}}})
	if m.Buttons[0].Action.URL != "javascript:alert(1)" || m.Tracking.Links || m.Validate() == nil {
		t.Fatalf("a javascript: button: %+v", m)
	}
}
