package web

import (
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/i18n"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestValuesRefusedEveryWay sends each impossible value through every way
// in — the grid, a pasted block, the API, a CSV upload on the page and
// through the API — and checks each is refused with the rule's message,
// naming the cell or column, with nothing saved.
func TestValuesRefusedEveryWay(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team, m := e.ids["c1"], e.ids["teamA"], e.ids["measure1"]
	col, err := e.db.FindCollaborative(bg, c)
	must(t, err)
	ok := improve.PeriodStart(improve.Monthly, col.StartDate).AddMonths(2)
	month := func(d collab.Date) string { return d.String()[:7] }
	base := fmt.Sprintf("/c/%d/teams/%d", c, team)
	api := fmt.Sprintf("/api/v1/collaboratives/%d/teams/%d", c, team)
	for _, tc := range []struct {
		name     string
		period   collab.Date
		num, den string
		key      string // the message's catalog key
		column   string // the column or input part it is placed at
	}{
		{"2031", collab.NewDate(2031, 1, 1), "3", "9", "measure.error_outside_collab", "period"},
		{"50 of 40", ok, "50", "40", "measure.error_numerator_above", "numerator"},
		{"negative", ok, "-3", "9", "measure.error_negative", "numerator"},
	} {
		msg := e.srv.cat.Printer("en").Sprintf(tc.key)
		ways := []struct {
			way  string
			send func() (int, string)
		}{
			{"grid", func() (int, string) {
				f := url.Values{cellName(m, tc.period, 0, "n"): {tc.num}, cellName(m, tc.period, 0, "d"): {tc.den}}
				w := e.form("director", base+"/data", f)
				return w.Code, w.Body.String()
			}},
			{"paste", func() (int, string) {
				f := url.Values{"pasteMeasure": {fmt.Sprint(m)}, "paste": {month(tc.period) + "\t" + tc.num + "\t" + tc.den}}
				w := e.form("director", base+"/data", f)
				return w.Code, w.Body.String()
			}},
			{"api", func() (int, string) {
				body := fmt.Sprintf(`{"values":[{"measureId":%d,"period":%q,"numerator":%s,"denominator":%s}]}`, m, month(tc.period), tc.num, tc.den)
				w := e.do("director", "PUT", api+"/values", strings.NewReader(body), "application/json")
				return w.Code, w.Body.String()
			}},
			{"csv page", func() (int, string) {
				content := fmt.Sprintf("measure,period,numerator,denominator\n%d,%s,%s,%s\n", m, month(tc.period), tc.num, tc.den)
				w := e.uploadFile("director", base+"/data/import", map[string]string{"apply": "1"}, "values.csv", []byte(content))
				return w.Code, w.Body.String()
			}},
			{"csv api", func() (int, string) {
				content := fmt.Sprintf("measure,period,numerator,denominator\n%d,%s,%s,%s\n", m, month(tc.period), tc.num, tc.den)
				w := e.do("director", "POST", api+"/values/import", strings.NewReader(content), "text/csv")
				return w.Code, w.Body.String()
			}},
		}
		for _, way := range ways {
			t.Run(tc.name+"/"+way.way, func(t *testing.T) {
				before := e.dbHash("audit_log")
				code, body := way.send()
				if code != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422", code)
				}
				if strings.HasPrefix(way.way, "csv api") || way.way == "api" {
					body = strings.ReplaceAll(body, `": "`, `":"`)
					if !strings.Contains(body, `"key":"`+tc.key+`"`) || !strings.Contains(body, `"column":"`+tc.column+`"`) {
						t.Errorf("want key %s at column %s: %s", tc.key, tc.column, body)
					}
				} else if !strings.Contains(body, html.EscapeString(msg)) {
					t.Errorf("the page does not say %q", msg)
				}
				if i := strings.Index(body, `id="import-errors"`); way.way == "csv page" && (i < 0 || strings.Count(body[i:], tc.column+")") != 1) {
					t.Errorf("the column %q is not named once", tc.column)
				}
				if e.dbHash("audit_log") != before {
					t.Error("a refused value changed the database")
				}
			})
		}
	}
}

// TestCSVErrorsInOurWords: a stray quotation mark is reported in words a
// spreadsheet user knows, not encoding/csv's.
func TestCSVErrorsInOurWords(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team, m := e.ids["c1"], e.ids["teamA"], e.ids["measure1"]
	content := fmt.Sprintf("measure,period,numerator,denominator\n%d,2026-01,3 \"x\",9\n", m)
	w := e.uploadFile("director", fmt.Sprintf("/c/%d/teams/%d/data/import", c, team), nil, "values.csv", []byte(content))
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || strings.Contains(body, "non-quoted-field") || !strings.Contains(body, "A quotation mark") {
		t.Errorf("%d: %s", w.Code, body)
	}
}

