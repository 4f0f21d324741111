package spc

import (
	"math/rand/v2"
	"testing"
)

// synth makes k series of m subgroups: normal-ish values for run and i
// charts, counts out of 50–150 for p charts, from a fixed seed.
func synth(k, m int, hasN bool) [][]Subgroup {
	r := rand.New(rand.NewPCG(20250601, 1))
	out := make([][]Subgroup, k)
	for s := range out {
		sg := make([]Subgroup, m)
		for i := range sg {
			if hasN {
				n := float64(50 + r.IntN(101))
				y := float64(r.IntN(int(n) / 5))
				sg[i] = Subgroup{Key: float64(i + 1), Y: y / n, N: n, YSum: y, YLength: 1, YMean: y, YSD: NA}
				continue
			}
			y := 100 + 10*r.NormFloat64()
			sg[i] = Subgroup{Key: float64(i + 1), Y: y, N: NA, YSum: y, YLength: 1, YMean: y, YSD: NA}
		}
		out[s] = sg
	}
	return out
}

func benchSeries(b *testing.B, chart Chart, k, m int) {
	hasN := chart == ChartP
	data := synth(k, m, hasN)
	opts := DefaultOptions(chart)
	var p Panel
	// Warm the reusable memory and the threshold tables.
	if err := AnalyzeInto(&p, data[0], hasN, opts); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, sg := range data {
			if err := AnalyzeInto(&p, sg, hasN, opts); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(k*m), "ns/point")
}

// seriesOf turns subgroups into the plain slices a web chart holds.
func seriesOf(sgs [][]Subgroup, hasN bool) []Series {
	out := make([]Series, len(sgs))
	for k, sg := range sgs {
		s := Series{Y: make([]float64, len(sg))}
		if hasN {
			s.N = make([]float64, len(sg))
		}
		for i, g := range sg {
			s.Y[i] = g.YSum
			if hasN {
				s.N[i] = g.N
			}
		}
		out[k] = s
	}
	return out
}

func benchPlain(b *testing.B, chart Chart, k, m int) {
	hasN := chart == ChartP
	data := seriesOf(synth(k, m, hasN), hasN)
	opts := DefaultOptions(chart)
	var p Panel
	if err := AnalyzeSeries(&p, data[0], opts); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range data {
			if err := AnalyzeSeries(&p, s, opts); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(k*m), "ns/point")
}

// BenchmarkSeries10000x60 analyses 10,000 series of 60 points each.
func BenchmarkSeries10000x60(b *testing.B) {
	for _, c := range []Chart{ChartRun, ChartI, ChartP} {
		b.Run(string(c), func(b *testing.B) { benchSeries(b, c, 10000, 60) })
		b.Run(string(c)+"/plain", func(b *testing.B) { benchPlain(b, c, 10000, 60) })
	}
}

// BenchmarkSingle1e6 analyses one series of 1,000,000 points.
func BenchmarkSingle1e6(b *testing.B) {
	for _, c := range []Chart{ChartI, ChartP} {
		b.Run(string(c), func(b *testing.B) { benchSeries(b, c, 1, 1000000) })
		b.Run(string(c)+"/plain", func(b *testing.B) { benchPlain(b, c, 1, 1000000) })
	}
}

// BenchmarkCompute1e6 includes aggregation from raw observations (already
// in x order, one per subgroup) and allocation of the result.
func BenchmarkCompute1e6(b *testing.B) {
	for _, c := range []Chart{ChartI, ChartP} {
		b.Run(string(c), func(b *testing.B) {
			hasN := c == ChartP
			sg := synth(1, 1000000, hasN)[0]
			obs := make([]Obs, len(sg))
			for i, s := range sg {
				obs[i] = Obs{Key: s.Key, Y: s.YSum, N: s.N}
			}
			opts := DefaultOptions(c)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compute(obs, hasN, AggMean, opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(obs)), "ns/point")
		})
	}
}
