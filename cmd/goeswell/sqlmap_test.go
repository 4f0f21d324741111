package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/testskip"
)

// TestSQLInjectionScan runs sqlmap against the API of a binary built with
// the sqlmaptest tag, which adds one deliberately injectable route. The
// scan must find that route and no other. CI scans the routes that take
// query parameters and a sample of the others; GOESWELL_SQLMAP_ALL=1
// scans every GET route of the API, every path parameter included.
func TestSQLInjectionScan(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	sqlmap, err := exec.LookPath("sqlmap")
	if err != nil {
		if os.Getenv("GOESWELL_E2E") != "" {
			t.Fatal("GOESWELL_E2E is set but sqlmap (Debian package sqlmap) is not installed")
		}
		testskip.Skip(t, "SQL injection scan", "install sqlmap (apt-get install sqlmap); GOESWELL_E2E=1 makes its absence a failure")
	}
	bin := filepath.Join(t.TempDir(), "goeswell-sqlmaptest")
	if out, err := exec.Command("go", "build", "-tags", "sqlmaptest", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	dir := t.TempDir()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	srv := exec.CommandContext(ctx, bin, "demo", "--addr", addr, "--data", dir)
	must(t, srv.Start())
	defer func() { cancel(); srv.Wait() }()
	base := "http://" + addr
	for i := 0; ; i++ {
		if res, err := http.Get(base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				break
			}
		}
		if i > 200 {
			t.Fatal("server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	logins, err := os.ReadFile(filepath.Join(dir, "demo-logins.txt"))
	must(t, err)
	pw := string(regexp.MustCompile(`convener@example\.org\s+(\S+)`).FindSubmatch(logins)[1])
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.PostForm(base+"/login", url.Values{"email": {"convener@example.org"}, "password": {pw}})
	must(t, err)
	res.Body.Close()
	var cookie string
	for _, c := range res.Cookies() {
		if c.Name == "goeswell" {
			cookie = "goeswell=" + c.Value
		}
	}

	// The targets: the positive control, then the API's GET routes with
	// real ids, each path parameter marked (*) as an injection point.
	targets := []string{base + "/api/v1/test-only/injectable?name=Harbor%20Safe%20Haven"}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In string
			} `json:"parameters"`
		} `json:"paths"`
	}
	res, err = http.Get(base + "/api/v1/openapi.json")
	must(t, err)
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	must(t, json.Unmarshal(b, &doc))
	ids := map[string]string{"collab": "1", "team": "1", "measure": "1", "app": "1", "meeting": "1", "survey": "1", "fw": "1", "aim": "1", "pdsa": "1"}
	var paths []string
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	all := os.Getenv("GOESWELL_SQLMAP_ALL") != ""
	for n, p := range paths {
		op, ok := doc.Paths[p]["get"]
		if !ok || strings.HasSuffix(p, "openapi.json") {
			continue
		}
		u := regexp.MustCompile(`\{(\w+)\}`).ReplaceAllStringFunc(p, func(m string) string {
			id := ids[m[1:len(m)-1]]
			if id == "" {
				id = "1"
			}
			return id + "*"
		})
		var q []string
		for _, prm := range op.Parameters {
			if prm.In == "query" {
				q = append(q, prm.Name+"=1")
			}
		}
		if len(q) > 0 {
			u += "?" + strings.Join(q, "&")
		} else if !all && n%4 != 0 {
			continue // CI: every route with a query, a quarter of the rest
		}
		targets = append(targets, base+u)
	}

	type result struct {
		url        string
		injectable bool
		out        string
	}
	results := make([]result, len(targets))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, u := range targets {
		wg.Add(1)
		go func(i int, u string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			args := []string{"-u", u, "--batch", "--level=1", "--risk=1", "--technique=BEU", "--flush-session",
				"--output-dir=" + filepath.Join(dir, fmt.Sprint("sqlmap", i)), "--cookie=" + cookie, "--timeout=10", "--retries=1"}
			out, _ := exec.Command(sqlmap, args...).CombinedOutput()
			s := string(out)
			results[i] = result{u, strings.Contains(s, "sqlmap identified the following injection point") || regexp.MustCompile(`appears to be '[^']+' injectable`).MatchString(s), s}
		}(i, u)
	}
	wg.Wait()
	if !results[0].injectable {
		t.Fatalf("the positive control was not found: the scan proves nothing\n%s", results[0].out)
	}
	for _, r := range results[1:] {
		if r.injectable {
			t.Errorf("sqlmap found an injection point in %s:\n%s", r.url, r.out)
		}
	}
	t.Logf("sqlmap: the control found, %d API routes scanned clean", len(results)-1)
}
