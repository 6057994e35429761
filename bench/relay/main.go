// Command relay measures what happens to participants' messages when many
// write at once and the moderators' surface has its real limits: herald's
// adapter receives them from the platform's fake, records them, and the
// outbox relays them to the participants' threads.
//
//	go run ./bench/relay -participants 200 -messages 5 -surface telegram
//	go run ./bench/relay -participants 200 -messages 5 -surface slack
//	go run ./bench/relay -participants 200 -messages 5 -surface web
//	go run ./bench/relay -participants 200 -messages 5 -surface web -rate 200
//	go run ./bench/relay -participants 40 -messages 3 -surface telegram -campaign 600
//
// Every participant writes their messages in order, all participants at
// once; with -rate, the crowd's messages arrive at that many a second
// instead (the latency of a relay at a steady load, not behind a burst).
// With -campaign N (Telegram), a campaign to N people starts as the crowd
// writes, sharing the bot's budget with the relays: campaign_ratio is its
// send rate over Telegram's 30 a second, from its first message accepted
// to its last. It prints one JSON line last: lost, duplicates, out_of_order,
// http_429, drain_seconds and drain_ratio (drain time over the least time
// the surface's limits allow for the posts needed: a thread's creation
// and head card, and one post of what waited, per participant), and relay
// latency from a message to its post (p50, p99).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/heraldchat/herald/adapters/slack"
	"github.com/heraldchat/herald/adapters/slack/slackfake"
	"github.com/heraldchat/herald/adapters/telegram"
	"github.com/heraldchat/herald/adapters/telegram/telegramfake"
	"github.com/heraldchat/herald/adapters/web"
	"github.com/heraldchat/herald/bench/internal/benchsetup"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/campaigns"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/contacts"
	"github.com/heraldchat/herald/bot/threads"
	"github.com/heraldchat/herald/engine"
	"github.com/heraldchat/herald/store"
)

func main() {
	n := flag.Int("participants", 200, "participants writing at once")
	k := flag.Int("messages", 5, "messages each participant writes")
	surface := flag.String("surface", "telegram", "the moderators' surface: telegram, slack or web")
	scale := flag.Float64("scale", 1, "run the limits (herald's and the fake's) this many times faster; 1 for the figures")
	timeout := flag.Duration("timeout", time.Hour, "give up after this long")
	rate := flag.Float64("rate", 0, "messages a second from the whole crowd; 0 for all at once")
	campaign := flag.Int("campaign", 0, "telegram: a campaign to this many people, started as the crowd writes")
	flag.Parse()
	out, err := run(*n, *k, *surface, *scale, *rate, *campaign, *timeout)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}

// posted records when each message showed in a thread, and how often.
type posted struct {
	mu    sync.Mutex
	at    map[string][]time.Time // "P<i>#<j>" → when it showed
	order map[int][]int          // participant → message numbers, as shown
	posts int
}

var msgRE = regexp.MustCompile(`m(\d+)\.(\d+)\b`)

func (p *posted) saw(text string, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.posts++
	for _, m := range msgRE.FindAllStringSubmatch(text, -1) {
		i, _ := strconv.Atoi(m[1])
		j, _ := strconv.Atoi(m[2])
		key := m[1] + "#" + m[2]
		p.at[key] = append(p.at[key], at)
		p.order[i] = append(p.order[i], j)
	}
}

func (p *posted) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.at)
}

// recorder is the moderators' surface as the outbox sees it: it posts on
// the real adapter and records what showed.
type recorder struct {
	bot.Messenger
	tp  bot.ThreadPoster
	got *posted
}

func (r *recorder) StartThread(ctx context.Context, ch bot.Address, m bot.Message) (bot.ThreadRef, error) {
	ref, err := r.tp.StartThread(ctx, ch, m)
	if err == nil {
		r.got.saw(m.Text, time.Now())
	}
	return ref, err
}

func (r *recorder) PostInThread(ctx context.Context, t bot.ThreadRef, m bot.Message) (bot.MessageRef, error) {
	ref, err := r.tp.PostInThread(ctx, t, m)
	if err == nil {
		r.got.saw(m.Text, time.Now())
	}
	return ref, err
}

// OpenThread opens a thread first where the surface can (see
// threads.ThreadOpener).
func (r *recorder) OpenThread(ctx context.Context, ch bot.Address, title string) (bot.ThreadRef, error) {
	if o, ok := r.tp.(threads.ThreadOpener); ok {
		return o.OpenThread(ctx, ch, title)
	}
	return bot.ThreadRef{}, nil
}

// intake hands participants' messages to the threads, as commands.Inbound
// does.
type intake struct{ th *threads.Service }

func (h intake) Handle(ctx context.Context, in bot.Inbound) (bot.InboundReply, error) {
	if in.Kind != bot.InboundParticipantMessage {
		return bot.InboundReply{}, nil
	}
	_, err := h.th.Receive(ctx, threads.Incoming{From: in.From.Address, Name: in.From.Name, ID: in.ID, Message: bot.Message{Text: in.Text, Files: in.Files}})
	return bot.InboundReply{}, err
}

