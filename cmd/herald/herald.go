package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/status"
	"github.com/heraldchat/herald/commands"
	"github.com/heraldchat/herald/config"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/httpserver"
	"github.com/heraldchat/herald/store"
	"github.com/heraldchat/herald/suggest"
)

// Main is the herald program. Set its fields before Run; the zero value of
// each means the process's own (os.Stdout, os.Stderr, os.LookupEnv, the
// system clock).
type Main struct {
	Stdout io.Writer
	Stderr io.Writer
	Env    config.LookupEnv
	Clock  clock.Clock

	started chan struct{}

	// Stopped, when set, is called by Close once every component has
	// returned and before the store closes (for tests and tools that check
	// what is left running).
	Stopped func()

	// Set by a running server; guarded by mu once started.
	mu      sync.Mutex
	log     *slog.Logger
	cfg     *config.Config
	db      *store.DB
	http    *httpserver.Server
	control *controlServer
	board   *status.Board
	mux     *commands.Mux
	stop    context.CancelFunc // ends the components' context
	group   *group             // the components' Run methods
	clients []*http.Client     // the adapters' connections to their platforms
	closed  bool
}

// NewMain returns a Main bound to the process's streams and environment.
func NewMain() *Main {
	return &Main{Stdout: os.Stdout, Stderr: os.Stderr, Env: os.LookupEnv, Clock: clock.System(), started: make(chan struct{})}
}

// usage is printed by help and after a usage error.
const usage = `herald — campaigns and participant conversations from your chat workspace

Usage:
  herald                            run with the embedded default (no config needed)
  herald run [--config FILE] [--listen ADDR]
                                    run with a config
                                    ($HERALD_CONFIG and $HERALD_LISTEN when the flags are not given)
  herald check-config --config FILE validate a config and list every problem by key
  herald backup [--config FILE] [--force] OUT
                                    write a consistent copy of the database to OUT
                                    (a new file; --force replaces an older backup)
  herald console-token reset [--config FILE]
                                    make a new console login token (the running herald's
                                    sessions with the old one end)
  herald events tail [-n N] [--follow] [--config FILE]
                                    what happened to whom: the event log, one JSON object a line
  herald token create NAME | list | revoke NAME [--config FILE]
                                    API tokens for POST /api/v1/events (a new one is shown once)
  herald recipes export [OUT] | import FILE [--config FILE]
                                    recipes, calendars and webhooks as one YAML file
                                    (webhook secrets as ${ENV} references)
  herald recipients check FILE [--json]
                                    check a recipient file: exit 0 all valid, 1 some invalid, 2 unusable
  herald teams package --config FILE [--out herald-teams.zip]
                                    the Teams app package an admin uploads
  herald version                    print the version
`

// exitError carries a process exit code; when quiet the command already
// told the user what went wrong.
type exitError struct {
	code  int
	quiet bool
	err   error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErrorf is a mistake in the command line: exit status 2.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format+"\nrun 'herald help' for usage", args...)}
}

// ExitCode returns the process exit status for an error returned by Run:
// 0 for nil, 2 for a usage mistake, the command's own code when it set one,
// 1 otherwise.
func ExitCode(err error) int {
	var e *exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &e):
		return e.code
	default:
		return 1
	}
}

func silent(err error) bool {
	var e *exitError
	return errors.As(err, &e) && e.quiet
}

