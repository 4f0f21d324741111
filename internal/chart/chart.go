// Package chart draws SPC results from internal/spc as accessible,
// dependency-free SVG: a <title> and <desc>, a tooltip per point, and the
// numbers as an HTML table (Table). It uses no script, no external fonts
// and no inline style attributes (only classes and presentation
// attributes), so it renders under a strict Content-Security-Policy. The
// output is byte-for-byte stable for the same input.
package chart

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/spc"
)

// Annotation marks a subgroup, for example the start of a PDSA cycle.
type Annotation struct {
	// Key is the subgroup's x as spc.Obs.Key holds it (index, number, days
	// since 1970-01-01 for dates, level position for categories).
	Key   float64
	Label string
}

// Options tune a drawing. The zero value draws a 720×360 chart per panel.
type Options struct {
	Width, Height int    // per panel, in px
	Title         string // defaults to "<CHART> chart"
	YLabel        string
	// Target draws a horizontal target line when HasTarget is set.
	Target    float64
	HasTarget bool
	// Annotations are drawn as labelled vertical markers.
	Annotations []Annotation
	// Show95 adds the 2-sigma warning limits.
	Show95 bool
	// Words translates the chart's own words; nil draws English.
	Words Words
	// ID prefixes the ids of the chart's title and description ("spc"
	// when empty), so several charts drawn in one page (the funder
	// report) each name their own.
	ID string
}

// Colours, after qicharts2's palette, darkened where needed so that every
// line and mark reaches 3:1 against a white or near-white page (WCAG
// 1.4.11, non-text contrast; TestColoursContrast checks it). All are
// presentation attributes.
const (
	colLine   = "#1F77B4"
	colSignal = "#D62728"
	colRuns   = "#C45F00"
	colCL     = "#333333"
	colLimit  = "#888888"
	colTarget = "#059748"
	colNote   = "#6A3D9A"
	colAxis   = "#444444"
)

const (
	marginL = 56.0
	marginR = 36.0
	marginT = 40.0
	marginB = 48.0
)

func (o Options) size() (float64, float64) {
	w, h := o.Width, o.Height
	if w <= 0 {
		w = 720
	}
	if h <= 0 {
		h = 360
	}
	return float64(w), float64(h)
}

// num formats a coordinate with at most two decimals, stably.
func num(v float64) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	if s == "-0" {
		return "0"
	}
	return s
}

// label formats a value for people: up to 4 significant decimals.
func label(v float64) string {
	switch {
	case spc.IsNA(v):
		return "NA"
	case v != v:
		return "NaN"
	case math.IsInf(v, 0):
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	s := strconv.FormatFloat(v, 'g', 4, 64)
	if strings.Contains(s, "e") {
		return s
	}
	return s
}

func esc(s string) string { return html.EscapeString(s) }

// scale maps data to pixels.
type scale struct {
	x0, x1, y0, y1 float64 // data ranges
	px0, px1       float64 // pixel x range
	py0, py1       float64 // pixel y range (py0 bottom)
}

func (s scale) x(v float64) float64 {
	if s.x1 == s.x0 {
		return (s.px0 + s.px1) / 2
	}
	return s.px0 + (v-s.x0)/(s.x1-s.x0)*(s.px1-s.px0)
}

func (s scale) y(v float64) float64 {
	if s.y1 == s.y0 {
		return (s.py0 + s.py1) / 2
	}
	return s.py0 - (v-s.y0)/(s.y1-s.y0)*(s.py0-s.py1)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// niceTicks returns about n round tick values covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var t []float64
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		tv := math.Round(v/step) * step
		if tv == 0 {
			tv = 0 // no "-0" label
		}
		t = append(t, tv)
		if len(t) > 50 {
			break
		}
	}
	return t
}

