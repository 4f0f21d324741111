// Package suppress decides which numbers of a table of counts may be shown
// without revealing a group smaller than a threshold k, the small-cell
// rule statistical offices use for survey results.
//
// A figure is one table — for survey respondents, teams by month — with
// its row totals, column totals and grand total: everything published
// together, on a page, in an export or through the API. Suppress takes the
// whole figure at once, because a hidden number is protected only if no
// combination of the shown ones gives it away: hiding a team's total while
// showing its months, say, lets anyone add the months up, and the months
// of the other teams then pin a hidden neighbour down by subtraction
// across lines.
//
// The rule, checked by Audit: every shown count is 0 or at least k, and
// every hidden count between 1 and k-1 keeps, in the eyes of an attacker
// who knows every shown number and that the table adds up (cells ≥ 0),
// a feasible interval at least k wide. Audit computes those intervals
// exactly with linear programming (lp.go). Suppress hides every small
// count (primary suppression), then, while Audit finds an exposed count,
// hides one more number next to it — the one that widens the exposed
// count's interval most, the smallest count on a tie (complementary
// suppression). Hiding never narrows an interval, and a table with
// everything hidden exposes nothing, so this ends, with a mask Audit
// accepts.
//
// Zero is shown: an empty cell reveals nobody's answer.
package suppress

import (
	"errors"
	"math"
	"sort"
)

// MinThreshold is the smallest threshold a collaborative may set.
const MinThreshold = 5

// DefaultThreshold is the threshold when none is set.
const DefaultThreshold = 11

var errBadRef = errors.New("suppress: no such number in the table")

// A Mask says what to hide in a table with row, column and grand totals.
type Mask struct {
	Cell     [][]bool
	RowTotal []bool
	ColTotal []bool
	Grand    bool
}

// Table is a table of counts with its margins, computed from the cells.
type Table struct {
	N        [][]int
	RowTotal []int
	ColTotal []int
	Grand    int
}

// NewTable sums the margins of a rows × cols table of counts.
func NewTable(n [][]int) Table {
	t := Table{N: n, RowTotal: make([]int, len(n))}
	cols := 0
	for _, r := range n {
		if len(r) > cols {
			cols = len(r)
		}
	}
	t.ColTotal = make([]int, cols)
	for i, r := range n {
		for j, v := range r {
			t.RowTotal[i] += v
			t.ColTotal[j] += v
			t.Grand += v
		}
	}
	return t
}

// at is cell i, j; a short row counts as zeros.
func (t Table) at(i, j int) int {
	if j < len(t.N[i]) {
		return t.N[i][j]
	}
	return 0
}

// smallCount reports whether a count reveals a group under k.
func smallCount(n, k int) bool { return n > 0 && n < k }

// Primary returns the mask hiding exactly the small counts of t (and the
// forced numbers): the starting point of Suppress, and what an algorithm
// without complementary suppression would publish.
func Primary(t Table, k int, forced *Mask) Mask {
	k = max(k, MinThreshold)
	rows, cols := len(t.N), len(t.ColTotal)
	m := Mask{Cell: make([][]bool, rows), RowTotal: make([]bool, rows), ColTotal: make([]bool, cols)}
	for i := range rows {
		m.Cell[i] = make([]bool, cols)
		for j := range cols {
			m.Cell[i][j] = smallCount(t.at(i, j), k) || (forced != nil && i < len(forced.Cell) && j < len(forced.Cell[i]) && forced.Cell[i][j])
		}
		m.RowTotal[i] = smallCount(t.RowTotal[i], k) || (forced != nil && i < len(forced.RowTotal) && forced.RowTotal[i])
	}
	for j := range cols {
		m.ColTotal[j] = smallCount(t.ColTotal[j], k) || (forced != nil && j < len(forced.ColTotal) && forced.ColTotal[j])
	}
	m.Grand = smallCount(t.Grand, k) || (forced != nil && forced.Grand)
	return m
}

