package spccmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"runtime"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/chart"
	"github.com/goeswell/goeswell/internal/spc"
)

// PointColumns are the per-subgroup CSV columns, in qicharts2's names.
var PointColumns = []string{"facet1", "facet2", "part", "xx", "x", "y", "n", "cl", "lcl", "ucl", "lcl.95", "ucl.95", "baseline", "include", "sigma.signal", "runs.signal", "n.obs", "n.useful", "longest.run", "longest.run.max", "n.crossings", "n.crossings.min"}

// FullPointColumns adds qicharts2's raw aggregates (--columns full).
var FullPointColumns = []string{"facet1", "facet2", "part", "xx", "x", "y", "n", "y.sum", "y.length", "y.mean", "y.sd", "cl", "lcl", "ucl", "lcl.95", "ucl.95", "baseline", "include", "sigma.signal", "runs.signal", "n.obs", "n.useful", "longest.run", "longest.run.max", "n.crossings", "n.crossings.min"}

// SummaryColumns are summary.qic()'s columns (--summary).
var SummaryColumns = []string{"facet1", "facet2", "part", "n.obs", "n.useful", "longest.run", "longest.run.max", "n.crossings", "n.crossings.min", "runs.signal", "aLCL", "aLCL.95", "CL", "aUCL.95", "aUCL", "sigma.signal"}

// MDCColumns are NHSRplotthedots' per-point columns (--rules mdc).
var MDCColumns = []string{"f", "rebase_group", "x", "y", "fix_y", "mean_col", "lpl", "upl", "outside_limits", "relative_to_mean", "close_to_limits", "special_cause_type", "special_cause_flag", "point_type", "short_group_warning", "target"}

// appendField appends s as a CSV field, quoted only when it holds a
// comma, quote or line break (the reference files' convention).
func appendField(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ',' || c == '"' || c == '\r' || c == '\n' {
			plain = false
			break
		}
	}
	if plain {
		return append(b, s...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(s, `"`, `""`)...)
	return append(b, '"')
}

func writeRow(w io.Writer, buf []byte, fields []string) ([]byte, error) {
	buf = buf[:0]
	for i, f := range fields {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendField(buf, f)
	}
	buf = append(buf, '\n')
	_, err := w.Write(buf)
	return buf, err
}

// numMemo remembers the last number formatted for a column.
type numMemo struct {
	bits uint64
	text []byte
	set  bool
}

func (m *numMemo) append(b []byte, v float64) []byte {
	bits := math.Float64bits(v)
	if !m.set || bits != m.bits {
		m.text = appendNum(m.text[:0], v)
		m.bits, m.set = bits, true
	}
	return append(b, m.text...)
}

// appendBool appends R's TRUE or FALSE.
func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "TRUE"...)
	}
	return append(b, "FALSE"...)
}

// appendCount appends an integer, or NA when it is not valid.
func appendCount(b []byte, v int, valid bool) []byte {
	if !valid {
		return append(b, "NA"...)
	}
	return strconv.AppendInt(b, int64(v), 10)
}

func facetNames(p *spc.Panel, faceted bool) (string, string) {
	if !faceted {
		return "1", "1"
	}
	f2 := p.Facet2
	if f2 == "" {
		f2 = "1"
	}
	return p.Facet1, f2
}

func writePoints(res *spc.Result, t *table, faceted, full bool, w io.Writer) error {
	cols := PointColumns
	if full {
		cols = FullPointColumns
	}
	if _, err := writeRow(w, nil, cols); err != nil {
		return err
	}
	for pi := range res.Panels {
		p := &res.Panels[pi]
		f1, f2 := facetNames(p, faceted)
		if err := writePanelPoints(p, t, f1, f2, full, w); err != nil {
			return err
		}
	}
	return nil
}

// pointChunk is how many rows one goroutine formats at a time: a million
// rows of output cost as much as the chart itself, and on a machine of
// several cores the chunks are formatted side by side, then written in
// order.
const pointChunk = 1 << 12

