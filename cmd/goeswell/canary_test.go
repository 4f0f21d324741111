package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

// marker makes the canary strings: unique, easy to find, valid in names.
type marker struct{ n int }

func (m *marker) next() string { m.n++; return fmt.Sprintf("CANARY%04dX", m.n) }

// fillMarkers replaces every text value of a form with a fresh marker
// (emails get a marker local part).
func fillMarkers(f form, m *marker) url.Values {
	out := url.Values{}
	for k, vs := range f.fields {
		v := vs[0]
		switch {
		case v == probe:
			out.Set(k, m.next())
		case v == "xss.probe@example.org":
			out.Set(k, strings.ToLower(m.next())+"@example.org")
		default:
			out[k] = vs
		}
	}
	return out
}

// TestCanaryLeaks fills a canary collaborative with unique markers in
// every field a site administrator can write, then reads every page,
// every download linked from them, and every API list, as every person of
// the demo collaborative, and finds no marker anywhere.
func TestCanaryLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	srv := startDemo(t)
	admin := newCrawler(t, srv.URL, "admin@example.org", srv.Password)
	m := &marker{}
	// The canary collaborative, with a team.
	res, err := admin.client.PostForm(srv.URL+"/collaboratives", url.Values{"name": {m.next()}, "aim": {m.next()}, "startDate": {"2026-01-01"},
		"endDate": {"2027-06-30"}, "status": {"active"}, "requiredRoles": {"director", "direct_service"}, "minReps": {"1"}, "hoursMin": {"4"},
		"hoursMax": {"6"}, "criteria": {m.next()}})
	must(t, err)
	res.Body.Close()
	canary := regexp.MustCompile(`/c/(\d+)$`).FindStringSubmatch(res.Request.URL.Path)
	if canary == nil {
		t.Fatalf("no canary collaborative (landed on %s)", res.Request.URL)
	}
	base := "/c/" + canary[1]
	res, err = admin.client.PostForm(srv.URL+base+"/teams", url.Values{"name": {m.next()}, "kind": {"organization"}, "region": {m.next()}, "sector": {m.next()}, "size": {"small"}, "focus": {m.next()}})
	must(t, err)
	res.Body.Close()
	// Everything the admin can write in it, twice over so that second-level
	// pages (a PDSA cycle's, a measure's) exist before their forms are read.
	for round := 0; round < 2; round++ {
		c := newCrawler(t, srv.URL, "admin@example.org", srv.Password)
		c.crawl(t, base, 300)
		for _, f := range c.forms {
			if destructive(f) || !strings.HasPrefix(f.action, base) {
				continue
			}
			res, err := c.client.PostForm(srv.URL+f.action, fillMarkers(f, m))
			must(t, err)
			res.Body.Close()
		}
	}
	t.Logf("%d markers written into the canary collaborative", m.n)
	// Positive control: the markers are there to be found by someone
	// allowed to see them.
	if b := get(t, admin.client, srv.URL+base+"/teams"); !strings.Contains(b, "CANARY") {
		t.Fatal("the administrator does not see the canary's markers: the test would prove nothing")
	}

	apiLists := apiListPaths(t, srv.URL)
	for _, who := range []string{"convener", "coach", "funder", "director.harbor", "advocate.harbor", "director.pioneer"} {
		c := newCrawler(t, srv.URL, who+"@example.org", srv.Password)
		c.crawl(t, "/", 400)
		var bodies []string
		for _, p := range c.pages {
			bodies = append(bodies, get(t, c.client, srv.URL+p))
		}
		// Downloads linked from the pages, and the API's lists in the
		// person's own collaborative.
		downloads := 0
		for p := range c.downloads {
			if !strings.Contains(p, "/logout") && !strings.Contains(p, "/invite/") {
				bodies = append(bodies, get(t, c.client, srv.URL+p))
				downloads++
			}
		}
		for _, p := range apiLists {
			bodies = append(bodies, get(t, c.client, srv.URL+strings.ReplaceAll(p, "{collab}", "1")))
		}
		for i, b := range bodies {
			if strings.Contains(strings.ToUpper(b), "CANARY") {
				t.Errorf("%s: response %d holds a canary marker: %.200s", who, i, b[strings.Index(strings.ToUpper(b), "CANARY")-100:])
			}
		}
		t.Logf("%s: %d pages, %d downloads, %d API lists read: no marker", who, len(c.pages), downloads, len(apiLists))
		if os.Getenv("DEBUGCRAWL") != "" {
			t.Log(c.pages, c.downloads)
		}
	}
}

func get(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	res, err := c.Get(u)
	must(t, err)
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// apiListPaths reads the OpenAPI document for GET routes whose only
// parameter is the collaborative.
func apiListPaths(t *testing.T, base string) []string {
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	must(t, json.Unmarshal([]byte(get(t, http.DefaultClient, base+"/api/v1/openapi.json")), &doc))
	var out []string
	for p, ops := range doc.Paths {
		if _, ok := ops["get"]; !ok || strings.HasSuffix(p, "openapi.json") {
			continue
		}
		rest := strings.ReplaceAll(p, "{collab}", "")
		if !strings.Contains(rest, "{") {
			out = append(out, p)
		}
	}
	return out
}
