// Command dispatch measures the campaign engine against a fake platform on
// loopback, with durable state (bbolt, fsync on).
//
//	go run ./bench/dispatch -n 100000             # no limit: engine vs a bare HTTP loop, 5 runs
//	go run ./bench/dispatch -n 3000 -limit telegram  # the fake enforces Telegram's limits
//	go run ./bench/dispatch -n 3000 -limit teams     # teamsfake and the Teams adapter
//	go run ./bench/dispatch -n 3000 -limit teams -latency 100ms  # Teams' round trips
//	go run ./bench/dispatch -n 100000 -against ./dispatch-before  # two builds' engines at once (against.go)
//
// Processes: the command itself only directs and counts. It re-executes
// itself (os.Args[0], as bench/recipients does) three ways:
//
//   - -mode fake: the fake platform (-limit telegram: with Telegram's
//     limits; -limit teams: teamsfake, see teams.go), one child for the
//     whole bench. It writes its URL on stdout
//     and serves until its stdin closes; the parent resets it between
//     runs and reads its counters over loopback (fakeplatform.Remote).
//   - -mode raw: the bare loop, a child per run: plain HTTP posts from
//     -workers goroutines, nothing else.
//   - -mode engine: herald's side, a child per run: it imports the
//     recipients into a list in a fresh bbolt file, creates the campaign,
//     runs the engine and starts the campaign through campaigns.Service.
//
// So the bare loop and the engine both meet the fake across processes,
// and the engine child's memory and CPU are herald's own. The children
// write their results as one JSON object on stdout; they log on stderr.
//
// Each run is a bare loop then the engine, back to back, so that both meet
// the same machine; the ratio is taken per run and the median of the runs
// (-runs) is printed; the worst of the runs for lost, duplicates, failed,
// rejected_429 and the memory figures, the least for sent. The last
// stdout line is one JSON object; its keys besides the counts:
//
//	sends_per_sec        messages the fake accepted per second, first to last
//	raw_sends_per_sec    the same for the bare loop
//	ratio_to_raw         sends_per_sec / raw_sends_per_sec (ratio_each_run: every run's)
//	first_send_ms        from the engine child calling campaigns.Service.Start
//	                     to the first message the fake accepted (both wall-clock
//	                     Unix nanoseconds of this machine)
//	seconds              the campaign, Start to done, preparation included
//	prepare_seconds      Start to the campaign's StartedAt (the sendings written)
//	peak_rss_mb          the engine child's VmHWM: its whole life, setup included,
//	                     bbolt's mapped file pages included
//	peak_anon_mb         the engine child's peak RssAnon (anonymous memory only:
//	                     bbolt's mapped pages do not count), its whole life
//	campaign_peak_anon_mb  the same from Start to done only; before Start the
//	                     child returns the setup's garbage to the OS, as a
//	                     server that imported the list earlier would have
//	cpu_us_per_send, cores_busy          the engine child, Start to done
//	raw_cpu_us_per_send, raw_cores_busy  the bare loop child, its loop
//	fake_cpu_us_per_send the fake's process during the engine run
//	raw_fake_cpu_us_per_send  the same during the bare loop
//	lost, duplicates, failed, rejected_429, group_commits, records_per_commit,
//	commit_ms, committer_busy (share of the campaign spent committing)
//
// -cpuprofile, -trace and -memprofile profile the engine child: run 1
// writes the path given, run k > 1 the path with ".k" appended.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/heraldchat/herald/bench/internal/benchsetup"
	"github.com/heraldchat/herald/bench/internal/child"
	"github.com/heraldchat/herald/bench/internal/fakeplatform"
	"github.com/heraldchat/herald/bench/internal/procmem"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/gctune"
	"github.com/heraldchat/herald/store"
)

// options are the flags the parent passes on to its children.
type options struct {
	n, workers, runs                  int
	limit                             string
	nosync, noop                      bool
	latency                           time.Duration
	cpuprofile, traceFile, memprofile string
	against                           string
}

