package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBrowserCalendarSeries (issue 16 item 4): the convener types a weekly
// series, previews its dates (all Tuesdays at 10:00), adds it, then moves
// its third meeting to the Thursday after at 14:00 with "this and
// following". In the month view the first two stay in their Tuesday
// cells at 10:00 and the third onwards sit in Thursday cells at 14:00.
func TestBrowserCalendarSeries(t *testing.T) {
	ctx := newBrowser(t)
	srv := startDemo(t)
	if err := signIn(ctx, srv.URL, "convener@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	// The first Tuesday of next month: the series is in the future, so
	// nothing of it is held, and its first three weeks share the month.
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	for first.Weekday() != time.Tuesday {
		first = first.AddDate(0, 0, 1)
	}
	month := first.Format("2006-01")
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/c/1/calendar"),
		chromedp.WaitVisible(chromedp.CSS(`#meeting-form`)),
		chromedp.SendKeys(chromedp.CSS(`#f-title`), "Peer learning call"),
		chromedp.SetValue(chromedp.CSS(`#f-cadence`), "weekly"),
		chromedp.SetValue(chromedp.CSS(`#f-date`), first.Format("2006-01-02")),
		chromedp.SetValue(chromedp.CSS(`#f-time`), "10:00"),
		chromedp.SetValue(chromedp.CSS(`#f-timeZone`), "America/New_York"),
		chromedp.Click(chromedp.CSS(`#preview-series`)),
		chromedp.WaitVisible(chromedp.CSS(`#series-preview`)),
	)
	items := read(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#series-preview li')].map(li => li.textContent)`))
	if len(items) < 3 {
		t.Fatalf("the preview shows %d dates", len(items))
	}
	for i, it := range items {
		d := first.AddDate(0, 0, 7*i)
		want := fmt.Sprintf("Tue %d %s %d 10:00 E", d.Day(), d.Format("Jan"), d.Year())
		if !strings.HasPrefix(it, want) {
			t.Errorf("preview date %d is %q, want %q…", i+1, it, want)
		}
	}
	// Nothing is stored by the preview; "Add" keeps what was typed.
	do(t, ctx,
		chromedp.Click(chromedp.CSS(`#meeting-form button[value="add"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		chromedp.Navigate(fmt.Sprintf("%s/c/1/calendar?view=month&month=%s", srv.URL, month)),
		chromedp.WaitVisible(chromedp.CSS(`#month`)),
	)
	links := read(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#month a')].filter(a => a.textContent.includes('Peer learning call')).map(a => a.getAttribute('href'))`))
	if len(links) < 3 {
		t.Fatalf("%d of the series' meetings in the month view", len(links))
	}
	third := first.AddDate(0, 0, 14)
	thursday := third.AddDate(0, 0, 2)
	do(t, ctx,
		chromedp.Navigate(srv.URL+links[2]),
		chromedp.WaitVisible(chromedp.CSS(`#meeting-edit`)),
		chromedp.SetValue(chromedp.CSS(`#f-date`), thursday.Format("2006-01-02")),
		chromedp.SetValue(chromedp.CSS(`#f-time`), "14:00"),
		chromedp.Click(chromedp.CSS(`#scope-following`)),
		chromedp.Submit(chromedp.CSS(`#f-title`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if flash := read(t, ctx, chromedp.Text(chromedp.CSS(`.flash`))); !strings.Contains(flash, "already held were left as they were") {
		t.Errorf("the flash is %q", flash)
	}
	do(t, ctx,
		chromedp.Navigate(fmt.Sprintf("%s/c/1/calendar?view=month&month=%s", srv.URL, month)),
		chromedp.WaitVisible(chromedp.CSS(`#month`)),
	)
	cell := func(d time.Time) string {
		return read(t, ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector('#month td[data-day="%s"]') || {}).textContent || ''`, d.Format("2006-01-02"))))
	}
	for i := 0; i < 2; i++ {
		d := first.AddDate(0, 0, 7*i)
		if c := cell(d); !strings.Contains(c, "10:00") || !strings.Contains(c, "Peer learning call") {
			t.Errorf("meeting %d left its Tuesday cell %s: %q", i+1, d.Format("Jan 2"), c)
		}
	}
	if c := cell(third); strings.Contains(c, "Peer learning call") {
		t.Errorf("the third meeting is still on its Tuesday: %q", c)
	}
	for i := 0; i < 3; i++ {
		d := thursday.AddDate(0, 0, 7*i)
		if d.Month() != first.Month() {
			break
		}
		if c := cell(d); !strings.Contains(c, "14:00") || !strings.Contains(c, "Peer learning call") {
			t.Errorf("meeting %d is not in its Thursday cell %s: %q", i+3, d.Format("Jan 2"), c)
		}
	}
	if caption := read(t, ctx, chromedp.Text(chromedp.CSS(`#month caption`))); caption != first.Format("January 2006") {
		t.Errorf("caption %q", caption)
	}

	// Account settings offer the browser's zone (Chicago here); chosen and
	// saved, the month view reads the meetings in it: 10:00 in New York is
	// 09:00 in Chicago.
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/Chicago"}); err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.Navigate(srv.URL+"/account"),
		chromedp.WaitVisible(chromedp.CSS(`#use-browser-zone`)),
		chromedp.Click(chromedp.CSS(`#use-browser-zone`)),
		chromedp.Submit(chromedp.CSS(`#f-timeZone`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		chromedp.Navigate(fmt.Sprintf("%s/c/1/calendar?view=month&month=%s", srv.URL, month)),
		chromedp.WaitVisible(chromedp.CSS(`#month`)),
	)
	if c := cell(first); !strings.Contains(c, "09:00 CST") && !strings.Contains(c, "09:00 CDT") {
		t.Errorf("the first meeting is not at 09:00 Chicago time: %q", c)
	}
	if hint := read(t, ctx, chromedp.Text(chromedp.CSS(`#calendar-zone`))); !strings.Contains(hint, "America/Chicago") {
		t.Errorf("the calendar does not say it is in Chicago time: %q", hint)
	}

	// The month view passes axe on a 390 px phone in Spanish and on a
	// desktop, and the page never scrolls sideways (the table does, in its
	// box).
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axeSource}); err != nil {
		t.Fatal(err)
	}
	tags, _ := json.Marshal(axeTags)
	script := fmt.Sprintf(axeScript, tags)
	monthURL := fmt.Sprintf("%s/c/1/calendar?view=month&month=%s", srv.URL, month)
	for _, v := range axeViews[:2] {
		setView(t, ctx, v)
		res, err := checkPage(ctx, monthURL, script)
		if err != nil {
			t.Fatalf("%s: %v", v.name, err)
		}
		t.Logf("%s: axe found %d violations; the page is %d px wide", v.name, len(res.Violations), res.Width)
		for _, viol := range res.Violations {
			t.Errorf("%s: axe %s (%s): %s\n\t%s", v.name, viol.ID, viol.Impact, viol.Help, strings.Join(viol.Nodes, "\n\t"))
		}
		if v.width < 400 && res.Width > int(v.width) {
			t.Errorf("%s: the month view is %d px wide: %s", v.name, res.Width, strings.Join(res.Wide, "; "))
		}
		if v.lang[:2] == "es" {
			if caption := read(t, ctx, chromedp.Text(chromedp.CSS(`#month caption`))); !strings.HasSuffix(caption, fmt.Sprintf(" de %d", first.Year())) {
				t.Errorf("Spanish caption %q", caption)
			}
		}
	}
}
