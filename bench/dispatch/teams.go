package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/heraldchat/herald/adapters/teams"
	"github.com/heraldchat/herald/adapters/teams/teamsfake"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/engine"
)

// With -limit teams, the fake is teamsfake with its documented limits
// (50 requests a second per app, Teams' windows per conversation) and n
// users who installed the app, and herald's side is the real Teams
// adapter: every message to someone new is two requests, the
// conversation then the card, and the fake counts both.

// The app the fake and the engine child share.
const (
	teamsApp, teamsPassword, teamsTenant = "bench-app", "bench-password", "bench-tenant"
)

// teamsUser is recipient i's Teams user id.
func teamsUser(i int) string { return "29:" + chat(i) }

// serveTeamsFake runs teamsfake as the whole of a child process, with the
// endpoints fakeplatform.Remote reads: /fake/reset, /fake/stats (accepted
// counts the Bot Connector requests let through, first to last), and
// /fake/missing (users whose personal chat got no message).
func serveTeamsFake(n int, latency time.Duration) error {
	f, err := teamsfake.Start(teamsApp, teamsPassword, teamsTenant)
	if err != nil {
		return err
	}
	f.Latency = latency
	defer f.Close()
	for i := range n {
		f.AddUser(teamsfake.User{ID: teamsUser(i), AADID: fmt.Sprintf("aad-%d", i), Name: fmt.Sprintf("P%d", i), Installed: true})
	}
	var cpuReset atomic.Int64
	f.Handle("POST /fake/reset", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.Reset()
		cpuReset.Store(int64(cpuTime()))
		fmt.Fprint(w, `{"ok":true}`)
	}))
	f.Handle("GET /fake/stats", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reqs, first, last := f.Requests()
		per := map[string]int{}
		for _, a := range f.Activities() {
			if strings.HasPrefix(a.Conversation, "a:1") {
				per[a.Conversation]++
			}
		}
		dups := 0
		for _, k := range per {
			dups += k - 1
		}
		st := map[string]int64{"accepted": int64(reqs), "rejected_429": int64(f.Throttled()), "chats": int64(len(per)), "duplicates": int64(dups),
			"cpu_nanos": int64(cpuTime()) - cpuReset.Load()}
		if reqs > 0 {
			st["first_unix_nano"], st["last_unix_nano"] = first.UnixNano(), last.UnixNano()
		}
		json.NewEncoder(w).Encode(st)
	}))
	f.Handle("POST /fake/missing", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got := map[string]bool{}
		for _, a := range f.Activities() {
			got[a.Conversation] = true
		}
		missing := 0
		for line := range strings.Lines(string(body)) {
			if u := strings.TrimSpace(line); u != "" && !got["a:1"+u] {
				missing++
			}
		}
		fmt.Fprintf(w, `{"missing":%d}`, missing)
	}))
	if _, err := fmt.Println(f.URL()); err != nil {
		return err
	}
	io.Copy(io.Discard, os.Stdin)
	return nil
}

// teamsMessenger is the Teams adapter against the fake at url, taking
// its second request's token from budget.
func teamsMessenger(url string, budget *engine.Budget, clk clock.Clock) bot.Messenger {
	host := strings.TrimPrefix(url, "http://")
	return teams.New(teams.Config{AppID: teamsApp, AppPassword: teamsPassword, Tenant: teamsTenant,
		LoginURL: url, OpenIDURL: url + "/v1/.well-known/openidconfiguration", ServiceURL: url, ServiceHosts: []string{host},
		Budget: budget, Clock: clk, Client: &http.Client{Timeout: 30 * time.Second}})
}
