package spc

import "math"

// FindingKind names the rule a finding comes from.
type FindingKind string

// The findings a chart's reader is told about, each by the rule that
// found it.
const (
	// FindLongRun: an unusually long run of points on one side of the
	// centre line (Anhøj's rule; a shift in plain words).
	FindLongRun FindingKind = "long_run"
	// FindFewCrossings: the data cross the centre line less often than
	// chance would (Anhøj's rule).
	FindFewCrossings FindingKind = "few_crossings"
	// FindShift: 6 or more points in a row on one side of the centre line
	// (IHI's shift rule).
	FindShift FindingKind = "shift"
	// FindTrend: 5 or more points in a row all going up or all going down
	// (IHI's trend rule).
	FindTrend FindingKind = "trend"
	// FindAstronomical: a point beyond a control limit (3-sigma rule).
	FindAstronomical FindingKind = "astronomical"
	// FindRuns: too few or too many runs (IHI's runs table).
	FindRuns FindingKind = "runs"
)

// A Finding is one signal of a panel, placed so a reader can be told it
// in plain words: "6 months in a row above the centre line: a shift".
type Finding struct {
	Kind FindingKind
	Part int // 1-based part (phase)
	// First and Last are the 0-based subgroups the finding covers.
	First, Last int
	// Count is the points of a run, shift or trend; for few crossings,
	// of the longest run on one side of the centre line.
	Count int
	// Useful is the part's useful points (few crossings).
	Useful int
	// Up: above the centre line (a run, a shift, an astronomical point) or
	// going up (a trend).
	Up bool
}

// Findings lists a panel's signals, part by part, in the order of their
// first point. It reads the flags the rule set left on the panel; for
// Anhøj's long run it finds the run itself, which the rule only measures.
func Findings(r *Result, p *Panel) []Finding {
	var out []Finding
	for _, ps := range p.Parts {
		cl := ps.CL
		// Runs of consecutive flagged points (IHI shift, trend; sigma).
		spans := func(flag []bool, kind FindingKind) {
			for i := ps.First; i < ps.Last; i++ {
				if flag == nil || !flag[i] {
					continue
				}
				j := i
				for j+1 < ps.Last && flag[j+1] && kind != FindAstronomical {
					j++
				}
				f := Finding{Kind: kind, Part: ps.Part, First: i, Last: j, Count: j - i + 1}
				switch kind {
				case FindTrend:
					f.Up = p.Y[j] > p.Y[i]
				default:
					f.Up = p.Y[i] > p.CLAt(i)
				}
				out = append(out, f)
				i = j
			}
		}
		spans(p.SigmaSignal, FindAstronomical)
		if r.Rules == RulesIHI {
			spans(p.Shift, FindShift)
			spans(p.Trend, FindTrend)
			if ps.ihiRuns {
				out = append(out, Finding{Kind: FindRuns, Part: ps.Part, First: ps.First, Last: ps.Last - 1, Count: ps.Runs.NCrossings + 1, Useful: ps.Runs.NUseful})
			}
			continue
		}
		if !ps.Runs.Signal {
			continue
		}
		if AnhoejLongRun(ps.Runs.NUseful, ps.Runs.LongestRun) {
			if f, ok := longestRun(p, ps, cl); ok {
				out = append(out, f)
			}
		}
		if AnhoejFewCrossings(ps.Runs.NUseful, ps.Runs.NCrossings) && !AnhoejLongRun(ps.Runs.NUseful, ps.Runs.LongestRun) {
			// Few crossings means the data stay on one side for long
			// stretches: the reader is shown the longest (the latest of
			// equals, the level the process is at now), named by this rule.
			f := Finding{Kind: FindFewCrossings, Part: ps.Part, First: ps.First, Last: ps.Last - 1, Useful: ps.Runs.NUseful}
			if run, ok := longestRun(p, ps, cl); ok {
				f.First, f.Last, f.Count, f.Up = run.First, run.Last, run.Count, run.Up
			}
			out = append(out, f)
		}
	}
	return out
}

// longestRun finds a part's longest run (the latest of equals) of
// included points on one side of the centre line (points on the line neither break nor extend a run, as
// in anhoejPart).
func longestRun(p *Panel, ps PartSummary, cl float64) (Finding, bool) {
	best := Finding{Kind: FindLongRun, Part: ps.Part}
	side, start, n := 0, -1, 0
	for i := ps.First; i < ps.Last; i++ {
		if !p.Include[i] || math.IsNaN(p.Y[i]) {
			continue
		}
		s := 0
		switch {
		case p.Y[i] > cl:
			s = 1
		case p.Y[i] < cl:
			s = -1
		}
		if s == 0 {
			continue
		}
		if s != side {
			side, start, n = s, i, 0
		}
		n++
		if n >= best.Count {
			best.First, best.Last, best.Count, best.Up = start, i, n, s > 0
		}
	}
	return best, best.Count > 0
}
