package web

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/framework"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestPagesRender reads every page as every actor and target and fails
// on a server error: the access matrix counts a 500 as "allowed".
func TestPagesRender(t *testing.T) {
	if testing.Short() {
		t.Skip("a walk over every page or export; it runs in full without -short (CI's race pass uses -short)")
	}
	e := newEnv(t, sqltest.SQLite(t))
	for _, rt := range e.srv.Routes() {
		if rt.Method != "GET" {
			continue
		}
		for _, tg := range targets {
			path, err := fill(e, rt.Pattern, tg)
			if err != nil {
				t.Fatal(err)
			}
			for _, actor := range actors {
				if w := e.do(actor, "GET", path, nil, ""); w.Code >= 500 {
					t.Errorf("GET %s as %s: %d %s", path, actorName(actor), w.Code, w.Body.String())
				}
			}
		}
	}
}

func location(t *testing.T, w *httptest.ResponseRecorder) string {
	t.Helper()
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d, want 303: %s", w.Code, w.Body.String())
	}
	return w.Header().Get("Location")
}

var idRE = regexp.MustCompile(`(?:/|#driver-)(\d+)$`)

func lastID(t *testing.T, loc string) string {
	t.Helper()
	m := idRE.FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("no id in %q", loc)
	}
	return m[1]
}

// TestTeamImprovementFlow: a direct-service member of a team writes an
// aim, builds a driver diagram whose change idea links to a Blueprint
// action, runs a PDSA cycle to "adopt", pastes 24 months of data and sees
// the chart with the cycle's marker, a new phase and its signals.
func TestTeamImprovementFlow(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team := e.ids["c1"], e.ids["teamA"]
	startIn2019(t, e, c) // the cycle's 2025 dates are within the project
	base := fmt.Sprintf("/c/%d/teams/%d", c, team)

	aimURL := location(t, e.form("advocate", base+"/aims", url.Values{"statement": {"Every survivor is asked what goes well."}, "howKnow": {"The share rises."},
		"whatChanges": {"Ask first."}, "targetDate": {"2027-06-30"}}))
	aim := lastID(t, aimURL)
	// What was typed survives a validation error.
	if w := e.form("advocate", base+"/aims", url.Values{"statement": {" "}, "howKnow": {"kept text"}}); w.Code != 422 || !strings.Contains(w.Body.String(), "kept text") {
		t.Errorf("invalid aim: %d", w.Code)
	}
	drivers := base + "/aims/" + aim + "/drivers"
	p := lastID(t, location(t, e.form("advocate", drivers, url.Values{"kind": {"primary"}, "title": {"Safety and connection"}})))
	s := lastID(t, location(t, e.form("advocate", drivers, url.Values{"kind": {"secondary"}, "parent": {p}, "title": {"Intake as conversation"}})))
	ch := lastID(t, location(t, e.form("advocate", drivers, url.Values{"kind": {"change"}, "parent": {s}, "title": {"Open with a strengths question"},
		"frameworkNode": {fmt.Sprint(e.imp.NodeID)}})))
	svg := e.do("advocate", "GET", base+"/aims/"+aim+"/diagram.svg", nil, "")
	if svg.Code != 200 || !strings.Contains(svg.Body.String(), "Open with a strengths question") || !strings.Contains(svg.Body.String(), "1.6.1") ||
		strings.Contains(svg.Body.String(), "style=") || strings.Contains(svg.Body.String(), "<script") {
		t.Errorf("driver diagram: %d %s", svg.Code, svg.Body.String())
	}
	// Coaches read a team's work but do not write it.
	if w := e.form("coach", drivers, url.Values{"kind": {"primary"}, "title": {"x"}}); w.Code != 403 {
		t.Errorf("coach adds a driver: %d", w.Code)
	}

	cycle := lastID(t, location(t, e.form("advocate", base+"/pdsa", url.Values{"change": {ch}, "title": {"Strengths question, one week"}, "objective": {"Try it"}})))
	// A decision without what went well is refused, keeping what was typed.
	w := e.form("advocate", base+"/pdsa/"+cycle, url.Values{"decision": {"adopt"}, "differed": {"slower than predicted"}})
	if w.Code != 422 || !strings.Contains(w.Body.String(), "slower than predicted") {
		t.Fatalf("decision without what went well: %d", w.Code)
	}
	location(t, e.form("advocate", base+"/pdsa/"+cycle, url.Values{"startedOn": {"2025-06-03"}, "endedOn": {"2025-12-20"}, "doNotes": {"Done"},
		"wentWell": {"People talked about their children"}, "differed": {"slower"}, "decision": {"adopt"}}))
	board := e.do("advocate", "GET", base+"/pdsa", nil, "").Body.String()
	if !strings.Contains(board, "Strengths question, one week") {
		t.Error("the board lacks the cycle")
	}

	mURL := location(t, e.form("advocate", base+"/measures", url.Values{"name": {"Days to safe housing"}, "kind": {"outcome"}, "better": {"down"}, "chart": {"i"},
		"period": {"monthly"}, "target": {"10"}}))
	m := lastID(t, mURL)
	var paste strings.Builder
	paste.WriteString("Month\tDays\n")
	for i := 0; i < 24; i++ {
		d := collab.NewDate(2024, 7, 1).AddMonths(i)
		v := 30 + (i*7)%5
		if i >= 12 {
			v = 14 + (i*3)%4
		}
		fmt.Fprintf(&paste, "%s\t%d\n", d.String()[:7], v)
	}
	location(t, e.form("advocate", base+"/data", url.Values{"pasteMeasure": {m}, "paste": {paste.String()}}))
	page := e.do("advocate", "GET", mURL, nil, "")
	body := page.Body.String()
	for _, want := range []string{"Strengths question, one week", `class="annotation"`, `class="target"`, "spc-table", "months in a row below the centre line: a shift"} {
		if !strings.Contains(body, want) {
			t.Errorf("measure page lacks %q", want)
		}
	}
	csvw := e.do("advocate", "GET", mURL+"/data.csv", nil, "")
	if lines := strings.Count(csvw.Body.String(), "\n"); csvw.Code != 200 || lines != 25 {
		t.Errorf("data.csv: %d, %d lines", csvw.Code, lines)
	}
	// The adopted cycle is a marker, not a phase: the limits stay until
	// someone recalculates them (TestChartPhasesAreChosen).
	if strings.Contains(csvw.Body.String(), ",2,") {
		t.Errorf("an adopted cycle started a second phase: %s", csvw.Body.String())
	}
	// A bad cell in the grid is named and nothing is saved.
	before := e.dbHash()
	cell := cellName(e.imp.MeasureID, collab.NewDate(2025, 1, 1), 0, "n")
	w = e.form("advocate", base+"/data", url.Values{"from": {"2025-01"}, cell: {"lots"}, cellName(e.imp.MeasureID, collab.NewDate(2025, 1, 1), 0, "d"): {"10"}})
	if w.Code != 422 || !strings.Contains(w.Body.String(), `aria-invalid="true"`) || !strings.Contains(w.Body.String(), `value="lots"`) {
		t.Errorf("bad grid cell: %d", w.Code)
	}
	if e.dbHash() != before {
		t.Error("a refused grid changed the database")
	}
}

