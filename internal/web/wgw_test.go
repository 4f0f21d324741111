package web

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestWorkshopWithoutJS walks the Success Moment Workshop as a browser
// without scripts would: one question a step, answers carried forward.
func TestWorkshopWithoutJS(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1, ta := e.ids["c1"], e.ids["teamA"]
	path := fmt.Sprintf("/c/%d/teams/%d/moments/workshop", c1, ta)
	w := e.do("advocate", "GET", path, nil, "")
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Question 1 of 6") {
		t.Fatalf("start: %d", w.Code)
	}
	// Skipping the name is refused, on the same step.
	if w := e.form("advocate", path, url.Values{"step": {"0"}, "go": {"next"}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Question 1 of 6") {
		t.Fatalf("empty name: %d", w.Code)
	}
	answers := url.Values{}
	steps := []url.Values{
		{"title": {"The bus driver waited"}},
		{"story": {"The driver waited for a mother running with a stroller."}},
		{"madePossible": {"A driver who knows the riders by name"}},
		{"whoInvolved": {"The driver, the mother, two regulars"}},
		{"domains": {"social_connectedness", "access"}},
		{"learning": {"Ask drivers what they see"}, "shared": {"1"}},
	}
	for i, st := range steps {
		f := url.Values{"step": {fmt.Sprint(i)}, "go": {"next"}}
		if i == len(steps)-1 {
			f.Set("go", "save")
		}
		for k, v := range answers {
			f[k] = v
		}
		for k, v := range st {
			f[k] = v
			answers[k] = v
		}
		w := e.form("advocate", path, f)
		if i < len(steps)-1 {
			body := w.Body.String()
			if w.Code != http.StatusOK || !strings.Contains(body, fmt.Sprintf("Question %d of 6", i+2)) {
				t.Fatalf("step %d: %d", i, w.Code)
			}
			// Earlier answers ride along in hidden fields.
			if !strings.Contains(body, `type="hidden" name="title" value="The bus driver waited"`) {
				t.Fatalf("step %d lost the name", i)
			}
			// Back goes back, keeping the answers.
			if i == 2 {
				b := e.form("advocate", path, url.Values{"step": {"2"}, "go": {"back"}, "title": {"The bus driver waited"}, "story": {"x"}})
				if !strings.Contains(b.Body.String(), "Question 2 of 6") {
					t.Errorf("back: %s", b.Body.String())
				}
			}
			continue
		}
		if w.Code != http.StatusSeeOther {
			t.Fatalf("save: %d %s", w.Code, w.Body.String())
		}
	}
	ms, err := e.db.Moments(bg, c1, sqlstore.ItemFilter{TeamID: ta, Query: "bus driver"})
	if err != nil || len(ms) != 1 || ms[0].MadePossible == "" || len(ms[0].Domains) != 2 || !ms[0].Shared {
		t.Fatalf("saved %+v %v", ms, err)
	}
	// Search by word and domain.
	list := fmt.Sprintf("/c/%d/teams/%d/moments", c1, ta)
	if w := e.do("advocate", "GET", list+"?q=stroller&domain=access", nil, ""); !strings.Contains(w.Body.String(), "The bus driver waited") {
		t.Error("search by word and domain missed it")
	}
	if w := e.do("advocate", "GET", list+"?domain=safety", nil, ""); strings.Contains(w.Body.String(), "The bus driver waited") {
		t.Error("search by another domain found it")
	}
}

// TestSharingAndCounts: shared items reach other teams read-only; funders
// and evaluators see counts only.
func TestSharingAndCounts(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1, ta, tb := e.ids["c1"], e.ids["teamA"], e.ids["teamB"]
	must(t, e.db.CreateBarrier(bg, collab.Who{}, c1, tb, &collab.Barrier{Category: "transport", Description: "Pioneer shared barrier text", Shared: true}))
	page := fmt.Sprintf("/c/%d/what-goes-well", c1)
	w := e.do("director", "GET", page, nil, "")
	body := w.Body.String()
	if !strings.Contains(body, "Pioneer shared barrier text") || !strings.Contains(body, "Harbor shared moment") {
		t.Error("the cohort does not see shared items")
	}
	if strings.Contains(body, "Keisha Brown") {
		t.Error("an unshared item reached another team")
	}
	for _, actor := range []string{"funder", "evaluator"} {
		for _, p := range []string{page, fmt.Sprintf("/api/v1/collaboratives/%d/what-goes-well", c1)} {
			w := e.do(actor, "GET", p, nil, "")
			if w.Code != http.StatusOK {
				t.Fatalf("%s %s: %d", actor, p, w.Code)
			}
			for _, s := range []string{"Pioneer shared barrier text", "Harbor shared moment", "Keisha", "Harbor library"} {
				if strings.Contains(w.Body.String(), s) {
					t.Errorf("%s sees %q on %s", actor, s, p)
				}
			}
			if !strings.Contains(w.Body.String(), "transport") {
				t.Errorf("%s: no barrier counts on %s", actor, p)
			}
		}
	}
	// Another team may not write into team A's tools, nor read them.
	if w := e.form("director", fmt.Sprintf("/c/%d/teams/%d/barriers", c1, tb), url.Values{"category": {"x"}, "description": {"y"}}); w.Code != http.StatusForbidden {
		t.Errorf("write into team B: %d", w.Code)
	}
	_ = ta
}

func TestNetworkPage(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1, ta := e.ids["c1"], e.ids["teamA"]
	base := fmt.Sprintf("/c/%d/teams/%d/network", c1, ta)
	for _, n := range []string{"Rosa", "Mai", "Tom", "Church", "Loners club"} {
		kind := "person"
		if n == "Church" || n == "Loners club" {
			kind = "group"
		}
		if w := e.form("advocate", base+"/nodes", url.Values{"name": {n}, "kind": {kind}}); w.Code != http.StatusSeeOther {
			t.Fatalf("node: %d", w.Code)
		}
	}
	nodes, _, _ := e.db.Network(bg, c1, ta)
	id := map[string]int64{}
	for _, n := range nodes {
		id[n.Name] = n.ID
	}
	for _, p := range [][2]string{{"Rosa", "Mai"}, {"Rosa", "Tom"}, {"Rosa", "Church"}} {
		w := e.form("advocate", base+"/edges", url.Values{"from": {fmt.Sprint(id[p[0]])}, "to": {fmt.Sprint(id[p[1]])}, "strength": {"3"}, "plan": {"invest"}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("edge: %d %s", w.Code, w.Body.String())
		}
	}
	if w := e.form("advocate", base+"/edges", url.Values{"from": {fmt.Sprint(id["Rosa"])}, "to": {fmt.Sprint(id["Rosa"])}, "strength": {"3"}, "plan": {"invest"}}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("self edge: %d", w.Code)
	}
	body := e.do("advocate", "GET", base, nil, "").Body.String()
	// Rosa is the bridge; the Loners club stands apart.
	i := strings.Index(body, "<tbody>")
	if i < 0 || !strings.Contains(body[i:i+300], "Rosa") || !strings.Contains(body, "bridge") || !strings.Contains(body, "Loners club</li>") || !strings.Contains(body, "<svg") {
		t.Errorf("network page: %s", body)
	}
}

// TestFunnelFindsOutlier draws the funnel from pasted numbers with one
// team 4 standard errors above the rest.
func TestFunnelFindsOutlier(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	var lines []string
	for i, n := range []int{120, 80, 200, 150, 90, 160, 110, 140} {
		lines = append(lines, fmt.Sprintf("Team %d, %d, %d", i+1, int(math.Round(0.3*float64(n)))+(i%3)-1, n))
	}
	n := 150.0
	lines = append(lines, fmt.Sprintf("Bright Spot, %d, %d", int(math.Round((0.3+4*math.Sqrt(0.3*0.7/n))*n)), int(n)))
	q := url.Values{"data": {strings.Join(lines, "\n")}, "direction": {"higher"}}
	w := e.do("advocate", "GET", fmt.Sprintf("/c/%d/positive-deviance?%s", e.ids["c1"], q.Encode()), nil, "")
	body := w.Body.String()
	i := strings.Index(body, `<ul id="candidates">`)
	if w.Code != http.StatusOK || i < 0 {
		t.Fatalf("%d %s", w.Code, body)
	}
	cands := body[i : i+strings.Index(body[i:], "</ul>")]
	if !strings.Contains(cands, "Bright Spot") || strings.Contains(cands, "Team ") || !strings.Contains(cands, "inquiries?outlier=Bright") {
		t.Errorf("candidates: %s", cands)
	}
	if w := e.do("advocate", "GET", fmt.Sprintf("/c/%d/positive-deviance?data=x", e.ids["c1"]), nil, ""); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad data: %d", w.Code)
	}
}

// TestFunnelFromSharedMeasure: a shared ratio measure reported by the
// four demo teams for twelve months; Berkshire's last three months sit
// 4 standard errors above the rest and its run chart shifts upward.
func TestFunnelFromSharedMeasure(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1 := e.ids["c1"]
	m := &improve.Measure{CollaborativeID: c1, Name: "Safety plans that name a natural support", Ratio: true, Better: improve.BetterUp, Chart: "p"}
	must(t, e.db.CreateMeasure(bg, collab.Who{}, m))
	f := func(x float64) *float64 { return &x }
	for i, tid := range e.demo.TeamIDs {
		var vals []*improve.Value
		for k := range 12 {
			n, p := 100.0, 0.4+0.02*float64((k+i)%3-1)
			if i == 3 && k >= 3 {
				p = 0.4 + 4*math.Sqrt(0.4*0.6/300)
			}
			vals = append(vals, &improve.Value{TeamID: tid, MeasureID: m.ID, Period: collab.NewDate(2026, time.Month(1+k), 1), Numerator: f(math.Round(p * n)), Denominator: f(n)})
		}
		if _, err := e.db.SaveValues(bg, collab.Who{}, c1, tid, vals, "form"); err != nil {
			t.Fatal(err)
		}
	}
	path := fmt.Sprintf("/c/%d/positive-deviance?measure=%d&last=3", c1, m.ID)
	w := e.do("coach", "GET", path, nil, "")
	body := w.Body.String()
	i := strings.Index(body, `<ul id="candidates">`)
	if w.Code != http.StatusOK || i < 0 {
		t.Fatalf("%d %s", w.Code, body)
	}
	cands := body[i : i+strings.Index(body[i:], "</ul>")]
	if !strings.Contains(cands, "Berkshire Hope Center") || strings.Contains(cands, "Harbor") {
		t.Errorf("candidates: %s", cands)
	}
	if !strings.Contains(cands, fmt.Sprintf("/c/%d/teams/%d/inquiries?outlier=Berkshire", c1, e.demo.TeamIDs[3])) {
		t.Errorf("no link to start an inquiry with the team: %s", cands)
	}
	j := strings.Index(body, `<ul id="improving">`)
	if j < 0 || !strings.Contains(body[j:j+200], "Berkshire Hope Center") || strings.Contains(body[j:j+strings.Index(body[j:], "</ul>")], "Harbor") {
		t.Errorf("sustained improvement not found: %s", body)
	}
	// Team by team results are the coaches': a member's measure choice is ignored.
	if w := e.do("director", "GET", path, nil, ""); strings.Contains(w.Body.String(), "Berkshire Hope Center") {
		t.Error("a team member sees other teams' rates")
	}
}
