package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestMetricsPrivate (issue 11 item 11): the public listener never serves
// /metrics (per-route counters and latencies are a timing side channel);
// with --metrics-addr the metrics are served there. Before the fix anyone
// could read /metrics on the public address.
func TestMetricsPrivate(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	db := "sqlite:" + filepath.Join(t.TempDir(), "m.db")
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--migrate", "--addr", "127.0.0.1:0", "--metrics-addr", "127.0.0.1:0"},
			func(string) string { return "" }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server: %v", err)
			}
		case <-time.After(25 * time.Second):
			t.Error("server did not shut down")
		}
	})
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var public, metrics string
	for public == "" || metrics == "" {
		select {
		case l := <-lines:
			if m := regexp.MustCompile(`serving at (http://\S+)`).FindStringSubmatch(l); m != nil {
				public = m[1]
			}
			if m := regexp.MustCompile(`metrics at (http://\S+)`).FindStringSubmatch(l); m != nil {
				metrics = m[1]
			}
		case err := <-done:
			t.Fatalf("server stopped: %v", err)
		case <-time.After(60 * time.Second):
			t.Fatal("server did not start")
		}
	}
	get := func(u string) (int, string) {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	if code, _ := get(public + "/healthz"); code != 200 {
		t.Fatalf("healthz: %d", code)
	}
	if code, body := get(public + "/metrics"); code != http.StatusNotFound || strings.Contains(body, "goeswell_http_requests_total") {
		t.Errorf("public /metrics: %d", code)
	}
	if code, body := get(metrics); code != 200 || !strings.Contains(body, `goeswell_http_requests_total{code="200",route="GET /healthz"}`) {
		t.Errorf("metrics listener: %d\n%.500s", code, body)
	}
	// Go's profiles: on the private listener, never on the public one.
	private := strings.TrimSuffix(metrics, "/metrics")
	if code, body := get(private + "/debug/pprof/"); code != 200 || !strings.Contains(body, "goroutine") {
		t.Errorf("private pprof index: %d", code)
	}
	if code, body := get(public + "/debug/pprof/"); code == 200 || strings.Contains(body, "goroutine") {
		t.Errorf("public pprof index: %d", code)
	}
}
