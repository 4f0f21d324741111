package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestFeedbackRounds walks a round of feedback on the collaborative on
// both stores: the convener's form names its bad fields; a director sees
// the open round on their home, answers it anonymously once (a bad rating
// named by its field, what they typed kept); the convener may not answer;
// nothing is published while the round is open; once it closes, the
// co-lead reads ratings suppressed under the threshold, the written
// answers with a name only where one was given, and the same in the
// audited CSV; the funder report carries the ratings to funders (not the
// written answers) and draws the shared measures' charts.
func TestFeedbackRounds(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		c, round := e.ids["c1"], e.ids["round1"]
		base := fmt.Sprintf("/c/%d/feedback-rounds", c)

		// The convener's form: each bad field named, what was typed kept.
		w := e.form("convener", base, url.Values{"title": {""}, "opensOn": {"2026-09-10"}, "closesOn": {"2026-09-01"}})
		if w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("bad round: status %d", w.Code)
		}
		body := w.Body.String()
		for _, want := range []string{`id="e-title"`, `id="e-closesOn"`, `value="2026-09-10"`, "must close on or after"} {
			if !strings.Contains(body, want) {
				t.Errorf("refused round form lacks %q", want)
			}
		}

		// The director's home lists the open round as something to do.
		home := fmt.Sprintf("/c/%d/teams/%d/home", c, e.ids["teamA"])
		if page := e.page(t, "director", home); !strings.Contains(page, `id="home-feedback"`) || !strings.Contains(page, "Quarterly feedback 1") {
			t.Errorf("the director's home does not offer the open round")
		}
		answer := fmt.Sprintf("%s/%d/answer", base, round)
		w = e.form("director", answer, url.Values{"meetings": {"9"}, "change": {"Keep the typed words"}})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Keep the typed words") || !strings.Contains(w.Body.String(), "Choose one of the options") {
			t.Fatalf("a rating of 9: status %d, or the error or the typed text missing", w.Code)
		}
		w = e.form("director", answer, url.Values{})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="e-answers"`) {
			t.Errorf("an empty answer: status %d, no error on the answers", w.Code)
		}
		anon := url.Values{"meetings": {"4"}, "support": {"2"}, "change": {"canary-anonymous-comment"}, "identity": {"anonymous"}}
		if w := e.form("director", answer, anon); w.Code != http.StatusSeeOther {
			t.Fatalf("the director's answer: status %d: %.300s", w.Code, w.Body.String())
		}
		if w := e.form("director", answer, anon); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="feedback-answered"`) {
			t.Errorf("a second answer: status %d", w.Code)
		}
		if w := e.form("convener", answer, anon); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="feedback-not-member"`) {
			t.Errorf("the convener answering: status %d", w.Code)
		}
		if page := e.page(t, "director", home); strings.Contains(page, `id="home-feedback"`) {
			t.Errorf("the home still offers the round once answered")
		}
		if n := e.count(t, `SELECT COUNT(*) FROM feedback_answers WHERE user_id IS NOT NULL`); n != 0 {
			t.Errorf("an anonymous answer stored %d user ids", n)
		}

		// Eleven more people answer, one with their name (the demo's
		// threshold is 11).
		for i := range 11 {
			u := &collab.User{Email: fmt.Sprintf("staff%d@example.org", i), Name: fmt.Sprintf("Staff Person %d", i)}
			must(t, db.CreateUser(bg, collab.Who{}, u, "x"))
			a := &collab.FeedbackAnswer{Ratings: map[string]int{"meetings": 4}}
			if i == 0 {
				a.Named, a.Texts = true, map[string]string{"worked": "canary-named-comment"}
			}
			must(t, db.AnswerFeedback(bg, collab.Who{UserID: u.ID}, c, round, u.ID, a))
		}
		results := fmt.Sprintf("%s/%d/results", base, round)
		page := e.page(t, "colead", results)
		if !strings.Contains(page, `id="feedback-pending"`) || strings.Contains(page, "canary-") {
			t.Errorf("results published while the round is open")
		}

		// The round closes.
		closed := db.Now().Add(15 * 24 * time.Hour)
		db.Now = func() time.Time { return closed }
		for _, name := range []string{"convener", "colead", "funder"} {
			// Sessions idle for two weeks have ended: sign in again.
			u, _, err := db.FindUserByEmail(bg, name+"@example.org")
			must(t, err)
			e.sessions[name] = "later-session-" + name
			must(t, db.CreateSession(bg, e.sessions[name], u.ID))
		}
		page = e.page(t, "colead", results)
		ratings := between(page, `id="feedback-ratings"`, "</table>")
		meetings := between(ratings, "useful were the collaborative&#39;s meetings", "</tr>")
		support := between(ratings, "support your team", "</tr>")
		// Twelve gave the meetings a 4: shown, with the average; the one
		// rating of support is under the threshold, hidden with its
		// line's total.
		if !strings.Contains(meetings, "<td>12</td>") || !strings.Contains(meetings, "4.0") {
			t.Errorf("meetings line: %s", meetings)
		}
		if strings.Count(support, "too few to show") != 2 || strings.Contains(support, "<td>1</td>") {
			t.Errorf("support line shows a count under the threshold: %s", support)
		}
		director, _, err := db.FindUserByEmail(bg, "director.harbor@example.org")
		must(t, err)
		for _, want := range []string{"canary-anonymous-comment", "canary-named-comment", "Staff Person 0"} {
			if !strings.Contains(page, want) {
				t.Errorf("results lack %q", want)
			}
		}
		if strings.Contains(page, director.Name) {
			t.Errorf("the anonymous respondent's name %q is on the results page", director.Name)
		}
		if w := e.do("funder", "GET", results, nil, ""); w.Code != http.StatusForbidden {
			t.Errorf("a funder reading the results: %d", w.Code)
		}

		before := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'export'`)
		w = e.do("colead", "GET", results+".csv", nil, "")
		csv := w.Body.String()
		if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV: %d %s", w.Code, w.Header().Get("Content-Type"))
		}
		for _, want := range []string{"question,answer,value,respondent", ",4,12,", "too few to show", "canary-anonymous-comment,anonymous", "canary-named-comment,Staff Person 0"} {
			if !strings.Contains(csv, want) {
				t.Errorf("CSV lacks %q:\n%s", want, csv)
			}
		}
		if strings.Contains(csv, director.Name) || strings.Contains(csv, ",2,1,") {
			t.Errorf("CSV names the anonymous respondent or shows a count of 1:\n%s", csv)
		}
		if after := e.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'export'`); after != before+1 {
			t.Errorf("the CSV left %d audit rows, want 1", after-before)
		}

		// The funder report: ratings to every reader, written answers to
		// the readers of feedback, and the shared measures drawn.
		report := fmt.Sprintf("/c/%d/funder-report", c)
		funder := e.page(t, "funder", report)
		colead := e.page(t, "colead", report)
		for name, p := range map[string]string{"funder": funder, "colead": colead} {
			fb := between(p, `id="report-feedback"`, "</section>")
			if !strings.Contains(fb, "Quarterly feedback 1") || !strings.Contains(fb, "<td>12</td>") || !strings.Contains(fb, "too few to show") {
				t.Errorf("%s's funder report lacks the round's ratings:\n%s", name, fb)
			}
			if strings.Contains(p, director.Name) {
				t.Errorf("%s's funder report names the anonymous respondent", name)
			}
			if !strings.Contains(p, `id="report-chart-`+fmt.Sprint(e.ids["measure1"])+`"`) || !strings.Contains(p, "<svg") ||
				!strings.Contains(p, fmt.Sprintf(`aria-labelledby="chart-%d-title chart-%d-desc"`, e.ids["measure1"], e.ids["measure1"])) {
				t.Errorf("%s's funder report draws no chart of the shared measure", name)
			}
		}
		if strings.Contains(funder, "canary-") {
			t.Errorf("the funder reads the written answers")
		}
		if !strings.Contains(colead, "canary-anonymous-comment") {
			t.Errorf("the co-lead's report lacks the written answers")
		}
		w = e.do("funder", "GET", report+"?format=csv", nil, "")
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Feedback on the collaborative · Quarterly feedback 1") || strings.Contains(w.Body.String(), "canary-") {
			t.Errorf("the funder report's CSV: %d, feedback rows missing or written answers in it", w.Code)
		}

		// A closed round keeps its dates.
		w = e.form("convener", fmt.Sprintf("%s/%d", base, round), url.Values{"title": {"Reopened"}, "opensOn": {"2026-01-01"}, "closesOn": {"2030-01-01"}})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="e-closesOn"`) {
			t.Errorf("reopening a closed round: status %d", w.Code)
		}
	})
}

