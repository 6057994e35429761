// Command nudges measures nudges at scale: events posted to the event API
// with a nudge waiting on them, the sendings they schedule, a restart
// with all of them waiting, and a burst of them due at once.
//
//	go run ./bench/nudges -contacts 1000000
//
// The run, with durable state (bbolt, fsync on):
//
//  1. Setup (not timed): a fresh database with -contacts contacts, each
//     reachable on the fake platform, an API token, and one nudge: 30
//     minutes after "signed_up".
//  2. Ingest: herald's side serves the event API on loopback and runs the
//     engine; the parent posts one "signed_up" per contact, in batches of
//     1,000 (each event with its own idempotency id) from -posters
//     connections. events_per_sec counts events answered 202, which
//     herald gives only after the commit. The -fire first contacts' events
//     say they occurred at the bench's start, the rest four minutes later
//     (the API takes up to five minutes ahead), so that the first -fire
//     sendings fall due four minutes before the others. herald's side
//     reports when every event has its sending (schedule_seconds, from the
//     first post), then is killed (SIGKILL).
//  3. Restart: a new process opens the same file with its clock set to
//     the first group's due time, so that -fire sendings are due at once
//     while the others wait (1,000,000 in the store, as the issue asks).
//     ready_seconds runs from the moment the parent starts that process
//     to the first message the fake accepts (wall clocks of one machine).
//     Lateness is each fired sending's SentAt minus its due time (herald's
//     clock); the fake takes -rate messages a second (0: no limit), and
//     beyond_limit_* subtracts what that rate imposes on the k-th message
//     (k / rate).
//
// Memory: peak_anon_mb is the largest RssAnon sampled (every 50 ms) in
// herald's processes, ingest and restart (bbolt's mapped file pages do not
// count); peak_rss_mb their VmHWM (they do).
//
// Processes: the command directs. It re-executes itself (os.Args[0]) as
// -mode fake (the fake platform, one child for the run) and -mode herald
// -phase setup|ingest|fire (herald's side, a child per phase). Children
// write one JSON object on stdout; they log on stderr. The last stdout
// line of the command is one JSON object.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/heraldchat/herald/adapters/api"
	"github.com/heraldchat/herald/bench/internal/child"
	"github.com/heraldchat/herald/bench/internal/fakeplatform"
	"github.com/heraldchat/herald/bench/internal/procmem"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/apitokens"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/events"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/gctune"
	"github.com/heraldchat/herald/store"
)

// options are the flags the parent passes on to its children.
type options struct {
	contacts, fire, posters, rate, workers int
	db, url                                string
	start, due                             int64 // Unix nanoseconds
}

const (
	delay     = 30 * time.Minute
	ahead     = 4 * time.Minute // the second group's events, after the first's
	batchSize = 1000
)

