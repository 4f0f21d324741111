package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// surveyEnv is a survey in the demo collaborative answered by team A
// (12 in January, 13 in February), team B (3, in February only: under the
// threshold of 11) and team 3 (14 and 12). Released in batches of 11,
// that is 11 in each of teams A's and 3's months, none of team B's.
func surveyEnv(t *testing.T) (*env, *collab.Survey) {
	e := newEnv(t, sqltest.SQLite(t))
	c1 := e.ids["c1"]
	sv := &collab.Survey{CollaborativeID: c1, Title: "Staff pulse", Kind: collab.SurveyCustom, Questions: []collab.Question{
		{Key: "q1", Kind: collab.QScale, Text: "How connected?"},
		{Key: "q2", Kind: collab.QChoice, Text: "Which?", Options: []string{"Safety", "Stability"}},
		{Key: "q3", Kind: collab.QText, Text: "What helps?"},
	}}
	must(t, e.db.CreateSurvey(bg, collab.Who{}, sv))
	teams := []int64{e.ids["teamA"], e.ids["teamB"], e.demo.TeamIDs[2]}
	counts := [][2]int{{12, 13}, {0, 3}, {14, 12}}
	for i, tid := range teams {
		tok := fmt.Sprintf("tok-%d", i)
		must(t, e.db.CreateSurveyLinks(bg, collab.Who{}, c1, sv.ID, tid, false, []string{tok}))
		for m, n := range counts[i] {
			e.db.Now = func() time.Time { return time.Date(2026, time.Month(1+m), 10, 12, 0, 0, 0, time.UTC) }
			for x := range n {
				must(t, e.db.SubmitSurveyResponse(bg, tok, map[string]string{"q1": strconv.Itoa(1 + x%5), "q2": "Safety", "q3": "secret words " + strconv.Itoa(i)}))
			}
		}
	}
	e.db.Now = func() time.Time { return time.Now().UTC() }
	return e, sv
}

// checkLine is the outside view of subtraction: within a line, a shown
// total minus the shown cells is what the hidden cells hold together. It
// must be nothing (no hidden cell) or at least k, and never one cell alone.
func checkLine(t *testing.T, what string, cells []collab.Cell, total collab.Cell, k int) {
	t.Helper()
	if total.Hidden {
		return
	}
	hidden, rest := 0, total.N
	for _, c := range cells {
		if c.Hidden {
			hidden++
		} else {
			if c.N > 0 && c.N < k {
				t.Errorf("%s: a group of %d is shown", what, c.N)
			}
			rest -= c.N
		}
	}
	if hidden == 1 || (hidden > 0 && rest < k) || (hidden == 0 && rest != 0) {
		t.Errorf("%s: %d hidden cells hold %d together: recoverable by subtraction", what, hidden, rest)
	}
}

