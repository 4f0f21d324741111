package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/demo"
	"github.com/goeswell/goeswell/internal/mail"
	"github.com/goeswell/goeswell/internal/password"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/web"
)

func cmdServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlagSet("serve", "[flags]", stdout, stderr)
	c.dbFlag(fs, getenv)
	c.serverFlags(fs, getenv)
	c.auditFlags(fs, getenv)
	fs.BoolVar(&c.migrate, "migrate", envBool(getenv, "MIGRATE", false), "migrate the schema before serving (env GOESWELL_MIGRATE)")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	log := c.logger(stderr)
	db, err := sqlstore.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer db.Close()
	if c.migrate {
		if _, err := db.Migrate(ctx); err != nil {
			return err
		}
	}
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	if err := openAuditChain(ctx, c, db, log); err != nil {
		return err
	}
	return serveHTTP(ctx, c, db, log, func(url, metrics string) {
		fmt.Fprintf(stdout, "goeswell is serving at %s (%s store)\n", url, db.Dialect)
		if metrics != "" {
			fmt.Fprintf(stdout, "metrics at %s\n", metrics)
		}
	})
}

// serveHTTP runs the web server until ctx ends, then shuts down
// gracefully, letting requests in flight finish. With --metrics-addr it
// also serves the Prometheus metrics there, and only there: per-route
// counts and latencies are a side channel (who signs in, which pages are
// busy), so the public listener never serves them.
func serveHTTP(ctx context.Context, c config, db *sqlstore.DB, log *slog.Logger, ready func(url, metricsURL string)) error {
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", c.addr, err)
	}
	var mln net.Listener
	if c.metricsAddr != "" {
		if mln, err = net.Listen("tcp", c.metricsAddr); err != nil {
			ln.Close()
			return fmt.Errorf("listen on %s for metrics: %w", c.metricsAddr, err)
		}
		defer mln.Close()
	}
	url := "http://" + ln.Addr().String()
	if c.baseURL == "" {
		c.baseURL = url
	}
	srv, err := web.New(web.Config{DB: db, Logger: log, Mailer: mail.New(c.smtp), Version: version(), BaseURL: c.baseURL, TrustProxy: c.trustProxy, OIDC: c.oidc, FilesDir: c.filesDir, TileURL: c.tileURL})
	if err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 2)
	go func() { errc <- hs.Serve(ln) }()
	metricsURL := ""
	if mln != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", srv.MetricsHandler())
		// Go's profiles, on the private listener only: how an operator
		// finds where a busy replica spends its CPU (go tool pprof
		// http://ADDR/debug/pprof/profile?seconds=20).
		mux.HandleFunc("GET /debug/pprof/", pprof.Index)
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
		mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
		ms := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 90 * time.Second,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		go func() { errc <- ms.Serve(mln) }()
		defer ms.Close()
		metricsURL = "http://" + mln.Addr().String() + "/metrics"
		log.Info("serving metrics", "addr", mln.Addr().String())
	}
	// Reminder emails (when SMTP is configured); every replica runs the
	// loop and each reminder is claimed in the database, so it goes once.
	srv.StartReminders(ctx)
	// The audit sealer: every replica runs it, one seals at a time. It
	// stops after the HTTP server, so the last requests' rows are sealed.
	stopSealer := startAuditSealer(db, log)
	defer stopSealer()
	// On PostgreSQL, writes note the measure periods they changed and one
	// replica at a time folds them into every team's totals.
	foldCtx, stopFolder := context.WithCancel(context.Background())
	defer stopFolder()
	go db.RunMeasureFolder(foldCtx, time.Second, log)
	// Pages parse their templates on first use; parsing them all now, in
	// the background, keeps that from the first visitors without making
	// start-up wait, and logs a broken template at once.
	go func() {
		if err := srv.ParseTemplates(); err != nil {
			log.Error("parse templates", "err", err)
		}
	}()
	log.Info("serving", "addr", ln.Addr().String(), "store", db.Dialect, "version", version())
	ready(c.baseURL, metricsURL)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

func defaultDemoDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "goeswell", "demo")
}

