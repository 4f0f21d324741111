package spc

import (
	"errors"
	"fmt"
)

// Series is a chart's input with one observation per subgroup, already in
// x order: the usual case of a web chart of (date, value) or (date,
// numerator, denominator) points. It skips the aggregation step.
type Series struct {
	// Keys are the subgroups' x (DateKey for dates); nil means 1..len(Y).
	Keys []float64
	// Labels are how x is shown; nil means the keys as numbers or dates are
	// formatted by the caller.
	Labels []string
	// Y are the values or numerators; NA for missing.
	Y []float64
	// N are the denominators; nil for charts without one.
	N []float64
}

// ErrLength is returned when a Series' slices differ in length.
var ErrLength = errors.New("series slices differ in length")

// AnalyzeSeries computes one panel from a Series into p, reusing p's
// memory: with a warm Panel it allocates nothing. It gives the same result
// as Compute on the same observations.
func AnalyzeSeries(p *Panel, s Series, opts Options) error {
	n := len(s.Y)
	if (s.Keys != nil && len(s.Keys) != n) || (s.Labels != nil && len(s.Labels) != n) || (s.N != nil && len(s.N) != n) {
		return fmt.Errorf("analyze series of %d values: %w", n, ErrLength)
	}
	if cap(p.sg) < n {
		p.sg = make([]Subgroup, n)
	}
	sg := p.sg[:n]
	hasN := s.N != nil
	agg := AggMean
	for i := range sg {
		o := Obs{Key: float64(i + 1), Y: s.Y[i], N: NA}
		if s.Keys != nil {
			o.Key = s.Keys[i]
		}
		if s.Labels != nil {
			o.Label = s.Labels[i]
		}
		if hasN {
			o.N = s.N[i]
		}
		sg[i] = single(o, hasN, agg)
	}
	return AnalyzeInto(p, sg, hasN, opts)
}
