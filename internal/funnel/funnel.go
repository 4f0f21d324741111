// Package funnel computes funnel plots for comparing teams' rates against
// their collaborative's: each team's proportion is plotted against its
// denominator, with control limits around the collaborative's rate that
// narrow as the denominator grows (Spiegelhalter, "Funnel plots for
// comparing institutional performance", Statistics in Medicine 2005).
//
// Limits use the normal approximation to the binomial,
// p0 ± z·√(p0(1−p0)/n), with z = 1.96 (95%) and z = 3.09 (99.8%), clamped to
// [0, 1]. A team beyond a limit in the good direction is a candidate
// positive outlier — a place to start a positive-deviance inquiry, not a
// verdict.
package funnel

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// The z values of the two funnels.
const (
	Z95  = 1.959964
	Z998 = 3.090232
)

// A Unit is one team's result for a period: how many of how many.
type Unit struct {
	ID          int64
	Label       string
	Numerator   float64
	Denominator float64
}

// Signal says where a unit sits against the limits.
type Signal string

// The signals, from the best to the worst side of the funnel.
const (
	BetterStrong Signal = "better_998" // beyond the 99.8% limit, good side
	Better       Signal = "better_95"  // beyond the 95% limit, good side
	Within       Signal = "within"
	Worse        Signal = "worse_95"
	WorseStrong  Signal = "worse_998"
)

// Point is one unit on the plot.
type Point struct {
	Unit
	Rate               float64
	Lower95, Upper95   float64
	Lower998, Upper998 float64
	Z                  float64 // (rate − p0) / sd; positive = above
	Signal             Signal
	Candidate          bool // beyond a limit in the good direction
}

// Result is a computed funnel plot.
type Result struct {
	// Rate is the collaborative's pooled rate p0 = Σ numerators / Σ denominators.
	Rate   float64
	Points []Point
	// Curve samples the limits along the denominator axis, for drawing.
	Curve []Limits
}

// Limits are the four limits at one denominator.
type Limits struct {
	N                                    float64
	Lower95, Upper95, Lower998, Upper998 float64
}

// At returns the limits around rate p0 at denominator n.
func At(p0, n float64) Limits {
	sd := math.Sqrt(p0 * (1 - p0) / n)
	c := func(x float64) float64 { return math.Min(1, math.Max(0, x)) }
	return Limits{N: n, Lower95: c(p0 - Z95*sd), Upper95: c(p0 + Z95*sd), Lower998: c(p0 - Z998*sd), Upper998: c(p0 + Z998*sd)}
}

// Compute places every unit against the pooled rate. higherIsBetter says
// which side is good. Units with a zero denominator are left out; a
// negative value or a numerator over its denominator is an error naming
// the unit.
func Compute(units []Unit, higherIsBetter bool) (Result, error) {
	var num, den float64
	var use []Unit
	for _, u := range units {
		if u.Denominator < 0 || u.Numerator < 0 || u.Numerator > u.Denominator {
			return Result{}, fmt.Errorf("funnel: unit %q: numerator %g of denominator %g is not a proportion", u.Label, u.Numerator, u.Denominator)
		}
		if u.Denominator == 0 {
			continue
		}
		num += u.Numerator
		den += u.Denominator
		use = append(use, u)
	}
	if den == 0 {
		return Result{}, errors.New("funnel: no unit has a denominator")
	}
	p0 := num / den
	res := Result{Rate: p0}
	maxN := 0.0
	for _, u := range use {
		l := At(p0, u.Denominator)
		p := Point{Unit: u, Rate: u.Numerator / u.Denominator, Lower95: l.Lower95, Upper95: l.Upper95, Lower998: l.Lower998, Upper998: l.Upper998}
		if sd := math.Sqrt(p0 * (1 - p0) / u.Denominator); sd > 0 {
			p.Z = (p.Rate - p0) / sd
		}
		hi, lo := Better, Worse
		hiS, loS := BetterStrong, WorseStrong
		if !higherIsBetter {
			hi, lo, hiS, loS = Worse, Better, WorseStrong, BetterStrong
		}
		switch {
		case p.Rate > p.Upper998:
			p.Signal = hiS
		case p.Rate > p.Upper95:
			p.Signal = hi
		case p.Rate < p.Lower998:
			p.Signal = loS
		case p.Rate < p.Lower95:
			p.Signal = lo
		default:
			p.Signal = Within
		}
		p.Candidate = p.Signal == Better || p.Signal == BetterStrong
		res.Points = append(res.Points, p)
		maxN = math.Max(maxN, u.Denominator)
	}
	sort.SliceStable(res.Points, func(i, j int) bool { return res.Points[i].Denominator < res.Points[j].Denominator })
	for i := 1; i <= 50; i++ {
		res.Curve = append(res.Curve, At(p0, maxN*1.05*float64(i)/50))
	}
	return res, nil
}

// Candidates returns the units beyond a limit on the good side, the
// strongest first.
func (r Result) Candidates() []Point {
	var out []Point
	for _, p := range r.Points {
		if p.Candidate {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return math.Abs(out[i].Z) > math.Abs(out[j].Z) })
	return out
}
