package spc

import (
	"math"
	"sync"
)

// The IHI run-chart rules of Perla, Provost & Murray (2011), "The run
// chart: a simple analytical tool for learning from variation in
// healthcare processes", BMJ Qual Saf 20:46–51.
const (
	// IHIShiftLength is the shortest run on one side of the median that is
	// a shift: "six or more consecutive points all above or all below".
	IHIShiftLength = 6
	// IHITrendLength is the shortest trend: "five or more consecutive
	// points all going up or all going down".
	IHITrendLength = 5
	// ihiRunsMinUseful is the smallest number of useful observations in
	// Perla et al.'s Table 1; below it the runs rule is not applied.
	ihiRunsMinUseful = 10
)

// IHIShift marks the points that belong to a shift: IHIShiftLength or more
// consecutive points on the same side of centre. Points exactly on centre
// and missing points neither make nor break a shift and are not marked or
// counted (Perla, Provost & Murray 2011, rule 1).
func IHIShift(y []float64, centre float64) []bool {
	out := make([]bool, len(y))
	start, count, side := -1, 0, 0
	flush := func(end int) {
		if count >= IHIShiftLength {
			for i := start; i < end; i++ {
				d := y[i] - centre
				if d == d && d != 0 {
					out[i] = true
				}
			}
		}
	}
	for i, v := range y {
		d := v - centre
		if d != d || d == 0 {
			continue
		}
		s := 1
		if d < 0 {
			s = -1
		}
		if s != side {
			flush(i)
			start, count, side = i, 0, s
		}
		count++
	}
	flush(len(y))
	return out
}

// IHITrend marks the points that belong to a trend: IHITrendLength or more
// consecutive points all going up or all going down. When two or more
// successive values are equal only one is counted, so repeated values
// neither make nor break a trend; missing values are skipped (Perla,
// Provost & Murray 2011, rule 2).
func IHITrend(y []float64) []bool {
	out := make([]bool, len(y))
	// idx holds the positions of the distinct successive values.
	idx := make([]int, 0, len(y))
	for i, v := range y {
		if v != v {
			continue
		}
		if len(idx) > 0 && y[idx[len(idx)-1]] == v {
			continue
		}
		idx = append(idx, i)
	}
	for s := 0; s+1 < len(idx); {
		dir := sign(y[idx[s+1]] - y[idx[s]])
		e := s + 1
		for e+1 < len(idx) && sign(y[idx[e+1]]-y[idx[e]]) == dir {
			e++
		}
		if e-s+1 >= IHITrendLength {
			// Mark from the first point through the last, repeats included.
			last := idx[e]
			// Repeats of the last value belong to the trend too.
			for last+1 < len(y) && (y[last+1] == y[idx[e]] || y[last+1] != y[last+1]) {
				if y[last+1] == y[idx[e]] {
					last++
					continue
				}
				break
			}
			for i := idx[s]; i <= last; i++ {
				if y[i] == y[i] {
					out[i] = true
				}
			}
		}
		s = e
	}
	return out
}

// IHIRunsLimits returns the limits on the number of runs for n useful
// observations from the Swed–Eisenhart distribution with the points split
// as evenly as possible above and below the median, at 5 % in each tail:
// fewer than lower runs is "too few", more than upper is "too many". These
// reproduce Perla et al.'s Table 1 (n = 10: 3 and 9; n = 20: 6 and 16).
// For n below 10 the table has no entry and ok is false.
func IHIRunsLimits(n int) (lower, upper int, ok bool) {
	if n < ihiRunsMinUseful {
		return 0, 0, false
	}
	if n <= len(ihiTable()) {
		l := ihiTable()[n-1]
		return int(l[0]), int(l[1]), true
	}
	lower, upper = swedEisenhart(n)
	return lower, upper, true
}

var (
	ihiOnce sync.Once
	ihiTab  [][2]int32
)

