package spc

import (
	"math"
)

// sqrtPiOver2 is √(π/2), the constant of the i-prime chart (Laney 2002;
// qicharts2 qic.ip).
var sqrtPiOver2 = math.Sqrt(math.Pi / 2)

// limits sets y, CL and the 3- and 2-sigma limits of one part, before
// Multiply, following qicharts2 0.8.1's qic.<chart> functions.
func limits(seg []Point, hasN bool, opts Options) error {
	givenCL := opts.CL == opts.CL
	switch opts.Chart {
	case ChartRun:
		cl := opts.CL
		if !givenCL {
			cl = medianBase(seg)
		}
		for i := range seg {
			seg[i].CL = cl
			seg[i].LCL, seg[i].UCL, seg[i].LCL95, seg[i].UCL95 = NA, NA, NA, NA
		}
	case ChartI:
		limitsI(seg, opts)
	case ChartT:
		for i := range seg {
			if seg[i].Y <= 0 {
				return ErrNonPositive
			}
		}
		for i := range seg {
			seg[i].Y = math.Pow(seg[i].Y, 1/3.6)
		}
		limitsI(seg, opts)
		for i := range seg {
			q := &seg[i]
			q.Y = math.Pow(q.Y, 3.6)
			q.CL = math.Pow(q.CL, 3.6)
			q.UCL = math.Pow(q.UCL, 3.6)
			q.UCL95 = math.Pow(q.UCL95, 3.6)
			q.LCL = math.Pow(q.LCL, 3.6)
			q.LCL95 = math.Pow(q.LCL95, 3.6)
			if q.LCL < 0 || q.LCL != q.LCL {
				q.LCL = 0
			}
		}
	case ChartMR:
		// y = c(NA, |diff(y)|) over all points of the part (qic.mr).
		prev := NA
		for i := range seg {
			cur := seg[i].Y
			if i == 0 {
				seg[i].Y = NA
			} else {
				seg[i].Y = math.Abs(cur - prev)
			}
			prev = cur
		}
		cl := opts.CL
		if !givenCL {
			cl = meanBase(seg, func(q *Point) float64 { return q.Y })
		}
		for i := range seg {
			q := &seg[i]
			q.CL = cl
			q.LCL, q.LCL95 = 0, 0
			q.UCL = 3.267 * cl
			q.UCL95 = (3.267 / 3) * 2 * cl
		}
	case ChartIP:
		limitsIP(seg, hasN, opts)
	case ChartXbar, ChartS:
		limitsXbarS(seg, opts)
	case ChartP, ChartPP, ChartU, ChartUP:
		limitsAttr(seg, opts)
	case ChartC:
		cl := opts.CL
		for i := range seg {
			seg[i].Y = seg[i].YSum
		}
		if !givenCL {
			cl = meanBase(seg, func(q *Point) float64 { return q.Y })
		}
		sd := math.Sqrt(cl)
		for i := range seg {
			setLimits(&seg[i], cl, sd)
			clipLow(&seg[i])
		}
	case ChartG:
		cl := opts.CL
		if !givenCL {
			cl = meanBase(seg, func(q *Point) float64 { return q.Y })
		}
		// Montgomery p. 319: σ = √(m(m+1)) for the geometric count.
		sd := math.Sqrt(cl * (cl + 1))
		shown := 0.693 * cl // Provost & Murray 2011, p. 228: theoretical median
		if !givenCL {
			shown = medianBase(seg)
		}
		for i := range seg {
			q := &seg[i]
			setLimits(q, cl, sd)
			if q.LCL < 0 {
				q.LCL = 0
			}
			if q.LCL95 < 0 {
				q.LCL95 = 0
			}
			q.CL = shown
		}
	default:
		return errUnknownChart(opts.Chart)
	}
	return nil
}

type errUnknownChart Chart

func (e errUnknownChart) Error() string { return "unknown chart " + string(e) }

func setLimits(q *Point, cl, sd float64) {
	q.CL = cl
	q.UCL = cl + 3*sd
	q.UCL95 = cl + 2*sd
	q.LCL = cl - 3*sd
	q.LCL95 = cl - 2*sd
}

// clipLow sets negative finite lower limits to 0 (counts and rates).
func clipLow(q *Point) {
	if q.LCL < 0 && !math.IsInf(q.LCL, 0) {
		q.LCL = 0
	}
	if q.LCL95 < 0 && !math.IsInf(q.LCL95, 0) {
		q.LCL95 = 0
	}
}

