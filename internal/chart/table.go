package chart

import (
	"fmt"
	"strings"

	"github.com/goeswell/goeswell/internal/spc"
)

// Table returns the numbers behind the chart as an HTML table, the
// accessible alternative to the SVG (one table per panel, in one string).
func Table(r *spc.Result) string { return TableIn(r, nil) }

// TableIn is Table with its words translated by w.
func TableIn(r *spc.Result, w Words) string {
	var b strings.Builder
	for pi := range r.Panels {
		p := &r.Panels[pi]
		caption := w.t("chart.caption", strings.ToUpper(string(r.Chart)), string(r.Rules))
		if p.Facet1 != "" {
			caption += ": " + p.Facet1
			if p.Facet2 != "" {
				caption += " / " + p.Facet2
			}
		}
		fmt.Fprintf(&b, "<div class=\"table-scroll\"><table class=\"spc-table\">\n<caption>%s</caption>\n", esc(caption))
		fmt.Fprintf(&b, "<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">x</th><th scope=\"col\">y</th>", esc(w.t("chart.col.part")))
		if r.HasN {
			fmt.Fprintf(&b, "<th scope=\"col\">%s</th>", esc(w.t("chart.col.n")))
		}
		fmt.Fprintf(&b, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
			esc(w.t("chart.col.cl")), esc(w.t("chart.col.lcl")), esc(w.t("chart.col.ucl")), esc(w.t("chart.col.signal")))
		for i := 0; i < p.Len(); i++ {
			pt := p.Point(i)
			q := &pt
			sig := w.reasons(spc.PointReasons(q), "; ")
			if !q.Include {
				sig = strings.TrimPrefix(sig+"; "+w.t("chart.excluded"), "; ")
			}
			fmt.Fprintf(&b, "<tr><td>%d</td><th scope=\"row\">%s</th><td>%s</td>", q.Part, esc(p.Labels[i]), label(q.Y))
			if r.HasN {
				fmt.Fprintf(&b, "<td>%s</td>", label(q.N))
			}
			fmt.Fprintf(&b, "<td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", label(q.CL), label(q.LCL), label(q.UCL), esc(sig))
		}
		b.WriteString("</tbody>\n</table></div>\n")
	}
	return b.String()
}

// MDCTable is Table for a Making Data Count facet.
func MDCTable(f *spc.MDCFacet) string { return MDCTableIn(f, nil) }

// MDCTableIn is MDCTable with its words translated by w.
func MDCTableIn(f *spc.MDCFacet, w Words) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<div class=\"table-scroll\"><table class=\"spc-table\">\n<caption>%s</caption>\n", esc(w.t("chart.mdc_caption", f.Facet, strings.ReplaceAll(f.VariationType, "_", " "))))
	fmt.Fprintf(&b, "<thead><tr><th scope=\"col\">x</th><th scope=\"col\">y</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
		esc(w.t("chart.col.mean")), esc(w.t("chart.col.lpl")), esc(w.t("chart.col.upl")), esc(w.t("chart.col.special")))
	for _, p := range f.Points {
		fmt.Fprintf(&b, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
			esc(p.Label), label(p.Y), label(p.Mean), label(p.LPL), label(p.UPL), esc(p.SpecialCauseType))
	}
	b.WriteString("</tbody>\n</table></div>\n")
	return b.String()
}
