package engage

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
)

// A SignInRow is one line of a meeting's sign-in sheet.
type SignInRow struct {
	Line     int
	Email    string
	Status   Status
	AgreedOn collab.Date
	// AgreedWith and Alternative complete an agreed alternative: who
	// agreed it and what it is.
	AgreedWith, Alternative string
}

// A RowError is what is wrong with one cell of an import.
type RowError struct {
	Row    int    // 1-based line of the file, the header being line 1
	Column string // the header name
	Key    string // message-catalog key
}

func (e RowError) Error() string { return fmt.Sprintf("row %d, column %s: %s", e.Row, e.Column, e.Key) }

// ImportError holds every problem of an import; nothing is applied while
// there is any.
type ImportError struct{ Rows []RowError }

func (e *ImportError) Error() string {
	var b []string
	for _, r := range e.Rows {
		b = append(b, r.Error())
	}
	return "import: " + strings.Join(b, "; ")
}

// Column names of a sign-in sheet. email and status are required; the
// status is in_person, virtual, apologies or absent (spaces and case are
// forgiven: "In person" works); agreed_on is a date (YYYY-MM-DD), and with
// it agreed_with (who agreed) and alternative (what was agreed).
const (
	ColEmail       = "email"
	ColStatus      = "status"
	ColAgreedOn    = "agreed_on"
	ColAgreedWith  = "agreed_with"
	ColAlternative = "alternative"
)

// ParseSignIn reads a sign-in sheet CSV. It checks every row and returns
// all problems at once as an *ImportError, so a sheet is fixed in one go.
// known reports whether an email belongs to someone who may be recorded.
func ParseSignIn(r io.Reader, known func(email string) bool) ([]SignInRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ImportError{Rows: []RowError{{Row: 1, Column: ColEmail, Key: "engagement.import.empty"}}}
	}
	if err != nil {
		return nil, &ImportError{Rows: []RowError{{Row: 1, Column: "", Key: "engagement.import.unreadable"}}}
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	ie := &ImportError{}
	for _, c := range []string{ColEmail, ColStatus} {
		if _, ok := col[c]; !ok {
			ie.Rows = append(ie.Rows, RowError{Row: 1, Column: c, Key: "engagement.import.missing_column"})
		}
	}
	if len(ie.Rows) > 0 {
		return nil, ie
	}
	cell := func(rec []string, c string) string {
		i, ok := col[c]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var out []SignInRow
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			ie.Rows = append(ie.Rows, RowError{Row: pe.StartLine, Column: "", Key: "engagement.import.unreadable"})
			break
		}
		if err != nil {
			return nil, fmt.Errorf("read sign-in sheet: %w", err)
		}
		// The reader skips blank lines; report the file's own line number.
		line, _ := cr.FieldPos(0)
		if strings.Join(rec, "") == "" {
			continue
		}
		row := SignInRow{Line: line, Email: collab.NormalizeEmail(cell(rec, ColEmail))}
		switch {
		case row.Email == "":
			ie.Rows = append(ie.Rows, RowError{line, ColEmail, "error.required"})
		case !known(row.Email):
			ie.Rows = append(ie.Rows, RowError{line, ColEmail, "engagement.import.unknown_person"})
		case seen[row.Email]:
			ie.Rows = append(ie.Rows, RowError{line, ColEmail, "engagement.import.duplicate"})
		}
		seen[row.Email] = true
		st := strings.ReplaceAll(strings.ToLower(cell(rec, ColStatus)), " ", "_")
		row.Status = Status(st)
		if !row.Status.Valid() {
			ie.Rows = append(ie.Rows, RowError{line, ColStatus, "engagement.import.bad_status"})
		}
		if d, err := collab.ParseDate(cell(rec, ColAgreedOn)); err != nil {
			ie.Rows = append(ie.Rows, RowError{line, ColAgreedOn, "error.date"})
		} else {
			row.AgreedOn = d
			row.AgreedWith, row.Alternative = cell(rec, ColAgreedWith), cell(rec, ColAlternative)
			a := Attendance{Status: row.Status, AgreedOn: d, AgreedWith: row.AgreedWith, Alternative: row.Alternative}
			if row.Status.Valid() {
				fe := collab.FieldErrors(a.Validate())
				// One problem a cell, in the sheet's column order; a date
				// beside someone who came is the one thing to fix there.
				if fe["agreedOn"] == "engagement.error.agreed_but_attended" {
					fe = map[string]string{"agreedOn": fe["agreedOn"]}
				}
				for _, c := range []struct{ field, col string }{{"agreedOn", ColAgreedOn}, {"agreedWith", ColAgreedWith}, {"alternative", ColAlternative}} {
					if key, ok := fe[c.field]; ok {
						ie.Rows = append(ie.Rows, RowError{line, c.col, key})
					}
				}
			}
		}
		out = append(out, row)
	}
	if len(ie.Rows) > 0 {
		return nil, ie
	}
	return out, nil
}
