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

// Point is one subgroup of a chart, a row view of a Panel (Panel.Point).
type Point struct {
	Part int // 1-based part (phase)
	XX   int // 1-based subgroup index in the panel
	Key  float64
	// Y is the plotted value, after the chart's transformation and Multiply.
	Y float64
	// N is the summed denominator (NA without one).
	N float64
	// YSum, YLength, YMean and YSD are the raw aggregates (not multiplied).
	YSum                       float64
	YLength                    int
	YMean, YSD                 float64
	CL, LCL, UCL, LCL95, UCL95 float64
	Baseline, Include          bool
	SigmaSignal, RunsSignal    bool
	// Shift, Trend and Runs are the IHI reasons (RulesIHI): the point is in
	// a shift or a trend, or its part has too few or too many runs. Astro
	// repeats SigmaSignal.
	Shift, Trend, Runs, Astro bool
}

// PartSummary is summary.qic() for one part.
type PartSummary struct {
	Part        int
	First, Last int // index range [First, Last) of the part's subgroups
	Runs        Runs
	// ALCL … AUCL are the means of each line over the part, NA removed.
	ALCL, ALCL95, CL, AUCL95, AUCL float64
	SigmaSignals                   int
	// Reasons lists why the part signals, one short phrase each.
	Reasons []string
	// ihiRuns is the IHI runs rule's verdict for the part.
	ihiRuns bool
	// line is the part's centre line and, unless perPoint, its limits:
	// constant over the part, so stored once rather than per subgroup.
	line Limits
	// perPoint is set when the limits vary by subgroup (xbar, s, p, pp,
	// u, up and ip charts); they are then in the Panel's limit columns.
	perPoint bool
}

// Limits are a subgroup's centre line, 3-sigma control limits and 2-sigma
// warning limits (qicharts2's cl, lcl, ucl, lcl.95, ucl.95), after
// Multiply; NA where a limit is undefined.
type Limits struct {
	CL, LCL, UCL, LCL95, UCL95 float64
}

// Panel is one facet (facet1 × facet2) of a chart. It stores the chart
// by column, so that the passes over a long series touch only the values
// they need; Point(i) gives a row view. A Panel reused with AnalyzeInto or
// AnalyzeSeries must not be shared between goroutines; use one per
// goroutine.
type Panel struct {
	Facet1, Facet2 string
	// Labels[i] is how subgroup i's x is shown (for example an ISO date).
	Labels []string
	Parts  []PartSummary
	// One value per subgroup; see Point for their meaning. The centre
	// line and limits are not columns: they are constant over a part on
	// most charts, so LimitsAt gives them per subgroup.
	Key, Y, N, YSum, YMean, YSD []float64
	YLength                     []int
	Part                        []int
	Baseline, Include           []bool
	SigmaSignal, Shift, Trend   []bool

	// lim holds LCL, UCL, LCL95 and UCL95 per subgroup on the charts whose
	// limits vary within a part (perPointLimits); nil on the others.
	lim [4][]float64

	scr  scratch   // reused working memory for AnalyzeInto
	fs   []float64 // backing store of the float columns
	ls   []float64 // backing store of lim
	lbuf []string  // the labels' memory when the Panel owns them
	// blank holds the empty labels of a Series without labels; it is never
	// written, so it needs no clearing between series.
	blank []string
	is    []int  // backing store of the int columns
	bs    []bool // backing store of the bool columns
}

// Len is the number of subgroups.
func (p *Panel) Len() int { return len(p.Y) }

// LimitsAt returns subgroup i's (0-based) centre line and limits.
func (p *Panel) LimitsAt(i int) Limits {
	ps := &p.Parts[p.Part[i]-1]
	l := ps.line
	if ps.perPoint {
		l.LCL, l.UCL, l.LCL95, l.UCL95 = p.lim[0][i], p.lim[1][i], p.lim[2][i], p.lim[3][i]
	}
	return l
}

// CLAt returns subgroup i's (0-based) centre line.
func (p *Panel) CLAt(i int) float64 { return p.Parts[p.Part[i]-1].line.CL }

// Point returns subgroup i (0-based) as a row.
func (p *Panel) Point(i int) Point {
	ps := &p.Parts[p.Part[i]-1]
	l := p.LimitsAt(i)
	return Point{
		Part: p.Part[i], XX: i + 1, Key: p.Key[i], Y: p.Y[i], N: p.N[i],
		YSum: p.YSum[i], YLength: p.YLength[i], YMean: p.YMean[i], YSD: p.YSD[i],
		CL: l.CL, LCL: l.LCL, UCL: l.UCL, LCL95: l.LCL95, UCL95: l.UCL95,
		Baseline: p.Baseline[i], Include: p.Include[i],
		SigmaSignal: p.SigmaSignal[i], RunsSignal: ps.Runs.Signal,
		Shift: p.Shift[i], Trend: p.Trend[i], Runs: ps.ihiRuns, Astro: p.SigmaSignal[i],
	}
}

