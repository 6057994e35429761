package main_test

import (
	"testing"

	"github.com/heraldchat/herald/config"
	"github.com/heraldchat/herald/engine"
)

// TestConfigDefaultsAreTheEngines: config cannot import the engine, so it
// repeats the engine's default; this keeps the two equal.
func TestConfigDefaultsAreTheEngines(t *testing.T) {
	if got := config.Default().Engine.Workers; got != engine.DefaultWorkers {
		t.Errorf("config's default engine.workers = %d, the engine's = %d", got, engine.DefaultWorkers)
	}
}
