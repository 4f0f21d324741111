package spc

import (
	"math"
	"sync"
)

// Method picks the thresholds the Anhøj runs analysis compares against.
type Method string

// Runs-analysis methods offered by qicharts2 0.8.1 (crsignal.R).
const (
	// MethodAnhoej is the default: longest run > round(log2(n)) + 3 or
	// crossings < qbinom(0.05, n - 1, 0.5).
	MethodAnhoej Method = "anhoej"
	// MethodBestBox and MethodCutBox are qicharts2's EXPERIMENTAL
	// alternatives (Anhøj & Wentzel-Larsen 2020), used for 10 ≤ n ≤ 100.
	MethodBestBox Method = "bestbox"
	MethodCutBox  Method = "cutbox"
)

// Runs is the runs analysis of one part.
type Runs struct {
	NObs          int  // included points, counting missing ones
	NUseful       int  // included points not on the centre line and not missing
	Valid         bool // NUseful > 0; otherwise the counts below are NA
	LongestRun    int
	LongestRunMax int
	NCrossings    int
	NCrossingsMin int
	Signal        bool
}

// signStats returns the count, useful count, longest run and crossings of
// the signs of y - centre, skipping points on the centre line and missing
// points (qicharts2 runs.analysis; Anhøj 2014).
func signStats(y []float64, centre float64) (nObs, nUseful, longest, crossings int) {
	var prev float64
	run := 0
	for _, v := range y {
		nObs++
		d := v - centre
		if d != d || d == 0 {
			continue
		}
		s := 1.0
		if d < 0 {
			s = -1
		}
		nUseful++
		if s == prev {
			run++
		} else {
			if prev != 0 {
				crossings++
			}
			prev = s
			run = 1
		}
		if run > longest {
			longest = run
		}
	}
	return
}

// longestRunMax is Schilling's limit for the longest run used by Anhøj:
// round(log2(n)) + 3 (qicharts2 runs.analysis, Schilling 2012).
func longestRunMax(n int) int {
	return int(math.RoundToEven(math.Log2(float64(n)))) + 3
}

// crossingsMin is the 5 % lower quantile of the number of crossings,
// qbinom(0.05, n - 1, 0.5) (Chen 2010, equation 7, as used by qicharts2).
func crossingsMin(n int) int {
	if n < 1 {
		return 0
	}
	if n <= len(crossTable()) {
		return int(crossTable()[n-1])
	}
	return qbinomHalf(0.05, n-1)
}

var (
	crossOnce sync.Once
	crossTab  []int32
)

// crossTable caches crossingsMin for n = 1..2000, the range that matters
// for charts people read.
func crossTable() []int32 {
	crossOnce.Do(func() {
		crossTab = make([]int32, 2000)
		for n := 1; n <= len(crossTab); n++ {
			crossTab[n-1] = int32(qbinomHalf(0.05, n-1)) // #nosec G115 -- at most n-1 < 2000
		}
	})
	return crossTab
}

// qbinomHalf is R's qbinom(p, size, 0.5): the smallest k with
// P(X ≤ k) ≥ p. R searches with a relative fuzz of 64 machine epsilons
// (nmath/qbinom.c), reproduced here so boundary cases agree. The search
// starts at the normal approximation and walks the probability mass
// function by its ratio recurrence, so it costs O(√size) work.
func qbinomHalf(p float64, size int) int {
	if size <= 0 {
		return 0
	}
	n := float64(size)
	target := p * (1 - 64*2.220446049250313e-16)
	k := int(math.Floor(n/2 - 1.6448536269514722*math.Sqrt(n)/2))
	k = max(0, min(k, size))
	pmf := dbinomHalf(k, size)
	cdf := cdfFrom(k, size, pmf)
	if cdf >= target {
		for k > 0 {
			prev := cdf - pmf
			if prev < target {
				break
			}
			// pmf(k-1) = pmf(k)·k/(n-k+1)
			pmf *= float64(k) / (n - float64(k) + 1)
			cdf = prev
			k--
		}
		return k
	}
	for k < size {
		// pmf(k+1) = pmf(k)·(n-k)/(k+1)
		pmf *= (n - float64(k)) / float64(k+1)
		k++
		cdf += pmf
		if cdf >= target {
			return k
		}
	}
	return size
}

// dbinomHalf is P(X = k) for X ~ Binomial(size, 1/2).
func dbinomHalf(k, size int) float64 {
	n := float64(size)
	a, _ := math.Lgamma(n + 1)
	b, _ := math.Lgamma(float64(k) + 1)
	c, _ := math.Lgamma(n - float64(k) + 1)
	return math.Exp(a - b - c - n*math.Ln2)
}

// cdfFrom is P(X ≤ k) given pmf = P(X = k), summing downwards until the
// terms no longer change the sum.
func cdfFrom(k, size int, pmf float64) float64 {
	n := float64(size)
	s, t := 0.0, pmf
	for j := k; j >= 0; j-- {
		s += t
		if t < s*1e-17 {
			break
		}
		t *= float64(j) / (n - float64(j) + 1)
	}
	return s
}

// crossingSignal is qicharts2's crsignal(): the Anhøj test, or the best-box
// and cut-box tests of Anhøj & Wentzel-Larsen (2020) for 10 ≤ n ≤ 100.
func crossingSignal(n, c, l int, method Method) bool {
	if n < 10 || n > 100 {
		method = MethodAnhoej
	}
	switch method {
	case MethodBestBox, MethodCutBox:
		b := boxBounds[n-10]
		cb, lb := int(b[0]), int(b[1])
		if method == MethodBestBox || b[2] == 0 {
			return !(c >= cb && l <= lb)
		}
		cbord, lbord := int(b[2]), int(b[3])
		res := true
		if c >= cb+1 && l <= lb-1 {
			res = false
		}
		if c == cb && l <= lbord {
			res = false
		}
		if c >= cbord && l <= lb {
			res = false
		}
		return res
	}
	return AnhoejLongRun(n, l) || AnhoejFewCrossings(n, c)
}

// AnhoejLongRun is Anhøj's shift rule: among n useful points, a longest run
// on one side of the centre line longer than round(log2(n)) + 3 signals
// (Schilling 2012; Anhøj & Olesen 2014; qicharts2 runs.analysis).
func AnhoejLongRun(n, longest int) bool { return n > 0 && longest > longestRunMax(n) }

// AnhoejFewCrossings is Anhøj's crossings rule: among n useful points,
// fewer crossings of the centre line than the lower 5 % quantile of
// Binomial(n − 1, 0.5) signals (Chen 2010; Anhøj & Olesen 2014; qicharts2
// runs.analysis).
func AnhoejFewCrossings(n, crossings int) bool { return n > 0 && crossings < crossingsMin(n) }

// SigmaSignal is the Shewhart rule used by every rule set on control
// charts: a point strictly beyond a control limit signals; a missing limit
// never does (qicharts2 sigma.signal; Montgomery 2009, ch. 5).
func SigmaSignal(y, lcl, ucl float64) bool { return y > ucl || y < lcl }
