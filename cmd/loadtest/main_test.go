package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestFlags checks that each bad command line gets a usage error saying
// what is wrong, before anything is seeded.
func TestFlags(t *testing.T) {
	ok := []string{"--db", "sqlite:x.db", "--base", "http://127.0.0.1:1"}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--base", "http://127.0.0.1:1"}, "--db is required"},
		{[]string{"--db", "mysql://x", "--base", "http://127.0.0.1:1"}, "want sqlite:PATH or postgres://"},
		{[]string{"--db", "sqlite:x.db"}, "--base is required"},
		{[]string{"--db", "sqlite:x.db", "--base", "127.0.0.1:8080"}, "want http://HOST:PORT"},
		{append(ok, "--mix", "lunch"), `unknown --mix "lunch"`},
		{append(ok, "--teams", "0"), "--teams 0"},
		{append(ok, "--months", "-1"), "--months -1"},
		{append(ok, "--rate", "10", "--concurrency", "5"), "not both"},
		{append(ok, "--rate", "-3"), "must not be negative"},
		{append(ok, "--duration", "0s"), "duration must be positive"},
		{append(ok, "extra"), `unexpected argument "extra"`},
	} {
		var out, errb bytes.Buffer
		err := run(context.Background(), tc.args, &out, &errb)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want a usage error containing %q", tc.args, err, tc.want)
		}
	}
}

// TestHarness runs the harness briefly against real servers: one on
// SQLite, and two replicas on PostgreSQL when GOESWELL_TEST_POSTGRES is
// set. Both mixes must finish with no error and, for the deadline mix, as
// many rows as acknowledged writes (run returns an error otherwise).
func TestHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("load harness test skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), "goeswell")
	if out, err := exec.Command("go", "build", "-o", bin, "../goeswell").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, st := range []struct {
		name     string
		dsn      func(testing.TB) string
		replicas int
	}{
		{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "load.db") }, 1},
		{"postgres", sqltest.PostgresDSN, 2},
	} {
		t.Run(st.name, func(t *testing.T) {
			dsn := st.dsn(t)
			if out, err := exec.Command(bin, "migrate", "--db", dsn).CombinedOutput(); err != nil {
				t.Fatalf("migrate: %v\n%s", err, out)
			}
			var bases []string
			for range st.replicas {
				bases = append(bases, "http://"+serve(t, bin, dsn))
			}
			for _, args := range [][]string{
				{"--mix", "deadline", "--rate", "40", "--duration", "2s", "--teams", "5", "--months", "3"},
				{"--mix", "measure-page", "--concurrency", "4", "--duration", "1s", "--teams", "3", "--months", "6"},
			} {
				var out, errb bytes.Buffer
				err := run(context.Background(), append([]string{"--db", dsn, "--base", strings.Join(bases, ",")}, args...), &out, &errb)
				t.Logf("loadtest %s:\n%s%s", strings.Join(args, " "), out.String(), errb.String())
				if err != nil {
					t.Fatalf("loadtest %s: %v", args[1], err)
				}
				if !regexp.MustCompile(`[1-9][0-9]* requests in .*, 0 errors`).MatchString(out.String()) {
					t.Errorf("no requests or some errors in the report")
				}
				m := regexp.MustCompile(`rows found afterwards: (\d+) \(writes acknowledged: (\d+)\)`).FindStringSubmatch(out.String())
				if m == nil || m[1] != m[2] {
					t.Errorf("rows and acknowledged writes: %v", m)
				}
				if args[1] == "deadline" && m != nil && m[2] == "0" {
					t.Errorf("no write acknowledged")
				}
			}
		})
	}
}

// auditKeys holds one audit key file per PostgreSQL database.
var auditKeys sync.Map

// serve starts `goeswell serve` on a free port, stops it when the test
// ends, and prints its log if the test failed.
func serve(t *testing.T, bin, dsn string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logs := &lockedBuffer{}
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", addr, "--log-level", "warn")
	if !strings.HasPrefix(dsn, "sqlite:") {
		// Replicas of one database share one audit key and checkpoints,
		// kept with the test rather than in the working folder.
		k, _ := auditKeys.LoadOrStore(dsn, filepath.Join(t.TempDir(), "audit.key"))
		cmd.Env = append(os.Environ(), "GOESWELL_AUDIT_KEY_FILE="+k.(string))
	}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server %s log:\n%s", addr, logs)
		}
	})
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	return addr
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
