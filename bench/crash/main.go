// Command crash runs the real campaign engine as a child process against a
// fake platform on loopback, kills it with SIGKILL at random moments,
// restarts it each time, and when the campaign is done compares what the
// platform received with the records.
//
//	go run ./bench/crash -n 20000 -kills 5
//
// It prints one JSON line last: recipients, kills, lost (recipients who
// got nothing), duplicates (messages beyond one per recipient), and the
// sendings in flight at each kill. Goal: nothing lost, and duplicates no
// more than were in flight at the kills.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/heraldchat/herald/bench/internal/benchsetup"
	"github.com/heraldchat/herald/bench/internal/fakeplatform"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/store"
)

func main() {
	n := flag.Int("n", 20000, "recipients")
	kills := flag.Int("kills", 5, "how many times to kill the engine")
	workers := flag.Int("workers", 64, "concurrent sends in the engine")
	child := flag.Bool("child", false, "internal: run the engine")
	dbPath := flag.String("db", "", "internal: the database")
	url := flag.String("url", "", "internal: the fake platform")
	campaign := flag.Uint64("campaign", 0, "internal: the campaign to run")
	flag.BoolVar(&once, "once", false, "the platform takes a key with each message (as Discord's nonce) and refuses repeats")
	flag.Parse()
	var err error
	if *child {
		err = runChild(*dbPath, *url, bot.CampaignID(*campaign), *workers)
	} else {
		err = runParent(*n, *kills, *workers)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func chat(i int) string { return fmt.Sprint(2000000 + i) }

// once: the fake platform takes keys (see -once).
var once bool

func runParent(n, kills, workers int) error {
	dir, err := os.MkdirTemp("", "herald-bench-crash-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	dbPath := filepath.Join(dir, "herald.db")
	id, err := setup(dbPath, n)
	if err != nil {
		return err
	}
	fake, err := fakeplatform.Start(fakeplatform.Limits{})
	if err != nil {
		return err
	}
	defer fake.Close()
	self, err := os.Executable()
	if err != nil {
		return err
	}

	// Kill when the platform has received these many messages: random
	// points spread over the run.
	var at []int64
	for range kills {
		at = append(at, int64(n/20+rand.IntN(n*9/10)))
	}
	slices.Sort(at)

	var inFlight []int
	for k := 0; ; k++ {
		cmd := exec.Command(self, "-child", "-db", dbPath, "-url", fake.URL(), "-campaign", fmt.Sprint(id), "-workers", fmt.Sprint(workers), fmt.Sprintf("-once=%v", once))
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			return err
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		if k == kills {
			if err := <-exited; err != nil {
				return fmt.Errorf("the last run failed: %w", err)
			}
			break
		}
		killed := false
		for !killed {
			select {
			case err := <-exited:
				return fmt.Errorf("the engine exited before kill %d (%v): the campaign may be too small for %d kills", k+1, err, kills)
			case <-time.After(200 * time.Microsecond):
				if fake.Stats().Accepted >= at[k] {
					cmd.Process.Signal(syscall.SIGKILL)
					<-exited
					killed = true
				}
			}
		}
		c, err := counts(dbPath, id)
		if err != nil {
			return err
		}
		inFlight = append(inFlight, c.InFlight)
		fmt.Fprintf(os.Stderr, "kill %d at %d received: %d sent, %d in flight\n", k+1, fake.Stats().Accepted, c.Sent, c.InFlight)
	}

	final, err := counts(dbPath, id)
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
	sum, maxIF := 0, 0
	for _, x := range inFlight {
		sum += x
		maxIF = max(maxIF, x)
	}
	flagged, err := resentInReport(dbPath, id)
	if err != nil {
		return err
	}
	out := map[string]any{
		"recipients": n, "kills": kills, "lost": lost, "duplicates": st.Duplicates, "flagged_resent": flagged, "once": once,
		"max_in_flight": maxIF, "in_flight_at_kills": sum, "sent": final.Sent, "failed": final.Failed,
		"ok": lost == 0 && st.Duplicates <= int64(sum) && final.Sent == n,
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	return nil
}

// setup makes the database: a list of n Telegram ids and a draft campaign.
func setup(path string, n int) (bot.CampaignID, error) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	svc := &campaigns.Service{Store: db, Dispatcher: &engine.Engine{}, Clock: clock.System()}
	return benchsetup.Campaign(context.Background(), db, svc, "crash", n, chat)
}

// resentInReport counts the sendings the report flags as sent again after
// a restart (possibly received twice).
func resentInReport(path string, id bot.CampaignID) (int, error) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return 0, err
	}
	defer db.Close()
	n := 0
	for after := bot.SendingID(0); ; {
		page, err := db.Sendings(context.Background(), id, after, 5000)
		if err != nil || len(page) == 0 {
			return n, err
		}
		for _, s := range page {
			if s.Resent {
				n++
			}
		}
		after = page[len(page)-1].ID
	}
}

func counts(path string, id bot.CampaignID) (bot.SendingCounts, error) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return bot.SendingCounts{}, err
	}
	defer db.Close()
	return db.SendingCounts(context.Background(), id)
}

// runChild runs the engine on the database until the campaign is done,
// starting it first if it is still a draft.
func runChild(path, url string, id bot.CampaignID, workers int) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	db, err := store.Open(path, store.Options{LockTimeout: 10 * time.Second})
	if err != nil {
		return err
	}
	defer db.Close()
	clock := clock.System()
	var m bot.Messenger = &fakeplatform.Messenger{Platform_: bot.PlatformTelegram, URL: url, Client: fakeplatform.Client(workers)}
	if once {
		m = &fakeplatform.OnceMessenger{Messenger: *m.(*fakeplatform.Messenger)}
	}
	eng := &engine.Engine{
		Store: db, Clock: clock, Workers: workers,
		Limits:     map[bot.Platform]bot.Limits{bot.PlatformTelegram: {}},
		Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: m},
	}
	svc := &campaigns.Service{Store: db, Dispatcher: eng, Clock: clock}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopped := make(chan error, 1)
	go func() { stopped <- eng.Run(runCtx) }()
	c, err := db.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if c.State == bot.CampaignDraft {
		if _, err := svc.Start(ctx, id, bot.Actor{}); err != nil {
			return err
		}
	}
	for {
		c, err := db.Campaign(ctx, id)
		if err != nil {
			return err
		}
		if c.State == bot.CampaignDone {
			cancel()
			return <-stopped
		}
		select {
		case <-ctx.Done():
			cancel()
			return <-stopped
		case <-time.After(20 * time.Millisecond):
		}
	}
}
