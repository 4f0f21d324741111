package spc

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/goeswell/goeswell/internal/testskip"
)

// goldDir is the folder of SPC reference cases named by GOESWELL_SPC_GOLD
// (.ci/run sets it to ../shared/spc-gold). Only the variable is looked
// at: a folder found by walking up from the checkout could be anyone's.
func goldDir(t testing.TB) string {
	t.Helper()
	d := os.Getenv("GOESWELL_SPC_GOLD")
	if d == "" {
		testskip.Skip(t, "SPC gold cases", "set GOESWELL_SPC_GOLD to the spc-gold folder, as .ci/run does")
	}
	if _, err := os.Stat(filepath.Join(d, "manifest.json")); err != nil {
		t.Fatalf("GOESWELL_SPC_GOLD=%s: %v", d, err)
	}
	return d
}

// TestAnhoejThresholds checks longest.run.max and n.crossings.min against
// qicharts2's values for n.useful = 1..1000.
func TestAnhoejThresholds(t *testing.T) {
	f, err := os.Open(filepath.Join(goldDir(t), "expected", "anhoej_thresholds.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		n, _ := strconv.Atoi(r[0])
		lmax, _ := strconv.Atoi(r[1])
		cmin, _ := strconv.Atoi(r[2])
		if got := longestRunMax(n); got != lmax {
			t.Errorf("longestRunMax(%d) = %d, want %d", n, got, lmax)
		}
		if got := crossingsMin(n); got != cmin {
			t.Errorf("crossingsMin(%d) = %d, want %d", n, got, cmin)
		}
		if got := qbinomHalf(0.05, n-1); got != cmin {
			t.Errorf("qbinomHalf(0.05, %d) = %d, want %d", n-1, got, cmin)
		}
	}
}

func TestCrossingsMinLarge(t *testing.T) {
	// Normal approximation: n/2 - 1.645·√n/2, within a couple of counts.
	for _, n := range []int{5000, 100000, 1000000} {
		got := crossingsMin(n)
		approx := float64(n-1)/2 - 1.6448536269514722*0.5*math.Sqrt(float64(n-1))
		if d := float64(got) - approx; d < -2 || d > 2 {
			t.Errorf("crossingsMin(%d) = %d, approx %.1f", n, got, approx)
		}
	}
}