// series is one panel prepared for drawing, shared by both chart kinds.
type series struct {
	title, desc string
	rules       string    // the rule set's name, shown on the chart
	xs          []float64 // subgroup index 1..n
	labels      []string
	y           []float64
	cl, lcl     []float64
	ucl         []float64
	lcl95       []float64
	ucl95       []float64
	part        []int
	signal      []bool // the point itself signals
	excluded    []bool // left out of the calculations
	// freezeAfter is the index of the last baseline subgroup when the limits
	// were frozen on a baseline, else -1.
	freezeAfter int
	// kind, when set, names each point's Making Data Count type, which
	// picks its class and colour.
	kind       []string
	partSignal []bool // its part has a runs signal
	tips       []string
	keys       []float64
	connect    bool
}

// mdcColour is NHSRplotthedots' colour for a point type.
func mdcColour(pointType string) string {
	switch {
	case pointType == "special_cause_improvement":
		return "#289DE0"
	case pointType == "special_cause_concern":
		return "#FAB428"
	case strings.HasPrefix(pointType, "special_cause_neutral"):
		return "#361475"
	}
	return "#7B7D7D"
}

// SVG draws every panel of r, stacked vertically, as one SVG document.
func SVG(w io.Writer, r *spc.Result, o Options) error {
	var ss []series
	for i := range r.Panels {
		ss = append(ss, fromPanel(r, i, o))
	}
	return draw(w, ss, o)
}

// MDCSVG draws a Making Data Count facet: mean, process limits, points
// coloured by special cause (improvement, concern, neutral).
func MDCSVG(w io.Writer, f *spc.MDCFacet, mo spc.MDCOptions, o Options) error {
	if !o.HasTarget && mo.Target == mo.Target {
		o.HasTarget, o.Target = true, mo.Target
	}
	n := len(f.Points)
	s := series{connect: true, freezeAfter: -1}
	for i, p := range f.Points {
		s.xs = append(s.xs, float64(i+1))
		s.keys = append(s.keys, p.Key)
		s.labels = append(s.labels, p.Label)
		s.y = append(s.y, p.Y)
		s.cl = append(s.cl, p.Mean)
		s.lcl = append(s.lcl, p.LPL)
		s.ucl = append(s.ucl, p.UPL)
		s.lcl95 = append(s.lcl95, spc.NA)
		s.ucl95 = append(s.ucl95, spc.NA)
		s.part = append(s.part, p.RebaseGroup+1)
		s.signal = append(s.signal, p.SpecialCauseFlag)
		s.excluded = append(s.excluded, false)
		s.kind = append(s.kind, p.PointType)
		s.partSignal = append(s.partSignal, false)
		tip := p.Label + ": " + label(p.Y)
		if p.SpecialCauseFlag {
			tip += " (" + p.SpecialCauseType + ", " + strings.ReplaceAll(p.PointType, "_", " ") + ")"
		}
		s.tips = append(s.tips, tip)
	}
	s.rules = o.Words.t("chart.mdc_rules", string(spc.RulesMDC))
	s.title = o.Title
	if s.title == "" {
		s.title = o.Words.t("chart.mdc_title")
	}
	if f.Facet != "" && f.Facet != "no facet" {
		s.title += ": " + f.Facet
	}
	d := o.Words.t("chart.mdc_desc",
		n, label(f.Mean), label(f.LPL), label(f.UPL), strings.ReplaceAll(f.VariationType, "_", " "))
	if f.AssuranceType != "" {
		d += o.Words.t("chart.mdc_assurance", strings.ReplaceAll(f.AssuranceType, "_", " "))
	}
	s.desc = d
	return draw(w, []series{s}, o)
}

