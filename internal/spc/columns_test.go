package spc

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestComputeColumnsMatchesCompute checks the columnar entry point against
// Compute on shuffled input with facets, part labels, repeated and missing
// x, and missing y and n: a difference in sorting, grouping or level order
// shows as a different panel or point.
func TestComputeColumnsMatchesCompute(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	levels1 := []string{"b", "a", "c", "a"} // a repeated label: two codes, one facet
	levels2 := []string{"x", "y"}
	parts := []string{"before", "after"}
	for _, chart := range Charts {
		for _, hasN := range []bool{false, true} {
			for _, partLabels := range []bool{false, true} {
				const n = 400
				tab := Columns{Levels1: levels1, Levels2: levels2, PartLevels: parts}
				var obs []Obs
				for i := range n {
					key := float64(r.IntN(40))
					if r.IntN(50) == 0 {
						key = math.NaN()
					}
					y := float64(1 + r.IntN(20))
					if r.IntN(30) == 0 {
						y = NA
					}
					nn := float64(20 + r.IntN(20))
					f1, f2 := int32(r.IntN(len(levels1))), int32(r.IntN(len(levels2)))
					part := int32(0)
					if key > 20 {
						part = 1
					}
					_ = i
					tab.Key, tab.Y = append(tab.Key, key), append(tab.Y, y)
					if hasN {
						tab.N = append(tab.N, nn)
					}
					tab.Facet1, tab.Facet2, tab.Part = append(tab.Facet1, f1), append(tab.Facet2, f2), append(tab.Part, part)
					obs = append(obs, tab.Obs(len(tab.Key)-1))
				}
				opts := DefaultOptions(chart)
				opts.PartLabels = partLabels
				want, errW := Compute(obs, hasN, AggMean, opts)
				got, errG := ComputeColumns(&tab, hasN, AggMean, opts)
				if (errW != nil) != (errG != nil) {
					t.Fatalf("%s: errors differ: %v vs %v", chart, errW, errG)
				}
				if errW != nil {
					continue
				}
				if len(got.Panels) != len(want.Panels) {
					t.Fatalf("%s: %d panels, want %d", chart, len(got.Panels), len(want.Panels))
				}
				for pi := range want.Panels {
					a, b := &got.Panels[pi], &want.Panels[pi]
					if a.Facet1 != b.Facet1 || a.Facet2 != b.Facet2 || a.Len() != b.Len() || len(a.Parts) != len(b.Parts) {
						t.Fatalf("%s panel %d: %q %q ×%d, want %q %q ×%d", chart, pi, a.Facet1, a.Facet2, a.Len(), b.Facet1, b.Facet2, b.Len())
					}
					for i := 0; i < a.Len(); i++ {
						x, y := a.Point(i), b.Point(i)
						if x.Key != y.Key || !sameBits(x.Y, y.Y) || !sameBits(x.CL, y.CL) || !sameBits(x.LCL, y.LCL) || !sameBits(x.UCL95, y.UCL95) ||
							!sameBits(x.N, y.N) || !sameBits(x.YSD, y.YSD) || x.Part != y.Part || x.SigmaSignal != y.SigmaSignal || x.RunsSignal != y.RunsSignal {
							t.Fatalf("%s n=%v parts=%v panel %d point %d: %+v, want %+v", chart, hasN, partLabels, pi, i+1, x, y)
						}
					}
				}
			}
		}
	}
}
