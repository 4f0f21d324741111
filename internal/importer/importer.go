// Package importer brings a team's measure values in from CSV and XLSX
// files and from blocks pasted out of a spreadsheet, in three steps shared
// by the web upload, the API and any command: Parse reads the file into
// rows and reports every problem by row and column (the spreadsheet cell,
// such as C7); MakePlan compares the rows with what is stored and says
// what would be added, changed or cleared, which is the dry run; Apply
// saves the plan all together or not at all.
//
// The file layout is long, one value a row, with a header row naming the
// columns (in any order, case-insensitive):
//
//	measure, period, group, value, numerator, denominator
//
// measure is the measure's name or id; period is YYYY-MM or YYYY-MM-DD
// (a spreadsheet date cell also works); group is needed only for
// disaggregated measures; a plain measure takes value, a ratio numerator
// and denominator. An empty number clears the cell.
package importer

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/ziplimit"
	"github.com/xuri/excelize/v2"
)

// Format is a file format.
type Format string

// The formats Parse reads.
const (
	CSV   Format = "csv"
	XLSX  Format = "xlsx"
	Paste Format = "paste" // tab-separated, as a spreadsheet copies cells
)

// FormatForFile returns the format a file name implies.
func FormatForFile(name string) (Format, error) {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".csv"), strings.HasSuffix(n, ".txt"):
		return CSV, nil
	case strings.HasSuffix(n, ".xlsx"):
		return XLSX, nil
	}
	return "", &Errors{{Key: "measure.import_error_format", Msg: "unknown file type: want .csv or .xlsx"}}
}

// A CellError is one problem, placed at a row (1-based, as a spreadsheet
// numbers them, the header being row 1) and column.
type CellError struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"` // the header's name for it
	Cell   string `json:"cell,omitempty"`   // such as C7
	// Key is the message catalog key; Msg the same in English.
	Key string `json:"key"`
	Msg string `json:"message"`
}

func (e CellError) Error() string {
	switch {
	case e.Cell != "":
		return fmt.Sprintf("cell %s (row %d, %s): %s", e.Cell, e.Row, e.Column, e.Msg)
	case e.Row > 0:
		return fmt.Sprintf("row %d: %s", e.Row, e.Msg)
	}
	return e.Msg
}

// Errors is every problem Parse found, in file order.
type Errors []CellError

func (l *Errors) Error() string {
	var b strings.Builder
	for i, e := range *l {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// maxErrors bounds the report: past that the file is probably not ours.
const maxErrors = 100

// MaxRows bounds a file: a collaborative's team reports a few measures a
// month, so this is years of data.
const MaxRows = 20000

// A Row is one parsed value and where it came from.
type Row struct {
	Line  int
	Value *improve.Value
}

// Parse reads a file of values for a team's measures. It returns every row
// or, if any is wrong, nothing but the errors: an import is all or nothing.
func Parse(r io.Reader, f Format, measures []*improve.Measure) ([]Row, error) {
	records, err := read(r, f)
	if err != nil {
		return nil, err
	}
	return parseRecords(records, f, measures)
}

// MaxFileSize bounds the file itself, as sent.
const MaxFileSize = 16 << 20

// MaxUnzipped bounds what an XLSX workbook may expand to, every part of
// it together. A real workbook of MaxRows long-format rows is about 2 MiB
// of XML, and reading a workbook allocates about five times its unzipped
// size; a zip bomb — a 1 MB file holding a 1 GiB sheet of spaces — is
// refused before anything is inflated (ziplimit.Check), and what is
// inflated stays in memory: no part spills to a temporary file.
const MaxUnzipped = 16 << 20

// tooLarge is the error for a file over MaxFileSize or a workbook that
// would expand past MaxUnzipped.
func tooLarge() error {
	return &Errors{{Key: "measure.import_error_too_large", Msg: fmt.Sprintf("the file is too large: at most %d MiB, and %d MiB once unzipped", MaxFileSize>>20, MaxUnzipped>>20)}}
}

func read(r io.Reader, f Format) ([][]string, error) {
	// One byte past the limit tells a file at the limit from a longer
	// one, which is refused rather than read in part.
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read file: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, tooLarge()
	}
	switch f {
	case CSV, Paste:
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's UTF-8 mark
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		cr.TrimLeadingSpace = true
		if f == Paste {
			cr.Comma = '\t'
			cr.LazyQuotes = true
		} else if sniffSemicolon(data) {
			cr.Comma = ';' // spreadsheets in comma-decimal locales
		}
		var out [][]string
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return nil, &Errors{csvError(pe)}
				}
				return nil, &Errors{{Key: "measure.import_error_csv", Msg: "the file could not be read as CSV"}}
			}
			out = append(out, rec)
			if len(out) > MaxRows+1 {
				return nil, &Errors{{Row: len(out), Key: "measure.import_error_too_many_rows", Msg: fmt.Sprintf("more than %d rows", MaxRows)}}
			}
		}
		return out, nil
	case XLSX:
		return readXLSX(data)
	}
	return nil, &Errors{{Key: "measure.import_error_format", Msg: "unknown file type: want .csv or .xlsx"}}
}

