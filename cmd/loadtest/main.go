// Command loadtest seeds a goeswell store with a fixture and drives one or
// more running servers with a named mix of requests, then prints the
// latencies, the errors, the writes acknowledged and the rows found
// afterwards. It exits 1 when a request failed or a write is missing.
//
//	loadtest --db postgres://postgres@127.0.0.1:5432/test \
//	  --base http://127.0.0.1:8081,http://127.0.0.1:8082 \
//	  --mix deadline --rate 200 --duration 30s --teams 40 --months 12
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/goeswell/goeswell/internal/loadgen"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	var ue usageError
	switch {
	case err == nil:
	case errors.As(err, &ue):
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// config is the parsed command line.
type config struct {
	db            string
	mix           string
	teams, months int
	wait          time.Duration
	opts          loadgen.Options
}

func parseArgs(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &config{}
	fs.StringVar(&c.db, "db", os.Getenv("GOESWELL_DB"), "the servers' store: sqlite:PATH or postgres://… (default $GOESWELL_DB)")
	bases := fs.String("base", "", "the servers' base URLs, comma-separated (requests go round-robin)")
	fs.StringVar(&c.mix, "mix", "deadline", "the mix: deadline (50% value PUTs, 40% activity POSTs, 10% team measure pages) or measure-page (the collaborative measure page)")
	fs.IntVar(&c.teams, "teams", 40, "teams to seed, each with a director, an API token and a session")
	fs.IntVar(&c.months, "months", 12, "months of measure data to seed per team")
	fs.IntVar(&c.opts.Rate, "rate", 0, "requests per second, open loop (default 200 for deadline)")
	fs.IntVar(&c.opts.Concurrency, "concurrency", 0, "clients each sending the next request when the last is answered (default 50 for measure-page)")
	fs.DurationVar(&c.opts.Duration, "duration", 30*time.Second, "how long to send")
	fs.DurationVar(&c.opts.Timeout, "timeout", 10*time.Second, "per-request timeout")
	fs.DurationVar(&c.wait, "wait", 30*time.Second, "how long to wait for every server's /readyz before starting")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: loadtest --db DSN --base URL[,URL…] [--mix deadline|measure-page] [--rate R | --concurrency C] [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usageError{fmt.Sprintf("unexpected argument %q; see -h", fs.Arg(0))}
	}
	if c.db == "" {
		return nil, usageError{"--db is required: the store the servers use (sqlite:PATH or postgres://…)"}
	}
	if !strings.HasPrefix(c.db, "sqlite:") && !strings.HasPrefix(c.db, "postgres://") && !strings.HasPrefix(c.db, "postgresql://") {
		return nil, usageError{fmt.Sprintf("--db %q: want sqlite:PATH or postgres://USER@HOST:PORT/DB", c.db)}
	}
	for _, b := range strings.Split(*bases, ",") {
		if b = strings.TrimRight(strings.TrimSpace(b), "/"); b != "" {
			c.opts.Bases = append(c.opts.Bases, b)
		}
	}
	if len(c.opts.Bases) == 0 {
		return nil, usageError{"--base is required: the servers' base URLs, such as http://127.0.0.1:8080"}
	}
	known := false
	for _, m := range loadgen.Mixes {
		known = known || m == c.mix
	}
	if !known {
		return nil, usageError{fmt.Sprintf("unknown --mix %q: want %s", c.mix, strings.Join(loadgen.Mixes, " or "))}
	}
	if c.teams < 1 {
		return nil, usageError{fmt.Sprintf("--teams %d: must be at least 1", c.teams)}
	}
	if c.months < 0 || c.months > 120 {
		return nil, usageError{fmt.Sprintf("--months %d: must be between 0 and 120", c.months)}
	}
	if c.opts.Rate == 0 && c.opts.Concurrency == 0 {
		if c.mix == "measure-page" {
			c.opts.Concurrency = 50
		} else {
			c.opts.Rate = 200
		}
	}
	if c.opts.Rate > 0 && c.opts.Concurrency > 0 {
		return nil, usageError{"give --rate or --concurrency, not both"}
	}
	if err := c.opts.Validate(); err != nil {
		return nil, usageError{err.Error()}
	}
	return c, nil
}

// run seeds, drives the servers and reports. It returns an error when a
// request failed or the rows added differ from the writes acknowledged.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			return err
		}
		return usageError{err.Error()}
	}
	if err := loadgen.WaitReady(ctx, c.opts.Bases, c.wait); err != nil {
		return err
	}
	db, err := sqlstore.Open(ctx, c.db)
	if err != nil {
		return fmt.Errorf("open %s: %w", c.db, err)
	}
	defer db.Close()
	t0 := time.Now()
	f, err := loadgen.Seed(ctx, db, c.teams, c.months)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d teams × %d months (collaborative %d) in %v\n", c.teams, c.months, f.CollabID, time.Since(t0).Round(time.Millisecond))
	mix, err := loadgen.NewMix(c.mix, f, strings.HasPrefix(c.opts.Bases[0], "https://"))
	if err != nil {
		return usageError{err.Error()}
	}
	before, err := loadgen.CountWrites(ctx, db, f)
	if err != nil {
		return err
	}
	load := fmt.Sprintf("%d req/s", c.opts.Rate)
	if c.opts.Concurrency > 0 {
		load = fmt.Sprintf("concurrency %d", c.opts.Concurrency)
	}
	fmt.Fprintf(stdout, "mix %s, %s for %v against %s\n", c.mix, load, c.opts.Duration, strings.Join(c.opts.Bases, ", "))
	res, err := loadgen.Run(ctx, c.opts, mix)
	if err != nil {
		return err
	}
	res.Report(stdout)
	// Count with a context of its own: after Ctrl-C the count still tells
	// whether what was acknowledged is there.
	after, err := loadgen.CountWrites(context.WithoutCancel(ctx), db, f)
	if err != nil {
		return err
	}
	rows := after - before
	fmt.Fprintf(stdout, "rows found afterwards: %d (writes acknowledged: %d)\n", rows, res.WritesAcked)
	switch {
	case res.Errors > 0 && rows != res.WritesAcked:
		return fmt.Errorf("%d requests failed, and %d rows for %d acknowledged writes", res.Errors, rows, res.WritesAcked)
	case res.Errors > 0:
		return fmt.Errorf("%d of %d requests failed", res.Errors, res.Sent)
	case rows != res.WritesAcked:
		return fmt.Errorf("%d rows for %d acknowledged writes", rows, res.WritesAcked)
	}
	return nil
}
