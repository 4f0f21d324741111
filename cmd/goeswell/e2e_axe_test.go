package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core 4.14.1, pinned (testdata/axe/README.md: its
// version, checksum and MPL-2.0 license).
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// axeTags are the WCAG rule sets the accessibility test holds every page to.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// A view is how a page is looked at: a window width and a language.
type view struct {
	name   string
	width  int64
	height int64
	lang   string // the browser's Accept-Language
}

// axeViews: every kind of page is checked in the first two (a wide
// English window, a Spanish phone); the representative pages in all four.
var axeViews = []view{
	{"desktop English", 1280, 900, "en-US,en;q=0.9"},
	{"phone Spanish", 390, 844, "es-US,es;q=0.9"},
	{"desktop Spanish", 1280, 900, "es-US,es;q=0.9"},
	{"phone English", 390, 844, "en-US,en;q=0.9"},
}

// axeEverywhere are the kinds of page checked in every view: the pages a
// team member, a respondent or an applicant uses most, and the convener's
// busiest. Every view of every page would take four times as long (about
// 3 s a page view on a loaded two-core machine).
var axeEverywhere = map[string]bool{
	"/login": true, "/c/{id}/apply": true, "/": true, "/c/{id}": true, "/c/{id}/teams": true,
	"/c/{id}/teams/{id}": true, "/c/{id}/teams/{id}/data": true, "/c/{id}/teams/{id}/measures/{id}": true,
	"/c/{id}/teams/{id}/participation": true, "/c/{id}/teams/{id}/moments": true, "/c/{id}/teams/{id}/moments/workshop": true,
	"/c/{id}/teams/{id}/pdsa": true, "/c/{id}/participation": true, "/c/{id}/compensation": true, "/c/{id}/surveys/{id}": true,
	"/c/{id}/measures/{id}": true, "/c/{id}/dashboard": true, "/account": true,
}

// axeScript opens every <details> (a chart's table, a folded menu, an edit
// form), runs axe over the page and reports its violations and how wide
// the page became: on a phone the page must never scroll sideways, tables
// and charts scroll inside their own boxes.
const axeScript = `(async () => {
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  await new Promise(r => setTimeout(r, 50));
  const r = await axe.run(document, {runOnly: {type: "tag", values: %s}, resultTypes: ["violations"]});
  const wide = [];
  if (document.documentElement.scrollWidth > window.innerWidth) {
    for (const el of document.querySelectorAll("body *")) {
      const r = el.getBoundingClientRect();
      if (r.right > window.innerWidth + 1 && !el.parentElement.closest(".table-scroll, figure.chart, .grid-wrap") && wide.length < 4) {
        wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\s+/).join(".") : "") + " to " + Math.round(r.right) + " px");
      }
    }
  }
  return JSON.stringify({
    wide: wide,
    width: document.documentElement.scrollWidth,
    lang: document.documentElement.lang,
    violations: r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
      nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " — " + (n.failureSummary || "").split("\n").slice(0, 2).join(" "))}))
  });
})()`

type axeResult struct {
	Width      int      `json:"width"`
	Wide       []string `json:"wide"`
	Lang       string   `json:"lang"`
	Violations []struct {
		ID, Impact, Help string
		Nodes            []string
	} `json:"violations"`
}

// pattern names a page by its route: ids and query strings dropped, so
// that one page of a kind stands for all of its kind.
func pattern(path string) string {
	path, _, _ = strings.Cut(path, "?")
	return regexp.MustCompile(`/\d+`).ReplaceAllString(path, "/{id}")
}

// TestBrowserAccessibility runs axe-core (WCAG 2.0, 2.1 and 2.2 A and AA
// rules) in chromium over the demo's pages as five roles — convener,
// coach, funder, a team's director and its direct-service advocate — and
// the public pages, at 1280 px in English and at a 390 px phone width in
// Spanish (the pages in axeEverywhere also at 1280 px in Spanish and
// 390 px in English), and fails on any violation. On the phone it
// also fails when a page (with every <details> open, a chart's table
// included) is wider than the screen, and when the convener's menu
// pushes a team page's heading below the first screen.
//
// One page per route pattern: the crawl of each role finds every page it
// can open; a pattern a role before it has already checked is not checked
// again, except the most used (axeEverywhere), which every role checks as
// it sees them. The advocate goes first, the convener (who sees the most
// forms) second.
func TestBrowserAccessibility(t *testing.T) {
	srv := startDemo(t)
	logins, err := os.ReadFile(filepath.Join(srv.Dir, "demo-logins.txt"))
	if err != nil {
		t.Fatal(err)
	}
	director := regexp.MustCompile(`director\.[a-z-]+@example\.org`).Find(logins)
	advocate := regexp.MustCompile(`advocate\.[a-z-]+@example\.org`).Find(logins)
	if director == nil || advocate == nil {
		t.Fatalf("no team members in demo-logins.txt:\n%s", logins)
	}
	roles := []struct{ name, email string }{
		{"advocate", string(advocate)},
		{"convener", "convener@example.org"},
		{"director", string(director)},
		{"coach", "coach@example.org"},
		{"funder", "funder@example.org"},
		{"anonymous", ""},
	}
	start := time.Now()
	checked := map[string]bool{}
	everyView := map[string]bool{} // kinds already checked in all four views
	runs := 0
	for _, role := range roles {
		var pages []string
		if role.email == "" {
			pages = []string{"/login", "/login/forgot", "/c/1/apply", "/s-done"}
		} else {
			c := newCrawler(t, srv.URL, role.email, srv.Password)
			c.crawl(t, "/", 500)
			pages = c.pages
		}
		// A kind of page another role checked is skipped, except the
		// most used ones, which each role sees with its own forms.
		var mine []string
		seen := map[string]bool{}
		for _, p := range pages {
			if pt := pattern(p); !seen[pt] && (!checked[pt] || axeEverywhere[pt]) {
				checked[pt], seen[pt] = true, true
				mine = append(mine, p)
			}
		}
		t.Logf("%s: %d pages found, %d new kinds of page to check", role.name, len(pages), len(mine))
		if len(mine) == 0 {
			continue
		}
		ctx := newBrowserWithin(t, 25*time.Minute)
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axeSource}); err != nil {
			t.Fatal(err)
		}
		if role.email != "" {
			if err := signIn(ctx, srv.URL, role.email, srv.Password); err != nil {
				t.Fatalf("%s signs in: %v", role.name, err)
			}
		}
		tags, _ := json.Marshal(axeTags)
		script := fmt.Sprintf(axeScript, tags)
		// The last two views once per kind: a later role's re-check of a
		// most used page is in the first two.
		fourViews := map[string]bool{}
		for _, p := range mine {
			if pt := pattern(p); axeEverywhere[pt] && !everyView[pt] {
				fourViews[pt], everyView[pt] = true, true
			}
		}
		for vi, v := range axeViews {
			setView(t, ctx, v)
			for _, p := range mine {
				if vi >= 2 && !fourViews[pattern(p)] {
					continue
				}
				runs++
				res, err := checkPage(ctx, srv.URL+p, script)
				if err != nil {
					t.Errorf("%s, %s, %s: %v", role.name, v.name, p, err)
					continue
				}
				want := v.lang[:2]
				if res.Lang != want {
					t.Errorf("%s, %s, %s: <html lang=%q>, want %q", role.name, v.name, p, res.Lang, want)
				}
				for _, viol := range res.Violations {
					t.Errorf("%s, %s, %s: axe %s (%s): %s\n\t%s", role.name, v.name, p, viol.ID, viol.Impact, viol.Help, strings.Join(viol.Nodes, "\n\t"))
				}
				if v.width < 400 && res.Width > int(v.width) {
					t.Errorf("%s, %s, %s: the page is %d px wide on a %d px screen (with its details open): %s", role.name, v.name, p, res.Width, v.width, strings.Join(res.Wide, "; "))
				}
			}
		}
	}
	kinds := make([]string, 0, len(checked))
	for k := range checked {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	t.Logf("axe-core over %d kinds of page, %d page views, in %s", len(kinds), runs, time.Since(start).Round(time.Second))
	if len(kinds) < 40 {
		t.Errorf("only %d kinds of page checked: the crawl is not reaching the demo's pages", len(kinds))
	}
}

