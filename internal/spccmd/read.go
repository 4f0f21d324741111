package spccmd

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/spc"
)

// XType says how the x column is read.
type XType string

// The x types qicharts2 distinguishes.
const (
	XAuto        XType = ""
	XIndex       XType = "index"
	XNumeric     XType = "numeric"
	XDate        XType = "date"
	XCategorical XType = "categorical"
)

// readSpec says which columns to read.
type readSpec struct {
	XType      XType
	XLevels    []string
	Facets     []string
	PartColumn string
	WantN      bool // read n when present
}

// table is the parsed input, by column: a million rows cost a few
// numbers each, not a struct of strings. Facet and part labels are
// interned (each distinct label stored once); x is kept as numbers, with
// the categories' names once in xLabels.
type table struct {
	Cols  spc.Columns
	HasN  bool
	XType XType
	// xLabels names categorical x: Key k is shown as xLabels[k].
	xLabels []string
}

// label is how a subgroup's key is shown: the date, category or number
// the input gave (trimmed).
func (t *table) label(key float64) string {
	switch t.XType {
	case XDate:
		return formatDate(key)
	case XCategorical:
		return t.xLabels[int(key)]
	}
	return formatNum(key)
}

// appendLabel is label appending to b, as a CSV field.
func (t *table) appendLabel(b []byte, key float64) []byte {
	switch t.XType {
	case XDate, XCategorical:
		return appendField(b, t.label(key))
	}
	return appendNum(b, key)
}

// setLabels fills the panels' Labels, for the writers that draw or list
// every point by its label.
func (t *table) setLabels(res *spc.Result) {
	for pi := range res.Panels {
		p := &res.Panels[pi]
		p.Labels = make([]string, p.Len())
		for i, k := range p.Key {
			p.Labels[i] = t.label(k)
		}
	}
}

// obs returns the rows as observations, labels included.
func (t *table) obs() []spc.Obs {
	obs := make([]spc.Obs, t.Cols.Len())
	for i := range obs {
		obs[i] = t.Cols.Obs(i)
		if k := obs[i].Key; k == k {
			obs[i].Label = t.label(k)
		}
	}
	return obs
}

// interner stores each distinct label once and gives it a code.
type interner struct {
	codes  map[string]int32
	levels []string
}

func (in *interner) code(b []byte) int32 {
	if c, ok := in.codes[string(b)]; ok { // no copy for a lookup
		return c
	}
	if in.codes == nil {
		in.codes = map[string]int32{}
	}
	c := int32(len(in.levels)) // #nosec G115 -- at most one level per row
	s := string(b)             // b points into the CSV reader's buffer
	in.codes[s] = c
	in.levels = append(in.levels, s)
	return c
}

// rowError names the row (1-based data row, header is row 0... we count the
// header as line 1) and column of bad input.
type rowError struct {
	Row    int
	Column string
	Err    error
}

func (e *rowError) Error() string {
	if e.Row == 0 {
		return fmt.Sprintf("column %q: %v", e.Column, e.Err)
	}
	return fmt.Sprintf("row %d, column %q: %v", e.Row, e.Column, e.Err)
}

func (e *rowError) Unwrap() error { return e.Err }

var (
	errMissingColumn = errors.New("missing column")
	errNotNumber     = errors.New("not a number")
	errNotDate       = errors.New("not a date (YYYY-MM-DD)")
	errUnknownLevel  = errors.New("not one of --x-levels")
)

// isMissingField reports whether a CSV field stands for a missing value.
func isMissingField(s string) bool {
	return s == "" || s == "NA"
}

// parseNum reads a number as R's read.csv would, including NA, NaN, Inf.
func parseNum(s string) (float64, error) {
	if plainDecimal(s) {
		// The common case, digits with a sign and a point, needs none of
		// the checks below.
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, errNotNumber
		}
		return v, nil
	}
	s = strings.TrimSpace(s)
	if isMissingField(s) {
		return spc.NA, nil
	}
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "xXpP_") || strings.EqualFold(s, "infinity") || strings.EqualFold(s, "+inf") || strings.EqualFold(s, "nan") {
		return 0, errNotNumber
	}
	return v, nil
}

// plainDecimal reports whether s is a non-empty run of digits with at
// most a leading minus sign and a decimal point, and at least one digit.
func plainDecimal(s string) bool {
	digits := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '-' && i == 0, c == '.':
		default:
			return false
		}
	}
	return digits > 0 && strings.Count(s, ".") <= 1
}

var epoch = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)

// parseDate reads an ISO date as days since the Unix epoch.
func parseDate(s string) (float64, error) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err != nil {
		return 0, errNotDate
	}
	return float64(t.Sub(epoch) / (24 * time.Hour)), nil
}

// formatDate is parseDate's inverse.
func formatDate(days float64) string {
	return epoch.AddDate(0, 0, int(days)).Format("2006-01-02")
}

// plainIntX lets readTable keep plain integer x as numbers only (tests
// turn it off to compare with the text path).
var plainIntX = true

