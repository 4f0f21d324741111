// Command goeswell runs the goeswell server and its tools: a demo in one
// command, the production server on SQLite or PostgreSQL, migrations, the
// first administrator, backups and the SPC engine.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	var ee exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		os.Exit(int(ee))
	default:
		fmt.Fprintln(os.Stderr, "goeswell:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a status after the command has already
// said what was wrong.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is bad input on the command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

const usage = `goeswell — run wellbeing learning collaboratives.

Usage:
  goeswell demo [--addr HOST:PORT] [--data DIR] [--reset]
                                   start the server on a demo collaborative
  goeswell serve [flags]           start the server
  goeswell migrate [--db DSN]      bring the database schema up to date
  goeswell admin create --email E --name N [--password-stdin]
                                   create a site administrator account
  goeswell audit verify [--db DSN] seal and check the audit log's hash chain
  goeswell backup --to FILE [--db DSN]
                                   copy a SQLite database while it runs
  goeswell spc [flags] FILE.csv    compute a run or control chart
  goeswell version                 print the version
  goeswell help                    print this help

Every command takes -h. Flags may also be set as GOESWELL_* environment
variables, for example GOESWELL_DB for --db.
`

// run is the whole program, with its environment passed in so tests can
// drive it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitError(2)
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "demo":
		err = cmdDemo(ctx, rest, getenv, stdout, stderr)
	case "serve":
		err = cmdServe(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		err = cmdMigrate(ctx, rest, getenv, stdout, stderr)
	case "admin":
		err = cmdAdmin(ctx, rest, getenv, stdin, stdout, stderr)
	case "audit":
		err = cmdAudit(ctx, rest, getenv, stdout, stderr)
	case "backup":
		err = cmdBackup(ctx, rest, getenv, stdout, stderr)
	case "spc":
		err = cmdSPC(rest, stdin, stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "goeswell", version())
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "goeswell: unknown command %q\n\n%s", cmd, usage)
		return exitError(2)
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(stderr, "goeswell "+cmd+":", ue.msg)
		return exitError(2)
	}
	return err
}