func readXLSX(data []byte) ([][]string, error) {
	unreadable := &Errors{{Key: "measure.import_error_xlsx", Msg: "not a readable .xlsx workbook"}}
	err := ziplimit.Check(bytes.NewReader(data), int64(len(data)), ziplimit.Limits{Total: MaxUnzipped, Entries: 1000})
	switch {
	case errors.Is(err, ziplimit.ErrTooLarge):
		return nil, tooLarge()
	case err != nil:
		return nil, unreadable
	}
	// excelize checks the declared sizes again; equal limits keep every
	// part in memory, bounded, instead of in temporary files.
	x, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxUnzipped})
	if err != nil {
		return nil, unreadable
	}
	defer x.Close()
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		return nil, &Errors{{Key: "measure.import_error_empty", Msg: "the file has no rows"}}
	}
	// Row by row, so a sheet of a million short rows stops at MaxRows
	// instead of being read whole first.
	rows, err := x.Rows(sheets[0])
	if err != nil {
		return nil, unreadable
	}
	defer rows.Close()
	// Blank rows count only when a row with values follows them, as
	// GetRows does: a sheet formatted far down its blank tail is no
	// longer for it.
	var out [][]string
	blank := 0
	for rows.Next() {
		// Raw values: a date cell comes back as its serial number, which
		// parsePeriod reads, rather than in the sheet's display format.
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, unreadable
		}
		if len(rec) == 0 {
			blank++
			continue
		}
		if len(out)+blank+1 > MaxRows+1 {
			return nil, &Errors{{Row: len(out) + blank + 1, Key: "measure.import_error_too_many_rows", Msg: fmt.Sprintf("more than %d rows", MaxRows)}}
		}
		for ; blank > 0; blank-- {
			out = append(out, nil)
		}
		out = append(out, rec)
	}
	if rows.Error() != nil {
		return nil, unreadable
	}
	return out, nil
}

func sniffSemicolon(data []byte) bool {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	return bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(","))
}

var columns = []string{"measure", "period", "group", "value", "numerator", "denominator"}

func cellName(col, row int) string {
	c, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return ""
	}
	return c
}