func TestSurveySuppressionEverywhere(t *testing.T) {
	e, sv := surveyEnv(t)
	c1 := e.ids["c1"]
	k := 11
	base := fmt.Sprintf("/c/%d/surveys/%d", c1, sv.ID)
	api := fmt.Sprintf("/api/v1/collaboratives/%d/surveys/%d/results", c1, sv.ID)
	for _, actor := range []string{"convener", "coach", "director", "advocate", "funder", "evaluator", "admin"} {
		// API: every line checked by subtraction.
		w := e.do(actor, "GET", api, nil, "")
		if w.Code != http.StatusOK {
			t.Fatalf("%s: api %d", actor, w.Code)
		}
		var res apiSurveyResults
		must(t, json.Unmarshal(w.Body.Bytes(), &res))
		checkLine(t, actor+" api periods", res.ByPeriod, res.All, k)
		var teamTotals []collab.Cell
		for j := range res.Periods {
			var col []collab.Cell
			for _, tr := range res.Teams {
				col = append(col, tr.ByPeriod[j])
			}
			if len(col) > 0 {
				checkLine(t, actor+" api period column", col, res.ByPeriod[j], k)
			}
		}
		for _, tr := range res.Teams {
			checkLine(t, actor+" api team "+tr.Name, tr.ByPeriod, tr.All, k)
			teamTotals = append(teamTotals, tr.All)
			if tr.ID == e.ids["teamB"] && (tr.All.N != 0 || tr.ByPeriod[1].N != 0) {
				t.Errorf("%s: team B's 3 answers are shown", actor)
			}
			for _, c := range append([]collab.Cell{tr.All}, tr.ByPeriod...) {
				if c.N%k != 0 {
					t.Errorf("%s: team %s shows %d, not a whole number of batches of %d", actor, tr.Name, c.N, k)
				}
			}
		}
		if len(res.Teams) > 0 {
			checkLine(t, actor+" api team totals", teamTotals, res.All, k)
		}
		if (actor == "funder" || actor == "evaluator") && len(res.Teams) > 0 {
			t.Errorf("%s sees results by team", actor)
		}
		for _, q := range res.Questions {
			var opts []collab.Cell
			for _, o := range q.Options {
				opts = append(opts, o.Cell)
			}
			if q.Kind == collab.QChoice {
				// Each option's choices are released in batches of k.
				for _, o := range opts {
					if o.Hidden || o.N%k != 0 {
						t.Errorf("%s: option count %+v is not a whole number of batches", actor, o)
					}
				}
			}
			if q.Kind == collab.QScale && !q.All.Hidden && q.All.Mean*10 != float64(int(q.All.Mean*10)) {
				t.Errorf("%s: mean %v not rounded to one decimal", actor, q.All.Mean)
			}
			// A question's own answer counts are never published: set
			// against the respondents' they would show who skipped it.
			for _, c := range append(append([]collab.Cell{q.All}, q.ByPeriod...), q.ByTeam...) {
				if c.N != 0 {
					t.Errorf("%s: question %s publishes a count", actor, q.Key)
				}
			}
		}

		// CSV: the respondents lines, read back the same way.
		w = e.do(actor, "GET", base+"/results.csv", nil, "")
		if w.Code != http.StatusOK {
			t.Fatalf("%s: csv %d", actor, w.Code)
		}
		recs, err := csv.NewReader(strings.NewReader(w.Body.String())).ReadAll()
		must(t, err)
		cell := func(s string) collab.Cell {
			if s == "too few to show" {
				return collab.Cell{Hidden: true}
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				t.Fatalf("csv cell %q", s)
			}
			return collab.Cell{N: n}
		}
		byGroup := map[string]map[string]collab.Cell{}
		for _, r := range recs[1:] {
			if r[0] != "respondents" {
				continue
			}
			if byGroup[r[1]] == nil {
				byGroup[r[1]] = map[string]collab.Cell{}
			}
			byGroup[r[1]][r[2]] = cell(r[3])
		}
		for g, m := range byGroup {
			var cs []collab.Cell
			for p, c := range m {
				if p != "" {
					cs = append(cs, c)
				}
			}
			checkLine(t, actor+" csv "+g, cs, m[""], k)
		}
		if strings.Contains(w.Body.String(), "secret words") {
			t.Errorf("%s: free text in the export", actor)
		}

		// Pages: team B's row says too few; free text only for coaches.
		w = e.do(actor, "GET", base, nil, "")
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("%s: page %d", actor, w.Code)
		}
		coach := actor == "convener" || actor == "coach" || actor == "admin"
		if got := strings.Contains(body, "secret words"); got != coach {
			t.Errorf("%s: free text shown = %v", actor, got)
		}
		if i := strings.Index(body, "Pioneer Valley"); i >= 0 {
			row := body[i:]
			row = row[:strings.Index(row, "</tr>")]
			if strings.Contains(row, ">3<") || !strings.Contains(row, ">0<") {
				t.Errorf("%s: team B's row: %s", actor, row)
			}
		}
		for _, list := range []string{fmt.Sprintf("/c/%d/surveys", c1), fmt.Sprintf("/api/v1/collaboratives/%d/surveys", c1)} {
			if w := e.do(actor, "GET", list, nil, ""); w.Code != http.StatusOK || strings.Contains(w.Body.String(), "secret words") {
				t.Errorf("%s %s: %d", actor, list, w.Code)
			}
		}
	}
}

