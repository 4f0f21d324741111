package suppress

import (
	"errors"
	"math"
)

// This file is a small simplex method, exact for the problems the audit
// gives it. A table with its margins is a circulation in a network
// (source → row total → cell → column total → sink → grand total →
// source), so its additivity equations are rows of a node–arc incidence
// matrix, which is totally unimodular; so is that matrix with an identity
// beside it (phase one's artificial variables). Every basis inverse of
// such a matrix is integral, so every tableau entry, every right-hand side
// and every optimum is an integer, and float64 holds them exactly (counts
// are far below 2^53). pivot checks this after every step and gives up
// with errInexact rather than return a rounded answer; the audit then
// treats the cell as exposed, so a surprise can only hide more, never
// less.

var (
	errInexact    = errors.New("suppress: non-integral tableau")
	errInfeasible = errors.New("suppress: the published values are inconsistent")
)

// tableau is a dense simplex tableau: rows[r] holds the coefficients of
// row r and, last, its right-hand side; basis[r] is the variable basic in
// row r.
type tableau struct {
	rows  [][]float64
	basis []int
	n     int // structural variables (artificials follow them)
}

// feasible builds a tableau for A y = b, y ≥ 0, and runs phase one. It
// returns a tableau whose basis is feasible and holds no artificial
// variable (redundant equations are dropped).
func feasible(a [][]float64, b []float64, n int) (*tableau, error) {
	m := len(a)
	t := &tableau{n: n}
	for r := range m {
		row := make([]float64, n+m+1)
		s := 1.0
		if b[r] < 0 {
			s = -1
		}
		for j := range n {
			row[j] = s * a[r][j]
		}
		row[n+r] = 1
		row[n+m] = s * b[r]
		t.rows = append(t.rows, row)
		t.basis = append(t.basis, n+r)
	}
	// Phase one: minimize the sum of the artificials.
	cost := make([]float64, n+m)
	for r := range m {
		cost[n+r] = 1
	}
	val, err := t.optimize(cost, n+m)
	if err != nil {
		return nil, err
	}
	if val > 0.5 {
		return nil, errInfeasible
	}
	// Drive artificials out of the basis; a row where none can leave is a
	// redundant equation.
	for r := 0; r < len(t.rows); r++ {
		if t.basis[r] < n {
			continue
		}
		col := -1
		for j := range n {
			if t.rows[r][j] != 0 {
				col = j
				break
			}
		}
		if col < 0 {
			t.rows = append(t.rows[:r], t.rows[r+1:]...)
			t.basis = append(t.basis[:r], t.basis[r+1:]...)
			r--
			continue
		}
		if err := t.pivot(r, col); err != nil {
			return nil, err
		}
	}
	// Artificial columns are no longer needed: keep the right-hand side
	// last by moving it, so phase two sees n variables only.
	for r, row := range t.rows {
		row[n] = row[len(row)-1]
		t.rows[r] = row[:n+1]
	}
	return t, nil
}

func (t *tableau) clone() *tableau {
	c := &tableau{n: t.n, basis: append([]int(nil), t.basis...), rows: make([][]float64, len(t.rows))}
	if len(t.rows) == 0 {
		return c
	}
	w := len(t.rows[0])
	flat := make([]float64, w*len(t.rows))
	for r, row := range t.rows {
		c.rows[r] = flat[r*w : (r+1)*w : (r+1)*w]
		copy(c.rows[r], row)
	}
	return c
}

// optimize minimizes cost·y over the first nv variables from the current
// feasible basis with Bland's rule (no cycling on the many degenerate
// vertices of a table with zeros). It returns the minimum, or +Inf
// negated (-Inf) when unbounded.
func (t *tableau) optimize(cost []float64, nv int) (float64, error) {
	rhs := len(t.rows[0]) - 1
	for {
		// Reduced costs: c_j - c_B B^-1 a_j, with the tableau already B^-1 A.
		enter := -1
		for j := range nv {
			d := cost[j]
			for r, row := range t.rows {
				d -= cost[t.basis[r]] * row[j]
			}
			if d < -0.5 { // integers: a negative reduced cost is at most -1
				enter = j
				break
			}
		}
		if enter < 0 {
			v := 0.0
			for r, row := range t.rows {
				v += cost[t.basis[r]] * row[rhs]
			}
			return v, nil
		}
		leave := -1
		var best float64
		for r, row := range t.rows {
			if row[enter] > 0.5 {
				ratio := row[rhs] / row[enter]
				if leave < 0 || ratio < best || (ratio == best && t.basis[r] < t.basis[leave]) {
					leave, best = r, ratio
				}
			}
		}
		if leave < 0 {
			return math.Inf(-1), nil
		}
		if err := t.pivot(leave, enter); err != nil {
			return 0, err
		}
	}
}

// pivot makes variable col basic in row r, checking that the tableau
// stays integral.
func (t *tableau) pivot(r, col int) error {
	p := t.rows[r][col]
	if p != 1 && p != -1 {
		return errInexact
	}
	pr := t.rows[r]
	for j := range pr {
		pr[j] /= p
	}
	for i, row := range t.rows {
		if i == r || row[col] == 0 {
			continue
		}
		f := row[col]
		for j := range row {
			row[j] -= f * pr[j]
			if row[j] != math.Trunc(row[j]) || math.Abs(row[j]) > 1<<50 {
				return errInexact
			}
		}
	}
	t.basis[r] = col
	return nil
}

// bounds returns the least and greatest value of variable v over the
// tableau's feasible set (hi is +Inf when unbounded).
func (t *tableau) bounds(v int) (lo, hi float64, err error) {
	cost := make([]float64, t.n)
	cost[v] = 1
	if lo, err = t.clone().optimize(cost, t.n); err != nil {
		return 0, 0, err
	}
	cost[v] = -1
	neg, err := t.clone().optimize(cost, t.n)
	if err != nil {
		return 0, 0, err
	}
	return lo, -neg, nil
}
