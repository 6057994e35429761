// Command recipes measures automation recipes: what evaluating them adds
// to each participant's message, and how fast signed webhook deliveries
// go out — and that none is lost or answered twice when the receiver
// fails half its calls for a while.
//
//	go run ./bench/recipes
//
// Evaluation: -recipes enabled recipes (0: none, the baseline) on "new
// message", each with a condition (about one message in twenty matches one, which then tags the
// conversation); -messages participant messages from -participants
// people go through herald's inbound path (threads.Receive: durable
// before it returns) at -rate a second. eval_p99_ms is, per message, from
// Receive returning (the message durable) to the recipes' decisions on
// it recorded: nil for a message decided whole in its own write (its
// runs written with it, no recipe left to the planner: none with
// business hours, none the loop guard stopped), else until the runner's
// planner passed its event;
// intake_p99_ms is Receive's own latency (with -recipes 0 the baseline);
// decide_p99_ms the time deciding takes inside the intake's write (what
// it adds to a message's latency);
// eval_us_per_message the runner's CPU time per message (the process's
// CPU while only the runner works, after intake).
//
// Webhooks: -deliveries deliveries queued durably, sent by engine.Webhooks
// to a loopback receiver that verifies each signature with the Standard
// Webhooks reference library; webhooks_per_sec counts them delivered
// (settled in the store) per second. Then the same again with the
// receiver failing half its calls for -fail (then recovering), the retry
// schedule compressed by -scale: lost counts deliveries never answered
// 2xx, duplicates webhook-ids answered 2xx twice.
//
// The last line printed is one JSON object.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/recipes"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/bot/webhooks"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/exprfilter"
	"github.com/heraldchat/herald/store"
	"github.com/heraldchat/herald/webhook"
)

type options struct {
	recipes, messages, participants, rate, deliveries, workers int
	fail                                                       time.Duration
	scale                                                      float64
	cpuprofile                                                 string
}

