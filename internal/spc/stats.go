package spc

import (
	"math"
	"slices"
)

// mean is R's mean(x) on non-missing x: the sum divided by the count,
// refined by the mean residual as R's summary.c does. It is NaN when x is
// empty.
func mean(x []float64) float64 {
	if len(x) == 0 {
		return math.NaN()
	}
	var s float64
	for _, v := range x {
		s += v
	}
	n := float64(len(x))
	m := s / n
	if math.IsInf(m, 0) || m != m {
		return m
	}
	var t float64
	for _, v := range x {
		t += v - m
	}
	return m + t/n
}

// meanNA is mean(x, na.rm = TRUE) without allocating.
func meanNA(x []float64) float64 {
	var s float64
	k := 0
	for _, v := range x {
		if v == v {
			s += v
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
	for _, v := range x {
		if v == v {
			t += v - m
		}
	}
	return m + t/float64(k)
}

// sd is R's sd(x) on non-missing x; NA when fewer than two values.
func sd(x []float64) float64 {
	if len(x) < 2 {
		return NA
	}
	m := mean(x)
	var ss float64
	for _, v := range x {
		d := v - m
		ss += d * d
	}
	return math.Sqrt(ss / float64(len(x)-1))
}

// median is R's median(x, na.rm = TRUE); NA when nothing is left. It
// copies x, so the caller's order is kept.
func median(x []float64) float64 {
	buf := make([]float64, 0, len(x))
	for _, v := range x {
		if v == v {
			buf = append(buf, v)
		}
	}
	return medianInPlace(buf)
}

// medianInPlace sorts x (no missing values) and returns its median.
func medianInPlace(x []float64) float64 {
	n := len(x)
	if n == 0 {
		return NA
	}
	slices.Sort(x)
	if n%2 == 1 {
		return x[n/2]
	}
	return (x[n/2-1] + x[n/2]) / 2
}
