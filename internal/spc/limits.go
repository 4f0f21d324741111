package spc

import (
	"math"
)

// sqrtPiOver2 is √(π/2), the constant of the i-prime chart (Laney 2002;
// qicharts2 qic.ip).
var sqrtPiOver2 = math.Sqrt(math.Pi / 2)

// limits sets y, CL and the 3- and 2-sigma limits of one part, before
// Multiply, following qicharts2 0.8.1's qic.<chart> functions.
func limits(c *cols, opts Options, scr *scratch) error {
	givenCL := opts.CL == opts.CL
	switch opts.Chart {
	case ChartRun:
		cl := opts.CL
		if !givenCL {
			cl = medianBase(c, scr)
		}
		c.l = Limits{CL: cl, LCL: NA, UCL: NA, LCL95: NA, UCL95: NA}
	case ChartI:
		limitsI(c, opts, scr)
	case ChartT:
		for _, y := range c.y {
			if y <= 0 {
				return ErrNonPositive
			}
		}
		for i, y := range c.y {
			c.y[i] = math.Pow(y, 1/3.6)
		}
		limitsI(c, opts, scr)
		for i, x := range c.y {
			c.y[i] = math.Pow(x, 3.6)
		}
		l := &c.l
		for _, x := range []*float64{&l.CL, &l.UCL, &l.UCL95, &l.LCL, &l.LCL95} {
			*x = math.Pow(*x, 3.6)
		}
		if l.LCL < 0 || l.LCL != l.LCL {
			l.LCL = 0
		}
	case ChartMR:
		// y = c(NA, |diff(y)|) over all points of the part (qic.mr).
		prev := NA
		for i, cur := range c.y {
			if i == 0 {
				c.y[i] = NA
			} else {
				c.y[i] = math.Abs(cur - prev)
			}
			prev = cur
		}
		cl := opts.CL
		if !givenCL {
			cl = meanBase(c, c.y)
		}
		c.l = Limits{CL: cl, LCL: 0, LCL95: 0, UCL: 3.267 * cl, UCL95: (3.267 / 3) * 2 * cl}
	case ChartIP:
		limitsIP(c, opts, scr)
	case ChartXbar, ChartS:
		limitsXbarS(c, opts)
	case ChartP, ChartPP, ChartU, ChartUP:
		limitsAttr(c, opts, scr)
	case ChartC:
		copy(c.y, c.ysum)
		cl := opts.CL
		if !givenCL {
			cl = meanBase(c, c.y)
		}
		setConst(c, cl, math.Sqrt(cl)) // Montgomery 7.17
		clipLow(c)
	case ChartG:
		cl := opts.CL
		if !givenCL {
			cl = meanBase(c, c.y)
		}
		// Montgomery p. 319: σ = √(m(m+1)) for the geometric count.
		setConst(c, cl, math.Sqrt(cl*(cl+1)))
		c.l.LCL, c.l.LCL95 = max0(c.l.LCL), max0(c.l.LCL95)
		// The centre line shown is the median, or for a given centre line
		// the theoretical median 0.693·cl (Provost & Murray 2011, p. 228).
		shown := 0.693 * cl
		if !givenCL {
			shown = medianBase(c, scr)
		}
		c.l.CL = shown
	default:
		return errUnknownChart(opts.Chart)
	}
	return nil
}

type errUnknownChart Chart

func (e errUnknownChart) Error() string { return "unknown chart " + string(e) }

// max0 is x, or 0 when x < 0 (NaN stays NaN).
func max0(x float64) float64 {
	if x < 0 {
		return 0
	}
	return x
}

// setConst sets a part's centre line and limits at cl ± 3sd and ± 2sd.
func setConst(c *cols, cl, sd float64) {
	c.l = Limits{CL: cl, UCL: cl + 3*sd, UCL95: cl + 2*sd, LCL: cl - 3*sd, LCL95: cl - 2*sd}
}

// setAt sets subgroup i's limits at cl ± 3sd and ± 2sd, on a chart with
// limits per subgroup; the centre line cl is the part's, set by the caller.
func setAt(c *cols, i int, cl, sd float64) {
	c.ucl[i] = cl + 3*sd
	c.ucl95[i] = cl + 2*sd
	c.lcl[i] = cl - 3*sd
	c.lcl95[i] = cl - 2*sd
}

