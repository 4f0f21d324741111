package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// pdfPageRE finds the page objects of a PDF ("/Type /Page", not the
// "/Type /Pages" tree node).
var pdfPageRE = regexp.MustCompile(`/Type\s*/Page\b[^s]`)

// TestBrowserMonthlyReportAndFunderPDF: a team's director submits the
// monthly report; the convener sees it on the collaborative dashboard,
// opens the funder report and prints it to PDF, which has its three pages
// (summary, activity, population data), with small counts suppressed.
func TestBrowserMonthlyReportAndFunderPDF(t *testing.T) {
	dir := newBrowser(t)
	srv := startDemo(t)
	if err := signIn(dir, srv.URL, "director.harbor@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	// signIn returns once a heading shows, which may still be the sign-in
	// page's while the redirect is in flight; navigating then would abort
	// it. The collaborative's menu shows only after it.
	do(t, dir, chromedp.WaitVisible(chromedp.CSS(`.collab-nav`)))
	do(t, dir,
		chromedp.Navigate(srv.URL+"/c/1/teams/1/reports"),
		chromedp.WaitVisible(chromedp.CSS(`#report-form`)),
		chromedp.SendKeys(chromedp.CSS(`#f-narrative`), "We moved intake to a conversation about what is going well. Three survivors said it felt different."),
		chromedp.SetValue(chromedp.CSS(`#f-progress`), "3"),
		chromedp.Click(chromedp.CSS(`#submit-report`)),
		chromedp.WaitVisible(chromedp.CSS(`#report`)),
	)
	if flash := read(t, dir, chromedp.Text(chromedp.CSS(`.flash`))); !strings.Contains(flash, "submitted") {
		t.Errorf("after submitting, the flash says %q", flash)
	}
	if h1 := read(t, dir, chromedp.Text(chromedp.CSS(`main h1`))); !strings.Contains(h1, "Harbor Safe Haven") || !strings.Contains(h1, "monthly report") {
		t.Errorf("report page heading %q", h1)
	}
	// A submitted report is frozen: the form is gone from the month's page.
	do(t, dir, chromedp.Navigate(srv.URL+"/c/1/teams/1/reports"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if body := read(t, dir, chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(body, "was submitted") {
		t.Errorf("the month's page still offers the form:\n%s", body)
	}

	conv := newBrowser(t)
	if err := signIn(conv, srv.URL, "convener@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, conv, chromedp.WaitVisible(chromedp.CSS(`.collab-nav`)))
	do(t, conv, chromedp.Navigate(srv.URL+"/c/1/dashboard"), chromedp.WaitVisible(chromedp.CSS(`#team-status`)))
	status := read(t, conv, chromedp.Text(chromedp.CSS(`#team-status`)))
	if !strings.Contains(status, "Harbor Safe Haven") || !strings.Contains(status, "Submitted") {
		t.Errorf("dashboard team status:\n%s", status)
	}
	// Issue 14's disclosure rule: one report among four teams is a count
	// of teams' work, not of people, so it shows.
	if figs := read(t, conv, chromedp.Text(chromedp.CSS(`#all-figures`))); strings.Contains(figs, "too few to show") {
		t.Errorf("dashboard activity figures blanked:\n%s", figs)
	}
	do(t, conv, chromedp.Navigate(srv.URL+"/c/1/funder-report"), chromedp.WaitVisible(chromedp.CSS(`#funder-report`)))
	report := read(t, conv, chromedp.Text(chromedp.CSS(`#funder-report`)))
	// The convener sees team names beside the activity figures (issue
	// 14); nobody's email is in the report.
	if !strings.Contains(report, "Report to funders") || !strings.Contains(report, "Harbor") || strings.Contains(report, "@example.org") {
		t.Errorf("funder report lacks its title or team names, or shows an address:\n%s", report)
	}
	pdf := read(t, conv, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	if n := len(pdfPageRE.FindAll(pdf, -1)); n != 7 {
		t.Errorf("the funder report prints on %d pages, want 7 (summary; activity with the first shared measure's chart; the second chart; change package; then participation, people at meetings, team by team and population data, which has no indicators, flowing on over three with no page left half empty between them)", n)
	}
	if d := os.Getenv("GOESWELL_SCREENSHOTS"); d != "" {
		os.WriteFile(filepath.Join(d, "funder-report.pdf"), pdf, 0o644)
		os.WriteFile(filepath.Join(d, "funder-report.png"), read(t, conv, chromedp.FullScreenshot(100)), 0o644)
		do(t, conv, chromedp.Navigate(srv.URL+"/c/1/dashboard"), chromedp.WaitVisible(chromedp.CSS(`#team-status`)))
		os.WriteFile(filepath.Join(d, "dashboard.png"), read(t, conv, chromedp.FullScreenshot(100)), 0o644)
		do(t, dir, chromedp.Navigate(srv.URL+"/c/1/teams/1/reports/1"), chromedp.WaitVisible(chromedp.CSS(`#report`)))
		os.WriteFile(filepath.Join(d, "report.png"), read(t, dir, chromedp.FullScreenshot(100)), 0o644)
	}
}
