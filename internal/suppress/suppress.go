// Package suppress decides which cells of a table of counts may be shown
// without revealing a group smaller than a threshold, the small-cell rule
// statistical offices use for survey results.
//
// Primary suppression hides every cell (and every total) counting between
// 1 and k-1 people. Complementary suppression then protects the hidden
// cells from subtraction: in every line (a row or a column, and the line
// of row totals and the line of column totals) whose total is shown, the
// hidden cells must be none, or at least two that together count at least
// k people; otherwise one more cell is hidden — the smallest that is not
// empty — or, when none is left, the line's total. This repeats until
// nothing changes, since hiding a cell in a row can break its column.
//
// Zero is shown: an empty cell reveals nobody's answer.
package suppress

// MinThreshold is the smallest threshold a collaborative may set.
const MinThreshold = 5

// DefaultThreshold is the threshold when none is set.
const DefaultThreshold = 11

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

// small reports whether a count reveals a group under k.
func small(n, k int) bool { return n > 0 && n < k }

// Suppress returns the mask for table t at threshold k (raised to
// MinThreshold if lower). forced, if not nil, marks cells that must be
// hidden whatever their count (for example because another count about
// the same people is hidden).
func Suppress(t Table, k int, forced [][]bool) Mask {
	if k < MinThreshold {
		k = MinThreshold
	}
	rows, cols := len(t.N), len(t.ColTotal)
	m := Mask{Cell: make([][]bool, rows), RowTotal: make([]bool, rows), ColTotal: make([]bool, cols)}
	at := func(i, j int) int {
		if j < len(t.N[i]) {
			return t.N[i][j]
		}
		return 0
	}
	for i := range rows {
		m.Cell[i] = make([]bool, cols)
		for j := range cols {
			m.Cell[i][j] = small(at(i, j), k) || (forced != nil && i < len(forced) && j < len(forced[i]) && forced[i][j])
		}
		m.RowTotal[i] = small(t.RowTotal[i], k)
	}
	for j := range cols {
		m.ColTotal[j] = small(t.ColTotal[j], k)
	}
	m.Grand = small(t.Grand, k)

	// A line is a list of (value, hidden) cells and its total.
	type ref struct {
		n   int
		hid *bool
	}
	lines := func() (out [][]ref, totals []ref) {
		for i := range rows {
			var l []ref
			for j := range cols {
				l = append(l, ref{at(i, j), &m.Cell[i][j]})
			}
			out, totals = append(out, l), append(totals, ref{t.RowTotal[i], &m.RowTotal[i]})
		}
		for j := range cols {
			var l []ref
			for i := range rows {
				l = append(l, ref{at(i, j), &m.Cell[i][j]})
			}
			out, totals = append(out, l), append(totals, ref{t.ColTotal[j], &m.ColTotal[j]})
		}
		var rl, cl []ref
		for i := range rows {
			rl = append(rl, ref{t.RowTotal[i], &m.RowTotal[i]})
		}
		for j := range cols {
			cl = append(cl, ref{t.ColTotal[j], &m.ColTotal[j]})
		}
		out = append(out, rl, cl)
		totals = append(totals, ref{t.Grand, &m.Grand}, ref{t.Grand, &m.Grand})
		return out, totals
	}
	ls, ts := lines()
	for changed := true; changed; {
		changed = false
		for li, l := range ls {
			if *ts[li].hid {
				continue // nothing to subtract from
			}
			count, sum := 0, 0
			for _, c := range l {
				if *c.hid {
					count++
					sum += c.n
				}
			}
			if count == 0 || (count >= 2 && sum >= k) {
				continue
			}
			// Hide the smallest non-empty visible cell; failing that any
			// visible cell; failing that the total.
			best := -1
			for ci, c := range l {
				if *c.hid {
					continue
				}
				if best < 0 || (c.n > 0 && (l[best].n == 0 || c.n < l[best].n)) {
					best = ci
				}
			}
			if best >= 0 {
				*l[best].hid = true
			} else {
				*ts[li].hid = true
			}
			changed = true
		}
	}
	return m
}

// Safe checks the rule Suppress enforces: every shown count is 0 or at
// least k, and no line with a shown total has exactly one hidden cell or
// hidden cells counting fewer than k together. Tests and callers that
// build masks by other means use it.
func Safe(t Table, m Mask, k int) bool {
	if k < MinThreshold {
		k = MinThreshold
	}
	rows, cols := len(t.N), len(t.ColTotal)
	at := func(i, j int) int {
		if j < len(t.N[i]) {
			return t.N[i][j]
		}
		return 0
	}
	check := func(vals []int, hid []bool, total int, totalHid bool) bool {
		count, sum := 0, 0
		for x, v := range vals {
			if hid[x] {
				count++
				sum += v
			} else if small(v, k) {
				return false
			}
		}
		if !totalHid && small(total, k) {
			return false
		}
		return totalHid || count == 0 || (count >= 2 && sum >= k)
	}
	for i := range rows {
		vals, hid := make([]int, cols), make([]bool, cols)
		for j := range cols {
			vals[j], hid[j] = at(i, j), m.Cell[i][j]
		}
		if !check(vals, hid, t.RowTotal[i], m.RowTotal[i]) {
			return false
		}
	}
	for j := range cols {
		vals, hid := make([]int, rows), make([]bool, rows)
		for i := range rows {
			vals[i], hid[i] = at(i, j), m.Cell[i][j]
		}
		if !check(vals, hid, t.ColTotal[j], m.ColTotal[j]) {
			return false
		}
	}
	return check(t.RowTotal, m.RowTotal, t.Grand, m.Grand) && check(t.ColTotal, m.ColTotal, t.Grand, m.Grand)
}