func main() {
	var o options
	flag.IntVar(&o.recipes, "recipes", 100, "enabled recipes with conditions")
	flag.IntVar(&o.messages, "messages", 50000, "participant messages replayed")
	flag.IntVar(&o.participants, "participants", 2000, "participants writing")
	flag.IntVar(&o.rate, "rate", 10000, "messages a second")
	flag.IntVar(&o.deliveries, "deliveries", 20000, "webhook deliveries in each webhook phase")
	flag.IntVar(&o.workers, "workers", 64, "webhook deliveries in flight")
	flag.DurationVar(&o.fail, "fail", time.Minute, "how long the receiver fails half its calls in the failing phase")
	flag.Float64Var(&o.scale, "scale", 60, "the retry schedule runs this many times faster in the failing phase")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the evaluation replay here")
	flag.Parse()
	out := map[string]any{}
	if err := evaluate(o, out); err != nil {
		log.Fatal(err)
	}
	if err := deliver(o, out); err != nil {
		log.Fatal(err)
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}

func openDB(dir string) (*store.DB, error) {
	return store.Open(filepath.Join(dir, "herald.db"), store.Options{})
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// evaluate replays messages through the inbound path with the recipes on.
func evaluate(o options, out map[string]any) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "herald-recipes")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := openDB(dir)
	if err != nil {
		return err
	}
	defer db.Close()
	clk := clock.System()
	chat := bottest.NewMessenger(bot.PlatformWeb)
	th := &threads.Service{Store: db, Contacts: &contacts.Service{Store: db, Clock: clk}, Clock: clk,
		Messengers: map[bot.Platform]bot.Messenger{bot.PlatformWeb: chat}, Moderators: bottest.NewMessenger(bot.PlatformSlack),
		Channel: bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}}
	run := &recipes.Runner{Store: db, Conversations: th, Compiler: exprfilter.Compiler{}, Clock: clk, Poll: time.Second}
	svc := &recipes.Service{Store: db, Compiler: exprfilter.Compiler{}, Clock: clk, Changed: run.Changed}
	mod := bot.Actor{Name: "bench"}
	for i := range o.recipes {
		rc, err := svc.Create(ctx, "r"+strconv.Itoa(i), mod)
		if err != nil {
			return err
		}
		// Word i of 2,000 matches about one message in twenty across
		// 100 recipes; every recipe also tests the platform and a tag.
		expr := fmt.Sprintf(`lower(message) contains " word%d " && platform == "web" && !("seen%d" in tags)`, i, i)
		if i%10 == 0 {
			expr = fmt.Sprintf(`message matches "(?i)^word%d\\b" || num(contact["score"]) > 1000`, i)
		}
		if _, err := svc.SetTrigger(ctx, rc.ID, recipes.Trigger{Kind: recipes.TriggerNewMessage}, mod); err != nil {
			return err
		}
		if _, err := svc.SetCondition(ctx, rc.ID, expr, expr, mod); err != nil {
			return err
		}
		if _, err := svc.SetActions(ctx, rc.ID, []recipes.Action{{Kind: recipes.RecipeTagAdd, Tag: "seen" + strconv.Itoa(i)}}, mod); err != nil {
			return err
		}
		if _, err := svc.Enable(ctx, rc.ID, mod); err != nil {
			return err
		}
	}
	// The latency of each message: from durable to planned.
	var mu sync.Mutex
	type mark struct {
		seq uint64
		at  time.Time
	}
	var waiting []mark
	var lat, intakeLat []time.Duration
	var runs atomic.Int64
	var planned atomic.Uint64
	run.Planned = func(cursor uint64, n int) {
		now := time.Now()
		runs.Add(int64(n))
		planned.Store(cursor)
		mu.Lock()
		kept := waiting[:0] // in the order Receive returned, not by Seq: every one is checked
		for _, m := range waiting {
			if m.seq <= cursor {
				lat = append(lat, now.Sub(m.at))
			} else {
				kept = append(kept, m)
			}
		}
		waiting = kept
		mu.Unlock()
	}
	th.Recorded = run.Wake
	// Events decided whole with the message, in its own write: their
	// latency from durable to recorded is nil.
	var inline sync.Map
	var decideLat []time.Duration // Decide's own time, inside the intake's write: what deciding there adds
	th.Decide = func(c *bot.Conversation, ct *bot.Contact, evs []*bot.Event) ([]*bot.RecipeRun, func()) {
		began := time.Now()
		runs, written := run.Decide(c, ct, evs)
		d := time.Since(began)
		mu.Lock()
		decideLat = append(decideLat, d)
		mu.Unlock()
		return runs, written
	}
	run.Settled = func(seqs []uint64) {
		for _, s := range seqs {
			inline.Store(s, true)
		}
	}
	go run.Run(ctx)

	start := time.Now()
	var sent atomic.Int64
	senders := 64
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(max(1, o.rate))
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(s), 1))
			for {
				i := sent.Add(1) - 1
				if i >= int64(o.messages) {
					return
				}
				if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
					time.Sleep(d)
				}
				who := bot.Address{Platform: bot.PlatformWeb, ID: "p" + strconv.Itoa(r.IntN(o.participants))}
				text := "hello, about word" + strconv.Itoa(r.IntN(2000)) + " and the rest"
				began := time.Now()
				c, err := th.Receive(ctx, threads.Incoming{From: who, Name: "P", Message: bot.Message{Text: text}})
				if err != nil {
					log.Printf("receive: %v", err)
					continue
				}
				durable := time.Now()
				mu.Lock()
				intakeLat = append(intakeLat, durable.Sub(began))
				mu.Unlock()
				// Its event: the conversation's last message received
				// (one writer per participant at a time is not assured,
				// so a later message of theirs may be taken: the latency
				// is then overstated, never understated).
				evs, _ := db.ConversationEvents(ctx, c.ID, 0, 0)
				var seq uint64
				for _, e := range evs {
					if e.Type == bot.EventMessageReceived && e.Text == text {
						seq = e.Seq
					}
				}
				mu.Lock()
				if _, ok := inline.Load(seq); ok {
					lat = append(lat, 0) // decided in the message's own write
				} else {
					waiting = append(waiting, mark{seq, durable})
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	intake := time.Since(start)
	last, _ := db.LastEventSeq(ctx)
	for o.recipes > 0 && planned.Load() < last {
		time.Sleep(time.Millisecond)
	}
	drain := time.Since(start) - intake
	mu.Lock()
	pct := func(ds []time.Duration) func(float64) float64 {
		sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
		return func(q float64) float64 {
			if len(ds) == 0 {
				return 0
			}
			return float64(ds[min(len(ds)-1, int(q*float64(len(ds))))].Microseconds()) / 1000
		}
	}
	p, ip, dp := pct(lat), pct(intakeLat), pct(decideLat)
	out["decide_p50_ms"], out["decide_p99_ms"] = dp(0.5), dp(0.99)
	out["intake_p50_ms"], out["intake_p99_ms"] = ip(0.5), ip(0.99)
	out["recipes"], out["messages"] = o.recipes, o.messages
	out["intake_per_sec"] = int(float64(o.messages) / intake.Seconds())
	out["eval_p50_ms"], out["eval_p99_ms"], out["eval_max_ms"] = p(0.5), p(0.99), p(1)
	out["measured"] = len(lat)
	out["runs_planned"] = runs.Load()
	out["drain_after_intake_ms"] = drain.Milliseconds()
	mu.Unlock()
	// The runner's own cost: replay the whole log once more through a
	// fresh runner, nothing else running.
	cancel()
	time.Sleep(50 * time.Millisecond)
	db2 := db
	fresh := &recipes.Runner{Store: noPlanStore{db2}, Conversations: th, Compiler: exprfilter.Compiler{}, Clock: clk}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	c0, t0 := cpu(), time.Now()
	if err := fresh.Step(context.Background()); err != nil {
		return err
	}
	out["eval_us_per_message"] = float64((cpu() - c0).Microseconds()) / float64(o.messages)
	out["eval_replay_seconds"] = time.Since(t0).Seconds()
	return nil
}

