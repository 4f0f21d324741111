// Package spccmd is the "goeswell spc" command: it reads a CSV of
// subgroups, computes a run or control chart with internal/spc and writes
// the result as CSV (qicharts2's or NHSRplotthedots' columns), JSON or SVG.
package spccmd