func isBase(q *Point) bool { return q.Baseline && q.Include }

// meanBase is mean(f(x)[base], na.rm = TRUE).
func meanBase(seg []Point, f func(*Point) float64) float64 {
	var s float64
	k := 0
	for i := range seg {
		if isBase(&seg[i]) {
			if v := f(&seg[i]); v == v {
				s += v
				k++
			}
		}
	}
	if k == 0 {
		return math.NaN()
	}
	m := s / float64(k)
	if math.IsInf(m, 0) {
		return m
	}
	var t float64
	for i := range seg {
		if isBase(&seg[i]) {
			if v := f(&seg[i]); v == v {
				t += v - m
			}
		}
	}
	return m + t/float64(k)
}

// medianBase is median(y[base], na.rm = TRUE).
func medianBase(seg []Point) float64 {
	buf := make([]float64, 0, len(seg))
	for i := range seg {
		if isBase(&seg[i]) && seg[i].Y == seg[i].Y {
			buf = append(buf, seg[i].Y)
		}
	}
	return medianInPlace(buf)
}

// amrScreened is the average moving range of the consecutive base values
// v (missing ranges dropped), optionally screened once at 3.267·AMR with a
// strict < (Nelson 1982, as qicharts2 does it).
func amrScreened(mr []float64, screen bool) float64 {
	amr := meanNA(mr)
	if !screen {
		return amr
	}
	ul := 3.267 * amr
	var s float64
	k := 0
	for _, v := range mr {
		if v < ul {
			s += v
			k++
		}
	}
	if k == 0 {
		return math.NaN()
	}
	m := s / float64(k)
	var t float64
	for _, v := range mr {
		if v < ul {
			t += v - m
		}
	}
	return m + t/float64(k)
}

// limitsI is qic.i: CL = mean of the base, σ = AMR/1.128 where the moving
// ranges bridge excluded points (Montgomery 6.33).
func limitsI(seg []Point, opts Options) {
	cl := opts.CL
	if cl != cl {
		cl = meanBase(seg, func(q *Point) float64 { return q.Y })
	}
	mr := make([]float64, 0, len(seg))
	first := true
	var prev float64
	for i := range seg {
		if !isBase(&seg[i]) {
			continue
		}
		d := seg[i].Y - cl
		if !first {
			mr = append(mr, math.Abs(d-prev))
		}
		prev = d
		first = false
	}
	sd := amrScreened(mr, opts.ScreenMR) / 1.128
	for i := range seg {
		setLimits(&seg[i], cl, sd)
	}
}

// limitsIP is qic.ip, the i-prime chart for rates (Laney-style moving
// ranges scaled by the denominators).
func limitsIP(seg []Point, hasN bool, opts Options) {
	allNA := true
	for i := range seg {
		if seg[i].N == seg[i].N {
			allNA = false
			break
		}
	}
	if allNA {
		for i := range seg {
			seg[i].N = float64(seg[i].YLength)
		}
	}
	cl := opts.CL
	if cl != cl {
		var num, den float64
		for i := range seg {
			q := &seg[i]
			if !isBase(q) {
				continue
			}
			if v := q.Y * q.N; v == v {
				num += v
			}
			if q.N == q.N {
				den += q.N
			}
		}
		cl = num / den
	}
	s := make([]float64, 0, len(seg))
	for i := 1; i < len(seg); i++ {
		d1 := math.Abs(seg[i].Y - seg[i-1].Y)
		d2 := math.Sqrt(1/seg[i-1].N + 1/seg[i].N)
		s = append(s, sqrtPiOver2*d1/d2)
	}
	as := meanNA(s)
	if opts.ScreenMR {
		ul := as * 3.2665
		k := 0
		for _, v := range s {
			if v < ul {
				s[k] = v
				k++
			}
		}
		as = meanNA(s[:k])
	}
	for i := range seg {
		setLimits(&seg[i], cl, as*math.Sqrt(1/seg[i].N))
	}
}

// c4 is the bias constant of the standard deviation,
// √(2/(n−1))·Γ(n/2)/Γ((n−1)/2); NA for n ≤ 1 (Montgomery, appendix VI).
func c4(n float64) float64 {
	if !(n > 1) {
		return NA
	}
	a, _ := math.Lgamma(n / 2)
	b, _ := math.Lgamma((n - 1) / 2)
	return math.Sqrt(2/(n-1)) * math.Exp(a-b)
}