func writePanelPoints(p *spc.Panel, t *table, f1, f2 string, full bool, w io.Writer) error {
	n := p.Len()
	workers := runtime.GOMAXPROCS(0)
	if n <= pointChunk || workers < 2 {
		var lines [5]numMemo
		_, err := w.Write(appendPoints(nil, p, t, f1, f2, full, 0, n, &lines))
		return err
	}
	chunks := (n + pointChunk - 1) / pointChunk
	out := make([]chan []byte, chunks)
	for c := range out {
		out[c] = make(chan []byte, 1)
	}
	// At most 2×workers chunks are formatted or waiting to be written at
	// once, each in a buffer used again once written, so memory stays a
	// few chunks whatever n.
	free := make(chan []byte, 2*workers)
	for range 2 * workers {
		free <- nil
	}
	go func() {
		for c := 0; c < chunks; c++ {
			buf := <-free
			go func() {
				var lines [5]numMemo
				from := c * pointChunk
				out[c] <- appendPoints(buf[:0], p, t, f1, f2, full, from, min(from+pointChunk, n), &lines)
			}()
		}
	}()
	var err error
	for c := 0; c < chunks; c++ {
		b := <-out[c]
		if err == nil {
			_, err = w.Write(b)
		}
		free <- b
	}
	return err
}

// appendPoints appends the rows of subgroups [from, to) of p.
func appendPoints(b []byte, p *spc.Panel, t *table, f1, f2 string, full bool, from, to int, lines *[5]numMemo) []byte {
	for i := from; i < to; i++ {
		r := p.Parts[p.Part[i]-1].Runs
		b = appendField(b, f1)
		b = append(b, ',')
		b = appendField(b, f2)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(p.Part[i]), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(i+1), 10)
		b = append(b, ',')
		b = t.appendLabel(b, p.Key[i])
		nums := [...]float64{p.Y[i], p.N[i]}
		for _, v := range nums {
			b = appendNum(append(b, ','), v)
		}
		if full {
			b = appendNum(append(b, ','), p.YSum[i])
			b = strconv.AppendInt(append(b, ','), int64(p.YLength[i]), 10)
			b = appendNum(append(b, ','), p.YMean[i])
			b = appendNum(append(b, ','), p.YSD[i])
		}
		l := p.LimitsAt(i)
		for k, v := range [...]float64{l.CL, l.LCL, l.UCL, l.LCL95, l.UCL95} {
			b = lines[k].append(append(b, ','), v)
		}
		for _, v := range [...]bool{p.Baseline[i], p.Include[i], p.SigmaSignal[i], r.Signal} {
			b = appendBool(append(b, ','), v)
		}
		b = strconv.AppendInt(append(b, ','), int64(r.NObs), 10)
		b = strconv.AppendInt(append(b, ','), int64(r.NUseful), 10)
		b = appendCount(append(b, ','), r.LongestRun, r.Valid)
		b = appendCount(append(b, ','), r.LongestRunMax, r.Valid)
		b = appendCount(append(b, ','), r.NCrossings, r.Valid)
		b = appendCount(append(b, ','), r.NCrossingsMin, r.Valid)
		b = append(b, '\n')
	}
	return b
}

func writeSummary(res *spc.Result, faceted bool, w io.Writer) error {
	buf, err := writeRow(w, nil, SummaryColumns)
	if err != nil {
		return err
	}
	for pi := range res.Panels {
		p := &res.Panels[pi]
		f1, f2 := facetNames(p, faceted)
		for _, s := range p.Parts {
			r := s.Runs
			row := []string{f1, f2, strconv.Itoa(s.Part), strconv.Itoa(r.NObs), strconv.Itoa(r.NUseful),
				formatInt(r.LongestRun, r.Valid), formatInt(r.LongestRunMax, r.Valid),
				formatInt(r.NCrossings, r.Valid), formatInt(r.NCrossingsMin, r.Valid), formatBool(r.Signal),
				formatNum(s.ALCL), formatNum(s.ALCL95), formatNum(s.CL), formatNum(s.AUCL95), formatNum(s.AUCL),
				strconv.Itoa(s.SigmaSignals)}
			if buf, err = writeRow(w, buf, row); err != nil {
				return err
			}
		}
	}
	return nil
}

