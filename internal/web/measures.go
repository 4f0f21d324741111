package web

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/chart"
	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/csvout"
	"github.com/goeswell/goeswell/internal/importer"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/spc"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// periodLabel shows a period as people write it: 2025-03 for a month, the
// Monday's date for a week.
func periodLabel(m *improve.Measure, d collab.Date) string {
	if m.Period == improve.Monthly {
		return d.String()[:7]
	}
	return d.String()
}

// teamSeries is one team's points of a measure: per period, the total over
// groups (the sum of the groups' numbers), as y and, for a ratio, n.
type teamPoint struct {
	y, n  float64
	hasN  bool
	first time.Time // when the period was first entered
}

func teamTotals(m *improve.Measure, vals []*improve.Value) map[collab.Date]*teamPoint {
	out := map[collab.Date]*teamPoint{}
	for _, v := range vals {
		p := out[v.Period]
		if p == nil {
			p = &teamPoint{first: v.FirstEnteredAt}
			out[v.Period] = p
		}
		if v.FirstEnteredAt.Before(p.first) {
			p.first = v.FirstEnteredAt
		}
		if m.Ratio {
			if v.Numerator != nil && v.Denominator != nil {
				p.y += *v.Numerator
				p.n += *v.Denominator
				p.hasN = true
			}
		} else if v.Value != nil {
			p.y += *v.Value
			p.hasN = true
		}
	}
	for k, p := range out {
		if !p.hasN {
			delete(out, k)
		}
	}
	return out
}

// chartOptions turns a measure's settings into the SPC engine's.
func chartOptions(m *improve.Measure, rules string) spc.Options {
	c := spc.ChartRun
	if ch, ok := spc.ParseChart(m.Chart); ok {
		c = ch
	}
	o := spc.DefaultOptions(c)
	switch spc.RuleSet(rules) {
	case spc.RulesIHI:
		o.Rules = spc.RulesIHI
	}
	return o
}

// pdsaNumber is a cycle's number among the started cycles of its team,
// in order of start: the label of its marker on the charts.
func pdsaNumber(cycles []*improve.PDSA, c *improve.PDSA) int {
	n := 1
	for _, o := range cycles {
		if o == c || o.StartedOn.IsZero() || o.TeamID != c.TeamID {
			continue
		}
		if o.StartedOn.Before(c.StartedOn) || o.StartedOn == c.StartedOn && o.ID < c.ID {
			n++
		}
	}
	return n
}

// measureChart computes a measure's chart from per-period points. The
// centre line and limits run over every point until a person chose to
// recalculate them from a period (breaks): as in QI practice, a PDSA
// cycle is a note on the chart, not a new phase, so a change that worked
// shows as a shift against the baseline instead of hiding in a phase of
// its own. Started cycles are drawn as markers with their titles.
func measureChart(m *improve.Measure, pts map[collab.Date]*teamPoint, cycles []*improve.PDSA, breaks []*improve.LimitBreak, rules, title string) (*spc.Result, chart.Options, error) {
	periods := make([]collab.Date, 0, len(pts))
	for d := range pts {
		periods = append(periods, d)
	}
	sort.Slice(periods, func(i, j int) bool { return periods[i].Before(periods[j]) })
	obs := make([]spc.Obs, 0, len(periods))
	for _, d := range periods {
		p := pts[d]
		o := spc.Obs{Key: spc.DateKey(d.Time()), Label: periodLabel(m, d), Y: p.y, N: spc.NA}
		if m.Ratio {
			o.N = p.n
		}
		obs = append(obs, o)
	}
	opts := chartOptions(m, rules)
	co := chart.Options{Title: title, YLabel: m.Unit, Width: 720, Height: 340}
	if m.Percent() {
		// A proportion reported in per cent: plot 0.35 as 35.
		opts.Multiply = 100
	}
	if m.Target != nil {
		co.HasTarget, co.Target = true, m.TargetShown()
	}
	// Markers are numbered as the page lists the cycles (pdsaNumbers);
	// cycles starting in the same period share one marker.
	byKey := map[float64]int{}
	for _, c := range cycles {
		if c.StartedOn.IsZero() {
			continue
		}
		k := spc.DateKey(improve.PeriodStart(m.Period, c.StartedOn).Time())
		n := fmt.Sprint(pdsaNumber(cycles, c))
		if i, ok := byKey[k]; ok {
			co.Annotations[i].Label += " · " + n + " " + short(c.Title, 20)
		} else {
			byKey[k] = len(co.Annotations)
			co.Annotations = append(co.Annotations, chart.Annotation{Key: k, Label: "PDSA " + n + " " + short(c.Title, 24)})
		}
	}
	for _, b := range breaks {
		i := sort.Search(len(periods), func(i int) bool { return !periods[i].Before(b.Period) })
		// A phase needs points on both sides to mean anything.
		if i >= 1 && i < len(periods) && !slices.Contains(opts.Parts, i) {
			opts.Parts = append(opts.Parts, i)
			co.Annotations = append(co.Annotations, chart.Annotation{Key: spc.DateKey(periods[i].Time()), Label: "↻ " + short(b.Reason, 28)})
		}
	}
	slices.Sort(opts.Parts)
	if len(obs) == 0 {
		return nil, co, nil
	}
	r, err := spc.Compute(obs, m.Ratio, spc.AggSum, opts)
	return r, co, err
}

// short cuts a label drawn on a chart to n characters.
func short(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}

// shownNum formats a measure's plotted number as the page shows it: a
// per cent measure's 0.4828 as "48.3 %".
func shownNum(m *improve.Measure, y float64) string {
	if m.Percent() {
		return strconv.FormatFloat(math.Round(m.Shown(y)*10)/10, 'f', -1, 64) + " %"
	}
	return strconv.FormatFloat(y, 'g', 4, 64)
}

// targetText is a measure's target as the page says it ("80 %").
func targetText(m *improve.Measure) string {
	if m.Target == nil {
		return ""
	}
	if m.Percent() {
		return num(m.TargetShown()) + " %"
	}
	return num(*m.Target)
}

// groupChart draws a disaggregated measure with one panel a group.
func groupChart(m *improve.Measure, vals []*improve.Value, cycles []*improve.PDSA, rules, title string) (*spc.Result, chart.Options, error) {
	_, co, err := measureChart(m, teamTotals(m, vals), cycles, nil, rules, title)
	if err != nil {
		return nil, co, err
	}
	var obs []spc.Obs
	for _, v := range vals {
		o := spc.Obs{Key: spc.DateKey(v.Period.Time()), Label: periodLabel(m, v.Period), Facet1: v.Group, N: spc.NA}
		switch {
		case m.Ratio && v.Numerator != nil && v.Denominator != nil:
			o.Y, o.N = *v.Numerator, *v.Denominator
		case !m.Ratio && v.Value != nil:
			o.Y = *v.Value
		default:
			continue
		}
		obs = append(obs, o)
	}
	if len(obs) == 0 {
		return nil, co, nil
	}
	opts := chartOptions(m, rules)
	co.Height = 260
	r, err := spc.Compute(obs, m.Ratio, spc.AggSum, opts)
	return r, co, err
}

