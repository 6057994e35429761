// Package status keeps what the status command shows: Board collects the
// platforms' connection state and their recent integration errors.
package status
