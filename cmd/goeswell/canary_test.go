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
	posts, accepted := 0, 0
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
			posts++
			if res.StatusCode < 400 {
				accepted++
			}
		}
	}
	t.Logf("%d markers written into the canary collaborative by %d posts (%d accepted)", m.n, posts, accepted)
	// The test is only as strong as what it planted: hundreds of fields,
	// through forms the server took.
	const minMarkers, minAccepted = 500, 300
	if m.n < minMarkers || accepted < minAccepted {
		t.Fatalf("%d markers in %d accepted posts, want at least %d in %d: the crawl of the canary's forms shrank, and the test would prove little",
			m.n, accepted, minMarkers, minAccepted)
	}
	// Positive control: the markers are there to be found by someone
	// allowed to see them, on many pages, by the same crawl and reads the
	// people below get.
	ctl := newCrawler(t, srv.URL, "admin@example.org", srv.Password)
	ctl.crawl(t, base, 400)
	found := map[string]bool{}
	pagesWith := 0
	markerRE := regexp.MustCompile(`(?i)CANARY\d{4}X`)
	for _, p := range ctl.pages {
		ms := markerRE.FindAllString(get(t, ctl.client, srv.URL+p), -1)
		if len(ms) > 0 {
			pagesWith++
		}
		for _, x := range ms {
			found[strings.ToUpper(x)] = true
		}
	}
	t.Logf("positive control: the administrator finds %d of the %d markers on %d of %d pages", len(found), m.n, pagesWith, len(ctl.pages))
	if pagesWith < 30 || len(found) < m.n/2 {
		t.Fatalf("the administrator finds %d of %d markers on %d pages (want half of them, on 30 pages or more): the crawl would not see a leak",
			len(found), m.n, pagesWith)
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