func fromPanel(r *spc.Result, pi int, o Options) series {
	p := &r.Panels[pi]
	s := series{connect: true, freezeAfter: -1}
	for i := 0; i+1 < p.Len(); i++ {
		if p.Baseline[i] && !p.Baseline[i+1] {
			s.freezeAfter = i
		}
	}
	for i := 0; i < p.Len(); i++ {
		pt := p.Point(i)
		q := &pt
		s.xs = append(s.xs, float64(q.XX))
		s.keys = append(s.keys, q.Key)
		s.labels = append(s.labels, p.Labels[i])
		s.y = append(s.y, q.Y)
		s.cl = append(s.cl, q.CL)
		s.lcl = append(s.lcl, q.LCL)
		s.ucl = append(s.ucl, q.UCL)
		s.lcl95 = append(s.lcl95, q.LCL95)
		s.ucl95 = append(s.ucl95, q.UCL95)
		s.part = append(s.part, q.Part)
		s.signal = append(s.signal, q.SigmaSignal || q.Shift || q.Trend)
		s.excluded = append(s.excluded, !q.Include)
		s.partSignal = append(s.partSignal, q.RunsSignal)
		tip := p.Labels[i] + ": " + label(q.Y)
		if rs := spc.PointReasons(q); len(rs) > 0 {
			tip += " (" + o.Words.reasons(rs, "; ") + ")"
		}
		if !q.Include {
			tip += " [" + o.Words.t("chart.excluded") + "]"
		}
		s.tips = append(s.tips, tip)
	}
	title := o.Title
	if title == "" {
		title = o.Words.t("chart.title", strings.ToUpper(string(r.Chart)))
	}
	if p.Facet1 != "" {
		title += ": " + p.Facet1
		if p.Facet2 != "" {
			title += " / " + p.Facet2
		}
	}
	s.title = title
	rules := string(r.Rules)
	if r.Rules == spc.RulesAnhoej && r.Method != "" && r.Method != spc.MethodAnhoej {
		rules += " (" + string(r.Method) + ")"
	}
	s.rules = o.Words.t("chart.rules", rules)
	var d strings.Builder
	d.WriteString(o.Words.t("chart.desc", strings.ToUpper(string(r.Chart)), p.Len(), string(r.Rules)))
	for _, ps := range p.Parts {
		d.WriteString(o.Words.t("chart.desc_part", ps.Part, label(ps.CL)))
		if finite(ps.ALCL) || finite(ps.AUCL) {
			d.WriteString(o.Words.t("chart.desc_limits", label(ps.ALCL), label(ps.AUCL)))
		}
		d.WriteString(o.Words.t("chart.desc_outside", ps.SigmaSignals))
		if len(ps.Reasons) > 0 {
			fmt.Fprintf(&d, "; %s", o.Words.reasons(ps.Reasons, ", "))
		} else {
			d.WriteString(o.Words.t("chart.desc_no_runs"))
		}
		d.WriteString(".")
	}
	s.desc = d.String()
	return s
}