func writeSVG(w http.ResponseWriter, r *spc.Result, co chart.Options, name string) error {
	var buf bytes.Buffer
	if r == nil {
		fmt.Fprintf(&buf, `<svg xmlns="http://www.w3.org/2000/svg" width="720" height="60" viewBox="0 0 720 60" role="img" aria-label="%s"><text x="10" y="30" font-family="sans-serif">%s</text></svg>`, esc(co.Title), esc(co.Title))
	} else if err := chart.SVG(&buf, r, co); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "no-store")
	if name != "" && w.Header().Get("Content-Disposition") == "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s.svg"`, name))
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func svgString(r *spc.Result, co chart.Options) (template.HTML, error) {
	if r == nil {
		return "", nil
	}
	var buf bytes.Buffer
	if err := chart.SVG(&buf, r, co); err != nil {
		return "", err
	}
	// chart.SVG escapes every text it writes; its output is safe to inline.
	return template.HTML(buf.String()), nil
}

// chartCSV writes a chart's numbers: one row a point.
func chartCSV(w http.ResponseWriter, r *spc.Result, name string) error {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	w.Header().Set("Cache-Control", "no-store")
	cw := csvout.NewWriter(w)
	grouped := r != nil && len(r.Panels) > 0 && r.Panels[0].Facet1 != ""
	head := []string{"period", "y"}
	if grouped {
		head = append([]string{"group"}, head...)
	}
	if r != nil && r.HasN {
		head = append(head, "n")
	}
	head = append(head, "part", "centre", "lower_limit", "upper_limit", "signal")
	cw.Write(head)
	if r != nil {
		for pi := range r.Panels {
			p := &r.Panels[pi]
			for i := 0; i < p.Len(); i++ {
				q := p.Point(i)
				row := []string{p.Labels[i], num(q.Y)}
				if grouped {
					row = append([]string{p.Facet1}, row...)
				}
				if r.HasN {
					row = append(row, num(q.N))
				}
				row = append(row, strconv.Itoa(q.Part), num(q.CL), num(q.LCL), num(q.UCL), strings.Join(spc.PointReasons(&q), "; "))
				cw.Write(row)
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// signals counts the points that signal and whether any part has a runs
// signal.
func signals(r *spc.Result) (points int, runs bool) {
	if r == nil {
		return 0, false
	}
	for pi := range r.Panels {
		p := &r.Panels[pi]
		for i := 0; i < p.Len(); i++ {
			if p.SigmaSignal[i] || p.Shift[i] || p.Trend[i] {
				points++
			}
		}
		for _, ps := range p.Parts {
			runs = runs || ps.Runs.Signal
		}
	}
	return
}

// reportingPeriods are the periods a team owes for a measure: from the
// collaborative's start to the current period, within its end.
func (s *Server) reportingPeriods(c *collab.Collaborative, m *improve.Measure) []collab.Date {
	today := collab.DateOf(s.db.Now())
	end := today
	if !c.EndDate.IsZero() && c.EndDate.Before(end) {
		end = c.EndDate
	}
	if c.StartDate.IsZero() || end.Before(c.StartDate) {
		return nil
	}
	return improve.PeriodRange(m.Period, c.StartDate, end)
}

// status works out a team's missing and late periods of a measure.
func (s *Server) status(c *collab.Collaborative, m *improve.Measure, have map[collab.Date]*teamPoint) measureStatus {
	st := measureStatus{M: m, Reported: len(have)}
	today := collab.DateOf(s.db.Now())
	for _, p := range s.reportingPeriods(c, m) {
		var at *time.Time
		if tp := have[p]; tp != nil {
			at = &tp.first
		}
		switch improve.ReportStatus(m.Period, p, at, today) {
		case improve.StatusMissing:
			st.Missing++
			st.MissingPeriods = append(st.MissingPeriods, periodLabel(m, p))
		case improve.StatusLate:
			st.Late++
		}
	}
	return st
}

func (s *Server) teamMeasureStatuses(r *http.Request, rc *reqCtx) ([]measureStatus, error) {
	ctx := r.Context()
	ms, err := s.db.Measures(ctx, rc.Collab.ID, rc.Team.ID)
	if err != nil {
		return nil, err
	}
	vals, err := s.db.Values(ctx, rc.Collab.ID, sqlstore.ValueFilter{TeamID: rc.Team.ID})
	if err != nil {
		return nil, err
	}
	var out []measureStatus
	for _, m := range ms {
		var mine []*improve.Value
		for _, v := range vals {
			if v.MeasureID == m.ID {
				mine = append(mine, v)
			}
		}
		out = append(out, s.status(rc.Collab, m, teamTotals(m, mine)))
	}
	return out, nil
}

// measureFormPage is shared by the team's and the collaborative's measure
// lists: the measures and the form to define one.
type measureForm struct {
	Kinds   []improve.MeasureKind
	Betters []improve.Better
	Periods []improve.Period
	Charts  []string
}

func newMeasureForm() measureForm {
	return measureForm{Kinds: improve.MeasureKinds, Betters: improve.Betters, Periods: improve.Periods, Charts: improve.ChartTypes}
}

func measureFromForm(f url.Values, m *improve.Measure) error {
	m.Name, m.Definition, m.Unit = f.Get("name"), strings.TrimSpace(f.Get("definition")), strings.TrimSpace(f.Get("unit"))
	m.Kind, m.Better, m.Period, m.Chart = improve.MeasureKind(f.Get("kind")), improve.Better(f.Get("better")), improve.Period(f.Get("period")), f.Get("chart")
	m.Ratio = f.Get("ratio") != ""
	m.GroupKey = f.Get("groupKey")
	m.GroupValues = strings.Split(strings.ReplaceAll(f.Get("groupValues"), ",", "\n"), "\n")
	if t := strings.TrimSpace(f.Get("target")); t != "" {
		x, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return &collab.ValidationError{Fields: map[string]string{"target": "error.number"}}
		}
		m.Target = &x
	}
	return m.Validate()
}

type teamMeasuresPage struct {
	teamBase
	measureForm
	Measures []measureStatus
}

func (s *Server) teamMeasures(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ms, err := s.teamMeasureStatuses(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "team_measures", &teamMeasuresPage{teamBase: s.teamBase(r, rc, "measure.team_title"), measureForm: newMeasureForm(), Measures: ms})
}

func (s *Server) teamMeasureCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	m := &improve.Measure{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID}
	err := measureFromForm(r.PostForm, m)
	if err == nil {
		err = s.db.CreateMeasure(r.Context(), rc.who(), m)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		ms, merr := s.teamMeasureStatuses(r, rc)
		if merr != nil {
			return merr
		}
		p := &teamMeasuresPage{teamBase: s.teamBase(r, rc, "measure.team_title"), measureForm: newMeasureForm(), Measures: ms}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "team_measures", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, rc.teamURL(fmt.Sprintf("/measures/%d", m.ID)), "flash.created")
}

type teamMeasurePage struct {
	teamBase
	M       *improve.Measure
	Status  measureStatus
	SVG     template.HTML
	Table   template.HTML
	Signals int
	Runs    bool
	History []*improve.Value
	Rules   string
	Cycles  []*improve.PDSA
	// Findings are the chart's signals in plain words, each with its rule.
	Findings []finding
	// Breaks are the recalculations of the limits; Periods the periods a
	// new one may start at (every reported period after the first).
	Breaks  []*improve.LimitBreak
	Periods []string
	// Suggest is the period to recalculate from, when a sustained shift
	// follows an adopted change linked to this measure; SuggestCycle is
	// that change's cycle.
	Suggest      string
	SuggestCycle *improve.PDSA
}

// A finding is one signal of the chart as the page says it.
type finding struct {
	Text, Rule string
}

type marker struct {
	N int
	C *improve.PDSA
}

// Markers lists the cycles drawn on the chart, by their marker's number.
func (p *teamMeasurePage) Markers() []marker {
	var out []marker
	for _, c := range p.Cycles {
		if !c.StartedOn.IsZero() {
			out = append(out, marker{N: pdsaNumber(p.Cycles, c), C: c})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N < out[j].N })
	return out
}

// V formats a stored number.
func (p *teamMeasurePage) V(x *float64) string {
	if x == nil {
		return "—"
	}
	return num(*x)
}

// TargetText is the measure's target as the page says it.
func (p *teamMeasurePage) TargetText() string { return targetText(p.M) }

// PeriodOf shows a recalculation's period as the grid names it.
func (p *teamMeasurePage) PeriodOf(b *improve.LimitBreak) string { return periodLabel(p.M, b.Period) }

// teamChart is what a team's chart of a measure is drawn from.
type teamChartData struct {
	M      *improve.Measure
	Pts    map[collab.Date]*teamPoint
	Res    *spc.Result
	Co     chart.Options
	Cycles []*improve.PDSA
	Breaks []*improve.LimitBreak
}

func (s *Server) teamMeasureChart(r *http.Request, rc *reqCtx) (*teamChartData, error) {
	ctx := r.Context()
	id, err := pathID(r.PathValue("measure"))
	if err != nil {
		return nil, err
	}
	d := &teamChartData{}
	if d.M, err = s.db.FindMeasure(ctx, rc.Collab.ID, rc.Team.ID, id); err != nil {
		return nil, err
	}
	vals, err := s.db.Values(ctx, rc.Collab.ID, sqlstore.ValueFilter{TeamID: rc.Team.ID, MeasureID: id})
	if err != nil {
		return nil, err
	}
	if d.Cycles, err = s.db.PDSAs(ctx, rc.Collab.ID, rc.Team.ID); err != nil {
		return nil, err
	}
	if d.Breaks, err = s.db.LimitBreaks(ctx, rc.Collab.ID, rc.Team.ID, id); err != nil {
		return nil, err
	}
	d.Pts = teamTotals(d.M, vals)
	if r.URL.Query().Get("groups") != "" && d.M.GroupKey != "" {
		// One panel a group, for a disaggregated measure (seed 003, 1.1.3).
		d.Res, d.Co, err = groupChart(d.M, vals, d.Cycles, r.URL.Query().Get("rules"), d.M.Name+" · "+rc.Team.Name)
		d.Co.Words = s.chartWords(rc.Lang)
		return d, err
	}
	d.Res, d.Co, err = measureChart(d.M, d.Pts, d.Cycles, d.Breaks, r.URL.Query().Get("rules"), d.M.Name+" · "+rc.Team.Name)
	d.Co.Words = s.chartWords(rc.Lang)
	return d, err
}

// findingsText says a chart's signals in plain words, beside the name of
// the rule that found each.
func findingsText(p *basePage, m *improve.Measure, r *spc.Result) []finding {
	if r == nil || len(r.Panels) == 0 {
		return nil
	}
	pn := &r.Panels[0]
	unit := string(m.Period) // monthly or weekly: "6 months" or "6 weeks"
	var out []finding
	for _, f := range spc.Findings(r, pn) {
		side := "below"
		if f.Up {
			side = "above"
		}
		var fd finding
		switch f.Kind {
		case spc.FindLongRun, spc.FindShift:
			fd.Text = p.T("loop.signal_run_"+side+"_"+unit, f.Count)
		case spc.FindTrend:
			dir := "down"
			if f.Up {
				dir = "up"
			}
			fd.Text = p.T("loop.signal_trend_"+dir+"_"+unit, f.Count)
		case spc.FindAstronomical:
			fd.Text = p.T("loop.signal_astronomical_"+side, pn.Labels[f.First])
		case spc.FindFewCrossings:
			fd.Text = p.T("loop.signal_run_"+side+"_"+unit, f.Count)
		case spc.FindRuns:
			fd.Text = p.T("loop.signal_runs")
		}
		fd.Rule = p.T("loop.rule_" + string(r.Rules) + "_" + string(f.Kind))
		if len(r.Panels[0].Parts) > 1 {
			fd.Rule = p.T("loop.in_phase", f.Part) + " · " + fd.Rule
		}
		out = append(out, fd)
	}
	return out
}

// suggestBreak finds where to recalculate the limits, if anywhere: the
// first period of a sustained shift (a long run, IHI's shift, or the run
// of 6 or more that Anhøj's few crossings rule found) in the
// last phase, in the direction of improvement, that follows an adopted
// PDSA cycle linked to this measure. A shift with no adopted change
// behind it is a question to ask, not a new baseline.
func suggestBreak(m *improve.Measure, r *spc.Result, cycles []*improve.PDSA) (string, *improve.PDSA) {
	if r == nil || len(r.Panels) == 0 {
		return "", nil
	}
	pn := &r.Panels[0]
	last := len(pn.Parts)
	for _, f := range spc.Findings(r, pn) {
		sustained := f.Kind == spc.FindLongRun || f.Kind == spc.FindShift || f.Kind == spc.FindFewCrossings && f.Count >= 6
		if f.Part != last || !sustained || f.First == pn.Parts[last-1].First {
			continue
		}
		if m.Better == improve.BetterUp && !f.Up || m.Better == improve.BetterDown && f.Up {
			continue
		}
		startKey, endKey := pn.Key[f.First], pn.Key[f.Last]
		for _, c := range cycles {
			if c.MeasureID != m.ID || c.Decision != improve.DecisionAdopt || c.StartedOn.IsZero() {
				continue
			}
			// The change was under test before the shift ended; a cycle
			// started after it cannot explain it.
			if k := spc.DateKey(improve.PeriodStart(m.Period, c.StartedOn).Time()); k <= endKey && k <= startKey+93 {
				return pn.Labels[f.First], c
			}
		}
	}
	return "", nil
}

func (s *Server) teamMeasurePage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	d, err := s.teamMeasureChart(r, rc)
	if err != nil {
		return err
	}
	return s.renderTeamMeasure(w, r, rc, d, http.StatusOK, nil, nil)
}

func (s *Server) renderTeamMeasure(w http.ResponseWriter, r *http.Request, rc *reqCtx, d *teamChartData, status int, form url.Values, errs map[string]string) error {
	m, res := d.M, d.Res
	p := &teamMeasurePage{teamBase: s.teamBase(r, rc, "measure.title"), M: m, Rules: r.URL.Query().Get("rules"), Cycles: d.Cycles, Breaks: d.Breaks}
	p.Title = m.Name + " · " + rc.Team.Name
	p.Form, p.Errors = form, errs
	var err error
	if p.SVG, err = svgString(res, d.Co); err != nil {
		return err
	}
	if res != nil {
		p.Table = template.HTML(chart.TableIn(res, s.chartWords(rc.Lang)))
	}
	p.Signals, p.Runs = signals(res)
	p.Findings = findingsText(&p.basePage, m, res)
	p.Suggest, p.SuggestCycle = suggestBreak(m, res, d.Cycles)
	periods := make([]collab.Date, 0, len(d.Pts))
	for k := range d.Pts {
		periods = append(periods, k)
	}
	sort.Slice(periods, func(i, j int) bool { return periods[i].Before(periods[j]) })
	taken := map[collab.Date]bool{}
	for _, b := range d.Breaks {
		taken[b.Period] = true
	}
	// Newest first: a recalculation follows a recent shift; periods
	// already recalculated from are not offered again.
	for i, k := range slices.Backward(periods) {
		if i > 0 && !taken[k] {
			p.Periods = append(p.Periods, periodLabel(m, k))
		}
	}
	p.Status = s.status(rc.Collab, m, d.Pts)
	if p.History, err = s.db.ValueHistory(r.Context(), rc.Collab.ID, rc.Team.ID, m.ID); err != nil {
		return err
	}
	if len(p.History) > 200 {
		p.History = p.History[:200]
	}
	return s.render(w, status, "team_measure", p)
}

// limitsRecalculate records a person's choice to recalculate the limits
// from a period, with the reason.
func (s *Server) limitsRecalculate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	id, err := pathID(r.PathValue("measure"))
	if err != nil {
		return err
	}
	b := &improve.LimitBreak{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, MeasureID: id, Reason: r.PostForm.Get("reason")}
	v := collab.NewValidation()
	from := strings.TrimSpace(r.PostForm.Get("from"))
	if len(from) == 7 {
		from += "-01"
	}
	if b.Period, err = collab.ParseDate(from); err != nil || b.Period.IsZero() {
		v.Add("from", "error.required")
	}
	err = v.Err()
	if err == nil {
		err = s.db.AddLimitBreak(r.Context(), rc.who(), b)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		if msg, ok := fe["period"]; ok {
			fe["from"] = msg
		}
		d, derr := s.teamMeasureChart(r, rc)
		if derr != nil {
			return derr
		}
		return s.renderTeamMeasure(w, r, rc, d, http.StatusUnprocessableEntity, r.PostForm, fe)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, rc.teamURL(fmt.Sprintf("/measures/%d#limits", id)), "loop.flash_recalculated")
}

// limitsRemove takes a recalculation back: the phases on either side of
// it join again.
func (s *Server) limitsRemove(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("measure"))
	if err != nil {
		return err
	}
	bid, err := pathID(r.PathValue("limits"))
	if err != nil {
		return err
	}
	if err := s.db.DeleteLimitBreak(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, id, bid); err != nil {
		return err
	}
	return s.redirect(w, r, rc.teamURL(fmt.Sprintf("/measures/%d#limits", id)), "loop.flash_recalculation_removed")
}

func (s *Server) teamMeasureSVG(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	d, err := s.teamMeasureChart(r, rc)
	if err != nil {
		return err
	}
	m, res, co := d.M, d.Res, d.Co
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="measure-%d-team-%d.svg"`, m.ID, rc.Team.ID))
	}
	if r.URL.Query().Get("size") == "small" {
		co.Width, co.Height = 420, 240
	}
	return writeSVG(w, res, co, fmt.Sprintf("measure-%d-team-%d", m.ID, rc.Team.ID))
}

