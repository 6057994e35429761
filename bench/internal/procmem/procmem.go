// Package procmem samples the benchmark process's own memory from
// /proc/self/status: the peak of its anonymous memory (RssAnon, which
// bbolt's mapped file pages do not count in), and any field read once.
package procmem

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Sampler keeps the peak of the process's RssAnon. Linux keeps a
// high-water mark of the whole RSS (VmHWM, which counts bbolt's mapped
// file pages too, the page cache's to drop) but none of its anonymous
// part: so a goroutine reads /proc/self/status every 50 ms and keeps the
// largest value seen. A peak shorter than that can be missed.
type Sampler struct {
	peak, phase atomic.Int64 // kB: whole life, since StartPhase
	quit, done  chan struct{}
}

// Start samples RssAnon every 50 ms until Stop.
func Start() *Sampler {
	s := &Sampler{quit: make(chan struct{}), done: make(chan struct{})}
	s.sample()
	go func() {
		defer close(s.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-s.quit:
				return
			case <-tick.C:
				s.sample()
			}
		}
	}()
	return s
}

func (s *Sampler) sample() {
	kb, err := Status("RssAnon")
	if err != nil {
		return
	}
	for _, p := range []*atomic.Int64{&s.peak, &s.phase} {
		for {
			old := p.Load()
			if kb <= old || p.CompareAndSwap(old, kb) {
				break
			}
		}
	}
}

// StartPhase starts the second peak afresh, from the current RssAnon.
func (s *Sampler) StartPhase() {
	s.phase.Store(0)
	s.sample()
}

// Stop takes a last sample and returns both peaks in kB.
func (s *Sampler) Stop() (peak, phase int64) {
	close(s.quit)
	<-s.done
	s.sample()
	return s.peak.Load(), s.phase.Load()
}

// Status reads a field of /proc/self/status given in kB.
func Status(field string) (int64, error) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), ":")
		if ok && name == field {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(val), "kB")), 10, 64)
		}
	}
	return 0, fmt.Errorf("/proc/self/status has no %s", field)
}

// MB converts kB to MB.
func MB(kb int64) float64 { return float64(kb) / 1024 }