// Suppress returns the mask for the figure t at threshold k (raised to
// MinThreshold if lower). forced, if not nil, marks numbers that must be
// hidden whatever their count (for example because another count about
// the same people is hidden). The mask passes Audit.
func Suppress(t Table, k int, forced *Mask) Mask {
	k = max(k, MinThreshold)
	m := Primary(t, k, forced)
	prim := Primary(t, k, forced)
	for {
		exp := audit(t, m, k, true)
		if len(exp) == 0 {
			return prune(t, m, prim, k)
		}
		x := exp[0]
		cands := neighbours(t, m, x.Ref)
		if len(cands) == 0 {
			cands = shown(t, m)
		}
		if len(cands) == 0 {
			// Everything is hidden: nothing is left to give away.
			return prune(t, m, prim, k)
		}
		// Try each neighbour and keep the one that widens the exposed
		// count's interval most; on a tie the smallest non-zero count, so
		// as little as possible is lost.
		best, bestWidth := cands[0], -1.0
		for _, c := range cands {
			set(&m, c, true)
			lo, hi, err := Bounds(t, m, x.Ref)
			set(&m, c, false)
			w := hi - lo
			if err != nil {
				w = 0
			}
			if w > bestWidth {
				best, bestWidth = c, w
			}
			if math.IsInf(w, 1) || w >= float64(k) {
				break // candidates are sorted: the first that protects will do
			}
		}
		set(&m, best, true)
	}
}

// prune shows again, one at a time, the numbers complementary suppression
// hid, the costliest first (totals, then large cells), wherever the mask
// stays safe without them: one greedy step can only see one exposure, and
// a number it hid early may no longer be needed once later ones are.
func prune(t Table, m, prim Mask, k int) Mask {
	extra := []Ref{}
	s := newSystem(t, m)
	for x, h := range s.hid {
		if r := s.ref(x); h && !hidden(prim, r) {
			extra = append(extra, r)
		}
	}
	order(t, extra)
	for i := len(extra) - 1; i >= 0; i-- {
		set(&m, extra[i], false)
		if !Safe(t, m, k) {
			set(&m, extra[i], true)
		}
	}
	return m
}

func set(m *Mask, r Ref, v bool) {
	switch r.Kind {
	case RefCell:
		m.Cell[r.Row][r.Col] = v
	case RefRow:
		m.RowTotal[r.Row] = v
	case RefCol:
		m.ColTotal[r.Col] = v
	case RefGrand:
		m.Grand = v
	}
}

func value(t Table, r Ref) int {
	switch r.Kind {
	case RefCell:
		return t.at(r.Row, r.Col)
	case RefRow:
		return t.RowTotal[r.Row]
	case RefCol:
		return t.ColTotal[r.Col]
	}
	return t.Grand
}

func hidden(m Mask, r Ref) bool {
	switch r.Kind {
	case RefCell:
		return m.Cell[r.Row][r.Col]
	case RefRow:
		return m.RowTotal[r.Row]
	case RefCol:
		return m.ColTotal[r.Col]
	}
	return m.Grand
}

// neighbours are the shown numbers sharing an equation with r, best
// candidates for complementary suppression first: cells before totals
// (a total hidden costs more than a cell), non-zero before zero, smaller
// before larger.
func neighbours(t Table, m Mask, r Ref) []Ref {
	rows, cols := len(t.N), len(t.ColTotal)
	var out []Ref
	add := func(c Ref) {
		if !hidden(m, c) {
			out = append(out, c)
		}
	}
	switch r.Kind {
	case RefCell:
		for j := range cols {
			add(Ref{RefCell, r.Row, j})
		}
		for i := range rows {
			add(Ref{RefCell, i, r.Col})
		}
		add(Ref{RefRow, r.Row, 0})
		add(Ref{RefCol, 0, r.Col})
	case RefRow:
		for j := range cols {
			add(Ref{RefCell, r.Row, j})
		}
		for i := range rows {
			add(Ref{RefRow, i, 0})
		}
		add(Ref{Kind: RefGrand})
	case RefCol:
		for i := range rows {
			add(Ref{RefCell, i, r.Col})
		}
		for j := range cols {
			add(Ref{RefCol, 0, j})
		}
		add(Ref{Kind: RefGrand})
	case RefGrand:
		for i := range rows {
			add(Ref{RefRow, i, 0})
		}
		for j := range cols {
			add(Ref{RefCol, 0, j})
		}
	}
	order(t, out)
	return out
}

// shown lists every shown number, best candidates first.
func shown(t Table, m Mask) []Ref {
	var out []Ref
	s := newSystem(t, m)
	for x, h := range s.hid {
		if !h {
			out = append(out, s.ref(x))
		}
	}
	order(t, out)
	return out
}

func order(t Table, rs []Ref) {
	rank := func(r Ref) (int, int, int) {
		v := value(t, r)
		zero := 0
		if v == 0 {
			zero = 1
		}
		return int(r.Kind), zero, v
	}
	sort.SliceStable(rs, func(a, b int) bool {
		ka, za, va := rank(rs[a])
		kb, zb, vb := rank(rs[b])
		if (ka == int(RefCell)) != (kb == int(RefCell)) {
			return ka == int(RefCell)
		}
		if za != zb {
			return za < zb
		}
		return va < vb
	})
}