// TestGridShowsDueMonthsFirst: the grid opens on the newest month, lists
// no month outside the collaborative, and a bad cell is listed at the top
// with a link to it.
func TestGridShowsDueMonthsFirst(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team, m := e.ids["c1"], e.ids["teamA"], e.ids["measure1"]
	w := e.do("director", "GET", fmt.Sprintf("/c/%d/teams/%d/data", c, team), nil, "")
	body := w.Body.String()
	now := month(e.db.Now())
	prev := month(e.db.Now().AddDate(0, -1, 0))
	if i, j := strings.Index(body, ">"+now+"</th>"), strings.Index(body, ">"+prev+"</th>"); i < 0 || j < 0 || i > j {
		t.Errorf("this month (%d) is not before the last (%d)", i, j)
	}
	col, _ := e.db.FindCollaborative(bg, c)
	before := improve.PeriodStart(improve.Monthly, col.StartDate).AddMonths(-1)
	if strings.Contains(body, ">"+before.String()[:7]+"</th>") {
		t.Error("the grid offers a month before the collaborative")
	}
	cell := cellName(m, improve.PeriodStart(improve.Monthly, collab.DateOf(e.db.Now())).AddMonths(-2), 0, "n")
	w = e.form("director", fmt.Sprintf("/c/%d/teams/%d/data", c, team), url.Values{cell: {"50"}, strings.TrimSuffix(cell, "n") + "d": {"40"}})
	if body := w.Body.String(); !strings.Contains(body, `id="grid-errors"`) || !strings.Contains(body, `href="#`+cell+`"`) {
		t.Errorf("no error summary linking to %s: %d", cell, w.Code)
	}
}

func month(t interface{ Format(string) string }) string { return t.Format("2006-01") }

// TestChartPhasesAreChosen: an adopted PDSA cycle no longer splits the
// chart, so a measure that doubled signals; a recalculation a person
// chooses (with the reason) makes two phases, and removing it one again.
func TestChartPhasesAreChosen(t *testing.T) {
	mm := &improve.Measure{ID: 7, Name: "Sessions", Period: improve.Monthly, Chart: "run", Better: improve.BetterUp}
	pts := map[collab.Date]*teamPoint{}
	start := collab.NewDate(2025, 1, 1)
	for i, y := range []float64{5, 6, 5, 6, 5, 6, 11, 13, 12, 14, 12, 13} {
		pts[start.AddMonths(i)] = &teamPoint{y: y, hasN: true}
	}
	adopted := &improve.PDSA{ID: 1, TeamID: 1, Title: "Evening sessions", StartedOn: start.AddMonths(4), EndedOn: start.AddMonths(5), Decision: improve.DecisionAdopt, MeasureID: 99}
	res, co, err := measureChart(mm, pts, []*improve.PDSA{adopted}, nil, "", "t")
	must(t, err)
	if n := len(res.Panels[0].Parts); n != 1 {
		t.Errorf("%d phases with an adopted cycle and no recalculation, want 1", n)
	}
	if len(co.Annotations) != 1 || !strings.Contains(co.Annotations[0].Label, "Evening sessions") {
		t.Errorf("annotations %+v, want the cycle's marker with its title", co.Annotations)
	}
	cat, err := i18n.Load()
	must(t, err)
	p := basePage{pr: cat.Printer("en")}
	fs := findingsText(&p, mm, res)
	if len(fs) == 0 || !strings.Contains(fs[0].Text, "6 months in a row above the centre line: a shift") || !strings.Contains(fs[0].Rule, "Anhøj") {
		t.Errorf("findings %+v", fs)
	}
	if from, _ := suggestBreak(mm, res, []*improve.PDSA{adopted}); from != "" {
		t.Errorf("suggested %s for a cycle linked to another measure", from)
	}
	adopted.MeasureID = mm.ID
	if from, c := suggestBreak(mm, res, []*improve.PDSA{adopted}); from != "2025-07" || c != adopted {
		t.Errorf("suggested %q, want 2025-07", from)
	}
	res, _, err = measureChart(mm, pts, nil, []*improve.LimitBreak{{Period: start.AddMonths(6), Reason: "new level"}}, "", "t")
	must(t, err)
	if n := len(res.Panels[0].Parts); n != 2 {
		t.Errorf("%d phases after a recalculation, want 2", n)
	}
}

