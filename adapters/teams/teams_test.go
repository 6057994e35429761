package teams_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/adaptertest"
	"github.com/heraldchat/herald/adapters/teams"
	"github.com/heraldchat/herald/adapters/teams/teamsfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/lists"
	"github.com/heraldchat/herald/bot/moderators"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/store"
)

type handler struct {
	mu  sync.Mutex
	ins []bot.Inbound
}

func (h *handler) Handle(_ context.Context, in bot.Inbound) (bot.InboundReply, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.ins = append(h.ins, in)
	if in.Kind == bot.InboundCommand || in.Kind == bot.InboundButton {
		return bot.InboundReply{Replies: []bot.CommandReply{{Messages: []bot.Message{{Text: "ran " + in.Text + in.Signed}}}}}, nil
	}
	return bot.InboundReply{}, nil
}

func (h *handler) got() []bot.Inbound {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]bot.Inbound(nil), h.ins...)
}

type rig struct {
	fake    *teamsfake.Server
	adapter *teams.Adapter
	h       *handler
	url     string // herald's /api/messages
	clock   *bottest.Clock
	budget  *budget
}

// budget is a sending budget that lets everything through and counts.
type budget struct{ waited, taken, paused atomic.Int64 }

func (b *budget) Wait(context.Context, bot.Class, bot.Address) error  { b.waited.Add(1); return nil }
func (b *budget) Take(context.Context, bot.Class, bot.Platform) error { b.taken.Add(1); return nil }
func (b *budget) Pause(bot.Platform, time.Duration)                   { b.paused.Add(1) }

