package spc

import (
	"math"
	"testing"
)

// TestAnalyzeSeriesMatchesCompute checks the fast path against the general
// one, including missing values and zero denominators.
func TestAnalyzeSeriesMatchesCompute(t *testing.T) {
	y := []float64{3, 5, NA, 4, 0, 7, 6, 2, 5, 4, 3, 8}
	n := []float64{10, 12, 11, NA, 0, 14, 13, 9, 10, 12, 11, 15}
	for _, chart := range Charts {
		for _, withN := range []bool{false, true} {
			s := Series{Y: y}
			obs := make([]Obs, len(y))
			for i := range y {
				obs[i] = Obs{Key: float64(i + 1), Y: y[i], N: NA}
				if withN {
					obs[i].N = n[i]
				}
			}
			if withN {
				s.N = n
			}
			opts := DefaultOptions(chart)
			opts.Exclude = []int{3}
			var p Panel
			errA := AnalyzeSeries(&p, s, opts)
			r, errB := Compute(obs, withN, AggMean, opts)
			if (errA != nil) != (errB != nil) {
				t.Fatalf("%s: errors differ: %v vs %v", chart, errA, errB)
			}
			if errA != nil {
				continue
			}
			q := &r.Panels[0]
			for i := 0; i < p.Len(); i++ {
				a, b := p.Point(i), q.Point(i)
				if !sameBits(a.Y, b.Y) || !sameBits(a.CL, b.CL) || !sameBits(a.LCL, b.LCL) || !sameBits(a.UCL, b.UCL) ||
					!sameBits(a.N, b.N) || !sameBits(a.YSum, b.YSum) || a.YLength != b.YLength || a.SigmaSignal != b.SigmaSignal || a.RunsSignal != b.RunsSignal {
					t.Fatalf("%s n=%v point %d: %+v vs %+v", chart, withN, i+1, a, b)
				}
			}
		}
	}
}

func sameBits(a, b float64) bool {
	if a != a || b != b {
		return IsNA(a) == IsNA(b) && (a != a) == (b != b)
	}
	return a == b || math.Abs(a-b) <= 1e-12*math.Max(math.Abs(a), math.Abs(b))
}

// TestAggregateMatchesCompute checks the exported two-step path
// (Aggregate then Analyze) against Compute on repeated x with missing
// values, for every aggregate function.
func TestAggregateMatchesCompute(t *testing.T) {
	mk := func() []Obs {
		var obs []Obs
		ys := []float64{3, 5, NA, 4, 0, 7, 6, 2, 5, 4, 3, 8, 2, 9}
		for i, y := range ys {
			obs = append(obs, Obs{Key: float64(i%5 + 1), Y: y, N: float64(10 + i%3)})
		}
		obs = append(obs, Obs{Key: 6, Y: NA, N: NA})
		return obs
	}
	for _, agg := range []Agg{AggMean, AggMedian, AggSum, AggSD} {
		for _, hasN := range []bool{false, true} {
			for _, chart := range []Chart{ChartRun, ChartI, ChartXbar, ChartS, ChartP, ChartU} {
				opts := DefaultOptions(chart)
				sg := Aggregate(mk(), hasN, agg)
				a, errA := Analyze(sg, hasN, opts)
				r, errB := Compute(mk(), hasN, agg, opts)
				if (errA != nil) != (errB != nil) {
					t.Fatalf("errors differ: %v vs %v", errA, errB)
				}
				if errA != nil {
					continue
				}
				b := &r.Panels[0]
				if a.Len() != b.Len() {
					t.Fatalf("%s: %d vs %d subgroups", chart, a.Len(), b.Len())
				}
				for i := 0; i < a.Len(); i++ {
					x, y := a.Point(i), b.Point(i)
					if !sameBits(x.Y, y.Y) || !sameBits(x.CL, y.CL) || !sameBits(x.UCL, y.UCL) || !sameBits(x.YSD, y.YSD) || x.YLength != y.YLength {
						t.Fatalf("%s agg %d n=%v point %d: %+v vs %+v", chart, agg, hasN, i+1, x, y)
					}
				}
			}
		}
	}
}
