package web

import (
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
)

// MonthYear names a month for people, in the page's language: "November
// 2026", not "2026-11-01". The catalog holds the month names and the
// order of month and year.
func (p basePage) MonthYear(d collab.Date) string {
	if d.IsZero() {
		return ""
	}
	t := d.Time()
	// The year as text: a number would be grouped ("2,026").
	return p.T("date.month_year", p.T(fmt.Sprint("date.month_", int(t.Month()))), fmt.Sprint(t.Year()))
}

// MonthOf names the month of a "YYYY-MM" value as MonthYear does, or
// returns the value as it is if it is not one.
func (p basePage) MonthOf(yyyymm string) string {
	d, err := parseMonth(yyyymm)
	if err != nil {
		return yyyymm
	}
	return p.MonthYear(d)
}
