package spc

// rules runs the rule set's runs analysis on one part and marks the
// points (after limits and Multiply).
func rules(ps *PartSummary, c *cols, opts Options, scr *scratch) {
	switch ruleSet(opts) {
	case RulesIHI:
		ihiPart(ps, c, scr)
	default:
		anhoejPart(ps, c, opts)
	}
}

// anhoejPart is qicharts2's runs.analysis on the included points of one
// part, against the centre line (Anhøj & Olesen 2014).
func anhoejPart(ps *PartSummary, c *cols, opts Options) {
	var r Runs
	// The loop is written without data-dependent branches on the side of
	// the centre line: on noisy data those branches are unpredictable and
	// dominated the cost.
	prev, run, longest, crossings, useful, nobs := 0, 0, 0, 0, 0, 0
	cl := c.l.CL
	for i, y := range c.y {
		if !c.include[i] {
			continue
		}
		nobs++
		d := y - cl
		s := b2i(d > 0) - b2i(d < 0) // 0 for points on the line and NaN
		if s == 0 {
			continue
		}
		useful++
		same := b2i(s == prev)
		crossings += (1 - same) * b2i(prev != 0)
		run = run*same + 1
		longest = max(longest, run)
		prev = s
	}
	r.NObs, r.NUseful, r.LongestRun, r.NCrossings = nobs, useful, longest, crossings
	if r.NUseful > 0 {
		r.Valid = true
		r.LongestRunMax = longestRunMax(r.NUseful)
		r.NCrossingsMin = crossingsMin(r.NUseful)
		r.Signal = crossingSignal(r.NUseful, r.NCrossings, r.LongestRun, method(opts))
	}
	ps.Runs = r
	ps.Reasons = ps.Reasons[:0]
	if r.Signal {
		if AnhoejLongRun(r.NUseful, r.LongestRun) {
			ps.Reasons = append(ps.Reasons, "unusually long run")
		}
		if AnhoejFewCrossings(r.NUseful, r.NCrossings) {
			ps.Reasons = append(ps.Reasons, "unusually few crossings")
		}
		if len(ps.Reasons) == 0 {
			ps.Reasons = append(ps.Reasons, string(method(opts))+" runs signal")
		}
	}
}

// b2i converts a bool to 0 or 1; the compiler makes this branch-free.
func b2i(b bool) int {
	var i int
	if b {
		i = 1
	}
	return i
}
