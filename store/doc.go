// Package store is the bbolt implementation of bot's store ports: contacts,
// lists, campaigns, sendings, conversations and events, in one file.
//
// Each exported method is exactly one bbolt transaction, so a batch passed to
// one call is one group commit; unexported helpers take a *bolt.Tx. The file
// carries a schema version checked on open and migrated forward in one
// transaction, is opened with a lock timeout so a second herald process on
// the same file fails fast, and is kept at mode 0600.
//
// Import rule: store imports bot, go.etcd.io/bbolt and the standard library.
// It never imports commands, adapters or cmd.
package store
