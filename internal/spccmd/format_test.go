package spccmd

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/goeswell/goeswell/internal/spc"
)

// reference is the README's rule spelled out: the first of %.15g, %.16g,
// %.17g that reads back to the same double.
func reference(v float64) string {
	for _, p := range []int{15, 16, 17} {
		s := fmt.Sprintf("%.*g", p, v)
		if r, _ := strconv.ParseFloat(s, 64); r == v {
			return s
		}
	}
	return fmt.Sprintf("%.17g", v)
}

func TestFormatNum(t *testing.T) {
	fixed := []struct {
		v    float64
		want string
	}{
		{spc.NA, "NA"}, {math.NaN(), "NaN"}, {math.Inf(1), "Inf"}, {math.Inf(-1), "-Inf"},
		{math.Copysign(0, -1), "0"}, {0.1, "0.1"}, {1e-5, "1e-05"}, {1e15, "1e+15"},
		{123456, "123456"}, {9.131264999999999, "9.131264999999999"}, {1.0 / 3, "0.3333333333333333"},
		{math.Float64frombits(31839183883991), "1.57306469487022e-310"}, // subnormal: shortest form shorter than %.15g
	}
	for _, f := range fixed {
		if got := formatNum(f.v); got != f.want {
			t.Errorf("formatNum(%v) = %q, want %q", f.v, got, f.want)
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20000; i++ {
		var v float64
		switch i % 3 {
		case 0:
			v = math.Float64frombits(r.Uint64())
		case 1:
			v = r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
		default:
			v = float64(r.IntN(100000)) / float64(1+r.IntN(1000))
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || v == 0 {
			continue
		}
		if got, want := formatNum(v), reference(v); got != want {
			t.Fatalf("formatNum(%b) = %q, want %q", v, got, want)
		}
	}
}

// TestFormatNumIntegers checks the integer shortcut against the rule near
// its edges and at random.
func TestFormatNumIntegers(t *testing.T) {
	vs := []float64{1, -1, 9, 10, 100000, 999999, 1e6, -1e6, 1234567, 1e14, 1e15 - 1, -(1e15 - 1), 1e15, 1e15 + 2, 1e16, 1e17, 1e21, 1e300}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		v := math.Trunc(math.Ldexp(r.Float64(), r.IntN(60)))
		if r.IntN(2) == 0 {
			v = -v
		}
		vs = append(vs, v)
	}
	for _, v := range vs {
		if v == 0 {
			continue // -0 is written 0, unlike %g: TestFormatNum has it
		}
		if got, want := formatNum(v), reference(v); got != want {
			t.Errorf("formatNum(%v) = %q, want %q", v, got, want)
		}
	}
}
