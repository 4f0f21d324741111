package suppress

import (
	"math/rand/v2"
	"testing"
)

func TestSuppressCases(t *testing.T) {
	tests := []struct {
		name  string
		n     [][]int
		k     int
		cells [][]bool
		rows  []bool
		grand bool
	}{
		{"nothing small", [][]int{{12, 15}}, 11, [][]bool{{false, false}}, []bool{false}, false},
		{"one small cell gets a partner", [][]int{{3, 20}}, 11, [][]bool{{true, true}}, []bool{false}, false},
		{"two small cells summing under k get a third", [][]int{{2, 3, 30, 40}}, 11, [][]bool{{true, true, true, false}}, []bool{false}, false},
		{"zero is shown", [][]int{{0, 20}}, 11, [][]bool{{false, false}}, []bool{false}, false},
		{"a small total is hidden", [][]int{{3, 4}}, 11, [][]bool{{true, true}}, []bool{true}, true},
		{"threshold never below 5", [][]int{{4, 20}}, 2, [][]bool{{true, true}}, []bool{false}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := NewTable(tc.n)
			m := Suppress(tb, tc.k, nil)
			for i := range tc.cells {
				for j := range tc.cells[i] {
					if m.Cell[i][j] != tc.cells[i][j] {
						t.Errorf("cell %d,%d hidden=%v, want %v", i, j, m.Cell[i][j], tc.cells[i][j])
					}
				}
				if m.RowTotal[i] != tc.rows[i] {
					t.Errorf("row total %d hidden=%v, want %v", i, m.RowTotal[i], tc.rows[i])
				}
			}
			if m.Grand != tc.grand {
				t.Errorf("grand hidden=%v, want %v", m.Grand, tc.grand)
			}
			if !Safe(tb, m, tc.k) {
				t.Error("mask not safe")
			}
		})
	}
}

// TestSuppressTeamsByMonth is the survey's table: teams by month. One team
// answered 3 times in March: hiding only that cell would let the March
// total minus the other teams give it away.
func TestSuppressTeamsByMonth(t *testing.T) {
	tb := NewTable([][]int{
		{12, 14, 3},  // team A: Jan, Feb, Mar
		{15, 11, 13}, // team B
		{20, 18, 16}, // team C
	})
	m := Suppress(tb, 11, nil)
	if !m.Cell[0][2] {
		t.Fatal("the small cell is shown")
	}
	hiddenInRow, hiddenInCol := 0, 0
	for j := range 3 {
		if m.Cell[0][j] {
			hiddenInRow++
		}
	}
	for i := range 3 {
		if m.Cell[i][2] {
			hiddenInCol++
		}
	}
	if (hiddenInRow < 2 && !m.RowTotal[0]) || (hiddenInCol < 2 && !m.ColTotal[2]) {
		t.Errorf("no complementary suppression: %+v", m)
	}
	if !Safe(tb, m, 11) {
		t.Errorf("unsafe mask %+v", m)
	}
}

// harborPioneer is issue 11's example: teams (Harbor, Riverside, Lakeview,
// Pioneer) by two months. The line-by-line algorithm hid Harbor's total
// but showed its months as 12 and 0, so Harbor's total is 12, and the line
// of team totals gives Pioneer = 41 - 20 - 0 - 12 = 9, under 11.
var harborPioneer = [][]int{{12, 0}, {18, 2}, {0, 0}, {9, 0}}

