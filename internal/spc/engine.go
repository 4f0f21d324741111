package spc

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// Chart names a chart type, spelled as qicharts2 spells it.
type Chart string

// The charts goeswell draws.
const (
	ChartRun  Chart = "run"
	ChartI    Chart = "i"
	ChartMR   Chart = "mr"
	ChartXbar Chart = "xbar"
	ChartS    Chart = "s"
	ChartT    Chart = "t"
	ChartP    Chart = "p"
	ChartPP   Chart = "pp"
	ChartC    Chart = "c"
	ChartU    Chart = "u"
	ChartUP   Chart = "up"
	ChartG    Chart = "g"
	ChartIP   Chart = "ip"
)

// Charts lists every chart type in a stable order.
var Charts = []Chart{ChartRun, ChartI, ChartMR, ChartXbar, ChartS, ChartT, ChartP, ChartPP, ChartC, ChartU, ChartUP, ChartG, ChartIP}

// ParseChart returns the chart named s.
func ParseChart(s string) (Chart, bool) {
	for _, c := range Charts {
		if string(c) == s {
			return c, true
		}
	}
	return "", false
}

// RuleSet names the rules that decide which points signal.
type RuleSet string

// The rule sets goeswell offers.
const (
	// RulesAnhoej is qicharts2's default: Anhøj runs rules plus 3-sigma limits.
	RulesAnhoej RuleSet = "anhoej"
	// RulesIHI is Perla, Provost & Murray (2011): shift, trend, runs table,
	// plus 3-sigma limits on control charts.
	RulesIHI RuleSet = "ihi"
	// RulesMDC is NHS "Making Data Count" as NHSRplotthedots computes it.
	RulesMDC RuleSet = "mdc"
)

// ErrNonPositive is returned for a t chart with a value ≤ 0.
var ErrNonPositive = errors.New("time between events must be greater than zero")

// Options are qic()'s arguments.
type Options struct {
	Chart Chart
	Rules RuleSet // RulesAnhoej when empty
	// Method is the Anhøj runs-analysis method; MethodAnhoej when empty.
	Method Method
	// Freeze is the last subgroup (1-based) of the baseline; 0 for none.
	// It is ignored when parts are given, as in qic().
	Freeze int
	// Parts starts a new part after each listed subgroup (1-based).
	Parts []int
	// PartLabels takes the parts from the subgroups' PartLabel instead.
	PartLabels bool
	// Exclude lists subgroups (1-based) left out of the calculations.
	Exclude []int
	// CL, when not NaN, replaces the computed centre line. Use NoCL for none.
	CL float64
	// Multiply scales y, the centre line and the limits; 0 means 1.
	Multiply float64
	// ScreenMR drops moving ranges above 3.267 times their mean before
	// estimating sigma (qicharts2's option qic.screenedmr, TRUE by default).
	ScreenMR bool
	// Categorical marks x as categories (funnel plots): no runs signal, and
	// Laney charts use sd(z) for sigma_z.
	Categorical bool
}

// NoCL is the value of Options.CL that asks for a computed centre line.
var NoCL = math.NaN()

// DefaultOptions returns qic()'s defaults for chart.
func DefaultOptions(chart Chart) Options {
	return Options{Chart: chart, Rules: RulesAnhoej, Method: MethodAnhoej, CL: NoCL, Multiply: 1, ScreenMR: true}
}

// Point is one subgroup of a chart.
type Point struct {
	Part int // 1-based part (phase)
	XX   int // 1-based subgroup index in the panel
	Subgroup
	// Y here is the plotted value after the chart's transformation and
	// Multiply; Subgroup.Y is shadowed. YSum, YMean and YSD are raw.
	Y                          float64
	CL, LCL, UCL, LCL95, UCL95 float64
	Baseline, Include          bool
	SigmaSignal, RunsSignal    bool
	Shift, Trend, Runs, Astro  bool // IHI reasons, set with RulesIHI
}

// PartSummary is summary.qic() for one part.
type PartSummary struct {
	Part        int
	First, Last int // index range [First, Last) into Panel.Points
	Runs        Runs
	// ALCL … AUCL are the means of each line over the part, NA removed.
	ALCL, ALCL95, CL, AUCL95, AUCL float64
	SigmaSignals                   int
	// Reasons lists why the part signals, one short phrase each.
	Reasons []string
}

// Panel is one facet (facet1 × facet2) of a chart.
type Panel struct {
	Facet1, Facet2 string
	Points         []Point
	Parts          []PartSummary
}

// Result is a computed chart.
type Result struct {
	Chart  Chart
	Rules  RuleSet
	Method Method
	Panels []Panel
	HasN   bool
}

// Compute aggregates the observations, splits them into panels by facet
// (sorted by Facet1 then Facet2 in byte order) and analyses each panel.
// obs is reordered in place.
func Compute(obs []Obs, hasN bool, agg Agg, opts Options) (*Result, error) {
	res := &Result{Chart: opts.Chart, Rules: ruleSet(opts), Method: method(opts), HasN: hasN}
	slices.SortStableFunc(obs, func(a, b Obs) int {
		if c := cmp.Compare(a.Facet1, b.Facet1); c != 0 {
			return c
		}
		return cmp.Compare(a.Facet2, b.Facet2)
	})
	for i := 0; i < len(obs); {
		j := i + 1
		for j < len(obs) && obs[j].Facet1 == obs[i].Facet1 && obs[j].Facet2 == obs[i].Facet2 {
			j++
		}
		// qic drops rows with a missing x before aggregating; the caller
		// cannot express a missing Key other than NaN.
		panelObs := obs[i:j]
		k := 0
		for _, o := range panelObs {
			if o.Key == o.Key {
				panelObs[k] = o
				k++
			}
		}
		sg := Aggregate(panelObs[:k], hasN, agg)
		p, err := Analyze(sg, hasN, opts)
		if err != nil && (obs[i].Facet1 != "" || obs[i].Facet2 != "") {
			return nil, fmt.Errorf("panel %q %q: %w", obs[i].Facet1, obs[i].Facet2, err)
		}
		if err != nil {
			return nil, err
		}
		p.Facet1, p.Facet2 = obs[i].Facet1, obs[i].Facet2
		res.Panels = append(res.Panels, p)
		i = j
	}
	return res, nil
}