func (s *Server) teamMeasureCSV(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	d, err := s.teamMeasureChart(r, rc)
	if err != nil {
		return err
	}
	m, res := d.M, d.Res
	return chartCSV(w, res, fmt.Sprintf("measure-%d-team-%d", m.ID, rc.Team.ID))
}

// The data grid.

type gridCell struct {
	Name  string // the input's name
	Value string
	Class string // missing, late, or ""
	Label string // for screen readers: measure, group, period
	Note  string // who entered the value and when
}

type gridRow struct {
	Label string
	Cells []gridCell
}

type dataPage struct {
	teamBase
	Periods     []string
	Rows        []gridRow
	Weeks       []string
	WeekRows    []gridRow
	Measures    []*improve.Measure
	Statuses    []measureStatus
	From        string
	ImportErrs  []importer.CellError
	Plan        *importer.Plan
	PlanLabels  map[int64]string
	Payload     string
	PayloadName string
}

// A gridError is one bad cell, for the list at the top of the grid that
// links to it: a cell scrolled out of sight is still found.
type gridError struct {
	ID, Label, Msg string
}

// GridErrors lists the grid's bad cells in the order the grid shows them.
func (p *dataPage) GridErrors() []gridError {
	var out []gridError
	shown := map[string]bool{}
	for _, rows := range [][]gridRow{p.Rows, p.WeekRows} {
		for _, r := range rows {
			for _, c := range r.Cells {
				shown[c.Name] = true
				if msg := p.Err(c.Name); msg != "" {
					out = append(out, gridError{ID: c.Name, Label: c.Label, Msg: msg})
				}
			}
		}
	}
	// A cell sent for a period the grid does not show (another window, or
	// one outside the collaborative) is still named, without a link.
	var hidden []string
	for name := range p.Errors {
		if strings.HasPrefix(name, "c.") && !shown[name] {
			hidden = append(hidden, name)
		}
	}
	sort.Strings(hidden)
	for _, name := range hidden {
		label := name
		if parts := strings.Split(name, "."); len(parts) == 5 {
			mid, _ := strconv.ParseInt(parts[1], 10, 64)
			for _, m := range p.Measures {
				if m.ID == mid {
					label = m.Label() + " · " + strings.TrimSuffix(parts[2], "-01")
				}
			}
		}
		out = append(out, gridError{Label: label, Msg: p.Err(name)})
	}
	return out
}

