// Package engine is herald's durable dispatcher for campaigns. When a
// campaign's start comes it records one sending per recipient before
// anything is sent, then sends each at its planned time: resolving the
// address, personalising the message, pacing it through the platform's
// Limiter, retrying passing failures along the campaign's ladder, and
// writing every transition in group commits. After a crash it resends
// what was in flight, or reconciles it with platforms that take a key.
//
// Engine implements campaigns.Dispatcher, the port through which
// campaigns.Service tells it about changes and tries one message.
//
// Import rule: engine imports bot of this module, and nothing else of it.
// Only cmd/herald (the wiring) and the benchmarks import engine.
package engine
