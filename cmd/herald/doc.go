// Command herald runs the herald bot and its operator commands:
//
//	herald                          run with the embedded default
//	herald run --config FILE        run with a config
//	herald check-config --config F  validate a config, key by key
//	herald backup --config F OUT    hot copy of the database
//	herald version
//
// The package is wiring only: main traps signals and hands off to Main,
// which loads the config, builds the store, the HTTP server and the
// adapters, and shuts them down in order. Main is exported to the package's
// tests so that end-to-end tests drive the real wiring.
//
// Import rule: cmd/herald may import every package of the module; nothing
// imports it.
package main