// MeasureName names a measure in the import plan.
func (p *dataPage) MeasureName(id int64) string { return p.PlanLabels[id] }

// V formats a number of the import plan.
func (p *dataPage) V(v *improve.Value) string {
	if v == nil || v.Empty() {
		return "—"
	}
	if v.Value != nil {
		return num(*v.Value)
	}
	n, d := "", ""
	if v.Numerator != nil {
		n = num(*v.Numerator)
	}
	if v.Denominator != nil {
		d = num(*v.Denominator)
	}
	return n + " / " + d
}

// cellName is an input of the grid: c.MEASURE.PERIOD.GROUPINDEX.PART
// (part v, n or d).
func cellName(m int64, d collab.Date, g int, part string) string {
	return fmt.Sprintf("c.%d.%s.%d.%s", m, d, g, part)
}

func (s *Server) dataData(r *http.Request, rc *reqCtx, form url.Values) (*dataPage, error) {
	ctx := r.Context()
	p := &dataPage{teamBase: s.teamBase(r, rc, "measure.data_title"), PlanLabels: map[int64]string{}}
	var err error
	if p.Measures, err = s.db.Measures(ctx, rc.Collab.ID, rc.Team.ID); err != nil {
		return nil, err
	}
	for _, m := range p.Measures {
		p.PlanLabels[m.ID] = m.Name
	}
	vals, err := s.db.Values(ctx, rc.Collab.ID, sqlstore.ValueFilter{TeamID: rc.Team.ID})
	if err != nil {
		return nil, err
	}
	if p.Statuses, err = s.teamMeasureStatuses(r, rc); err != nil {
		return nil, err
	}
	// The window: 12 months (or weeks) ending with the current period,
	// or from ?from=YYYY-MM for 12 periods; 24 with ?n=24.
	n := 12
	if q, _ := strconv.Atoi(r.URL.Query().Get("n")); q > 0 && q <= 60 {
		n = q
	}
	if form != nil {
		if q, _ := strconv.Atoi(form.Get("n")); q > 0 && q <= 60 {
			n = q
		}
	}
	today := collab.DateOf(s.db.Now())
	start := improve.PeriodStart(improve.Monthly, today).AddMonths(-(n - 1))
	from := r.URL.Query().Get("from")
	if form != nil && form.Get("from") != "" {
		from = form.Get("from")
	}
	if d, err := collab.ParseDate(from + "-01"); err == nil && !d.IsZero() {
		start = d
	}
	p.From = start.String()[:7]
	type key struct {
		m int64
		d collab.Date
		g string
	}
	have := map[key]*improve.Value{}
	for _, v := range vals {
		have[key{v.MeasureID, v.Period, v.Group}] = v
	}
	st := map[int64]measureStatus{}
	for _, x := range p.Statuses {
		st[x.M.ID] = x
	}
	// Newest first, within the collaborative's reporting window: the
	// months that are due are the first a person sees, on a laptop and on
	// a phone, and no cell offers a month the store would refuse.
	window := func(per improve.Period, ds []collab.Date) []collab.Date {
		from, to := improve.ReportingWindow(&improve.Measure{Period: per}, rc.Collab, today)
		var out []collab.Date
		for _, d := range slices.Backward(ds) {
			if (from.IsZero() || !d.Before(from)) && !d.After(to) {
				out = append(out, d)
			}
		}
		return out
	}
	monthly := window(improve.Monthly, improve.PeriodRange(improve.Monthly, start, start.AddMonths(n-1)))
	for _, d := range monthly {
		p.Periods = append(p.Periods, d.String()[:7])
	}
	// Weekly measures get a grid of their own: the twelve weeks up to the
	// end of the monthly window (or this week).
	end := start.AddMonths(n).AddDays(-1)
	if today.Before(end) {
		end = today
	}
	weekly := window(improve.Weekly, improve.PeriodRange(improve.Weekly, end.AddDays(-7*11), end))
	for _, d := range weekly {
		p.Weeks = append(p.Weeks, d.String())
	}
	for _, m := range p.Measures {
		missing := map[string]bool{}
		for _, mp := range st[m.ID].MissingPeriods {
			missing[mp] = true
		}
		periods := monthly
		if m.Period == improve.Weekly {
			periods = weekly
		}
		parts := []string{"v"}
		if m.Ratio {
			parts = []string{"n", "d"}
		}
		for gi, g := range m.Groups() {
			for _, part := range parts {
				label := m.Label()
				if g != "" {
					label += " · " + g
				}
				if part != "v" {
					label += " · " + p.T("measure.part_"+part)
				}
				row := gridRow{Label: label}
				for _, d := range periods {
					pl := periodLabel(m, d)
					c := gridCell{Name: cellName(m.ID, d, gi, part), Label: label + " · " + pl}
					if v := have[key{m.ID, d, g}]; v != nil {
						var x *float64
						switch part {
						case "v":
							x = v.Value
						case "n":
							x = v.Numerator
						case "d":
							x = v.Denominator
						}
						if x != nil {
							c.Value = num(*x)
						}
						// Who entered it and when, on hover and for
						// screen readers.
						c.Note = p.T("measure.entered_note", v.EnteredByName, p.Date(v.EnteredAt))
						if improve.ReportStatus(m.Period, d, &v.FirstEnteredAt, today) == improve.StatusLate {
							c.Class = "late"
						}
					} else if missing[pl] {
						c.Class = "missing"
						c.Note = p.T("measure.missing")
					}
					if form != nil {
						c.Value = form.Get(c.Name)
					}
					row.Cells = append(row.Cells, c)
				}
				if m.Period == improve.Weekly {
					p.WeekRows = append(p.WeekRows, row)
				} else {
					p.Rows = append(p.Rows, row)
				}
			}
		}
	}
	return p, nil
}