// ihiTable caches IHIRunsLimits for n up to 1000.
func ihiTable() [][2]int32 {
	ihiOnce.Do(func() {
		ihiTab = make([][2]int32, 1000)
		for n := ihiRunsMinUseful; n <= len(ihiTab); n++ {
			l, u := swedEisenhart(n)
			ihiTab[n-1] = [2]int32{int32(l), int32(u)} // #nosec G115 -- run counts are at most n <= 1000
		}
	})
	return ihiTab
}

// swedEisenhart computes the runs limits: lower is the largest r with
// P(R ≤ r) ≤ 0.05 and upper the smallest r with P(R ≥ r) ≤ 0.05, where R
// is the number of runs of n1 = ⌊n/2⌋ and n2 = n − n1 symbols (Swed &
// Eisenhart 1943).
func swedEisenhart(n int) (lower, upper int) {
	n1 := n / 2
	n2 := n - n1
	maxR := 2*n1 + 1
	if n1 == n2 {
		maxR = 2 * n1
	}
	p := make([]float64, maxR+1)
	lc := lchoose(n, n1)
	for r := 2; r <= maxR; r++ {
		var v float64
		if r%2 == 0 {
			k := r / 2
			v = 2 * math.Exp(lchoose(n1-1, k-1)+lchoose(n2-1, k-1)-lc)
		} else {
			k := (r - 1) / 2
			v = math.Exp(lchoose(n1-1, k)+lchoose(n2-1, k-1)-lc) + math.Exp(lchoose(n1-1, k-1)+lchoose(n2-1, k)-lc)
		}
		p[r] = v
	}
	const alpha = 0.05 * (1 + 1e-9)
	var cum float64
	lower = 1
	for r := 2; r <= maxR; r++ {
		cum += p[r]
		if cum > alpha {
			break
		}
		lower = r
	}
	cum = 0
	upper = maxR + 1
	for r := maxR; r >= 2; r-- {
		cum += p[r]
		if cum > alpha {
			break
		}
		upper = r
	}
	return lower, upper
}

// lchoose is log(choose(n, k)); −Inf when the coefficient is 0.
func lchoose(n, k int) float64 {
	if k < 0 || k > n || n < 0 {
		return math.Inf(-1)
	}
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}

// ihiPart applies the IHI rules to one part, around the part's centre
// line (the median on a run chart), on the included points. Astronomical
// points are the 3-sigma signals of control charts, marked later.
func ihiPart(ps *PartSummary, c *cols, scr *scratch) {
	y := scr.bufA(len(c.y))
	pos := scr.ints[:0]
	centre := math.NaN()
	for i, v := range c.y {
		if c.include[i] {
			y = append(y, v)
			pos = append(pos, i)
			centre = c.l.CL
		}
	}
	scr.ints = pos
	var r Runs
	r.NObs, r.NUseful, r.LongestRun, r.NCrossings = signStats(y, centre)
	shift := IHIShift(y, centre)
	trend := IHITrend(y)
	ps.Reasons = ps.Reasons[:0]
	anyShift, anyTrend := false, false
	for k, i := range pos {
		c.shift[i], c.trend[i] = shift[k], trend[k]
		anyShift = anyShift || shift[k]
		anyTrend = anyTrend || trend[k]
	}
	if anyShift {
		ps.Reasons = append(ps.Reasons, "shift: 6 or more points on one side of the centre line")
	}
	if anyTrend {
		ps.Reasons = append(ps.Reasons, "trend: 5 or more points all going up or all going down")
	}
	runsSignal := false
	if r.NUseful > 0 {
		r.Valid = true
		r.LongestRunMax = IHIShiftLength - 1
		if lo, hi, ok := IHIRunsLimits(r.NUseful); ok {
			runs := r.NCrossings + 1
			r.NCrossingsMin = lo - 1
			if runs < lo {
				runsSignal = true
				ps.Reasons = append(ps.Reasons, "too few runs")
			}
			if runs > hi {
				runsSignal = true
				ps.Reasons = append(ps.Reasons, "too many runs")
			}
		}
	}
	r.Signal = anyShift || anyTrend || runsSignal
	ps.Runs = r
	ps.ihiRuns = runsSignal
}
