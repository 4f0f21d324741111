package spc

import (
	"slices"
	"testing"
)

// marks turns a string of 0/1 into the expected []bool.
func marks(s string) []bool {
	out := make([]bool, len(s))
	for i, c := range s {
		out[i] = c == '1'
	}
	return out
}

func TestIHIShift(t *testing.T) {
	const m = 10.0 // the median
	const on = m
	na := NA
	tests := []struct {
		name string
		y    []float64
		want string
	}{
		{"5 above: just under", []float64{9, 11, 12, 11, 13, 11, 9}, "0000000"},
		{"6 above: at threshold", []float64{9, 11, 12, 11, 13, 11, 12, 9}, "01111110"},
		{"7 below: just over", []float64{11, 9, 8, 9, 7, 9, 8, 9, 11}, "011111110"},
		{"on the median neither makes nor breaks", []float64{9, 11, 12, on, 11, 13, 11, 12, 9}, "011011110"},
		{"on the median is not counted", []float64{11, 12, on, on, 11, 13, 11, 9}, "00000000"},
		{"missing is skipped", []float64{11, 12, na, 11, 13, 11, 12, 9}, "11011110"},
		{"alternating", []float64{9, 11, 9, 11, 9, 11, 9, 11}, "00000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IHIShift(tt.y, m); !slices.Equal(got, marks(tt.want)) {
				t.Errorf("IHIShift(%v) = %v, want %s", tt.y, got, tt.want)
			}
		})
	}
}

func TestIHITrend(t *testing.T) {
	tests := []struct {
		name string
		y    []float64
		want string
	}{
		{"4 up: just under", []float64{5, 1, 2, 3, 4, 2}, "000000"},
		{"5 up: at threshold", []float64{5, 1, 2, 3, 4, 5, 2}, "0111110"},
		{"6 down: just over", []float64{1, 9, 8, 7, 6, 5, 4, 8}, "01111110"},
		{"a tie neither makes nor breaks", []float64{1, 2, 3, 3, 4, 5}, "111111"},
		{"a tie does not count", []float64{1, 2, 2, 3, 4, 1}, "000000"},
		{"a tie at the end belongs to it", []float64{1, 2, 3, 4, 5, 5, 1}, "1111110"},
		{"a turn breaks it", []float64{1, 2, 3, 4, 3, 4, 5, 6, 7}, "000011111"},
		{"shared turning point", []float64{1, 2, 3, 4, 5, 4, 3, 2, 1}, "111111111"},
		{"missing is skipped", []float64{1, 2, NA, 3, 4, 5}, "110111"},
		{"flat", []float64{3, 3, 3, 3, 3, 3}, "000000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IHITrend(tt.y); !slices.Equal(got, marks(tt.want)) {
				t.Errorf("IHITrend(%v) = %v, want %s", tt.y, got, tt.want)
			}
		})
	}
}

func TestIHIRunsLimits(t *testing.T) {
	// Perla, Provost & Murray (2011), Table 1.
	tests := []struct {
		n, lower, upper int
		ok              bool
	}{
		{9, 0, 0, false},
		{10, 3, 9, true},
		{12, 3, 11, true},
		{14, 4, 12, true},
		{20, 6, 16, true},
		{24, 8, 18, true},
		{30, 11, 21, true},
	}
	for _, tt := range tests {
		l, u, ok := IHIRunsLimits(tt.n)
		if l != tt.lower || u != tt.upper || ok != tt.ok {
			t.Errorf("IHIRunsLimits(%d) = %d, %d, %v; want %d, %d, %v", tt.n, l, u, ok, tt.lower, tt.upper, tt.ok)
		}
	}
}

// runChart analyses y as a run chart under the IHI rules.
func runChart(t *testing.T, y []float64, cl float64) Panel {
	t.Helper()
	sg := make([]Subgroup, len(y))
	for i, v := range y {
		sg[i] = Subgroup{Key: float64(i + 1), Y: v, YSum: v, YLength: 1, YMean: v, YSD: NA, N: NA}
	}
	o := DefaultOptions(ChartRun)
	o.Rules = RulesIHI
	o.CL = cl
	p, err := Analyze(sg, false, o)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestIHIRunsRule(t *testing.T) {
	tests := []struct {
		name    string
		y       []float64
		signal  bool
		reasons []string
	}{
		// 10 useful points: 3 to 9 runs are expected.
		{"too many: 10 runs of 10", []float64{1, 3, 1, 3, 1, 3, 1, 3, 1, 3}, true, []string{"too many runs"}},
		{"9 runs of 10: at the upper limit", []float64{1, 3, 1, 3, 1, 3, 1, 3, 3, 1}, false, nil},
		{"3 runs of 10: at the lower limit", []float64{1, 1, 1, 3, 3, 3, 3, 3, 1, 1}, false, nil},
		{"too few: 2 runs of 10", []float64{1, 1, 1, 1, 1, 3, 3, 3, 3, 3}, true, []string{"too few runs"}},
		{"fewer than 10 useful: no runs rule", []float64{1, 3, 1, 3, 1, 3, 1, 3, 1}, false, nil},
		{"shift of 6", []float64{1, 3, 1, 3, 3, 3, 3, 3, 3, 1, 3, 1}, true, []string{"shift: 6 or more points on one side of the centre line"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := runChart(t, tt.y, 2)
			ps := p.Parts[0]
			if ps.Runs.Signal != tt.signal || !slices.Equal(ps.Reasons, tt.reasons) {
				t.Errorf("signal %v %q, want %v %q", ps.Runs.Signal, ps.Reasons, tt.signal, tt.reasons)
			}
		})
	}
}