// Run runs the command named by args. For "run" (and no arguments at all)
// it serves until ctx is done, then shuts down gracefully and returns nil.
func (m *Main) Run(ctx context.Context, args []string) error {
	m.defaults()
	if len(args) == 0 {
		return m.serve(ctx, m.env("HERALD_CONFIG"), m.env("HERALD_LISTEN"))
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "run":
		fs, path := m.flags("run")
		listen := fs.String("listen", m.env("HERALD_LISTEN"), "the HTTP address, in place of http.listen (default $HERALD_LISTEN)")
		if done, err := parseArgs(m.Stdout, fs, rest); done || err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return usageErrorf("run takes no arguments besides its flags, got %q", fs.Arg(0))
		}
		return m.serve(ctx, *path, *listen)
	case "events":
		fs, path := m.flags("events")
		n := fs.Int("n", 20, "how many of the last events to print")
		follow := fs.Bool("follow", false, "keep printing new events until interrupted")
		if done, err := parseArgs(m.Stdout, fs, rest); done || err != nil {
			return err
		}
		if fs.NArg() != 1 || fs.Arg(0) != "tail" {
			return usageErrorf("events takes one action: herald events tail [-n N] [--follow]")
		}
		return m.eventsTail(ctx, *path, *n, *follow)
	case "token":
		fs, path := m.flags("token")
		if done, err := parseArgs(m.Stdout, fs, rest); done || err != nil {
			return err
		}
		action, name := fs.Arg(0), fs.Arg(1)
		if (action == "create" || action == "revoke") && fs.NArg() != 2 || action == "list" && fs.NArg() != 1 || action != "create" && action != "revoke" && action != "list" {
			return usageErrorf("token takes create NAME, list or revoke NAME: herald token create crm")
		}
		return m.token(ctx, *path, action, name)
	case "console-token":
		fs, path := m.flags("console-token")
		if done, err := parseArgs(m.Stdout, fs, rest); done || err != nil {
			return err
		}
		if fs.NArg() != 1 || fs.Arg(0) != "reset" {
			return usageErrorf("console-token takes one action: herald console-token reset [--config FILE]")
		}
		return m.resetConsoleToken(ctx, *path)
	case "check-config":
		fs, path := m.flags("check-config")
		if done, err := parseArgs(m.Stdout, fs, rest); done || err != nil {
			return err
		}
		if *path == "" {
			return usageErrorf("check-config needs --config FILE")
		}
		return m.checkConfig(*path)
	case "backup":
		fs, path := m.flags("backup")
		force := fs.Bool("force", false, "replace OUT when it exists")
		if done, err := parseArgs(m.Stdout, fs, rest); done || err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return usageErrorf("backup needs one output file: herald backup --config FILE OUT")
		}
		return m.backup(ctx, *path, fs.Arg(0), *force)
	case "recipes":
		fs, path := m.flags("recipes")
		if done, err := parseArgs(m.Stdout, fs, rest); done || err != nil {
			return err
		}
		action, file := fs.Arg(0), fs.Arg(1)
		if action == "export" && fs.NArg() <= 2 || action == "import" && fs.NArg() == 2 {
			return m.recipesOp(ctx, *path, action, file)
		}
		return usageErrorf("recipes takes export [OUT] or import FILE: herald recipes export --config herald.yaml recipes.yaml")
	case "recipients":
		return m.recipients(rest)
	case "teams":
		fs, path := m.flags("teams")
		out := fs.String("out", "herald-teams.zip", "the app package to write")
		if done, err := parseArgs(m.Stdout, fs, rest); done || err != nil {
			return err
		}
		if fs.NArg() != 1 || fs.Arg(0) != "package" {
			return usageErrorf("teams takes one action: herald teams package --config FILE [--out herald-teams.zip]")
		}
		return m.teamsPackage(*path, *out)
	case "version", "--version":
		fmt.Fprintln(m.Stdout, Version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	}
	msg := fmt.Sprintf("unknown command %q", cmd)
	if s := suggest.Closest(cmd, []string{"run", "check-config", "backup", "console-token", "token", "events", "recipes", "recipients", "teams", "version", "help"}); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return usageErrorf("%s", msg)
}

func (m *Main) defaults() {
	if m.Stdout == nil {
		m.Stdout = os.Stdout
	}
	if m.Stderr == nil {
		m.Stderr = os.Stderr
	}
	if m.Env == nil {
		m.Env = os.LookupEnv
	}
	if m.Clock == nil {
		m.Clock = clock.System()
	}
	if m.started == nil {
		m.started = make(chan struct{})
	}
}

// flags returns a flag set with the --config flag every command takes
// (default $HERALD_CONFIG).
func (m *Main) flags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	path := fs.String("config", m.env("HERALD_CONFIG"), "the YAML config file (default $HERALD_CONFIG)")
	return fs, path
}

// env returns the environment variable name, or "".
func (m *Main) env(name string) string {
	v, _ := m.Env(name)
	return v
}

// parse parses args, allowing flags after positional arguments
// ("backup OUT --config F").
func parse(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return usageErrorf("%s: %w", fs.Name(), err)
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return fs.Parse(append([]string{"--"}, positional...))
}