func main() {
	var o options
	flag.IntVar(&o.contacts, "contacts", 1000000, "contacts, one event each")
	flag.IntVar(&o.fire, "fire", 100000, "sendings due at once after the restart")
	flag.IntVar(&o.posters, "posters", 4, "connections posting events at once")
	flag.IntVar(&o.rate, "rate", 0, "messages a second the fake platform takes (0: no limit)")
	flag.IntVar(&o.workers, "workers", 128, "herald's concurrent sends")
	mode := flag.String("mode", "", "internal: what a child process runs (fake, herald)")
	phase := flag.String("phase", "", "internal: herald's phase (setup, ingest, fire)")
	flag.StringVar(&o.db, "db", "", "internal: the database file")
	flag.StringVar(&o.url, "url", "", "internal: the fake platform's URL")
	flag.Int64Var(&o.start, "start", 0, "internal: when the run started, Unix nanoseconds")
	flag.Int64Var(&o.due, "due", 0, "internal: the first group's due time, Unix nanoseconds")
	flag.Parse()
	var err error
	switch *mode {
	case "":
		err = parent(o)
	case "fake":
		err = fakeplatform.ServeChild(fakeplatform.Limits{PerSecond: o.rate})
	case "herald":
		err = heraldChild(*phase, o)
	default:
		err = fmt.Errorf("unknown -mode %q", *mode)
	}
	if err != nil {
		if *mode != "" {
			err = fmt.Errorf("%s %s child: %w", *mode, *phase, err)
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func chat(i int) string { return strconv.Itoa(1000000 + i) }

// childArgs are the flags of a herald child.
func childArgs(phase string, o options) []string {
	return []string{"-mode", "herald", "-phase", phase, "-db", o.db, "-url", o.url,
		"-contacts", strconv.Itoa(o.contacts), "-fire", strconv.Itoa(o.fire), "-rate", strconv.Itoa(o.rate),
		"-workers", strconv.Itoa(o.workers), "-start", strconv.FormatInt(o.start, 10), "-due", strconv.FormatInt(o.due, 10)}
}

// parent runs the phases and prints the result.
func parent(o options) error {
	if o.fire > o.contacts {
		o.fire = o.contacts
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, "-mode", "fake", "-rate", strconv.Itoa(o.rate))
	cmd.Stderr = os.Stderr
	fake, err := fakeplatform.StartChild(cmd)
	if err != nil {
		return err
	}
	defer fake.Close()
	dir, err := os.MkdirTemp("", "herald-bench-nudges-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	o.db, o.url, o.start = filepath.Join(dir, "herald.db"), fake.URL(), start.UnixNano()
	o.due = start.Add(delay).UnixNano()

	var setup setupResult
	if err := child.Run(self, &setup, childArgs("setup", o)...); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "setup: %d contacts in %.1fs\n", o.contacts, setup.Seconds)

	ingest, err := runIngest(self, o, setup.Token)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "ingest: %d events at %.0f/s, all scheduled after %.1fs\n", o.contacts, ingest.perSec, ingest.scheduled)

	if err := fake.Reset(); err != nil {
		return err
	}
	var fire fireResult
	began := time.Now()
	if err := child.Run(self, &fire, childArgs("fire", o)...); err != nil {
		return err
	}
	st, err := fake.Stats()
	if err != nil {
		return err
	}
	ready := st.First.Sub(began).Seconds()
	out := map[string]any{
		"contacts": o.contacts, "fire": o.fire, "rate": o.rate,
		"events_per_sec":           round(ingest.perSec),
		"ingest_seconds":           round(ingest.seconds),
		"schedule_seconds":         round(ingest.scheduled),
		"scheduled":                ingest.Sendings,
		"waiting_at_restart":       fire.Waiting,
		"ready_seconds":            round(ready),
		"fired":                    fire.Sent,
		"accepted":                 st.Accepted,
		"duplicates":               st.Duplicates,
		"rejected_429":             st.Rejected,
		"lateness_p50_seconds":     round(fire.LatenessP50),
		"lateness_p99_seconds":     round(fire.LatenessP99),
		"beyond_limit_p99_seconds": round(fire.BeyondP99),
		"peak_anon_mb":             round(max(ingest.PeakAnonMB, fire.PeakAnonMB)),
		"peak_rss_mb":              round(max(ingest.PeakRSSMB, fire.PeakRSSMB)),
		"ingest_peak_anon_mb":      round(ingest.PeakAnonMB),
		"restart_peak_anon_mb":     round(fire.PeakAnonMB),
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	return nil
}

// ingestRun is what the parent measures of the ingest phase.
type ingestRun struct {
	ingestResult
	perSec, seconds, scheduled float64
}

// runIngest starts herald's ingest child, posts every event to it, waits
// for it to report that every sending is scheduled, and kills it.
func runIngest(self string, o options, token string) (ingestRun, error) {
	var run ingestRun
	cmd := exec.Command(self, childArgs("ingest", o)...)
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return run, err
	}
	if err := cmd.Start(); err != nil {
		return run, err
	}
	defer cmd.Process.Kill()
	lines := bufio.NewReader(stdout)
	addr, err := lines.ReadString('\n')
	if err != nil {
		return run, fmt.Errorf("the ingest child did not start: %v", err)
	}
	base := "http://" + strings.TrimSpace(addr)

	began := time.Now()
	if err := postEvents(base, token, o); err != nil {
		return run, err
	}
	run.seconds = time.Since(began).Seconds()
	run.perSec = float64(o.contacts) / run.seconds

	line, err := lines.ReadString('\n')
	if err != nil {
		return run, fmt.Errorf("the ingest child stopped before reporting: %v", err)
	}
	if err := json.Unmarshal([]byte(line), &run.ingestResult); err != nil {
		return run, err
	}
	run.scheduled = time.Unix(0, run.DoneUnixNano).Sub(began).Seconds()
	cmd.Process.Signal(syscall.SIGKILL) // a crash, not a stop
	cmd.Wait()
	return run, nil
}

// postEvents posts one signed_up per contact, in batches, from o.posters
// connections; every batch must be answered 202.
func postEvents(base, token string, o options) error {
	first := time.Unix(0, o.start).UTC()
	batches := make(chan int)
	var failed atomic.Value
	var wg sync.WaitGroup
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.posters}}
	for range o.posters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for from := range batches {
				buf.Reset()
				buf.WriteByte('[')
				for i := from; i < min(from+batchSize, o.contacts); i++ {
					at := first
					if i >= o.fire {
						at = first.Add(ahead)
					}
					if i > from {
						buf.WriteByte(',')
					}
					fmt.Fprintf(&buf, `{"id":"e%d","type":"signed_up","contact":"telegram:%s","occurred_at":%q,"attributes":{"course":"go101"}}`, i, chat(i), at.Format(time.RFC3339Nano))
				}
				buf.WriteByte(']')
				req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/events", bytes.NewReader(buf.Bytes()))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					failed.Store(err)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusAccepted {
					failed.Store(fmt.Errorf("batch at %d: %d %s", from, resp.StatusCode, body))
				}
			}
		}()
	}
	for from := 0; from < o.contacts; from += batchSize {
		batches <- from
	}
	close(batches)
	wg.Wait()
	if err, ok := failed.Load().(error); ok {
		return err
	}
	return nil
}