// TestRecalculateLimitsPage: the team's form records a recalculation,
// the page lists it with its reason, the CSV of the chart has two parts,
// and removing it leaves one.
func TestRecalculateLimitsPage(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team, m := e.ids["c1"], e.ids["teamA"], e.ids["measure1"]
	page := fmt.Sprintf("/c/%d/teams/%d/measures/%d", c, team, m)
	parts := func() map[string]bool {
		w := e.do("director", "GET", page+"/data.csv", nil, "")
		recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
		must(t, err)
		out := map[string]bool{}
		for _, r := range recs[1:] {
			out[r[indexOfStr(recs[0], "part")]] = true
		}
		return out
	}
	// The fixture's recalculation, removed first.
	if w := e.form("director", fmt.Sprintf("%s/limits/%d/delete", page, e.ids["limitsA"]), nil); w.Code != http.StatusSeeOther {
		t.Fatalf("remove: %d %s", w.Code, w.Body)
	}
	if got := parts(); len(got) != 1 {
		t.Errorf("parts %v without a recalculation, want 1", got)
	}
	// The demo's measure, about 33 % then 76 % after the adopted change
	// linked to it: a signal in words, and the suggestion to recalculate.
	body := e.do("director", "GET", page, nil, "").Body.String()
	if !strings.Contains(body, "months in a row above the centre line: a shift") || !strings.Contains(body, `id="limits-suggest"`) {
		t.Error("the demo's measure shows no shift, or no suggestion to recalculate after its adopted change")
	}
	if w := e.form("director", page+"/limits", url.Values{"from": {"1999-01"}, "reason": {"x"}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("a month with no baseline before it: %d", w.Code)
	}
	if w := e.form("director", page+"/limits", url.Values{"from": {month(e.db.Now().AddDate(0, -3, 0))}, "reason": {""}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="e-reason"`) {
		t.Errorf("no reason: %d", w.Code)
	}
	if w := e.form("director", page+"/limits", url.Values{"from": {month(e.db.Now().AddDate(0, -6, 0))}, "reason": {"Sustained shift after the opening question"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("recalculate: %d %s", w.Code, w.Body)
	}
	if got := parts(); len(got) != 2 {
		t.Errorf("parts %v after a recalculation, want 2", got)
	}
	body = e.do("director", "GET", page, nil, "").Body.String()
	if !strings.Contains(body, "Sustained shift after the opening question") || !strings.Contains(body, `id="limit-breaks"`) {
		t.Error("the page does not list the recalculation with its reason")
	}
	if strings.Contains(body, "target 0.8") || !strings.Contains(body, "target 80 %") {
		t.Error("the per cent measure's target is not shown in per cent")
	}
}

func indexOfStr(xs []string, s string) int {
	for i, x := range xs {
		if x == s {
			return i
		}
	}
	return -1
}

// TestMeasureLabelUnitOnce: a measure named "(%)" is not shown "(%) (%)".
func TestMeasureLabelUnitOnce(t *testing.T) {
	for _, tc := range []struct{ name, unit, want string }{
		{"Share (%)", "%", "Share (%)"},
		{"Share", "%", "Share (%)"},
		{"Hours", "", "Hours"},
	} {
		if got := (&improve.Measure{Name: tc.name, Unit: tc.unit}).Label(); got != tc.want {
			t.Errorf("%q %q: %q, want %q", tc.name, tc.unit, got, tc.want)
		}
	}
}

// TestPDSADatesRefused: a cycle dated outside the collaborative (1999,
// 2099) is refused through the form, naming the field, and through the
// API, with nothing saved; a cycle may name the measure it should move.
func TestPDSADatesRefused(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team := e.ids["c1"], e.ids["teamA"]
	page := fmt.Sprintf("/c/%d/teams/%d/pdsa/%d", c, team, e.ids["pdsaA"])
	msg := html.EscapeString(e.srv.cat.Printer("en").Sprintf("pdsa.error_outside_collab"))
	for _, d := range []string{"1999-03-01", "2099-03-01"} {
		before := e.dbHash("audit_log")
		w := e.form("director", page, url.Values{"startedOn": {d}, "endedOn": {d}})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), msg) || !strings.Contains(w.Body.String(), `value="`+d+`"`) {
			t.Errorf("form, started %s: %d", d, w.Code)
		}
		body := fmt.Sprintf(`{"changeId":%d,"title":"Dated %s","startedOn":%q}`, e.imp.ChangeIDs[0], d, d)
		w = e.do("director", "POST", fmt.Sprintf("/api/v1/collaboratives/%d/teams/%d/pdsa", c, team), strings.NewReader(body), "application/json")
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "startedOn") {
			t.Errorf("api, started %s: %d %s", d, w.Code, w.Body)
		}
		if e.dbHash("audit_log") != before {
			t.Errorf("a cycle dated %s changed the database", d)
		}
	}
	w := e.form("director", page, url.Values{"measure": {fmt.Sprint(e.ids["measure1"])}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("linking a measure: %d", w.Code)
	}
	got, err := e.db.FindPDSA(bg, c, team, e.ids["pdsaA"])
	must(t, err)
	if got.MeasureID != e.ids["measure1"] {
		t.Errorf("linked measure %d, want %d", got.MeasureID, e.ids["measure1"])
	}
}

// TestHoursTakeFractions: the hours field lets a browser send 1.5, as the
// server accepts it.
func TestHoursTakeFractions(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	w := e.do("director", "GET", fmt.Sprintf("/c/%d/teams/%d/participation", e.ids["c1"], e.ids["teamA"]), nil, "")
	if !strings.Contains(w.Body.String(), `name="hours" type="number" step="any"`) {
		t.Errorf("the hours input takes whole numbers only: %d", w.Code)
	}
}