// clipLow sets negative finite lower limits to 0 (counts and rates).
func clipLow(c *cols) {
	inf := math.Inf(-1)
	clip := func(x float64) float64 {
		if x < 0 && x > inf {
			return 0
		}
		return x
	}
	c.l.LCL, c.l.LCL95 = clip(c.l.LCL), clip(c.l.LCL95)
	for _, v := range [][]float64{c.lcl, c.lcl95} {
		for i, x := range v {
			if x < 0 && x > inf {
				v[i] = 0
			}
		}
	}
}

// meanBase is mean(v[base], na.rm = TRUE) with R's residual refinement.
func meanBase(c *cols, v []float64) float64 {
	var s float64
	k := 0
	for i, x := range v {
		if c.baseline[i] && c.include[i] && x == x {
			s += x
			k++
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
	for i, x := range v {
		if c.baseline[i] && c.include[i] && x == x {
			t += x - m
		}
	}
	return m + t/float64(k)
}

// medianBase is median(y[base], na.rm = TRUE).
func medianBase(c *cols, scr *scratch) float64 {
	buf := scr.bufA(len(c.y))
	for i, y := range c.y {
		if c.base(i) && y == y {
			buf = append(buf, y)
		}
	}
	return medianInPlace(buf)
}

// amrScreened is the average of the moving ranges mr (missing ones
// dropped), optionally screened once at 3.267·AMR with a strict < (Nelson
// 1982, as qicharts2 does it).
func amrScreened(mr []float64, screen bool) float64 {
	amr := meanNA(mr)
	if !screen {
		return amr
	}
	ul := 3.267 * amr
	k := 0
	for _, v := range mr {
		if v < ul {
			mr[k] = v
			k++
		}
	}
	return meanNA(mr[:k])
}

// limitsI is qic.i: CL = mean of the base, σ = AMR/1.128 where the moving
// ranges of y − CL join consecutive base points, bridging excluded ones
// (Montgomery 6.33).
func limitsI(c *cols, opts Options, scr *scratch) {
	cl := opts.CL
	if cl != cl {
		cl = meanBase(c, c.y)
	}
	mr := scr.bufA(len(c.y))
	first := true
	var prev float64
	for i, y := range c.y {
		if !c.base(i) {
			continue
		}
		d := y - cl
		if !first {
			mr = append(mr, math.Abs(d-prev))
		}
		prev = d
		first = false
	}
	setConst(c, cl, amrScreened(mr, opts.ScreenMR)/1.128)
}

// limitsIP is qic.ip, the i-prime chart for rates: moving ranges scaled by
// the denominators, σ_i = mean(s)/√n_i.
func limitsIP(c *cols, opts Options, scr *scratch) {
	allNA := true
	for _, n := range c.n {
		if n == n {
			allNA = false
			break
		}
	}
	if allNA {
		for i, l := range c.ylen {
			c.n[i] = float64(l)
		}
	}
	cl := opts.CL
	if cl != cl {
		var num, den float64
		for i, y := range c.y {
			if !c.base(i) {
				continue
			}
			if v := y * c.n[i]; v == v {
				num += v
			}
			if c.n[i] == c.n[i] {
				den += c.n[i]
			}
		}
		cl = num / den
	}
	s := scr.bufA(len(c.y))
	for i := 1; i < len(c.y); i++ {
		d1 := math.Abs(c.y[i] - c.y[i-1])
		d2 := math.Sqrt(1/c.n[i-1] + 1/c.n[i])
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
	c.l.CL = cl
	for i, n := range c.n {
		setAt(c, i, cl, as*math.Sqrt(1/n))
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

// limitsXbarS is qic.xbar and qic.s (Montgomery 6.29–6.31): σ is pooled
// when subgroup sizes vary anywhere in the part, else the mean of the sds.
func limitsXbarS(c *cols, opts Options) {
	varN := false
	for _, l := range c.ylen {
		if l != c.ylen[0] {
			varN = true
			break
		}
	}
	var sigma float64
	if varN {
		var num, den float64
		for i, l := range c.ylen {
			if !c.base(i) {
				continue
			}
			lf := float64(l)
			if v := (lf - 1) * c.ysd[i] * c.ysd[i]; v == v {
				num += v
			}
			den += lf - 1
		}
		sigma = math.Sqrt(num / den)
	} else {
		sigma = meanBase(c, c.ysd)
	}
	cl := opts.CL
	if opts.Chart == ChartXbar {
		if cl != cl {
			var num, den float64
			for i, l := range c.ylen {
				if !c.base(i) {
					continue
				}
				lf := float64(l)
				if v := lf * c.ymean[i]; v == v {
					num += v
				}
				den += lf
			}
			cl = num / den
		}
		for i, l := range c.ylen {
			lf := float64(l)
			k := c4(lf) * math.Sqrt(lf)
			a3, a2 := 3/k, 2/k
			if !(lf > 1) {
				a3, a2 = NA, NA
			}
			c.ucl[i] = cl + a3*sigma
			c.ucl95[i] = cl + a2*sigma
			c.lcl[i] = cl - a3*sigma
			c.lcl95[i] = cl - a2*sigma
		}
		c.l.CL = cl
		return
	}
	if cl != cl {
		cl = sigma
	}
	c.l.CL = cl
	copy(c.y, c.ysd)
	for i, l := range c.ylen {
		lf := float64(l)
		k4 := c4(lf)
		k5 := math.Sqrt(1 - k4*k4)
		b4, b4b := 1+3*k5/k4, 1+2*k5/k4
		b3, b3b := pmax0(1-3*k5/k4), pmax0(1-2*k5/k4)
		if !(lf > 1) {
			b3, b3b, b4, b4b = NA, NA, NA, NA
		}
		c.ucl[i] = b4 * cl
		c.ucl95[i] = b4b * cl
		c.lcl[i] = b3 * cl
		c.lcl95[i] = b3b * cl
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
// adjustment σ_z for the prime charts (Laney 2002).
func limitsAttr(c *cols, opts Options, scr *scratch) {
	cl := opts.CL
	if cl != cl {
		var num, den float64
		for i, ys := range c.ysum {
			if !c.base(i) {
				continue
			}
			if ys == ys {
				num += ys
			}
			if c.n[i] == c.n[i] {
				den += c.n[i]
			}
		}
		cl = num / den
	}
	binom := opts.Chart == ChartP || opts.Chart == ChartPP
	v := cl
	if binom {
		v = cl * (1 - cl)
	}
	sigmaZ := 1.0
	if opts.Chart == ChartPP || opts.Chart == ChartUP {
		z := scr.bufA(len(c.y))
		for i, y := range c.y {
			if c.base(i) {
				z = append(z, (y-cl)/math.Sqrt(v/c.n[i]))
			}
		}
		if opts.Categorical {
			sigmaZ = sdStrict(z)
		} else {
			mr := scr.bufB(len(z))
			for i := 1; i < len(z); i++ {
				mr = append(mr, math.Abs(z[i]-z[i-1]))
			}
			sigmaZ = amrScreened(mr, opts.ScreenMR) / 1.128
		}
	}
	c.l.CL = cl
	// One pass: setAt, then a proportion's upper limits capped at 1, then
	// clipLow, per subgroup.
	inf := math.Inf(1)
	top := inf // no cap on rates
	if binom {
		top = 1
	}
	for i, n := range c.n {
		sd := math.Sqrt(v/n) * sigmaZ
		ucl, ucl95, lcl, lcl95 := cl+3*sd, cl+2*sd, cl-3*sd, cl-2*sd
		if ucl > top && ucl < inf {
			ucl = 1
		}
		if ucl95 > top && ucl95 < inf {
			ucl95 = 1
		}
		if lcl < 0 && lcl > -inf {
			lcl = 0
		}
		if lcl95 < 0 && lcl95 > -inf {
			lcl95 = 0
		}
		c.ucl[i], c.ucl95[i], c.lcl[i], c.lcl95[i] = ucl, ucl95, lcl, lcl95
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
