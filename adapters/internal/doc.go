// Package internal holds helpers the platform adapters share and nothing
// else may import: ButtonIDs keeps long button values behind short ids for
// platforms whose buttons carry little data.
package internal
