package spc

import (
	"errors"
	"math"
)

// Direction is the improvement direction of a Making Data Count chart.
type Direction int

// Improvement directions (NHSRplotthedots improvement_direction).
const (
	Increase Direction = 1
	Decrease Direction = -1
	Neutral  Direction = 0
)

// ParseDirection returns the Direction named s (increase, decrease, neutral).
func ParseDirection(s string) (Direction, bool) {
	switch s {
	case "increase":
		return Increase, true
	case "decrease":
		return Decrease, true
	case "neutral":
		return Neutral, true
	}
	return 0, false
}

// MDCOptions are ptd_spc()'s arguments.
type MDCOptions struct {
	// FixAfter fixes the mean and limits on the first FixAfter points of each
	// rebase group; 0 for all points.
	FixAfter int
	// Rebase lists the Keys at which a new rebase group starts.
	Rebase []float64
	// Improvement is the direction in which the measure improves.
	Improvement Direction
	// Target, when not NaN, gives the assurance verdict.
	Target float64
	// ScreenOutliers drops moving ranges ≥ 3.267·AMR (default true).
	ScreenOutliers bool
}

// DefaultMDCOptions are ptd_spc()'s defaults.
func DefaultMDCOptions() MDCOptions {
	return MDCOptions{Improvement: Increase, Target: math.NaN(), ScreenOutliers: true}
}

// MDCPoint is one row of ptd_spc()'s output.
type MDCPoint struct {
	Key               float64
	Label             string
	Y, FixY           float64
	RebaseGroup       int
	Mean, LPL, UPL    float64
	OutsideLimits     bool
	RelativeToMean    int
	CloseToLimits     bool
	SpecialCauseType  string
	SpecialCauseFlag  bool
	PointType         string
	ShortGroupWarning bool
}

// MDCSummary is summary.ptd_spc_df for one rebase group of a facet.
type MDCSummary struct {
	RebaseGroup int
	// Mean, LPL and UPL are those of the group's first point.
	Mean, LPL, UPL float64
	// N is the number of points; CommonCause those without a special cause.
	N, CommonCause, Improvement, Concern int
	// VariationType is the point type of the group's last point:
	// common_cause, special_cause_improvement, special_cause_concern or
	// special_cause_neutral_high/low.
	VariationType string
	// AssuranceType is consistent_pass, consistent_fail or inconsistent,
	// given only on the facet's last group and only with a target and a
	// direction; empty otherwise.
	AssuranceType string
}

// MDCFacet is one facet of a Making Data Count chart with its verdicts.
type MDCFacet struct {
	Facet  string
	Points []MDCPoint
	// Groups summarise each rebase group in order.
	Groups []MDCSummary
	// Mean, LPL, UPL, the counts and the verdicts repeat those of the last
	// group, which describe the process as it is now.
	Mean, LPL, UPL                    float64
	CommonCause, Improvement, Concern int
	VariationType, AssuranceType      string
}

// ErrMissingY is returned by MakingDataCount for a missing value, as
// ptd_spc() stops on NA.
var ErrMissingY = errors.New("y contains missing values")

// The constants of the XmR process limits used by Making Data Count:
// 2.66 = 3/d2 rounded, and the near-limit band at 2/3 of it.
const (
	mdcLimit = 2.66
	mdcClose = 2 * (mdcLimit / 3)
)

