package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"

	"github.com/heraldchat/herald/bench/internal/child"
	"github.com/heraldchat/herald/bench/internal/fakeplatform"
)

// against compares this build's engine with another build's (o.against,
// a binary of this bench built from other code): each run starts both
// engine children at the same moment against the one fake, so that they
// meet the same machine, and compares their CPU per message. Pairs run
// one after the other cannot see a difference of a few percent on a
// machine whose speed drifts by more between runs; two children at once
// differ by 1–2% when they are the same build. The last stdout line:
//
//	cpu_us_per_send          this build's, median of the runs
//	against_cpu_us_per_send  the other build's
//	cpu_ratio                the other's CPU over this one's, median (cpu_ratio_each_run: every run's)
//	seconds, against_seconds each child's campaign, Start to done (they share the fake, so these say little)
func against(self string, fake *fakeplatform.Remote, o options) error {
	if _, err := os.Stat(o.against); err != nil {
		return fmt.Errorf("-against: %w", err)
	}
	args := []string{"-mode", "engine", "-url", fake.URL(), "-n", strconv.Itoa(o.n), "-workers", strconv.Itoa(o.workers),
		"-limit", o.limit, fmt.Sprintf("-nosync=%v", o.nosync), fmt.Sprintf("-noop=%v", o.noop)}
	var mine, theirs, ratio, secs, theirSecs []float64
	for r := range o.runs {
		if err := fake.Reset(); err != nil {
			return err
		}
		var a, b engineResult
		errs := make(chan error, 2)
		go func() { errs <- child.Run(self, &a, args...) }()
		go func() { errs <- child.Run(o.against, &b, args...) }()
		for range 2 {
			if err := <-errs; err != nil {
				return err
			}
		}
		n := float64(o.n)
		mine, theirs = append(mine, a.CPUSeconds*1e6/n), append(theirs, b.CPUSeconds*1e6/n)
		ratio = append(ratio, b.CPUSeconds/a.CPUSeconds)
		secs, theirSecs = append(secs, a.Seconds), append(theirSecs, b.Seconds)
		fmt.Fprintf(os.Stderr, "run %d: this build %.1f µs/send, the other %.1f (ratio %.3f)\n", r+1, mine[r], theirs[r], ratio[r])
	}
	each := append([]float64(nil), ratio...)
	for i := range each {
		each[i] = round(each[i])
	}
	out := map[string]any{
		"recipients": o.n, "workers": o.workers, "runs": o.runs, "against": o.against,
		"cpu_us_per_send": round(median(mine)), "against_cpu_us_per_send": round(median(theirs)),
		"cpu_ratio": round(median(ratio)), "cpu_ratio_each_run": each,
		"seconds": round(median(secs)), "against_seconds": round(median(theirSecs)),
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	return nil
}

func median(vals []float64) float64 {
	s := append([]float64(nil), vals...)
	sort.Float64s(s)
	return s[len(s)/2]
}