func multipartFile(t *testing.T, fields map[string]string, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
	}
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// startIn2019 moves the collaborative's start to 2019, so that the
// tests' 2019 months are within its dates and reported by no team.
func startIn2019(t testing.TB, e *env, c int64) {
	t.Helper()
	col, err := e.db.FindCollaborative(bg, c)
	must(t, err)
	col.StartDate = collab.NewDate(2019, 1, 1)
	must(t, e.db.UpdateCollaborative(bg, collab.Who{}, col, nil))
}

// TestImportFlow: a dry run shows the plan and saves nothing; applying it
// saves; a wrong file names the cell and loses nothing.
func TestImportFlow(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team := e.ids["c1"], e.ids["teamA"]
	startIn2019(t, e, c)
	imp := fmt.Sprintf("/c/%d/teams/%d/data/import", c, team)
	mname := "Conversations that start with what goes well"
	good := "measure,period,numerator,denominator\n" + mname + ",2019-01,5,10\n" + mname + ",2019-02,6,10\n"
	before := e.dbHash()
	body, ct := multipartFile(t, nil, "values.csv", []byte(good))
	w := e.do("advocate", "POST", imp, body, ct)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `id="import-plan"`) || !strings.Contains(w.Body.String(), "2 to add") {
		t.Fatalf("dry run: %d %s", w.Code, w.Body.String())
	}
	if e.dbHash() != before {
		t.Fatal("the dry run changed the database")
	}
	payload := regexp.MustCompile(`name="payload" value="([^"]+)"`).FindStringSubmatch(w.Body.String())
	if payload == nil {
		t.Fatal("no payload in the plan")
	}
	body, ct = multipartFile(t, map[string]string{"payload": payload[1], "payloadName": "values.csv", "apply": "1"}, "", nil)
	location(t, e.do("advocate", "POST", imp, body, ct))
	vals, err := e.db.Values(bg, c, sqlstore.ValueFilter{TeamID: team, MeasureID: e.imp.MeasureID})
	must(t, err)
	if len(vals) != 14 || vals[0].Period.String() != "2019-01-01" || *vals[0].Numerator != 5 {
		t.Fatalf("after import: %d values, first %s", len(vals), vals[0].Period)
	}

	bad := "measure,period,numerator,denominator\n" + mname + ",2019-03,5,10\n" + mname + ",2019-04,six,10\n"
	before = e.dbHash()
	body, ct = multipartFile(t, nil, "values.csv", []byte(bad))
	w = e.do("advocate", "POST", imp, body, ct)
	if w.Code != 422 || !strings.Contains(w.Body.String(), "Cell C3") {
		t.Fatalf("bad file: %d %s", w.Code, w.Body.String())
	}
	if e.dbHash() != before {
		t.Fatal("a wrong file changed the database")
	}

	// The API: a dry run, then the write, all or nothing.
	api := fmt.Sprintf("/api/v1/collaboratives/%d/teams/%d/values", c, team)
	in := fmt.Sprintf(`{"dryRun":true,"values":[{"measureId":%d,"period":"2019-05","numerator":1,"denominator":2}]}`, e.imp.MeasureID)
	w = e.do("advocate", "PUT", api, strings.NewReader(in), "application/json")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"adds": 1`) || !strings.Contains(w.Body.String(), `"applied": false`) {
		t.Fatalf("api dry run: %d %s", w.Code, w.Body.String())
	}
	// A file through the API: a wrong one names the cell and saves nothing.
	before = e.dbHash()
	w = e.do("advocate", "POST", api+"/import", strings.NewReader(bad), "text/csv")
	if w.Code != 422 || !strings.Contains(w.Body.String(), `"cell": "C3"`) || e.dbHash() != before {
		t.Fatalf("api bad file: %d %s", w.Code, w.Body.String())
	}
	w = e.do("advocate", "POST", api+"/import?dryRun=1", strings.NewReader(strings.ReplaceAll(bad, "six", "6")), "text/csv")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"adds": 2`) || e.dbHash() != before {
		t.Fatalf("api dry run of a file: %d %s", w.Code, w.Body.String())
	}
	in = fmt.Sprintf(`{"values":[{"measureId":%d,"period":"2019-05","numerator":1,"denominator":2},{"measureId":%d,"period":"2019-06","value":3}]}`, e.imp.MeasureID, e.imp.MeasureID)
	before = e.dbHash()
	w = e.do("advocate", "PUT", api, strings.NewReader(in), "application/json")
	if w.Code != 422 || !strings.Contains(w.Body.String(), `"row": 2`) || e.dbHash() != before {
		t.Fatalf("api bad row: %d %s", w.Code, w.Body.String())
	}
}

