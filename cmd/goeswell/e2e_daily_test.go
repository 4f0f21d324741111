package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserTeamHome: Harbor's director signs in to the team's home,
// which lists last month's report as due and the month with measure data
// missing; after submitting the report from the home's link, the item is
// gone. The coach then comments on the report, and the director's header
// and home show the notification; opening it marks it read.
func TestBrowserTeamHome(t *testing.T) {
	dir := newBrowser(t)
	srv := startDemo(t)
	if err := signIn(dir, srv.URL, "director.harbor@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, dir, chromedp.WaitVisible(chromedp.CSS(`#home-reports`)))
	if loc := read(t, dir, chromedp.Location()); !strings.HasSuffix(loc, "/c/1/teams/1/home") {
		t.Fatalf("the director landed on %s, not the team's home", loc)
	}
	month := time.Now().UTC().AddDate(0, 0, -time.Now().UTC().Day()+1).AddDate(0, -1, 0).Format("2006-01")
	reports := read(t, dir, chromedp.Text(chromedp.CSS(`#home-reports`)))
	if !strings.Contains(reports, "due ") {
		t.Fatalf("the home lists no report due:\n%s", reports)
	}
	if data := read(t, dir, chromedp.Text(chromedp.CSS(`#home-data`))); !strings.Contains(data, "missing") {
		t.Errorf("the home lists no month with data missing:\n%s", data)
	}
	do(t, dir,
		chromedp.Click(chromedp.CSS(`#home-reports a[href*="month=`+month+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#report-form`)),
		chromedp.SendKeys(chromedp.CSS(`#f-narrative`), "The night shift now opens with what is going well."),
		chromedp.SetValue(chromedp.CSS(`#f-progress`), "4"),
		chromedp.Click(chromedp.CSS(`#submit-report`)),
		chromedp.WaitVisible(chromedp.CSS(`#report`)),
	)
	reportURL := read(t, dir, chromedp.Location())
	do(t, dir, chromedp.Navigate(srv.URL+"/c/1/teams/1/home"), chromedp.WaitVisible(chromedp.CSS(`#home-reports`)))
	if links := read(t, dir, chromedp.Evaluate[int](`document.querySelectorAll('#home-reports a[href*="month=`+month+`"]').length`)); links != 0 {
		t.Errorf("the submitted report is still listed as due:\n%s", read(t, dir, chromedp.Text(chromedp.CSS(`#home-reports`))))
	}
	before := read(t, dir, chromedp.Text(chromedp.CSS(`#notifications-link`)))

	coach := newBrowser(t)
	if err := signIn(coach, srv.URL, "coach@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, coach,
		chromedp.Navigate(reportURL),
		chromedp.WaitVisible(chromedp.CSS(`#comment-form`)),
		chromedp.SendKeys(chromedp.CSS(`#comment-form textarea`), "What did the night shift find hardest?"),
		chromedp.Submit(chromedp.CSS(`#comment-form textarea`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)

	do(t, dir, chromedp.Navigate(srv.URL+"/c/1/teams/1/home"), chromedp.WaitVisible(chromedp.CSS(`#home-comments`)))
	if after := read(t, dir, chromedp.Text(chromedp.CSS(`#notifications-link`))); after == before || !strings.Contains(after, "unread") {
		t.Errorf("the header says %q after the comment (before: %q)", after, before)
	}
	comments := read(t, dir, chromedp.Text(chromedp.CSS(`#home-comments`)))
	if !strings.Contains(comments, "Jordan Lee commented on your report for "+month) {
		t.Fatalf("the home lacks the coach's comment:\n%s", comments)
	}
	do(t, dir,
		chromedp.Click(chromedp.CSS(`#home-comments li:first-child button`)),
		chromedp.WaitVisible(chromedp.CSS(`#report`)),
	)
	if body := read(t, dir, chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(body, "What did the night shift find hardest?") {
		t.Errorf("the notification did not open the report with the comment")
	}
	do(t, dir, chromedp.Navigate(srv.URL+"/notifications"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if list := read(t, dir, chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(list, "Jordan Lee commented on your report for "+month) {
		t.Errorf("the notifications page lacks the comment:\n%s", list)
	}
}
