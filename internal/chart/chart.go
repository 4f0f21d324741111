// Package chart draws SPC results from internal/spc as accessible,
// dependency-free SVG: no script, no external fonts and no inline style
// attributes, so it renders under a strict Content-Security-Policy.
package chart

import (
	"io"

	"github.com/goeswell/goeswell/internal/spc"
)

// Options tune a drawing.
type Options struct{}

// SVG draws panel i of res.
func SVG(w io.Writer, res *spc.Result, i int, o Options) error { return nil }

// MDCSVG draws a Making Data Count facet.
func MDCSVG(w io.Writer, f *spc.MDCFacet, mo spc.MDCOptions, o Options) error { return nil }