// TestAuditBites checks the checker itself: a checker that passes
// everything would make every other test here pass.
func TestAuditBites(t *testing.T) {
	tb := NewTable(harborPioneer)
	nothing := Mask{Cell: make([][]bool, 4), RowTotal: make([]bool, 4), ColTotal: make([]bool, 2)}
	for i := range nothing.Cell {
		nothing.Cell[i] = make([]bool, 2)
	}
	if Safe(tb, nothing, 11) {
		t.Error("hiding nothing passes the audit")
	}
	if Safe(tb, Primary(tb, 11, nil), 11) {
		t.Error("primary suppression alone passes the audit")
	}
	legacy := legacySuppress(tb, 11)
	if !legacy.RowTotal[0] || legacy.Cell[0][0] || legacy.Cell[0][1] || !legacy.RowTotal[3] {
		t.Fatalf("the example no longer shows the old algorithm's mistake: %+v", legacy)
	}
	exp := Audit(tb, legacy, 11)
	found := false
	for _, e := range exp {
		if e.Ref == (Ref{RefRow, 3, 0}) && e.Lo == 9 && e.Hi == 9 {
			found = true
		}
	}
	if !found {
		t.Errorf("the audit does not pin Pioneer's total to 9 under the old mask: %+v", exp)
	}
	if lo, hi, err := Bounds(tb, legacy, Ref{RefRow, 0, 0}); err != nil || lo != 12 || hi != 12 {
		t.Errorf("Harbor's hidden total: [%v, %v] %v, want [12, 12]", lo, hi, err)
	}
	m := Suppress(tb, 11, nil)
	if !Safe(tb, m, 11) {
		t.Errorf("Suppress leaves %+v", Audit(tb, m, 11))
	}
	// Everything hidden gives nothing away.
	all := Mask{Cell: [][]bool{{true, true}, {true, true}, {true, true}, {true, true}}, RowTotal: []bool{true, true, true, true}, ColTotal: []bool{true, true}, Grand: true}
	if !Safe(tb, all, 11) {
		t.Errorf("everything hidden: %+v", Audit(tb, all, 11))
	}
}

// randomTable draws a table like a survey's teams by months: many zeros
// and small counts.
func randomTable(r *rand.Rand, maxDim int) [][]int {
	rows, cols := 1+r.IntN(maxDim), 1+r.IntN(maxDim)
	n := make([][]int, rows)
	for i := range n {
		n[i] = make([]int, cols)
		for j := range n[i] {
			switch r.IntN(4) {
			case 0:
				n[i][j] = 0
			case 1:
				n[i][j] = 1 + r.IntN(10)
			default:
				n[i][j] = r.IntN(40)
			}
		}
	}
	return n
}

func randomTables() int {
	if testing.Short() {
		return 1000
	}
	return 5000
}

// TestSuppressRandom drives Suppress with random tables and checks each
// mask with the linear-programming audit: no shown small count, no hidden
// small count an attacker can confine to fewer than k values. On the same
// tables it measures what that attack recovers from the old line-by-line
// algorithm (go test ./internal/suppress -run SuppressRandom -v): tables
// where a small count is recovered exactly, where a small cell (not a
// total) is, and where one is confined to fewer than k values. The old
// checker passed that output; this one must not.
func TestSuppressRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := randomTables()
	type tally struct{ exact, exactCell, narrow, hidden int }
	var before, after tally
	count := func(tb Table, m Mask, k int, c *tally) []Exposure {
		exp := Audit(tb, m, k)
		exact, exactCell := false, false
		for _, e := range exp {
			exact = exact || e.Lo == e.Hi
			exactCell = exactCell || (e.Lo == e.Hi && e.Kind == RefCell)
		}
		if exact {
			c.exact++
		}
		if exactCell {
			c.exactCell++
		}
		if len(exp) > 0 {
			c.narrow++
		}
		for _, h := range newSystem(tb, m).hid {
			if h {
				c.hidden++
			}
		}
		return exp
	}
	for range n {
		tab := randomTable(r, 6)
		k := 5 + r.IntN(8)
		tb := NewTable(tab)
		count(tb, legacySuppress(tb, k), k, &before)
		m := Suppress(tb, k, nil)
		if exp := count(tb, m, k, &after); len(exp) > 0 {
			t.Fatalf("exposed %+v in %v k=%d: %+v", exp, tab, k, m)
		}
	}
	t.Logf("%d random tables, old algorithm → Suppress: a small count recovered exactly in %d → %d tables (a small cell: %d → %d); confined to fewer than k values in %d → %d; numbers hidden %d → %d",
		n, before.exact, after.exact, before.exactCell, after.exactCell, before.narrow, after.narrow, before.hidden, after.hidden)
	if before.narrow == 0 {
		t.Error("the attack finds nothing in the old algorithm's output: the measurement proves nothing")
	}
}

