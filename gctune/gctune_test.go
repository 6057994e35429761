package gctune_test

import (
	"math"
	"runtime/debug"
	"testing"

	"github.com/heraldchat/herald/gctune"
)

// TestApplyLeavesWhatTheEnvironmentSets: with GOGC and GOMEMLIMIT set,
// Apply changes nothing; without them, it sets herald's values.
func TestApplyLeavesWhatTheEnvironmentSets(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(percent); debug.SetMemoryLimit(limit) })

	t.Setenv("GOGC", "150")
	t.Setenv("GOMEMLIMIT", "1GiB")
	if p, l := gctune.Apply(); p != 0 || l != 0 {
		t.Fatalf("with the environment set, Apply set %d and %d", p, l)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GC percent %d, want it left at 100", got)
	}

	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	if p, l := gctune.Apply(); p != gctune.Percent || l != gctune.MemoryLimit {
		t.Fatalf("Apply set %d and %d", p, l)
	}
	if got := debug.SetGCPercent(100); got != gctune.Percent {
		t.Fatalf("GC percent %d, want %d", got, gctune.Percent)
	}
	if got := debug.SetMemoryLimit(-1); got != gctune.MemoryLimit {
		t.Fatalf("memory limit %d, want %d", got, gctune.MemoryLimit)
	}
}
