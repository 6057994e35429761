package csvfile

import (
	"math/rand/v2"
	"testing"
)

// TestKeySetAgreesWithAMap inserts random hashes, many of them repeated,
// into tables that start small (so they grow many times, and probe runs
// wrap past the last slot) or reserved, and checks every answer against a
// map.
func TestKeySetAgreesWithAMap(t *testing.T) {
	for _, reserve := range []int{0, 5_000, 50_000} {
		rng := rand.New(rand.NewPCG(1, uint64(reserve)))
		var s keySet
		s.reserve(reserve)
		want := map[[2]uint64]int32{}
		var pool [][2]uint64
		for line := int32(2); line < 40_000; line++ {
			var h [2]uint64
			if len(pool) > 0 && rng.IntN(4) == 0 {
				h = pool[rng.IntN(len(pool))] // a repeat
			} else {
				h = [2]uint64{rng.Uint64(), rng.Uint64()}
				if rng.IntN(8) == 0 {
					h[1] = ^uint64(0) - uint64(rng.IntN(3)) // homes in the last slot
				}
				pool = append(pool, h)
			}
			first, dup := s.insert(h[0], h[1], line)
			w, seen := want[h]
			if dup != seen || dup && first != w {
				t.Fatalf("reserve %d, line %d: insert = (%d, %v), want (%d, %v)", reserve, line, first, dup, w, seen)
			}
			if !seen {
				want[h] = line
			}
		}
		if s.n != len(want) || 4*s.n > 3*len(s.tags) {
			t.Fatalf("reserve %d: %d keys in %d slots, want %d at most three quarters full", reserve, s.n, len(s.tags), len(want))
		}
	}
}

// TestKeySetComparesTheWholeHash inserts keys whose tags are all the same
// and whose other bits differ: none is a repeat, and each is found again.
func TestKeySetComparesTheWholeHash(t *testing.T) {
	var s keySet
	for i := range 10_000 {
		if first, dup := s.insert(7<<32, uint64(i)<<40|uint64(i), int32(i+2)); dup {
			t.Fatalf("key %d taken for the key of line %d: only its tag is the same", i, first)
		}
	}
	for i := range 10_000 {
		if first, dup := s.insert(7<<32, uint64(i)<<40|uint64(i), 0); !dup || first != int32(i+2) {
			t.Fatalf("key %d again: (%d, %v), want (%d, true)", i, first, dup, i+2)
		}
	}
}

// TestKeySetReserveFits checks that a table reserved for n keys holds them
// without growing and costs about 16 bytes a slot at 4/3 slots a key.
func TestKeySetReserveFits(t *testing.T) {
	var s keySet
	s.reserve(100_000)
	slots := len(s.tags)
	for i := range 100_000 {
		s.insert(uint64(i)<<32, uint64(i)*0x9E3779B97F4A7C15, int32(i))
	}
	if len(s.tags) != slots || slots > 100_000*4/3+1 {
		t.Fatalf("%d slots reserved, %d after 100,000 keys: want no growth and at most 133,334", slots, len(s.tags))
	}
}