func run(n, k int, surface string, scale, rate float64, campaign int, timeout time.Duration) (map[string]any, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir, err := os.MkdirTemp("", "herald-bench-relay-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	clock := clock.System()
	db, err := store.Open(filepath.Join(dir, "herald.db"), store.Options{})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	budget := engine.NewBudget(nil, clock, scale)
	got := &posted{at: map[string][]time.Time{}, order: map[int][]int{}}
	th := &threads.Service{Store: db, Contacts: &contacts.Service{Store: db, Clock: clock}, Clock: clock, Messengers: map[bot.Platform]bot.Messenger{}}
	var (
		write    func(i, j int)
		rejected func() int
		limit    float64 // posts a second the surface allows in one channel
		runs     []func(context.Context)
	)
	log := slog.New(slog.DiscardHandler)
	var campaignReport func() map[string]any
	var why func() map[string]int
	switch surface {
	case "telegram":
		const group = -100500
		fake, err := telegramfake.Start("42:bench")
		if err != nil {
			return nil, err
		}
		defer fake.Close()
		fake.Scale = scale
		fake.Forum(group)
		a, err := telegram.New(ctx, telegram.Config{Token: "42:bench", ServerURL: fake.URL(), Group: group, Budget: budget, Log: log, PollTimeout: 2 * time.Second})
		if err != nil {
			return nil, err
		}
		a.Handler = intake{th}
		th.Moderators, th.Channel = &recorder{Messenger: a, tp: a, got: got}, bot.Address{Platform: bot.PlatformTelegram, ID: strconv.Itoa(group)}
		write = func(i, j int) { fake.UserWrites(int64(100000+i), fmt.Sprint("P", i), fmt.Sprintf("m%d.%d", i, j)) }
		rejected, limit, why = fake.Rejected, 20.0/60*scale, fake.RejectedBy
		runs = append(runs, a.Run)
		if campaign > 0 {
			start, report, err := campaignOn(ctx, db, a, budget, clock, fake, campaign, scale)
			if err != nil {
				return nil, err
			}
			runs, campaignReport = append(runs, start), report
		}
	case "slack":
		fake, err := slackfake.Start("xoxb-bench")
		if err != nil {
			return nil, err
		}
		defer fake.Close()
		fake.Scale = scale
		fake.AppToken = "xapp-bench"
		fake.Join("CMODS")
		a, err := slack.New(ctx, slack.Config{BotToken: "xoxb-bench", APIURL: fake.URL(), Channel: "CMODS", Log: log})
		if err != nil {
			return nil, err
		}
		a.Handler = intake{th}
		th.Moderators, th.Channel = &recorder{Messenger: a, tp: a, got: got}, bot.Address{Platform: bot.PlatformSlack, ID: "CMODS"}
		write = func(i, j int) {
			fake.SendSocket("events_api", map[string]any{"type": "event_callback", "event_id": fmt.Sprintf("Ev%d.%d", i, j), "event": map[string]any{
				"type": "message", "user": fmt.Sprint("U", i), "channel": fmt.Sprint("D", i), "channel_type": "im", "ts": fmt.Sprintf("%d.%d", i, j), "text": fmt.Sprintf("m%d.%d", i, j)}})
		}
		rejected, limit = fake.Rejected, 1*scale
		runs = append(runs, func(ctx context.Context) { a.RunSocket(ctx, "xapp-bench") })
	case "web":
		key := make([]byte, 32)
		a := web.New(web.Config{Store: db, Handler: intake{th}, Clock: clock, Log: log, Key: key})
		th.Moderators, th.Channel = &recorder{Messenger: a, tp: a, got: got}, web.ConsoleChannel
		write = func(i, j int) {
			th.Receive(ctx, threads.Incoming{From: bot.Address{Platform: bot.PlatformWeb, ID: fmt.Sprintf("V%021d", i)}, Name: fmt.Sprint("P", i), ID: fmt.Sprintf("%d.%d", i, j), Message: bot.Message{Text: fmt.Sprintf("m%d.%d", i, j)}})
		}
		rejected = func() int { return 0 }
	default:
		return nil, fmt.Errorf("unknown -surface %q: use telegram, slack or web", surface)
	}
	box := &engine.Outbox{Store: db, Posters: map[bot.Platform]bot.Messenger{th.Channel.Platform: th.Moderators.(bot.Messenger)}, Relays: th, Budget: budget, Clock: clock, Log: log,
		Linger: time.Duration(float64(300*time.Millisecond) / scale)}
	th.Outbox = box
	var wg sync.WaitGroup
	for _, r := range append(runs, func(ctx context.Context) { box.Run(ctx) }) {
		wg.Add(1)
		go func() { defer wg.Done(); r(ctx) }()
	}
	defer wg.Wait()
	defer cancel()
	time.Sleep(200 * time.Millisecond) // the adapter connects

	// Everyone writes at once; each participant's messages in order.
	sentAt := make(map[string]time.Time, n*k)
	var mu sync.Mutex
	start := time.Now()
	var writers sync.WaitGroup
	for i := range n {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for j := range k {
				if rate > 0 { // message j of participant i is the crowd's (j*n+i)th
					time.Sleep(time.Until(start.Add(time.Duration(float64(j*n+i) / rate * float64(time.Second)))))
				}
				mu.Lock()
				sentAt[fmt.Sprintf("%d#%d", i, j)] = time.Now()
				mu.Unlock()
				write(i, j)
			}
		}()
	}
	writers.Wait()
	deadline := time.Now().Add(timeout)
	for got.count() < n*k && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	drain := time.Since(start)
	var campaignResult map[string]any
	if campaignReport != nil {
		campaignResult = campaignReport() // its last message, and the 429s meanwhile
	}
	time.Sleep(500 * time.Millisecond) // anything posted twice shows now

	got.mu.Lock()
	defer got.mu.Unlock()
	lost, dups, outOfOrder := 0, 0, 0
	var lat []float64
	for i := range n {
		for j := range k {
			key := fmt.Sprintf("%d#%d", i, j)
			ts := got.at[key]
			switch {
			case len(ts) == 0:
				lost++
				continue
			case len(ts) > 1:
				dups += len(ts) - 1
			}
			lat = append(lat, ts[0].Sub(sentAt[key]).Seconds()*1000)
		}
		seq := got.order[i]
		for x := 1; x < len(seq); x++ {
			if seq[x] < seq[x-1] {
				outOfOrder++
				break
			}
		}
	}
	sort.Float64s(lat)
	pct := func(q float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return round(lat[min(int(q*float64(len(lat))), len(lat)-1)])
	}
	out := map[string]any{
		"surface": surface, "participants": n, "messages": k, "scale": scale, "rate": rate,
		"lost": lost, "duplicates": dups, "out_of_order": outOfOrder, "http_429": rejected(),
		"posts": got.posts, "drain_seconds": round(drain.Seconds()),
		"latency_p50_ms": pct(0.5), "latency_p99_ms": pct(0.99),
	}
	if campaignReport != nil {
		out["campaign"] = campaignResult
	}
	if why != nil {
		out["http_429_by"] = why()
	}
	if limit > 0 {
		// The least time the limits allow: two posts per thread (its
		// creation or head, and one post of what waited), at the limit.
		least := float64(2*n) / limit
		out["least_seconds"], out["drain_ratio"] = round(least), round(drain.Seconds()/least)
	}
	return out, nil
}

