package learning

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// An Indicator is one population figure (seed 001: population and
// performance data), for one place and period, from an import.
type Indicator struct {
	ID, CollaborativeID, ImportID int64
	Name, Geography, Period       string
	// Count and Denominator are nil when the source gives none.
	Count, Denominator *int64
	Value              *float64
	Unit               string
	// From the import.
	Source string
	AsOf   collab.Date
}

// An IndicatorImport is one CSV file of indicators.
type IndicatorImport struct {
	ID, CollaborativeID int64
	Source              string
	AsOf                collab.Date
	FileName            string
	Rows                int
	ImportedBy          int64
	ImportedAt          time.Time
}

// A CellError is what is wrong at one row and column of an imported file.
// Row 1 is the header.
type CellError struct {
	Row    int
	Column string
	Msg    string // catalog key
}

// ImportError lists every problem found in a file; nothing was imported.
type ImportError struct{ Cells []CellError }

func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "import refused, %d problems:", len(e.Cells))
	for i, c := range e.Cells {
		if i == 10 {
			b.WriteString(" …")
			break
		}
		fmt.Fprintf(&b, " row %d %s: %s;", c.Row, c.Column, c.Msg)
	}
	return strings.TrimSuffix(b.String(), ";")
}

// IndicatorColumns are the CSV's columns; indicator, geography, period and
// at least one of count or value are required, denominator and unit are
// optional.
var IndicatorColumns = []string{"indicator", "geography", "period", "count", "denominator", "value", "unit"}

// MaxIndicatorRows bounds one import.
const MaxIndicatorRows = 50000

// ParseIndicators reads an indicator CSV all-or-nothing: it returns every
// row, or an *ImportError listing each bad cell by row and column.
func ParseIndicators(r io.Reader) ([]Indicator, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ImportError{Cells: []CellError{{Row: 1, Column: "", Msg: "indicator.error.empty"}}}
	}
	if err != nil {
		return nil, &ImportError{Cells: []CellError{{Row: 1, Msg: "indicator.error.csv"}}}
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[h] = i
	}
	var errs []CellError
	for _, need := range []string{"indicator", "geography", "period"} {
		if _, ok := col[need]; !ok {
			errs = append(errs, CellError{Row: 1, Column: need, Msg: "indicator.error.missing_column"})
		}
	}
	_, hasCount := col["count"]
	_, hasValue := col["value"]
	if !hasCount && !hasValue {
		errs = append(errs, CellError{Row: 1, Column: "count", Msg: "indicator.error.missing_column"})
	}
	if len(errs) > 0 {
		return nil, &ImportError{Cells: errs}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []Indicator
	seen := map[string]int{}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, CellError{Row: row, Msg: "indicator.error.csv"})
			break
		}
		if len(out) >= MaxIndicatorRows {
			errs = append(errs, CellError{Row: row, Msg: "indicator.error.too_many"})
			break
		}
		in := Indicator{Name: get(rec, "indicator"), Geography: get(rec, "geography"), Period: get(rec, "period"), Unit: get(rec, "unit")}
		for name, s := range map[string]string{"indicator": in.Name, "geography": in.Geography, "period": in.Period} {
			if s == "" {
				errs = append(errs, CellError{Row: row, Column: name, Msg: "error.required"})
			} else if len(s) > 200 {
				errs = append(errs, CellError{Row: row, Column: name, Msg: "error.too_long"})
			}
		}
		for _, c := range []struct {
			name string
			dst  **int64
		}{{"count", &in.Count}, {"denominator", &in.Denominator}} {
			s := get(rec, c.name)
			if s == "" {
				continue
			}
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n < 0 {
				errs = append(errs, CellError{Row: row, Column: c.name, Msg: "indicator.error.not_count"})
				continue
			}
			*c.dst = &n
		}
		if s := get(rec, "value"); s != "" {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil {
				errs = append(errs, CellError{Row: row, Column: "value", Msg: "indicator.error.not_number"})
			} else {
				in.Value = &f
			}
		}
		if get(rec, "count") == "" && get(rec, "value") == "" {
			errs = append(errs, CellError{Row: row, Column: "count", Msg: "indicator.error.no_figure"})
		}
		if in.Count != nil && in.Denominator != nil && *in.Count > *in.Denominator {
			errs = append(errs, CellError{Row: row, Column: "denominator", Msg: "indicator.error.count_over_denominator"})
		}
		key := in.Name + "\x00" + in.Geography + "\x00" + in.Period
		if first, dup := seen[key]; dup {
			_ = first
			errs = append(errs, CellError{Row: row, Column: "indicator", Msg: "indicator.error.duplicate"})
		}
		seen[key] = row
		out = append(out, in)
	}
	if len(errs) > 0 {
		return nil, &ImportError{Cells: errs}
	}
	if len(out) == 0 {
		return nil, &ImportError{Cells: []CellError{{Row: 2, Msg: "indicator.error.empty"}}}
	}
	return out, nil
}

// Validate checks an import's metadata.
func (im *IndicatorImport) Validate() error {
	v := collab.NewValidation()
	trimLimit(v, "source", &im.Source, 300, true)
	if im.AsOf.IsZero() {
		v.Add("asOf", "error.required")
	}
	return v.Err()
}

// Shown is an indicator as an aggregate page may show it: a count under the
// threshold is suppressed, and so are its rate and denominator, from which
// the count could be worked out.
type Shown struct {
	Indicator
	CountShown Count
	Hidden     bool
}

// ShowIndicator applies small-count suppression to an indicator.
func ShowIndicator(in Indicator, minCell int) Shown {
	s := Shown{Indicator: in}
	if in.Count != nil {
		s.CountShown = Suppress(*in.Count, minCell)
		if s.CountShown.Suppressed {
			s.Hidden = true
			s.Indicator.Count, s.Indicator.Value, s.Indicator.Denominator = nil, nil, nil
		}
	}
	return s
}