func round(f float64) float64 { return float64(int64(f*1000+0.5)) / 1000 }

// setupResult is what the setup child reports.
type setupResult struct {
	Token   string  `json:"token"`
	Seconds float64 `json:"seconds"`
}

// ingestResult is what the ingest child reports once every event has its
// sending.
type ingestResult struct {
	Sendings int `json:"sendings"`
	// DoneUnixNano is when the last sending was found scheduled.
	DoneUnixNano int64   `json:"done_unix_nano"`
	PeakAnonMB   float64 `json:"peak_anon_mb"`
	PeakRSSMB    float64 `json:"peak_rss_mb"`
}

// fireResult is what the restarted child reports once the first group is
// sent.
type fireResult struct {
	Waiting     int     `json:"waiting"`
	Sent        int     `json:"sent"`
	LatenessP50 float64 `json:"lateness_p50_seconds"`
	LatenessP99 float64 `json:"lateness_p99_seconds"`
	BeyondP99   float64 `json:"beyond_limit_p99_seconds"`
	PeakAnonMB  float64 `json:"peak_anon_mb"`
	PeakRSSMB   float64 `json:"peak_rss_mb"`
}

// heraldChild runs one phase of herald's side.
func heraldChild(phase string, o options) error {
	gctune.Apply() // as herald's main does
	switch phase {
	case "setup":
		return setup(o)
	case "ingest":
		return ingest(o)
	case "fire":
		return fire(o)
	}
	return fmt.Errorf("unknown -phase %q", phase)
}

// offsetClock is the real clock moved by a fixed offset: the restarted
// process lives at the first group's due time.
type offsetClock struct {
	clock.Clock
	d time.Duration
}

func (c offsetClock) Now() time.Time { return c.Clock.Now().Add(c.d) }