func (s *Server) dataGrid(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.dataData(r, rc, nil)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "data", p)
}

// gridValues reads the grid's cells (and a pasted block) into values,
// with errors by cell.
func gridValues(f url.Values, measures []*improve.Measure, c *collab.Collaborative, today collab.Date) ([]*improve.Value, map[string]string) {
	byID := map[int64]*improve.Measure{}
	for _, m := range measures {
		byID[m.ID] = m
	}
	type key struct {
		m int64
		d collab.Date
		g int
	}
	cells := map[key]*improve.Value{}
	var order []key
	errs := map[string]string{}
	for name := range f {
		parts := strings.Split(name, ".")
		if len(parts) != 5 || parts[0] != "c" {
			continue
		}
		mid, _ := strconv.ParseInt(parts[1], 10, 64)
		m := byID[mid]
		d, derr := collab.ParseDate(parts[2])
		gi, gerr := strconv.Atoi(parts[3])
		if m == nil || derr != nil || d.IsZero() || gerr != nil || gi < 0 || gi >= len(m.Groups()) {
			continue // not a cell of this team's grid
		}
		k := key{mid, d, gi}
		v := cells[k]
		if v == nil {
			v = &improve.Value{MeasureID: mid, Period: improve.PeriodStart(m.Period, d), Group: m.Groups()[gi]}
			cells[k] = v
			order = append(order, k)
		}
		txt := strings.TrimSpace(f.Get(name))
		if txt == "" {
			continue
		}
		x, err := strconv.ParseFloat(strings.ReplaceAll(txt, ",", "."), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			errs[name] = "error.number"
			continue
		}
		switch parts[4] {
		case "v":
			v.Value = &x
		case "n":
			v.Numerator = &x
		case "d":
			v.Denominator = &x
		}
	}
	sort.Slice(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if a.m != b.m {
			return a.m < b.m
		}
		if a.d != b.d {
			return a.d.Before(b.d)
		}
		return a.g < b.g
	})
	var out []*improve.Value
	for _, k := range order {
		v := cells[k]
		m := byID[k.m]
		msg := v.ValidateFor(m)
		if msg == "" && !v.Empty() {
			from, to := improve.ReportingWindow(m, c, today)
			msg = v.InWindow(m, from, to)
		}
		if msg != "" {
			errs[cellName(k.m, k.d, k.g, gridPart(m, v, msg))] = msg
			continue
		}
		out = append(out, v)
	}
	return out, errs
}

