package chart_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/chart"
	"github.com/goeswell/goeswell/internal/spc"
)

// A web page charting weekly (date, numerator, denominator) points as a P
// chart, with a PDSA cycle marked.
func ExampleSVG() {
	start := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	num := []float64{12, 9, 14, 11, 10, 13, 12, 11, 5, 4, 6, 3}
	den := []float64{100, 95, 110, 105, 98, 102, 100, 99, 101, 97, 103, 100}
	s := spc.Series{Y: num, N: den}
	for i := range num {
		d := start.AddDate(0, 0, 7*i)
		s.Keys = append(s.Keys, spc.DateKey(d))
		s.Labels = append(s.Labels, d.Format("2006-01-02"))
	}
	opts := spc.DefaultOptions(spc.ChartP)
	opts.Multiply = 100 // percent
	res, err := spc.FromSeries(s, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	pdsa := spc.DateKey(start.AddDate(0, 0, 7*8))
	var svg strings.Builder
	if err := chart.SVG(&svg, res, chart.Options{Title: "Falls per 100 bed days", YLabel: "%", Annotations: []chart.Annotation{{Key: pdsa, Label: "PDSA 1"}}}); err != nil {
		fmt.Println(err)
		return
	}
	table := chart.Table(res) // the same numbers for screen readers
	fmt.Fprintln(os.Stdout, strings.HasPrefix(svg.String(), "<svg"), strings.Contains(table, "<table"))
	p := res.Panels[0].Parts[0]
	fmt.Printf("CL %.2f%%, runs signal %v, points outside the limits %d\n", p.CL, p.Runs.Signal, p.SigmaSignals)
	// Output:
	// true true
	// CL 9.09%, runs signal true, points outside the limits 0
}
