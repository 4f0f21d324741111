package suppress

import "math"

// A Ref names one number of a table: a cell, a row or column total, or
// the grand total.
type Ref struct {
	Kind     RefKind
	Row, Col int
}

// RefKind says which number a Ref names.
type RefKind int

// The kinds of numbers in a table.
const (
	RefCell RefKind = iota
	RefRow
	RefCol
	RefGrand
)

// An Exposure is a number the attacker learns too well: a shown count
// between 1 and k-1, or a hidden one between 1 and k-1 whose feasible
// interval [Lo, Hi] is narrower than k.
type Exposure struct {
	Ref
	Value  int
	Lo, Hi float64
	Shown  bool
}

// system is a table and mask as the attacker sees them: the hidden
// numbers are the unknowns y ≥ 0 of the additivity equations A y = b,
// the shown ones moved to b. Numbers are indexed cells first (row by
// row), then row totals, column totals and the grand total.
type system struct {
	rows, cols int
	vals       []int
	hid        []bool
}

func newSystem(t Table, m Mask) *system {
	rows, cols := len(t.N), len(t.ColTotal)
	size := rows*cols + rows + cols + 1
	s := &system{rows: rows, cols: cols, vals: make([]int, 0, size), hid: make([]bool, 0, size)}
	for i := range rows {
		for j := range cols {
			s.vals, s.hid = append(s.vals, t.at(i, j)), append(s.hid, m.Cell[i][j])
		}
	}
	for i := range rows {
		s.vals, s.hid = append(s.vals, t.RowTotal[i]), append(s.hid, m.RowTotal[i])
	}
	for j := range cols {
		s.vals, s.hid = append(s.vals, t.ColTotal[j]), append(s.hid, m.ColTotal[j])
	}
	s.vals, s.hid = append(s.vals, t.Grand), append(s.hid, m.Grand)
	return s
}

// index is r's position in the system.
func (s *system) index(r Ref) (int, bool) {
	switch r.Kind {
	case RefCell:
		if r.Row < 0 || r.Row >= s.rows || r.Col < 0 || r.Col >= s.cols {
			return 0, false
		}
		return r.Row*s.cols + r.Col, true
	case RefRow:
		if r.Row < 0 || r.Row >= s.rows {
			return 0, false
		}
		return s.rows*s.cols + r.Row, true
	case RefCol:
		if r.Col < 0 || r.Col >= s.cols {
			return 0, false
		}
		return s.rows*s.cols + s.rows + r.Col, true
	case RefGrand:
		return len(s.vals) - 1, true
	}
	return 0, false
}

// ref is the number at position x.
func (s *system) ref(x int) Ref {
	n := s.rows * s.cols
	switch {
	case x < n:
		return Ref{RefCell, x / s.cols, x % s.cols}
	case x < n+s.rows:
		return Ref{RefRow, x - n, 0}
	case x < n+s.rows+s.cols:
		return Ref{RefCol, 0, x - n - s.rows}
	}
	return Ref{Kind: RefGrand}
}

// equations calls f with each additivity rule: the positions summed and
// the position of their total (rows, columns, row totals, column totals).
func (s *system) equations(f func(parts []int, total int)) {
	n := s.rows * s.cols
	parts := make([]int, 0, max(s.rows, s.cols))
	for i := range s.rows {
		parts = parts[:0]
		for j := range s.cols {
			parts = append(parts, i*s.cols+j)
		}
		f(parts, n+i)
	}
	for j := range s.cols {
		parts = parts[:0]
		for i := range s.rows {
			parts = append(parts, i*s.cols+j)
		}
		f(parts, n+s.rows+j)
	}
	g := len(s.vals) - 1
	parts = parts[:0]
	for i := range s.rows {
		parts = append(parts, n+i)
	}
	f(parts, g)
	parts = parts[:0]
	for j := range s.cols {
		parts = append(parts, n+s.rows+j)
	}
	f(parts, g)
}