// TestFrameworkFlow: a convener adopts a built-in framework, edits it
// (history kept), exports it, and imports a broken file that is refused
// by line.
func TestFrameworkFlow(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	base := fmt.Sprintf("/c/%d/frameworks", c)
	fwURL := location(t, e.form("convener", base, url.Values{"key": {"five-domains"}}))
	fw := lastID(t, fwURL)
	if w := e.form("convener", base, url.Values{"key": {"five-domains"}}); w.Code != 422 {
		t.Errorf("adopting twice: %d", w.Code)
	}
	location(t, e.form("convener", fwURL+"/nodes", url.Values{"parent": {"0"}, "title": {"Joy"}}))
	f, err := e.db.FindFramework(bg, c, int64(atoi(fw)))
	must(t, err)
	first := fmt.Sprint(f.Nodes[0].ID)
	location(t, e.form("convener", fwURL+"/nodes/"+first, url.Values{"title": {"Social connectedness, renamed"}}))
	location(t, e.form("convener", fwURL+"/nodes/"+first, url.Values{"action": {"down"}}))
	location(t, e.form("convener", fwURL+"/nodes/"+first, url.Values{"action": {"retire"}}))
	if w := e.form("director", fwURL+"/nodes/"+first, url.Values{"action": {"restore"}}); w.Code != 403 {
		t.Errorf("a team member edits a framework: %d", w.Code)
	}
	hist := e.do("convener", "GET", fwURL+"/history", nil, "").Body.String()
	for _, want := range []string{"Social connectedness, renamed", "Joy", "Retired", "Moved", "Adopted"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history lacks %q", want)
		}
	}
	exp := e.do("funder", "GET", fwURL+"/export?format=json", nil, "")
	back, err := framework.Parse(exp.Body, "json")
	if err != nil {
		t.Fatalf("export does not read back: %v", err)
	}
	for _, n := range back.Nodes {
		if strings.Contains(n.Title, "renamed") {
			t.Error("a retired node was exported")
		}
	}
	if back.Nodes[len(back.Nodes)-1].Title != "Joy" {
		t.Errorf("the added node is not last: %+v", back.Nodes)
	}
	// Search finds a node of an adopted framework.
	if s := e.do("advocate", "GET", base+"?q=joy", nil, "").Body.String(); !strings.Contains(s, "search-results") {
		t.Error("search found nothing")
	}
	// A broken framework is refused, by line, and nothing is adopted.
	before := e.dbHash()
	broken := "key: broken\nname: Broken\nlevels:\n- name: Level\n  kinds: [item]\nnodes:\n- code: '1'\n  kind: item\n"
	w := e.form("convener", base+"/import", url.Values{"text": {broken}, "format": {"yaml"}})
	if w.Code != 422 || !strings.Contains(w.Body.String(), "line 7") {
		t.Fatalf("broken import: %d %s", w.Code, w.Body.String())
	}
	if e.dbHash() != before {
		t.Fatal("a refused import changed the database")
	}
	location(t, e.form("convener", base+"/import", url.Values{"text": {broken + "  title: One\n"}, "format": {"yaml"}}))
	// The change package shows the demo teams testing the Blueprint action.
	pkg := e.do("advocate", "GET", fmt.Sprintf("/c/%d/frameworks/%d/package", c, e.imp.FrameworkID), nil, "").Body.String()
	if !strings.Contains(pkg, "Harbor Safe Haven") || !strings.Contains(pkg, "4 adopted, 4 adapted, 0 abandoned, 4 under way") {
		t.Errorf("change package: %s", pkg)
	}
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// TestMeasureViews: conveners and coaches see every team side by side;
// funders and evaluators see only the aggregate.
func TestMeasureViews(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, m := e.ids["c1"], e.ids["measure1"]
	side := fmt.Sprintf("/c/%d/measures/%d", c, m)
	w := e.do("coach", "GET", side, nil, "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Pioneer Valley Survivor Services") || strings.Count(w.Body.String(), `class="small-multiples"`) != 1 {
		t.Fatalf("side by side: %d", w.Code)
	}
	for _, a := range []string{"funder", "evaluator", "director"} {
		if w := e.do(a, "GET", side, nil, ""); w.Code != 403 {
			t.Errorf("%s on the side-by-side view: %d", a, w.Code)
		}
	}
	agg := e.do("funder", "GET", side+"/aggregate", nil, "")
	if agg.Code != 200 || strings.Contains(agg.Body.String(), "Harbor") || !strings.Contains(agg.Body.String(), "<svg") {
		t.Errorf("aggregate for a funder: %d", agg.Code)
	}
	svg := e.do("funder", "GET", side+"/aggregate.svg", nil, "")
	if svg.Code != 200 || svg.Header().Get("Content-Type") != "image/svg+xml" {
		t.Errorf("aggregate.svg: %d", svg.Code)
	}
	// A month only two teams reported is in the coach's aggregate but not
	// in the funder's.
	startIn2019(t, e, c)
	for _, tm := range []int64{e.ids["teamA"], e.ids["teamB"]} {
		n, d := 1.0, 2.0
		_, err := e.db.SaveValues(bg, collab.Who{}, c, tm, []*improve.Value{{MeasureID: m, Period: collab.NewDate(2019, 1, 1), Numerator: &n, Denominator: &d}}, "form")
		must(t, err)
	}
	if csv := e.do("funder", "GET", side+"/aggregate.csv", nil, "").Body.String(); strings.Contains(csv, "2019-01") || !strings.Contains(csv, "\n") {
		t.Errorf("a funder's aggregate shows a month of two teams: %s", csv)
	}
	if csv := e.do("coach", "GET", side+"/aggregate.csv", nil, "").Body.String(); !strings.Contains(csv, "2019-01") {
		t.Errorf("the coach's aggregate lacks a month of two teams")
	}
	// Shared measures are defined by conveners only.
	if w := e.form("director", fmt.Sprintf("/c/%d/measures", c), url.Values{"name": {"x"}}); w.Code != 403 {
		t.Errorf("a team member defines a shared measure: %d", w.Code)
	}
	location(t, e.form("convener", fmt.Sprintf("/c/%d/measures", c), url.Values{"name": {"Referrals"}, "kind": {"process"}, "chart": {"run"}, "period": {"monthly"},
		"better": {"up"}, "groupKey": {"age"}, "groupValues": {"under 25\n25 and over"}}))
}

// BenchmarkCollabMeasurePage times the collaborative view of one measure
// for 100, 1,000 and 5,000 teams with 36 months each: "page" is the
// convener's page (the aggregate chart, one page of the summary table and
// its small multiples), "aggregate" the aggregate chart alone as a funder
// opens it from the funder report. Run it with -cpu 1 and read cpu-ns/op
// for the server's CPU per request; the cost should follow what the page
// draws, not the number of teams. Setting up 5,000 teams takes minutes.
func BenchmarkCollabMeasurePage(b *testing.B) {
	for _, n := range []int{100, 1000, 5000} {
		b.Run(fmt.Sprintf("teams=%d", n), func(b *testing.B) {
			e, path := benchMeasureEnv(b, n)
			for _, v := range []struct{ name, actor, path string }{{"page", "convener", path}, {"aggregate", "funder", path + "/aggregate"}} {
				b.Run(v.name, func(b *testing.B) {
					b.ReportAllocs()
					b.ResetTimer()
					done := cpuPerOp(b)
					for b.Loop() {
						w := e.do(v.actor, "GET", v.path, nil, "")
						if w.Code != 200 {
							b.Fatalf("status %d", w.Code)
						}
					}
					done()
				})
			}
		})
	}
}

