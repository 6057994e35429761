package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/heraldchat/herald/bot"
	"github.com/heraldchat/herald/csvfile"
)

// maxShownErrors is how many invalid rows the human summary lists.
const maxShownErrors = 20

// recipients runs "herald recipients check FILE [--json]": exit 0 when
// every row is valid, 1 when some are not, 2 when the file is unusable.
func (m *Main) recipients(args []string) error {
	if len(args) == 0 || args[0] != "check" {
		return usageErrorf("usage: herald recipients check FILE [--json]")
	}
	fs := flag.NewFlagSet("recipients check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	asJSON := fs.Bool("json", false, "print one JSON object")
	if done, err := parseArgs(m.Stdout, fs, args[1:]); done || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageErrorf("usage: herald recipients check FILE [--json]")
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return &exitError{code: 2, err: bot.Errorf(bot.EINVALID, "cannot open %s: %w", path, err)}
	}
	defer f.Close()
	rep, err := csvfile.Check(f)
	if err != nil {
		return &exitError{code: 2, err: fmt.Errorf("%s: %s", path, bot.ErrorMessage(err))}
	}
	if *asJSON {
		enc := json.NewEncoder(m.Stdout)
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		m.printReport(path, rep)
	}
	if rep.Invalid > 0 {
		return &exitError{code: 1, quiet: true}
	}
	return nil
}

func (m *Main) printReport(path string, rep *csvfile.Report) {
	w := m.Stdout
	fmt.Fprintf(w, "%s: %d rows, %d valid, %d invalid\n", path, rep.Rows, rep.Valid, rep.Invalid)
	attrs := strings.Join(rep.Attributes, ", ")
	if attrs == "" {
		attrs = "none"
	}
	delim := rep.Delimiter
	if delim == "\t" {
		delim = "tab"
	}
	fmt.Fprintf(w, "  key column: %s; attributes: %s\n  encoding: %s; delimiter: %s\n", rep.KeyColumn, attrs, rep.Encoding, delim)
	for i, e := range rep.Errors {
		if i == maxShownErrors {
			fmt.Fprintf(w, "  … and %d more invalid rows (--json lists them all)\n", len(rep.Errors)-maxShownErrors)
			break
		}
		fmt.Fprintf(w, "  line %d: %s\n", e.Line, e.Reason)
	}
}