// jsonNum is a number that JSON can carry: null for NA, the strings "NaN",
// "Inf" and "-Inf" for the other non-finite values.
type jsonNum float64

func (v jsonNum) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if spc.IsNA(f) {
		return []byte("null"), nil
	}
	if f != f || math.IsInf(f, 0) {
		return []byte(`"` + formatNum(f) + `"`), nil
	}
	return []byte(formatNum(f)), nil
}

type jsonPoint struct {
	Part        int      `json:"part"`
	XX          int      `json:"xx"`
	X           string   `json:"x"`
	Y           jsonNum  `json:"y"`
	N           jsonNum  `json:"n"`
	CL          jsonNum  `json:"cl"`
	LCL         jsonNum  `json:"lcl"`
	UCL         jsonNum  `json:"ucl"`
	LCL95       jsonNum  `json:"lcl.95"`
	UCL95       jsonNum  `json:"ucl.95"`
	Baseline    bool     `json:"baseline"`
	Include     bool     `json:"include"`
	SigmaSignal bool     `json:"sigma.signal"`
	RunsSignal  bool     `json:"runs.signal"`
	Reasons     []string `json:"reasons,omitempty"`
}

type jsonPart struct {
	Part          int      `json:"part"`
	NObs          int      `json:"n.obs"`
	NUseful       int      `json:"n.useful"`
	LongestRun    *int     `json:"longest.run"`
	LongestRunMax *int     `json:"longest.run.max"`
	NCrossings    *int     `json:"n.crossings"`
	NCrossingsMin *int     `json:"n.crossings.min"`
	RunsSignal    bool     `json:"runs.signal"`
	ALCL          jsonNum  `json:"aLCL"`
	ALCL95        jsonNum  `json:"aLCL.95"`
	CL            jsonNum  `json:"CL"`
	AUCL95        jsonNum  `json:"aUCL.95"`
	AUCL          jsonNum  `json:"aUCL"`
	SigmaSignal   int      `json:"sigma.signal"`
	Reasons       []string `json:"reasons"`
}

type jsonPanel struct {
	Facet1 string      `json:"facet1"`
	Facet2 string      `json:"facet2"`
	Parts  []jsonPart  `json:"parts"`
	Points []jsonPoint `json:"points"`
}

type jsonResult struct {
	Chart  string      `json:"chart"`
	Rules  string      `json:"rules"`
	Method string      `json:"method,omitempty"`
	Panels []jsonPanel `json:"panels"`
}

func intPtr(v int, ok bool) *int {
	if !ok {
		return nil
	}
	return &v
}