// benchMeasureEnv is the demo collaborative with n more teams reporting a
// shared ratio measure for 36 months, written through SaveValues as teams
// write them; it returns the measure's collaborative page.
func benchMeasureEnv(b *testing.B, n int) (*env, string) {
	db := sqltest.SQLite(b)
	e := newEnv(b, db)
	c := e.ids["c1"]
	startIn2019(b, e, c) // the 36 months from 2023 are within its dates
	m := &improve.Measure{CollaborativeID: c, Name: "Benchmark measure", Ratio: true, Chart: "p"}
	must(b, db.CreateMeasure(bg, collab.Who{}, m))
	for i := 0; i < n; i++ {
		t := &collab.Team{CollaborativeID: c, Name: fmt.Sprintf("Bench team %04d", i), Kind: collab.KindCommunity}
		must(b, db.CreateTeam(bg, collab.Who{}, t))
		var vals []*improve.Value
		for k := 0; k < 36; k++ {
			num, den := float64((i*7+k*13)%40), 40.0
			vals = append(vals, &improve.Value{MeasureID: m.ID, Period: collab.NewDate(2023, 1, 1).AddMonths(k), Numerator: &num, Denominator: &den})
		}
		_, err := db.SaveValues(bg, collab.Who{}, c, t.ID, vals, "import")
		must(b, err)
	}
	return e, fmt.Sprintf("/c/%d/measures/%d", c, m.ID)
}

// TestDisaggregatedMeasure: a measure with groups takes values per group
// in the grid; its chart has a panel a group and its CSV a group column.
func TestDisaggregatedMeasure(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, team := e.ids["c1"], e.ids["teamA"]
	startIn2019(t, e, c) // the 2025 months are within its dates
	base := fmt.Sprintf("/c/%d/teams/%d", c, team)
	mURL := location(t, e.form("director", base+"/measures", url.Values{"name": {"Visits"}, "kind": {"process"}, "better": {"up"}, "chart": {"run"},
		"period": {"monthly"}, "groupKey": {"age group"}, "groupValues": {"under 25\n25 and over"}}))
	mid := int64(atoi(lastID(t, mURL)))
	f := url.Values{"from": {"2025-01"}}
	for k := 0; k < 12; k++ {
		d := collab.NewDate(2025, 1, 1).AddMonths(k)
		f.Set(cellName(mid, d, 0, "v"), fmt.Sprint(10+k%3))
		f.Set(cellName(mid, d, 1, "v"), fmt.Sprint(20+k%4))
	}
	location(t, e.form("director", base+"/data", f))
	vals, err := e.db.Values(bg, c, sqlstore.ValueFilter{TeamID: team, MeasureID: mid})
	must(t, err)
	if len(vals) != 24 {
		t.Fatalf("%d values, want 24", len(vals))
	}
	svg := e.do("director", "GET", mURL+"/chart.svg?groups=1", nil, "").Body.String()
	if n := strings.Count(svg, `class="panel"`); n != 2 {
		t.Errorf("%d panels, want 2", n)
	}
	csvBody := e.do("director", "GET", mURL+"/data.csv?groups=1", nil, "").Body.String()
	if !strings.HasPrefix(csvBody, "group,period") || !strings.Contains(csvBody, "under 25,2025-01") {
		t.Errorf("grouped csv: %s", csvBody)
	}
	// The total chart sums the groups.
	total := e.do("director", "GET", mURL+"/data.csv", nil, "").Body.String()
	if !strings.Contains(total, "2025-01,30,") {
		t.Errorf("total csv: %s", total)
	}
}

// TestCollabMeasurePaged: the collaborative measure page shows one page of
// teams at a time, with every team counted, and its rows follow writes,
// corrections and cleared cells (read from the store's summaries).
func TestCollabMeasurePaged(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	m := &improve.Measure{CollaborativeID: c, Name: "Paged measure", Ratio: true, Chart: "p"}
	must(t, e.db.CreateMeasure(bg, collab.Who{}, m))
	var last int64
	for i := 0; i < 30; i++ {
		tm := &collab.Team{CollaborativeID: c, Name: fmt.Sprintf("Zz paged team %02d", i), Kind: collab.KindCommunity}
		must(t, e.db.CreateTeam(bg, collab.Who{}, tm))
		last = tm.ID
	}
	total, err := e.db.CountTeams(bg, c)
	must(t, err)
	pages := (total + teamsPerPage - 1) / teamsPerPage
	url := fmt.Sprintf("/c/%d/measures/%d", c, m.ID)
	save := func(month int, num, den *float64) {
		t.Helper()
		_, err := e.db.SaveValues(bg, collab.Who{}, c, last, []*improve.Value{{MeasureID: m.ID, Period: collab.NewDate(2026, time.Month(month), 1), Numerator: num, Denominator: den}}, "form")
		must(t, err)
	}
	row := func() string {
		t.Helper()
		w := e.do("coach", "GET", fmt.Sprintf("%s?page=%d", url, pages), nil, "")
		body := w.Body.String()
		if w.Code != 200 || !strings.Contains(body, "Zz paged team 29") || strings.Contains(body, "Zz paged team 00") {
			t.Fatalf("page %d of %d: %d, without the last team or with the first", pages, total, w.Code)
		}
		table := body[strings.Index(body, `id="team-summary"`):]
		table = table[:strings.Index(table, "</table>")]
		if n := strings.Count(table, "<tr><td>"); n != total-(pages-1)*teamsPerPage {
			t.Errorf("page %d has %d rows, want %d", pages, n, total-(pages-1)*teamsPerPage)
		}
		i := strings.Index(body, "Zz paged team 29")
		return body[i : i+strings.Index(body[i:], "</tr>")]
	}
	three, four, five := 3.0, 4.0, 5.0
	save(1, &three, &four)
	save(2, &four, &five)
	if r := row(); !strings.Contains(r, "<td>2026-02: 4 / 5</td><td>2</td>") {
		t.Errorf("after two months: %s", r)
	}
	save(2, &three, &five) // a correction
	if r := row(); !strings.Contains(r, "<td>2026-02: 3 / 5</td><td>2</td>") {
		t.Errorf("after a correction: %s", r)
	}
	save(2, nil, nil) // cleared
	if r := row(); !strings.Contains(r, "<td>2026-01: 3 / 4</td><td>1</td>") {
		t.Errorf("after clearing the latest month: %s", r)
	}
	w := e.do("coach", "GET", url, nil, "")
	if !strings.Contains(w.Body.String(), fmt.Sprintf("1 of %d teams reporting", total)) {
		t.Errorf("page 1 does not count every team")
	}
	if !strings.Contains(w.Body.String(), fmt.Sprintf(`href="?page=%d"`, pages)) {
		t.Errorf("no link to the last page")
	}
}

