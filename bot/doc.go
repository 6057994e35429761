// Package bot holds herald's domain: the types every other package speaks
// (Address, Contact, List, Campaign, Sending, Conversation, Event, Message),
// the single error type with its codes, the user-facing text catalogue, and
// the ports — the interfaces that storage, platform adapters and the
// campaign engine (Dispatcher) implement.
//
// Import rule: bot imports only the standard library and golang.org/x
// packages. It never imports another package of this module, a platform SDK,
// a database or a YAML library, so that the core is shaped by the domain and
// not by any one platform or storage engine.
package bot
