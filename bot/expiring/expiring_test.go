package expiring_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/heraldchat/herald/bot/bottest"
	"github.com/heraldchat/herald/bot/expiring"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

func TestPutGetExpire(t *testing.T) {
	clock := bottest.NewClock(t0)
	m := expiring.New[string, int](clock, 0)
	m.Put("a", 1, time.Minute)
	m.Put("b", 2, time.Hour)
	if v, ok := m.Get("a"); !ok || v != 1 {
		t.Fatalf("a = %v %v", v, ok)
	}
	clock.Advance(time.Minute)
	if _, ok := m.Get("a"); ok {
		t.Fatal("a outlived its minute")
	}
	if v, ok := m.Get("b"); !ok || v != 2 {
		t.Fatalf("b = %v %v", v, ok)
	}
	m.Put("c", 3, time.Hour) // sweeps a
	if m.Len() != 2 {
		t.Fatalf("len %d after a sweep, want 2", m.Len())
	}
}

func TestAddIsOnce(t *testing.T) {
	clock := bottest.NewClock(t0)
	seen := expiring.New[string, struct{}](clock, 0)
	if !seen.Add("ev1", time.Hour) || seen.Add("ev1", time.Hour) {
		t.Fatal("an event was new twice, or never")
	}
	clock.Advance(time.Hour)
	if !seen.Add("ev1", time.Hour) {
		t.Fatal("a key was remembered past its time")
	}
}

func TestTakeOnce(t *testing.T) {
	clock := bottest.NewClock(t0)
	m := expiring.New[string, string](clock, 0)
	m.Put("tok", "file", time.Minute)
	if v, found, live := m.Take("tok"); v != "file" || !found || !live {
		t.Fatalf("take: %q %v %v", v, found, live)
	}
	if _, found, _ := m.Take("tok"); found {
		t.Fatal("taken twice")
	}
	m.Put("late", "x", time.Minute)
	clock.Advance(2 * time.Minute)
	if _, found, live := m.Take("late"); !found || live {
		t.Fatalf("an expired value: found %v live %v", found, live)
	}
}

func TestBoundDropsOldest(t *testing.T) {
	clock := bottest.NewClock(t0)
	m := expiring.New[int, int](clock, 3)
	for i := range 5 {
		m.Put(i, i, time.Hour)
	}
	if m.Len() != 3 {
		t.Fatalf("len %d, want 3", m.Len())
	}
	for i, want := range []bool{false, false, true, true, true} {
		if _, ok := m.Get(i); ok != want {
			t.Errorf("key %d held %v, want %v", i, ok, want)
		}
	}
	// Replacing a key does not count it twice.
	m.Put(4, 40, time.Hour)
	if v, _ := m.Get(4); v != 40 || m.Len() != 3 {
		t.Fatalf("replace: %d, len %d", v, m.Len())
	}
}

// TestManyStaysSmall: entries with a short life do not pile up.
func TestManyStaysSmall(t *testing.T) {
	clock := bottest.NewClock(t0)
	m := expiring.New[int, struct{}](clock, 0)
	for i := range 100000 {
		m.Add(i, time.Second)
		clock.Advance(100 * time.Millisecond)
	}
	if n := m.Len(); n > 11 {
		t.Fatalf("%d entries held, want the last second's 10", n)
	}
}

// TestARefreshedKeyDoesNotHoldUpTheSweep: a key put again on every use
// (a limiter kept while in use) moves to the back; the short-lived keys
// put after its first put are swept when their time is up, not kept until
// the bound.
func TestARefreshedKeyDoesNotHoldUpTheSweep(t *testing.T) {
	clock := bottest.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	m := expiring.New[string, int](clock, 0)
	for i := range 1000 {
		m.Put("visitor:10.0.0.1", i, time.Minute) // refreshed on every use
		m.Put(fmt.Sprint("chat:", i), i, 10*time.Second)
		clock.Advance(100 * time.Millisecond)
	}
	if n := m.Len(); n > 200 {
		t.Fatalf("%d entries held; about 100 are live", n)
	}
	if v, ok := m.Get("visitor:10.0.0.1"); !ok || v != 999 {
		t.Fatalf("the refreshed key: %v %v", v, ok)
	}
}
