package spccmd

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
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

// table is the parsed input.
type table struct {
	Obs   []spc.Obs
	HasN  bool
	XType XType
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

// readTable reads the CSV. Row numbers in errors count the header as row 1,
// so they match a spreadsheet's line numbers.
func readTable(r io.Reader, spec readSpec) (*table, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, &rowError{Row: 1, Column: "x", Err: errors.New("empty input")}
		}
		return nil, fmt.Errorf("read header: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
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
	type raw struct {
		x string
		o spc.Obs
	}
	var rows []raw
	line := 1
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line++
		if err != nil {
			return nil, fmt.Errorf("read row %d: %w", line, err)
		}
		field := func(i int, name string) (string, error) {
			if i >= len(rec) {
				return "", &rowError{Row: line, Column: name, Err: errors.New("too few fields")}
			}
			return rec[i], nil
		}
		var o spc.Obs
		xs, err := field(xi, "x")
		if err != nil {
			return nil, err
		}
		ys, err := field(yi, "y")
		if err != nil {
			return nil, err
		}
		if o.Y, err = parseNum(ys); err != nil {
			return nil, &rowError{Row: line, Column: "y", Err: fmt.Errorf("%w: %q", err, ys)}
		}
		o.N = spc.NA
		if ni >= 0 {
			ns, err := field(ni, "n")
			if err != nil {
				return nil, err
			}
			if o.N, err = parseNum(ns); err != nil {
				return nil, &rowError{Row: line, Column: "n", Err: fmt.Errorf("%w: %q", err, ns)}
			}
		}
		for k, i := range fi {
			s, err := field(i, spec.Facets[k])
			if err != nil {
				return nil, err
			}
			if k == 0 {
				o.Facet1 = s
			} else {
				o.Facet2 = s
			}
		}
		if pi >= 0 {
			s, err := field(pi, spec.PartColumn)
			if err != nil {
				return nil, err
			}
			o.PartLabel = s
		}
		rows = append(rows, raw{x: strings.Clone(xs), o: o})
		rows[len(rows)-1].o.Facet1 = strings.Clone(o.Facet1)
		rows[len(rows)-1].o.Facet2 = strings.Clone(o.Facet2)
		rows[len(rows)-1].o.PartLabel = strings.Clone(o.PartLabel)
	}
	t := &table{HasN: ni >= 0, XType: spec.XType}
	if t.XType == XAuto {
		t.XType = guessXType(rows[:], func(r raw) string { return r.x })
	}
	levels := map[string]int{}
	for i, l := range spec.XLevels {
		if _, ok := levels[l]; !ok {
			levels[l] = i
		}
	}
	fixed := len(spec.XLevels) > 0
	t.Obs = make([]spc.Obs, len(rows))
	for i, r := range rows {
		o := r.o
		line := i + 2
		xs := strings.TrimSpace(r.x)
		switch {
		case isMissingField(xs):
			o.Key = math.NaN() // qic drops rows with a missing x
		case t.XType == XDate:
			d, err := parseDate(xs)
			if err != nil {
				return nil, &rowError{Row: line, Column: "x", Err: fmt.Errorf("%w: %q", err, xs)}
			}
			o.Key, o.Label = d, formatDate(d)
		case t.XType == XCategorical:
			k, ok := levels[xs]
			if !ok {
				if fixed {
					return nil, &rowError{Row: line, Column: "x", Err: fmt.Errorf("%w: %q", errUnknownLevel, xs)}
				}
				k = len(levels)
				levels[xs] = k
			}
			o.Key, o.Label = float64(k), xs
		default:
			v, err := parseNum(xs)
			if err != nil || math.IsInf(v, 0) || v != v {
				return nil, &rowError{Row: line, Column: "x", Err: fmt.Errorf("%w: %q", errNotNumber, xs)}
			}
			o.Key, o.Label = v, formatNum(v)
		}
		t.Obs[i] = o
	}
	return t, nil
}

// guessXType picks date if every x is an ISO date, numeric if every x is a
// number, categorical otherwise.
func guessXType[T any](rows []T, x func(T) string) XType {
	dates, nums := true, true
	for _, r := range rows {
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
	case len(rows) == 0 || nums:
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