// gridPart is the input of a cell an error belongs to: the numerator
// when it is the numerator that is wrong, so the message sits beside it.
func gridPart(m *improve.Measure, v *improve.Value, msg string) string {
	if !m.Ratio {
		return "v"
	}
	switch {
	case msg == "measure.error_numerator_above", msg == "measure.error_negative" && v.Numerator != nil && *v.Numerator < 0,
		msg == "measure.error_ratio_both" && v.Numerator == nil:
		return "n"
	}
	return "d"
}

func (s *Server) dataSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	ctx := r.Context()
	ms, err := s.db.Measures(ctx, rc.Collab.ID, rc.Team.ID)
	if err != nil {
		return err
	}
	var vals []*improve.Value
	var errs map[string]string
	var importErrs []importer.CellError
	if paste := strings.TrimSpace(f.Get("paste")); paste != "" {
		// A block pasted from a spreadsheet: it works without script.
		var m *improve.Measure
		for _, x := range ms {
			if x.ID == formID(f, "pasteMeasure") {
				m = x
			}
		}
		if m == nil {
			errs = map[string]string{"pasteMeasure": "error.required"}
		} else {
			rows, err := importer.ParsePaste(paste, m)
			if err == nil {
				err = importer.CheckPeriods(rows, ms, rc.Collab, collab.DateOf(s.db.Now()))
			}
			var ie *importer.Errors
			switch {
			case errors.As(err, &ie):
				importErrs = *ie
				errs = map[string]string{"paste": "measure.import_error_see_list"}
			case err != nil:
				return err
			}
			for _, row := range rows {
				vals = append(vals, row.Value)
			}
		}
	} else {
		vals, errs = gridValues(f, ms, rc.Collab, collab.DateOf(s.db.Now()))
	}
	if len(errs) == 0 {
		_, err = s.db.SaveValues(ctx, rc.who(), rc.Collab.ID, rc.Team.ID, vals, "form")
		if fe := collab.FieldErrors(err); fe != nil {
			errs = fe
		} else if err != nil {
			return err
		}
	}
	if len(errs) > 0 {
		keep := f
		if f.Get("paste") != "" {
			keep = nil // the grid shows what is stored; the paste box keeps its text
		}
		p, perr := s.dataData(r, rc, keep)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors, p.ImportErrs = f, errs, importErrs
		return s.render(w, http.StatusUnprocessableEntity, "data", p)
	}
	return s.redirect(w, r, rc.teamURL("/data?from="+url.QueryEscape(f.Get("from"))), "flash.saved")
}

// dataImport takes a CSV or XLSX file. The first post is a dry run that
// shows the plan and carries the file along; "apply" saves it.
func (s *Server) dataImport(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	// #nosec G120 -- bounded: maxBody here, and wrap's MaxBytesReader on the body.
	if err := r.ParseMultipartForm(maxBody); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		if err := r.ParseForm(); err != nil {
			return errBadRequest
		}
	}
	var data []byte
	name := r.FormValue("payloadName")
	if file, hdr, err := r.FormFile("file"); err == nil {
		defer file.Close()
		if data, err = io.ReadAll(file); err != nil {
			return err
		}
		name = hdr.Filename
	} else if pl := r.FormValue("payload"); pl != "" {
		if data, err = base64.StdEncoding.DecodeString(pl); err != nil {
			return errBadRequest
		}
	}
	ms, err := s.db.Measures(ctx, rc.Collab.ID, rc.Team.ID)
	if err != nil {
		return err
	}
	fail := func(errs []importer.CellError) error {
		p, err := s.dataData(r, rc, nil)
		if err != nil {
			return err
		}
		p.ImportErrs = errs
		p.Errors = map[string]string{"file": "measure.import_error_see_list"}
		return s.render(w, http.StatusUnprocessableEntity, "data", p)
	}
	if len(data) == 0 {
		return fail([]importer.CellError{{Key: "measure.import_error_no_file", Msg: "choose a file"}})
	}
	format, err := importer.FormatForFile(name)
	var ie *importer.Errors
	if errors.As(err, &ie) {
		return fail(*ie)
	}
	rows, err := importer.Parse(bytes.NewReader(data), format, ms)
	if err == nil {
		err = importer.CheckPeriods(rows, ms, rc.Collab, collab.DateOf(s.db.Now()))
	}
	if errors.As(err, &ie) {
		return fail(*ie)
	}
	if err != nil {
		return err
	}
	existing, err := s.db.Values(ctx, rc.Collab.ID, sqlstore.ValueFilter{TeamID: rc.Team.ID})
	if err != nil {
		return err
	}
	plan := importer.MakePlan(rows, existing)
	if r.FormValue("apply") == "" {
		p, err := s.dataData(r, rc, nil)
		if err != nil {
			return err
		}
		p.Plan, p.Payload, p.PayloadName = plan, base64.StdEncoding.EncodeToString(data), name
		return s.render(w, http.StatusOK, "data", p)
	}
	if _, err := importer.Apply(ctx, s.db, rc.who(), rc.Collab.ID, rc.Team.ID, plan, "import"); err != nil {
		return err
	}
	return s.redirect(w, r, rc.teamURL("/data"), "measure.flash_imported")
}

// The collaborative's measures.

type collabMeasuresPage struct {
	basePage
	measureForm
	Measures []*improve.Measure
	Manager  bool
	Coach    bool
}