// resize makes every column n long, reusing memory when it can.
func (p *Panel) resize(n int) {
	const nf, ni, nb = 6, 2, 5
	if cap(p.fs) < nf*n {
		p.fs = make([]float64, nf*n)
		p.is = make([]int, ni*n)
		p.bs = make([]bool, nb*n)
	}
	f := p.fs[:nf*n]
	col := func(k int) []float64 { return f[k*n : (k+1)*n : (k+1)*n] }
	p.Key, p.Y, p.N, p.YSum, p.YMean, p.YSD = col(0), col(1), col(2), col(3), col(4), col(5)
	is := p.is[:ni*n]
	p.YLength, p.Part = is[:n:n], is[n:2*n:2*n]
	bs := p.bs[:nb*n]
	bcol := func(k int) []bool { return bs[k*n : (k+1)*n : (k+1)*n] }
	p.Baseline, p.Include, p.SigmaSignal, p.Shift, p.Trend = bcol(0), bcol(1), bcol(2), bcol(3), bcol(4)
}

// labelBuf returns an empty slice of the Panel's own label memory with
// room for n labels. Labels may be a Series' own slice (AnalyzeSeries
// shares it), so it is never appended to in place.
func (p *Panel) labelBuf(n int) []string {
	if cap(p.lbuf) < n {
		p.lbuf = make([]string, 0, n)
	}
	return p.lbuf[:0]
}

// perPointLimits reports whether chart's limits vary by subgroup within a
// part: with the subgroup size (xbar, s) or the denominator (the rest).
func perPointLimits(chart Chart) bool {
	switch chart {
	case ChartXbar, ChartS, ChartP, ChartPP, ChartU, ChartUP, ChartIP:
		return true
	}
	return false
}

// resizeLimits gives p per-subgroup limit columns when chart needs them.
func (p *Panel) resizeLimits(chart Chart) {
	n := p.Len()
	if !perPointLimits(chart) {
		p.lim = [4][]float64{}
		return
	}
	if cap(p.ls) < 4*n {
		p.ls = make([]float64, 4*n)
	}
	for k := range p.lim {
		p.lim[k] = p.ls[k*n : (k+1)*n : (k+1)*n]
	}
}

// cols is a part's slice of a Panel's columns, what the chart formulas
// work on.
type cols struct {
	y, n, ysum, ymean, ysd []float64
	ylen                   []int
	baseline, include      []bool
	sigma, shift, trend    []bool
	// l is the part's centre line and constant limits; lcl … ucl95 are
	// the limits per subgroup on perPointLimits charts (nil otherwise),
	// and then take the place of l's.
	l                      Limits
	lcl, ucl, lcl95, ucl95 []float64
}

func (p *Panel) cols(a, b int) cols {
	c := cols{
		y: p.Y[a:b], n: p.N[a:b], ysum: p.YSum[a:b], ymean: p.YMean[a:b], ysd: p.YSD[a:b],
		ylen: p.YLength[a:b], baseline: p.Baseline[a:b], include: p.Include[a:b],
		sigma: p.SigmaSignal[a:b], shift: p.Shift[a:b], trend: p.Trend[a:b],
	}
	if p.lim[0] != nil {
		c.lcl, c.ucl, c.lcl95, c.ucl95 = p.lim[0][a:b], p.lim[1][a:b], p.lim[2][a:b], p.lim[3][a:b]
	}
	return c
}

// base reports whether subgroup i is in the estimation set (qicharts2:
// base = baseline & include).
func (c *cols) base(i int) bool { return c.baseline[i] && c.include[i] }

// scratch is working memory reused between analyses, so that analysing
// many series with AnalyzeInto allocates nothing once warm.
type scratch struct {
	a, b []float64
	ints []int
}

func (s *scratch) bufA(n int) []float64 {
	if cap(s.a) < n {
		s.a = make([]float64, 0, n)
	}
	return s.a[:0]
}