// setView sets the window's width and the browser's language.
func setView(t *testing.T, ctx context.Context, v view) {
	t.Helper()
	opts := []chromedp.EmulateViewportOption{}
	if v.width < 600 {
		opts = append(opts, chromedp.EmulateMobile)
	}
	do(t, ctx, chromedp.EmulateViewport(v.width, v.height, opts...))
	if _, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": v.lang}}); err != nil {
		t.Fatal(err)
	}
}

// checkPage loads a page and runs the axe script on it.
func checkPage(ctx context.Context, url, script string) (*axeResult, error) {
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitReady(chromedp.CSS(`body`))); err != nil {
		return nil, err
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, err
	}
	var res axeResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		return nil, err
	}
	return &res, nil
}

// TestBrowserPhoneMenu: on a 390 px phone the convener's twenty menu links
// fold under "Menu", so a team page's heading is on the first screen (it
// was about 200 px down); the menu opens from its summary, and a window
// widened past a phone's shows the menu again.
func TestBrowserPhoneMenu(t *testing.T) {
	srv := startDemo(t)
	ctx := newBrowser(t)
	if err := signIn(ctx, srv.URL, "convener@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	setView(t, ctx, view{"phone English", 390, 844, "en-US"})
	do(t, ctx, chromedp.Navigate(srv.URL+"/c/1/teams/1"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	top := read(t, ctx, chromedp.Evaluate[float64](`document.querySelector("main h1").getBoundingClientRect().top`))
	links := read(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll(".collab-nav li a")].filter(a => a.checkVisibility()).length`))
	t.Logf("phone: heading at %.0f px, %d menu links showing", top, links)
	if top > 300 || links != 0 {
		t.Errorf("phone: the heading starts at %.0f px with %d menu links showing; want the menu folded and the heading near the top", top, links)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`.collab-menu summary`)))
	if links := read(t, ctx, chromedp.Evaluate[int](`[...document.querySelectorAll(".collab-nav li a")].filter(a => a.checkVisibility()).length`)); links < 15 {
		t.Errorf("phone: %d menu links after opening the menu, want the convener's (15 or more)", links)
	}
	open := read(t, ctx, chromedp.Evaluate[float64](`document.querySelector("main h1").getBoundingClientRect().top`))
	t.Logf("phone, menu open: heading at %.0f px", open)
	do(t, ctx, chromedp.Navigate(srv.URL+"/c/1/teams/1"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	setView(t, ctx, view{"desktop English", 1280, 900, "en-US"})
	waitTrue(t, ctx, `[...document.querySelectorAll(".collab-nav li a")].filter(a => a.checkVisibility()).length >= 15`)
}