// draw writes the SVG document.
func draw(w io.Writer, ss []series, o Options) error {
	pw, ph := o.size()
	var b bytes.Buffer
	total := ph * float64(max(len(ss), 1))
	id := o.ID
	if id == "" {
		id = "spc"
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" role="img" aria-labelledby="%s-title %s-desc" font-family="sans-serif" font-size="12">`+"\n",
		num(pw), num(total), num(pw), num(total), esc(id), esc(id))
	titles := make([]string, len(ss))
	descs := make([]string, len(ss))
	for i, s := range ss {
		titles[i], descs[i] = s.title, s.desc
	}
	fmt.Fprintf(&b, "<title id=\"%s-title\">%s</title>\n<desc id=\"%s-desc\">%s</desc>\n", esc(id), esc(strings.Join(titles, "; ")), esc(id), esc(strings.Join(descs, " ")))
	for i, s := range ss {
		fmt.Fprintf(&b, "<g class=\"panel\" transform=\"translate(0 %s)\">\n", num(float64(i)*ph))
		panel(&b, s, o, pw, ph)
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	_, err := w.Write(b.Bytes())
	return err
}

func panel(b *bytes.Buffer, s series, o Options, pw, ph float64) {
	n := len(s.y)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, vs := range [][]float64{s.y, s.cl, s.lcl, s.ucl} {
		for _, v := range vs {
			if finite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if o.Show95 {
		for _, vs := range [][]float64{s.lcl95, s.ucl95} {
			for _, v := range vs {
				if finite(v) {
					lo, hi = math.Min(lo, v), math.Max(hi, v)
				}
			}
		}
	}
	if o.HasTarget && finite(o.Target) {
		lo, hi = math.Min(lo, o.Target), math.Max(hi, o.Target)
	}
	if !finite(lo) {
		lo, hi = 0, 1
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	pad := (hi - lo) * 0.05
	sc := scale{x0: 1, x1: float64(max(n, 1)), y0: lo - pad, y1: hi + pad,
		px0: marginL + 8, px1: pw - marginR - 8, py0: ph - marginB, py1: marginT}
	fmt.Fprintf(b, "<text class=\"chart-title\" x=\"%s\" y=\"20\" font-size=\"14\" font-weight=\"bold\" fill=\"%s\">%s</text>\n", num(marginL), colAxis, esc(s.title))
	fmt.Fprintf(b, "<text class=\"rules\" x=\"%s\" y=\"20\" text-anchor=\"end\" fill=\"%s\">%s</text>\n", num(pw-marginR), colAxis, esc(s.rules))
	// Axes and y ticks.
	fmt.Fprintf(b, "<g class=\"axis\" stroke=\"%s\" fill=\"none\"><path d=\"M%s %sV%sH%s\"/></g>\n", colAxis, num(marginL), num(marginT), num(ph-marginB), num(pw-marginR))
	b.WriteString("<g class=\"ticks\" fill=\"" + colAxis + "\" text-anchor=\"end\">\n")
	for _, t := range niceTicks(sc.y0, sc.y1, 5) {
		y := sc.y(t)
		fmt.Fprintf(b, "<text x=\"%s\" y=\"%s\">%s</text>\n", num(marginL-6), num(y+4), esc(label(t)))
	}
	b.WriteString("</g>\n")
	// x labels: about one per 80 px so dates do not overlap.
	maxLabels := max(1, int((sc.px1-sc.px0)/80))
	step := max(1, (n+maxLabels-1)/maxLabels)
	b.WriteString("<g class=\"xlabels\" fill=\"" + colAxis + "\" text-anchor=\"middle\">\n")
	for i := 0; i < n; i += step {
		fmt.Fprintf(b, "<text x=\"%s\" y=\"%s\">%s</text>\n", num(sc.x(s.xs[i])), num(ph-marginB+16), esc(s.labels[i]))
	}
	b.WriteString("</g>\n")
	if o.YLabel != "" {
		fmt.Fprintf(b, "<text class=\"ylabel\" transform=\"translate(14 %s) rotate(-90)\" text-anchor=\"middle\" fill=\"%s\">%s</text>\n", num((marginT+ph-marginB)/2), colAxis, esc(o.YLabel))
	}
	// Phase boundaries.
	for i := 1; i < n; i++ {
		if s.part[i] != s.part[i-1] {
			x := (sc.x(s.xs[i-1]) + sc.x(s.xs[i])) / 2
			fmt.Fprintf(b, "<line class=\"phase\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-dasharray=\"2 3\"/>\n", num(x), num(marginT), num(x), num(ph-marginB), colLimit)
		}
	}
	// The end of a frozen baseline.
	if k := s.freezeAfter; k >= 0 && k+1 < n {
		x := (sc.x(s.xs[k]) + sc.x(s.xs[k+1])) / 2
		fmt.Fprintf(b, "<g class=\"freeze\"><line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-dasharray=\"1 3\"/><text x=\"%s\" y=\"%s\" fill=\"%s\" text-anchor=\"end\">%s</text></g>\n",
			num(x), num(marginT), num(x), num(ph-marginB), colLimit, num(x-3), num(marginT+12), colLimit, esc(o.Words.t("chart.baseline")))
	}
	// Lines per part: limits then centre line.
	for start := 0; start < n; {
		end := start + 1
		for end < n && s.part[end] == s.part[start] {
			end++
		}
		if o.Show95 {
			stepLine(b, sc, s.xs[start:end], s.lcl95[start:end], "lcl95", colLimit, "2 2")
			stepLine(b, sc, s.xs[start:end], s.ucl95[start:end], "ucl95", colLimit, "2 2")
		}
		stepLine(b, sc, s.xs[start:end], s.lcl[start:end], "lcl", colLimit, "6 3")
		stepLine(b, sc, s.xs[start:end], s.ucl[start:end], "ucl", colLimit, "6 3")
		clClass, clCol := "cl", colCL
		if s.partSignal[start] {
			clClass, clCol = "cl runs-signal", colRuns
		}
		stepLine(b, sc, s.xs[start:end], s.cl[start:end], clClass, clCol, "")
		start = end
	}
	if o.HasTarget && finite(o.Target) {
		y := sc.y(o.Target)
		fmt.Fprintf(b, "<line class=\"target\" x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\" stroke-dasharray=\"8 4\"><title>%s</title></line>\n",
			num(sc.px0), num(y), num(sc.px1), num(y), colTarget, esc(o.Words.t("chart.target", label(o.Target))))
	}
	// Data line, broken at missing values.
	if s.connect {
		var d strings.Builder
		pen := false
		for i := 0; i < n; i++ {
			if !finite(s.y[i]) {
				pen = false
				continue
			}
			if pen {
				d.WriteString("L")
			} else {
				d.WriteString("M")
			}
			d.WriteString(num(sc.x(s.xs[i])) + " " + num(sc.y(s.y[i])))
			pen = true
		}
		if d.Len() > 0 {
			fmt.Fprintf(b, "<path class=\"data\" d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", d.String(), colLine)
		}
	}
	// Points.
	b.WriteString("<g class=\"points\">\n")
	for i := 0; i < n; i++ {
		if !finite(s.y[i]) {
			continue
		}
		cls, col := "point", colLine
		if s.signal[i] {
			cls, col = "point signal", colSignal
		}
		if s.kind != nil {
			cls, col = "point "+strings.ReplaceAll(s.kind[i], "_", "-"), mdcColour(s.kind[i])
		}
		fill := col
		if s.excluded[i] {
			cls += " excluded"
			fill = "#ffffff"
		}
		fmt.Fprintf(b, "<circle class=\"%s\" cx=\"%s\" cy=\"%s\" r=\"3.5\" fill=\"%s\" stroke=\"%s\"><title>%s</title></circle>\n", cls, num(sc.x(s.xs[i])), num(sc.y(s.y[i])), fill, col, esc(s.tips[i]))
	}
	b.WriteString("</g>\n")
	// Annotations (PDSA cycles and other notes) at matching subgroups.
	for _, a := range o.Annotations {
		for i := 0; i < n; i++ {
			if s.keys[i] != a.Key {
				continue
			}
			x := sc.x(s.xs[i])
			fmt.Fprintf(b, "<g class=\"annotation\"><line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" stroke=\"%s\"/><text x=\"%s\" y=\"%s\" fill=\"%s\" text-anchor=\"middle\">%s</text></g>\n",
				num(x), num(marginT), num(x), num(ph-marginB), colNote, num(x), num(marginT-4), colNote, esc(a.Label))
			break
		}
	}
}

// stepLine draws a horizontal segment per subgroup, so limits that vary
// with the denominator show as steps; missing values break the line.
func stepLine(b *bytes.Buffer, sc scale, xs, v []float64, class, col, dash string) {
	if len(xs) == 0 {
		return
	}
	half := 0.5
	if len(xs) == 1 && sc.x1 == sc.x0 {
		half = 0
	}
	var d strings.Builder
	pen := false
	for i := range xs {
		if !finite(v[i]) {
			pen = false
			continue
		}
		x0 := sc.x(math.Max(xs[i]-half, sc.x0))
		x1 := sc.x(math.Min(xs[i]+half, sc.x1))
		if i == 0 {
			x0 = sc.x(xs[i])
		}
		if i == len(xs)-1 {
			x1 = sc.x(xs[i])
		}
		y := num(sc.y(v[i]))
		if pen {
			d.WriteString("L" + num(x0) + " " + y)
		} else {
			d.WriteString("M" + num(x0) + " " + y)
		}
		d.WriteString("H" + num(x1))
		pen = true
	}
	if d.Len() == 0 {
		return
	}
	dashAttr := ""
	if dash != "" {
		dashAttr = " stroke-dasharray=\"" + dash + "\""
	}
	fmt.Fprintf(b, "<path class=\"%s\" d=\"%s\" fill=\"none\" stroke=\"%s\"%s/>\n", class, d.String(), col, dashAttr)
}