// attacker builds the linear program over the hidden numbers and runs
// its phase one. vars maps a position of s to its unknown's column (-1
// when shown).
func (s *system) attacker() (*tableau, []int, error) {
	vars := make([]int, len(s.hid))
	nv := 0
	for x, h := range s.hid {
		vars[x] = -1
		if h {
			vars[x] = nv
			nv++
		}
	}
	var a [][]float64
	var b []float64
	s.equations(func(parts []int, total int) {
		row := make([]float64, nv)
		rhs := 0.0
		used := false
		term := func(x int, coef float64) {
			if c := vars[x]; c >= 0 {
				row[c] += coef
				used = true
			} else {
				rhs -= coef * float64(s.vals[x])
			}
		}
		for _, p := range parts {
			term(p, 1)
		}
		term(total, -1)
		if used {
			a, b = append(a, row), append(b, rhs)
		}
	})
	if nv == 0 || len(a) == 0 {
		return nil, vars, nil
	}
	tb, err := feasible(a, b, nv)
	return tb, vars, err
}

// Audit returns every number of t that mask m lets an attacker learn
// too well at threshold k: shown counts between 1 and k-1, and hidden
// counts between 1 and k-1 that the shown numbers and the additivity of
// the table (cells sum to their row and column totals, those to the grand
// total, every count ≥ 0) confine to an interval narrower than k. The
// intervals are the linear program's, the best an attacker with all the
// shown numbers of the figure can do with linear algebra; they are exact
// (see lp.go), and where the solver cannot vouch for that a number counts
// as exposed.
func Audit(t Table, m Mask, k int) []Exposure { return audit(t, m, k, false) }

// Safe reports whether mask m exposes nothing of t at threshold k (see
// Audit).
func Safe(t Table, m Mask, k int) bool { return len(audit(t, m, k, true)) == 0 }

// audit is Audit; with first, it stops at the first exposure.
func audit(t Table, m Mask, k int, first bool) []Exposure {
	k = max(k, MinThreshold)
	s := newSystem(t, m)
	var out []Exposure
	var small []int
	for x, v := range s.vals {
		if !smallCount(v, k) {
			continue
		}
		if !s.hid[x] {
			out = append(out, Exposure{Ref: s.ref(x), Value: v, Lo: float64(v), Hi: float64(v), Shown: true})
			if first {
				return out
			}
		} else {
			small = append(small, x)
		}
	}
	if len(small) == 0 {
		return out
	}
	tb, vars, err := s.attacker()
	for _, x := range small {
		lo, hi := math.Inf(-1), math.Inf(1)
		if err == nil && tb != nil {
			lo, hi, err = tb.bounds(vars[x])
		} else if err == nil {
			lo = 0 // no equation ties it: anything goes
		}
		if err != nil {
			// Not vouched for: exposed, so that more is hidden.
			out = append(out, Exposure{Ref: s.ref(x), Value: s.vals[x], Lo: float64(s.vals[x]), Hi: float64(s.vals[x])})
		} else if hi-lo < float64(k) {
			out = append(out, Exposure{Ref: s.ref(x), Value: s.vals[x], Lo: lo, Hi: hi})
		}
		if first && len(out) > 0 {
			return out
		}
	}
	return out
}

// Bounds returns the attacker's interval for one number of t under mask
// m: its value when shown, the linear program's least and greatest value
// when hidden (Hi is +Inf when nothing bounds it).
func Bounds(t Table, m Mask, r Ref) (lo, hi float64, err error) {
	s := newSystem(t, m)
	x, ok := s.index(r)
	if !ok {
		return 0, 0, errBadRef
	}
	if !s.hid[x] {
		return float64(s.vals[x]), float64(s.vals[x]), nil
	}
	tb, vars, err := s.attacker()
	if err != nil {
		return 0, 0, err
	}
	if tb == nil {
		return 0, math.Inf(1), nil
	}
	return tb.bounds(vars[x])
}