func writeJSON(res *spc.Result, w io.Writer) error {
	out := jsonResult{Chart: string(res.Chart), Rules: string(res.Rules), Panels: []jsonPanel{}}
	if res.Rules == spc.RulesAnhoej {
		out.Method = string(res.Method) // the runs-analysis variant
	}
	for _, p := range res.Panels {
		jp := jsonPanel{Facet1: p.Facet1, Facet2: p.Facet2}
		for _, s := range p.Parts {
			r := s.Runs
			reasons := s.Reasons
			if reasons == nil {
				reasons = []string{}
			}
			jp.Parts = append(jp.Parts, jsonPart{Part: s.Part, NObs: r.NObs, NUseful: r.NUseful,
				LongestRun: intPtr(r.LongestRun, r.Valid), LongestRunMax: intPtr(r.LongestRunMax, r.Valid),
				NCrossings: intPtr(r.NCrossings, r.Valid), NCrossingsMin: intPtr(r.NCrossingsMin, r.Valid),
				RunsSignal: r.Signal, ALCL: jsonNum(s.ALCL), ALCL95: jsonNum(s.ALCL95), CL: jsonNum(s.CL),
				AUCL95: jsonNum(s.AUCL95), AUCL: jsonNum(s.AUCL), SigmaSignal: s.SigmaSignals, Reasons: reasons})
		}
		for i := 0; i < p.Len(); i++ {
			q := p.Point(i)
			jp.Points = append(jp.Points, jsonPoint{Part: q.Part, XX: q.XX, X: p.Labels[i], Y: jsonNum(q.Y), N: jsonNum(q.N),
				CL: jsonNum(q.CL), LCL: jsonNum(q.LCL), UCL: jsonNum(q.UCL), LCL95: jsonNum(q.LCL95), UCL95: jsonNum(q.UCL95),
				Baseline: q.Baseline, Include: q.Include, SigmaSignal: q.SigmaSignal, RunsSignal: q.RunsSignal,
				Reasons: spc.PointReasons(&q)})
		}
		out.Panels = append(out.Panels, jp)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func writeSVG(res *spc.Result, target float64, w io.Writer) error {
	o := chart.Options{}
	if target == target {
		o.HasTarget, o.Target = true, target
	}
	if err := chart.SVG(w, res, o); err != nil {
		return fmt.Errorf("draw chart: %w", err)
	}
	return nil
}

// computeMDC runs the Making Data Count analysis per facet.
func computeMDC(c *config, t *table) ([]spc.MDCFacet, error) {
	for i, y := range t.Cols.Y {
		if y != y {
			return nil, &rowError{Row: i + 2, Column: "y", Err: spc.ErrMissingY}
		}
	}
	opts := c.mdc
	for _, r := range c.rebase {
		k, err := parseKey(t.XType, r)
		if err != nil {
			return nil, fmt.Errorf("--rebase %q: %w", r, err)
		}
		opts.Rebase = append(opts.Rebase, k)
	}
	obs := t.obs()
	sortObs(obs)
	var out []spc.MDCFacet
	for i := 0; i < len(obs); {
		j := i + 1
		for j < len(obs) && obs[j].Facet1 == obs[i].Facet1 && obs[j].Facet2 == obs[i].Facet2 {
			j++
		}
		f, err := spc.MakingDataCount(obs[i:j], opts)
		if err != nil {
			return nil, err
		}
		f.Facet = "no facet"
		if len(c.facets) > 0 {
			f.Facet = obs[i].Facet1
			if len(c.facets) > 1 {
				f.Facet += " " + obs[i].Facet2
			}
		}
		out = append(out, f)
		i = j
	}
	return out, nil
}

func parseKey(t XType, s string) (float64, error) {
	if t == XDate {
		return parseDate(s)
	}
	v, err := parseNum(s)
	if err != nil {
		return 0, err
	}
	if v != v {
		return 0, errors.New("missing")
	}
	return v, nil
}

// MDCSummaryColumns are the summary columns of a Making Data Count chart;
// assurance_type is added when a target is given.
var MDCSummaryColumns = []string{"mean_col", "lpl", "upl", "n", "common_cause", "special_cause_improvement", "special_cause_concern", "variation_type"}

func writeMDC(c *config, facets []spc.MDCFacet, w io.Writer) error {
	target := formatNum(c.mdc.Target)
	if c.mdc.Target != c.mdc.Target {
		target = "NA"
	}
	if c.format == "json" {
		return writeMDCJSON(c, facets, w)
	}
	if c.format == "svg" {
		for i := range facets {
			if err := chart.MDCSVG(w, &facets[i], c.mdc, chart.Options{}); err != nil {
				return err
			}
		}
		return nil
	}
	if c.summary {
		// summary.ptd_spc_df: one row per facet and rebase group; the f
		// and rebase_group columns only when facets or rebasing are used.
		faceted, rebased := len(c.facets) > 0, len(c.rebase) > 0
		hasTarget := c.mdc.Target == c.mdc.Target
		var cols []string
		if faceted {
			cols = append(cols, "f")
		}
		if rebased {
			cols = append(cols, "rebase_group")
		}
		cols = append(cols, MDCSummaryColumns...)
		if hasTarget {
			cols = append(cols, "assurance_type")
		}
		buf, err := writeRow(w, nil, cols)
		if err != nil {
			return err
		}
		for _, f := range facets {
			for _, g := range f.Groups {
				var row []string
				if faceted {
					row = append(row, f.Facet)
				}
				if rebased {
					row = append(row, strconv.Itoa(g.RebaseGroup))
				}
				row = append(row, formatNum(g.Mean), formatNum(g.LPL), formatNum(g.UPL), strconv.Itoa(g.N),
					strconv.Itoa(g.CommonCause), strconv.Itoa(g.Improvement), strconv.Itoa(g.Concern), g.VariationType)
				if hasTarget {
					a := g.AssuranceType
					if a == "" {
						a = "NA"
					}
					row = append(row, a)
				}
				if buf, err = writeRow(w, buf, row); err != nil {
					return err
				}
			}
		}
		return nil
	}
	buf, err := writeRow(w, nil, MDCColumns)
	if err != nil {
		return err
	}
	for _, f := range facets {
		for _, p := range f.Points {
			row := []string{f.Facet, strconv.Itoa(p.RebaseGroup), p.Label, formatNum(p.Y), formatNum(p.FixY),
				formatNum(p.Mean), formatNum(p.LPL), formatNum(p.UPL), formatBool(p.OutsideLimits),
				strconv.Itoa(p.RelativeToMean), formatBool(p.CloseToLimits), p.SpecialCauseType,
				formatBool(p.SpecialCauseFlag), p.PointType, formatBool(p.ShortGroupWarning), target}
			if buf, err = writeRow(w, buf, row); err != nil {
				return err
			}
		}
	}
	return nil
}

type jsonMDCPoint struct {
	X                 string  `json:"x"`
	Y                 jsonNum `json:"y"`
	RebaseGroup       int     `json:"rebase_group"`
	Mean              jsonNum `json:"mean"`
	LPL               jsonNum `json:"lpl"`
	UPL               jsonNum `json:"upl"`
	SpecialCauseType  string  `json:"special_cause_type"`
	PointType         string  `json:"point_type"`
	ShortGroupWarning bool    `json:"short_group_warning"`
}

type jsonMDCFacet struct {
	Facet         string         `json:"facet"`
	VariationType string         `json:"variation_type"`
	AssuranceType string         `json:"assurance_type,omitempty"`
	Points        []jsonMDCPoint `json:"points"`
}

func writeMDCJSON(c *config, facets []spc.MDCFacet, w io.Writer) error {
	out := struct {
		Rules  string         `json:"rules"`
		Facets []jsonMDCFacet `json:"facets"`
	}{Rules: string(spc.RulesMDC)}
	for _, f := range facets {
		jf := jsonMDCFacet{Facet: f.Facet, VariationType: f.VariationType, AssuranceType: f.AssuranceType}
		for _, p := range f.Points {
			jf.Points = append(jf.Points, jsonMDCPoint{X: p.Label, Y: jsonNum(p.Y), RebaseGroup: p.RebaseGroup,
				Mean: jsonNum(p.Mean), LPL: jsonNum(p.LPL), UPL: jsonNum(p.UPL), SpecialCauseType: p.SpecialCauseType,
				PointType: p.PointType, ShortGroupWarning: p.ShortGroupWarning})
		}
		out.Facets = append(out.Facets, jf)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
