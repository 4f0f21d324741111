package web

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// doWith sends a request as an actor with extra cookies.
func (e *env) doWith(actor, method, path string, body io.Reader, contentType string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = "192.0.2.1:1234"
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := e.sessions[actor]; tok != "" {
		req.AddCookie(&http.Cookie{Name: e.srv.cookieName(), Value: tok})
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, req)
	return w
}

// cookieOf returns the response's Set-Cookie of that name, or nil.
func cookieOf(w *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestFlashShownOnce: a success message shows on the page after the
// redirect and is cleared there; a refused form and an error page never
// show it (they would say "Saved." above the error).
func TestFlashShownOnce(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	path := fmt.Sprintf("/c/%d/settings", e.ids["c1"])
	f := url.Values{"name": {"Renamed"}, "startDate": {"2026-01-01"}, "endDate": {"2027-06-30"}, "status": {"active"},
		"minReps": {"2"}, "hoursMin": {"4"}, "hoursMax": {"8"}, "criteria": {"Be kind"}, "requiredRoles": {"director"}}
	w := e.form("convener", path, f)
	flash := cookieOf(w, flashCookie)
	if w.Code != http.StatusSeeOther || flash == nil || flash.Value != "flash.saved" {
		t.Fatalf("valid post: %d, flash cookie %v", w.Code, flash)
	}
	const shown = `<p class="flash" role="status">Saved.</p>`
	sent := &http.Cookie{Name: flashCookie, Value: flash.Value}

	w = e.doWith("convener", "GET", path, nil, "", sent)
	if !strings.Contains(w.Body.String(), shown) {
		t.Errorf("the page after the redirect lacks the flash")
	}
	if c := cookieOf(w, flashCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("the page that showed the flash did not clear it: %v", c)
	}

	// A refused form, with the cookie still there (a second tab, a quick
	// resubmit): no "Saved." above its errors, and the cookie is cleared.
	f.Set("startDate", "2026-13-01")
	w = e.doWith("convener", "POST", path, strings.NewReader(f.Encode()), "application/x-www-form-urlencoded", sent)
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("invalid post: %d", w.Code)
	}
	if strings.Contains(w.Body.String(), "Saved.") {
		t.Errorf("a refused form says Saved.")
	}
	if c := cookieOf(w, flashCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("the refused form left the flash for the next page: %v", c)
	}
	// An error page neither.
	w = e.doWith("convener", "GET", "/c/999999", nil, "", sent)
	if w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "Saved.") {
		t.Errorf("error page: %d, flash shown %v", w.Code, strings.Contains(w.Body.String(), "Saved."))
	}
}

// TestCountsReadAsWords: pages word counts by number, from the catalog's
// plural forms ("1 team", never "1 teams" or "team(s)").
func TestCountsReadAsWords(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c2 := e.ids["c2"]
	w := e.do("outsider", "GET", fmt.Sprintf("/c/%d/teams", c2), nil, "")
	if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, "<caption>1 team</caption>") {
		t.Errorf("teams page: %d, caption %q", w.Code, regexp.MustCompile(`<caption>[^<]*</caption>`).FindString(body))
	}
	w = e.do("outsider", "GET", fmt.Sprintf("/c/%d/dashboard", c2), nil, "")
	if body := w.Body.String(); !strings.Contains(body, `<span class="num">1</span> team</li>`) {
		t.Errorf("dashboard: no %q", `1 team`)
	}
	w = e.do("outsider", "GET", fmt.Sprintf("/c/%d", c2), nil, "")
	if body := w.Body.String(); !strings.Contains(body, `<span class="num">1</span> active team</li>`) {
		t.Errorf("overview: no %q in %s", `1 active team`, regexp.MustCompile(`(?s)<ul class="stats">.*?</ul>`).FindString(body))
	}
	w = e.do("convener", "GET", fmt.Sprintf("/c/%d", e.ids["c1"]), nil, "")
	if strings.Contains(w.Body.String(), "(s)") {
		t.Errorf("overview says (s)")
	}
}

