package spc

// rules runs the rule set's runs analysis on one part and marks the
// points (after limits and Multiply).
func rules(ps *PartSummary, seg []Point, opts Options) {
	switch ruleSet(opts) {
	case RulesIHI:
		ihiPart(ps, seg, opts)
	default:
		anhoejPart(ps, seg, opts)
	}
}

func anhoejPart(ps *PartSummary, seg []Point, opts Options) {
	var r Runs
	var prev float64
	run := 0
	for i := range seg {
		q := &seg[i]
		if !q.Include {
			continue
		}
		r.NObs++
		d := q.Y - q.CL
		if d != d || d == 0 {
			continue
		}
		s := 1.0
		if d < 0 {
			s = -1
		}
		r.NUseful++
		if s == prev {
			run++
		} else {
			if prev != 0 {
				r.NCrossings++
			}
			prev = s
			run = 1
		}
		if run > r.LongestRun {
			r.LongestRun = run
		}
	}
	if r.NUseful > 0 {
		r.Valid = true
		r.LongestRunMax = longestRunMax(r.NUseful)
		r.NCrossingsMin = crossingsMin(r.NUseful)
		r.Signal = crossingSignal(r.NUseful, r.NCrossings, r.LongestRun, method(opts))
	}
	ps.Runs = r
	ps.Reasons = ps.Reasons[:0]
	if r.Signal {
		if r.LongestRun > r.LongestRunMax {
			ps.Reasons = append(ps.Reasons, "unusually long run")
		}
		if r.NCrossings < r.NCrossingsMin {
			ps.Reasons = append(ps.Reasons, "unusually few crossings")
		}
		if len(ps.Reasons) == 0 {
			ps.Reasons = append(ps.Reasons, string(method(opts))+" runs signal")
		}
	}
	for i := range seg {
		seg[i].RunsSignal = r.Signal
	}
}
