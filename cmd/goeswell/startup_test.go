package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStartupTimes prints (and does not assert: a shared machine makes
// wall time noise) what start-up costs: `goeswell version`, and `serve`
// on a migrated SQLite database until /healthz first answers 200. CPU
// is the process's own, from rusage for version and from the kernel's
// per-thread run time (/proc/PID/task/*/schedstat, Linux) for serve.
// Run with -v to read the figures.
func TestStartupTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("start-up figures skipped in -short mode")
	}
	bin := goeswellBinary(t)
	for i := 0; i < 5; i++ {
		start := time.Now()
		cmd := exec.Command(bin, "version")
		if out, err := cmd.Output(); err != nil || !strings.HasPrefix(string(out), "goeswell") {
			t.Fatalf("version: %v %q", err, out)
		}
		wall := time.Since(start)
		ps := cmd.ProcessState
		rss := int64(0)
		if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
			rss = ru.Maxrss
		}
		t.Logf("version: wall %v, cpu %v, max rss %d KiB", wall.Round(time.Millisecond), (ps.UserTime() + ps.SystemTime()).Round(time.Millisecond), rss)
	}
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "startup.db")
	if out, err := exec.Command(bin, "migrate", "--db", dsn).CombinedOutput(); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	for i := 0; i < 5; i++ {
		addr := freeAddr(t)
		start := time.Now()
		cmd := exec.Command(bin, "serve", "--db", dsn, "--addr", addr, "--log-level", "warn")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		var wall time.Duration
		for time.Since(start) < 20*time.Second {
			res, err := http.Get("http://" + addr + "/healthz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					wall = time.Since(start)
					break
				}
			}
			time.Sleep(2 * time.Millisecond)
		}
		cpu := threadsCPU(cmd.Process.Pid)
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
		if wall == 0 {
			t.Fatal("serve: /healthz never answered 200")
		}
		t.Logf("serve to first /healthz 200: wall %v, cpu %v", wall.Round(time.Millisecond), cpu.Round(time.Millisecond))
	}
}

// threadsCPU sums the time a process's threads have run, or 0 where
// /proc has no schedstat.
func threadsCPU(pid int) time.Duration {
	tasks, _ := filepath.Glob(filepath.Join("/proc", strconv.Itoa(pid), "task", "*", "schedstat"))
	var ns int64
	for _, f := range tasks {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if fields := strings.Fields(string(b)); len(fields) > 0 {
			n, _ := strconv.ParseInt(fields[0], 10, 64)
			ns += n
		}
	}
	return time.Duration(ns)
}
