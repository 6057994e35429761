package main_test

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/heraldchat/herald/adapters/teams/teamsfake"
	"github.com/heraldchat/herald/bot"
)

// TestTeamsCampaign: a moderator starts, in the moderators' channel, a
// campaign to 500 Teams users behind Teams' limits (the fake enforces
// them): the 20 without the app fail at step open with the reason; the
// others get one personalised Adaptive Card each, with no 429; the card
// in the channel ends at done. A participant's message, signed as the Bot
// Framework signs, opens their thread in the channel and a moderator's
// reply there reaches them; a forged one is refused.
func TestTeamsCampaign(t *testing.T) {
	if testing.Short() {
		t.Skip("a crowd behind Teams' limits; skipped with -short")
	}
	fake, err := teamsfake.Start("app-1", "pw-1", "tenant-1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fake.Close() })
	// Teams' limits run 4 times faster: the budget paces at 98.5% of them,
	// and the adapter's gates keep what the fake counts within them
	// whatever the machine's scheduling delays (~10 ms under the race
	// detector, a larger share of a quarter second).
	const teamsScale = 4
	fake.Scale = teamsScale
	fake.AddUser(teamsfake.User{ID: "29:mod", AADID: "aad-mod", Name: "Mod", Installed: true})
	const crowd, without = 500, 20
	csv := "teams_id,first_name\n"
	for i := range crowd {
		id := fmt.Sprintf("29:user%d", i)
		fake.AddUser(teamsfake.User{ID: id, AADID: fmt.Sprintf("aad-%d", i), Name: fmt.Sprintf("U%d", i), Installed: i >= without})
		csv += fmt.Sprintf("%s,U%d\n", id, i)
	}
	host := strings.TrimPrefix(fake.URL(), "http://")
	p := NewProgram(nil)
	MustStart(t, p, MustWriteConfig(t, t.TempDir(), "  public_url: \"https://herald.test\"\n"+ // inside the http: block
		fmt.Sprintf("limits: {time_scale: %d}\n", teamsScale)+
		"teams: {enabled: true, app_id: app-1, app_password: pw-1, tenant_id: tenant-1, login_url: \""+fake.URL()+"\", openid_url: \""+fake.OpenIDURL()+
		"\", service_url: \""+fake.URL()+"\", service_hosts: [\""+host+"\"], channel: \"19:mods@thread.tacv2\"}\nmoderators: {teams: {users: [aad-mod]}}\n"))
	run := commandsOf(t, p)
	run("list import people", bot.File{Name: "people.csv", Data: []byte(csv)})
	for _, line := range []string{"campaign new Teams launch", "campaign message 1 kind:card title:Launch Hello {{first_name}}, the plan is out.",
		"campaign audience 1 list:people", "campaign platform 1 teams"} {
		if out := run(line); strings.Contains(out, "rror") {
			t.Fatalf("%s: %s", line, out)
		}
	}
	// A moderator (by Azure AD id) starts it in the moderators' channel,
	// mentioning herald; the card answered in that post's thread follows
	// the campaign to done.
	messages := "http://" + p.HTTPAddr() + "/api/messages"
	start := fake.ChannelMessage("19:mods@thread.tacv2", "29:mod", "<at>herald</at> campaign start 1")
	if code, err := fake.Post(messages, start, fake.Token(teamsfake.Claims{})); err != nil || code != 200 {
		t.Fatalf("a moderator's command: %d %v", code, err)
	}
	// 480 people, each two requests (the conversation, the card) at 50 a
	// second, 4 times faster: about 5 s.
	for deadline := time.Now().Add(time.Minute); !strings.Contains(run("campaign show 1"), "done"); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the campaign is not done after a minute: %s", run("campaign show 1"))
		}
	}
	waitUntil(t, p, "the card at done", func() bool {
		for _, a := range fake.Activities() {
			if a.Conversation == "19:mods@thread.tacv2;messageid="+start["id"].(string) && a.Updated > 0 && strings.Contains(a.Attachments, "done") {
				return true
			}
		}
		return false
	})
	cards := map[string]int{}
	for _, a := range fake.Activities() {
		if strings.HasPrefix(a.Conversation, "a:129:user") && strings.Contains(a.Attachments, "the plan is out") {
			cards[a.Conversation]++
		}
	}
	if len(cards) != crowd-without {
		t.Fatalf("%d people got the card, want %d", len(cards), crowd-without)
	}
	for conv, n := range cards {
		if n != 1 {
			t.Fatalf("%s got the card %d times", conv, n)
		}
	}
	for conv, n := range cards {
		if id := strings.TrimPrefix(conv, "a:129:user"); n == 1 {
			for _, a := range fake.Activities() {
				if a.Conversation == conv && !strings.Contains(a.Attachments, "Hello U"+id+",") {
					t.Fatalf("not personalised for U%s: %s", id, a.Attachments)
				}
			}
		}
	}
	if fake.Throttled() != 0 {
		t.Fatalf("throttled %d times", fake.Throttled())
	}
	_, report := commandOutput(t, p, "campaign report 1")
	if n := strings.Count(string(report), "open,the herald app is not installed for them in Teams"); n != without {
		t.Fatalf("%d failed at open with the reason, want %d:\n%s", n, without, report)
	}
	// A participant writes: their message reaches herald (a thread opens
	// in the console); a forged one is refused.
	if code, err := fake.UserWrites("http://"+p.HTTPAddr()+"/api/messages", "29:user7", "I have a question"); err != nil || code != 200 {
		t.Fatalf("a participant's message: %d %v", code, err)
	}
	forged := fake.Message("29:user8", "forged")
	if code, _ := fake.Post("http://"+p.HTTPAddr()+"/api/messages", forged, fake.Token(teamsfake.Claims{Audience: "another-app"})); code != 401 {
		t.Fatalf("a forged activity: %d", code)
	}
	// Their thread opens in the moderators' channel; a moderator's reply
	// there reaches them.
	var root string
	waitUntil(t, p, "the participant's thread", func() bool {
		for _, a := range fake.Activities() {
			if a.Conversation == "19:mods@thread.tacv2" && strings.Contains(a.Attachments, "I have a question") {
				root = a.ID
				return true
			}
		}
		return false
	})
	if code, err := fake.Post("http://"+p.HTTPAddr()+"/api/messages", fake.ThreadReply("19:mods@thread.tacv2", root, "29:mod", "We are on it."), fake.Token(teamsfake.Claims{})); err != nil || code != 200 {
		t.Fatalf("a moderator's reply: %d %v", code, err)
	}
	waitUntil(t, p, "the reply in the participant's chat", func() bool {
		for _, a := range fake.Activities() {
			if a.Conversation == "a:129:user7" && strings.Contains(a.Attachments, "We are on it.") {
				return true
			}
		}
		return false
	})
	// A crowd writes at once: each participant gets one thread in the
	// moderators' channel, every message in it once, within Teams' limits
	// on the channel (8 in 2 s, 60 in 30 s): no 429.
	const writers = 40
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, err := fake.UserWrites(messages, fmt.Sprintf("29:user%d", 100+i), fmt.Sprintf("Crowd message #%d#", i)); err != nil || code != 200 {
				t.Errorf("participant %d: %d %v", i, code, err)
			}
		}()
	}
	wg.Wait()
	inChannel := func() map[int]int {
		got := map[int]int{}
		for _, a := range fake.Activities() {
			if !strings.HasPrefix(a.Conversation, "19:mods@thread.tacv2") {
				continue
			}
			for i := range writers {
				if strings.Contains(a.Attachments, fmt.Sprintf("Crowd message #%d#", i)) {
					got[i]++
				}
			}
		}
		return got
	}
	waitUntil(t, p, "every crowd message in the channel", func() bool { return len(inChannel()) == writers })
	for i, n := range inChannel() {
		if n != 1 {
			t.Fatalf("crowd message %d is in the channel %d times", i, n)
		}
	}
	roots := map[string]bool{}
	for _, a := range fake.Activities() {
		if a.Conversation == "19:mods@thread.tacv2" && strings.Contains(a.Attachments, "Crowd message #") {
			roots[a.ID] = true
		}
	}
	if len(roots) != writers {
		t.Fatalf("%d threads opened for %d participants", len(roots), writers)
	}
	if fake.Throttled() != 0 {
		t.Fatalf("throttled %d times with the crowd", fake.Throttled())
	}
	// Another command, answered in the moderator's chat.
	if code, err := fake.UserWrites(messages, "29:mod", "herald campaigns"); err != nil || code != 200 {
		t.Fatalf("a moderator's command: %d %v", code, err)
	}
	waitUntil(t, p, "the command's answer", func() bool {
		for _, a := range fake.Activities() {
			if a.Conversation == "a:129:mod" && strings.Contains(a.Attachments, "Teams launch") {
				return true
			}
		}
		return false
	})
	// The report comes as a link to herald, which downloads the CSV.
	if code, err := fake.UserWrites(messages, "29:mod", "herald campaign report 1"); err != nil || code != 200 {
		t.Fatalf("campaign report: %d %v", code, err)
	}
	link := regexp.MustCompile(`\(https://herald\.test(/teams/files/[A-Za-z0-9_-]+)\)`)
	var path string
	waitUntil(t, p, "the report's link", func() bool {
		for _, a := range fake.Activities() {
			if m := link.FindStringSubmatch(a.Attachments); a.Conversation == "a:129:mod" && m != nil {
				path = m[1]
				return true
			}
		}
		return false
	})
	resp, err := http.Get("http://" + p.HTTPAddr() + path)
	if err != nil {
		t.Fatal(err)
	}
	csvReport, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || strings.Count(string(csvReport), "open,the herald app is not installed for them in Teams") != without {
		t.Fatalf("the report by link: %d\n%s", resp.StatusCode, csvReport)
	}
	// A bare "herald campaign new" answers with a button that opens the
	// form's dialog; its submit makes the draft.
	if code, err := fake.UserWrites(messages, "29:mod", "herald campaign new"); err != nil || code != 200 {
		t.Fatalf("campaign new: %d %v", code, err)
	}
	waitUntil(t, p, "the form's button", func() bool {
		for _, a := range fake.Activities() {
			if a.Conversation == "a:129:mod" && strings.Contains(a.Attachments, `"type":"task/fetch"`) && strings.Contains(a.Attachments, `"herald_form":"campaign"`) {
				return true
			}
		}
		return false
	})
	code, body, err := fake.Invoke(messages, "29:mod", "task/fetch", map[string]any{"msteams": map[string]string{"type": "task/fetch"}, "herald_form": "campaign"})
	if err != nil || code != 200 || !strings.Contains(body, `"type":"continue"`) || !strings.Contains(body, `"id":"name"`) || !strings.Contains(body, `"Input.ChoiceSet"`) {
		t.Fatalf("the dialog: %d %v %s", code, err, body)
	}
	code, body, err = fake.Invoke(messages, "29:mod", "task/submit", map[string]any{"herald_form": "campaign", "name": "By dialog", "text": "Hello {{first_name}} from the dialog",
		"list": "people", "platform": "teams", "schedule": ""})
	if err != nil || code != 200 || !strings.Contains(body, "Done.") {
		t.Fatalf("the submit: %d %v %s", code, err, body)
	}
	if out := run("campaigns"); !strings.Contains(out, "By dialog") {
		t.Fatalf("the campaign made by the dialog: %s", out)
	}
	// Someone who is not a moderator gets no campaign from a submit.
	fake.Invoke(messages, "29:user9", "task/submit", map[string]any{"herald_form": "campaign", "name": "Sneaky", "text": "x"})
	if out := run("campaigns"); strings.Contains(out, "Sneaky") {
		t.Fatalf("a participant made a campaign: %s", out)
	}
}
