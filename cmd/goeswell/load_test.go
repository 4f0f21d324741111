package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/loadgen"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// logBuffer keeps a server's log output for printing when a test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServeLogged is startServe keeping the server's output: it is
// printed if the test fails, so a failure names its cause rather than
// "internal error". The server is stopped when the test ends.
func startServeLogged(t *testing.T, bin, dsn, addr string) {
	t.Helper()
	logs := &logBuffer{}
	cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", addr, "--log-level", "warn")
	if k := auditKeyFile(t, dsn); k != "" {
		// Replicas of one database share one audit key and checkpoints.
		cmd.Env = append(os.Environ(), "GOESWELL_AUDIT_KEY_FILE="+k)
	}
	cmd.Stdout, cmd.Stderr = logs, logs
	must(t, cmd.Start())
	// Cleanups run last-in first-out: stop the server, then print its log.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server %s log:\n%s", addr, logs)
		}
	})
	t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
	if err := loadgen.WaitReady(context.Background(), []string{"http://" + addr}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
}

// TestLoadDeadline is the monthly data deadline (loadgen's deadline mix:
// team leads sending measure values and activity hours at a fixed rate,
// one request in ten a view of their team's measure page) on SQLite (one
// server) and on PostgreSQL (two replicas sharing the database). Every
// answer must be the right one (a page with its content, not a redirect
// to /login; a JSON write acknowledgement), and the rows added must equal
// the writes acknowledged. Latencies are printed, not asserted: CI
// machines vary. GOESWELL_LOAD_SECONDS, GOESWELL_LOAD_RATE and
// GOESWELL_LOAD_USERS make it longer; cmd/loadtest is the full harness.
func TestLoadDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	seconds, rate, users := envInt("GOESWELL_LOAD_SECONDS", 4), envInt("GOESWELL_LOAD_RATE", 100), envInt("GOESWELL_LOAD_USERS", 40)
	bin := goeswellBinary(t)
	stores := []struct {
		name     string
		dsn      func(t testing.TB) string
		replicas int
	}{
		{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "load.db") }, 1},
		{"postgres", sqltest.PostgresDSN, 2},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := st.dsn(t)
			db, err := sqlstore.Open(ctx, dsn)
			must(t, err)
			defer db.Close()
			f, err := loadgen.Seed(ctx, db, users, 6)
			must(t, err)
			before, err := loadgen.CountWrites(ctx, db, f)
			must(t, err)
			var bases []string
			for i := 0; i < st.replicas; i++ {
				addr := freeAddr(t)
				startServeLogged(t, bin, dsn, addr)
				bases = append(bases, "http://"+addr)
			}
			mix, err := loadgen.NewMix("deadline", f, false)
			must(t, err)
			opts := loadgen.Options{Bases: bases, Rate: rate, Duration: time.Duration(seconds) * time.Second}
			res, err := loadgen.Run(ctx, opts, mix)
			must(t, err)
			var out strings.Builder
			res.Report(&out)
			t.Logf("%s, %d replica(s), %d teams: %s", st.name, st.replicas, users, out.String())
			if res.Errors != 0 {
				t.Errorf("%d of %d requests failed; the first: %v", res.Errors, res.Sent, res.FirstErrors)
			}
			if res.WritesAcked == 0 {
				t.Errorf("no write was acknowledged")
			}
			if s := res.ByKind["dashboard"]; s.N == 0 {
				t.Errorf("no dashboard was viewed")
			}
			after, err := loadgen.CountWrites(ctx, db, f)
			must(t, err)
			if rows := after - before; rows != res.WritesAcked {
				t.Errorf("%d rows added, %d writes acknowledged", rows, res.WritesAcked)
			}
		})
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