func cmdDemo(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	var dir string
	var reset bool
	fs := newFlagSet("demo", "[--addr HOST:PORT] [--data DIR] [--reset]", stdout, stderr)
	c.serverFlags(fs, getenv)
	fs.StringVar(&dir, "data", env(getenv, "DEMO_DATA", defaultDemoDir()), "folder for the demo database and sign-ins (env GOESWELL_DEMO_DATA)")
	fs.BoolVar(&reset, "reset", false, "delete the demo data and start afresh")
	// The demo's console is for its sign-ins: request lines only on asking.
	if getenv("GOESWELL_LOG_LEVEL") == "" {
		fs.Lookup("log-level").DefValue = "warn"
		c.logLevel = "warn"
	}
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return err
	}
	log := c.logger(stderr)
	dbPath := filepath.Join(dir, "goeswell.db")
	loginsPath := filepath.Join(dir, "demo-logins.txt")
	c.db = "sqlite:" + dbPath
	// The audit key and checkpoints live in the demo folder too; a new
	// database starts a new chain, so its checkpoints go with the old one.
	_, checkpoints := c.auditPaths()
	if reset {
		for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-shm", loginsPath, checkpoints} {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("reset demo: %w", err)
			}
		}
	}
	_, statErr := os.Stat(loginsPath)
	fresh := errors.Is(statErr, os.ErrNotExist)
	if fresh {
		// A database without its sign-ins file is a half-made demo.
		for _, p := range []string{dbPath, dbPath + "-wal", dbPath + "-shm", checkpoints} {
			_ = os.Remove(p)
		}
	}
	db, err := sqlstore.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return err
	}
	if err := openAuditChain(ctx, c, db, log); err != nil {
		return err
	}
	var logins string
	if fresh {
		res, err := demo.Seed(ctx, db)
		if err != nil {
			return fmt.Errorf("seed demo: %w", err)
		}
		imp, err := demo.SeedImprovement(ctx, db, res)
		if err != nil {
			return fmt.Errorf("seed demo improvement work: %w", err)
		}
		if err := demo.SeedAssets(ctx, db, res); err != nil {
			return fmt.Errorf("seed demo asset-based tools: %w", err)
		}
		if err := demo.SeedMonth9(ctx, db, res, imp); err != nil {
			return fmt.Errorf("seed demo month 9: %w", err)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "goeswell demo sign-ins (all share one password)\n\n")
		for _, l := range res.Logins {
			fmt.Fprintf(&b, "%-52s %-36s %s\n", l.Role, l.Email, l.Password)
		}
		logins = b.String()
		// #nosec G703 -- the operator chose the demo folder with --data.
		if err := os.WriteFile(loginsPath, []byte(logins), 0o600); err != nil {
			return fmt.Errorf("write %s: %w", loginsPath, err)
		}
	} else {
		b, err := os.ReadFile(loginsPath) // #nosec G304 -- the operator's own --data folder
		if err != nil {
			return fmt.Errorf("read %s: %w", loginsPath, err)
		}
		logins = string(b)
	}
	return serveHTTP(ctx, c, db, log, func(url, _ string) {
		fmt.Fprintf(stdout, "goeswell demo is serving at %s/login\n\n%s\nData: %s (sign-ins also in %s; --reset starts afresh)\n", url, logins, dir, loginsPath)
	})
}

func cmdMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	fs := newFlagSet("migrate", "[--db DSN]", stdout, stderr)
	c.dbFlag(fs, getenv)
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	db, err := sqlstore.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer db.Close()
	v, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "schema is at version %d\n", v)
	return nil
}

func cmdAdmin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fmt.Fprintln(stdout, "Usage: goeswell admin create --email EMAIL --name NAME [--password-stdin] [--db DSN]")
			return nil
		}
		return usageError{"want: goeswell admin create --email EMAIL --name NAME"}
	}
	var c config
	var email, name string
	var fromStdin bool
	fs := newFlagSet("admin create", "--email EMAIL --name NAME [--password-stdin] [--db DSN]", stdout, stderr)
	c.dbFlag(fs, getenv)
	fs.StringVar(&email, "email", "", "the administrator's email (required)")
	fs.StringVar(&name, "name", "", "the administrator's name (required)")
	fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input; otherwise one is generated and printed")
	if help, err := parse(fs, args[1:]); help || err != nil {
		return err
	}
	email = collab.NormalizeEmail(email)
	v := collab.NewValidation()
	collab.ValidatePerson(v, name, email)
	if err := v.Err(); err != nil {
		for f, m := range collab.FieldErrors(err) {
			return usageError{fmt.Sprintf("--%s: %s", f, strings.TrimPrefix(m, "error."))}
		}
	}
	pw := ""
	if fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
		if len(pw) < collab.MinPasswordLen {
			return usageError{fmt.Sprintf("the password needs at least %d characters", collab.MinPasswordLen)}
		}
	} else {
		pw = newPassword()
	}
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
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
	u := &collab.User{Email: email, Name: strings.TrimSpace(name)}
	who := collab.Who{RemoteAddr: "cli"}
	if err := db.CreateUser(ctx, who, u, hash); err != nil {
		if errors.Is(err, collab.ErrConflict) {
			return usageError{fmt.Sprintf("an account for %s already exists", email)}
		}
		return err
	}
	if err := db.SetSiteAdmin(ctx, who, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created site administrator %s\n", email)
	if !fromStdin {
		fmt.Fprintf(stdout, "password: %s\n(shown once; change it under Account settings)\n", pw)
	}
	return nil
}

// newPassword is 24 random bytes, URL-safe: 192 bits.
func newPassword() string { return webToken() }

func cmdBackup(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c config
	var to string
	fs := newFlagSet("backup", "--to FILE [--db DSN]", stdout, stderr)
	c.dbFlag(fs, getenv)
	fs.StringVar(&to, "to", "", "the file to write (required; must not exist)")
	if help, err := parse(fs, args); help || err != nil {
		return err
	}
	if to == "" {
		return usageError{"--to FILE is required"}
	}
	if !strings.HasPrefix(c.db, "sqlite:") {
		return usageError{"goeswell backs up SQLite only; for PostgreSQL use pg_dump, for example: pg_dump --format=custom --file=goeswell.dump DBNAME"}
	}
	db, err := sqlstore.Open(ctx, c.db)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, to); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up to %s\n", to)
	return nil
}