// readTable reads the CSV. Row numbers in errors count the header as row 1,
// so they match a spreadsheet's line numbers.
func readTable(r io.Reader, spec readSpec) (*table, error) {
	cr := newCSVReader(r)
	if err := cr.Read(); err != nil {
		if err == io.EOF {
			return nil, &rowError{Row: 1, Column: "x", Err: errors.New("empty input")}
		}
		return nil, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i := range cr.NumFields() {
		h := string(cr.Field(i))
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	need := func(name string) (int, error) {
		i, ok := col[name]
		if !ok {
			return 0, &rowError{Row: 1, Column: name, Err: errMissingColumn}
		}
		return i, nil
	}
	var err error
	xi, err := need("x")
	if err != nil {
		return nil, err
	}
	yi, err := need("y")
	if err != nil {
		return nil, err
	}
	ni := -1
	if i, ok := col["n"]; ok && spec.WantN {
		ni = i
	}
	fi := make([]int, len(spec.Facets))
	for k, f := range spec.Facets {
		if fi[k], err = need(f); err != nil {
			return nil, err
		}
	}
	pi := -1
	if spec.PartColumn != "" {
		if pi, err = need(spec.PartColumn); err != nil {
			return nil, err
		}
	}
	t := &table{HasN: ni >= 0, XType: spec.XType}
	cols := &t.Cols
	// x is kept as text until every row is read (its type is guessed from
	// all of them), in one buffer rather than a string per row.
	var xText strings.Builder
	var xEnd []int32
	// While every x is a plain integer or missing, as in most large
	// inputs, x goes straight into Key and no text is kept: a plain
	// integer's text is strconv's of its number, so it can be written out
	// again if a later x turns out to need the text.
	xNum := plainIntX && (spec.XType == XAuto || spec.XType == XNumeric || spec.XType == XIndex)
	rows := 0
	// Reading a file, the columns are sized once from the file's size and
	// the first rows' length, instead of doubling as they grow.
	var size int64
	if f, ok := r.(interface{ Stat() (os.FileInfo, error) }); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	var facetIn [2]interner
	var facetCodes [2][]int32
	var partIn interner
	line := 1
	for {
		err := cr.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return nil, fmt.Errorf("read row %d: %w", line, err)
		}
		// A field's bytes are valid until the next Read: numbers are
		// parsed from them without a copy, labels copied once each.
		field := func(i int, name string) ([]byte, error) {
			if i >= cr.NumFields() {
				return nil, &rowError{Row: line, Column: name, Err: errors.New("too few fields")}
			}
			return cr.Field(i), nil
		}
		xs, err := field(xi, "x")
		if err != nil {
			return nil, err
		}
		ys, err := field(yi, "y")
		if err != nil {
			return nil, err
		}
		y, err := parseNum(string(ys))
		if err != nil {
			return nil, &rowError{Row: line, Column: "y", Err: fmt.Errorf("%w: %q", err, string(ys))}
		}
		cols.Y = append(cols.Y, y)
		if ni >= 0 {
			ns, err := field(ni, "n")
			if err != nil {
				return nil, err
			}
			n, err := parseNum(string(ns))
			if err != nil {
				return nil, &rowError{Row: line, Column: "n", Err: fmt.Errorf("%w: %q", err, string(ns))}
			}
			cols.N = append(cols.N, n)
		}
		for k, i := range fi {
			s, err := field(i, spec.Facets[k])
			if err != nil {
				return nil, err
			}
			facetCodes[k] = append(facetCodes[k], facetIn[k].code(s))
		}
		if pi >= 0 {
			s, err := field(pi, spec.PartColumn)
			if err != nil {
				return nil, err
			}
			cols.Part = append(cols.Part, partIn.code(s))
		}
		if xNum {
			if k, ok := plainIntKey(xs); ok {
				cols.Key = append(cols.Key, k)
			} else {
				xNum = false
				if err := keysToText(cols.Key, &xText, &xEnd); err != nil {
					return nil, fmt.Errorf("read row %d: %w", line, err)
				}
				cols.Key = nil
			}
		}
		if !xNum {
			if xText.Len()+len(xs) > math.MaxInt32 {
				return nil, fmt.Errorf("read row %d: more than 2 GiB of x values", line)
			}
			xText.Write(xs)
			xEnd = append(xEnd, int32(xText.Len())) // #nosec G115 -- checked above
		}
		if rows++; rows == 1024 && size > 0 {
			if off := cr.InputOffset(); off > 0 && size > off {
				est := int(float64(size)/float64(off)*float64(rows)*1.02) + 16
				grow := func(n int) int { return max(0, est-n) }
				cols.Y = slices.Grow(cols.Y, grow(len(cols.Y)))
				if xNum {
					cols.Key = slices.Grow(cols.Key, grow(len(cols.Key)))
				} else {
					xEnd = slices.Grow(xEnd, grow(len(xEnd)))
				}
				if ni >= 0 {
					cols.N = slices.Grow(cols.N, grow(len(cols.N)))
				}
				if pi >= 0 {
					cols.Part = slices.Grow(cols.Part, grow(len(cols.Part)))
				}
				for k := range fi {
					facetCodes[k] = slices.Grow(facetCodes[k], grow(len(facetCodes[k])))
				}
				if !xNum {
					xText.Grow(xText.Len()*est/rows - xText.Len())
				}
			}
		}
	}
	if len(fi) > 0 {
		cols.Facet1, cols.Levels1 = facetCodes[0], facetIn[0].levels
	}
	if len(fi) > 1 {
		cols.Facet2, cols.Levels2 = facetCodes[1], facetIn[1].levels
	}
	if pi >= 0 {
		cols.PartLevels = partIn.levels
	}
	if xNum {
		// Every x was a plain integer or missing: the type is numeric
		// (guessXType would say so) and Key holds what the loop below
		// would parse.
		if t.XType == XAuto {
			t.XType = XNumeric
		}
		t.xLabels = xLevelLabels(spec.XLevels, map[string]int{})
		if cols.Key == nil {
			cols.Key = []float64{}
		}
		return t, nil
	}
	all := xText.String()
	x := func(i int) string {
		a := int32(0)
		if i > 0 {
			a = xEnd[i-1]
		}
		return all[a:xEnd[i]]
	}
	if t.XType == XAuto {
		t.XType = guessXType(len(xEnd), x)
	}
	levels := map[string]int{}
	t.xLabels = xLevelLabels(spec.XLevels, levels)
	fixed := len(spec.XLevels) > 0
	cols.Key = make([]float64, len(xEnd))
	for i := range xEnd {
		line := i + 2
		xs := strings.TrimSpace(x(i))
		var key float64
		switch {
		case isMissingField(xs):
			key = math.NaN() // qic drops rows with a missing x
		case t.XType == XDate:
			d, err := parseDate(xs)
			if err != nil {
				return nil, &rowError{Row: line, Column: "x", Err: fmt.Errorf("%w: %q", err, xs)}
			}
			key = d
		case t.XType == XCategorical:
			k, ok := levels[xs]
			if !ok {
				if fixed {
					return nil, &rowError{Row: line, Column: "x", Err: fmt.Errorf("%w: %q", errUnknownLevel, xs)}
				}
				k = len(levels)
				levels[xs] = k
				t.xLabels = append(t.xLabels, xs)
			}
			key = float64(k)
		default:
			v, err := parseNum(xs)
			if err != nil || math.IsInf(v, 0) || v != v {
				return nil, &rowError{Row: line, Column: "x", Err: fmt.Errorf("%w: %q", errNotNumber, xs)}
			}
			key = v
		}
		cols.Key[i] = key
	}
	return t, nil
}

// xLevelLabels is the labels of --x-levels, each level's index put in
// levels.
func xLevelLabels(xLevels []string, levels map[string]int) []string {
	labels := make([]string, len(xLevels))
	for i, l := range xLevels {
		if _, ok := levels[l]; !ok {
			levels[l] = i
			labels[i] = l
		}
	}
	return labels
}

// plainIntKey reads an x that is missing (empty or NA, with no spaces) or
// a plain integer: an optional minus sign and 1 to 15 digits, with no
// leading zero and no "-0", so that its text is exactly
// strconv.FormatInt of its value (and that value a float64 holds
// exactly). ok is false for any other x.
func plainIntKey(b []byte) (key float64, ok bool) {
	if len(b) == 0 || string(b) == "NA" {
		return math.NaN(), true
	}
	neg := b[0] == '-'
	d := b
	if neg {
		d = b[1:]
	}
	if len(d) == 0 || len(d) > 15 || d[0] == '0' && (len(d) > 1 || neg) {
		return 0, false
	}
	var v int64
	for _, c := range d {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int64(c-'0')
	}
	if neg {
		v = -v
	}
	return float64(v), true
}

// keysToText writes the text of x for the rows read as plain integer
// keys: the integer, or nothing for a missing x.
func keysToText(keys []float64, text *strings.Builder, end *[]int32) error {
	var buf [24]byte
	for _, k := range keys {
		if k == k {
			text.Write(strconv.AppendInt(buf[:0], int64(k), 10))
		}
		if text.Len() > math.MaxInt32 {
			return errors.New("more than 2 GiB of x values")
		}
		*end = append(*end, int32(text.Len())) // #nosec G115 -- checked above
	}
	return nil
}

// guessXType picks date if every x is an ISO date, numeric if every x is a
// number, categorical otherwise.
func guessXType(rows int, x func(int) string) XType {
	dates, nums := true, true
	for r := range rows {
		s := strings.TrimSpace(x(r))
		if isMissingField(s) {
			continue
		}
		if dates {
			if _, err := parseDate(s); err != nil {
				dates = false
			}
		}
		if nums {
			if _, err := parseNum(s); err != nil {
				nums = false
			}
		}
	}
	switch {
	case rows == 0 || nums:
		return XNumeric
	case dates:
		return XDate
	}
	return XCategorical
}

// sortObs orders observations by facet, then x, keeping input order for
// ties.
func sortObs(obs []spc.Obs) {
	slices.SortStableFunc(obs, func(a, b spc.Obs) int {
		if c := cmp.Compare(a.Facet1, b.Facet1); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Facet2, b.Facet2); c != 0 {
			return c
		}
		return cmp.Compare(a.Key, b.Key)
	})
}
