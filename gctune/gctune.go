// Package gctune sets Go's garbage collector for herald, a long-running
// process whose live heap is small and whose allocations are many (every
// message sent allocates its request, response and records): the
// default (GOGC=100) collects so often that it costs a quarter of the CPU
// of a send. herald collects at GOGC=400 under a soft memory limit of 256
// MiB, so that a large campaign still collects when it must.
//
// The environment wins: GOGC and GOMEMLIMIT, when set, are Go's own
// settings and Apply leaves them.
package gctune

import (
	"os"
	"runtime/debug"
)

// The settings Apply makes when the environment does not.
const (
	Percent     = 400
	MemoryLimit = 256 << 20
)

// Apply sets the collector unless GOGC or GOMEMLIMIT set it, and says
// what it set (for the log): zero values for what the environment kept.
func Apply() (percent int, limit int64) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(Percent)
		percent = Percent
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
		limit = MemoryLimit
	}
	return percent, limit
}