func parseRecords(records [][]string, f Format, measures []*improve.Measure) ([]Row, error) {
	var errs Errors
	add := func(e CellError) {
		if len(errs) < maxErrors {
			errs = append(errs, e)
		}
	}
	if len(records) == 0 {
		return nil, &Errors{{Key: "measure.import_error_empty", Msg: "the file has no rows"}}
	}
	idx := map[string]int{}
	for i, h := range records[0] {
		h = strings.ToLower(strings.TrimSpace(h))
		for _, c := range columns {
			if h == c {
				if _, dup := idx[c]; dup {
					add(CellError{Row: 1, Column: h, Cell: cellName(i, 1), Key: "measure.import_error_duplicate_column", Msg: "the column appears twice"})
				}
				idx[c] = i
			}
		}
	}
	for _, c := range []string{"measure", "period"} {
		if _, ok := idx[c]; !ok {
			add(CellError{Row: 1, Column: c, Key: "measure.import_error_missing_column", Msg: fmt.Sprintf("no %q column in the header row", c)})
		}
	}
	_, hasValue := idx["value"]
	_, hasNum := idx["numerator"]
	if !hasValue && !hasNum {
		add(CellError{Row: 1, Column: "value", Key: "measure.import_error_missing_column", Msg: `no "value" or "numerator" column in the header row`})
	}
	if len(errs) > 0 {
		return nil, &errs
	}
	byName := map[string]*improve.Measure{}
	for _, m := range measures {
		byName[strings.ToLower(m.Name)] = m
		byName[strconv.FormatInt(m.ID, 10)] = m
	}
	seen := map[[3]string]int{}
	var out []Row
	for ri, rec := range records[1:] {
		line := ri + 2
		get := func(c string) (string, int) {
			i, ok := idx[c]
			if !ok || i >= len(rec) {
				return "", i
			}
			return strings.TrimSpace(rec[i]), i
		}
		blank := true
		for _, s := range rec {
			if strings.TrimSpace(s) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		cellErr := func(c string, col int, key, msg string) {
			add(CellError{Row: line, Column: c, Cell: cellName(col, line), Key: key, Msg: msg})
		}
		mname, mcol := get("measure")
		m := byName[strings.ToLower(mname)]
		if m == nil {
			cellErr("measure", mcol, "measure.import_error_unknown_measure", fmt.Sprintf("no measure named %q for this team", mname))
			continue
		}
		ptext, pcol := get("period")
		period, ok := parsePeriod(ptext, f == XLSX)
		if !ok {
			cellErr("period", pcol, "measure.import_error_period", fmt.Sprintf("%q is not a period: want YYYY-MM or YYYY-MM-DD", ptext))
			continue
		}
		period = improve.PeriodStart(m.Period, period)
		group, gcol := get("group")
		v := &improve.Value{MeasureID: m.ID, Period: period, Group: group}
		okNums := true
		num := func(c string) *float64 {
			s, col := get(c)
			if s == "" {
				return nil
			}
			x, err := parseNumber(s)
			if err != nil {
				cellErr(c, col, "measure.import_error_number", fmt.Sprintf("%q is not a number", s))
				okNums = false
				return nil
			}
			return &x
		}
		v.Value, v.Numerator, v.Denominator = num("value"), num("numerator"), num("denominator")
		if !okNums {
			continue
		}
		if key := v.ValidateFor(m); key != "" {
			col, cname := idx["value"], "value"
			switch key {
			case "measure.error_unknown_group":
				col, cname = gcol, "group"
			case "measure.error_ratio_both", "measure.error_zero_denominator":
				col, cname = idx["denominator"], "denominator"
			case "measure.error_want_value", "measure.error_numerator_above":
				col, cname = idx["numerator"], "numerator"
			case "measure.error_negative":
				// The cell that is negative, not always the denominator.
				switch {
				case v.Numerator != nil && *v.Numerator < 0:
					col, cname = idx["numerator"], "numerator"
				case v.Denominator != nil && *v.Denominator < 0:
					col, cname = idx["denominator"], "denominator"
				}
			}
			cellErr(cname, col, key, valueMessages[key])
			continue
		}
		k := [3]string{strconv.FormatInt(m.ID, 10), period.String(), group}
		if prev, dup := seen[k]; dup {
			cellErr("period", pcol, "measure.import_error_duplicate_row", fmt.Sprintf("the same measure, period and group as row %d", prev))
			continue
		}
		seen[k] = line
		out = append(out, Row{Line: line, Value: v})
	}
	if len(errs) > 0 {
		return nil, &errs
	}
	return out, nil
}

// valueMessages are the English texts of improve.Value's checks.
var valueMessages = map[string]string{
	"error.number":                   "not a finite number",
	"measure.error_want_ratio":       "this measure takes a numerator and a denominator, not a value",
	"measure.error_ratio_both":       "give both a numerator and a denominator",
	"measure.error_negative":         "counts cannot be negative",
	"measure.error_zero_denominator": "the denominator is zero",
	"measure.error_want_value":       "this measure takes a value, not a numerator and denominator",
	"measure.error_unknown_group":    "not one of the measure's groups",
	"measure.error_numerator_above":  "the numerator is larger than the denominator",
	"measure.error_outside_collab":   "the period is outside the collaborative's dates",
}

// CheckPeriods refuses rows whose period is outside the team's reporting
// window of their measure (improve.ReportingWindow): the whole import,
// as for any other bad cell.
func CheckPeriods(rows []Row, measures []*improve.Measure, c *collab.Collaborative, today collab.Date) error {
	byID := map[int64]*improve.Measure{}
	for _, m := range measures {
		byID[m.ID] = m
	}
	var errs Errors
	for _, r := range rows {
		m := byID[r.Value.MeasureID]
		if m == nil {
			continue
		}
		from, to := improve.ReportingWindow(m, c, today)
		if key := r.Value.InWindow(m, from, to); key != "" && !r.Value.Empty() && len(errs) < maxErrors {
			errs = append(errs, CellError{Row: r.Line, Column: "period", Key: key, Msg: valueMessages[key]})
		}
	}
	if len(errs) > 0 {
		return &errs
	}
	return nil
}

func parseNumber(s string) (float64, error) {
	s = strings.ReplaceAll(s, " ", "")
	x, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// A comma decimal (12,5) from a European spreadsheet, but not a
		// thousands separator, which is ambiguous.
		if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
			x, err = strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
		}
	}
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, errors.New("not a number")
	}
	return x, nil
}

func parsePeriod(s string, excelSerial bool) (collab.Date, bool) {
	for _, layout := range []string{"2006-01", "2006-01-02", "2006/01", "2006/01/02", "Jan 2006", "January 2006", "01/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return collab.DateOf(t), true
		}
	}
	if excelSerial {
		if f, err := strconv.ParseFloat(s, 64); err == nil && f > 0 && f < 2958466 {
			if t, err := excelize.ExcelDateToTime(f, false); err == nil {
				return collab.DateOf(t), true
			}
		}
	}
	return collab.Date{}, false
}

