package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// selectByText picks the option of a <select> whose text starts with
// prefix, in page script, and reports whether one was found.
func selectByText(sel, prefix string) chromedp.Action[bool] {
	return chromedp.Evaluate[bool](fmt.Sprintf(`(() => {
		const s = document.querySelector(%q);
		if (!s) return false;
		const o = Array.from(s.options).find(o => o.text.trim().startsWith(%q));
		if (!o) return false;
		s.value = o.value;
		return true;
	})()`, sel, prefix))
}

// waitFor waits until a script expression is true. It polls from Go,
// ignoring errors, because the page it starts on is usually being
// replaced: after a form post, the page before the redirect may already
// match any selector, and a poll inside it dies with it.
func waitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", expr)
}

func hasText(sel, text string) string {
	return fmt.Sprintf(`(document.querySelector(%q) || {textContent: ""}).textContent.includes(%q)`, sel, text)
}

// TestBrowserImprovementFlow: a team member writes an aim, builds a driver
// diagram whose change idea links to a Wellbeing Blueprint action, runs a
// PDSA cycle to "adopt", pastes 24 months of data and sees the chart with
// the cycle's marker and its signals.
func TestBrowserImprovementFlow(t *testing.T) {
	conv := newBrowser(t)
	srv := startDemo(t)
	if err := signIn(conv, srv.URL, "convener@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, conv, chromedp.WaitVisible(chromedp.CSS(`.account-nav`)))
	// The convener adopts the Blueprint, unless the demo already did.
	do(t, conv, chromedp.Navigate(srv.URL+"/c/1/frameworks"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	adopt := read(t, conv, chromedp.Evaluate[bool](`(() => {
		const i = document.querySelector('input[name=key][value="wellbeing-blueprint"]');
		if (!i) return false;
		i.form.submit();
		return true;
	})()`))
	if adopt {
		do(t, conv, chromedp.WaitVisible(chromedp.CSS(`#framework-nodes`)))
	}

	b := newBrowser(t)
	if err := signIn(b, srv.URL, "advocate.harbor@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, b, chromedp.WaitVisible(chromedp.CSS(`.account-nav`)))
	team := srv.URL + "/c/1/teams/1"
	do(t, b,
		chromedp.Navigate(team+"/improvement"),
		chromedp.WaitVisible(chromedp.CSS(`#aim-form`)),
		chromedp.SendKeys(chromedp.CSS(`#aim-form #f-statement`), "Every survivor we meet is first asked what is going well in their life."),
		chromedp.SendKeys(chromedp.CSS(`#aim-form #f-howKnow`), "Days to safe housing fall and stay below ten."),
		chromedp.SendKeys(chromedp.CSS(`#aim-form #f-whatChanges`), "Open every conversation with a strengths question."),
		chromedp.Submit(chromedp.CSS(`#aim-form #f-statement`)),
	)
	waitFor(t, b, `/\/aims\/\d+$/.test(location.pathname) && !!document.querySelector("#add-primary")`)
	do(t, b,
		chromedp.SendKeys(chromedp.CSS(`#f-primary-title`), "Safety and connection"),
		chromedp.Submit(chromedp.CSS(`#f-primary-title`)),
	)
	waitFor(t, b, `!!document.querySelector("#add-secondary")`)
	do(t, b,
		chromedp.SendKeys(chromedp.CSS(`#f-secondary-title`), "Intake as a conversation"),
		chromedp.Submit(chromedp.CSS(`#f-secondary-title`)),
	)
	waitFor(t, b, `!!document.querySelector("#add-change")`)
	do(t, b,
		chromedp.SendKeys(chromedp.CSS(`#f-change-title`), "Open with a strengths question"),
	)
	if !read(t, b, selectByText(`#f-change-node`, "1.6.1 ")) {
		t.Fatal("the change idea form offers no Blueprint action 1.6.1")
	}
	do(t, b,
		chromedp.Submit(chromedp.CSS(`#f-change-title`)),
	)
	waitFor(t, b, hasText(`#driver-tree`, "Open with a strengths question"))
	if tree := read(t, b, chromedp.Text(chromedp.CSS(`#driver-tree`))); !strings.Contains(tree, "Open with a strengths question") || !strings.Contains(tree, "1.6.1") {
		t.Fatalf("driver tree: %q", tree)
	}
	if alt := read(t, b, chromedp.AttributeValue(chromedp.CSS(`#driver-diagram`), "src")); !alt.Exists || !strings.HasSuffix(alt.Value, "/diagram.svg") {
		t.Errorf("no diagram image: %+v", alt)
	}

	// A PDSA cycle on the change idea, through to "adopt". Dates are the
	// demo collaborative's (it began twelve months ago): a cycle or a
	// value outside them is refused.
	now := time.Now().UTC()
	start := time.Date(now.Year(), now.Month()-12, 1, 0, 0, 0, 0, time.UTC)
	cycleStart := start.AddDate(0, 0, 1).Format("2006-01-02") // before the demo's own cycles: PDSA 1
	do(t, b, chromedp.Navigate(team+"/pdsa"), chromedp.WaitVisible(chromedp.CSS(`#pdsa-new`)))
	if !read(t, b, selectByText(`#pdsa-new #f-change`, "Open with a strengths question")) {
		t.Fatal("the new cycle form does not offer the change idea")
	}
	do(t, b,
		chromedp.SendKeys(chromedp.CSS(`#pdsa-new #f-title`), "Strengths question, every advocate"),
		chromedp.SendKeys(chromedp.CSS(`#pdsa-new #f-predictions`), "Most survivors will answer at length."),
		chromedp.Submit(chromedp.CSS(`#pdsa-new #f-title`)),
	)
	waitFor(t, b, `!!document.querySelector("#pdsa-form")`)
	do(t, b,
		chromedp.SetValue(chromedp.CSS(`#f-startedOn`), cycleStart),
		chromedp.SetValue(chromedp.CSS(`#f-endedOn`), start.AddDate(0, 5, 18).Format("2006-01-02")),
		chromedp.SendKeys(chromedp.CSS(`#f-doNotes`), "Every advocate asked at intake."),
		chromedp.SendKeys(chromedp.CSS(`#f-wentWell`), "Survivors talked about their children and friends."),
		chromedp.SendKeys(chromedp.CSS(`#f-differed`), "Night shifts asked less often."),
		chromedp.SetValue(chromedp.CSS(`#f-decision`), "adopt"),
		chromedp.Submit(chromedp.CSS(`#f-wentWell`)),
	)
	waitFor(t, b, hasText(`main p.muted`, "Done"))

	// A measure of the team's own, and 12 months pasted from a spreadsheet.
	do(t, b,
		chromedp.Navigate(team+"/measures"),
		chromedp.WaitVisible(chromedp.CSS(`#measure-form`)),
		chromedp.SendKeys(chromedp.CSS(`#measure-form #f-name`), "Days to safe housing"),
		chromedp.SetValue(chromedp.CSS(`#measure-form #f-better`), "down"),
		chromedp.SetValue(chromedp.CSS(`#measure-form #f-chart`), "i"),
		chromedp.SendKeys(chromedp.CSS(`#measure-form #f-target`), "10"),
		chromedp.Submit(chromedp.CSS(`#measure-form #f-name`)),
	)
	waitFor(t, b, `/\/measures\/\d+$/.test(location.pathname) && !!document.querySelector("main h1")`)
	measureURL := read(t, b, chromedp.Location())
	var paste strings.Builder
	paste.WriteString("Month\tDays\n")
	for i := 0; i < 12; i++ {
		v := 30 + (i*7)%5
		if i >= 6 {
			v = 14 + (i*3)%4
		}
		fmt.Fprintf(&paste, "%s\t%d\n", start.AddDate(0, i, 0).Format("2006-01"), v)
	}
	do(t, b, chromedp.Navigate(team+"/data"), chromedp.WaitVisible(chromedp.CSS(`#paste-form`)))
	if !read(t, b, selectByText(`#f-pasteMeasure`, "Days to safe housing")) {
		t.Fatal("the paste form does not offer the new measure")
	}
	do(t, b,
		chromedp.SetValue(chromedp.CSS(`#f-paste`), paste.String()),
		chromedp.Submit(chromedp.CSS(`#f-paste`)),
	)
	waitFor(t, b, `location.search.includes("from=") && !!document.querySelector("#data-grid")`)
	// The grid spreads a pasted block across its cells (script), and
	// saves them as any form does. Its newest month is first, a
	// spreadsheet's last: a row pasted into the third month runs to the
	// newest.
	spread := read(t, b, chromedp.Evaluate[string](`(() => {
		const row = Array.from(document.querySelectorAll("#data-grid tbody tr")).find(r => r.querySelector("th").textContent === "Days to safe housing");
		const first = row.querySelectorAll("td input")[2];
		const dt = new DataTransfer();
		dt.setData("text", "11\t12\t13");
		first.dispatchEvent(new ClipboardEvent("paste", {clipboardData: dt, bubbles: true, cancelable: true}));
		return Array.from(row.querySelectorAll("td input")).slice(0, 3).map(i => i.value).join(",");
	})()`))
	if spread != "13,12,11" {
		t.Errorf("pasting a block into the grid gave %q", spread)
	}
	do(t, b,
		chromedp.Navigate(measureURL),
		chromedp.WaitVisible(chromedp.CSS(`#measure-chart svg`)),
	)
	svg := read(t, b, chromedp.OuterHTML(chromedp.CSS(`#measure-chart`)))
	for _, want := range []string{`class="annotation"`, ">PDSA 1 Strengths question", `class="target"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
	if list := read(t, b, chromedp.Text(chromedp.CSS(`#pdsa-markers`))); !strings.Contains(list, "PDSA 1, started "+cycleStart+": Strengths question, every advocate") {
		t.Errorf("markers: %q", list)
	}
	if sig := read(t, b, chromedp.Text(chromedp.CSS(`#chart-signals`))); !strings.Contains(sig, "6 months in a row below the centre line: a shift") {
		t.Errorf("signals: %q", sig)
	}
	if dir := os.Getenv("GOESWELL_SCREENSHOTS"); dir != "" {
		png := read(t, b, chromedp.Screenshot(chromedp.CSS(`#measure-chart`)))
		os.WriteFile(filepath.Join(dir, "measure-chart.png"), png, 0o644)
		for _, shot := range []struct{ name, path, sel string }{
			{"improvement.png", "/improvement", "main"},
			{"driver-diagram.png", "/aims/1", "#driver-diagram"},
			{"pdsa-board.png", "/pdsa", "main"},
			{"data-grid.png", "/data", "main"},
		} {
			do(t, b, chromedp.Navigate(team+shot.path), chromedp.WaitVisible(chromedp.CSS(shot.sel)))
			png := read(t, b, chromedp.Screenshot(chromedp.CSS(shot.sel)))
			os.WriteFile(filepath.Join(dir, shot.name), png, 0o644)
		}
		do(t, conv, chromedp.Navigate(srv.URL+"/c/1/frameworks/1"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		png = read(t, conv, chromedp.Screenshot(chromedp.CSS(`main`)))
		os.WriteFile(filepath.Join(dir, "framework.png"), png, 0o644)
	}
}
