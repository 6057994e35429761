package teams

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

// However late requests reach the server, the gate keeps what the server
// counts within the windows: the server stamps each request somewhere
// between its sending and its answer, each way taking at least 2 ms and
// up to 3 ms more.
func TestGateKeepsTheServersWindows(t *testing.T) {
	g := newGate([]window{{time.Second, 10}, {2 * time.Second, 12}}, 20) // 10 in 50 ms, 12 in 100 ms
	var mu sync.Mutex
	var stamps []time.Time
	var wg sync.WaitGroup
	for range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			answered, _, err := g.enter(context.Background(), false)
			if err != nil {
				t.Error(err)
				return
			}
			time.Sleep(2*time.Millisecond + time.Duration(rand.IntN(3000))*time.Microsecond) // on the way
			mu.Lock()
			stamps = append(stamps, time.Now())
			mu.Unlock()
			time.Sleep(2*time.Millisecond + time.Duration(rand.IntN(3000))*time.Microsecond) // the answer's way back
			answered()
		}()
	}
	wg.Wait()
	slices.SortFunc(stamps, func(a, b time.Time) int { return a.Compare(b) })
	for _, w := range []window{{50 * time.Millisecond, 10}, {100 * time.Millisecond, 12}} {
		for i := range stamps {
			n := 0
			for _, s := range stamps[i:] {
				if s.Sub(stamps[i]) < w.d {
					n++
				}
			}
			if n > w.n {
				t.Fatalf("the server counted %d in %s, the limit is %d", n, w.d, w.n)
			}
		}
	}
}

// A request given up while it waits counts for nothing; a request counts
// from its sending until a window after its answer.
func TestGateGivenUp(t *testing.T) {
	g := newGate([]window{{time.Hour, 2}}, 1)
	var dones []func()
	for range 2 {
		done, _, err := g.enter(context.Background(), false)
		if err != nil {
			t.Fatal(err)
		}
		dones = append(dones, done)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, _, err := g.enter(ctx, false); err == nil {
		t.Fatal("a third request within the hour went")
	}
	for _, d := range dones {
		d()
	}
	if g.idle() {
		t.Fatal("idle with two requests answered within the hour")
	}
	// A request not sent after all takes its place back.
	g = newGate([]window{{time.Hour, 1}}, 1)
	_, unsent, err := g.enter(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	unsent()
	ctx, cancel = context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, _, err := g.enter(ctx, false); err != nil {
		t.Fatalf("the place of a request not sent: %v", err)
	}
}

// When a place frees, an interactive request held goes before a bulk one
// (a campaign's message) held longer.
func TestGateInteractiveFirst(t *testing.T) {
	g := newGate([]window{{time.Hour, 1}}, 1)
	_, unsent, err := g.enter(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	held := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
			g.mu.Lock()
			w := g.waiting
			g.mu.Unlock()
			if w == n {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d held, want %d", w, n)
			}
		}
	}
	went := make(chan string, 2)
	var undo sync.Map
	for i, bulk := range []bool{true, false} {
		go func() {
			_, u, err := g.enter(context.Background(), bulk)
			if err != nil {
				t.Error(err)
				return
			}
			undo.Store(bulk, u)
			went <- map[bool]string{true: "bulk", false: "interactive"}[bulk]
		}()
		held(i + 1)
	}
	unsent()
	if first := <-went; first != "interactive" {
		t.Fatalf("%s went first", first)
	}
	u, _ := undo.Load(false)
	u.(func())()
	if next := <-went; next != "bulk" {
		t.Fatalf("then %s", next)
	}
}
