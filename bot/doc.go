// Package bot holds herald's domain: the types every other package speaks
// (Address, Contact, List, Campaign, Sending, Conversation, Event, Message),
// the single error type with its codes, and the ports — the interfaces
// that storage, platform adapters and the campaign engine (Dispatcher)
// implement. What works on these types lives in packages under bot:
// services (campaigns, lists, contacts, threads, status) and helpers the
// engine may use too (audience, personalize, schedule, moderators).
//
// Import rule: bot imports only the standard library. It never imports
// another package of this module, a platform SDK, a database or a YAML
// library, so that the core is shaped by the domain and not by any one
// platform or storage engine.
package bot
