package spc

import (
	"errors"
	"fmt"
	"math"
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
	p.resize(n)
	if cap(p.Labels) < n {
		p.Labels = make([]string, 0, n)
	}
	p.Labels = p.Labels[:0]
	hasN := s.N != nil
	for i, y := range s.Y {
		key := float64(i + 1)
		if s.Keys != nil {
			key = s.Keys[i]
		}
		nn := NA
		if hasN {
			nn = s.N[i]
			// qic's complete.cases: a missing y or n makes both missing.
			if y != y || nn != nn {
				y, nn = NA, NA
			}
		}
		// One observation per subgroup: qic.agg's values for a single row.
		p.Key[i], p.YSum[i], p.YSD[i] = key, y, NA
		if y != y {
			p.YLength[i], p.YMean[i], p.YSum[i] = 0, math.NaN(), NA
		} else {
			p.YLength[i], p.YMean[i] = 1, y
		}
		if hasN {
			ys, ns := y, nn
			if ys != ys {
				ys = 0
			}
			if ns != ns {
				ns = 0
			}
			p.N[i], p.Y[i] = ns, ys/ns
		} else {
			p.N[i], p.Y[i] = NA, p.YMean[i]
		}
		if s.Labels != nil {
			p.Labels = append(p.Labels, s.Labels[i])
		} else {
			p.Labels = append(p.Labels, "")
		}
	}
	opts.PartLabels = false
	return p.analyze(nil, opts)
}

// FromSeries computes a single-panel Result from a Series: the one call a
// web page needs to chart (date, value) or (date, numerator, denominator)
// points. Use DateKey for the keys of dates.
func FromSeries(s Series, opts Options) (*Result, error) {
	r := &Result{Chart: opts.Chart, Rules: ruleSet(opts), Method: method(opts), HasN: s.N != nil, Panels: make([]Panel, 1)}
	if err := AnalyzeSeries(&r.Panels[0], s, opts); err != nil {
		return nil, err
	}
	return r, nil
}
