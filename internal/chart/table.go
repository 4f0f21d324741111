package chart

import (
	"fmt"
	"strings"

	"github.com/goeswell/goeswell/internal/spc"
)

// Table returns the numbers behind the chart as an HTML table, the
// accessible alternative to the SVG (one table per panel, in one string).
func Table(r *spc.Result) string {
	var b strings.Builder
	for pi := range r.Panels {
		p := &r.Panels[pi]
		caption := strings.ToUpper(string(r.Chart)) + " chart, rule set " + string(r.Rules)
		if p.Facet1 != "" {
			caption += ": " + p.Facet1
			if p.Facet2 != "" {
				caption += " / " + p.Facet2
			}
		}
		fmt.Fprintf(&b, "<table class=\"spc-table\">\n<caption>%s</caption>\n", esc(caption))
		b.WriteString("<thead><tr><th scope=\"col\">Part</th><th scope=\"col\">x</th><th scope=\"col\">y</th>")
		if r.HasN {
			b.WriteString("<th scope=\"col\">n</th>")
		}
		b.WriteString("<th scope=\"col\">Centre line</th><th scope=\"col\">Lower limit</th><th scope=\"col\">Upper limit</th><th scope=\"col\">Signal</th></tr></thead>\n<tbody>\n")
		for i := 0; i < p.Len(); i++ {
			pt := p.Point(i)
			q := &pt
			sig := strings.Join(spc.PointReasons(q), "; ")
			if !q.Include {
				sig = strings.TrimPrefix(sig+"; excluded", "; ")
			}
			fmt.Fprintf(&b, "<tr><td>%d</td><th scope=\"row\">%s</th><td>%s</td>", q.Part, esc(p.Labels[i]), label(q.Y))
			if r.HasN {
				fmt.Fprintf(&b, "<td>%s</td>", label(q.N))
			}
			fmt.Fprintf(&b, "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", label(q.CL), label(q.LCL), label(q.UCL), esc(sig))
		}
		b.WriteString("</tbody>\n</table>\n")
	}
	return b.String()
}

// MDCTable is Table for a Making Data Count facet.
func MDCTable(f *spc.MDCFacet) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<table class=\"spc-table\">\n<caption>%s</caption>\n", esc("XmR chart (Making Data Count): "+f.Facet+"; variation "+strings.ReplaceAll(f.VariationType, "_", " ")))
	b.WriteString("<thead><tr><th scope=\"col\">x</th><th scope=\"col\">y</th><th scope=\"col\">Mean</th><th scope=\"col\">Lower process limit</th><th scope=\"col\">Upper process limit</th><th scope=\"col\">Special cause</th></tr></thead>\n<tbody>\n")
	for _, p := range f.Points {
		fmt.Fprintf(&b, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			esc(p.Label), label(p.Y), label(p.Mean), label(p.LPL), label(p.UPL), esc(p.SpecialCauseType))
	}
	b.WriteString("</tbody>\n</table>\n")
	return b.String()
}
