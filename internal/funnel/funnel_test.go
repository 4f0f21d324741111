package funnel

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestFindsOutlier generates twenty teams around a 40% rate and sets one
// 4 standard errors better: it, and only it, is beyond the 99.8% limit.
func TestFindsOutlier(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	const p = 0.4
	var units []Unit
	for i := range 20 {
		n := float64(80 + r.IntN(200))
		// Results sit on the expected rate, within one standard error.
		sd := math.Sqrt(p * (1 - p) / n)
		rate := p + (r.Float64()*2-1)*sd
		units = append(units, Unit{ID: int64(i + 1), Label: "team", Numerator: math.Round(rate * n), Denominator: n})
	}
	n := 150.0
	units = append(units, Unit{ID: 99, Label: "bright spot", Numerator: math.Round((p + 4*math.Sqrt(p*(1-p)/n)) * n), Denominator: n})
	for _, higher := range []bool{true, false} {
		us := units
		if !higher {
			// The same data read the other way: a low rate is good.
			us = nil
			for _, u := range units {
				u.Numerator = u.Denominator - u.Numerator
				us = append(us, u)
			}
		}
		res, err := Compute(us, higher)
		if err != nil {
			t.Fatal(err)
		}
		c := res.Candidates()
		if len(c) != 1 || c[0].ID != 99 || c[0].Signal != BetterStrong {
			t.Fatalf("higherIsBetter=%v: candidates %+v", higher, c)
		}
	}
}

func TestLimits(t *testing.T) {
	l := At(0.5, 100)
	if math.Abs(l.Upper95-(0.5+1.959964*0.05)) > 1e-9 || math.Abs(l.Lower998-(0.5-3.090232*0.05)) > 1e-9 {
		t.Errorf("limits %+v", l)
	}
	if l := At(0.01, 4); l.Lower95 != 0 {
		t.Errorf("lower limit not clamped: %+v", l)
	}
	if _, err := Compute([]Unit{{Label: "x", Numerator: 5, Denominator: 3}}, true); err == nil {
		t.Error("a numerator over its denominator passed")
	}
	if _, err := Compute([]Unit{{Label: "x"}}, true); err == nil {
		t.Error("no denominators passed")
	}
}
