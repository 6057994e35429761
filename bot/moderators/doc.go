// Package moderators says who may run herald's commands: a Set of user
// ids and platform groups per platform, and the web console's logins.
// The config builds the Set; the command language and the adapters that
// check moderators before acting ask it.
package moderators
