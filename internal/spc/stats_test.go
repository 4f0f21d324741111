package spc

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestMedianInPlace checks the quickselect median against a sort, on
// lengths around the insertion-sort cut-off and inputs full of ties,
// sorted and reversed runs, where a partition scheme goes wrong first.
func TestMedianInPlace(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 300; n++ {
		for shape := range 5 {
			x := make([]float64, n)
			for i := range x {
				switch shape {
				case 0:
					x[i] = r.NormFloat64()
				case 1:
					x[i] = float64(r.IntN(3))
				case 2:
					x[i] = float64(i)
				case 3:
					x[i] = float64(n - i)
				case 4:
					x[i] = 7
				}
			}
			s := slices.Clone(x)
			slices.Sort(s)
			want := s[n/2]
			if n%2 == 0 {
				want = (s[n/2-1] + s[n/2]) / 2
			}
			if got := medianInPlace(x); got != want {
				t.Fatalf("n %d shape %d: median %v, want %v", n, shape, got, want)
			}
		}
	}
}
