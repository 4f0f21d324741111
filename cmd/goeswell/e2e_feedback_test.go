package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/password"
)

// TestBrowserCollaborativeFeedback is issue 14 items 7 and 8 in the
// browser. The convener opens a round of feedback on the collaborative;
// a director finds it on their home and answers anonymously; once the
// convener closes it, the state co-lead reads the results (the one
// rating hidden under the threshold, and the lone anonymous written
// answer withheld, as it would be that one person's)
// and the funder report, which carries the round's summary and draws the
// shared measures' charts, and prints.
func TestBrowserCollaborativeFeedback(t *testing.T) {
	conv := newBrowser(t)
	srv := startDemo(t)
	ctx := context.Background()
	db := srv.openDB(t)
	c := seed000(t, ctx, db).ID
	// The demo has no state co-lead: add one (seed 000's DPH).
	hash, err := password.Hash(srv.Password, password.Default)
	if err != nil {
		t.Fatal(err)
	}
	cl := &collab.User{Email: "colead.dph@example.org", Name: "Dana Colead"}
	if err := db.CreateUser(ctx, collab.Who{}, cl, hash); err != nil {
		t.Fatal(err)
	}
	if err := db.AddCollabRole(ctx, collab.Who{}, c, cl.ID, collab.RoleCoLead); err != nil {
		t.Fatal(err)
	}
	today := collab.DateOf(time.Now().UTC())
	rounds := fmt.Sprintf("%s/c/%d/feedback-rounds", srv.URL, c)

	withAxe(t, conv)
	if err := signIn(conv, srv.URL, "convener@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, conv, chromedp.WaitVisible(chromedp.CSS(`.collab-nav`)))
	do(t, conv,
		chromedp.Navigate(rounds),
		chromedp.WaitVisible(chromedp.CSS(`#round-form`)),
		chromedp.SendKeys(chromedp.CSS(`#round-form #f-title`), "After the autumn meeting"),
		chromedp.SetValue(chromedp.CSS(`#round-form #f-opensOn`), today.AddDays(-1).String()),
		chromedp.SetValue(chromedp.CSS(`#round-form #f-closesOn`), today.String()),
		chromedp.Submit(chromedp.CSS(`#round-form #f-title`)),
		chromedp.WaitVisible(chromedp.CSS(`#feedback-rounds`)),
	)
	if list := read(t, conv, chromedp.Text(chromedp.CSS(`#feedback-rounds`))); !strings.Contains(list, "After the autumn meeting") || !strings.Contains(list, "Open") {
		t.Fatalf("rounds after creating one:\n%s", list)
	}
	axeClean(t, conv, rounds)

	// The director: the round is on their home; they answer anonymously.
	dir := newBrowser(t)
	withAxe(t, dir)
	if err := signIn(dir, srv.URL, "director.harbor@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, dir, chromedp.WaitVisible(chromedp.CSS(`#home-feedback`)))
	answerURL := read(t, dir, chromedp.Evaluate[string](`document.querySelector('#home-feedback a').href`))
	axeClean(t, dir, answerURL)
	do(t, dir, chromedp.Navigate(srv.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#home-feedback`)))
	do(t, dir,
		chromedp.Click(chromedp.CSS(`#home-feedback a`)),
		chromedp.WaitVisible(chromedp.CSS(`#feedback-form`)),
		chromedp.Click(chromedp.CSS(`#f-meetings-4`)),
		chromedp.SendKeys(chromedp.CSS(`#f-change`), "More time between teams to learn from each other."),
		chromedp.Click(chromedp.CSS(`#feedback-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if flash := read(t, dir, chromedp.Text(chromedp.CSS(`.flash`))); !strings.Contains(flash, "Thank you") {
		t.Errorf("after answering, the flash says %q", flash)
	}
	if list := read(t, dir, chromedp.Text(chromedp.CSS(`#feedback-rounds`))); !strings.Contains(list, "You have answered") {
		t.Errorf("the round is not marked answered:\n%s", list)
	}
	var named int
	if err := db.Raw().QueryRowContext(ctx, `SELECT COUNT(*) FROM feedback_answers WHERE user_id IS NOT NULL`).Scan(&named); err != nil || named != 0 {
		t.Errorf("answers with a user id: %d, %v", named, err)
	}

	// The convener closes the round: it closed yesterday.
	do(t, conv,
		chromedp.Navigate(rounds),
		chromedp.WaitVisible(chromedp.CSS(`#feedback-rounds`)),
		chromedp.Click(chromedp.CSS(`#feedback-rounds a[href$="/results"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#round-edit`)),
		chromedp.SetValue(chromedp.CSS(`#round-edit #f-closesOn`), today.AddDays(-1).String()),
		chromedp.Submit(chromedp.CSS(`#round-edit #f-title`)),
		chromedp.WaitVisible(chromedp.CSS(`#feedback-ratings`)),
	)

	// The co-lead reads the results.
	co := newBrowser(t)
	withAxe(t, co)
	if err := signIn(co, srv.URL, cl.Email, srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, co, chromedp.WaitVisible(chromedp.CSS(`.collab-nav`)))
	do(t, co,
		chromedp.Navigate(rounds),
		chromedp.WaitVisible(chromedp.CSS(`#feedback-rounds`)),
		chromedp.Click(chromedp.CSS(`#feedback-rounds a[href$="/results"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#feedback-results`)),
	)
	axeClean(t, co, read(t, co, chromedp.Location()))
	results := read(t, co, chromedp.Text(chromedp.CSS(`#feedback-results`)))
	// One person answered, anonymously: the rating is too few to show and
	// the written answer is withheld (alone, it would be that person's).
	if strings.Contains(results, "More time between teams") || !strings.Contains(results, "Anonymous written answers are shown once") || !strings.Contains(results, "too few to show") {
		t.Errorf("the co-lead's results show the lone anonymous answer, or lack the note or the suppressed rating:\n%s", results)
	}
	if strings.Contains(results, "Harbor") || strings.Contains(results, "director") {
		t.Errorf("the results name the respondent or their team:\n%s", results)
	}

	// The funder report: the round's summary and the charts, drawn.
	do(t, co, chromedp.Navigate(fmt.Sprintf("%s/c/%d/funder-report", srv.URL, c)), chromedp.WaitVisible(chromedp.CSS(`#report-feedback`)))
	axeClean(t, co, read(t, co, chromedp.Location()))
	summary := read(t, co, chromedp.Text(chromedp.CSS(`#report-feedback`)))
	if !strings.Contains(summary, "After the autumn meeting") || strings.Contains(summary, "More time between teams") {
		t.Errorf("the report's feedback summary:\n%s", summary)
	}
	marks := read(t, co, chromedp.Evaluate[int](`document.querySelectorAll('figure.report-chart svg circle, figure.report-chart svg path, figure.report-chart svg polyline').length`))
	if marks == 0 {
		t.Errorf("the funder report draws no chart")
	}
	pdf := read(t, co, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("not a PDF: %.20q", pdf)
	}
	// The feedback summary fills the first page and runs onto a second;
	// the rest prints as without it (TestBrowserMonthlyReportAndFunderPDF).
	if n := len(pdfPageRE.FindAll(pdf, -1)); n != 8 {
		t.Errorf("the funder report prints on %d pages, want 8 (summary and feedback on two, activity and charts on two, change package, then participation, people at meetings, team by team and population data flowing on over three)", n)
	}
	if d := os.Getenv("GOESWELL_SCREENSHOTS"); d != "" {
		os.WriteFile(filepath.Join(d, "funder-report-feedback.pdf"), pdf, 0o644)
		do(t, co, chromedp.Navigate(rounds), chromedp.WaitVisible(chromedp.CSS(`#feedback-rounds`)),
			chromedp.Click(chromedp.CSS(`#feedback-rounds a[href$="/results"]`)), chromedp.WaitVisible(chromedp.CSS(`#feedback-results`)))
		os.WriteFile(filepath.Join(d, "feedback-results.png"), read(t, co, chromedp.FullScreenshot(100)), 0o644)
		do(t, dir, chromedp.Navigate(rounds), chromedp.WaitVisible(chromedp.CSS(`#feedback-rounds`)))
		os.WriteFile(filepath.Join(d, "feedback-rounds.png"), read(t, dir, chromedp.FullScreenshot(100)), 0o644)
	}
}

// withAxe loads axe-core into every page the browser opens.
func withAxe(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axeSource}); err != nil {
		t.Fatal(err)
	}
}

// axeClean opens url and fails on any axe-core violation of the WCAG
// rules TestBrowserAccessibility holds pages to: its crawl of the demo
// finds no feedback round to open.
func axeClean(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	tags, _ := json.Marshal(axeTags)
	res, err := checkPage(ctx, url, fmt.Sprintf(axeScript, tags))
	if err != nil {
		t.Fatalf("axe on %s: %v", url, err)
	}
	for _, v := range res.Violations {
		t.Errorf("%s: axe %s (%s): %s\n\t%s", url, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n\t"))
	}
}