// setup writes the contacts, a token and the nudge (no fsync: it is not
// measured).
func setup(o options) error {
	ctx := context.Background()
	began := time.Now()
	clock := clock.System()
	db, err := store.Open(o.db, store.Options{NoSync: true})
	if err != nil {
		return err
	}
	defer db.Close()
	batch := make([]*bot.Contact, 0, 10000)
	for i := range o.contacts {
		batch = append(batch, &bot.Contact{Name: "P" + strconv.Itoa(i), Addresses: []bot.ContactAddress{{Address: bot.Address{Platform: bot.PlatformTelegram, ID: chat(i)}, Reach: bot.ReachReachable}}})
		if len(batch) == cap(batch) || i == o.contacts-1 {
			if err := db.CreateContacts(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	tok, hash, err := apitokens.New()
	if err != nil {
		return err
	}
	if err := db.CreateAPIToken(ctx, &apitokens.Token{Name: "bench", Hash: hash}); err != nil {
		return err
	}
	svc := &campaigns.Service{Store: db, Dispatcher: noDispatch{}, Clock: clock}
	c, err := svc.CreateNudge(ctx, "bench", bot.Actor{})
	if err != nil {
		return err
	}
	if _, err := svc.SetNudge(ctx, c.ID, bot.Nudge{Trigger: "signed_up", Delay: bot.Delay{N: int(delay / time.Minute), Unit: bot.DelayMinute}}, bot.Actor{}); err != nil {
		return err
	}
	if _, err := svc.SetMessage(ctx, c.ID, bot.Message{Text: "How is {{event.course}} going, {{name}}?"}, bot.Actor{}); err != nil {
		return err
	}
	if _, err := svc.Start(ctx, c.ID, bot.Actor{}); err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(setupResult{Token: tok, Seconds: time.Since(began).Seconds()})
}

// noDispatch stands for the engine while nothing runs.
type noDispatch struct{}

func (noDispatch) Notify(bot.CampaignID)         {}
func (noDispatch) Connected(p bot.Platform) bool { return true }
func (noDispatch) Try(context.Context, *bot.Campaign, bot.Address, map[string]string) (*bot.TryResult, error) {
	return nil, bot.Errorf(bot.EUNAVAILABLE, "not here")
}

// herald is the engine and event API of a herald child.
type herald struct {
	db   *store.DB
	eng  *engine.Engine
	stop func()
}

// startHerald opens the database and runs the engine against the fake,
// paced at o.rate when set.
func startHerald(o options, clock clock.Clock) (*herald, error) {
	db, err := store.Open(o.db, store.Options{Clock: clock})
	if err != nil {
		return nil, err
	}
	limits := map[bot.Platform]bot.Limits{bot.PlatformTelegram: {}}
	if o.rate > 0 {
		limits[bot.PlatformTelegram] = bot.Limits{PerSecond: float64(o.rate)}
	}
	eng := &engine.Engine{
		Store: db, Clock: clock, Workers: o.workers, Limits: limits,
		Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: &fakeplatform.Messenger{Platform_: bot.PlatformTelegram, URL: o.url, Client: fakeplatform.Client(o.workers)}},
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := eng.Run(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "engine:", err)
		}
	}()
	return &herald{db: db, eng: eng, stop: func() { cancel(); <-done; db.Close() }}, nil
}

// ingest serves the event API until every event has its sending, reports,
// and waits to be killed.
func ingest(o options) error {
	mem := procmem.Start()
	h, err := startHerald(o, clock.System())
	if err != nil {
		return err
	}
	clock := clock.System()
	svc := &events.Service{Store: h.db, Contacts: &contacts.Service{Store: h.db, Clock: clock}, Clock: clock, Notify: h.eng.EventsRecorded}
	a := api.New(api.Config{Events: svc, Tokens: h.db, PerSecond: 1e6, Burst: 1e6})
	mux := http.NewServeMux()
	a.Routes(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go http.Serve(ln, mux)
	fmt.Println(ln.Addr().String())

	ctx := context.Background()
	cs, err := h.db.Campaigns(ctx, bot.CampaignFilter{})
	if err != nil || len(cs) != 1 {
		return fmt.Errorf("the nudge: %v", err)
	}
	id := cs[0].ID
	for {
		n, err := h.db.SendingCounts(ctx, id)
		if err != nil {
			return err
		}
		if n.Total >= o.contacts {
			anon, _ := mem.Stop()
			hwm, _ := procmem.Status("VmHWM")
			res := ingestResult{Sendings: n.Total, DoneUnixNano: time.Now().UnixNano(), PeakAnonMB: procmem.MB(anon), PeakRSSMB: procmem.MB(hwm)}
			if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
				return err
			}
			select {} // killed by the parent
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fire restarts herald at the first group's due time and reports once it
// is sent.
func fire(o options) error {
	mem := procmem.Start()
	real := clock.System()
	clock := offsetClock{real, time.Unix(0, o.due).Sub(real.Now())}
	h, err := startHerald(o, clock)
	if err != nil {
		return err
	}
	defer h.stop()
	ctx := context.Background()
	cs, err := h.db.Campaigns(ctx, bot.CampaignFilter{})
	if err != nil || len(cs) != 1 {
		return fmt.Errorf("the nudge: %v", err)
	}
	id := cs[0].ID
	n0, err := h.db.SendingCounts(ctx, id)
	if err != nil {
		return err
	}
	last := time.Now()
	for {
		n, err := h.db.SendingCounts(ctx, id)
		if err != nil {
			return err
		}
		if n.Sent+n.Failed+n.Skipped >= o.fire {
			break
		}
		if time.Since(last) > 5*time.Second {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "restart: %+v\n", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	anon, _ := mem.Stop()
	hwm, _ := procmem.Status("VmHWM")
	res := fireResult{Waiting: n0.Pending + n0.Scheduled + n0.InFlight, PeakAnonMB: procmem.MB(anon), PeakRSSMB: procmem.MB(hwm)}
	var late []float64
	for after := bot.SendingID(0); ; {
		page, err := h.db.Sendings(ctx, id, after, 10000)
		if err != nil {
			return err
		}
		if len(page) == 0 {
			break
		}
		for _, s := range page {
			if s.State == bot.SendingSent && !s.PlannedAt.After(time.Unix(0, o.due)) {
				late = append(late, s.SentAt.Sub(s.PlannedAt).Seconds())
			}
		}
		after = page[len(page)-1].ID
	}
	sort.Float64s(late)
	res.Sent = len(late)
	if len(late) > 0 {
		res.LatenessP50, res.LatenessP99 = late[len(late)/2], late[len(late)*99/100]
		beyond := make([]float64, len(late))
		for k, l := range late {
			beyond[k] = l
			if o.rate > 0 {
				beyond[k] = l - float64(k)/float64(o.rate)
			}
		}
		sort.Float64s(beyond)
		res.BeyondP99 = beyond[len(beyond)*99/100]
	}
	return json.NewEncoder(os.Stdout).Encode(res)
}