// buildInfo returns the module version, the VCS revision and whether the
// tree was modified, from the build information the Go toolchain embeds.
func buildInfo() (version, revision string, dirty bool) {
	version = "devel"
	if info, ok := debug.ReadBuildInfo(); ok {
		if info.Main.Version != "" && info.Main.Version != "(devel)" {
			version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	return version, revision, dirty
}

// Version describes this build: module version, VCS revision and Go
// version.
func Version() string {
	v, rev, dirty := buildInfo()
	out := "herald " + v
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		out += " (" + rev
		if dirty {
			out += ", modified"
		}
		out += ")"
	}
	return out + " " + runtime.Version()
}

// outboxDepthDesc describes herald_outbox_depth.
var outboxDepthDesc = prometheus.NewDesc("herald_outbox_depth", "Posts waiting in the outbox (held in memory or in the store), per platform.", []string{"platform"}, nil)

// outboxDepth reports the outbox's depth per platform from the store's
// counts, once per scrape: the posts waiting in the store behind the
// outbox's window count as much as those it holds.
type outboxDepth struct {
	store interface {
		OutboxDepth(context.Context) (map[bot.Platform]int, error)
	}
	log *slog.Logger
}

func (d outboxDepth) Describe(ch chan<- *prometheus.Desc) { ch <- outboxDepthDesc }

func (d outboxDepth) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	depth, err := d.store.OutboxDepth(ctx)
	if err != nil {
		d.log.Warn("metrics: reading the outbox depth", "err", err)
		return
	}
	for _, p := range bot.Platforms() {
		ch <- prometheus.MustNewConstMetric(outboxDepthDesc, prometheus.GaugeValue, float64(depth[p]), string(p))
	}
}

// campaignProgressDesc describes herald_campaign_sendings.
var campaignProgressDesc = prometheus.NewDesc("herald_campaign_sendings",
	"Sendings of each running or paused campaign, by state (pending, scheduled, in_flight, sent, failed, skipped).", []string{"campaign", "state"}, nil)

// campaignProgress reports the counters of the campaigns the engine runs,
// once per scrape.
type campaignProgress struct{ e *engine.Engine }

func (c campaignProgress) Describe(ch chan<- *prometheus.Desc) { ch <- campaignProgressDesc }

func (c campaignProgress) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for id, n := range c.e.Progress(ctx) {
		campaign := strconv.FormatUint(uint64(id), 10)
		for state, v := range map[string]int{"pending": n.Pending, "scheduled": n.Scheduled, "in_flight": n.InFlight,
			"sent": n.Sent, "failed": n.Failed, "skipped": n.Skipped} {
			ch <- prometheus.MustNewConstMetric(campaignProgressDesc, prometheus.GaugeValue, float64(v), campaign, state)
		}
	}
}

// newRegistry returns the Prometheus registry with the Go runtime, process
// and build metrics, the engine's group commits, and the outbox: what
// waits per platform, posts by outcome (429s among them), and how long a
// relayed message waited from its intake to its post.
func newRegistry(e *engine.Engine, o *engine.Outbox) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	commitSeconds := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "herald_engine_group_commit_seconds",
		Help: "Time to write one group commit of sending records.", Buckets: prometheus.ExponentialBuckets(0.0002, 2, 14)})
	commitRecords := prometheus.NewHistogram(prometheus.HistogramOpts{Name: "herald_engine_group_commit_records",
		Help: "Sending records written per group commit.", Buckets: prometheus.ExponentialBuckets(1, 2, 12)})
	reg.MustRegister(commitSeconds, commitRecords)
	e.Committed = func(n int, took time.Duration) {
		commitSeconds.Observe(took.Seconds())
		commitRecords.Observe(float64(n))
	}
	posts := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_outbox_posts_total",
		Help: "Posts the outbox tried, by platform and outcome (posted, retry, rate_limited, refused)."}, []string{"platform", "outcome"})
	waited := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "herald_outbox_wait_seconds",
		Help: "Time from a post's queueing (a participant's message recorded) to its posting.", Buckets: prometheus.ExponentialBuckets(0.001, 2, 18)}, []string{"platform"})
	reg.MustRegister(posts, waited)
	o.Posted = func(p bot.Platform, outcome string, records int, d time.Duration) {
		posts.WithLabelValues(string(p), outcome).Inc()
		if outcome == "posted" {
			waited.WithLabelValues(string(p)).Observe(d.Seconds())
		}
	}
	reg.MustRegister(outboxDepth{o.Store, o.Log})
	sends := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_campaign_sends_total",
		Help: "Campaign messages herald tried to send, by platform and outcome (sent, rate_limited, retry, failed)."}, []string{"platform", "outcome"})
	reg.MustRegister(sends)
	e.Sent = func(p bot.Platform, outcome string) { sends.WithLabelValues(string(p), outcome).Inc() }
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "herald_campaign_queue_depth",
		Help: "Sendings of running and paused campaigns waiting to be sent."}, func() float64 { return float64(e.QueueDepth()) }))
	reg.MustRegister(campaignProgress{e})
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "herald_build_info", Help: "Always 1; labels describe the build."}, []string{"version", "revision", "goversion"})
	v, rev, _ := buildInfo()
	build.WithLabelValues(v, rev, runtime.Version()).Set(1)
	reg.MustRegister(build)
	return reg
}