func ruleSet(o Options) RuleSet {
	if o.Rules == "" {
		return RulesAnhoej
	}
	return o.Rules
}

func method(o Options) Method {
	if o.Method == "" {
		return MethodAnhoej
	}
	return o.Method
}

// Analyze computes one panel from its subgroups, in order: parts, baseline,
// exclusions, centre line and limits per part, runs analysis, multiply and
// signals (qicharts2 0.8.1 qic.agg).
func Analyze(sg []Subgroup, hasN bool, opts Options) (Panel, error) {
	var p Panel
	p.Points = make([]Point, len(sg))
	return p, AnalyzeInto(&p, sg, hasN, opts)
}

// AnalyzeInto is Analyze reusing p's memory; p.Points must have len(sg).
func AnalyzeInto(p *Panel, sg []Subgroup, hasN bool, opts Options) error {
	n := len(sg)
	if cap(p.Points) < n {
		p.Points = make([]Point, n)
	}
	p.Points = p.Points[:n]
	p.Parts = p.Parts[:0]
	mult := opts.Multiply
	if mult == 0 {
		mult = 1
	}
	freeze := opts.Freeze
	if freeze <= 0 || len(opts.Parts) > 0 || opts.PartLabels {
		freeze = n
	}
	pts := p.Points
	for i := range sg {
		pts[i] = Point{Subgroup: sg[i], XX: i + 1, Y: sg[i].Y, Baseline: i+1 <= freeze, Include: true}
	}
	for _, e := range opts.Exclude {
		if e >= 1 && e <= n {
			pts[e-1].Include = false
		}
	}
	// Parts: makeparts() in qicharts2.
	breaks := partBreaks(sg, opts)
	start := 0
	for k := 0; k <= len(breaks); k++ {
		end := n
		if k < len(breaks) {
			end = breaks[k]
		}
		if end <= start {
			continue
		}
		part := len(p.Parts) + 1
		for i := start; i < end; i++ {
			pts[i].Part = part
		}
		p.Parts = append(p.Parts, PartSummary{Part: part, First: start, Last: end})
		start = end
	}
	for k := range p.Parts {
		ps := &p.Parts[k]
		seg := pts[ps.First:ps.Last]
		if err := limits(seg, hasN, opts); err != nil {
			return err
		}
		for i := range seg {
			q := &seg[i]
			q.Y *= mult
			q.CL *= mult
			q.LCL = finiteOrNA(q.LCL * mult)
			q.UCL = finiteOrNA(q.UCL * mult)
			q.LCL95 = finiteOrNA(q.LCL95 * mult)
			q.UCL95 = finiteOrNA(q.UCL95 * mult)
			q.SigmaSignal = q.Y > q.UCL || q.Y < q.LCL
			if q.SigmaSignal {
				ps.SigmaSignals++
			}
		}
		rules(ps, seg, opts)
		if opts.Chart == ChartMR || opts.Categorical {
			ps.Runs.Signal = false
			for i := range seg {
				seg[i].RunsSignal = false
			}
		}
		summarise(ps, seg)
	}
	return nil
}

// partBreaks returns the sorted 0-based indices where a new part starts.
func partBreaks(sg []Subgroup, opts Options) []int {
	n := len(sg)
	var br []int
	if opts.PartLabels {
		seen := map[string]bool{}
		for i, s := range sg {
			if !seen[s.PartLabel] {
				seen[s.PartLabel] = true
				if i > 0 {
					br = append(br, i)
				}
			}
		}
		return br
	}
	for _, b := range opts.Parts {
		if b > 0 && b < n {
			br = append(br, b)
		}
	}
	slices.Sort(br)
	return slices.Compact(br)
}

func finiteOrNA(v float64) float64 {
	if math.IsInf(v, 0) || v != v {
		return NA
	}
	return v
}

// summarise fills the part's line means (summary.qic: mean with NA removed,
// NaN when the line is all NA).
func summarise(ps *PartSummary, seg []Point) {
	var s [5]float64
	var k [5]int
	for i := range seg {
		q := &seg[i]
		for j, v := range [5]float64{q.LCL, q.LCL95, q.CL, q.UCL95, q.UCL} {
			if v == v {
				s[j] += v
				k[j]++
			}
		}
	}
	var m [5]float64
	for j := range m {
		if k[j] == 0 {
			m[j] = math.NaN()
			continue
		}
		m[j] = s[j] / float64(k[j])
		var t float64
		for i := range seg {
			q := &seg[i]
			v := [5]float64{q.LCL, q.LCL95, q.CL, q.UCL95, q.UCL}[j]
			if v == v {
				t += v - m[j]
			}
		}
		m[j] += t / float64(k[j])
	}
	ps.ALCL, ps.ALCL95, ps.CL, ps.AUCL95, ps.AUCL = m[0], m[1], m[2], m[3], m[4]
}