// between returns the part of s from the first from to the next to after
// it ("" if from is absent).
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, to); j >= 0 {
		return s[:j]
	}
	return s
}

// TestFunderReportCharts: the funder report draws each shared measure
// with the same points its aggregate chart shows the same reader — a
// funder no period fewer than MinAggregateTeams teams reported — and
// each chart names its own title and description.
func TestFunderReportCharts(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, m := e.ids["c1"], e.ids["measure1"]
	for _, actor := range []string{"convener", "funder", "colead"} {
		report := e.page(t, actor, fmt.Sprintf("/c/%d/funder-report", c))
		fig := between(report, fmt.Sprintf(`id="report-chart-%d"`, m), "</figure>")
		if fig == "" {
			t.Fatalf("%s: no chart of measure %d in the report", actor, m)
		}
		svg := e.do(actor, "GET", fmt.Sprintf("/c/%d/measures/%d/aggregate.svg", c, m), nil, "").Body.String()
		got, want := strings.Count(fig, "<circle"), strings.Count(svg, "<circle")
		if got == 0 || got != want {
			t.Errorf("%s: the report draws %d points, the aggregate chart %d", actor, got, want)
		}
		if n := strings.Count(report, `<title id="chart-`); n < 1 || strings.Contains(report, `id="spc-title"`) {
			t.Errorf("%s: the report's charts share an id (%d titles named for their measure)", actor, n)
		}
	}
}