// TestPager: the first and last pages and three either side of the
// current one, 0 for each run left out.
func TestPager(t *testing.T) {
	tests := []struct {
		cur, pages int
		want       []int
	}{
		{1, 1, nil},
		{1, 2, []int{1, 2}},
		{1, 9, []int{1, 2, 3, 4, 0, 9}},
		{5, 9, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{50, 209, []int{1, 0, 47, 48, 49, 50, 51, 52, 53, 0, 209}},
		{209, 209, []int{1, 0, 206, 207, 208, 209}},
	}
	for _, tt := range tests {
		if got := pager(tt.cur, tt.pages); !slices.Equal(got, tt.want) {
			t.Errorf("pager(%d, %d) = %v, want %v", tt.cur, tt.pages, got, tt.want)
		}
	}
}

// TestTeamListsPaged: the teams list and the dashboard's table of teams
// show one page of teams at a time, every team counted and reachable,
// and the list's search pages through what it found.
func TestTeamListsPaged(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	for i := 0; i < 2*listPerPage+7; i++ {
		tm := &collab.Team{CollaborativeID: c, Name: fmt.Sprintf("Zz listed team %03d", i), Kind: collab.KindCommunity}
		must(t, e.db.CreateTeam(bg, collab.Who{}, tm))
	}
	total, err := e.db.CountTeams(bg, c)
	must(t, err)
	pages := (total + listPerPage - 1) / listPerPage
	rows := func(body, id string) int {
		t.Helper()
		i := strings.Index(body, id)
		if i < 0 {
			t.Fatalf("no %s in the page", id)
		}
		table := body[i:]
		return strings.Count(table[:strings.Index(table, "</table>")], "<tr><td>")
	}
	tests := []struct {
		name, url, table string
		rows             int
		has, hasNot      string
	}{
		{"teams, first page", fmt.Sprintf("/c/%d/teams", c), "<tbody>", listPerPage, fmt.Sprintf("%d teams, showing 1 to %d", total, listPerPage), "Zz listed team 106"},
		{"teams, last page", fmt.Sprintf("/c/%d/teams?page=%d", c, pages), "<tbody>", total - (pages-1)*listPerPage, "Zz listed team 106", "Zz listed team 000"},
		{"teams, out of range is the first", fmt.Sprintf("/c/%d/teams?page=999", c), "<tbody>", listPerPage, "showing 1 to", "Zz listed team 106"},
		{"teams, search", fmt.Sprintf("/c/%d/teams?q=listed+team+10", c), "<tbody>", 7, "7 teams", "Zz listed team 099"},
		{"teams, search page 2", fmt.Sprintf("/c/%d/teams?q=listed&page=2", c), "<tbody>", listPerPage, "Zz listed team 050", "Zz listed team 049"},
		{"dashboard, last page", fmt.Sprintf("/c/%d/dashboard?page=%d", c, pages), `id="team-status"`, total - (pages-1)*listPerPage, "Zz listed team 106", "Zz listed team 000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.do("convener", "GET", tt.url, nil, "")
			body := w.Body.String()
			if w.Code != 200 {
				t.Fatalf("%d", w.Code)
			}
			if n := rows(body, tt.table); n != tt.rows {
				t.Errorf("%d rows, want %d", n, tt.rows)
			}
			if !strings.Contains(body, tt.has) || strings.Contains(body, tt.hasNot) {
				t.Errorf("want %q and not %q in the page", tt.has, tt.hasNot)
			}
		})
	}
	if body := e.do("convener", "GET", fmt.Sprintf("/c/%d/teams?q=listed", c), nil, "").Body.String(); !strings.Contains(body, `href="?page=3&amp;q=listed"`) {
		t.Errorf("the search's pages do not keep the search")
	}
}

// TestFrameworkNodeKinds: in a framework whose level holds several kinds
// side by side (the BSC change framework: a domain's objectives 1.O1…
// beside its change concepts 1.C1…), a node added under a domain is of
// the kind the convener chose and numbered among that kind; a level of
// one kind needs no choice; a kind the level does not hold is refused.
// The page names each node's kind, shows the Blueprint's attachments and
// the source's link, and marks goeswell's own wording.
func TestFrameworkNodeKinds(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	base := fmt.Sprintf("/c/%d/frameworks", c)
	bscURL := location(t, e.form("convener", base, url.Values{"key": {"child-welfare-bsc"}}))
	bsc, err := e.db.FindFramework(bg, c, int64(atoi(lastID(t, bscURL))))
	must(t, err)
	domain := bsc.Nodes[0]
	nodeOf := func(f *improve.CollabFramework, title string) *improve.FwNode {
		t.Helper()
		for _, n := range f.Flatten() {
			if n.Title == title {
				return n
			}
		}
		t.Fatalf("no node %q", title)
		return nil
	}
	tests := []struct {
		name, parent, kind, title string
		wantCode, wantKind        string
		wantErr                   string
	}{
		{"change concept under a domain", fmt.Sprint(domain.ID), "change-concept", "Protected time for reflection", domain.Code + ".C", "change-concept", ""},
		{"objective under a domain", fmt.Sprint(domain.ID), "objective", "Fewer placements disrupted", domain.Code + ".O", "objective", ""},
		{"no kind where two are possible", fmt.Sprint(domain.ID), "", "Which kind?", "", "", "kind"},
		{"a kind the level does not hold", fmt.Sprint(domain.ID), "domain", "Nested domain", "", "", "kind"},
		{"a top-level domain needs no choice", "0", "", "Workforce housing", "", "domain", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.form("convener", bscURL+"/nodes", url.Values{"parent": {tt.parent}, "kind": {tt.kind}, "title": {tt.title}})
			if tt.wantErr != "" {
				if w.Code != 422 || !strings.Contains(w.Body.String(), "Choose what kind of node this is.") {
					t.Fatalf("want the kind refused, got %d", w.Code)
				}
				return
			}
			location(t, w)
			f, err := e.db.FindFramework(bg, c, bsc.ID)
			must(t, err)
			n := nodeOf(f, tt.title)
			if n.Kind != tt.wantKind {
				t.Errorf("kind %q, want %q", n.Kind, tt.wantKind)
			}
			if tt.wantCode != "" {
				// One more than the largest of its kind under the domain.
				max := 0
				for _, s := range nodeOf(f, domain.Title).Children {
					if s.Kind == tt.wantKind && s.ID != n.ID {
						var k int
						fmt.Sscanf(strings.TrimPrefix(s.Code, tt.wantCode), "%d", &k)
						max = k
					}
				}
				if want := fmt.Sprintf("%s%d", tt.wantCode, max+1); n.Code != want {
					t.Errorf("code %s, want %s", n.Code, want)
				}
			}
		})
	}
	page := e.do("convener", "GET", bscURL, nil, "").Body.String()
	for _, want := range []string{`<span class="kind">Objective</span>`, `<span class="kind">Change concept</span>`,
		`href="https://www.hhs.gov/surgeongeneral/priorities/workplace-well-being/index.html"`, `name="kind"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the BSC page lacks %s", want)
		}
	}
	// The Blueprint carries examples, toolkits and playbooks; the Five
	// Domains' definitions are goeswell's words under the seed's names.
	bp := e.do("convener", "GET", fmt.Sprintf("%s/%d", base, e.imp.FrameworkID), nil, "").Body.String()
	if !strings.Contains(bp, `class="attachments"`) || !strings.Contains(bp, `<span class="kind">Playbook</span>`) {
		t.Error("the Blueprint's page shows no attachments")
	}
	fd := e.do("convener", "GET", location(t, e.form("convener", base, url.Values{"key": {"five-domains"}})), nil, "").Body.String()
	if !strings.Contains(fd, `<span class="ours">goeswell&#39;s wording</span>`) || !strings.Contains(fd, `href="http://fullframeinitiative.org/`) {
		t.Error("the Five Domains page neither marks goeswell's definitions nor links FFI")
	}
}

