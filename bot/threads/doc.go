// Package threads gives each participant one thread in the moderators'
// channel: Service relays participants' messages there, delivers
// moderators' replies (by email, batched, when chat cannot reach them),
// runs the thread commands and the delayed closes.
package threads
