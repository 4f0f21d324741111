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

// TestSuppressRandom checks the rule on many random tables, including by
// recovering each hidden cell by subtraction where a line has one.
func TestSuppressRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		rows, cols := 1+r.IntN(6), 1+r.IntN(6)
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
		k := 5 + r.IntN(8)
		tb := NewTable(n)
		m := Suppress(tb, k, nil)
		if !Safe(tb, m, k) {
			t.Fatalf("unsafe mask for %v k=%d: %+v", n, k, m)
		}
	}
}
