package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/sqlstore"
)

// auditFlags are where the audit chain's key and checkpoints live: outside
// the database, so someone who can write the database cannot rewrite the
// chain or cut entries off its end unseen.
func (c *config) auditFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.auditKeyFile, "audit-key-file", env(getenv, "AUDIT_KEY_FILE", ""), "file holding the audit chain's key, created (mode 0600) if absent; default audit.key beside a SQLite database, goeswell-data/audit.key with PostgreSQL, where every replica must share it (env GOESWELL_AUDIT_KEY_FILE)")
	fs.StringVar(&c.auditCheckpoints, "audit-checkpoints", env(getenv, "AUDIT_CHECKPOINTS", ""), "append-only file of audit chain checkpoints; default audit-checkpoints beside the key file (env GOESWELL_AUDIT_CHECKPOINTS)")
}

// auditPaths resolves the audit key and checkpoint files' defaults.
func (c *config) auditPaths() (key, checkpoints string) {
	key = c.auditKeyFile
	if key == "" {
		dir := "goeswell-data"
		if p, ok := strings.CutPrefix(c.db, "sqlite:"); ok {
			dir = filepath.Dir(p)
		}
		key = filepath.Join(dir, "audit.key")
	}
	checkpoints = c.auditCheckpoints
	if checkpoints == "" {
		checkpoints = filepath.Join(filepath.Dir(key), "audit-checkpoints")
	}
	return key, checkpoints
}

// openAuditChain gives db its audit key, creating the key file on first
// use, and its checkpoint file, and checks that the key is the one the
// chain was sealed with: a replica started with another key file refuses
// to run instead of failing to seal every second.
func openAuditChain(ctx context.Context, c config, db *sqlstore.DB, log *slog.Logger) error {
	keyPath, cpPath := c.auditPaths()
	key, err := sqlstore.LoadAuditKey(keyPath, true)
	if err != nil {
		return err
	}
	if err := db.SetAuditChain(sqlstore.AuditChain{Key: key, Checkpoints: cpPath, Log: log}); err != nil {
		return err
	}
	if err := db.CheckAuditKey(ctx); err != nil {
		return fmt.Errorf("%w (key %s, checkpoints %s)", err, keyPath, cpPath)
	}
	return nil
}

// startAuditSealer seals the audit log in the background, once a second,
// until stop is called; stop waits for the last round, which seals what
// the requests finished during shutdown wrote.
func startAuditSealer(db *sqlstore.DB, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		db.RunAuditSealer(ctx, time.Second, log)
	}()
	return func() { cancel(); <-done }
}

func cmdAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const synopsis = "[--db DSN] [--audit-key-file FILE] [--audit-checkpoints FILE]"
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(stdout, "Usage: goeswell audit verify "+synopsis)
			return nil
		}
		return usageError{"want: goeswell audit verify " + synopsis}
	}
	var c config
	fs := newFlagSet("audit verify", synopsis, stdout, stderr)
	c.dbFlag(fs, getenv)
	c.auditFlags(fs, getenv)
	if help, err := parse(fs, args[1:]); help || err != nil {
		return err
	}
	db, err := sqlstore.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	keyPath, cpPath := c.auditPaths()
	key, err := sqlstore.LoadAuditKey(keyPath, true)
	if err != nil {
		return err
	}
	if err := db.SetAuditChain(sqlstore.AuditChain{Key: key, Checkpoints: cpPath}); err != nil {
		return err
	}
	// Seal first, so the report covers every committed entry; a sealer
	// that finds the chain tampered with refuses, and verify says why.
	_, sealErr := db.SealAudit(ctx)
	if sealErr != nil && !errors.Is(sealErr, sqlstore.ErrAuditChain) {
		return sealErr
	}
	r, err := db.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	switch {
	case !r.OK() && r.BrokenAt != 0:
		fmt.Fprintf(stdout, "audit log broken at entry %d: %s\n", r.BrokenAt, r.Problem)
		return exitError(1)
	case !r.OK():
		fmt.Fprintf(stdout, "audit log broken: %s\n", r.Problem)
		return exitError(1)
	case sealErr != nil:
		fmt.Fprintf(stdout, "audit log not sealed: %v\n", sealErr)
		return exitError(1)
	}
	fmt.Fprintf(stdout, "audit log intact: %d entries sealed", r.Sealed)
	if r.Sealed > 0 {
		fmt.Fprintf(stdout, " (newest: entry %d at position %d)", r.Head.ID, r.Head.Seq)
	}
	fmt.Fprintf(stdout, ", %d checkpoints matched (%s)", r.Checkpoints, cpPath)
	if r.Unsealed > 0 {
		fmt.Fprintf(stdout, "; %d entries written since, not yet sealed", r.Unsealed)
	}
	fmt.Fprintln(stdout)
	if r.Checkpoints == 0 && r.Sealed > 0 {
		fmt.Fprintf(stdout, "warning: no checkpoints in %s: entries removed from the end of the log could not be noticed\n", cpPath)
	}
	return nil
}
