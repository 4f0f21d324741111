package spc

import (
	"math"
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
	c0 := cpuTime()
	for b.Loop() {
		for _, sg := range data {
			if err := AnalyzeInto(&p, sg, hasN, opts); err != nil {
				b.Fatal(err)
			}
		}
	}
	cpuMetric(b, c0)
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
	c0 := cpuTime()
	for b.Loop() {
		for _, s := range data {
			if err := AnalyzeSeries(&p, s, opts); err != nil {
				b.Fatal(err)
			}
		}
	}
	cpuMetric(b, c0)
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
			c0 := cpuTime()
			for b.Loop() {
				if _, err := Compute(obs, hasN, AggMean, opts); err != nil {
					b.Fatal(err)
				}
			}
			cpuMetric(b, c0)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(obs)), "ns/point")
		})
	}
}

// BenchmarkBatch10000x60 is the batch goal in one number: 10,000 series
// of 60 points as a run, an i and a p chart each, through one reused
// Panel (the workspace: allocated once, nothing allocated per series).
func BenchmarkBatch10000x60(b *testing.B) {
	const k, m = 10000, 60
	charts := []Chart{ChartRun, ChartI, ChartP}
	data := make([][]Series, len(charts))
	opts := make([]Options, len(charts))
	for c, chart := range charts {
		data[c] = seriesOf(synth(k, m, chart == ChartP), chart == ChartP)
		opts[c] = DefaultOptions(chart)
	}
	var p Panel
	for c := range charts {
		if err := AnalyzeSeries(&p, data[c][0], opts[c]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		for c := range charts {
			for _, s := range data[c] {
				if err := AnalyzeSeries(&p, s, opts[c]); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	cpuMetric(b, c0)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(charts)*k*m), "ns/point")
}

// BenchmarkFromSeries1e6 charts one series of 1,000,000 points from
// scratch: B/op is the memory a million-point chart takes.
func BenchmarkFromSeries1e6(b *testing.B) {
	for _, c := range []Chart{ChartI, ChartP} {
		b.Run(string(c), func(b *testing.B) {
			hasN := c == ChartP
			s := seriesOf(synth(1, 1000000, hasN), hasN)[0]
			opts := DefaultOptions(c)
			b.ReportAllocs()
			c0 := cpuTime()
			for b.Loop() {
				if _, err := FromSeries(s, opts); err != nil {
					b.Fatal(err)
				}
			}
			cpuMetric(b, c0)
		})
	}
}

// bareI is the i chart written as one would by hand for a single phase
// with no exclusions, no NA and no options: R's two-pass mean, the moving
// ranges, their mean screened once at 3.267, the runs analysis and the
// 3-sigma signals. It is the baseline of the engine's overhead
// (BenchmarkBareI1e6 against BenchmarkSingle1e6/i/plain).
func bareI(y []float64, mr []float64, sig []bool) (cl, lcl, ucl float64, longest, crossings, signals int) {
	mean := func(x []float64) float64 {
		var s float64
		for _, v := range x {
			s += v
		}
		m := s / float64(len(x))
		var t float64
		for _, v := range x {
			t += v - m
		}
		return m + t/float64(len(x))
	}
	cl = mean(y)
	mr = mr[:0]
	for i := 1; i < len(y); i++ {
		mr = append(mr, math.Abs(y[i]-y[i-1]))
	}
	amr := mean(mr)
	k := 0
	for _, v := range mr {
		if v < 3.267*amr {
			mr[k] = v
			k++
		}
	}
	sigma := mean(mr[:k]) / 1.128
	lcl, ucl = cl-3*sigma, cl+3*sigma
	// The sides are counted without data-dependent branches, which on
	// noisy data mispredict half the time: the tight form, so the ratio
	// is not flattered by a slow baseline.
	prev, run := 0, 0
	for i, v := range y {
		s := b2i(v > cl) - b2i(v < cl)
		if s != 0 {
			same := b2i(s == prev)
			crossings += (1 - same) * b2i(prev != 0)
			run = run*same + 1
			longest = max(longest, run)
			prev = s
		}
		out := v > ucl || v < lcl
		sig[i] = out
		signals += b2i(out)
	}
	return
}

// BenchmarkBareI1e6 is bareI on the series of BenchmarkSingle1e6/i.
func BenchmarkBareI1e6(b *testing.B) {
	y := seriesOf(synth(1, 1000000, false), false)[0].Y
	mr := make([]float64, 0, len(y))
	sig := make([]bool, len(y))
	var p Panel
	if err := AnalyzeSeries(&p, Series{Y: y}, DefaultOptions(ChartI)); err != nil {
		b.Fatal(err)
	}
	cl, _, ucl, longest, crossings, signals := bareI(y, mr, sig)
	if ps := p.Parts[0]; ps.CL != cl || ps.AUCL != ucl || ps.Runs.LongestRun != longest || ps.Runs.NCrossings != crossings || ps.SigmaSignals != signals {
		b.Fatalf("bare loop disagrees with the engine: %v %v %v %v %v vs %+v", cl, ucl, longest, crossings, signals, ps)
	}
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		bareI(y, mr, sig)
	}
	cpuMetric(b, c0)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(y)), "ns/point")
}