func newRig(t *testing.T) *rig {
	t.Helper()
	fake, err := teamsfake.Start("app-1", "pw-1", "tenant-1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	fake.AddUser(teamsfake.User{ID: "29:ana", AADID: "aad-ana", Name: "Ana", Email: "ana@example.org", Installed: true})
	fake.AddUser(teamsfake.User{ID: "29:bob", AADID: "aad-bob", Name: "Bob", Email: "bob@example.org"})
	clk := bottest.NewClock(time.Now())
	b := &budget{}
	host := strings.TrimPrefix(fake.URL(), "http://")
	fake.AddUser(teamsfake.User{ID: "29:mo", AADID: "aad-mo", Name: "Mo", Installed: true})
	fake.AddUser(teamsfake.User{ID: "29:tia", AADID: "aad-tia", Name: "Tia", Installed: true})
	fake.Team("19:team@thread.tacv2", "29:tia")
	a := teams.New(teams.Config{AppID: "app-1", AppPassword: "pw-1", Tenant: "tenant-1", LoginURL: fake.URL(), OpenIDURL: fake.OpenIDURL(),
		ServiceURL: fake.URL(), ServiceHosts: []string{host}, Clock: clk,
		Channel: "19:mods@thread.tacv2", ModeratorAADIDs: []string{"aad-mo"}, Team: "19:team@thread.tacv2", Budget: b})
	a.IsModerator = func(ctx context.Context, who bot.Actor) (bool, error) { return a.IsMember(ctx, who.Address, "") }
	h := &handler{}
	a.Handler = h
	mux := http.NewServeMux()
	a.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &rig{fake: fake, adapter: a, h: h, url: srv.URL + "/api/messages", clock: clk, budget: b}
}

// TestEveryActivityIsVerified: a message signed as the Bot Framework
// signs is handled, once however often it comes; a forged, expired,
// wrong-audience, wrong-issuer, unknown-key, HS256 or service-URL-
// mismatched token is refused with 401 and nothing is handled; so is a
// request without a token; a body over the cap is refused.
func TestEveryActivityIsVerified(t *testing.T) {
	r := newRig(t)
	act := r.fake.Message("29:ana", "hello")
	good := r.fake.Token(teamsfake.Claims{})
	for range 2 {
		if code, err := r.fake.Post(r.url, act, good); err != nil || code != 200 {
			t.Fatalf("a good activity: %d %v", code, err)
		}
	}
	if got := r.h.got(); len(got) != 1 || got[0].Text != "hello" || got[0].From.Address != (bot.Address{Platform: bot.PlatformTeams, ID: "29:ana"}) || got[0].From.Name != "Ana" {
		t.Fatalf("handled: %+v", got)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	now := time.Now()
	for name, tok := range map[string]string{
		"forged":           r.fake.Token(teamsfake.Claims{Key: other}),
		"expired":          r.fake.Token(teamsfake.Claims{Expires: now.Add(-10 * time.Minute), NotBefore: now.Add(-time.Hour)}),
		"not yet":          r.fake.Token(teamsfake.Claims{NotBefore: now.Add(10 * time.Minute)}),
		"wrong audience":   r.fake.Token(teamsfake.Claims{Audience: "another-app"}),
		"wrong issuer":     r.fake.Token(teamsfake.Claims{Issuer: "https://evil.example"}),
		"unknown key":      r.fake.Token(teamsfake.Claims{KeyID: "no-such-key"}),
		"HS256":            r.fake.Token(teamsfake.Claims{Alg: "HS256"}),
		"serviceUrl":       r.fake.Token(teamsfake.Claims{ServiceURL: "https://evil.example/teams/"}),
		"no token":         "",
		"not even a token": "abc.def.ghi",
	} {
		a := r.fake.Message("29:ana", "forged "+name)
		if code, err := r.fake.Post(r.url, a, tok); err != nil || code != http.StatusUnauthorized {
			t.Errorf("%s: %d %v, want 401", name, code, err)
		}
	}
	if got := r.h.got(); len(got) != 1 {
		t.Fatalf("a refused activity was handled: %+v", got)
	}
	// An unknown key id fetched the keys again once; another within five
	// minutes does not.
	fetches := r.fake.KeyFetches()
	r.fake.Post(r.url, r.fake.Message("29:ana", "x"), r.fake.Token(teamsfake.Claims{KeyID: "another-unknown"}))
	if n := r.fake.KeyFetches(); n != fetches {
		t.Fatalf("keys fetched %d times more within five minutes", n-fetches)
	}
	r.clock.Advance(6 * time.Minute)
	r.fake.Post(r.url, r.fake.Message("29:ana", "x"), r.fake.Token(teamsfake.Claims{KeyID: "yet-another"}))
	if n := r.fake.KeyFetches(); n != fetches+1 {
		t.Fatalf("after five minutes, an unknown key fetched the keys %d times", n-fetches)
	}
	// A body over the cap.
	big := r.fake.Message("29:ana", strings.Repeat("x", teams.MaxBody))
	if code, _ := r.fake.Post(r.url, big, good); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("a body over the cap: %d", code)
	}
}

// TestSendAsCards: a message reaches a user who has the app as an
// Adaptive Card, through a personal conversation created once; a user
// without the app fails at step open, not installed; a 429 is herald's
// rate-limit error with the wait Teams asked.
func TestSendAsCards(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	ana := bot.Address{Platform: bot.PlatformTeams, ID: "29:ana"}
	m := bot.Message{Kind: bot.KindCard, Title: "Launch", Text: "Hello *Ana*", Fields: []bot.Field{{Label: "When", Value: "Monday"}},
		Buttons: []bot.Button{{Label: "Plan", Action: bot.Action{Kind: bot.ActionLink, URL: "https://example.org/plan"}}, {Label: "Yes", Action: bot.Action{Kind: bot.ActionReply, Value: "yes"}}}}
	// The first message opens the conversation: two requests, the
	// second of which takes a token of herald's budget of its own; the
	// next messages are one request, whose token the caller took.
	for want := range []int{1, 0} {
		before := r.budget.taken.Load()
		if _, err := r.adapter.Send(ctx, ana, m); err != nil {
			t.Fatal(err)
		}
		if n := r.budget.taken.Load() - before; n != int64(1-want) {
			t.Fatalf("message %d took %d more tokens, want %d", want+1, n, 1-want)
		}
	}
	acts := r.fake.Activities()
	if len(acts) != 2 || r.fake.Calls("conversations") != 1 || r.fake.Calls("token") != 1 {
		t.Fatalf("%d activities, %d conversations created, %d tokens", len(acts), r.fake.Calls("conversations"), r.fake.Calls("token"))
	}
	var atts []struct {
		ContentType string         `json:"contentType"`
		Content     map[string]any `json:"content"`
	}
	json.Unmarshal([]byte(acts[0].Attachments), &atts)
	card, _ := json.Marshal(atts[0].Content)
	if atts[0].ContentType != "application/vnd.microsoft.card.adaptive" || !strings.Contains(string(card), `"text":"Hello **Ana**"`) ||
		!strings.Contains(string(card), `"type":"Action.OpenUrl"`) || !strings.Contains(string(card), `"data":{"herald":"yes","kind":"reply"}`) ||
		!strings.Contains(string(card), `"FactSet"`) {
		t.Fatalf("the card: %s", card)
	}
	_, err := r.adapter.Send(ctx, bot.Address{Platform: bot.PlatformTeams, ID: "29:bob"}, m)
	if bot.ErrorStep(err) != bot.StepOpen || bot.ErrorReach(err) != bot.ReachNotInstalled || !strings.Contains(bot.ErrorMessage(err), "not installed") {
		t.Fatalf("a user without the app: %v", err)
	}
	r.fake.Fail("activities", 1, http.StatusTooManyRequests)
	_, err = r.adapter.Send(ctx, ana, m)
	var e *bot.Error
	if !asError(err, &e) || e.RetryAfter != time.Second {
		t.Fatalf("a 429: %v", err)
	}
}

func asError(err error, target **bot.Error) bool {
	e, ok := err.(*bot.Error)
	if ok {
		*target = e
	}
	return ok
}

// TestModeratorsAndButtons: moderators — by Azure AD id, or members of
// the moderators' team — run "herald …" in their personal chat, answered
// there; anyone else's "herald …" is a participant's message. In the
// moderators' channel, a message that mentions herald is a command,
// answered in its thread. A card's Action.Submit is a signed command or a
// participant's answer, by its data.
func TestModeratorsAndButtons(t *testing.T) {
	r := newRig(t)
	post := func(act map[string]any) {
		t.Helper()
		if code, err := r.fake.Post(r.url, act, r.fake.Token(teamsfake.Claims{})); err != nil || code != 200 {
			t.Fatalf("posting: %d %v", code, err)
		}
	}
	post(r.fake.Message("29:mo", "herald campaign list"))
	post(r.fake.Message("29:tia", "Herald help"))
	post(r.fake.Message("29:ana", "herald is great"))
	post(r.fake.ChannelMessage("19:mods@thread.tacv2", "29:tia", "<at>herald</at> campaign show 3"))
	post(r.fake.ChannelMessage("19:elsewhere@thread.tacv2", "29:tia", "<at>herald</at> campaign show 4"))
	post(r.fake.Submit("29:mo", map[string]string{"herald": "signed.pause.3", "kind": "command"}))
	post(r.fake.Submit("29:ana", map[string]string{"herald": "sv:1:0:2", "kind": "reply"}))
	var got []string
	for _, in := range r.h.got() {
		got = append(got, string(in.Kind)+"|"+in.From.Address.ID+"|"+in.Text+in.Signed)
	}
	want := []string{"command|29:mo|campaign list", "command|29:tia|help", "participant-message|29:ana|herald is great",
		"command|29:tia|campaign show 3", "button|29:mo|signed.pause.3", "participant-message|29:ana|sv:1:0:2"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("handled:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	answers := map[string]string{}
	for _, a := range r.fake.Activities() {
		answers[a.Conversation+"|"+a.ReplyTo] += a.Attachments
	}
	if !strings.Contains(answers["a:129:mo|"], "ran campaign list") || !strings.Contains(answers["a:129:mo|"], "ran signed.pause.3") {
		t.Fatalf("answers in Mo's chat: %v", answers)
	}
	var inChannel bool
	for k, v := range answers {
		inChannel = inChannel || strings.HasPrefix(k, "19:mods@thread.tacv2;messageid=") && strings.Contains(v, "ran campaign show 3")
	}
	if !inChannel {
		t.Fatalf("no answer in the channel's thread: %v", answers)
	}
	// Each answer waited for its turn in herald's budget.
	if n := r.budget.waited.Load(); n != 4 {
		t.Fatalf("%d answers waited in the budget, want 4", n)
	}
}

const modsChannel = "19:mods@thread.tacv2"

// TestConformance runs the outbound half of the adapters' suite.
func TestConformance(t *testing.T) {
	adaptertest.Run(t, func(t *testing.T) *adaptertest.Harness {
		r := newRig(t)
		r.fake.Unlimited = true
		return &adaptertest.Harness{
			Messenger:   r.adapter,
			Participant: bot.Address{Platform: bot.PlatformTeams, ID: "29:ana"},
			Received: func(to bot.Address) []string {
				var out []string
				for _, a := range r.fake.Activities() {
					if a.Conversation == "a:1"+to.ID {
						out = append(out, a.Attachments)
					}
				}
				return out
			},
			Refused: bot.Address{Platform: bot.PlatformTeams, ID: "29:bob"},
			RateLimit: func(d time.Duration) {
				r.fake.RetryAfter = int(d / time.Second)
				r.fake.Fail("activities", 1, http.StatusTooManyRequests)
			},
			ServerError: func() { r.fake.Fail("activities", 1, http.StatusServiceUnavailable) },
			Channel:     bot.Address{Platform: bot.PlatformTeams, ID: modsChannel},
			ThreadReceived: func(tr bot.ThreadRef) []string {
				var out []string
				for _, a := range r.fake.Thread(modsChannel, tr.ID) {
					out = append(out, a.Attachments)
				}
				return out
			},
		}
	})
}

// TestInboundConformance drives the inbound half: moderators reply in a
// participant's thread of the moderators' channel.
func TestInboundConformance(t *testing.T) {
	adaptertest.RunInbound(t, func(t *testing.T) *adaptertest.InboundHarness {
		r := newRig(t)
		r.fake.Unlimited = true
		db, err := store.Open(filepath.Join(t.TempDir(), "h.db"), store.Options{NoSync: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return &adaptertest.InboundHarness{
			Surface: r.adapter, Channel: bot.Address{Platform: bot.PlatformTeams, ID: modsChannel}, Store: db,
			Moderator: bot.Address{Platform: bot.PlatformTeams, ID: "29:mo"},
			Serve:     func(h bot.InboundHandler) { r.adapter.Handler = h },
			Language: func(th *threads.Service, auth *moderators.Set) bot.InboundHandler {
				clk := clock.System()
				deps := commands.Deps{Conversations: th, Snippets: db, Clock: clk,
					Campaigns: &campaigns.Service{Store: db, Clock: clk}, Lists: &lists.Service{Store: db}}
				return commands.NewInbound(commands.New(deps, commands.NewText(commands.LocaleEnglish), auth, nil, nil), th)
			},
			Write: func(th bot.ThreadRef, text string) {
				if code, err := r.fake.Post(r.url, r.fake.ThreadReply(modsChannel, th.ID, "29:mo", text), r.fake.Token(teamsfake.Claims{})); err != nil || code != 200 {
					t.Errorf("writing in the thread: %d %v", code, err)
				}
			},
			Shown: func(th bot.ThreadRef) []string {
				var out []string
				for _, a := range r.fake.Thread(modsChannel, th.ID) {
					out = append(out, a.Attachments)
				}
				return out
			},
		}
	})
}

// TestInstallationsAndLongRows: a user installing the app is reachable,
// with the email Teams gives for them, and can be written to; a card with
// more actions than Teams shows under it (an NPS question) has them in
// its body, in rows of five.
func TestInstallationsAndLongRows(t *testing.T) {
	r := newRig(t)
	var mu sync.Mutex
	var reached []string
	r.adapter.Reached = func(_ context.Context, who bot.Address, name, email string, reach bot.Reachability) {
		mu.Lock()
		defer mu.Unlock()
		reached = append(reached, who.ID+"|"+name+"|"+email+"|"+string(reach))
	}
	if code, err := r.fake.Install(r.url, "29:bob"); err != nil || code != 200 {
		t.Fatalf("installing: %d %v", code, err)
	}
	mu.Lock()
	got := strings.Join(reached, ",")
	mu.Unlock()
	if got != "29:bob|Bob|bob@example.org|reachable" {
		t.Fatalf("reached: %s", got)
	}
	var nps bot.Message
	nps.Text = "2/3 · Would you come again?"
	for n := range 11 {
		nps.Buttons = append(nps.Buttons, bot.Button{Label: fmt.Sprint(n), Action: bot.Action{Kind: bot.ActionReply, Value: fmt.Sprintf("sv:1:1:%d", n)}})
	}
	if _, err := r.adapter.Send(context.Background(), bot.Address{Platform: bot.PlatformTeams, ID: "29:bob"}, nps); err != nil {
		t.Fatal(err)
	}
	card, _ := json.Marshal(teams.Card(nps))
	if strings.Count(string(card), `"type":"ActionSet"`) != 3 || strings.Contains(string(card), `"actions":[{"data"`) && strings.Index(string(card), `"body"`) > strings.LastIndex(string(card), `"actions"`) {
		t.Fatalf("the NPS card: %s", card)
	}
}

// TestPackage: the app package is a zip of a manifest naming the bot (in
// personal chats and teams, with its commands) and two PNG icons of the
// sizes Teams asks; an app id that is no GUID is refused.
func TestPackage(t *testing.T) {
	const id = "6b6f2c1e-3d6a-4a55-9c39-2f1c5c1e0f11"
	data, err := teams.Package(teams.PackageInfo{AppID: id, Version: "1.2.3", Commands: []teams.Command{{Title: "help", Description: "What herald can do"}}})
	if err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range z.File {
		rc, _ := f.Open()
		files[f.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var m struct {
		ManifestVersion, Version, ID string
		Bots                         []struct {
			BotID        string   `json:"botId"`
			Scopes       []string `json:"scopes"`
			CommandLists []struct {
				Commands []struct{ Title string } `json:"commands"`
			} `json:"commandLists"`
		} `json:"bots"`
		Icons struct{ Color, Outline string } `json:"icons"`
	}
	if err := json.Unmarshal(files["manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	if m.ID != id || m.Version != "1.2.3" || len(m.Bots) != 1 || m.Bots[0].BotID != id || strings.Join(m.Bots[0].Scopes, ",") != "personal,team" ||
		m.Bots[0].CommandLists[0].Commands[0].Title != "help" || m.Icons.Color != "color.png" {
		t.Fatalf("the manifest: %s", files["manifest.json"])
	}
	for name, size := range map[string]int{"color.png": 192, "outline.png": 32} {
		img, err := png.Decode(bytes.NewReader(files[name]))
		if err != nil || img.Bounds().Dx() != size || img.Bounds().Dy() != size {
			t.Fatalf("%s: %v %v", name, img, err)
		}
	}
	if _, err := teams.Package(teams.PackageInfo{AppID: "my-bot"}); err == nil || !strings.Contains(err.Error(), "GUID") {
		t.Fatalf("a bad app id: %v", err)
	}
}

// TestOnlyTeamsAndTheTenant: an activity of another channel (Web Chat,
// Direct Line) or another organisation's tenant is refused (403), even
// well signed; two people's activities with the same id in their own
// conversations are both handled.
func TestOnlyTeamsAndTheTenant(t *testing.T) {
	r := newRig(t)
	good := r.fake.Token(teamsfake.Claims{})
	web := r.fake.Message("29:ana", "from web chat")
	web["channelId"] = "webchat"
	other := r.fake.Message("29:ana", "from elsewhere")
	other["conversation"] = map[string]any{"id": "a:1x", "conversationType": "personal", "tenantId": "another-tenant"}
	other["channelData"] = map[string]any{"tenant": map[string]string{"id": "another-tenant"}}
	// The key endorses msteams only: web chat's is refused at the token
	// (401); another tenant's, signed for msteams, at the tenant (403).
	for a, want := range map[*map[string]any]int{&web: http.StatusUnauthorized, &other: http.StatusForbidden} {
		if code, err := r.fake.Post(r.url, *a, good); err != nil || code != want {
			t.Fatalf("%s: %d %v, want %d", (*a)["text"], code, err, want)
		}
	}
	if len(r.h.got()) != 0 {
		t.Fatalf("a refused activity was handled: %+v", r.h.got())
	}
	a1, a2 := r.fake.Message("29:ana", "first"), r.fake.Message("29:bob", "second")
	a2["id"] = a1["id"]
	for _, a := range []map[string]any{a1, a2} {
		if code, err := r.fake.Post(r.url, a, good); err != nil || code != 200 {
			t.Fatalf("%s: %d %v", a["text"], code, err)
		}
	}
	if got := r.h.got(); len(got) != 2 || got[0].Text != "first" || got[1].Text != "second" || got[0].ID == got[1].ID {
		t.Fatalf("handled: %+v", got)
	}
}

// TestMultipleChoiceCheckboxes: a message's Select is checkboxes with a
// Send button (the answers' buttons left out, ✓ kept); what is ticked
// comes back whole after the select's value.
func TestMultipleChoiceCheckboxes(t *testing.T) {
	r := newRig(t)
	m := bot.Message{Text: "1/2 · Which workshops?", Select: &bot.Select{Value: "sv:1:0:set:", Options: []bot.Option{{Label: "Go", Value: "0"}, {Label: "Zig", Value: "1"}}},
		Buttons: []bot.Button{{Label: "Go", Option: true, Action: bot.Action{Kind: bot.ActionReply, Value: "sv:1:0:0"}}, {Label: "Zig", Option: true, Action: bot.Action{Kind: bot.ActionReply, Value: "sv:1:0:1"}},
			{Label: "✓", Action: bot.Action{Kind: bot.ActionReply, Value: "sv:1:0:done"}}}}
	card, _ := json.Marshal(teams.Card(m))
	if !strings.Contains(string(card), `"isMultiSelect":true`) || strings.Contains(string(card), `"herald":"sv:1:0:0"`) || !strings.Contains(string(card), `"herald":"sv:1:0:done"`) {
		t.Fatalf("the card: %s", card)
	}
	press := r.fake.Submit("29:ana", map[string]string{"herald": "sv:1:0:set:", "kind": "select", "herald_pick": "0,1"})
	if code, err := r.fake.Post(r.url, press, r.fake.Token(teamsfake.Claims{})); err != nil || code != 200 {
		t.Fatalf("ticking: %d %v", code, err)
	}
	if got := r.h.got(); len(got) != 1 || got[0].Text != "sv:1:0:set:0,1" || got[0].Kind != bot.InboundParticipantMessage {
		t.Fatalf("what was ticked: %+v", got)
	}
	// In French, the button reads Envoyer.
	fr := teams.New(teams.Config{AppID: "app-1", AppPassword: "pw-1", Tenant: "tenant-1", LoginURL: r.fake.URL(), OpenIDURL: r.fake.OpenIDURL(),
		ServiceURL: r.fake.URL(), ServiceHosts: []string{strings.TrimPrefix(r.fake.URL(), "http://")}, Locale: "fr"})
	if _, err := fr.Send(context.Background(), bot.Address{Platform: bot.PlatformTeams, ID: "29:ana"}, m); err != nil {
		t.Fatal(err)
	}
	acts := r.fake.Activities()
	if last := acts[len(acts)-1].Attachments; !strings.Contains(last, `"title":"Envoyer"`) || strings.Contains(last, `"title":"Send"`) {
		t.Fatalf("the French card: %s", last)
	}
}

// TestFilesByLink: a file herald posts (a report, a chart) is a link to
// herald for an hour, a picture shown too; without a public URL the card
// names it only.
func TestFilesByLink(t *testing.T) {
	r := newRig(t)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	a := teams.New(teams.Config{AppID: "app-1", AppPassword: "pw-1", Tenant: "tenant-1", LoginURL: r.fake.URL(), OpenIDURL: r.fake.OpenIDURL(),
		ServiceURL: r.fake.URL(), ServiceHosts: []string{strings.TrimPrefix(r.fake.URL(), "http://")}, PublicURL: srv.URL + "/"})
	a.Routes(mux)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error)
	go func() { stopped <- a.Run(ctx) }()
	m := bot.Message{Text: "The report", Files: []bot.File{{Name: "report [1].csv", ContentType: "text/csv", Data: []byte("sendingID,email\n1,a@x.org\n")},
		{Name: "chart.png", ContentType: "image/png", Data: []byte("\x89PNG fake")}}}
	if _, err := a.Send(context.Background(), bot.Address{Platform: bot.PlatformTeams, ID: "29:ana"}, m); err != nil {
		t.Fatal(err)
	}
	acts := r.fake.Activities()
	card := acts[len(acts)-1].Attachments
	links := regexp.MustCompile(`\(`+regexp.QuoteMeta(srv.URL)+`/teams/files/([A-Za-z0-9_-]{22})\)`).FindAllStringSubmatch(card, -1)
	if len(links) != 2 || !strings.Contains(card, `📎 [report (1).csv](`) || !strings.Contains(card, `"type":"Image","url":"`+srv.URL+"/teams/files/"+links[1][1]) {
		t.Fatalf("the card: %s", card)
	}
	resp, err := http.Get(srv.URL + "/teams/files/" + links[0][1])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "sendingID,email\n1,a@x.org\n" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("the download: %d %q %v", resp.StatusCode, body, resp.Header)
	}
	if resp, err := http.Get(srv.URL + "/teams/files/not-a-file"); err != nil || resp.StatusCode != 404 {
		t.Fatalf("an unknown file: %v %v", resp, err)
	}
	// At stop, the files kept are gone.
	cancel()
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(srv.URL + "/teams/files/" + links[0][1]); err != nil || resp.StatusCode != 404 {
		t.Fatalf("a file after the stop: %v %v", resp, err)
	}
	// Without a public URL, the card names the file.
	if _, err := r.adapter.Send(context.Background(), bot.Address{Platform: bot.PlatformTeams, ID: "29:ana"}, m); err != nil {
		t.Fatal(err)
	}
	acts = r.fake.Activities()
	if card := acts[len(acts)-1].Attachments; !strings.Contains(card, `📎 report (1).csv"`) || strings.Contains(card, "/teams/files/") {
		t.Fatalf("the card without a public URL: %s", card)
	}
}