// TestBoundsMatchBruteForce checks the linear program against the
// attacker's ground truth on small tables: every table of non-negative
// integers that agrees with the shown numbers, enumerated. The audit's
// interval must be exactly the range of the hidden count over those
// tables (neither narrower, which would hide needlessly, nor wider, which
// would let a disclosure through).
func TestBoundsMatchBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const limit = 14 // enumeration cap for each hidden cell
	for trial := 0; trial < 300; trial++ {
		rows, cols := 1+r.IntN(3), 1+r.IntN(3)
		n := make([][]int, rows)
		for i := range n {
			n[i] = make([]int, cols)
			for j := range n[i] {
				n[i][j] = r.IntN(5)
			}
		}
		tb := NewTable(n)
		m := Mask{Cell: make([][]bool, rows), RowTotal: make([]bool, rows), ColTotal: make([]bool, cols), Grand: r.IntN(4) == 0}
		var hidCells [][2]int
		for i := range rows {
			m.Cell[i] = make([]bool, cols)
			for j := range cols {
				if len(hidCells) < 4 && r.IntN(2) == 0 {
					m.Cell[i][j] = true
					hidCells = append(hidCells, [2]int{i, j})
				}
			}
			m.RowTotal[i] = r.IntN(3) == 0
		}
		for j := range cols {
			m.ColTotal[j] = r.IntN(3) == 0
		}
		// Enumerate the hidden cells; the margins follow from the cells.
		lo := map[Ref]int{}
		hi := map[Ref]int{}
		capped := map[Ref]bool{}
		vals := make([]int, len(hidCells))
		var rec func(d int)
		rec = func(d int) {
			if d < len(hidCells) {
				for v := 0; v <= limit; v++ {
					vals[d] = v
					rec(d + 1)
				}
				return
			}
			try := make([][]int, rows)
			for i := range try {
				try[i] = append([]int(nil), n[i]...)
			}
			for x, c := range hidCells {
				try[c[0]][c[1]] = vals[x]
			}
			tt := NewTable(try)
			for i := range rows {
				if !m.RowTotal[i] && tt.RowTotal[i] != tb.RowTotal[i] {
					return
				}
			}
			for j := range cols {
				if !m.ColTotal[j] && tt.ColTotal[j] != tb.ColTotal[j] {
					return
				}
			}
			if !m.Grand && tt.Grand != tb.Grand {
				return
			}
			note := func(ref Ref, v int, atCap bool) {
				if l, ok := lo[ref]; !ok || v < l {
					lo[ref] = v
				}
				if h, ok := hi[ref]; !ok || v > h {
					hi[ref] = v
				}
				capped[ref] = capped[ref] || atCap
			}
			for x, c := range hidCells {
				note(Ref{RefCell, c[0], c[1]}, vals[x], vals[x] == limit)
			}
		}
		rec(0)
		for _, c := range hidCells {
			ref := Ref{RefCell, c[0], c[1]}
			l, h, err := Bounds(tb, m, ref)
			if err != nil {
				t.Fatalf("%v %+v: %v", n, m, err)
			}
			if float64(lo[ref]) != l {
				t.Errorf("%v %+v cell %v: lower bound %v, brute force %d", n, m, c, l, lo[ref])
			}
			switch {
			case capped[ref]:
				// The brute force hit its cap: the truth is at least the
				// cap, possibly unbounded.
				if h < limit {
					t.Errorf("%v %+v cell %v: upper bound %v, brute force reaches %d", n, m, c, h, limit)
				}
			case float64(hi[ref]) != h:
				t.Errorf("%v %+v cell %v: upper bound %v, brute force %d", n, m, c, h, hi[ref])
			}
		}
	}
}

// BenchmarkSuppress is the cost of suppressing one random table of up to
// 6 × 6 (a survey's teams by months); the figure for a page is one call.
func BenchmarkSuppress(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	tabs := make([]Table, 256)
	ks := make([]int, len(tabs))
	for i := range tabs {
		tabs[i] = NewTable(randomTable(r, 6))
		ks[i] = 5 + r.IntN(8)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Suppress(tabs[i%len(tabs)], ks[i%len(tabs)], nil)
	}
}

// BenchmarkSuppressLarge is a bigger figure: 20 teams by 12 months.
func BenchmarkSuppressLarge(b *testing.B) {
	r := rand.New(rand.NewPCG(7, 8))
	n := make([][]int, 20)
	for i := range n {
		n[i] = make([]int, 12)
		for j := range n[i] {
			n[i][j] = r.IntN(15)
		}
	}
	tb := NewTable(n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Suppress(tb, 11, nil)
	}
}
