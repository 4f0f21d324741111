package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/goeswell/goeswell/internal/mail"
	"github.com/goeswell/goeswell/internal/web"
)

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		v := bi.Main.Version
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		if v != "" {
			return v
		}
	}
	return "(devel)"
}

// config is the server's configuration, from flags and GOESWELL_*
// variables (a flag wins over its variable).
type config struct {
	db         string
	addr       string
	baseURL    string
	logFormat  string
	logLevel   string
	trustProxy bool
	tileURL    string
	migrate    bool
	smtp       mail.Config
	oidc       web.OIDCConfig
	filesDir   string
	// auditKeyFile and auditCheckpoints hold the audit chain's key and
	// checkpoints (audit.go).
	auditKeyFile     string
	auditCheckpoints string
	// metricsAddr is where /metrics is served; empty serves it nowhere.
	metricsAddr string
}

// newFlagSet makes a subcommand's flag set that reports errors instead of
// exiting, and prints its help to stdout on -h.
func newFlagSet(name, synopsis string, stdout, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("goeswell "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: goeswell %s %s\n\nFlags:\n", name, synopsis)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	return fs
}

// parse parses flags; -h is success, other errors are usage errors.
func parse(fs *flag.FlagSet, args []string) (help bool, err error) {
	// Parse itself calls Usage on -h and on every error; the help is
	// printed here once, on -h only, and errors are reported as usage errors.
	fs.SetOutput(io.Discard)
	usage := fs.Usage
	fs.Usage = func() {}
	err = fs.Parse(args)
	fs.Usage = usage
	if errors.Is(err, flag.ErrHelp) {
		fs.Usage()
		return true, nil
	}
	if err != nil {
		return false, usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return false, usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return false, nil
}

func env(getenv func(string) string, name, def string) string {
	if v := getenv("GOESWELL_" + name); v != "" {
		return v
	}
	return def
}

func envBool(getenv func(string) string, name string, def bool) bool {
	switch strings.ToLower(getenv("GOESWELL_" + name)) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	return def
}

func defaultDB() string {
	return "sqlite:" + filepath.Join("goeswell-data", "goeswell.db")
}

func (c *config) dbFlag(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.db, "db", env(getenv, "DB", defaultDB()), "database: sqlite:PATH or postgres://USER@HOST/DB (env GOESWELL_DB)")
}

func (c *config) serverFlags(fs *flag.FlagSet, getenv func(string) string) {
	fs.StringVar(&c.addr, "addr", env(getenv, "ADDR", "127.0.0.1:8080"), "listen address (env GOESWELL_ADDR)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", env(getenv, "METRICS_ADDR", ""), "a separate, private listen address for Prometheus /metrics, such as 127.0.0.1:9090; empty serves no metrics (never on --addr) (env GOESWELL_METRICS_ADDR)")
	fs.StringVar(&c.baseURL, "base-url", env(getenv, "BASE_URL", ""), "public URL, used in emailed links; https turns on Secure cookies (env GOESWELL_BASE_URL; default http://ADDR)")
	fs.StringVar(&c.logFormat, "log-format", env(getenv, "LOG_FORMAT", "text"), "log format: text or json (env GOESWELL_LOG_FORMAT)")
	fs.StringVar(&c.logLevel, "log-level", env(getenv, "LOG_LEVEL", "info"), "log level: debug, info, warn or error (env GOESWELL_LOG_LEVEL)")
	fs.BoolVar(&c.trustProxy, "trust-proxy", envBool(getenv, "TRUST_PROXY", false), "take client addresses from X-Forwarded-For (env GOESWELL_TRUST_PROXY)")
	fs.StringVar(&c.tileURL, "tile-url", env(getenv, "TILE_URL", ""), "map tile server URL template for asset maps, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png; empty draws maps without tiles (env GOESWELL_TILE_URL)")
	fs.StringVar(&c.smtp.Addr, "smtp-addr", env(getenv, "SMTP_ADDR", ""), "SMTP server host:port; empty shows invitation links instead of emailing them (env GOESWELL_SMTP_ADDR)")
	fs.StringVar(&c.smtp.From, "smtp-from", env(getenv, "SMTP_FROM", "goeswell@localhost"), "sender address (env GOESWELL_SMTP_FROM)")
	fs.StringVar(&c.smtp.Username, "smtp-user", env(getenv, "SMTP_USER", ""), "SMTP user name (env GOESWELL_SMTP_USER)")
	c.smtp.Password = env(getenv, "SMTP_PASSWORD", "") // only from the environment: flags show up in ps
	fs.StringVar(&c.filesDir, "files", env(getenv, "FILES", ""), "folder for uploaded files (the resource library); default files/ beside a SQLite database; with PostgreSQL, a folder every replica shares (env GOESWELL_FILES)")
	fs.StringVar(&c.oidc.Issuer, "oidc-issuer", env(getenv, "OIDC_ISSUER", ""), "OpenID Connect issuer URL for single sign-on; empty turns it off (env GOESWELL_OIDC_ISSUER)")
	fs.StringVar(&c.oidc.ClientID, "oidc-client-id", env(getenv, "OIDC_CLIENT_ID", ""), "OpenID Connect client id (env GOESWELL_OIDC_CLIENT_ID)")
	fs.StringVar(&c.oidc.Name, "oidc-name", env(getenv, "OIDC_NAME", ""), "the provider's name on the sign-in button (env GOESWELL_OIDC_NAME)")
	c.oidc.ClientSecret = env(getenv, "OIDC_CLIENT_SECRET", "")
}

func (c *config) check() error {
	switch c.logFormat {
	case "text", "json":
	default:
		return usageError{fmt.Sprintf("--log-format %q: want text or json", c.logFormat)}
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(c.logLevel)); err != nil {
		return usageError{fmt.Sprintf("--log-level %q: want debug, info, warn or error", c.logLevel)}
	}
	if c.baseURL != "" && !strings.HasPrefix(c.baseURL, "http://") && !strings.HasPrefix(c.baseURL, "https://") {
		return usageError{fmt.Sprintf("--base-url %q: want an http:// or https:// URL", c.baseURL)}
	}
	if c.tileURL != "" && (!strings.HasPrefix(c.tileURL, "https://") && !strings.HasPrefix(c.tileURL, "http://") || !strings.Contains(c.tileURL, "{z}")) {
		return usageError{fmt.Sprintf("--tile-url %q: want an http(s) URL template with {z}, {x} and {y}", c.tileURL)}
	}
	if c.oidc.Issuer != "" && (!strings.HasPrefix(c.oidc.Issuer, "https://") && !strings.HasPrefix(c.oidc.Issuer, "http://127.0.0.1") || c.oidc.ClientID == "") {
		return usageError{"--oidc-issuer needs an https:// URL and --oidc-client-id"}
	}
	if c.smtp.Addr != "" && !strings.Contains(c.smtp.Addr, ":") {
		return usageError{fmt.Sprintf("--smtp-addr %q: want host:port", c.smtp.Addr)}
	}
	return nil
}

func (c *config) logger(w io.Writer) *slog.Logger {
	var lv slog.Level
	_ = lv.UnmarshalText([]byte(c.logLevel))
	opts := &slog.HandlerOptions{Level: lv}
	if c.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
