package spc

import (
	"math"
	"math/bits"
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

// medianInPlace reorders x (no missing values) and returns its median.
// It selects rather than sorts (Hoare's quickselect with a median-of-three
// pivot, falling back to a sort when the partitions go badly), so a run
// chart's centre line costs linear time.
func medianInPlace(x []float64) float64 {
	n := len(x)
	if n == 0 {
		return NA
	}
	k := n / 2
	selectKth(x, k)
	if n%2 == 1 {
		return x[k]
	}
	// x[:k] holds the k smallest values; the lower middle is their largest.
	lo := x[0]
	for _, v := range x[1:k] {
		if v > lo {
			lo = v
		}
	}
	return (lo + x[k]) / 2
}

// selectKth reorders x so that x[k] is the value a sort would put there,
// with no larger value before it and no smaller one after it.
func selectKth(x []float64, k int) {
	lo, hi := 0, len(x)-1
	budget := 2 * bits.Len(uint(len(x)))
	for hi-lo > 16 {
		if budget == 0 {
			slices.Sort(x[lo : hi+1])
			return
		}
		budget--
		// Median of three as the pivot, left in x[lo].
		mid := lo + (hi-lo)/2
		if x[mid] < x[lo] {
			x[mid], x[lo] = x[lo], x[mid]
		}
		if x[hi] < x[lo] {
			x[hi], x[lo] = x[lo], x[hi]
		}
		if x[hi] < x[mid] {
			x[hi], x[mid] = x[mid], x[hi]
		}
		x[lo], x[mid] = x[mid], x[lo]
		pivot := x[lo]
		// Hoare partition: stops on values equal to the pivot, so runs of
		// equal values split evenly.
		i, j := lo, hi+1
		for {
			for i++; x[i] < pivot; i++ {
			}
			for j--; pivot < x[j]; j-- {
			}
			if i >= j {
				break
			}
			x[i], x[j] = x[j], x[i]
		}
		x[lo], x[j] = x[j], x[lo]
		switch {
		case j == k:
			return
		case j < k:
			lo = j + 1
		default:
			hi = j - 1
		}
	}
	// Insertion sort of the short remainder.
	for i := lo + 1; i <= hi; i++ {
		v := x[i]
		j := i
		for ; j > lo && v < x[j-1]; j-- {
			x[j] = x[j-1]
		}
		x[j] = v
	}
}
