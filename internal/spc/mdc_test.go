package spc

import (
	"math"
	"testing"
)

func mdcObs(y []float64) []Obs {
	obs := make([]Obs, len(y))
	for i, v := range y {
		obs[i] = Obs{Key: float64(i + 1), Y: v}
	}
	return obs
}

func TestMakingDataCountRebase(t *testing.T) {
	y := []float64{10, 11, 9, 10, 12, 10, 20, 21, 19, 20, 22, 20}
	o := DefaultMDCOptions()
	o.Rebase = []float64{7}
	f, err := MakingDataCount(mdcObs(y), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Groups) != 2 || f.Groups[0].Mean != 62.0/6 || f.Groups[1].Mean != 122.0/6 {
		t.Fatalf("groups %+v", f.Groups)
	}
	for i, p := range f.Points {
		if want := i / 6; p.RebaseGroup != want {
			t.Errorf("point %d group %d, want %d", i+1, p.RebaseGroup, want)
		}
		if !p.ShortGroupWarning {
			t.Errorf("point %d: a group of 6 should warn", i+1)
		}
	}
}

func TestMakingDataCountRules(t *testing.T) {
	tests := []struct {
		name string
		y    []float64
		dir  Direction
		want map[string]int
	}{
		{"2 in 3 below, concern when increase is better",
			[]float64{10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 10, 11, 8.0, 9.9, 8.0, 11, 10},
			Increase, map[string]int{"2 in 3 Below CL": 2}},
		{"7 below, neutral",
			[]float64{12, 10, 12, 10, 12, 10, 12, 10, 9, 10, 9, 10, 9, 10, 12, 10, 12},
			Neutral, map[string]int{"7 Points Below CL": 7}},
		{"6 rising is not a trend",
			[]float64{5, 6, 5, 6, 5, 4, 4.3, 4.6, 5, 5.3, 5.6, 5, 6, 5},
			Increase, map[string]int{}},
		{"7 falling is a trend",
			[]float64{5, 6, 5, 6, 5, 8, 7, 6, 5, 4, 3, 2, 5, 6, 5},
			Increase, map[string]int{"7 Point Trend (Decreasing)": 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := DefaultMDCOptions()
			o.Improvement = tt.dir
			f, err := MakingDataCount(mdcObs(tt.y), o)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, p := range f.Points {
				if p.SpecialCauseFlag {
					got[p.SpecialCauseType]++
					switch {
					case tt.dir == Neutral && p.PointType != "special_cause_neutral_low" && p.PointType != "special_cause_neutral_high":
						t.Errorf("neutral point type %s", p.PointType)
					case tt.dir == Increase && p.SpecialCauseType == "2 in 3 Below CL" && p.PointType != "special_cause_concern":
						t.Errorf("point type %s", p.PointType)
					case p.SpecialCauseType == "7 Point Trend (Decreasing)" && p.PointType != "special_cause_concern":
						t.Errorf("a falling trend is a concern when increase is better, got %s", p.PointType)
					}
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("special causes %v, want %v (lpl %v upl %v)", got, tt.want, f.LPL, f.UPL)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: %d points, want %d", k, got[k], v)
				}
			}
		})
	}
}

func TestAssurance(t *testing.T) {
	tests := []struct {
		target float64
		dir    Direction
		want   string
	}{
		{120, Increase, "consistent_fail"},
		{120, Decrease, "consistent_pass"},
		{-5, Increase, "consistent_pass"},
		{-5, Decrease, "consistent_fail"},
		{50, Increase, "inconsistent"},
	}
	for _, tt := range tests {
		if got := Assurance(tt.target, 0, 100, tt.dir); got != tt.want {
			t.Errorf("Assurance(%v, %v) = %s, want %s", tt.target, tt.dir, got, tt.want)
		}
	}
	if math.IsNaN(DefaultMDCOptions().Target) == false {
		t.Error("default target should be NaN (none)")
	}
}

func TestMakingDataCountMissing(t *testing.T) {
	if _, err := MakingDataCount(mdcObs([]float64{1, NA, 3}), DefaultMDCOptions()); err != ErrMissingY {
		t.Fatalf("err = %v, want ErrMissingY", err)
	}
}
