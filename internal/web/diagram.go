package web

import (
	"fmt"
	"html"
	"strings"

	"github.com/goeswell/goeswell/internal/improve"
)

// driverDiagramSVG draws an aim's driver diagram as a standalone SVG:
// the aim on the left, then primary drivers, secondary drivers and change
// ideas, each node centred on what hangs from it, joined by lines. It uses
// presentation attributes only (no style, no script), so it passes the
// strict CSP, and carries a <title> and <desc> for screen readers; the aim
// page also lists the same tree as nested lists.
func driverDiagramSVG(aim *improve.Aim, drivers []*improve.Driver, t func(string, ...any) string) string {
	const (
		colW, boxW, lineH, rowH, pad = 250.0, 220.0, 15.0, 64.0, 10.0
		top                          = 40.0
	)
	type box struct {
		x, y, h float64
		lines   []string
		fill    string
		link    string
	}
	var boxes []box
	var edges [][4]float64
	fills := map[improve.DriverKind]string{improve.DriverPrimary: "#dbe9f6", improve.DriverSecondary: "#e6f2e6", improve.DriverChange: "#fff2cc"}
	row := 0.0
	var place func(d *improve.Driver, col int) (float64, float64)
	// place lays out d and its subtree from the current row and returns
	// the centre y and right edge of d's box.
	place = func(d *improve.Driver, col int) (float64, float64) {
		var ys []float64
		for _, c := range d.Children {
			y, _ := place(c, col+1)
			ys = append(ys, y)
		}
		var cy float64
		if len(ys) == 0 {
			cy = top + row*rowH + rowH/2
			row++
		} else {
			cy = (ys[0] + ys[len(ys)-1]) / 2
		}
		lines := wrap(d.Title, 30, 3)
		link := ""
		if d.FrameworkNode != "" {
			link = "↳ " + truncate(d.FrameworkNode, 34)
		}
		h := float64(len(lines))*lineH + pad
		if link != "" {
			h += lineH
		}
		x := float64(col) * colW
		boxes = append(boxes, box{x: x + 10, y: cy - h/2, h: h, lines: lines, fill: fills[d.Kind], link: link})
		for _, y := range ys {
			edges = append(edges, [4]float64{x + 10 + boxW, cy, x + colW + 10, y})
		}
		return cy, x + 10 + boxW
	}
	var tops []float64
	for _, d := range drivers {
		y, _ := place(d, 1)
		tops = append(tops, y)
	}
	if row == 0 {
		row = 1
	}
	height := top + row*rowH + 20
	aimLines := wrap(aim.Statement, 30, 8)
	ah := float64(len(aimLines))*lineH + pad
	acy := top + row*rowH/2
	boxes = append(boxes, box{x: 10, y: acy - ah/2, h: ah, lines: aimLines, fill: "#f4dcdc"})
	if acy-ah/2 < top {
		height += top - (acy - ah/2)
	}
	for _, y := range tops {
		edges = append(edges, [4]float64{10 + boxW, acy, colW + 10, y})
	}
	var b strings.Builder
	width := 4*colW + 20
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="dd-title dd-desc" font-family="sans-serif" font-size="12">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, "<title id=\"dd-title\">%s</title>\n<desc id=\"dd-desc\">%s</desc>\n", esc(t("improve.diagram_title")), esc(describe(aim, drivers, t)))
	for i, h := range []string{"improve.aim", "improve.primary_drivers", "improve.secondary_drivers", "improve.change_ideas"} {
		fmt.Fprintf(&b, "<text x=\"%.0f\" y=\"20\" font-weight=\"bold\" fill=\"#333333\">%s</text>\n", float64(i)*colW+10, esc(t(h)))
	}
	for _, e := range edges {
		mx := (e[0] + e[2]) / 2
		fmt.Fprintf(&b, "<path d=\"M%.1f %.1f C%.1f %.1f %.1f %.1f %.1f %.1f\" fill=\"none\" stroke=\"#777777\"/>\n", e[0], e[1], mx, e[1], mx, e[3], e[2], e[3])
	}
	for _, bx := range boxes {
		fmt.Fprintf(&b, "<g><rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" rx=\"6\" fill=\"%s\" stroke=\"#555555\"/>\n", bx.x, bx.y, boxW, bx.h, bx.fill)
		for i, l := range bx.lines {
			fmt.Fprintf(&b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#111111\">%s</text>\n", bx.x+8, bx.y+pad/2+lineH*float64(i+1)-3, esc(l))
		}
		if bx.link != "" {
			fmt.Fprintf(&b, "<text x=\"%.1f\" y=\"%.1f\" fill=\"#6a3d9a\" font-size=\"11\">%s</text>\n", bx.x+8, bx.y+pad/2+lineH*float64(len(bx.lines)+1)-3, esc(bx.link))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	return b.String()
}

func esc(s string) string { return html.EscapeString(s) }

func describe(aim *improve.Aim, drivers []*improve.Driver, t func(string, ...any) string) string {
	var b strings.Builder
	b.WriteString(t("improve.aim") + ": " + aim.Statement + ".")
	var walk func(ds []*improve.Driver)
	walk = func(ds []*improve.Driver) {
		for _, d := range ds {
			b.WriteString(" " + t("improve.kind_"+string(d.Kind)) + ": " + d.Title + ".")
			walk(d.Children)
		}
	}
	walk(drivers)
	return b.String()
}

// wrap breaks s into lines of at most n runes, at most max lines, the last
// one ending in an ellipsis when cut.
func wrap(s string, n, max int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		if len([]rune(w)) > n {
			w = string([]rune(w)[:n-1]) + "…"
		}
		switch {
		case cur == "":
			cur = w
		case len([]rune(cur))+1+len([]rune(w)) <= n:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > max {
		lines = lines[:max]
		lines[max-1] = truncate(lines[max-1]+" …", n)
	}
	if len(lines) == 0 {
		lines = []string{""}
	}
	return lines
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
