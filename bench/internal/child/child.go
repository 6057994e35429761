// Package child runs a benchmark's child processes: the benchmark
// re-executes itself (os.Executable) with other flags, the child logs on
// stderr and answers with one JSON object on stdout.
package child

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Run runs self with args, its stderr the benchmark's, and decodes what it
// writes on stdout into out. An error names the child by its first flags.
func Run(self string, out any, args ...string) error {
	name := strings.Join(args[:min(4, len(args))], " ")
	cmd := exec.Command(self, args...)
	cmd.Stderr = os.Stderr
	b, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, b)
	}
	return nil
}
