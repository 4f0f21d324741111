package chart

import (
	"testing"

	"github.com/goeswell/goeswell/internal/spc"
)

// TestEveryReasonTranslated: every reason internal/spc gives for a point
// has a catalog key here, so a page in another language never shows one
// in English (spc's wording changed once and the keys were left behind).
func TestEveryReasonTranslated(t *testing.T) {
	points := []spc.Point{
		{SigmaSignal: true, Y: 10, UCL: 5},
		{SigmaSignal: true, Y: 1, UCL: 5},
		{Shift: true}, {Trend: true}, {RunsSignal: true},
	}
	for _, q := range points {
		for _, r := range spc.PointReasons(&q) {
			if _, ok := reasonKeys[r]; !ok {
				t.Errorf("spc's reason %q has no chart.reason key", r)
			}
		}
	}
}