// limitsXbarS is qic.xbar and qic.s (Montgomery 6.29–6.31).
func limitsXbarS(seg []Point, opts Options) {
	varN := false
	for i := range seg {
		if seg[i].YLength != seg[0].YLength {
			varN = true
			break
		}
	}
	var sigma float64
	if varN {
		var num, den float64
		for i := range seg {
			q := &seg[i]
			if !isBase(q) {
				continue
			}
			l := float64(q.YLength)
			if v := (l - 1) * q.YSD * q.YSD; v == v {
				num += v
			}
			den += l - 1
		}
		sigma = math.Sqrt(num / den)
	} else {
		sigma = meanBase(seg, func(q *Point) float64 { return q.YSD })
	}
	cl := opts.CL
	if opts.Chart == ChartXbar {
		if cl != cl {
			var num, den float64
			for i := range seg {
				q := &seg[i]
				if !isBase(q) {
					continue
				}
				l := float64(q.YLength)
				if v := l * q.YMean; v == v {
					num += v
				}
				den += l
			}
			cl = num / den
		}
		for i := range seg {
			q := &seg[i]
			l := float64(q.YLength)
			c := c4(l)
			a3 := 3 / (c * math.Sqrt(l))
			a2 := 2 / (c * math.Sqrt(l))
			if !(l > 1) {
				a3, a2 = NA, NA
			}
			q.CL = cl
			q.UCL = cl + a3*sigma
			q.UCL95 = cl + a2*sigma
			q.LCL = cl - a3*sigma
			q.LCL95 = cl - a2*sigma
		}
		return
	}
	if cl != cl {
		cl = sigma
	}
	for i := range seg {
		q := &seg[i]
		q.Y = q.YSD
		l := float64(q.YLength)
		c := c4(l)
		c5 := math.Sqrt(1 - c*c)
		b4 := 1 + 3*c5/c
		b4b := 1 + 2*c5/c
		b3 := pmax0(1 - 3*c5/c)
		b3b := pmax0(1 - 2*c5/c)
		if !(l > 1) {
			b3, b3b, b4, b4b = NA, NA, NA, NA
		}
		q.CL = cl
		q.UCL = b4 * cl
		q.UCL95 = b4b * cl
		q.LCL = b3 * cl
		q.LCL95 = b3b * cl
	}
}

// pmax0 is R's pmax(0, v): NA stays NA.
func pmax0(v float64) float64 {
	if v != v {
		return v
	}
	return math.Max(0, v)
}

// limitsAttr is qic.p, qic.pp, qic.u and qic.up: binomial or Poisson
// sigma per subgroup (Montgomery 7.x), with Laney's between-subgroup
// adjustment for the prime charts (Laney 2002).
func limitsAttr(seg []Point, opts Options) {
	cl := opts.CL
	if cl != cl {
		var num, den float64
		for i := range seg {
			q := &seg[i]
			if !isBase(q) {
				continue
			}
			if q.YSum == q.YSum {
				num += q.YSum
			}
			if q.N == q.N {
				den += q.N
			}
		}
		cl = num / den
	}
	binom := opts.Chart == ChartP || opts.Chart == ChartPP
	sd := func(q *Point) float64 {
		if binom {
			return math.Sqrt(cl * (1 - cl) / q.N)
		}
		return math.Sqrt(cl / q.N)
	}
	sigmaZ := 1.0
	if opts.Chart == ChartPP || opts.Chart == ChartUP {
		z := make([]float64, 0, len(seg))
		for i := range seg {
			q := &seg[i]
			if isBase(q) {
				z = append(z, (q.Y-cl)/sd(q))
			}
		}
		if opts.Categorical {
			sigmaZ = sdStrict(z)
		} else {
			mr := make([]float64, 0, len(z))
			for i := 1; i < len(z); i++ {
				mr = append(mr, math.Abs(z[i]-z[i-1]))
			}
			sigmaZ = amrScreened(mr, opts.ScreenMR) / 1.128
		}
	}
	for i := range seg {
		q := &seg[i]
		setLimits(q, cl, sd(q)*sigmaZ)
		if binom {
			if q.UCL > 1 && !math.IsInf(q.UCL, 0) {
				q.UCL = 1
			}
			if q.UCL95 > 1 && !math.IsInf(q.UCL95, 0) {
				q.UCL95 = 1
			}
		}
		clipLow(q)
	}
}

// sdStrict is R's sd(x) without na.rm: NA if any value is missing.
func sdStrict(x []float64) float64 {
	for _, v := range x {
		if v != v {
			return NA
		}
	}
	return sd(x)
}