// MakingDataCount computes one facet's XmR chart and signals the way
// NHSRplotthedots 0.2.2 (ptd_spc_standard and ptd_calculate_point_type)
// does. obs must be sorted by Key.
func MakingDataCount(obs []Obs, o MDCOptions) (MDCFacet, error) {
	var f MDCFacet
	pts := make([]MDCPoint, len(obs))
	for i, ob := range obs {
		if ob.Y != ob.Y {
			return f, ErrMissingY
		}
		pts[i] = MDCPoint{Key: ob.Key, Label: ob.Label, Y: ob.Y}
	}
	group := 0
	for i := range pts {
		for _, r := range o.Rebase {
			if r == pts[i].Key {
				group++
				break
			}
		}
		pts[i].RebaseGroup = group
	}
	for start := 0; start < len(pts); {
		end := start + 1
		for end < len(pts) && pts[end].RebaseGroup == pts[start].RebaseGroup {
			end++
		}
		mdcGroup(pts[start:end], o)
		start = end
	}
	f.Points = pts
	for start := 0; start < len(pts); {
		end := start + 1
		for end < len(pts) && pts[end].RebaseGroup == pts[start].RebaseGroup {
			end++
		}
		g := pts[start:end]
		sum := MDCSummary{RebaseGroup: g[0].RebaseGroup, Mean: g[0].Mean, LPL: g[0].LPL, UPL: g[0].UPL, N: len(g)}
		for _, p := range g {
			if !p.SpecialCauseFlag {
				sum.CommonCause++
			}
			switch p.PointType {
			case "special_cause_improvement":
				sum.Improvement++
			case "special_cause_concern":
				sum.Concern++
			}
		}
		sum.VariationType = g[len(g)-1].PointType
		f.Groups = append(f.Groups, sum)
		start = end
	}
	if len(pts) == 0 {
		return f, nil
	}
	last := pts[len(pts)-1]
	if o.Target == o.Target && o.Improvement != Neutral {
		f.Groups[len(f.Groups)-1].AssuranceType = Assurance(o.Target, last.LPL, last.UPL, o.Improvement)
	}
	g := f.Groups[len(f.Groups)-1]
	f.Mean, f.LPL, f.UPL = g.Mean, g.LPL, g.UPL
	f.CommonCause, f.Improvement, f.Concern = g.CommonCause, g.Improvement, g.Concern
	f.VariationType, f.AssuranceType = g.VariationType, g.AssuranceType
	return f, nil
}

// Assurance is NHSRplotthedots' ptd_calculate_assurance_type: a target
// beyond the process limits is always (or never) met.
func Assurance(target, lpl, upl float64, dir Direction) string {
	switch {
	case target > upl:
		if dir == Increase {
			return "consistent_fail"
		}
		return "consistent_pass"
	case target < lpl:
		if dir == Increase {
			return "consistent_pass"
		}
		return "consistent_fail"
	}
	return "inconsistent"
}

func mdcGroup(g []MDCPoint, o MDCOptions) {
	fix := len(g)
	if o.FixAfter > 0 && o.FixAfter < fix {
		fix = o.FixAfter
	}
	for i := range g {
		g[i].FixY = NA
		if i < fix {
			g[i].FixY = g[i].Y
		}
		g[i].ShortGroupWarning = len(g) < 13
	}
	ys := make([]float64, fix)
	for i := range ys {
		ys[i] = g[i].Y
	}
	m := mean(ys)
	mr := make([]float64, 0, fix)
	for i := 1; i < fix; i++ {
		mr = append(mr, math.Abs(ys[i]-ys[i-1]))
	}
	amr := meanNA(mr)
	if o.ScreenOutliers {
		ul := 3.267 * amr
		k := 0
		for _, v := range mr {
			if v < ul {
				mr[k] = v
				k++
			}
		}
		amr = meanNA(mr[:k])
	}
	lpl, upl := m-mdcLimit*amr, m+mdcLimit*amr
	nlpl, nupl := m-mdcClose*amr, m+mdcClose*amr
	for i := range g {
		p := &g[i]
		p.Mean, p.LPL, p.UPL = m, lpl, upl
		p.OutsideLimits = SigmaSignal(p.Y, lpl, upl)
		switch {
		case p.Y > m:
			p.RelativeToMean = 1
		case p.Y < m:
			p.RelativeToMean = -1
		}
		p.CloseToLimits = !p.OutsideLimits && (p.Y < nlpl || p.Y > nupl)
	}
	classify(g, o.Improvement)
}

