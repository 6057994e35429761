// Command clicks measures engagement: a campaign of -recipients sent
// (their sendings recorded), each recipient clicking one of the message's
// two tracked links through herald's HTTP handler (web.Links on loopback:
// the token checked, the message rendered again, the click recorded in
// one transaction, the 302), from -clickers at once; then `campaign stats`'
// summary and the engagement export of every recipient.
//
//	go run ./bench/clicks -recipients 100000
//
// clicks_per_sec counts clicks recorded per second, click_p99_ms the 99th
// percentile of a click's round trip; summary_seconds and export_seconds
// time the summary and the export (one CSV row per recipient);
// peak_anon_mb is the largest anonymous memory sampled, peak_rss_mb
// VmHWM. The store is bbolt with fsync on. The last line printed is one
// JSON object.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldchat/herald/adapters/web"
	"github.com/heraldchat/herald/bench/internal/benchsetup"
	"github.com/heraldchat/herald/bench/internal/procmem"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/engagement"
	"github.com/heraldchat/herald/bot/personalize"
)

func main() {
	recipients := flag.Int("recipients", 100000, "recipients, each clicking once")
	clickers := flag.Int("clickers", 32, "clicks at once")
	flag.Parse()
	out, err := run(*recipients, *clickers)
	if err != nil {
		log.Fatal(err)
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}

// rows counts the rows of an export.
type rows struct{ n int }

func (r *rows) WriteRow([]string) error { r.n++; return nil }

func run(recipients, clickers int) (map[string]any, error) {
	ctx := context.Background()
	mem := procmem.Start()
	db, closeDB, err := benchsetup.TempStore("herald-clicks")
	if err != nil {
		return nil, err
	}
	defer closeDB()
	clk := clock.System()
	c := &bot.Campaign{Name: "Launch", KeyColumn: "email", State: bot.CampaignDraft, Message: bot.Message{
		Text:    "Hello {{first_name}}: our [plan](https://example.org/plan?who={{first_name}}) and https://example.org/faq.",
		Buttons: []bot.Button{{Label: "Join", Action: bot.Action{Kind: bot.ActionLink, URL: "https://example.org/join"}}}}}
	if err := db.CreateCampaign(ctx, c); err != nil {
		return nil, err
	}
	now := clk.Now().UTC()
	for from := 0; from < recipients; from += 5000 {
		var ss []*bot.Sending
		for i := from; i < min(from+5000, recipients); i++ {
			ss = append(ss, &bot.Sending{Key: fmt.Sprintf("p%d@example.org", i), Attributes: map[string]string{"first_name": fmt.Sprintf("P%d", i)},
				State: bot.SendingSent, SentAt: now, Address: bot.Address{Platform: bot.PlatformTelegram, ID: fmt.Sprint(100000 + i)}})
		}
		if err := db.CreateSendings(ctx, c.ID, ss); err != nil {
			return nil, err
		}
	}
	if c, err = db.UpdateCampaign(ctx, c.ID, func(c *bot.Campaign) error { c.State = bot.CampaignRunning; return nil }); err != nil {
		return nil, err
	}
	key, err := db.Secret(ctx, "link-signing", 32)
	if err != nil {
		return nil, err
	}
	tr := &engagement.Tracker{Store: db, Key: key, BaseURL: "https://herald.example.org", Clock: clk,
		Render: func(c *bot.Campaign, s *bot.Sending, at time.Time) (bot.Message, error) {
			return personalize.Compile(c.Message).Personalize(personalize.NewVars(c.KeyColumn, s.Key, s.Attributes, c.Defaults, at))
		}}
	// Each recipient's message as sent: its first link's token.
	tokens := make([]string, recipients)
	for after := bot.SendingID(0); ; {
		page, err := db.Sendings(ctx, c.ID, after, 5000)
		if err != nil {
			return nil, err
		}
		for _, s := range page {
			m, err := tr.Render(c, s, now)
			if err != nil {
				return nil, err
			}
			m = tr.Rewrite(c, s, now, m)
			tok, _ := strings.CutPrefix(engagement.Links(m)[int(s.ID)%2], tr.BaseURL+"/l/")
			tokens[s.ID-1] = tok
		}
		if len(page) < 5000 {
			break
		}
		after = page[len(page)-1].ID
	}
	mux := http.NewServeMux()
	(&web.Links{Clicks: tr, Log: slog.New(slog.DiscardHandler)}).Routes(mux)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{MaxIdleConnsPerHost: clickers}}
	base := "http://" + ln.Addr().String() + "/l/"

	mem.StartPhase()
	var next atomic.Int64
	lat := make([][]time.Duration, clickers)
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := time.Now()
	for w := range clickers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(recipients) {
					return
				}
				req, _ := http.NewRequest("GET", base+tokens[i], nil)
				req.Header.Set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
				t := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failed.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusFound {
					failed.Add(1)
				}
				lat[w] = append(lat[w], time.Since(t))
			}
		}()
	}
	wg.Wait()
	clicking := time.Since(start)
	if failed.Load() > 0 {
		return nil, fmt.Errorf("%d clicks failed", failed.Load())
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	t0 := time.Now()
	sum, err := tr.Summary(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	summary := time.Since(t0)
	t0 = time.Now()
	var out rows
	if err := tr.Export(ctx, c.ID, &out); err != nil {
		return nil, err
	}
	export := time.Since(t0)
	peak, _ := mem.Stop()
	hwm, _ := procmem.Status("VmHWM")
	if sum.Clicked != recipients || sum.Clicks != recipients || out.n != recipients+1 {
		return nil, fmt.Errorf("counted %d clicked, %d clicks, %d rows; want %d", sum.Clicked, sum.Clicks, out.n, recipients)
	}
	return map[string]any{
		"recipients": recipients, "clickers": clickers, "clicks_per_sec": int(float64(recipients) / clicking.Seconds()),
		"click_p50_ms": ms(all[len(all)/2]), "click_p99_ms": ms(all[len(all)*99/100]),
		"summary_seconds": summary.Seconds(), "export_seconds": export.Seconds(),
		"peak_anon_mb": float64(peak) / 1024, "peak_rss_mb": float64(hwm) / 1024,
	}, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