func (s *scratch) bufB(n int) []float64 {
	if cap(s.b) < n {
		s.b = make([]float64, 0, n)
	}
	return s.b[:0]
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
	byFacet := func(a, b Obs) int {
		if c := cmp.Compare(a.Facet1, b.Facet1); c != 0 {
			return c
		}
		return cmp.Compare(a.Facet2, b.Facet2)
	}
	if !slices.IsSortedFunc(obs, byFacet) {
		slices.SortStableFunc(obs, byFacet)
	}
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
		var p Panel
		breaks := p.aggregate(panelObs[:k], hasN, agg, opts.PartLabels)
		err := p.analyze(breaks, opts)
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
	return p, AnalyzeInto(&p, sg, hasN, opts)
}

// AnalyzeInto is Analyze reusing p's memory: once p has held a series as
// long, it allocates nothing.
func AnalyzeInto(p *Panel, sg []Subgroup, hasN bool, opts Options) error {
	n := len(sg)
	p.resize(n)
	p.Labels = p.labelBuf(n)
	for i := range sg {
		g := &sg[i]
		p.Key[i], p.Y[i], p.N[i], p.YSum[i], p.YMean[i], p.YSD[i] = g.Key, g.Y, g.N, g.YSum, g.YMean, g.YSD
		p.YLength[i] = g.YLength
		p.Labels = append(p.Labels, g.Label)
	}
	var breaks []int
	if opts.PartLabels {
		breaks = labelBreaks(sg, p.scr.ints[:0])
	}
	return p.analyze(breaks, opts)
}

// aggregate fills p's columns with the subgroups of one panel's
// observations (as Aggregate computes them, without an intermediate slice)
// and returns where part labels start new parts when partLabels is set.
func (p *Panel) aggregate(obs []Obs, hasN bool, agg Agg, partLabels bool) []int {
	if !slices.IsSortedFunc(obs, cmpObsKey) {
		slices.SortStableFunc(obs, cmpObsKey)
	}
	k := 0
	for i := range obs {
		if i == 0 || obs[i].Key != obs[i-1].Key {
			k++
		}
	}
	p.resize(k)
	p.Labels = p.labelBuf(k)
	var scratch []float64
	var parts partLabelSet
	breaks := p.scr.ints[:0]
	g := 0
	for i := 0; i < len(obs); {
		j := i + 1
		for j < len(obs) && obs[j].Key == obs[i].Key {
			j++
		}
		var sg Subgroup
		if j-i == 1 {
			sg = single(obs[i], hasN, agg)
		} else {
			sg, scratch = group(obs[i:j], hasN, agg, scratch)
		}
		p.setSubgroup(g, sg)
		p.Labels = append(p.Labels, sg.Label)
		if partLabels {
			breaks = parts.note(g, sg.PartLabel, breaks)
		}
		g++
		i = j
	}
	p.scr.ints = breaks
	return breaks
}

// analyze computes the filled columns of p: parts, baseline, exclusions,
// limits, rules and summaries. labelBreaks are the part starts found from
// part labels, if any.
func (p *Panel) analyze(labelBreaks []int, opts Options) error {
	n := p.Len()
	p.Parts = p.Parts[:0]
	mult := opts.Multiply
	if mult == 0 {
		mult = 1
	}
	freeze := opts.Freeze
	if freeze <= 0 || len(opts.Parts) > 0 || opts.PartLabels {
		freeze = n
	}
	for i := range p.Baseline {
		p.Baseline[i] = i+1 <= freeze
		p.Include[i] = true
	}
	clear(p.Shift)
	clear(p.Trend)
	for _, e := range opts.Exclude {
		if e >= 1 && e <= n {
			p.Include[e-1] = false
		}
	}
	breaks := labelBreaks
	if !opts.PartLabels {
		breaks = partBreaks(n, opts.Parts, p.scr.ints[:0])
	}
	p.scr.ints = breaks[:0]
	p.resizeLimits(opts.Chart)
	// Parts: makeparts() in qicharts2.
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
			p.Part[i] = part
		}
		// Keep the Reasons memory of an earlier analysis.
		var reasons []string
		if len(p.Parts) < cap(p.Parts) {
			reasons = p.Parts[:len(p.Parts)+1][len(p.Parts)].Reasons[:0]
		}
		p.Parts = append(p.Parts, PartSummary{Part: part, First: start, Last: end, Reasons: reasons})
		start = end
	}
	for k := range p.Parts {
		ps := &p.Parts[k]
		c := p.cols(ps.First, ps.Last)
		if err := limits(&c, opts, &p.scr); err != nil {
			return err
		}
		// The runs analysis comes before Multiply, as in qic.agg; a
		// positive factor does not change which side a point is on.
		rules(ps, &c, opts, &p.scr)
		if opts.Chart == ChartMR || opts.Categorical {
			ps.Runs.Signal = false
		}
		finish(ps, &c, mult)
	}
	return nil
}