// TestResourceTagsAdoptedNodes: a resource may be tagged with any node,
// at any depth, of a framework the collaborative adopted, picked from
// lists grouped by framework; a node of a framework it did not adopt is
// refused with what was typed kept.
func TestResourceTagsAdoptedNodes(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	fwURL := location(t, e.form("convener", fmt.Sprintf("/c/%d/frameworks", c), url.Values{"key": {"child-welfare-bsc"}}))
	f, err := e.db.FindFramework(bg, c, int64(atoi(lastID(t, fwURL))))
	must(t, err)
	var deep *improve.FwNode
	for _, n := range f.Flatten() {
		if n.Depth == 2 {
			deep = n
			break
		}
	}
	if deep == nil {
		t.Fatal("the BSC framework has no third level")
	}
	list := fmt.Sprintf("/c/%d/resources", c)
	page := e.do("director", "GET", list, nil, "").Body.String()
	if !strings.Contains(page, fmt.Sprintf(`<optgroup label="%s">`, f.Name)) || !strings.Contains(page, fmt.Sprintf(`value="%s:%s"`, f.Key, deep.Code)) {
		t.Fatalf("the picker offers no group for %s or not its level-3 node %s", f.Name, deep.Code)
	}
	ok := url.Values{"title": {"Detail guide"}, "url": {"https://example.net/d"}, "nodes": {f.Key + ":" + deep.Code}}
	res := location(t, e.form("director", list, ok))
	if body := e.do("director", "GET", res, nil, "").Body.String(); !strings.Contains(body, deep.Title) {
		t.Errorf("the resource's page does not name its tag %s", deep.Code)
	}
	bad := url.Values{"title": {"Unadopted guide"}, "url": {"https://example.net/u"}, "nodes": {"what-goes-well:1"}}
	w := e.form("director", list, bad)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `value="Unadopted guide"`) {
		t.Errorf("a node of a framework not adopted: %d, or the title was lost", w.Code)
	}
}

// TestChangePackageEvidence: a shared measure linked to a change concept
// gives, for each team testing it, whether a signal of improvement
// followed its first adopted cycle, with the rule named: a team whose
// counts doubled after adopting shows a shift; a flat team shows none; a
// measure linked to a node counts for the nodes below it. Coaches see
// each team; members of the cohort see counts only, in the page and its
// CSV, which has the page's rows.
func TestChangePackageEvidence(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	m := &improve.Measure{CollaborativeID: c, Name: "Families reached", Kind: improve.KindOutcome, Chart: "i", Better: improve.BetterUp}
	must(t, e.db.CreateMeasure(bg, collab.Who{}, m))
	tests, err := e.db.NodeTests(bg, c)
	must(t, err)
	var adopted []*sqlstore.NodeTest
	for _, nt := range tests {
		if nt.NodeID == e.imp.NodeID && !nt.FirstAdopted.IsZero() {
			adopted = append(adopted, nt)
		}
	}
	if len(adopted) < 2 {
		t.Fatalf("the demo has %d teams that adopted a cycle on its node, want 2", len(adopted))
	}
	improving, flat := adopted[0], adopted[1]
	start := improve.PeriodStart(improve.Monthly, improving.FirstAdopted).AddMonths(-4)
	save := func(team int64, ys ...float64) {
		t.Helper()
		var vals []*improve.Value
		for i, y := range ys {
			v := y
			vals = append(vals, &improve.Value{MeasureID: m.ID, Period: start.AddMonths(i), Value: &v})
		}
		_, err := e.db.SaveValues(bg, collab.Who{}, c, team, vals, "form")
		must(t, err)
	}
	// Eight months in a row above the centre line from the adoption on:
	// a shift by the run rules (at 12 points a run longer than 7).
	save(improving.TeamID, 5, 6, 5, 6, 11, 12, 13, 12, 14, 13, 12, 13)
	save(flat.TeamID, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6)
	// Linked to the parent of the change concept: it counts below too.
	f, err := e.db.FindFramework(bg, c, e.imp.FrameworkID)
	must(t, err)
	var node *improve.FwNode
	for _, n := range f.Flatten() {
		if n.ID == e.imp.NodeID {
			node = n
		}
	}
	pkg := fmt.Sprintf("/c/%d/frameworks/%d/package", c, f.ID)
	if w := e.form("coach", pkg+"/links", url.Values{"measure": {fmt.Sprint(m.ID)}, "node": {fmt.Sprint(node.ParentID)}}); w.Code != 403 {
		t.Errorf("a coach links a measure: %d", w.Code)
	}
	if w := e.form("convener", pkg+"/links", url.Values{"measure": {fmt.Sprint(m.ID)}, "node": {"999999"}}); w.Code != 422 {
		t.Errorf("a node of no framework: %d", w.Code)
	}
	location(t, e.form("convener", pkg+"/links", url.Values{"measure": {fmt.Sprint(m.ID)}, "node": {fmt.Sprint(node.ParentID)}}))

	page := e.do("coach", "GET", pkg, nil, "").Body.String()
	row := func(team string) string {
		t.Helper()
		i := strings.Index(page, "<strong>"+team+"</strong> · Families reached")
		if i < 0 {
			t.Fatalf("no evidence for %s", team)
		}
		return page[i : i+strings.Index(page[i:], "</li>")]
	}
	if r := row(improving.TeamName); !strings.Contains(r, "improvement after the change was adopted") || !strings.Contains(r, "a shift") {
		t.Errorf("the improving team: %s", r)
	}
	if r := row(flat.TeamName); !strings.Contains(r, "no signal yet") {
		t.Errorf("the flat team: %s", r)
	}
	if !strings.Contains(page, "1 of ") {
		t.Error("the node does not count the teams improving")
	}
	member := e.do("advocate", "GET", pkg, nil, "").Body.String()
	if strings.Contains(member, "improvement after the change was adopted") || !strings.Contains(member, "show improvement") {
		t.Error("a member of the cohort sees each team's evidence, or no counts")
	}
	csv := e.do("coach", "GET", pkg+"?format=csv", nil, "").Body.String()
	if !strings.Contains(csv, improving.TeamName+",") || !strings.Contains(csv, "Families reached,improvement after the change was adopted,a shift") {
		t.Errorf("the CSV lacks the page's rows:\n%s", csv)
	}
	if mcsv := e.do("advocate", "GET", pkg+"?format=csv", nil, ""); strings.Contains(mcsv.Body.String(), "Families reached") {
		t.Error("a member's CSV carries team-level evidence")
	}
}