// noPlanStore is the store with a cursor at 0 and planning that records
// nothing: a replay of the event log through the planner that measures
// reading, matching and conditions, not writes.
type noPlanStore struct{ *store.DB }

func (noPlanStore) RecipeCursor(context.Context) (uint64, error) { return 0, nil }
func (noPlanStore) PlanRecipeRuns(context.Context, uint64, []*bot.RecipeRun, []*bot.Event) error {
	return nil
}
func (noPlanStore) DueRecipeRuns(context.Context, time.Time, int) ([]*bot.RecipeRun, error) {
	return nil, nil
}

// receiver verifies and answers deliveries, failing half of them while
// failing is set.
type receiver struct {
	ref     *standardwebhooks.Webhook
	failing atomic.Bool
	mu      sync.Mutex
	ok      map[string]int
	bad     atomic.Int64
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	if err := r.ref.VerifyIgnoringTimestamp(body, req.Header); err != nil {
		r.bad.Add(1)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.failing.Load() && rand.IntN(2) == 0 {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	r.mu.Lock()
	r.ok[req.Header.Get("webhook-id")]++
	r.mu.Unlock()
}

// deliver measures webhook deliveries, then the failing receiver.
func deliver(o options, out map[string]any) error {
	for _, phase := range []string{"steady", "failing"} {
		res, err := deliverPhase(o, phase == "failing")
		if err != nil {
			return err
		}
		for k, v := range res {
			if phase == "steady" {
				out[k] = v
			} else {
				out["failing_"+k] = v
			}
		}
	}
	out["lost"], out["duplicates"] = out["failing_lost"].(int), out["failing_duplicates"].(int)+out["steady_duplicates"].(int)
	delete(out, "failing_lost")
	return nil
}

func deliverPhase(o options, failing bool) (map[string]any, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "herald-webhooks")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := openDB(dir)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	secret, _ := webhook.NewSecret()
	ref, _ := standardwebhooks.NewWebhook(secret)
	rc := &receiver{ref: ref, ok: map[string]int{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	if err := db.PutWebhook(ctx, &webhooks.Webhook{Name: "sink", URL: srv.URL + "/hook", Method: "POST", ContentType: "json"}); err != nil {
		return nil, err
	}
	if err := db.SetWebhookSecrets(ctx, "sink", secret, ""); err != nil {
		return nil, err
	}
	body := []byte(`{"type":"recipe.bench","timestamp":"2026-12-01T09:00:00Z","data":{"conversation":{"id":1,"status":"open"},"message":{"text":"hello"}}}`)
	for i := 0; i < o.deliveries; i += 1000 {
		var ds []*webhooks.Delivery
		for j := i; j < min(o.deliveries, i+1000); j++ {
			ds = append(ds, &webhooks.Delivery{MsgID: "msg_" + strconv.Itoa(j), Webhook: "sink", Body: body})
		}
		if err := db.EnqueueWebhooks(ctx, ds); err != nil {
			return nil, err
		}
	}
	schedule := engine.DefaultWebhookSchedule
	if failing {
		schedule = make([]time.Duration, len(engine.DefaultWebhookSchedule))
		for i, d := range engine.DefaultWebhookSchedule {
			schedule[i] = time.Duration(float64(d) / o.scale)
		}
		rc.failing.Store(true)
		time.AfterFunc(o.fail, func() { rc.failing.Store(false) })
	}
	h := &engine.Webhooks{Store: db, Poster: &webhook.Poster{AllowHTTP: true, AllowPrivate: true}, Clock: clock.System(),
		Workers: o.workers, Schedule: schedule, Poll: 50 * time.Millisecond}
	start := time.Now()
	go h.Run(ctx)
	deadline := start.Add(o.fail + time.Duration(float64(31*time.Hour)/o.scale) + 5*time.Minute)
	for {
		next, _ := db.NextWebhook(ctx)
		if next.IsZero() || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	took := time.Since(start)
	cancel()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	lost, dups := 0, 0
	for i := range o.deliveries {
		switch n := rc.ok["msg_"+strconv.Itoa(i)]; {
		case n == 0:
			lost++
		case n > 1:
			dups += n - 1
		}
	}
	res := map[string]any{"deliveries": o.deliveries, "seconds": took.Seconds(), "lost": lost, "bad_signatures": int(rc.bad.Load())}
	if failing {
		res["duplicates"] = dups
	} else {
		res["webhooks_per_sec"] = int(float64(o.deliveries) / took.Seconds())
		res["steady_duplicates"] = dups
		res["steady_lost"] = lost
		delete(res, "lost")
	}
	return res, nil
}
