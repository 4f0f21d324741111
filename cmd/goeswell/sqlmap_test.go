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

// TestSQLInjectionScan runs sqlmap against a binary built with the
// sqlmaptest tag, which adds one deliberately injectable route: the scan
// must find that route and no other. It first makes sure the scan is
// signed in (the session's requests get pages, not the sign-in page), and
// every target must answer without sending sqlmap to /login.
//
// CI scans every GET route of the API that takes a parameter (each path
// parameter an injection point, every documented query parameter), and
// the form posts of a sample of each feature (one form of at most 12
// fields per feature, every field an injection point). GOESWELL_SQLMAP_ALL=1 scans every form
// the convener's crawl finds and every crawled page with a query string
// as well (about half an hour).
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
		if i > 1200 { // a minute: seeding the demo is slow on a busy machine
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
	// Signed in, or the scan proves nothing: with the session a page
	// answers itself, not a redirect to the sign-in page.
	if cookie == "" {
		t.Fatalf("sign-in set no session cookie (status %d)", res.StatusCode)
	}
	for _, p := range []string{"/account", "/c/1/teams", "/api/v1/me"} {
		req, _ := http.NewRequest("GET", base+p, nil)
		req.Header.Set("Cookie", cookie)
		res, err := noRedirect.Do(req)
		must(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || strings.Contains(res.Header.Get("Location"), "/login") {
			t.Fatalf("with the scan's session %s answers %d (Location %q): the scan would not be signed in", p, res.StatusCode, res.Header.Get("Location"))
		}
		if p == "/api/v1/me" && !strings.Contains(string(b), "convener@example.org") {
			t.Fatalf("with the scan's session /api/v1/me says %.200s", b)
		}
	}

	// The targets: the positive control, then the API's GET routes with
	// real ids, each path parameter marked (*) as an injection point.
	type target struct{ url, data string } // data: a form post's body
	targets := []target{{url: base + "/api/v1/test-only/injectable?name=Harbor%20Safe%20Haven"}}
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
	apiGets := 0
	for _, p := range paths {
		op, ok := doc.Paths[p]["get"]
		if !ok || strings.HasSuffix(p, "openapi.json") {
			continue
		}
		if !strings.Contains(p, "{") && len(op.Parameters) == 0 {
			continue // nothing to inject into
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
		}
		targets = append(targets, target{url: base + u})
		apiGets++
	}
	// Form posts, found by crawling as the convener: one per feature in
	// CI (the feature: the path's first word after the collaborative or
	// team), all of them with GOESWELL_SQLMAP_ALL. Pages with a query
	// string too, with GOESWELL_SQLMAP_ALL.
	crawl := newCrawler(t, base, "convener@example.org", pw)
	crawl.crawl(t, "/", 400)
	feature := regexp.MustCompile(`^/c/\d+(?:/teams/\d+)?/([a-z-]+)`)
	byFeature := map[string]bool{}
	var forms []form
	for _, f := range crawl.forms {
		if destructive(f) || f.file || !strings.HasPrefix(f.action, "/") || len(f.fields) == 0 {
			continue
		}
		m := feature.FindStringSubmatch(f.action)
		key := f.action
		if m != nil {
			key = m[1]
		}
		if !all && (byFeature[key] || len(f.fields) > 12) {
			// CI: one form per feature, and not the wide ones (the data
			// grid has a field per cell: minutes of sqlmap each).
			continue
		}
		byFeature[key] = true
		forms = append(forms, f)
	}
	sort.Slice(forms, func(i, j int) bool { return forms[i].action < forms[j].action })
	for _, f := range forms {
		targets = append(targets, target{url: base + f.action, data: f.fields.Encode()})
	}
	pages := 0
	if all {
		for _, p := range crawl.pages {
			if strings.Contains(p, "?") {
				targets = append(targets, target{url: base + p})
				pages++
			}
		}
	}
	if apiGets < 20 || len(forms) < 5 {
		t.Fatalf("only %d API routes and %d forms to scan: the scan lost its targets", apiGets, len(forms))
	}

	type result struct {
		url        string
		injectable bool
		out        string
	}
	results := make([]result, len(targets))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, tg := range targets {
		wg.Add(1)
		go func(i int, tg target) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			args := []string{"-u", tg.url, "--batch", "--level=1", "--risk=1", "--technique=BEU", "--flush-session",
				"--output-dir=" + filepath.Join(dir, fmt.Sprint("sqlmap", i)), "--cookie=" + cookie, "--timeout=10", "--retries=1"}
			if tg.data != "" {
				args = append(args, "--data="+tg.data, "--method=POST")
			}
			out, _ := exec.Command(sqlmap, args...).CombinedOutput()
			s := string(out)
			name := tg.url
			if tg.data != "" {
				name = "POST " + tg.url + " " + tg.data
			}
			results[i] = result{name, strings.Contains(s, "sqlmap identified the following injection point") || regexp.MustCompile(`appears to be '[^']+' injectable`).MatchString(s), s}
		}(i, tg)
	}
	wg.Wait()
	if !results[0].injectable {
		t.Fatalf("the positive control was not found: the scan proves nothing\n%s", results[0].out)
	}
	signIn := regexp.MustCompile(`redirect to '[^']*/login`)
	for _, r := range results[1:] {
		if r.injectable {
			t.Errorf("sqlmap found an injection point in %s:\n%s", r.url, r.out)
		}
		if signIn.MatchString(r.out) {
			t.Errorf("%s sent sqlmap to the sign-in page: that target was not scanned signed in:\n%.2000s", r.url, r.out)
		}
	}
	t.Logf("sqlmap: the control found; scanned clean: %d API GET routes with parameters, %d form posts (%d features), %d pages", apiGets, len(forms), len(byFeature), pages)
}
