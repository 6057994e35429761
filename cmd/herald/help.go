package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// subcommandHelp is each subcommand's help: what it does and an example;
// its flags are listed after.
var subcommandHelp = map[string]string{
	"run": `Usage: herald run [--config FILE] [--listen ADDR]

Runs herald until it is stopped (Ctrl-C or SIGTERM), with the config FILE,
or with the embedded default (web chat and console) when there is none.
--listen (or $HERALD_LISTEN) sets the HTTP address in place of http.listen.

Example:
  herald run --config herald.yaml --listen 127.0.0.1:9090`,
	"events": `Usage: herald events tail [-n N] [--follow] [--config FILE]

Prints the last N events of herald's log (what happened to whom: joins,
messages, the event API's events), one JSON object a line, oldest first;
with --follow, then the new ones as they come, until interrupted. Works on
a running herald through its control socket, or on the database when
stopped.

Example:
  herald events tail -n 50 --config herald.yaml`,
	"token": `Usage: herald token create NAME | list | revoke NAME [--config FILE]

Manages the tokens other systems use for herald's event API (POST
/api/v1/events, Authorization: Bearer TOKEN). create prints a new token once
(only its hash is kept); revoke refuses it from then on (403). Works on a
running herald through its control socket, or on the database when stopped.

Example:
  herald token create crm --config herald.yaml`,
	"recipes": `Usage: herald recipes export [OUT] | import FILE [--config FILE]

Writes every recipe, business-hours calendar and webhook as one YAML file
(to OUT, or standard output), in the command language moderators type, so
that they can live in version control; import reads such a file back,
making or replacing each by name. A webhook's secrets are never in the
file: they are written as ${HERALD_WEBHOOK_NAME_SECRET} and
${HERALD_WEBHOOK_NAME_AUTH} references, read from the environment of the
import (a new signing secret is made when the variable is not set). A file
with a mistake changes nothing and says where. Works on a running herald
through its control socket, or on the database when stopped.

Example:
  herald recipes export --config herald.yaml recipes.yaml`,
	"console-token": `Usage: herald console-token reset [--config FILE]

Makes a new login token for the web console and prints it once (only its
hash is kept). When herald runs, it takes the new token at once and every
console session opened with the old one ends; otherwise it takes it at its
next start. Refused when the config sets web.console_token: change it there.

Example:
  herald console-token reset --config herald.yaml`,
	"check-config": `Usage: herald check-config --config FILE

Validates a config and lists every problem by key; exit 0 when it is valid.

Example:
  herald check-config --config herald.yaml`,
	"backup": `Usage: herald backup [--config FILE] [--force] OUT

Writes a consistent copy of the database to OUT (mode 0600), while herald
runs or not. OUT must be a new file unless --force; never the live database.

Example:
  herald backup --config herald.yaml backups/herald-2026-12-01.db`,
	"recipients check": `Usage: herald recipients check FILE [--json]

Checks a recipient file (CSV from Excel and friends): encoding, delimiter,
key column, every row. Exit 0 when all rows are valid, 1 when some are not,
2 when the file is unusable.

Example:
  herald recipients check people.csv`,
}

// parseArgs parses args for the subcommand of fs; --help (or -h) prints the
// subcommand's help and its flags to out and reports done, for exit 0.
func parseArgs(out io.Writer, fs *flag.FlagSet, args []string) (done bool, err error) {
	err = parse(fs, args)
	var u *exitError
	if errors.As(err, &u) && errors.Is(u.err, flag.ErrHelp) {
		var flags strings.Builder
		fs.SetOutput(&flags)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		fmt.Fprintf(out, "%s\n\nFlags:\n%s", subcommandHelp[fs.Name()], flags.String())
		return true, nil
	}
	return false, err
}