// partBreaks returns the sorted 0-based indices where a new part starts,
// from qic()'s part argument (a part ends after each listed subgroup).
func partBreaks(n int, parts []int, br []int) []int {
	for _, b := range parts {
		if b > 0 && b < n {
			br = append(br, b)
		}
	}
	slices.Sort(br)
	return slices.Compact(br)
}

// labelBreaks starts a new part where a part label first appears.
func labelBreaks(sg []Subgroup, br []int) []int {
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

// finish applies Multiply, turns non-finite limits into NA, marks the
// sigma signals and fills the part's summary (summary.qic: each line's mean
// with NA removed, NaN when all NA). A constant line is its own mean, so
// only per-subgroup limits are scanned.
func finish(ps *PartSummary, c *cols, mult float64) {
	if mult != 1 {
		for i := range c.y {
			c.y[i] *= mult
		}
	}
	l := &c.l
	l.CL *= mult
	ps.CL = constMean(l.CL)
	ps.perPoint = c.lcl != nil
	n := 0
	if ps.perPoint {
		m := linesMean([4][]float64{c.lcl, c.lcl95, c.ucl95, c.ucl}, mult)
		ps.ALCL, ps.ALCL95, ps.AUCL95, ps.AUCL = m[0], m[1], m[2], m[3]
		for i, y := range c.y {
			s := SigmaSignal(y, c.lcl[i], c.ucl[i])
			c.sigma[i] = s
			n += b2i(s)
		}
	} else {
		for _, x := range []*float64{&l.LCL, &l.UCL, &l.LCL95, &l.UCL95} {
			*x *= mult
			if *x-*x != 0 { // NaN or ±Inf, as lineMean
				*x = NA
			}
		}
		ps.ALCL, ps.ALCL95 = constMean(l.LCL), constMean(l.LCL95)
		ps.AUCL95, ps.AUCL = constMean(l.UCL95), constMean(l.UCL)
		lcl, ucl := l.LCL, l.UCL
		for i, y := range c.y {
			s := SigmaSignal(y, lcl, ucl)
			c.sigma[i] = s
			n += b2i(s)
		}
	}
	ps.line = *l
	ps.SigmaSignals = n
}

// constMean is mean(rep(x, k), na.rm = TRUE): x, or NaN when x is missing.
func constMean(x float64) float64 {
	if x != x {
		return math.NaN()
	}
	return x
}

// linesMean multiplies four limit lines of equal length by mult, turns
// their non-finite values into NA (qic.agg) and returns each one's
// mean(v, na.rm = TRUE), in one pass over the subgroups and one more for
// R's refinement of the means of lines that are not constant.
func linesMean(lines [4][]float64, mult float64) [4]float64 {
	var sum, first, out [4]float64
	var k [4]int
	constant := [4]bool{true, true, true, true}
	for i := range lines[0] {
		for j := range lines {
			x := lines[j][i] * mult
			if x-x != 0 { // NaN or ±Inf
				x = NA
			}
			lines[j][i] = x
			if x != x {
				continue
			}
			if k[j] == 0 {
				first[j] = x
			}
			constant[j] = constant[j] && x == first[j]
			sum[j] += x
			k[j]++
		}
	}
	for j, v := range lines {
		switch {
		case k[j] == 0:
			out[j] = math.NaN()
			continue
		case constant[j]:
			out[j] = first[j]
			continue
		}
		m := sum[j] / float64(k[j])
		if math.IsInf(m, 0) {
			out[j] = m
			continue
		}
		var t float64
		for _, x := range v {
			if x == x {
				t += x - m
			}
		}
		out[j] = m + t/float64(k[j])
	}
	return out
}

// setSubgroup stores subgroup g's statistics in the panel's columns.
func (p *Panel) setSubgroup(g int, sg Subgroup) {
	p.Key[g], p.Y[g], p.N[g], p.YSum[g], p.YMean[g], p.YSD[g] = sg.Key, sg.Y, sg.N, sg.YSum, sg.YMean, sg.YSD
	p.YLength[g] = sg.YLength
}

// partLabelSet records the part labels seen while aggregating: a label's
// first subgroup (after the first) starts a new part.
type partLabelSet map[string]bool

// note appends g to breaks when label is new.
func (s *partLabelSet) note(g int, label string, breaks []int) []int {
	if *s == nil {
		*s = partLabelSet{}
	}
	if !(*s)[label] {
		(*s)[label] = true
		if g > 0 {
			breaks = append(breaks, g)
		}
	}
	return breaks
}