// TestGroupActionFollowedUp: a convener forms a steering committee with a
// member who has an account and a lived-experience partner who has none,
// records an action with an owner and a due date, and at the next
// meeting a coach follows it up: the page shows it overdue while open,
// then done with what was said. An action without an owner or with a bad
// date is refused with what was typed kept; a team member may read but
// not record.
func TestGroupActionFollowedUp(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	groups := fmt.Sprintf("/c/%d/groups", c)
	if w := e.form("convener", groups, url.Values{"name": {" "}, "kind": {"steering"}}); w.Code != 422 {
		t.Errorf("a group without a name: %d", w.Code)
	}
	g := location(t, e.form("convener", groups, url.Values{"name": {"Steering committee"}, "kind": {"steering"}, "purpose": {"Guide the collaboration"}}))
	location(t, e.form("convener", g+"/members", url.Values{"user": {fmt.Sprint(e.ids["userA"])}}))
	location(t, e.form("convener", g+"/members", url.Values{"user": {"0"}, "memberName": {"Dana, lived-experience partner"}, "affiliation": {"Parent advisory council"}}))
	if w := e.form("convener", g+"/members", url.Values{"user": {fmt.Sprint(e.ids["userC"])}}); w.Code != 422 {
		t.Errorf("a person of another collaborative named a member: %d", w.Code)
	}
	if w := e.form("convener", g+"/items", url.Values{"kind": {"action"}, "title": {"Map the county's housing data"}, "owner": {""}}); w.Code != 422 || !strings.Contains(w.Body.String(), "Map the county&#39;s housing data") {
		t.Errorf("an action without an owner: %d, or the text was lost", w.Code)
	}
	if w := e.form("convener", g+"/items", url.Values{"kind": {"action"}, "title": {"Map it"}, "owner": {"Dana"}, "due": {"next week"}}); w.Code != 422 {
		t.Errorf("an action with a bad date: %d", w.Code)
	}
	if w := e.form("director", g+"/items", url.Values{"kind": {"decision"}, "title": {"Meet monthly"}}); w.Code != 403 {
		t.Errorf("a team member records a decision: %d", w.Code)
	}
	location(t, e.form("convener", g+"/items", url.Values{"kind": {"decision"}, "title": {"Meet monthly"}}))
	item := location(t, e.form("convener", g+"/items", url.Values{"kind": {"action"}, "title": {"Map the county's housing data"}, "owner": {"Dana"}, "due": {"2026-01-15"}}))
	id := item[strings.Index(item, "#item-")+len("#item-"):]
	page := e.do("director", "GET", g, nil, "").Body.String()
	for _, want := range []string{"Dana, lived-experience partner", "no account", "Owner Dana, due 2026-01-15", "overdue", "Meet monthly"} {
		if !strings.Contains(page, want) {
			t.Errorf("the group page lacks %q", want)
		}
	}
	location(t, e.form("coach", g+"/items/"+id, url.Values{"status": {"done"}, "owner": {"Dana"}, "due": {"2026-01-15"}, "followUp": {"Shared at the March meeting"}}))
	page = e.do("director", "GET", g, nil, "").Body.String()
	if !strings.Contains(page, "Follow-up: Shared at the March meeting") || strings.Contains(page, "overdue") {
		t.Error("the follow-up is not shown, or a done action is still overdue")
	}
	if list := e.do("funder", "GET", groups, nil, "").Body.String(); !strings.Contains(list, "Steering committee") {
		t.Error("a partner does not see the groups")
	}
	// userA's affiliation is filled in from their team's name: the cohort
	// reads it; a funder, shown no team names, reads the members without.
	team, err := e.db.FindTeam(bg, c, e.ids["teamA"])
	must(t, err)
	if page := e.do("director", "GET", g, nil, "").Body.String(); !strings.Contains(page, html.EscapeString(team.Name)) {
		t.Errorf("the cohort's group page lacks the member's team %q", team.Name)
	}
	if page := e.do("funder", "GET", g, nil, "").Body.String(); strings.Contains(page, html.EscapeString(team.Name)) || strings.Contains(page, "Parent advisory council") {
		t.Errorf("a funder shown no team names reads members' affiliations")
	}
}