// classify names each point's special cause, highest precedence first:
// outside the limits, a 7-point trend, 2 of 3 near a limit, 7 points on one
// side (NHS England "Making Data Count"; NHSRplotthedots).
func classify(g []MDCPoint, dir Direction) {
	n := len(g)
	typ := make([]string, n)
	// side is the direction of the special cause: the side of the mean, or
	// for a trend its direction, which decides improvement or concern.
	side := make([]int, n)
	for i := range g {
		side[i] = g[i].RelativeToMean
	}
	for i := range g {
		if g[i].OutsideLimits {
			if g[i].RelativeToMean > 0 {
				typ[i] = "Above UCL"
			} else {
				typ[i] = "Below LCL"
			}
		}
	}
	for i, t := range MDCTrend(ys(g)) {
		if t != 0 && typ[i] == "" {
			side[i] = t
			if t > 0 {
				typ[i] = "7 Point Trend (Increasing)"
			} else {
				typ[i] = "7 Point Trend (Decreasing)"
			}
		}
	}
	for i, t := range mdcTwoInThree(g) {
		if t != 0 && typ[i] == "" {
			if t > 0 {
				typ[i] = "2 in 3 Above CL"
			} else {
				typ[i] = "2 in 3 Below CL"
			}
		}
	}
	for i, t := range mdcSevenOneSide(g) {
		if t != 0 && typ[i] == "" {
			if t > 0 {
				typ[i] = "7 Points Above CL"
			} else {
				typ[i] = "7 Points Below CL"
			}
		}
	}
	for i := range g {
		p := &g[i]
		if typ[i] == "" {
			p.SpecialCauseType = "Common Cause"
			p.PointType = "common_cause"
			continue
		}
		p.SpecialCauseType = typ[i]
		p.SpecialCauseFlag = true
		switch {
		case dir == Neutral && side[i] < 0:
			p.PointType = "special_cause_neutral_low"
		case dir == Neutral:
			p.PointType = "special_cause_neutral_high"
		case side[i] == int(dir):
			p.PointType = "special_cause_improvement"
		default:
			p.PointType = "special_cause_concern"
		}
	}
}

func ys(g []MDCPoint) []float64 {
	y := make([]float64, len(g))
	for i := range g {
		y[i] = g[i].Y
	}
	return y
}

// MDCTrend is Making Data Count's trend rule: every point of a run of 7 or
// more strictly increasing values is marked +1, strictly decreasing −1; a
// tie breaks the run (NHS England, "Making Data Count: Strengthening your
// decisions", 2019; NHSRplotthedots ptd_seven_point_trend).
func MDCTrend(y []float64) []int {
	out := make([]int, len(y))
	for s := 0; s < len(y); {
		e := s
		dir := 0
		for e+1 < len(y) {
			d := sign(y[e+1] - y[e])
			if d == 0 || (dir != 0 && d != dir) {
				break
			}
			dir = d
			e++
		}
		if e-s+1 >= 7 {
			for i := s; i <= e; i++ {
				out[i] = dir
			}
		}
		if e == s {
			s++
		} else {
			s = e
		}
	}
	return out
}

// mdcTwoInThree is Making Data Count's "2 of 3" rule: in any 3
// consecutive points, all on the same side of the mean, of which at least 2
// lie beyond 2 sigma (the near-limit band), those near-limit points are
// marked with their side (NHS England 2019; NHSRplotthedots
// ptd_two_in_three).
func mdcTwoInThree(g []MDCPoint) []int {
	out := make([]int, len(g))
	for s := 0; s+3 <= len(g); s++ {
		close, side := 0, 0
		for i := s; i < s+3; i++ {
			if g[i].CloseToLimits {
				close++
			}
			side += g[i].RelativeToMean
		}
		if close >= 2 && (side == 3 || side == -3) {
			for i := s; i < s+3; i++ {
				if g[i].CloseToLimits {
					out[i] = side / 3
				}
			}
		}
	}
	return out
}

// mdcSevenOneSide is Making Data Count's shift rule: every point of a run
// of 7 or more points strictly on one side of the mean is marked with its
// side; a point on the mean breaks the run (NHS England 2019;
// NHSRplotthedots ptd_seven_point_one_side_mean).
func mdcSevenOneSide(g []MDCPoint) []int {
	out := make([]int, len(g))
	for s := 0; s < len(g); {
		e := s
		for e+1 < len(g) && g[e+1].RelativeToMean == g[s].RelativeToMean {
			e++
		}
		if g[s].RelativeToMean != 0 && e-s+1 >= 7 {
			for i := s; i <= e; i++ {
				out[i] = g[s].RelativeToMean
			}
		}
		s = e + 1
	}
	return out
}

func sign(v float64) int {
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}
