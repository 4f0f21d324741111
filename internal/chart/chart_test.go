package chart

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/spc"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s; run go test ./internal/chart -update if the change is intended", name, path)
	}
}

// weekly returns date-keyed observations starting 2024-01-01 (day 19723).
func weekly(y, n []float64) []spc.Obs {
	obs := make([]spc.Obs, len(y))
	for i := range y {
		day := 19723 + 7*float64(i)
		obs[i] = spc.Obs{Key: day, Label: spc.DateLabel(day), Y: y[i], N: spc.NA}
		if n != nil {
			obs[i].N = n[i]
		}
	}
	return obs
}

func compute(t *testing.T, obs []spc.Obs, hasN bool, o spc.Options) *spc.Result {
	t.Helper()
	r, err := spc.Compute(obs, hasN, spc.AggMean, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// checkCSP fails on anything a strict Content-Security-Policy would block.
func checkCSP(t *testing.T, svg string) {
	t.Helper()
	for _, bad := range []string{"<script", "style=", "<style", "javascript:", "@import", "href=\"http", "<foreignObject", "onload", "onclick"} {
		if strings.Contains(svg, bad) {
			t.Errorf("SVG contains %q", bad)
		}
	}
	for _, need := range []string{"<title id=\"spc-title\">", "<desc id=\"spc-desc\">", "role=\"img\""} {
		if !strings.Contains(svg, need) {
			t.Errorf("SVG lacks %q", need)
		}
	}
}

func TestSVGGolden(t *testing.T) {
	runY := []float64{12, 15, 11, 14, 13, 16, 12, 14, 18, 19, 20, 21, 19, 22, 23, 21, 24, 22, 25, 23}
	pY := []float64{12, 9, 14, 11, 10, 13, 12, 30, 11, 9, 5, 4, 6, 3, 5, 4}
	pN := []float64{100, 95, 110, 105, 98, 102, 100, 99, 101, 97, 103, 100, 96, 104, 100, 98}
	tests := []struct {
		name string
		obs  []spc.Obs
		hasN bool
		opts func() spc.Options
		draw Options
	}{
		{"run_pdsa", weekly(runY, nil), false, func() spc.Options { return spc.DefaultOptions(spc.ChartRun) },
			Options{Title: "Minutes to first contact", YLabel: "minutes", Annotations: []Annotation{{Key: 19723 + 7*8, Label: "PDSA 1"}, {Key: 19723 + 7*13, Label: "PDSA 2"}}, HasTarget: true, Target: 20}},
		{"p_parts", weekly(pY, pN), true, func() spc.Options {
			o := spc.DefaultOptions(spc.ChartP)
			o.Parts = []int{10}
			o.Multiply = 100
			return o
		}, Options{YLabel: "%", Show95: true}},
		{"i_ihi", weekly(runY, nil), false, func() spc.Options {
			o := spc.DefaultOptions(spc.ChartI)
			o.Rules = spc.RulesIHI
			o.Exclude = []int{3}
			return o
		}, Options{}},
		{"c_freeze", weekly([]float64{4, 6, 3, 5, 7, 4, 5, 6, 3, 5, 9, 11, 10, 12, 9, 13}, nil), false, func() spc.Options {
			o := spc.DefaultOptions(spc.ChartC)
			o.Freeze = 10
			return o
		}, Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := compute(t, tt.obs, tt.hasN, tt.opts())
			var b bytes.Buffer
			if err := SVG(&b, r, tt.draw); err != nil {
				t.Fatal(err)
			}
			checkCSP(t, b.String())
			golden(t, tt.name+".svg", b.Bytes())
			golden(t, tt.name+".html", []byte(Table(r)))
			// Stable: a second drawing is byte-for-byte the same.
			var b2 bytes.Buffer
			if err := SVG(&b2, compute(t, tt.obs, tt.hasN, tt.opts()), tt.draw); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b.Bytes(), b2.Bytes()) {
				t.Error("second drawing differs")
			}
		})
	}
}

func TestMDCSVGGolden(t *testing.T) {
	y := []float64{50, 52, 49, 51, 53, 50, 48, 52, 51, 49, 50, 53, 55, 56, 57, 56, 58, 57, 59, 58}
	o := spc.DefaultMDCOptions()
	o.Target = 55
	f, err := spc.MakingDataCount(weekly(y, nil), o)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := MDCSVG(&b, &f, o, Options{Title: "Staff wellbeing score"}); err != nil {
		t.Fatal(err)
	}
	checkCSP(t, b.String())
	golden(t, "mdc.svg", b.Bytes())
	golden(t, "mdc.html", []byte(MDCTable(&f)))
}

// TestColoursContrast: every colour the chart draws data or limits with
// reaches 3:1 (WCAG 1.4.11) against the page behind the SVG, white or
// goeswell's near-white background. qicharts2's light blue (2.67:1) and
// orange (2.01:1) would fail.
func TestColoursContrast(t *testing.T) {
	for _, c := range []string{colLine, colSignal, colRuns, colCL, colLimit, colTarget, colNote, colAxis} {
		for _, bg := range []string{"#ffffff", "#fbfcfc"} {
			if r := contrast(c, bg); r < 3 {
				t.Errorf("colour %s on %s: contrast %.2f:1, want at least 3:1", c, bg, r)
			}
		}
	}
}

// contrast is the WCAG 2 contrast ratio of two #rrggbb colours.
func contrast(a, b string) float64 {
	lum := func(h string) float64 {
		var rgb [3]float64
		for i := range rgb {
			v, _ := strconv.ParseUint(h[1+2*i:3+2*i], 16, 8)
			c := float64(v) / 255
			if c <= 0.03928 {
				rgb[i] = c / 12.92
			} else {
				rgb[i] = math.Pow((c+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*rgb[0] + 0.7152*rgb[1] + 0.0722*rgb[2]
	}
	x, y := lum(a), lum(b)
	if x < y {
		x, y = y, x
	}
	return (x + 0.05) / (y + 0.05)
}