func main() {
	var o options
	flag.IntVar(&o.n, "n", 100000, "recipients")
	flag.StringVar(&o.limit, "limit", "", "enforce a platform's documented limits in the fake (telegram, teams)")
	flag.IntVar(&o.runs, "runs", 0, "bare loop + engine pairs, the median printed (0: 5 without -limit, 1 with)")
	flag.DurationVar(&o.latency, "latency", 0, "with -limit teams: how long the fake works on each request before answering")
	flag.IntVar(&o.workers, "workers", 128, "concurrent sends, for the engine and the bare loop alike")
	flag.StringVar(&o.cpuprofile, "cpuprofile", "", "write a CPU profile of the engine child here (run k > 1: path.k)")
	flag.StringVar(&o.traceFile, "trace", "", "write an execution trace of the engine run here (run k > 1: path.k)")
	flag.StringVar(&o.memprofile, "memprofile", "", "write an allocation profile of the engine child here (run k > 1: path.k)")
	flag.BoolVar(&o.nosync, "nosync", false, "diagnosis only: no fsync on commit (not durable)")
	flag.StringVar(&o.against, "against", "", "another build of this bench: run its engine and this one's at once against the fake and compare their CPU per message (see against.go)")
	flag.BoolVar(&o.noop, "noop", false, "diagnosis only: the engine sends to a messenger that does nothing (its own cost per message)")
	mode := flag.String("mode", "", "internal: what a child process runs (fake, raw, engine)")
	url := flag.String("url", "", "internal: the fake platform's URL, for the raw and engine children")
	flag.Parse()
	var err error
	switch *mode {
	case "":
		err = parent(o)
	case "fake":
		var fl fakeplatform.Limits
		if o.limit == "teams" {
			err = serveTeamsFake(o.n, o.latency)
		} else if fl, err = fakeLimits(o.limit); err == nil {
			err = fakeplatform.ServeChild(fl)
		}
	case "raw":
		err = rawChild(*url, o)
	case "engine":
		err = engineChild(*url, o)
	default:
		err = fmt.Errorf("unknown -mode %q", *mode)
	}
	if err != nil {
		if *mode != "" {
			err = fmt.Errorf("%s child: %w", *mode, err)
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func fakeLimits(limit string) (fakeplatform.Limits, error) {
	switch limit {
	case "":
		return fakeplatform.Limits{}, nil
	case "telegram":
		return fakeplatform.Limits{PerSecond: 30, PerChat: time.Second}, nil
	case "teams": // requests, conversations included (teamsfake enforces them)
		return fakeplatform.Limits{PerSecond: 50}, nil
	}
	return fakeplatform.Limits{}, fmt.Errorf("unknown -limit %q: use telegram or teams", limit)
}

// parent starts the fake's child, runs the pairs of children and prints
// the medians.
func parent(o options) error {
	fl, err := fakeLimits(o.limit)
	if err != nil {
		return err
	}
	if o.runs <= 0 {
		o.runs = 5
		if o.limit != "" {
			o.runs = 1 // a paced run measures the limit, not the machine
		}
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, "-mode", "fake", "-limit", o.limit, "-n", strconv.Itoa(o.n), "-latency", o.latency.String())
	cmd.Stderr = os.Stderr
	fake, err := fakeplatform.StartChild(cmd)
	if err != nil {
		return err
	}
	defer fake.Close()
	if o.against != "" {
		return against(self, fake, o)
	}
	chats := make([]string, o.n)
	for i := range chats {
		chats[i] = recipient(o, i)
	}

	var all []map[string]float64
	for r := range o.runs {
		m, err := runOnce(self, fake, chats, o, fl, r)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "run %d: %v\n", r+1, m)
		all = append(all, m)
	}
	out := map[string]any{"recipients": o.n, "workers": o.workers, "runs": o.runs}
	for k := range all[0] {
		vals := make([]float64, len(all))
		for i, m := range all {
			vals[i] = m[k]
		}
		sort.Float64s(vals)
		v := vals[len(vals)/2]
		switch k {
		case "lost", "duplicates", "failed", "rejected_429", "peak_rss_mb", "peak_anon_mb", "campaign_peak_anon_mb":
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
// engine against the same fake, each in a child of its own.
func runOnce(self string, fake *fakeplatform.Remote, chats []string, o options, fl fakeplatform.Limits, r int) (map[string]float64, error) {
	n := float64(o.n)
	out := map[string]float64{}
	if err := fake.Reset(); err != nil {
		return nil, err
	}
	if o.limit == "" && !o.noop {
		var raw rawResult
		if err := child.Run(self, &raw, "-mode", "raw", "-url", fake.URL(), "-n", strconv.Itoa(o.n), "-workers", strconv.Itoa(o.workers)); err != nil {
			return nil, err
		}
		out["raw_cpu_us_per_send"] = raw.CPUSeconds * 1e6 / n
		out["raw_cores_busy"] = raw.CPUSeconds / raw.Seconds
		out["raw_sends_per_sec"] = float64(int(raw.PerSec))
		st, err := fake.Stats()
		if err != nil {
			return nil, err
		}
		out["raw_fake_cpu_us_per_send"] = st.CPU.Seconds() * 1e6 / n
		if err := fake.Reset(); err != nil {
			return nil, err
		}
	}

	args := []string{"-mode", "engine", "-url", fake.URL(), "-n", strconv.Itoa(o.n), "-workers", strconv.Itoa(o.workers),
		"-limit", o.limit, fmt.Sprintf("-nosync=%v", o.nosync), fmt.Sprintf("-noop=%v", o.noop)}
	for name, path := range map[string]string{"-cpuprofile": o.cpuprofile, "-trace": o.traceFile, "-memprofile": o.memprofile} {
		if path != "" {
			args = append(args, name, perRun(path, r))
		}
	}
	var res engineResult
	if err := child.Run(self, &res, args...); err != nil {
		return nil, err
	}
	// CPU from the start command to done, preparation included.
	out["cpu_us_per_send"] = res.CPUSeconds * 1e6 / n
	out["cores_busy"] = res.CPUSeconds / res.Seconds
	out["sent"], out["failed"] = float64(res.Sent), float64(res.Failed)
	out["seconds"], out["prepare_seconds"] = res.Seconds, res.Prepare
	out["peak_rss_mb"], out["peak_anon_mb"], out["campaign_peak_anon_mb"] = res.PeakRSSMB, res.PeakAnonMB, res.CampaignPeakAnonMB
	// The committer: how many group commits, how many records each, how
	// long each, and the share of the run it was busy writing.
	out["group_commits"], out["records_per_commit"], out["commit_ms"] = float64(res.Commits), res.RecordsPerCommit, res.CommitMs
	out["committer_busy"] = res.CommitBusy / res.Seconds
	if o.noop {
		// No platform saw anything: the rate is the engine's alone, from
		// the campaign's start (preparation done) to done.
		out["engine_only_per_sec"] = float64(int(float64(res.Sent) / (res.Seconds - res.Prepare)))
		return out, nil
	}
	st, err := fake.Stats()
	if err != nil {
		return nil, err
	}
	lost, err := fake.Missing(chats)
	if err != nil {
		return nil, err
	}
	out["lost"], out["duplicates"] = float64(lost), float64(st.Duplicates)
	out["fake_cpu_us_per_send"] = st.CPU.Seconds() * 1e6 / n
	if st.Accepted == 0 {
		return nil, fmt.Errorf("the fake accepted nothing from the engine")
	}
	// Both clocks are this machine's wall clock, read in two processes.
	out["first_send_ms"] = float64(st.First.UnixNano()-res.StartUnixNano) / 1e6
	// seconds is the whole campaign, from the start command to done,
	// preparation included; sends_per_sec is the sending phase, first to
	// last message the platform accepted, as for the bare loop.
	sending := st.Last.Sub(st.First).Seconds()
	rate := float64(st.Accepted-1) / sending
	out["sends_per_sec"] = float64(int(rate))
	if raw, ok := out["raw_sends_per_sec"]; ok {
		out["ratio_to_raw"] = rate / raw
	}
	if o.limit != "" {
		out["limit_per_sec"] = float64(fl.PerSecond)
		out["achieved_per_sec"] = rate
		out["rejected_429"] = float64(st.Rejected)
	}
	if o.limit == "teams" {
		// The fake counted requests: two for each message (the
		// conversation, then the card).
		out["requests"] = float64(st.Accepted)
		out["messages_per_sec"] = float64(res.Sent) / sending
		out["sends_per_sec"] = float64(int(float64(res.Sent) / sending))
	}
	return out, nil
}

// perRun is the file run r (from 0) writes a profile to.
func perRun(path string, r int) string {
	if r == 0 {
		return path
	}
	return fmt.Sprintf("%s.%d", path, r+1)
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

func chat(i int) string { return fmt.Sprint(1000000 + i) }

// recipient is recipient i's id on the bench's platform.
func recipient(o options, i int) string {
	if o.limit == "teams" {
		return teamsUser(i)
	}
	return chat(i)
}

// cpuTime is the CPU time this process used so far, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rawResult is what the bare loop's child reports.
type rawResult struct {
	PerSec     float64 `json:"per_sec"`
	Seconds    float64 `json:"seconds"`
	CPUSeconds float64 `json:"cpu_seconds"`
}

// rawChild sends n messages with the given concurrency and nothing else:
// the speed the fake and the loopback allow.
func rawChild(url string, o options) error {
	client := fakeplatform.Client(o.workers)
	var next atomic.Int64
	var failed atomic.Int64
	var wg sync.WaitGroup
	cpu0, start := cpuTime(), time.Now()
	for range o.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= o.n {
					return
				}
				code, _, err := fakeplatform.Post(context.Background(), client, url, chat(i), "Hello")
				if err != nil || code != 200 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	secs, cpu := time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds()
	if f := failed.Load(); f > 0 {
		return fmt.Errorf("the bare loop saw %d failures", f)
	}
	return json.NewEncoder(os.Stdout).Encode(rawResult{PerSec: float64(o.n) / secs, Seconds: secs, CPUSeconds: cpu})
}

// noopMessenger accepts every message at once: with it the dispatch bench
// measures the engine alone.
type noopMessenger struct{ sent atomic.Int64 }

func (*noopMessenger) Platform() bot.Platform { return bot.PlatformTelegram }
func (m *noopMessenger) Send(context.Context, bot.Address, bot.Message) (bot.MessageRef, error) {
	m.sent.Add(1)
	return bot.MessageRef{}, nil
}

// engineResult is what the engine's child reports.
type engineResult struct {
	Sent    int     `json:"sent"`
	Failed  int     `json:"failed"`
	Seconds float64 `json:"seconds"` // Start to done
	Prepare float64 `json:"prepare_seconds"`
	// StartUnixNano is when the child called Start, wall clock.
	StartUnixNano    int64   `json:"start_unix_nano"`
	CPUSeconds       float64 `json:"cpu_seconds"` // Start to done
	Commits          int     `json:"group_commits"`
	RecordsPerCommit float64 `json:"records_per_commit"`
	CommitMs         float64 `json:"commit_ms"`
	CommitBusy       float64 `json:"commit_busy_seconds"`
	// The child's memory: VmHWM, and the largest RssAnon sampled, over
	// its whole life and from Start to done.
	PeakRSSMB          float64 `json:"peak_rss_mb"`
	PeakAnonMB         float64 `json:"peak_anon_mb"`
	CampaignPeakAnonMB float64 `json:"campaign_peak_anon_mb"`
}

// engineChild is herald's side of a run, the whole of its process: it
// samples its own memory, runs the campaign, and writes an engineResult
// on stdout.
func engineChild(url string, o options) error {
	gctune.Apply() // as herald's main does
	mem := procmem.Start()
	if o.memprofile != "" {
		runtime.MemProfileRate = 4096
	}
	if o.cpuprofile != "" {
		f, err := os.Create(o.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	res, err := engineRun(url, o, mem)
	pprof.StopCPUProfile()
	if err != nil {
		return err
	}
	if o.memprofile != "" {
		f, err := os.Create(o.memprofile)
		if err != nil {
			return err
		}
		pprof.Lookup("allocs").WriteTo(f, 0)
		f.Close()
	}
	anon, campaignAnon := mem.Stop()
	hwm, err := procmem.Status("VmHWM")
	if err != nil {
		return err
	}
	res.PeakRSSMB, res.PeakAnonMB, res.CampaignPeakAnonMB = procmem.MB(hwm), procmem.MB(anon), procmem.MB(campaignAnon)
	return json.NewEncoder(os.Stdout).Encode(res)
}

// engineRun imports n recipients into a list, runs a campaign to them with
// the engine, and times it from the start command to done.
func engineRun(url string, o options, mem *procmem.Sampler) (engineResult, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "herald-bench-dispatch-")
	if err != nil {
		return engineResult{}, err
	}
	defer os.RemoveAll(dir)
	clock := clock.System()
	db, err := store.Open(filepath.Join(dir, "herald.db"), store.Options{NoSync: o.nosync})
	if err != nil {
		return engineResult{}, err
	}
	defer db.Close()

	limits := map[bot.Platform]bot.Limits{bot.PlatformTelegram: {}}
	if o.limit != "" {
		limits = nil // the engine's documented defaults
	}
	platform := bot.PlatformTelegram
	budget := engine.NewBudget(limits, clock, 1)
	var m bot.Messenger = &fakeplatform.Messenger{Platform_: bot.PlatformTelegram, URL: url, Client: fakeplatform.Client(o.workers)}
	switch {
	case o.noop:
		m = &noopMessenger{}
	case o.limit == "teams":
		platform, m = bot.PlatformTeams, teamsMessenger(url, budget, clock)
	}
	eng := &engine.Engine{
		Store: db, Clock: clock, Workers: o.workers, Budget: budget,
		Messengers: map[bot.Platform]bot.Messenger{platform: m},
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
	id, err := benchsetup.CampaignOn(ctx, db, svc, platform, "bench", o.n, func(i int) string { return recipient(o, i) })
	if err != nil {
		return engineResult{}, err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	stopped := make(chan error, 1)
	go func() { stopped <- eng.Run(runCtx) }()
	if o.traceFile != "" {
		f, err := os.Create(o.traceFile)
		if err != nil {
			return engineResult{}, err
		}
		defer f.Close()
		trace.Start(f)
		defer trace.Stop()
	}
	// The setup's garbage (the generated file, the import) goes back to
	// the OS before the campaign, as in a server that imported the list
	// earlier; campaign_peak_anon_mb counts from here.
	debug.FreeOSMemory()
	mem.StartPhase()
	cpu0 := cpuTime()
	start := time.Now()
	if _, err := svc.Start(ctx, id, bot.Actor{}); err != nil {
		stop()
		return engineResult{}, err
	}
	// Poll for the end: cheaper than a callback per group commit.
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	lastReport := time.Now()
	for range tick.C {
		cur, err := db.Campaign(ctx, id)
		if err != nil {
			return engineResult{}, err
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
	cpu := (cpuTime() - cpu0).Seconds()
	stop()
	if err := <-stopped; err != nil {
		return engineResult{}, err
	}
	counts, err := db.SendingCounts(ctx, id)
	if err != nil {
		return engineResult{}, err
	}
	final, err := db.Campaign(ctx, id)
	if err != nil {
		return engineResult{}, err
	}
	prep := final.StartedAt.Sub(start).Seconds()
	fmt.Fprintf(os.Stderr, "engine: %d sent, %d failed in %.2fs (%.2fs preparing)\n", counts.Sent, counts.Failed, elapsed, prep)
	commits.Lock()
	defer commits.Unlock()
	r := engineResult{
		Sent: counts.Sent, Failed: counts.Failed, Seconds: elapsed, Prepare: prep,
		StartUnixNano: start.UnixNano(), CPUSeconds: cpu,
		Commits: commits.n, CommitBusy: commits.took.Seconds(),
	}
	if commits.n > 0 {
		r.RecordsPerCommit = float64(commits.records) / float64(commits.n)
		r.CommitMs = commits.took.Seconds() * 1000 / float64(commits.n)
	}
	return r, nil
}