// ChangeKind says what an import does to a cell.
type ChangeKind string

// The kinds of change.
const (
	Add    ChangeKind = "add"
	Update ChangeKind = "update"
	Clear  ChangeKind = "clear"
	Same   ChangeKind = "same"
)

// A Change is one cell of a plan.
type Change struct {
	Line int
	Kind ChangeKind
	Old  *improve.Value // nil when the cell was empty
	New  *improve.Value
}

// A Plan is what an import would do: the dry run.
type Plan struct {
	Changes                          []Change
	Adds, Updates, Clears, Unchanged int
}

// MakePlan compares parsed rows with a team's stored values.
func MakePlan(rows []Row, existing []*improve.Value) *Plan {
	type key struct {
		m int64
		p collab.Date
		g string
	}
	have := map[key]*improve.Value{}
	for _, v := range existing {
		have[key{v.MeasureID, v.Period, v.Group}] = v
	}
	p := &Plan{}
	for _, r := range rows {
		old := have[key{r.Value.MeasureID, r.Value.Period, r.Value.Group}]
		c := Change{Line: r.Line, Old: old, New: r.Value}
		switch {
		case old == nil && r.Value.Empty():
			c.Kind = Same
		case old == nil:
			c.Kind = Add
		case r.Value.Empty():
			c.Kind = Clear
		case eq(old.Value, r.Value.Value) && eq(old.Numerator, r.Value.Numerator) && eq(old.Denominator, r.Value.Denominator):
			c.Kind = Same
		default:
			c.Kind = Update
		}
		switch c.Kind {
		case Add:
			p.Adds++
		case Update:
			p.Updates++
		case Clear:
			p.Clears++
		default:
			p.Unchanged++
		}
		p.Changes = append(p.Changes, c)
	}
	return p
}

func eq(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// Values are the values the plan writes.
func (p *Plan) Values() []*improve.Value {
	var out []*improve.Value
	for _, c := range p.Changes {
		if c.Kind != Same {
			out = append(out, c.New)
		}
	}
	return out
}

// A Saver stores a team's values all together or not at all
// (sqlstore.DB does).
type Saver interface {
	SaveValues(ctx context.Context, who collab.Who, collabID, teamID int64, vals []*improve.Value, source string) (int, error)
}

// Apply saves the plan.
func Apply(ctx context.Context, s Saver, who collab.Who, collabID, teamID int64, p *Plan, source string) (int, error) {
	return s.SaveValues(ctx, who, collabID, teamID, p.Values(), source)
}

// ParsePaste reads a block pasted from a spreadsheet into the data grid
// for one measure: one period a line, tab-separated, as
//
//	period  value                    (a plain measure)
//	period  numerator  denominator   (a ratio)
//
// with a group column after the period for a disaggregated measure. A
// first line that is not a period (a header) is skipped. Errors name the
// pasted line.
func ParsePaste(text string, m *improve.Measure) ([]Row, error) {
	recs, err := read(strings.NewReader(text), Paste)
	if err != nil {
		return nil, err
	}
	header := []string{"measure", "period"}
	if m.GroupKey != "" {
		header = append(header, "group")
	}
	if m.Ratio {
		header = append(header, "numerator", "denominator")
	} else {
		header = append(header, "value")
	}
	records := [][]string{header}
	skipped := 0
	for i, r := range recs {
		if i == 0 && len(r) > 0 {
			if _, ok := parsePeriod(strings.TrimSpace(r[0]), false); !ok {
				skipped = 1
				continue
			}
		}
		records = append(records, append([]string{strconv.FormatInt(m.ID, 10)}, r...))
	}
	rows, err := parseRecords(records, Paste, []*improve.Measure{m})
	var errs *Errors
	if errors.As(err, &errs) {
		for i := range *errs {
			e := &(*errs)[i]
			if e.Row > 1 {
				e.Row += skipped - 1
			}
			e.Cell = ""
		}
	}
	for i := range rows {
		rows[i].Line += skipped - 1
	}
	return rows, err
}

// csvError says what encoding/csv found in words a person fixing a
// spreadsheet knows, on the line it names, instead
// of the parser's own wording ("bare \" in non-quoted-field").
func csvError(pe *csv.ParseError) CellError {
	e := CellError{Row: pe.Line, Key: "measure.import_error_csv", Msg: "the file could not be read as CSV"}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		e.Key, e.Msg = "measure.import_error_csv_quote", `a quotation mark (") inside a cell that does not start with one`
	case errors.Is(pe.Err, csv.ErrQuote):
		e.Key, e.Msg = "measure.import_error_csv_unclosed", `a cell opens a quotation mark (") and never closes it`
	}
	return e
}
