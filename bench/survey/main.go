// Command survey measures surveys: -recipients respondents answer a
// 5-question survey (a choice, a multiple choice, a 1-5 rating, an NPS
// rating, a text) through herald's survey intake (surveys.Service.Handle:
// each answer durable, with the next question queued in the outbox,
// before it returns), from -writers at once; then `campaign stats` for
// the survey: counting every response and drawing the charts.
//
//	go run ./bench/survey -recipients 100000
//
// answers_per_sec counts answers recorded per second; stats_seconds the
// time to count and draw; peak_anon_mb the largest anonymous memory
// sampled (bbolt's mapped file does not count), peak_rss_mb VmHWM. The
// store is bbolt with fsync on. The last line printed is one JSON
// object.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/heraldchat/herald/bench/internal/benchsetup"
	"github.com/heraldchat/herald/bench/internal/procmem"
	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/bot/clock"
	"github.com/heraldchat/herald/bot/surveys"
	"github.com/heraldchat/herald/plotchart"
)

func main() {
	recipients := flag.Int("recipients", 100000, "respondents, each answering every question")
	writers := flag.Int("writers", 64, "respondents answering at once")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the stats here")
	flag.Parse()
	out, err := run(*recipients, *writers, *cpuprofile)
	if err != nil {
		log.Fatal(err)
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}

func run(recipients, writers int, cpuprofile string) (map[string]any, error) {
	ctx := context.Background()
	mem := procmem.Start()
	db, closeDB, err := benchsetup.TempStore("herald-survey")
	if err != nil {
		return nil, err
	}
	defer closeDB()
	clk := clock.System()
	c := &bot.Campaign{Name: "Feedback", Message: bot.Message{Text: "Five questions about the session."}, State: bot.CampaignDraft,
		Survey: &bot.Survey{Questions: []bot.Question{
			{Kind: bot.QuestionChoice, Text: "How was the session?", Choices: []string{"Great", "Good", "OK", "Poor"}},
			{Kind: bot.QuestionMulti, Text: "Which parts did you like?", Choices: []string{"Talks", "Workshops", "Food", "Venue", "People"}},
			{Kind: bot.QuestionRating, Text: "How was the venue?", Scale: 5},
			{Kind: bot.QuestionRating, Text: "Would you recommend it?", Scale: 10},
			{Kind: bot.QuestionText, Text: "Anything else?"},
		}}}
	if err := db.CreateCampaign(ctx, c); err != nil {
		return nil, err
	}
	if c, err = db.UpdateCampaign(ctx, c.ID, func(c *bot.Campaign) error { c.State = bot.CampaignRunning; return nil }); err != nil {
		return nil, err
	}
	svc := &surveys.Service{Campaigns: db, Store: db, Outbox: db, Clock: clk}
	token := func(q int, v string) string {
		return "sv:" + strconv.FormatUint(uint64(c.ID), 10) + ":" + strconv.Itoa(q) + ":" + v
	}
	var next atomic.Int64
	var answers atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for {
				i := next.Add(1) - 1
				if i >= int64(recipients) {
					return
				}
				who := bot.Actor{Address: bot.Address{Platform: bot.PlatformWeb, ID: "r" + strconv.FormatInt(i, 10)}, Name: "R"}
				steps := []string{
					token(0, strconv.Itoa(r.IntN(4))),
					token(1, strconv.Itoa(r.IntN(5))), token(1, "done"),
					token(2, strconv.Itoa(1+r.IntN(5))),
					token(3, strconv.Itoa(r.IntN(11))),
					"Thanks, it was " + strconv.Itoa(r.IntN(100)) + "% good",
				}
				for _, text := range steps {
					if ok, err := svc.Handle(ctx, who, text, nil); err != nil || !ok {
						log.Fatalf("answer %q: %v %v", text, ok, err)
					}
					answers.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	intake := time.Since(start)
	// The outbox holds the next questions and thanks: a real herald sends
	// them; they are left here, the store's size is what it is.
	mem.StartPhase()
	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return nil, err
		}
		pprof.StartCPUProfile(f)
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	t0 := time.Now()
	st, err := svc.Stats(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	charts := 0
	for i, q := range st.Questions {
		if len(q.Labels) == 0 {
			continue
		}
		if _, err := plotchart.Bars(fmt.Sprintf("%d. %s", i+1, q.Question.Text), q.Labels, q.Counts, q.Answered); err != nil {
			return nil, err
		}
		charts++
	}
	stats := time.Since(t0)
	peak, statsPeak := mem.Stop()
	hwm, _ := procmem.Status("VmHWM")
	if st.Responses != recipients || st.Complete != recipients {
		return nil, fmt.Errorf("stats counted %d responses, %d complete, want %d", st.Responses, st.Complete, recipients)
	}
	return map[string]any{
		"recipients": recipients, "writers": writers, "answers": answers.Load(),
		"answers_per_sec": int(float64(answers.Load()) / intake.Seconds()), "intake_seconds": intake.Seconds(),
		"stats_seconds": stats.Seconds(), "charts": charts, "responses_counted": st.Responses,
		"peak_anon_mb": float64(peak) / 1024, "stats_peak_anon_mb": float64(statsPeak) / 1024, "peak_rss_mb": float64(hwm) / 1024,
	}, nil
}
