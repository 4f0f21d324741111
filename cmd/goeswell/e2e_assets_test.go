package main

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/goeswell/goeswell/internal/assetmap"
)

// TestBrowserAssets: a team member adds three community assets and sees
// them on the map and in the list, records a success moment, and exports
// the map as GeoJSON that reads back; the convener makes a wellbeing
// check-in and a link for the team; someone answers it from a private
// window (a fresh browser, no cookies); the results then show the single
// answer nowhere: one answer is less than a batch of the threshold, so
// it is not released and counts in no number.
func TestBrowserAssets(t *testing.T) {
	member := newBrowser(t)
	srv := startDemo(t)
	if err := signIn(member, srv.URL, "director.harbor@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	signedIn(t, member)
	assets := srv.URL + "/c/1/teams/1/assets"
	// The demo's own assets come first; ours add three.
	before := read(t, member, chromedp.Evaluate[int](`fetch("/c/1/teams/1/assets.geojson").then(r => r.json()).then(g => g.features.length)`, chromedp.EvalAwaitPromise))
	for _, a := range []struct{ name, kind, lat, lng string }{
		{"Laundromat bulletin board", "place", "42.3601", "-71.0589"},
		{"Grandma Inez", "person", "42.3651", "-71.0542"},
		{"Saturday soccer pickup", "event", "42.3555", "-71.0650"},
	} {
		do(t, member,
			chromedp.Navigate(assets),
			chromedp.WaitVisible(chromedp.CSS(`#asset-form`)),
			chromedp.SendKeys(chromedp.CSS(`#asset-form #f-name`), a.name),
			chromedp.SetValue(chromedp.CSS(`#asset-form #f-kind`), a.kind),
			chromedp.SendKeys(chromedp.CSS(`#asset-form #f-lat`), a.lat),
			chromedp.SendKeys(chromedp.CSS(`#asset-form #f-lng`), a.lng),
			chromedp.Click(chromedp.CSS(`#asset-form input[value="social_connectedness"]`)),
			chromedp.Submit(chromedp.CSS(`#asset-form #f-name`)),
		)
		// The redirect back lists the new asset.
		waitTrue(t, member, `(document.querySelector("#asset-list") || {innerText: ""}).innerText.includes(`+strconv.Quote(a.name)+`)`)
	}
	list := read(t, member, chromedp.Text(chromedp.CSS(`#asset-list`)))
	for _, n := range []string{"Laundromat bulletin board", "Grandma Inez", "Saturday soccer pickup"} {
		if !strings.Contains(list, n) {
			t.Errorf("the list lacks %q: %s", n, list)
		}
	}
	// The map without tiles: one numbered point per asset.
	if pts := read(t, member, chromedp.Evaluate[int](`document.querySelectorAll("#asset-plain svg g.pt").length`)); pts != before+3 {
		t.Errorf("the map shows %d points, want %d", pts, before+3)
	}
	if title := read(t, member, chromedp.TextContent(chromedp.CSS(`#asset-plain svg g.pt title`))); !strings.Contains(title, "1. ") {
		t.Errorf("first point's title %q", title)
	}
	// GeoJSON export parses and reads back.
	geo := read(t, member, chromedp.Evaluate[string](`fetch("/c/1/teams/1/assets.geojson").then(r => r.text())`, chromedp.EvalAwaitPromise))
	back, err := assetmap.ReadGeoJSON(strings.NewReader(geo))
	if err != nil || len(back) != before+3 || !back[0].HasLocation {
		t.Fatalf("GeoJSON export: %v %+v", err, back)
	}

	// A success moment.
	do(t, member,
		chromedp.Navigate(srv.URL+"/c/1/teams/1/moments"),
		chromedp.WaitVisible(chromedp.CSS(`#moment-form`)),
		chromedp.SendKeys(chromedp.CSS(`#moment-form #f-title`), "The landlord called back"),
		chromedp.SendKeys(chromedp.CSS(`#moment-form #f-story`), "He agreed to wait two weeks for the rent."),
		chromedp.SendKeys(chromedp.CSS(`#moment-form #f-madePossible`), "A neighbour who vouched for her"),
		chromedp.Submit(chromedp.CSS(`#moment-form #f-title`)),
		chromedp.WaitVisible(chromedp.CSS(`dl.moment`)),
	)
	if h1 := read(t, member, chromedp.Text(chromedp.CSS(`main h1`))); h1 != "The landlord called back" {
		t.Errorf("after saving, the page shows %q", h1)
	}

	// The convener makes a check-in and a shared link for the team.
	conv := newBrowser(t)
	if err := signIn(conv, srv.URL, "convener@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	signedIn(t, conv)
	do(t, conv,
		chromedp.Navigate(srv.URL+"/c/1/surveys"),
		chromedp.WaitVisible(chromedp.CSS(`#survey-form`)),
		chromedp.SendKeys(chromedp.CSS(`#survey-form #f-title`), "Spring snapshot"),
		chromedp.SetValue(chromedp.CSS(`#survey-form #f-kind`), "five_domains"),
		chromedp.Submit(chromedp.CSS(`#survey-form #f-title`)),
		chromedp.WaitVisible(chromedp.CSS(`#links-form`)),
	)
	surveyURL := read(t, conv, chromedp.Evaluate[string](`location.pathname`))
	do(t, conv,
		chromedp.SetValue(chromedp.CSS(`#links-form #f-team`), "1"),
		chromedp.Submit(chromedp.CSS(`#links-form #f-team`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.links input.copy`)),
	)
	link := read(t, conv, chromedp.Value(chromedp.CSS(`ul.links input.copy`)))
	if !strings.Contains(link, "/s/") {
		t.Fatalf("check-in link %q", link)
	}
	link = srv.URL + link[strings.Index(link, "/s/"):]

	// Someone answers from a private window: no account, no cookies.
	anon := newBrowser(t)
	do(t, anon,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#respond-form`)),
		chromedp.Click(chromedp.CSS(`#respond-form input[name="have_safety"][value="4"]`)),
		chromedp.Click(chromedp.CSS(`#respond-form input[name="have_social_connectedness"][value="5"]`)),
		chromedp.SendKeys(chromedp.CSS(`#respond-form textarea`), "I give up seeing friends to stay safe"),
		chromedp.Submit(chromedp.CSS(`#respond-form textarea`)),
		chromedp.WaitVisible(chromedp.CSS(`#survey-done`)),
	)
	if h1 := read(t, anon, chromedp.Text(chromedp.CSS(`main h1`))); h1 != "Thank you" {
		t.Fatalf("after answering: %q", h1)
	}
	if cookies := read(t, anon, chromedp.Evaluate[string](`document.cookie`)); cookies != "" {
		t.Errorf("the respondent got cookies: %q", cookies)
	}

	// One answer is fewer than a batch of the threshold: not released, so
	// counted nowhere (the results show 0 released, never 1).
	do(t, conv, chromedp.Navigate(srv.URL+surveyURL), chromedp.WaitVisible(chromedp.CSS(`table.results`)))
	total := read(t, conv, chromedp.Text(chromedp.CSS(`table.results tr.total`)))
	if !strings.Contains(total, "0") || strings.Contains(total, "1") {
		t.Errorf("the total row shows %q", total)
	}
	page := read(t, conv, chromedp.Text(chromedp.CSS(`main`)))
	if strings.Contains(page, "I give up seeing friends") {
		t.Error("a single free-text answer is shown")
	}
	api := read(t, conv, chromedp.Evaluate[string](`fetch("/api/v1/collaboratives/1/surveys").then(r => r.text())`, chromedp.EvalAwaitPromise))
	if strings.Contains(api, `"n": 1`) {
		t.Errorf("the API shows the respondents: %s", api)
	}
}

// waitTrue evaluates a script until it is true, across the navigation a
// form post causes (an evaluation during one fails and is retried).
func waitTrue(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("still false after 15s: %s", expr)
}

// signedIn waits until the sign-in post has landed: the login page has an
// h1 too, so waiting for one does not tell the pages apart.
func signedIn(t *testing.T, ctx context.Context) {
	t.Helper()
	waitTrue(t, ctx, `location.pathname !== "/login" && document.readyState === "complete"`)
}