// campaignOn prepares a campaign to n people who started the bot, sent by
// the Telegram adapter a under the budget the relays share. It returns
// what starts it and runs the engine, and what reports its rate once the
// crowd has drained (waiting for the campaign's last message).
func campaignOn(ctx context.Context, db *store.DB, a *telegram.Adapter, budget *engine.Budget, clock clock.Clock, fake *telegramfake.Server, n int, scale float64) (func(context.Context), func() map[string]any, error) {
	const first = 900000
	for i := range n {
		fake.StartedBy(int64(first + i))
	}
	eng := &engine.Engine{Store: db, Clock: clock, Budget: budget, Messengers: map[bot.Platform]bot.Messenger{bot.PlatformTelegram: a}}
	svc := &campaigns.Service{Store: db, Dispatcher: eng, Clock: clock}
	id, err := benchsetup.Campaign(ctx, db, svc, "bench", n, func(i int) string { return strconv.Itoa(first + i) })
	if err != nil {
		return nil, nil, err
	}
	start := func(ctx context.Context) {
		go func() {
			if _, err := svc.Start(ctx, id, bot.Actor{}); err != nil {
				fmt.Fprintln(os.Stderr, "starting the campaign:", err)
			}
		}()
		eng.Run(ctx)
	}
	report := func() map[string]any {
		var at []time.Time
		for deadline := time.Now().Add(time.Duration(n/10+60) * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			at = at[:0]
			for _, m := range fake.Sent() {
				if m.ChatID >= first && m.ChatID < first+int64(n) {
					at = append(at, m.At)
				}
			}
			if len(at) >= n {
				break
			}
		}
		out := map[string]any{"recipients": n, "sent": len(at)}
		if len(at) > 1 {
			sort.Slice(at, func(i, j int) bool { return at[i].Before(at[j]) })
			span := at[len(at)-1].Sub(at[0])
			rate := float64(len(at)-1) / span.Seconds()
			out["sends_per_second"], out["ratio"] = round(rate), round(rate/(30*scale))
			// Every message the bot posted meanwhile, the group's too
			// (forum topics created are not messages, and not counted):
			// what Telegram's 30 a second bounds.
			all := 0
			for _, m := range fake.Sent() {
				if !m.At.Before(at[0]) && !m.At.After(at[len(at)-1]) {
					all++
				}
			}
			out["bot_posts_per_second"] = round(float64(all-1) / span.Seconds())
			out["bot_ratio"] = round(float64(all-1) / span.Seconds() / (30 * scale))
		}
		return out
	}
	return start, report, nil
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }
