package web

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/spc"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// The change package's evidence table: for each framework node, the
// teams testing it, their PDSA cycles and conclusions, and, for the
// measures linked to the node (or to a node above it: a domain's measure
// speaks for its change concepts), whether a signal of improvement
// followed each team's first adopted cycle. It is the harvest a
// Breakthrough Series collaborative ends with (seed 004), made from the
// teams' data.

// Evidence states of one team's measure.
const (
	evidenceImproved   = "improved"    // a signal in the better direction, from the first adoption on
	evidenceWorse      = "worse"       // a signal only in the worse direction
	evidenceChanged    = "changed"     // a signal, on a measure with no better direction
	evidenceNoSignal   = "no_signal"   // data after the adoption, and no signal
	evidenceNotAdopted = "not_adopted" // no cycle adopted yet
	evidenceNoData     = "no_data"     // too few points to tell
)

// An evidenceResult is one team's evidence on one measure.
type evidenceResult struct {
	Measure *improve.Measure
	State   string
	// Rule names the rule that signalled (shift, trend or limits), and
	// From the period of its first signalling point.
	Rule   string
	From   collab.Date
	Latest string // the team's latest value, as the chart shows it
}

// An evidenceTeam is one team testing a node, with its evidence.
type evidenceTeam struct {
	Test    *sqlstore.NodeTest
	Results []evidenceResult
}

// Improved reports whether any linked measure improved.
func (t evidenceTeam) Improved() bool {
	for _, r := range t.Results {
		if r.State == evidenceImproved {
			return true
		}
	}
	return false
}

// An evidenceRow is one framework node of the change package.
type evidenceRow struct {
	Node                                *improve.FwNode
	Measures                            []*improve.Measure
	Teams                               []evidenceTeam
	Cycles, Adopt, Adapt, Abandon, Open int
	// Improved counts the teams with a signal of improvement.
	Improved int
	// ImprovedWithheld: the reader knows which teams test the node (the
	// cohort's change package page) and Improved would tell a named
	// team's own result (withholdImproved).
	ImprovedWithheld bool
}

// withholdImproved marks the rows whose count of teams improving would
// tell a reader who sees the testing teams' names each one's result —
// fewer than MinAggregateTeams teams, or none or all of them improving —
// and is not the staff's to know: a team's measures are its own.
func withholdImproved(rows []*evidenceRow) {
	for _, r := range rows {
		n := len(r.Teams)
		r.ImprovedWithheld = n > 0 && (n < MinAggregateTeams || r.Improved == 0 || r.Improved == n)
	}
}

// changeEvidence builds the evidence table of framework f.
func (s *Server) changeEvidence(ctx context.Context, collabID int64, f *improve.CollabFramework) ([]*evidenceRow, error) {
	tests, err := s.db.NodeTests(ctx, collabID)
	if err != nil {
		return nil, err
	}
	links, err := s.db.MeasureLinks(ctx, collabID)
	if err != nil {
		return nil, err
	}
	shared, err := s.db.Measures(ctx, collabID, 0)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*improve.Measure{}
	for _, m := range shared {
		byID[m.ID] = m
	}
	linked := map[int64][]*improve.Measure{}
	for _, l := range links {
		if m := byID[l.MeasureID]; m != nil {
			linked[l.NodeID] = append(linked[l.NodeID], m)
		}
	}
	byNode := map[int64][]*sqlstore.NodeTest{}
	for _, t := range tests {
		byNode[t.NodeID] = append(byNode[t.NodeID], t)
	}
	parent := map[int64]int64{}
	nodes := f.Flatten()
	for _, n := range nodes {
		parent[n.ID] = n.ParentID
	}
	// One team's totals of a measure are read once, however many nodes
	// ask for them.
	type key struct{ team, measure int64 }
	series := map[key]map[collab.Date]*teamPoint{}
	var out []*evidenceRow
	for _, n := range nodes {
		if n.Retired {
			continue
		}
		row := &evidenceRow{Node: n}
		for id := n.ID; id != 0; id = parent[id] {
			row.Measures = append(row.Measures, linked[id]...)
		}
		for _, t := range byNode[n.ID] {
			row.Cycles += t.Cycles
			row.Adopt, row.Adapt, row.Abandon, row.Open = row.Adopt+t.Adopt, row.Adapt+t.Adapt, row.Abandon+t.Abandon, row.Open+t.Open
			et := evidenceTeam{Test: t}
			for _, m := range row.Measures {
				k := key{t.TeamID, m.ID}
				pts, ok := series[k]
				if !ok {
					tps, err := s.db.TeamMeasureTotals(ctx, collabID, m.ID, []int64{t.TeamID})
					if err != nil {
						return nil, err
					}
					pts = byTeam(tps)[t.TeamID]
					series[k] = pts
				}
				r, err := teamEvidence(m, pts, t.FirstAdopted)
				if err != nil {
					return nil, err
				}
				et.Results = append(et.Results, r)
			}
			if et.Improved() {
				row.Improved++
			}
			row.Teams = append(row.Teams, et)
		}
		out = append(out, row)
	}
	return out, nil
}

// teamEvidence reads one team's chart of a measure against its baseline
// before the first adopted cycle: the centre line and limits are frozen
// on the months before it (at least minBaseline of them; with fewer, on
// all the data, as the team's own chart before anyone recalculates), and
// the signals are read from the adoption on.
func teamEvidence(m *improve.Measure, pts map[collab.Date]*teamPoint, adopted collab.Date) (evidenceResult, error) {
	r := evidenceResult{Measure: m, State: evidenceNoData}
	if adopted.IsZero() {
		r.State = evidenceNotAdopted
	}
	if len(pts) == 0 {
		return r, nil
	}
	res, err := evidenceChart(m, pts, adopted)
	if err != nil || res == nil || len(res.Panels) == 0 {
		return r, err
	}
	p := &res.Panels[0]
	last := p.Len() - 1
	r.Latest = strconv.FormatFloat(math.Round(p.Y[last]*100)/100, 'f', -1, 64)
	if m.Ratio && m.Unit == "%" {
		r.Latest = strconv.FormatFloat(math.Round(p.Y[last]*10)/10, 'f', -1, 64) + " %"
	}
	if adopted.IsZero() {
		return r, nil
	}
	from := spc.DateKey(improve.PeriodStart(m.Period, adopted).Time())
	// The strongest evidence first: a shift (sustained) before a trend
	// before a single point outside the limits; each at its first point.
	rules := []string{"shift", "trend", "limits"}
	type found struct {
		at collab.Date
		ok bool
	}
	var good, bad [3]found
	after := 0
	for i := 0; i <= last; i++ {
		if p.Key[i] < from {
			continue
		}
		after++
		for ri, hit := range []bool{p.Shift[i], p.Trend[i], p.SigmaSignal[i]} {
			if !hit {
				continue
			}
			up := p.Y[i] > p.CLAt(i)
			if rules[ri] == "trend" && i > 0 {
				up = p.Y[i] > p.Y[i-1]
			}
			at, _ := collab.ParseDate(spc.DateLabel(p.Key[i]))
			side := &bad[ri]
			if m.Better == improve.BetterNeither || up == (m.Better != improve.BetterDown) {
				side = &good[ri]
			}
			if !side.ok {
				*side = found{at, true}
			}
		}
	}
	// The run rules (Anhøj, the default) judge a part, not a point: an
	// unusually long run (longer than the part's LongestRunMax) on one
	// side of the centre line that begins at or after the adoption is a
	// shift from its first point.
	for i := 0; i <= last; {
		cl := p.CLAt(i)
		if p.Y[i] == cl || p.Key[i] < from {
			i++
			continue
		}
		up, j := p.Y[i] > cl, i
		for j <= last && p.Part[j] == p.Part[i] && (p.Y[j] == p.CLAt(j) || (p.Y[j] > p.CLAt(j)) == up) {
			j++
		}
		useful := 0
		for k := i; k < j; k++ {
			if p.Y[k] != p.CLAt(k) {
				useful++
			}
		}
		if ps := p.Parts[p.Part[i]-1]; ps.Runs.Valid && useful > ps.Runs.LongestRunMax {
			at, _ := collab.ParseDate(spc.DateLabel(p.Key[i]))
			side := &bad[0]
			if m.Better == improve.BetterNeither || up == (m.Better != improve.BetterDown) {
				side = &good[0]
			}
			if !side.ok || at.Before(side.at) {
				*side = found{at, true}
			}
		}
		i = j
	}
	for ri, g := range good {
		if g.ok {
			r.State, r.Rule, r.From = evidenceImproved, rules[ri], g.at
			if m.Better == improve.BetterNeither {
				r.State = evidenceChanged
			}
			return r, nil
		}
	}
	for ri, b := range bad {
		if b.ok {
			r.State, r.Rule, r.From = evidenceWorse, rules[ri], b.at
			return r, nil
		}
	}
	r.State = evidenceNoSignal
	if after == 0 {
		r.State = evidenceNoData
	}
	return r, nil
}

// minBaseline is the fewest months before an adoption that make a
// baseline of their own.
const minBaseline = 4

// evidenceChart is the team's chart of the measure with its limits frozen
// on the points before adopted (see teamEvidence).
func evidenceChart(m *improve.Measure, pts map[collab.Date]*teamPoint, adopted collab.Date) (*spc.Result, error) {
	periods := make([]collab.Date, 0, len(pts))
	for d := range pts {
		periods = append(periods, d)
	}
	slices.SortFunc(periods, func(a, b collab.Date) int { return a.Time().Compare(b.Time()) })
	obs := make([]spc.Obs, 0, len(periods))
	before := 0
	from := improve.PeriodStart(m.Period, adopted)
	for _, d := range periods {
		p := pts[d]
		o := spc.Obs{Key: spc.DateKey(d.Time()), Y: p.y, N: spc.NA}
		if m.Ratio {
			o.N = p.n
		}
		if !adopted.IsZero() && d.Before(from) {
			before++
		}
		obs = append(obs, o)
	}
	opts := chartOptions(m, "")
	if m.Ratio && m.Unit == "%" {
		opts.Multiply = 100 // as the team's chart shows it
	}
	if before >= minBaseline && before < len(obs) {
		opts.Freeze = before
	}
	return spc.Compute(obs, m.Ratio, spc.AggSum, opts)
}

// evidenceTable is the evidence as the viewer may see it, for CSV and
// XLSX: team by team for the collaborative's staff, counts for everyone
// else (a team's data is its own unless it shares it).
func evidenceTable(p basePage, rows []*evidenceRow, byTeam bool) table {
	if !byTeam {
		t := table{Name: "change-package", Head: []string{p.T("evidence.col.code"), p.T("evidence.col.node"), p.T("framework.teams_testing"), p.T("framework.cycles"),
			p.T("evidence.col.adopted"), p.T("evidence.col.adapted"), p.T("evidence.col.abandoned"), p.T("evidence.col.improved")}}
		for _, r := range rows {
			improved := fmt.Sprint(r.Improved)
			if r.ImprovedWithheld {
				improved = p.T("evidence.improved_withheld")
			}
			t.Rows = append(t.Rows, []string{r.Node.Code, r.Node.Title, fmt.Sprint(len(r.Teams)), fmt.Sprint(r.Cycles), fmt.Sprint(r.Adopt), fmt.Sprint(r.Adapt), fmt.Sprint(r.Abandon), improved})
		}
		return t
	}
	t := table{Name: "change-package-evidence", Head: []string{p.T("evidence.col.code"), p.T("evidence.col.node"), p.T("field.team"), p.T("framework.cycles"),
		p.T("evidence.col.adopted"), p.T("evidence.col.adapted"), p.T("evidence.col.abandoned"), p.T("evidence.col.first_adopted"),
		p.T("evidence.col.measure"), p.T("evidence.col.evidence"), p.T("evidence.col.rule"), p.T("evidence.col.from"), p.T("evidence.col.latest")}}
	for _, r := range rows {
		for _, et := range r.Teams {
			nt := et.Test
			base := []string{r.Node.Code, r.Node.Title, nt.TeamName, fmt.Sprint(nt.Cycles), fmt.Sprint(nt.Adopt), fmt.Sprint(nt.Adapt), fmt.Sprint(nt.Abandon), dateOrEmpty(nt.FirstAdopted)}
			if len(et.Results) == 0 {
				t.Rows = append(t.Rows, append(base, "", p.T("evidence.no_measure"), "", "", ""))
				continue
			}
			for _, res := range et.Results {
				rule := ""
				if res.Rule != "" {
					rule = p.T("evidence.rule." + res.Rule)
				}
				t.Rows = append(t.Rows, append(append([]string{}, base...), res.Measure.Name, p.T("evidence.state."+res.State), rule, dateOrEmpty(res.From), res.Latest))
			}
		}
	}
	return t
}

func dateOrEmpty(d collab.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// measureLink links or unlinks a shared measure and a node of the
// framework in the path (the change package page's form).
func (s *Server) measureLink(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f, err := s.findFramework(r, rc)
	if err != nil {
		return err
	}
	node := formID(r.PostForm, "node")
	inFramework := false
	for _, n := range f.Flatten() {
		inFramework = inFramework || n.ID == node
	}
	err = &collab.ValidationError{Fields: map[string]string{"node": "error.invalid_choice"}}
	if inFramework {
		err = s.db.LinkMeasure(r.Context(), rc.who(), rc.Collab.ID, formID(r.PostForm, "measure"), node, r.PostForm.Get("action") != "unlink")
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.changePackageData(r, rc, f)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "change_package", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/frameworks/%d/package", rc.Collab.ID, f.ID), "flash.saved")
}
