// Package campaigns is what moderators do with campaigns: Service creates,
// edits, checks, tries, starts, pauses, resumes, cancels, clones and
// deletes them and writes their reports, over bot's store ports, and tells
// a Dispatcher (the engine) about every change.
//
// It imports bot, and lists for a campaign's uploaded audience.
package campaigns
