package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserImprovementLoop: a team pastes twelve months of a measure
// that doubled and sees the signal named in plain words; it adopts a PDSA
// cycle linked to another measure and still sees the signal (a cycle is a
// note on the chart, not a new phase, and suggests no recalculation here);
// recalculating the limits from a month it chooses gives two phases with
// the reason shown. On a 390 px phone the data grid shows one month's
// inputs, with their labels, on the first screen.
func TestBrowserImprovementLoop(t *testing.T) {
	b := newBrowser(t)
	srv := startDemo(t)
	if err := signIn(b, srv.URL, "advocate.harbor@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, b, chromedp.WaitVisible(chromedp.CSS(`.account-nav`)))
	team := srv.URL + "/c/1/teams/1"
	// The demo collaborative began twelve months ago.
	now := time.Now().UTC()
	start := time.Date(now.Year(), now.Month()-12, 1, 0, 0, 0, 0, time.UTC)

	do(t, b,
		chromedp.Navigate(team+"/measures"),
		chromedp.WaitVisible(chromedp.CSS(`#measure-form`)),
		chromedp.SendKeys(chromedp.CSS(`#measure-form #f-name`), "Group sessions held"),
		chromedp.SetValue(chromedp.CSS(`#measure-form #f-chart`), "run"),
		chromedp.Submit(chromedp.CSS(`#measure-form #f-name`)),
	)
	waitFor(t, b, `/\/measures\/\d+$/.test(location.pathname) && !!document.querySelector("main h1")`)
	measureURL := read(t, b, chromedp.Location())

	var paste strings.Builder
	for i, v := range []int{5, 6, 5, 6, 5, 6, 11, 13, 12, 14, 12, 13} {
		fmt.Fprintf(&paste, "%s\t%d\n", start.AddDate(0, i, 0).Format("2006-01"), v)
	}
	do(t, b, chromedp.Navigate(team+"/data"), chromedp.WaitVisible(chromedp.CSS(`#paste-form`)))
	if !read(t, b, selectByText(`#f-pasteMeasure`, "Group sessions held")) {
		t.Fatal("the paste form does not offer the new measure")
	}
	do(t, b, chromedp.SetValue(chromedp.CSS(`#f-paste`), paste.String()), chromedp.Submit(chromedp.CSS(`#f-paste`)))
	waitFor(t, b, `location.search.includes("from=") && !!document.querySelector("#data-grid")`)

	const shift = "6 months in a row above the centre line: a shift"
	signal := func(when string) string {
		t.Helper()
		do(t, b, chromedp.Navigate(measureURL), chromedp.WaitVisible(chromedp.CSS(`#measure-chart svg`)))
		sig := read(t, b, chromedp.Text(chromedp.CSS(`#chart-signals`)))
		if !strings.Contains(sig, shift) || !strings.Contains(sig, "Anhøj rule") {
			t.Errorf("%s: the signal reads %q, want %q beside the rule's name", when, sig, shift)
		}
		return sig
	}
	signal("after pasting")

	// A cycle linked to the demo's shared measure, adopted.
	do(t, b, chromedp.Navigate(team+"/pdsa"), chromedp.WaitVisible(chromedp.CSS(`#pdsa-new`)))
	if !read(t, b, selectByText(`#pdsa-new #f-measure`, "Conversations that start")) {
		t.Fatal("the new cycle form does not offer the shared measure")
	}
	do(t, b,
		chromedp.SendKeys(chromedp.CSS(`#pdsa-new #f-title`), "Evening groups"),
		chromedp.Submit(chromedp.CSS(`#pdsa-new #f-title`)),
	)
	waitFor(t, b, `!!document.querySelector("#pdsa-form")`)
	do(t, b,
		chromedp.SetValue(chromedp.CSS(`#f-startedOn`), start.AddDate(0, 4, 1).Format("2006-01-02")),
		chromedp.SetValue(chromedp.CSS(`#f-endedOn`), start.AddDate(0, 5, 10).Format("2006-01-02")),
		chromedp.SendKeys(chromedp.CSS(`#f-wentWell`), "People came back the week after."),
		chromedp.SetValue(chromedp.CSS(`#f-decision`), "adopt"),
		chromedp.Submit(chromedp.CSS(`#f-wentWell`)),
	)
	waitFor(t, b, hasText(`main p.muted`, "Done"))
	signal("after adopting a cycle linked to another measure")
	if n := read(t, b, chromedp.Evaluate[int](`document.querySelectorAll("#limits-suggest").length`)); n != 0 {
		t.Error("the page suggests recalculating for a cycle linked to another measure")
	}
	if parts := read(t, b, chromedp.Evaluate[string](`Array.from(new Set(Array.from(document.querySelectorAll("details table tbody tr td:first-child")).map(td => td.textContent))).join(",")`)); parts != "1" {
		t.Errorf("phases %q after adopting a cycle, want one", parts)
	}

	// Recalculate from the seventh month, with the reason.
	from := start.AddDate(0, 6, 0).Format("2006-01")
	do(t, b,
		chromedp.Click(chromedp.CSS(`#limits details summary`)),
		chromedp.WaitVisible(chromedp.CSS(`#limits-form #f-reason`)),
		chromedp.SetValue(chromedp.CSS(`#limits-form #f-from`), from),
		chromedp.SendKeys(chromedp.CSS(`#limits-form #f-reason`), "Evening groups began"),
		chromedp.Submit(chromedp.CSS(`#limits-form #f-reason`)),
	)
	waitFor(t, b, `!!document.querySelector("#limit-breaks")`)
	if list := read(t, b, chromedp.Text(chromedp.CSS(`#limit-breaks`))); !strings.Contains(list, "From "+from+": Evening groups began") {
		t.Errorf("recalculations: %q", list)
	}
	if parts := read(t, b, chromedp.Evaluate[string](`Array.from(new Set(Array.from(document.querySelectorAll("details table tbody tr td:first-child")).map(td => td.textContent))).join(",")`)); parts != "1,2" {
		t.Errorf("phases %q after recalculating, want 1,2", parts)
	}
	if svg := read(t, b, chromedp.OuterHTML(chromedp.CSS(`#measure-chart`))); !strings.Contains(svg, "Evening groups began") {
		t.Error("the chart does not mark the recalculation with its reason")
	}

	// A laptop: the grid opens on the newest month, its labels in view
	// after scrolling to the oldest.
	do(t, b,
		chromedp.EmulateViewport(1280, 800, chromedp.EmulateScale(1)),
		chromedp.Navigate(team+"/data"),
		chromedp.WaitVisible(chromedp.CSS(`#data-grid`)),
	)
	wide := read(t, b, chromedp.Evaluate[string](`(() => {
		const first = document.querySelector("#data-grid thead th:nth-child(2)").textContent;
		const wrap = document.querySelector("#data-grid").parentNode;
		wrap.scrollLeft = wrap.scrollWidth;
		const th = document.querySelector("#data-grid tbody th").getBoundingClientRect();
		const w = wrap.getBoundingClientRect();
		return first + (th.left >= w.left - 1 && th.right <= w.right ? " labels-visible" : " labels-hidden");
	})()`))
	if want := now.Format("2006-01") + " labels-visible"; wide != want {
		t.Errorf("at 1280 px: %q, want %q", wide, want)
	}

	// A phone: the first screen of the grid holds one month's inputs and
	// the labels beside them.
	do(t, b,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1)),
		chromedp.Navigate(team+"/data"),
		chromedp.WaitVisible(chromedp.CSS(`#data-grid`)),
	)
	fit := read(t, b, chromedp.Evaluate[string](`(() => {
		const rows = Array.from(document.querySelectorAll("#data-grid tbody tr"));
		const out = [];
		for (const r of rows) {
			const th = r.querySelector("th").getBoundingClientRect();
			const inputs = Array.from(r.querySelectorAll("td input")).map(i => i.getBoundingClientRect());
			const seen = inputs.filter(x => x.left >= 0 && x.right <= window.innerWidth);
			if (th.left < 0 || th.right > window.innerWidth) out.push("label off screen");
			if (seen.length !== 1) out.push(seen.length + " months on screen");
			if (inputs[0].bottom > window.innerHeight) out.push("below the first screen: " + Math.round(inputs[0].bottom));
		}
		return out.join("; ");
	})()`))
	if fit != "" {
		t.Errorf("at 390 px: %s", fit)
	}
}
