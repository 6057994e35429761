// Package audience walks the recipients of a campaign's audience (a
// stored list, or a platform's reachable contacts) in source order, and
// says which column keys them and how keys compare. Campaigns check an
// audience with it before the start; the engine prepares the sendings
// from it.
package audience
