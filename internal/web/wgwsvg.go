package web

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Small server-side SVG charts for the asset-based tools and check-ins:
// they need no script, pass the strict CSP (attributes only, classes from
// app.css) and carry their words as <title> and text for screen readers.

type bar struct {
	Label  string
	Value  float64
	Hidden bool // drawn as a note instead of a bar: too few to show
	Empty  bool // nothing to draw: no answers at all
}

func svgEsc(s string) string { return template.HTMLEscapeString(s) }

// barChart draws horizontal bars scaled to max.
func barChart(title string, bars []bar, max float64, hiddenNote string) template.HTML {
	const w, labelW, rowH = 640, 250, 26
	h := rowH*len(bars) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`, w, h, svgEsc(title))
	for i, br := range bars {
		y := 5 + i*rowH
		fmt.Fprintf(&b, `<text x="0" y="%d" class="chart-label">%s</text>`, y+17, svgEsc(br.Label))
		if br.Hidden {
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-note">%s</text>`, labelW, y+17, svgEsc(hiddenNote))
			continue
		}
		if br.Empty {
			fmt.Fprintf(&b, `<text x="%d" y="%d" class="chart-label">—</text>`, labelW, y+17)
			continue
		}
		bw := 0.0
		if max > 0 {
			bw = (float64(w-labelW-60) * br.Value / max)
		}
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" class="chart-bar"><title>%s: %.2f</title></rect>`, labelW, y+4, bw, rowH-8, svgEsc(br.Label), br.Value)
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="chart-value">%.2f</text>`, float64(labelW)+bw+6, y+17, br.Value)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// lineChart draws values over time on a 0..max scale; hidden points are
// left out of the line and marked below the axis.
func lineChart(title string, pts []bar, max float64, hiddenNote string) template.HTML {
	const w, h, pad = 640, 220, 40
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" role="img" viewBox="0 0 %d %d" width="100%%" xmlns="http://www.w3.org/2000/svg"><title>%s</title>`, w, h, svgEsc(title))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="chart-axis"/>`, pad, h-pad, w-10, h-pad)
	fmt.Fprintf(&b, `<line x1="%d" y1="10" x2="%d" y2="%d" class="chart-axis"/>`, pad, pad, h-pad)
	fmt.Fprintf(&b, `<text x="4" y="16" class="chart-label">%.0f</text><text x="4" y="%d" class="chart-label">0</text>`, max, h-pad)
	step := float64(w-pad-20) / math.Max(1, float64(len(pts)-1))
	var path []string
	for i, p := range pts {
		x := float64(pad) + step*float64(i)
		if len(pts) == 1 {
			x = float64(w) / 2
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="chart-label" text-anchor="middle">%s</text>`, x, h-pad+18, svgEsc(p.Label))
		if p.Hidden {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="chart-note" text-anchor="middle">%s</text>`, x, h-pad+34, svgEsc(hiddenNote))
			continue
		}
		if p.Empty {
			continue
		}
		y := float64(h-pad) - (float64(h-pad-10) * p.Value / max)
		path = append(path, fmt.Sprintf("%.1f,%.1f", x, y))
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="4" class="chart-point"><title>%s: %.2f</title></circle>`, x, y, svgEsc(p.Label), p.Value)
	}
	if len(path) > 1 {
		fmt.Fprintf(&b, `<polyline points="%s" class="chart-line"/>`, strings.Join(path, " "))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