// TestFunderReportEvidence: the funder report carries the change
// package's harvest as counts of teams, with no team's name or data,
// in the page and in its CSV.
func TestFunderReportEvidence(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	f, err := e.db.FindFramework(bg, c, e.imp.FrameworkID)
	must(t, err)
	must(t, e.db.LinkMeasure(bg, collab.Who{}, c, e.imp.MeasureID, f.Nodes[0].ID, true))
	var node *improve.FwNode
	for _, n := range f.Flatten() {
		if n.ID == e.imp.NodeID {
			node = n
		}
	}
	page := e.do("funder", "GET", fmt.Sprintf("/c/%d/funder-report", c), nil, "").Body.String()
	i := strings.Index(page, `id="evidence-summary"`)
	if i < 0 {
		t.Fatal("the funder report has no change package")
	}
	table := page[i : i+strings.Index(page[i:], "</table>")]
	if !strings.Contains(table, node.Code+" "+template.HTMLEscapeString(node.Title)) || !strings.Contains(table, "show improvement") {
		t.Errorf("the change package lacks the node tested or its count of teams improving")
	}
	if strings.Contains(table, "Harbor Safe Haven") {
		t.Error("the funder report's change package names a team")
	}
	csv := e.do("funder", "GET", fmt.Sprintf("/c/%d/funder-report?format=csv", c), nil, "").Body.String()
	if !strings.Contains(csv, node.Code+" "+node.Title) || !strings.Contains(csv, "teams testing") {
		t.Errorf("the CSV lacks the change package")
	}
}

// TestDiscloseGroups: a funder sees a group's month of a disaggregated
// measure only when three teams reported it and its counts of people
// reach the threshold; when one group of a month is left out, another is
// too, or the month's total would give it away.
func TestDiscloseGroups(t *testing.T) {
	ratio := &improve.Measure{Ratio: true}
	plain := &improve.Measure{}
	jan, feb := collab.NewDate(2026, 1, 1), collab.NewDate(2026, 2, 1)
	gp := func(d collab.Date, g string, teams int, y, n float64) sqlstore.GroupPeriod {
		return sqlstore.GroupPeriod{Period: d, Group: g, Teams: teams, Y: y, N: n}
	}
	tests := []struct {
		name   string
		m      *improve.Measure
		in     []sqlstore.GroupPeriod
		kept   []string // group@month kept
		hidden int
	}{
		{"all large", ratio, []sqlstore.GroupPeriod{gp(jan, "a", 3, 20, 40), gp(jan, "b", 4, 30, 50)}, []string{"a@1", "b@1"}, 0},
		{"a small numerator hides a second group", ratio, []sqlstore.GroupPeriod{gp(jan, "a", 3, 4, 40), gp(jan, "b", 4, 30, 50), gp(jan, "c", 5, 30, 90)}, []string{"c@1"}, 2},
		{"two teams", ratio, []sqlstore.GroupPeriod{gp(jan, "a", 2, 20, 40), gp(jan, "b", 4, 30, 50), gp(feb, "a", 3, 20, 40), gp(feb, "b", 3, 30, 50)}, []string{"a@2", "b@2"}, 2},
		{"two small ones need no third", ratio, []sqlstore.GroupPeriod{gp(jan, "a", 3, 2, 40), gp(jan, "b", 3, 3, 50), gp(jan, "c", 5, 30, 90)}, []string{"c@1"}, 2},
		{"plain values: teams only", plain, []sqlstore.GroupPeriod{gp(jan, "a", 3, 2, 0), gp(jan, "b", 3, 3, 0)}, []string{"a@1", "b@1"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, hidden := discloseGroups(tt.m, tt.in, 11)
			var kept []string
			for _, g := range out {
				kept = append(kept, fmt.Sprintf("%s@%d", g.Group, int(g.Period.Time().Month())))
			}
			if !slices.Equal(kept, tt.kept) || hidden != tt.hidden {
				t.Errorf("kept %v, %d hidden; want %v, %d", kept, hidden, tt.kept, tt.hidden)
			}
		})
	}
}

// TestGroupsAcrossTeams: a shared measure split into groups shows its
// groups over every team on the staff's view and, thinned, on the
// aggregate a funder reads.
func TestGroupsAcrossTeams(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	startIn2019(t, e, c)
	m := &improve.Measure{CollaborativeID: c, Name: "Safety plans made", Kind: improve.KindProcess, Ratio: true, Chart: "p", Better: improve.BetterUp,
		GroupKey: "age group", GroupValues: []string{"under 25", "25 and over"}}
	must(t, e.db.CreateMeasure(bg, collab.Who{}, m))
	teams, err := e.db.Teams(bg, c, sqlstore.TeamFilter{})
	must(t, err)
	for i, tm := range teams {
		var vals []*improve.Value
		for k := 0; k < 6; k++ {
			d := collab.NewDate(2025, 1, 1).AddMonths(k)
			young, yn := float64(3+i), float64(6+i) // small counts of people
			old, on := float64(30+i), float64(60+k)
			vals = append(vals, &improve.Value{MeasureID: m.ID, Period: d, Group: "under 25", Numerator: &young, Denominator: &yn},
				&improve.Value{MeasureID: m.ID, Period: d, Group: "25 and over", Numerator: &old, Denominator: &on})
		}
		_, err := e.db.SaveValues(bg, collab.Who{}, c, tm.ID, vals, "form")
		must(t, err)
	}
	staff := e.do("coach", "GET", fmt.Sprintf("/c/%d/measures/%d", c, m.ID), nil, "").Body.String()
	if !strings.Contains(staff, `id="by-group"`) || !strings.Contains(staff, "under 25") || !strings.Contains(staff, "25 and over") {
		t.Error("the staff's view does not show the groups over every team")
	}
	funder := e.do("funder", "GET", fmt.Sprintf("/c/%d/measures/%d/aggregate", c, m.ID), nil, "").Body.String()
	i := strings.Index(funder, `id="by-group"`)
	if i < 0 {
		t.Fatal("the funder's aggregate has no groups section")
	}
	section := funder[i:]
	// Four teams every month, and the young group's people summed over
	// them (18 of 26 to 30) reach the threshold of 11: all kept.
	if strings.Contains(section, "left out") {
		t.Errorf("months left out though every count reaches the threshold")
	}
	// At a threshold of 20 the young group's 18 is too few, every month,
	// and the older group goes with it: the total would give it away.
	st, err := e.db.LearningSettings(bg, c)
	must(t, err)
	st.MinCell = 20
	must(t, e.db.SaveLearningSettings(bg, collab.Who{}, &st))
	funder = e.do("funder", "GET", fmt.Sprintf("/c/%d/measures/%d/aggregate", c, m.ID), nil, "").Body.String()
	section = funder[strings.Index(funder, `id="by-group"`):]
	if !strings.Contains(section, "12 group-months are left out") {
		t.Errorf("at a threshold of 20 the groups are not left out: %s", section[:min(len(section), 400)])
	}
	if staff := e.do("coach", "GET", fmt.Sprintf("/c/%d/measures/%d", c, m.ID), nil, "").Body.String(); strings.Contains(staff, "left out") {
		t.Error("the staff's view is thinned")
	}
}
