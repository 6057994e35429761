// Package bot holds herald's domain: the types every other package speaks
// (Address, Contact, List, Campaign, Sending, Conversation, Event, Message),
// the single error type with its codes, and the ports — the interfaces
// that storage and platform adapters implement. What works on these types
// lives in packages under bot: services (campaigns, lists, contacts,
// threads, events, recipes, surveys, engagement, status), with a
// feature's own types and store port, and helpers the engine may use too
// (audience, personalize, schedule, lifecycle, nudges, moderators).
//
// Import rule: bot imports only the standard library. It never imports
// another package of this module, a platform SDK, a database or a YAML
// library, so that the core is shaped by the domain and not by any one
// platform or storage engine.
package bot
