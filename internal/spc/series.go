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
	// formatted by the caller (the Panel's Labels are then all ""). The
	// Panel shares this slice rather than copying it.
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
	// The labels are the caller's, shared rather than copied; without
	// them every label is "", from a slice that is never written.
	if s.Labels != nil {
		p.Labels = s.Labels
	} else {
		if cap(p.blank) < n {
			p.blank = make([]string, n)
		}
		p.Labels = p.blank[:n]
	}
	if s.Keys != nil {
		copy(p.Key, s.Keys)
	} else {
		for i := range p.Key {
			p.Key[i] = float64(i + 1)
		}
	}
	nan := math.NaN()
	if s.N == nil {
		// One observation per subgroup: qic.agg's values for a single row.
		for i, y := range s.Y {
			if y != y {
				p.YLength[i], p.YMean[i], p.YSum[i] = 0, nan, NA
			} else {
				p.YLength[i], p.YMean[i], p.YSum[i] = 1, y, y
			}
			p.Y[i], p.N[i], p.YSD[i] = p.YMean[i], NA, NA
		}
	} else {
		for i, y := range s.Y {
			nn := s.N[i]
			// qic's complete.cases: a missing y or n makes both missing.
			if y != y || nn != nn {
				y, nn = NA, NA
			}
			ys, ns := y, nn
			if y != y {
				p.YLength[i], p.YMean[i], p.YSum[i] = 0, nan, NA
				ys = 0
			} else {
				p.YLength[i], p.YMean[i], p.YSum[i] = 1, y, y
			}
			if ns != ns {
				ns = 0
			}
			p.N[i], p.Y[i], p.YSD[i] = ns, ys/ns, NA
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