func (s *Server) collabMeasuresData(r *http.Request, rc *reqCtx) (*collabMeasuresPage, error) {
	p := &collabMeasuresPage{basePage: s.base(r, rc, "measure.collab_title"), measureForm: newMeasureForm(),
		Manager: rc.can(collab.PermCollabManage), Coach: rc.can(collab.PermCollabCoach)}
	var err error
	p.Measures, err = s.db.Measures(r.Context(), rc.Collab.ID, 0)
	return p, err
}

func (s *Server) collabMeasures(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.collabMeasuresData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "collab_measures", p)
}

func (s *Server) collabMeasureCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	m := &improve.Measure{CollaborativeID: rc.Collab.ID}
	err := measureFromForm(r.PostForm, m)
	if err == nil {
		err = s.db.CreateMeasure(r.Context(), rc.who(), m)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.collabMeasuresData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "collab_measures", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/measures", rc.Collab.ID), "flash.created")
}

// teamChart is one team's row of the collaborative measure page.
type teamChart struct {
	Team    *collab.Team
	Status  measureStatus
	Last    string
	Signals int
	Runs    bool
}

type collabMeasurePage struct {
	basePage
	M     *improve.Measure
	SVG   template.HTML
	Table template.HTML
	// Teams are this page's teams: their rows of the summary table and
	// their small multiples.
	Teams  []teamChart
	PageNo int
	// Pages are the pager's page numbers, 0 for a gap.
	Pages      []int
	Coach      bool
	Signals    int
	Runs       bool
	Findings   []finding
	Rules      string
	Reported   int // teams that reported the measure at all
	TeamsTotal int
	// Groups is a disaggregated measure by group over every team.
	Groups *groupView
}

// teamsPerPage bounds how many teams one page of the collaborative
// measure view shows, in its summary table and as small multiples: the
// page computes a chart for each (for its signals), so its cost follows
// what it shows, not how many teams the collaborative has.
const teamsPerPage = 24

func (s *Server) sharedMeasure(r *http.Request, rc *reqCtx) (*improve.Measure, error) {
	id, err := pathID(r.PathValue("measure"))
	if err != nil {
		return nil, err
	}
	return s.db.FindMeasure(r.Context(), rc.Collab.ID, 0, id)
}

// aggregate pools every team's totals of each period, kept summed by the
// store: a ratio's numerators and denominators are summed; a plain value
// is the mean of the teams that reported it.
//
// minTeams > 1 leaves out periods fewer teams reported: for funders and
// evaluators, who see aggregates only, an "aggregate" of one or two teams
// would be those teams' own data.
func aggregate(m *improve.Measure, periods []sqlstore.PeriodTotal, minTeams int) map[collab.Date]*teamPoint {
	out := make(map[collab.Date]*teamPoint, len(periods))
	for _, p := range periods {
		if p.Teams < minTeams || p.Teams == 0 {
			continue
		}
		a := &teamPoint{y: p.Y, n: p.N, hasN: true}
		if !m.Ratio {
			a.y /= float64(p.Teams)
		}
		out[p.Period] = a
	}
	return out
}

// byTeam groups per-team totals as the charts take them.
func byTeam(tps []sqlstore.TeamPeriod) map[int64]map[collab.Date]*teamPoint {
	out := map[int64]map[collab.Date]*teamPoint{}
	for _, tp := range tps {
		pts := out[tp.TeamID]
		if pts == nil {
			pts = map[collab.Date]*teamPoint{}
			out[tp.TeamID] = pts
		}
		pts[tp.Period] = &teamPoint{y: tp.Y, n: tp.N, hasN: true, first: tp.First}
	}
	return out
}

// measureByTeam is every team's totals of a measure, for the views that
// draw every team at once (the funnel plot).
func (s *Server) measureByTeam(r *http.Request, rc *reqCtx, m *improve.Measure) (map[int64]map[collab.Date]*teamPoint, error) {
	tps, err := s.db.MeasureTotals(r.Context(), rc.Collab.ID, m)
	if err != nil {
		return nil, err
	}
	return byTeam(tps), nil
}

// pager numbers the pages around the current one, with the first and the
// last, and 0 where pages are left out: a hundred pages of teams are not
// a hundred links.
func pager(cur, pages int) []int {
	if pages < 2 {
		return nil
	}
	var out []int
	for i := 1; i <= pages; i++ {
		if i == 1 || i == pages || i >= cur-3 && i <= cur+3 {
			out = append(out, i)
		} else if out[len(out)-1] != 0 {
			out = append(out, 0)
		}
	}
	return out
}

func (s *Server) collabMeasurePage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	m, err := s.sharedMeasure(r, rc)
	if err != nil {
		return err
	}
	rules := r.URL.Query().Get("rules")
	p := &collabMeasurePage{basePage: s.base(r, rc, "measure.collab_measure_title"), M: m, Coach: true, Rules: rules}
	p.Title = m.Name
	periods, err := s.db.MeasurePeriods(ctx, rc.Collab.ID, m.ID)
	if err != nil {
		return err
	}
	res, co, err := measureChart(m, aggregate(m, periods, 1), nil, nil, rules, m.Name+" · "+p.T("measure.all_teams"))
	co.Words = s.chartWords(rc.Lang)
	if err != nil {
		return err
	}
	if p.SVG, err = svgString(res, co); err != nil {
		return err
	}
	if res != nil {
		p.Table = template.HTML(chart.TableIn(res, s.chartWords(rc.Lang)))
	}
	p.Signals, p.Runs = signals(res)
	p.Findings = findingsText(&p.basePage, m, res)
	// The collaborative measure page is the staff's, who see each team's
	// data anyway: its groups are not thinned.
	if p.Groups, err = s.groupAggregate(r, rc, m, false, 0); err != nil {
		return err
	}
	if p.TeamsTotal, err = s.db.CountTeams(ctx, rc.Collab.ID); err != nil {
		return err
	}
	if p.Reported, err = s.db.MeasureTeamsReporting(ctx, rc.Collab.ID, m.ID); err != nil {
		return err
	}
	pages := max(1, (p.TeamsTotal+teamsPerPage-1)/teamsPerPage)
	p.PageNo, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if p.PageNo < 1 || p.PageNo > pages {
		p.PageNo = 1
	}
	p.Pages = pager(p.PageNo, pages)
	teams, err := s.db.Teams(ctx, rc.Collab.ID, sqlstore.TeamFilter{Limit: teamsPerPage, Offset: (p.PageNo - 1) * teamsPerPage})
	if err != nil {
		return err
	}
	ids := make([]int64, len(teams))
	for i, t := range teams {
		ids[i] = t.ID
	}
	tps, err := s.db.TeamMeasureTotals(ctx, rc.Collab.ID, m.ID, ids)
	if err != nil {
		return err
	}
	pts := byTeam(tps)
	for _, t := range teams {
		tc, err := s.teamChartRow(rc.Collab, m, t, pts[t.ID], rules)
		if err != nil {
			return err
		}
		p.Teams = append(p.Teams, tc)
	}
	return s.render(w, http.StatusOK, "collab_measure", p)
}

