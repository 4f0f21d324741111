package spc

import (
	"encoding/binary"
	"math"
	"testing"
)

// values decodes fuzz bytes into small finite numbers (two bytes each) so
// the engine sees realistic series, ties and points on the centre line.
func values(data []byte) []float64 {
	out := make([]float64, 0, len(data)/2)
	for i := 0; i+1 < len(data); i += 2 {
		out = append(out, float64(int16(binary.LittleEndian.Uint16(data[i:])))/8)
	}
	return out
}

// FuzzAnalyze checks that every chart and rule set survives any finite
// series without panicking, and that numbers that must exist do.
func FuzzAnalyze(f *testing.F) {
	f.Add([]byte{1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0}, uint8(0), uint8(0))
	f.Add([]byte{8, 0, 8, 0, 8, 0, 8, 0}, uint8(1), uint8(1))
	f.Add([]byte{0, 0, 255, 255, 16, 0, 0, 128, 1, 0}, uint8(5), uint8(2))
	f.Add([]byte{10, 0, 3, 0, 7, 0, 9, 0, 1, 0, 2, 0, 40, 0, 6, 0, 5, 0}, uint8(6), uint8(3))
	f.Add([]byte{}, uint8(2), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, chartSel, optSel uint8) {
		y := values(data)
		chart := Charts[int(chartSel)%len(Charts)]
		opts := DefaultOptions(chart)
		opts.Rules = []RuleSet{RulesAnhoej, RulesIHI}[optSel%2]
		if optSel&2 != 0 && len(y) > 3 {
			opts.Parts = []int{len(y) / 2}
		}
		if optSel&4 != 0 && len(y) > 3 {
			opts.Exclude = []int{2}
		}
		if optSel&8 != 0 {
			opts.Freeze = len(y) / 2
		}
		opts.ScreenMR = optSel&16 == 0
		s := Series{Y: y}
		if chart == ChartP || chart == ChartPP || chart == ChartU || chart == ChartUP || chart == ChartIP {
			// Counts out of positive denominators.
			s.N = make([]float64, len(y))
			for i := range y {
				y[i] = math.Abs(math.Round(y[i]))
				s.N[i] = y[i] + float64(i%7) + 1
			}
		}
		if chart == ChartT || chart == ChartG || chart == ChartC {
			for i := range y {
				y[i] = math.Abs(y[i]) + 1
			}
		}
		var p Panel
		if err := AnalyzeSeries(&p, s, opts); err != nil {
			t.Fatalf("%s: %v", chart, err)
		}
		if p.Len() != len(y) {
			t.Fatalf("%d points for %d values", p.Len(), len(y))
		}
		for _, ps := range p.Parts {
			r := ps.Runs
			if r.NUseful > r.NObs || (r.Valid && (r.LongestRun > r.NUseful || r.NCrossings >= r.NUseful || r.LongestRun < 1)) {
				t.Fatalf("inconsistent runs %+v", r)
			}
			seg := make([]Point, 0, ps.Last-ps.First)
			for i := ps.First; i < ps.Last; i++ {
				seg = append(seg, p.Point(i))
			}
			base := 0
			for _, q := range seg {
				if q.Baseline && q.Include {
					base++
				}
			}
			// A centre line is due whenever the part has baseline points;
			// the MR chart needs two and the S chart subgroups of two or
			// more, which a Series never has.
			due := base > 0 && chart != ChartS && !(chart == ChartMR && len(seg) < 2)
			if chart == ChartMR && base == 1 && seg[0].Baseline && seg[0].Include {
				due = false
			}
			if due && math.IsNaN(ps.CL) {
				t.Fatalf("%s part %d: CL is NaN with %d baseline points: %v", chart, ps.Part, base, y)
			}
			// Limits are due on an I chart once two consecutive baseline
			// points differ, and on C, P and U charts whenever the centre
			// line exists (every denominator here is positive).
			limitsDue := false
			switch chart {
			case ChartI:
				prev := math.NaN()
				for _, q := range seg {
					if q.Baseline && q.Include {
						if prev == prev && q.Y != prev {
							limitsDue = true
						}
						prev = q.Y
					}
				}
			case ChartC, ChartP, ChartU:
				limitsDue = due && opts.Multiply == 1
			}
			for _, q := range seg {
				if limitsDue && (math.IsNaN(q.LCL) || math.IsNaN(q.UCL)) {
					t.Fatalf("%s part %d: limits NA at x=%v: %v", chart, ps.Part, q.XX, y)
				}
				if !math.IsNaN(q.LCL) && !math.IsNaN(q.UCL) && q.LCL > q.UCL {
					t.Fatalf("%s: LCL %v > UCL %v", chart, q.LCL, q.UCL)
				}
				if math.IsInf(q.LCL, 0) || math.IsInf(q.UCL, 0) {
					t.Fatalf("%s: infinite limit", chart)
				}
			}
		}
	})
}

// FuzzMakingDataCount checks the NHS rules on any finite series.
func FuzzMakingDataCount(f *testing.F) {
	f.Add([]byte{1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8, 0}, uint8(0))
	f.Add([]byte{8, 0, 8, 0, 8, 0, 8, 0}, uint8(1))
	f.Add([]byte{}, uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, sel uint8) {
		y := values(data)
		obs := make([]Obs, len(y))
		for i, v := range y {
			obs[i] = Obs{Key: float64(i), Y: v}
		}
		o := DefaultMDCOptions()
		o.Improvement = []Direction{Increase, Decrease, Neutral}[int(sel)%3]
		if sel&4 != 0 {
			o.FixAfter = len(y) / 2
		}
		if sel&8 != 0 && len(y) > 2 {
			o.Rebase = []float64{float64(len(y) / 2)}
		}
		if sel&16 != 0 && len(y) > 0 {
			o.Target = y[0]
		}
		fc, err := MakingDataCount(obs, o)
		if err != nil {
			t.Fatal(err)
		}
		if fc.CommonCause+fc.Improvement+fc.Concern > len(y) {
			t.Fatalf("counts exceed points")
		}
		for _, p := range fc.Points {
			if math.IsNaN(p.Mean) {
				t.Fatalf("mean is NaN for %v", y)
			}
			if p.SpecialCauseFlag == (p.PointType == "common_cause") {
				t.Fatalf("flag %v with type %s", p.SpecialCauseFlag, p.PointType)
			}
		}
	})
}
