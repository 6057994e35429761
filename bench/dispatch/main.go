// Command dispatch measures the campaign engine against a fake platform on
// loopback, with durable state (bbolt, fsync on).
//
//	go run ./bench/dispatch -n 100000             # no limit: engine vs a bare HTTP loop, 5 runs
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
	"runtime"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/heraldchat/herald/bench/internal/benchsetup"
	"github.com/heraldchat/herald/bench/internal/fakeplatform"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/store"
)

func main() {
	n := flag.Int("n", 100000, "recipients")
	limit := flag.String("limit", "", "enforce a platform's documented limits in the fake (telegram)")
	runs := flag.Int("runs", 0, "bare loop + engine pairs, the median printed (0: 5 without -limit, 1 with)")
	workers := flag.Int("workers", 128, "concurrent sends, for the engine and the bare loop alike")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the runs here (samples labelled phase=raw or phase=engine, the fake's unlabelled)")
	traceFile := flag.String("trace", "", "write an execution trace of the engine run here")
	memprofile := flag.String("memprofile", "", "write an allocation profile of the whole run here")
	nosync := flag.Bool("nosync", false, "diagnosis only: no fsync on commit (not durable)")
	noop := flag.Bool("noop", false, "diagnosis only: the engine sends to a messenger that does nothing (its own cost per message)")
	flag.Parse()
	noSync, noopSend, tracePath = *nosync, *noop, *traceFile
	if *memprofile != "" {
		runtime.MemProfileRate = 4096
	}
	if *runs <= 0 {
		*runs = 5
		if *limit != "" {
			*runs = 1 // a paced run measures the limit, not the machine
		}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
	}
	err := run(*n, *limit, *workers, *runs)
	pprof.StopCPUProfile()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if *memprofile != "" {
		f, err := os.Create(*memprofile)
		if err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
}

func run(n int, limit string, workers, runs int) error {
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

	// Each run is a bare loop then the engine, back to back, so that both
	// meet the same machine; the ratio is taken per run and the median of
	// the runs is printed (worst for lost, duplicates, failed and 429s).
	var all []map[string]float64
	for r := range runs {
		m, err := runOnce(fake, client, n, workers, limit, fl)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "run %d: %v\n", r+1, m)
		all = append(all, m)
	}
	out := map[string]any{"recipients": n, "workers": workers, "runs": runs}
	for k := range all[0] {
		vals := make([]float64, len(all))
		for i, m := range all {
			vals[i] = m[k]
		}
		sort.Float64s(vals)
		v := vals[len(vals)/2]
		switch k {
		case "lost", "duplicates", "failed", "rejected_429":
			v = vals[len(vals)-1]
		case "sent":
			v = vals[0]
		}
		if v == float64(int64(v)) {
			out[k] = int64(v)
		} else {
			out[k] = round(v)
		}
		if k == "ratio_to_raw" {
			for i := range vals {
				vals[i] = round(vals[i])
			}
			out["ratio_each_run"] = vals
		}
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	return nil
}

// runOnce measures the bare loop (unless limited or -noop) and then the
// engine against the same fake.
func runOnce(fake *fakeplatform.Server, client *http.Client, n, workers int, limit string, fl fakeplatform.Limits) (map[string]float64, error) {
	out := map[string]float64{}
	fake.Reset()
	if limit == "" && !noopSend {
		cpu0, wall0 := cpuTime(), time.Now()
		var raw float64
		var err error
		pprof.Do(context.Background(), pprof.Labels("phase", "raw"), func(context.Context) {
			raw, err = rawLoop(fake, client, n, workers)
		})
		if err != nil {
			return nil, err
		}
		out["raw_cpu_us_per_send"] = (cpuTime() - cpu0).Seconds() * 1e6 / float64(n)
		out["raw_cores_busy"] = (cpuTime() - cpu0).Seconds() / time.Since(wall0).Seconds()
		out["raw_sends_per_sec"] = float64(int(raw))
		fake.Reset()
	}

	cpu0 := cpuTime()
	var res result
	var err error
	pprof.Do(context.Background(), pprof.Labels("phase", "engine"), func(context.Context) {
		res, err = engineRun(fake, client, n, workers, limit)
	})
	if err != nil {
		return nil, err
	}
	// CPU from the start command to done, preparation included.
	out["cpu_us_per_send"] = (cpuTime() - cpu0 - res.setupCPU).Seconds() * 1e6 / float64(n)
	out["cores_busy"] = (cpuTime() - cpu0 - res.setupCPU).Seconds() / res.seconds
	out["sent"], out["failed"] = float64(res.counts.Sent), float64(res.counts.Failed)
	out["seconds"], out["prepare_seconds"] = res.seconds, res.prepare
	// The committer: how many group commits, how many records each, how
	// long each, and the share of the run it was busy writing.
	out["group_commits"], out["records_per_commit"], out["commit_ms"] = float64(res.commits), res.recordsPerCommit, res.commitMs
	out["committer_busy"] = res.commitBusy / res.seconds
	if noopSend {
		// No platform saw anything: the rate is the engine's alone, from
		// the campaign's start (preparation done) to done.
		out["engine_only_per_sec"] = float64(int(float64(res.counts.Sent) / (res.seconds - res.prepare)))
		return out, nil
	}
	st := fake.Stats()
	lost := 0
	for i := range n {
		if fake.Received(chat(i)) == 0 {
			lost++
		}
	}
	out["lost"], out["duplicates"] = float64(lost), float64(st.Duplicates)
	// seconds is the whole campaign, from the start command to done,
	// preparation included; sends_per_sec is the sending phase, first to
	// last message the platform accepted, as for the bare loop.
	sending := st.Last.Sub(st.First).Seconds()
	rate := float64(st.Accepted-1) / sending
	out["sends_per_sec"] = float64(int(rate))
	if raw, ok := out["raw_sends_per_sec"]; ok {
		out["ratio_to_raw"] = rate / raw
	}
	if limit != "" {
		out["limit_per_sec"] = float64(fl.PerSecond)
		out["achieved_per_sec"] = rate
		out["rejected_429"] = float64(st.Rejected)
	}
	return out, nil
}

var (
	noSync    bool
	noopSend  bool
	tracePath string
)

// noopMessenger accepts every message at once: with it the dispatch bench
// measures the engine alone.
type noopMessenger struct{ sent atomic.Int64 }

func (*noopMessenger) Platform() bot.Platform { return bot.PlatformTelegram }
func (m *noopMessenger) Send(context.Context, bot.Address, bot.Message) (bot.MessageRef, error) {
	m.sent.Add(1)
	return bot.MessageRef{}, nil
}

// cpuTime is the CPU time this process used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

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
	setupCPU                               time.Duration // CPU spent before the start command
	recordsPerCommit, commitMs, commitBusy float64
}

// engineRun imports n recipients into a list, runs a campaign to them with
// the engine, and times it from the start command to done.
func engineRun(fake *fakeplatform.Server, client *http.Client, n, workers int, limit string) (result, error) {
	ctx := context.Background()
	cpuAtSetup := cpuTime()
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
	var m bot.Messenger = &fakeplatform.Messenger{Platform_: bot.PlatformTelegram, URL: fake.URL(), Client: client}
	if noopSend {
		m = &noopMessenger{}
	}
	eng := &engine.Engine{
		Store: db, Clock: clock, Workers: workers, Limits: limits,
		Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: m},
	}
	var commits struct {
		sync.Mutex
		n, records int
		took       time.Duration
	}
	eng.Committed = func(records int, took time.Duration) {
		commits.Lock()
		commits.n++
		commits.records += records
		commits.took += took
		commits.Unlock()
	}
	svc := &campaigns.Service{Store: db, Dispatcher: eng, Clock: clock}
	id, err := benchsetup.Campaign(ctx, db, svc, "bench", n, chat)
	if err != nil {
		return result{}, err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	stopped := make(chan error, 1)
	go func() { stopped <- eng.Run(runCtx) }()
	if tracePath != "" {
		f, err := os.Create(tracePath)
		if err != nil {
			return result{}, err
		}
		trace.Start(f)
		defer trace.Stop()
	}
	setupCPU := cpuTime() - cpuAtSetup
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
	r := result{setupCPU: setupCPU, counts: counts, seconds: elapsed, prepare: prep, commits: commits.n, commitBusy: commits.took.Seconds()}
	if commits.n > 0 {
		r.recordsPerCommit = float64(commits.records) / float64(commits.n)
		r.commitMs = commits.took.Seconds() * 1000 / float64(commits.n)
	}
	return r, nil
}
