// Command dispatch measures the campaign engine against a fake platform on
// loopback, with durable state (bbolt, fsync on).
//
//	go run ./bench/dispatch -n 100000             # no limit: engine vs a bare HTTP loop
//	go run ./bench/dispatch -n 3000 -limit telegram  # the fake enforces Telegram's limits
//
// It prints one JSON line last.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldchat/herald/bench/internal/benchsetup"
	"github.com/heraldchat/herald/bench/internal/fakeplatform"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/store"
)

func main() {
	n := flag.Int("n", 100000, "recipients")
	limit := flag.String("limit", "", "enforce a platform's documented limits in the fake (telegram)")
	workers := flag.Int("workers", 128, "concurrent sends, for the engine and the bare loop alike")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the engine run here")
	nosync := flag.Bool("nosync", false, "diagnosis only: no fsync on commit (not durable)")
	flag.Parse()
	profile, noSync = *cpuprofile, *nosync
	if err := run(*n, *limit, *workers); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(n int, limit string, workers int) error {
	var fl fakeplatform.Limits
	switch limit {
	case "":
	case "telegram":
		fl = fakeplatform.Limits{PerSecond: 30, PerChat: time.Second}
	default:
		return fmt.Errorf("unknown -limit %q: use telegram", limit)
	}
	fake, err := fakeplatform.Start(fl)
	if err != nil {
		return err
	}
	defer fake.Close()
	client := fakeplatform.Client(workers)

	out := map[string]any{"recipients": n, "workers": workers}
	if limit == "" {
		raw, err := rawLoop(fake, client, n, workers)
		if err != nil {
			return err
		}
		out["raw_sends_per_sec"] = int(raw)
		fmt.Fprintf(os.Stderr, "bare HTTP loop: %.0f sends/s\n", raw)
		fake.Reset()
	}

	res, err := engineRun(fake, client, n, workers, limit)
	if err != nil {
		return err
	}
	st := fake.Stats()
	lost := 0
	for i := range n {
		if fake.Received(chat(i)) == 0 {
			lost++
		}
	}
	out["sent"], out["failed"], out["lost"], out["duplicates"] = res.counts.Sent, res.counts.Failed, lost, st.Duplicates
	// The committer: how many group commits, how many records each, how
	// long each, and the share of the run it was busy writing.
	out["group_commits"], out["records_per_commit"], out["commit_ms"] = res.commits, round(res.recordsPerCommit), round(res.commitMs)
	out["committer_busy"] = round(res.commitBusy / res.seconds)
	// seconds is the whole campaign, from the start command to done,
	// preparation included; sends_per_sec is the sending phase, first to
	// last message the platform accepted, as for the bare loop.
	sending := st.Last.Sub(st.First).Seconds()
	out["seconds"] = round(res.seconds)
	out["prepare_seconds"] = round(res.prepare)
	out["sends_per_sec"] = int(float64(st.Accepted-1) / sending)
	if raw, ok := out["raw_sends_per_sec"].(int); ok {
		out["ratio_to_raw"] = round(float64(st.Accepted-1) / sending / float64(raw))
	}
	if limit != "" {
		active := st.Last.Sub(st.First).Seconds()
		out["limit_per_sec"] = fl.PerSecond
		out["achieved_per_sec"] = round(float64(st.Accepted-1) / active)
		out["rejected_429"] = st.Rejected
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	return nil
}

var (
	profile string
	noSync  bool
)

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

func chat(i int) string { return fmt.Sprint(1000000 + i) }

// rawLoop sends n messages with the given concurrency and nothing else:
// the speed the fake and the loopback allow.
func rawLoop(fake *fakeplatform.Server, client *http.Client, n, workers int) (float64, error) {
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				code, _, err := fakeplatform.Post(context.Background(), client, fake.URL(), chat(i), "Hello")
				if err != nil || code != 200 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if f := failed.Load(); f > 0 {
		return 0, fmt.Errorf("the bare loop saw %d failures", f)
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

type result struct {
	counts                                 bot.SendingCounts
	seconds, prepare                       float64
	commits                                int
	recordsPerCommit, commitMs, commitBusy float64
}

// engineRun imports n recipients into a list, runs a campaign to them with
// the engine, and times it from the start command to done.
func engineRun(fake *fakeplatform.Server, client *http.Client, n, workers int, limit string) (result, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "herald-bench-dispatch-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	clock := bot.SystemClock()
	db, err := store.Open(filepath.Join(dir, "herald.db"), store.Options{NoSync: noSync})
	if err != nil {
		return result{}, err
	}
	defer db.Close()

	limits := map[bot.Platform]bot.Limits{bot.PlatformTelegram: {}}
	if limit == "telegram" {
		limits = nil // the engine's documented defaults
	}
	engine := &bot.Engine{
		Store: db, Clock: clock, Workers: workers, Limits: limits,
		Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: &fakeplatform.Messenger{Platform_: bot.PlatformTelegram, URL: fake.URL(), Client: client}},
	}
	var commits struct {
		sync.Mutex
		n, records int
		took       time.Duration
	}
	engine.Committed = func(records int, took time.Duration) {
		commits.Lock()
		commits.n++
		commits.records += records
		commits.took += took
		commits.Unlock()
	}
	svc := &bot.CampaignService{Store: db, Engine: engine, Clock: clock}
	id, err := benchsetup.Campaign(ctx, db, svc, "bench", n, chat)
	if err != nil {
		return result{}, err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	stopped := make(chan error, 1)
	go func() { stopped <- engine.Run(runCtx) }()
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return result{}, err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	if _, err := svc.Start(ctx, id, bot.Actor{}); err != nil {
		stop()
		return result{}, err
	}
	// Poll for the end: cheaper than a callback per group commit.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	lastReport := time.Now()
	for range tick.C {
		cur, err := db.Campaign(ctx, id)
		if err != nil {
			return result{}, err
		}
		if cur.State == bot.CampaignDone {
			break
		}
		if time.Since(lastReport) > 5*time.Second {
			lastReport = time.Now()
			cs, _ := db.SendingCounts(ctx, id)
			fmt.Fprintf(os.Stderr, "engine: %d sent, %d failed, %d to go\n", cs.Sent, cs.Failed, cs.Total-cs.Sent-cs.Failed-cs.Skipped)
		}
	}
	elapsed := time.Since(start).Seconds()
	stop()
	if err := <-stopped; err != nil {
		return result{}, err
	}
	counts, err := db.SendingCounts(ctx, id)
	if err != nil {
		return result{}, err
	}
	final, err := db.Campaign(ctx, id)
	if err != nil {
		return result{}, err
	}
	prep := final.StartedAt.Sub(start).Seconds()
	fmt.Fprintf(os.Stderr, "engine: %d sent, %d failed in %.2fs (%.2fs preparing)\n", counts.Sent, counts.Failed, elapsed, prep)
	commits.Lock()
	defer commits.Unlock()
	r := result{counts: counts, seconds: elapsed, prepare: prep, commits: commits.n, commitBusy: commits.took.Seconds()}
	if commits.n > 0 {
		r.recordsPerCommit = float64(commits.records) / float64(commits.n)
		r.commitMs = commits.took.Seconds() * 1000 / float64(commits.n)
	}
	return r, nil
}