// TestReportsAndFeedWording: a report says "Submitted" once; months read
// as "November 2026"; the dashboard's month counts a report submitted
// this month whatever month it covers; the feed shows words, not stored
// values, and searches by words; the favicon is served.
func TestReportsAndFeedWording(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team := e.ids["c1"], e.ids["teamA"]
	month := learning.MonthOf(e.db.Today()).AddMonths(-1)
	monthName := month.Time().Format("January 2006")

	w := e.do("coach", "GET", fmt.Sprintf("/c/%d/teams/%d/reports/%d", c, team, e.ids["reportA"]), nil, "")
	head := regexp.MustCompile(`(?s)<p class="muted">.*?</p>`).FindString(w.Body.String())
	if n := strings.Count(head, "Submitted"); w.Code != 200 || n != 1 {
		t.Errorf("report header %q says Submitted %d times", head, n)
	}
	if !strings.Contains(w.Body.String(), "monthly report for "+monthName) {
		t.Errorf("report title lacks %q", monthName)
	}
	for _, path := range []string{fmt.Sprintf("/c/%d/reports", c), fmt.Sprintf("/c/%d/teams/%d/reports", c, team)} {
		body := e.do("convener", "GET", path, nil, "").Body.String()
		if !strings.Contains(body, ">"+monthName+"</a>") || strings.Contains(body, ">"+month.String()+"</a>") {
			t.Errorf("%s: report links do not read %q", path, monthName)
		}
	}

	// The fixture's reports cover last month and were submitted today.
	this := learning.MonthOf(e.db.Today())
	a, err := e.db.LearningAggregates(bg, c, this, this.AddMonths(1))
	must(t, err)
	if a.ReportsSubmitted != 2 || a.TeamsReporting != 2 {
		t.Errorf("this month: %d reports from %d teams, want 2 from 2 (counted by submission)", a.ReportsSubmitted, a.TeamsReporting)
	}
	body := e.do("convener", "GET", fmt.Sprintf("/c/%d/dashboard", c), nil, "").Body.String()
	if !strings.Contains(body, "This month ("+this.Time().Format("January 2006")+")") || !strings.Contains(body, "a monthly report submitted this month counts here") {
		t.Errorf("dashboard's month heading is not labelled by name and submission")
	}

	sh := &learning.Share{CollaborativeID: c, TeamID: team, Kind: learning.SharePDSA, ItemID: e.ids["pdsaA"],
		Summary: learning.Summary{Title: "Warm handoffs", Fields: map[string]string{"stage": "done", "decision": "adopt"}}}
	must(t, e.db.Share(bg, collab.Who{}, sh))
	body = e.do("convener", "GET", fmt.Sprintf("/c/%d/feed", c), nil, "").Body.String()
	for _, want := range []string{"<dd>Adopt</dd>", "<dd>Done</dd>", `name="q"`} {
		if !strings.Contains(body, want) {
			t.Errorf("feed lacks %q", want)
		}
	}
	if strings.Contains(body, "<dd>adopt</dd>") || strings.Contains(body, "<dd>done</dd>") {
		t.Errorf("feed shows stored values")
	}
	body = e.do("convener", "GET", fmt.Sprintf("/c/%d/feed?q=harbor+LESSON", c), nil, "").Body.String()
	if !strings.Contains(body, "Harbor lesson") || strings.Contains(body, "Pioneer lesson") || strings.Contains(body, "Warm handoffs") {
		t.Errorf("search for harbor lesson: wrong entries")
	}

	w = e.do("", "GET", "/favicon.ico", nil, "")
	if w.Code != 200 || w.Header().Get("Content-Type") != "image/svg+xml" || !strings.Contains(w.Body.String(), "<svg") {
		t.Errorf("favicon: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	if !strings.Contains(body, `<link rel="icon" href="/static/`) {
		t.Errorf("pages do not link the icon")
	}
}

// TestLongTextKept: text over a field's limit is refused with the limit
// and its length, and shown again; a form over the request limit is shown
// again with what fitted and the limit, not a bare 400 that loses it.
func TestLongTextKept(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team := e.ids["c1"], e.ids["teamA"]
	path := fmt.Sprintf("/c/%d/teams/%d/reports", c, team)
	month := e.db.Today().AddMonths(-3).String()[:7]

	long := "Our month began with a visit. " + strings.Repeat("x", 315000-30)
	w := e.form("advocate", path, url.Values{"month": {month}, "narrative": {long}, "action": {"save"}})
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "at most 20,000 characters; you typed 315,000.") {
		t.Errorf("315 KB narrative: %d, message %q", w.Code, regexp.MustCompile(`<p class="error" id="e-narrative">[^<]*`).FindString(body))
	}
	if !strings.Contains(body, long) {
		t.Errorf("the long narrative is not kept in the form")
	}

	huge := "Our month began with a visit. " + strings.Repeat("y", 1200000)
	sent := url.Values{"month": {month}, "narrative": {huge}, "action": {"save"}}.Encode()
	w = e.form("advocate", path, url.Values{"month": {month}, "narrative": {huge}, "action": {"save"}})
	body = w.Body.String()
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(body, `id="report-form"`) {
		t.Fatalf("1.2 MB narrative: %d, form shown again %v: %.3000s", w.Code, strings.Contains(body, `id="report-form"`), body)
	}
	if want := fmt.Sprintf("at most 1,024 KB at once, and this was %s KB", commas((len(sent)+1023)/1024)); !strings.Contains(body, want) {
		t.Errorf("the oversized form does not state the limit: %q", regexp.MustCompile(`role="alert">[^<]*`).FindString(body))
	}
	if !strings.Contains(body, "Our month began with a visit. yyyyyyyy") {
		t.Errorf("what fitted of the narrative is not kept")
	}
	reps, err := e.db.Reports(bg, c, sqlstore.ReportFilter{TeamID: team})
	must(t, err)
	for _, r := range reps {
		if strings.HasPrefix(r.Narrative, "Our month began") {
			t.Errorf("an oversized form saved a report")
		}
	}

	// A form with no page of its own: the error page states the limit and
	// holds the text to copy.
	w = e.form("convener", fmt.Sprintf("/c/%d/feed/%d/comments", c, e.ids["shareA"]), url.Values{"body": {huge}})
	body = w.Body.String()
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(body, "at most 1,024 KB") || !strings.Contains(body, "<textarea") || !strings.Contains(body, "Our month began with a visit.") {
		t.Errorf("oversized comment: %d", w.Code)
	}
}

// commas writes n with thousands separators, as the English catalog does.
func commas(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestPartialForm: the part of an oversized body that fitted parses with
// its last field cut, never with half an escape or half a character, and
// never with a secret to echo back.
func TestPartialForm(t *testing.T) {
	for _, tt := range []struct {
		body string
		want url.Values
	}{
		{"month=2026-11&narrative=Hello+wor", url.Values{"month": {"2026-11"}, "narrative": {"Hello wor"}}},
		{"narrative=caf%C3%A9+ok%2", url.Values{"narrative": {"café ok"}}},
		{"narrative=ab%", url.Values{"narrative": {"ab"}}},
		{"narrative=caf%C3", url.Values{"narrative": {"caf"}}}, // é cut in half
		{"password=hunter2&newPassword=x&token=t&code=1&body=text", url.Values{"body": {"text"}}},
	} {
		got := partialForm([]byte(tt.body))
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("partialForm(%q) = %v, want %v", tt.body, got, tt.want)
		}
	}
}