func TestSurveyRespondAnonymously(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1 := e.ids["c1"]
	sv := &collab.Survey{CollaborativeID: c1, Title: "Snapshot", Kind: collab.SurveyFiveDomains}
	sv.Questions = collab.SurveyTemplate(sv.Kind, func(k string) string { return e.srv.cat.Printer("en").Sprintf(k) })
	must(t, e.db.CreateSurvey(bg, collab.Who{}, sv))
	// A coach makes two single-use links through the page.
	w := e.form("coach", fmt.Sprintf("/c/%d/surveys/%d/links", c1, sv.ID), url.Values{"team": {fmt.Sprint(e.ids["teamA"])}, "mode": {"single"}, "count": {"2"}})
	if w.Code != http.StatusOK {
		t.Fatalf("links: %d %s", w.Code, w.Body.String())
	}
	i := strings.Index(w.Body.String(), "http://goeswell.test/s/")
	if i < 0 {
		t.Fatal("no link shown")
	}
	link := w.Body.String()[i+len("http://goeswell.test") : i+len("http://goeswell.test")+3+44]
	if w := e.do("", "GET", link, nil, ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Social connectedness") {
		t.Fatalf("form: %d", w.Code)
	}
	// Out of range: 422, what was typed kept.
	w = e.form("", link, url.Values{"have_safety": {"9"}, "tradeoff": {"my private words"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "my private words") {
		t.Fatalf("bad answer: %d", w.Code)
	}
	w = e.form("", link, url.Values{"have_safety": {"4"}, "give_up": {"Stability"}, "tradeoff": {"my private words"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("answer: %d %s", w.Code, w.Body.String())
	}
	// One response per single-use link.
	if w := e.form("", link, url.Values{"have_safety": {"4"}}); w.Code != http.StatusNotFound {
		t.Errorf("second answer: %d", w.Code)
	}
	rs, err := e.db.SurveyResponses(bg, c1, sv.ID)
	must(t, err)
	if len(rs) != 1 || rs[0].Answers["have_safety"] != "4" || rs[0].Period.Time().Day() != 1 {
		t.Errorf("responses %+v", rs)
	}
	// The audit row names neither the respondent nor their address.
	log, err := e.db.AuditLog(bg, sqlstore.AuditFilter{CollaborativeID: c1})
	must(t, err)
	found := false
	for _, a := range log {
		if a.Action == "survey.response" {
			found = true
			if a.RemoteAddr != "" || a.ActorID != 0 || strings.Contains(a.Detail, "private") {
				t.Errorf("audit keeps %+v", a)
			}
		}
		if strings.Contains(a.Detail, "192.0.2.1") && strings.HasPrefix(a.Action, "survey.response") {
			t.Errorf("address in audit: %+v", a)
		}
	}
	if !found {
		t.Error("no audit row for the response")
	}
	// A signed-in person answering is not recognized: the page does not
	// know them.
	for _, rt := range e.srv.Routes() {
		if strings.HasPrefix(rt.Pattern, "/s/") || strings.HasPrefix(rt.Pattern, "/s-") {
			if !rt.Anonymous {
				t.Errorf("%s %s reads the client's address", rt.Method, rt.Pattern)
			}
		}
	}
	if w := e.do("director", "GET", "/s-done", nil, ""); strings.Contains(w.Body.String(), "Rosa Delgado") {
		t.Error("the respondent's page knows who is signed in")
	}
}

func TestSurveyThresholdSetting(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1 := e.ids["c1"]
	if w := e.form("convener", fmt.Sprintf("/c/%d/survey-settings", c1), url.Values{"threshold": {"4"}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("threshold 4: %d", w.Code)
	}
	// The demo's check-in has answers: the threshold is fixed, since
	// results read under two thresholds differ by single people.
	if w := e.form("convener", fmt.Sprintf("/c/%d/survey-settings", c1), url.Values{"threshold": {"12"}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "cannot change") {
		t.Errorf("threshold 12 after answers: %d", w.Code)
	}
	if k, _ := e.db.SuppressionThreshold(bg, c1); k != 11 {
		t.Errorf("threshold %d", k)
	}
	// Collaborative 2 has no answers yet.
	c2 := e.ids["c2"]
	if w := e.form("outsider", fmt.Sprintf("/c/%d/survey-settings", c2), url.Values{"threshold": {"7"}}); w.Code != http.StatusSeeOther {
		t.Errorf("threshold 7: %d", w.Code)
	}
	if k, _ := e.db.SuppressionThreshold(bg, c2); k != 7 {
		t.Errorf("threshold %d", k)
	}
}

// TestCustomCheckInTranslated: a convener writes custom check-in
// questions with a Spanish line under each; a respondent whose browser
// reads Spanish gets the Spanish words, one in English the English, and
// an answer chosen in Spanish is stored as the question's own option, so
// answers in both languages count together.
func TestCustomCheckInTranslated(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1 := e.ids["c1"]
	src := "choice: Which domain do you give up most? | Safety; Stability\nes: ¿A qué dominio renuncia más? | Seguridad; Estabilidad\ntext: What would help?"
	if w := e.form("convener", fmt.Sprintf("/c/%d/surveys", c1), url.Values{"title": {"Custom"}, "kind": {"custom"},
		"questions": {"choice: Which? | Safety; Stability\nes: ¿Cuál? | Seguridad"}}); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "as many options as the question") {
		t.Errorf("a translation short of an option: %d", w.Code)
	}
	w := e.form("convener", fmt.Sprintf("/c/%d/surveys", c1), url.Values{"title": {"Custom"}, "kind": {"custom"}, "questions": {src}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("create: %d", w.Code)
	}
	svs, err := e.db.Surveys(bg, c1)
	must(t, err)
	var sv *collab.Survey
	for _, s := range svs {
		if s.Title == "Custom" {
			sv = s
		}
	}
	if sv == nil || sv.Questions[0].Translations["es"].Text != "¿A qué dominio renuncia más?" {
		t.Fatalf("stored survey %+v", sv)
	}
	w = e.form("coach", fmt.Sprintf("/c/%d/surveys/%d/links", c1, sv.ID), url.Values{"team": {fmt.Sprint(e.ids["teamA"])}, "mode": {"single"}, "count": {"1"}})
	i := strings.Index(w.Body.String(), "http://goeswell.test/s/")
	if w.Code != http.StatusOK || i < 0 {
		t.Fatalf("links: %d", w.Code)
	}
	link := w.Body.String()[i+len("http://goeswell.test") : i+len("http://goeswell.test")+3+44]
	get := func(accept string) string {
		req := httptest.NewRequest("GET", link, nil)
		req.Header.Set("Accept-Language", accept)
		w := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(w, req)
		return w.Body.String()
	}
	if es := html.UnescapeString(get("es")); !strings.Contains(es, "¿A qué dominio renuncia más?") || !strings.Contains(es, "Seguridad") || strings.Contains(es, "Which domain") {
		t.Errorf("the Spanish respondent's form lacks the Spanish words")
	}
	if en := get("en"); !strings.Contains(en, "Which domain do you give up most?") || strings.Contains(en, "Seguridad") {
		t.Errorf("the English respondent's form is not in English")
	}
	if w := e.form("", link, url.Values{"q1": {"Safety"}, "q2": {"Más tiempo"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("answer: %d", w.Code)
	}
	rs, err := e.db.SurveyResponses(bg, c1, sv.ID)
	must(t, err)
	if len(rs) != 1 || rs[0].Answers["q1"] != "Safety" {
		t.Errorf("responses %+v", rs)
	}
}