// teamChartRow is a team's row of the summary table: its reporting, its
// latest total and the signals of its own chart.
func (s *Server) teamChartRow(c *collab.Collaborative, m *improve.Measure, t *collab.Team, pts map[collab.Date]*teamPoint, rules string) (teamChart, error) {
	tc := teamChart{Team: t, Status: s.status(c, m, pts)}
	if len(pts) == 0 {
		return tc, nil
	}
	tr, _, err := measureChart(m, pts, nil, nil, rules, "")
	if err != nil {
		return tc, err
	}
	tc.Signals, tc.Runs = signals(tr)
	var lastD collab.Date
	for d := range pts {
		if d.After(lastD) {
			lastD = d
		}
	}
	lp := pts[lastD]
	tc.Last = periodLabel(m, lastD) + ": " + num(lp.y)
	if m.Ratio {
		tc.Last += " / " + num(lp.n)
		if m.Percent() && lp.n != 0 {
			tc.Last += " (" + shownNum(m, lp.y/lp.n) + ")"
		}
	}
	return tc, nil
}

func (s *Server) aggregateChart(r *http.Request, rc *reqCtx) (*improve.Measure, *spc.Result, chart.Options, error) {
	m, err := s.sharedMeasure(r, rc)
	if err != nil {
		return nil, nil, chart.Options{}, err
	}
	res, co, err := s.allTeamsChart(r, rc, m, r.URL.Query().Get("rules"))
	return m, res, co, err
}

// allTeamsChart is a shared measure's chart over every team, as the
// reader may see it: for all but the staff (aggregateRestricted), without
// the periods fewer than MinAggregateTeams teams reported, nor, for a proportion, those
// whose numerator or denominator (counts of people) is under the
// collaborative's smallest count — the rule its groups follow
// (discloseGroups).
func (s *Server) allTeamsChart(r *http.Request, rc *reqCtx, m *improve.Measure, rules string) (*spc.Result, chart.Options, error) {
	periods, err := s.db.MeasurePeriods(r.Context(), rc.Collab.ID, m.ID)
	if err != nil {
		return nil, chart.Options{}, err
	}
	p := s.cat.Printer(rc.Lang)
	min := 1
	if aggregateRestricted(rc) {
		min = MinAggregateTeams
		if m.Ratio {
			st, err := s.db.LearningSettings(r.Context(), rc.Collab.ID)
			if err != nil {
				return nil, chart.Options{}, err
			}
			periods = slices.DeleteFunc(slices.Clone(periods), func(pt sqlstore.PeriodTotal) bool {
				return pt.Y < float64(st.MinCell) || pt.N < float64(st.MinCell)
			})
		}
	}
	res, co, err := measureChart(m, aggregate(m, periods, min), nil, nil, rules, m.Name+" · "+p.Sprintf("measure.all_teams"))
	co.Words = s.chartWords(rc.Lang)
	return res, co, err
}

// A reportChart is a shared measure drawn in the funder report. Its
// signals are drawn on it and described in its text alternative; the
// findings in words are on its aggregate page, which its title opens,
// so that each chart keeps to half a printed page.
type reportChart struct {
	M   *improve.Measure
	SVG template.HTML
}

// reportCharts draws each shared measure's chart over every team for the
// funder report, as its aggregate page does for the same reader; a
// measure with nothing the reader may see has no SVG.
func (s *Server) reportCharts(r *http.Request, rc *reqCtx, ms []*improve.Measure) ([]reportChart, error) {
	var out []reportChart
	for _, m := range ms {
		res, co, err := s.allTeamsChart(r, rc, m, "")
		if err != nil {
			return nil, err
		}
		// Narrower than the page's chart, so two fit one printed page.
		co.Height = 300
		co.ID = fmt.Sprintf("chart-%d", m.ID)
		rcht := reportChart{M: m}
		if rcht.SVG, err = svgString(res, co); err != nil {
			return nil, err
		}
		out = append(out, rcht)
	}
	return out, nil
}

// MinAggregateTeams is how many teams must have reported a period before
// funders and evaluators see it in an aggregate.
const MinAggregateTeams = 3

// aggregateRestricted reports whether the reader sees the aggregate
// thinned: everyone but the staff (conveners and coaches, who see every
// team anyway). A team's people are restricted too: a period only another
// team reported is that team's data, and one their own team and one other
// reported is the other's by subtraction.
func aggregateRestricted(rc *reqCtx) bool { return !rc.can(collab.PermCollabCoach) }

type aggregatePage struct {
	basePage
	// Restricted: the reader sees aggregates only, so thin periods are
	// left out.
	Restricted bool
	MinTeams   int
	M          *improve.Measure
	SVG        template.HTML
	Table      template.HTML
	Signals    int
	Runs       bool
	Findings   []finding
	// Groups is a disaggregated measure by group, as the reader may see
	// it (groupAggregate).
	Groups *groupView
}

func (s *Server) aggregatePage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, res, co, err := s.aggregateChart(r, rc)
	if err != nil {
		return err
	}
	p := &aggregatePage{basePage: s.base(r, rc, "measure.aggregate_title"), M: m, Restricted: aggregateRestricted(rc), MinTeams: MinAggregateTeams}
	p.Title = m.Name
	if p.SVG, err = svgString(res, co); err != nil {
		return err
	}
	if res != nil {
		p.Table = template.HTML(chart.TableIn(res, s.chartWords(rc.Lang)))
	}
	p.Signals, p.Runs = signals(res)
	p.Findings = findingsText(&p.basePage, m, res)
	st, err := s.db.LearningSettings(r.Context(), rc.Collab.ID)
	if err != nil {
		return err
	}
	if p.Groups, err = s.groupAggregate(r, rc, m, p.Restricted, st.MinCell); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "aggregate", p)
}

func (s *Server) aggregateSVG(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, res, co, err := s.aggregateChart(r, rc)
	if err != nil {
		return err
	}
	if r.URL.Query().Get("download") != "" {
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="measure-%d-all-teams.svg"`, m.ID))
	}
	return writeSVG(w, res, co, fmt.Sprintf("measure-%d-all-teams", m.ID))
}

func (s *Server) aggregateCSV(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, res, _, err := s.aggregateChart(r, rc)
	if err != nil {
		return err
	}
	return chartCSV(w, res, fmt.Sprintf("measure-%d-all-teams", m.ID))
}

// chartWords translates the chart's own words into lang.
func (s *Server) chartWords(lang string) chart.Words {
	pr := s.cat.Printer(lang)
	return func(key string, args ...any) string { return pr.Sprintf(key, args...) }
}
