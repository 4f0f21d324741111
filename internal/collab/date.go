package collab

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// A Date is a calendar day with no time of day or zone: a collaborative's
// start, a measure's period, a meeting's day. The zero Date is "no date".
type Date struct {
	t time.Time // midnight UTC
}

// NewDate returns the date y-m-d.
func NewDate(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return NewDate(t.Date()) }

// ParseDate reads an ISO date (YYYY-MM-DD). An empty string is the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: want YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String formats d as YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Time returns midnight UTC of d.
func (d Date) Time() time.Time { return d.t }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.t.After(e.t) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.t.Before(e.t) }

// AddMonths returns d moved by n calendar months (time.AddDate's rules).
func (d Date) AddMonths(n int) Date { return Date{d.t.AddDate(0, n, 0)} }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// MonthsSince counts whole calendar months from e's month to d's month.
func (d Date) MonthsSince(e Date) int {
	return (d.t.Year()-e.t.Year())*12 + int(d.t.Month()) - int(e.t.Month())
}

// Value stores a Date as ISO text, which both SQLite and PostgreSQL's DATE
// accept; the zero Date is NULL.
func (d Date) Value() (driver.Value, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// Scan reads a Date from ISO text (SQLite) or a time.Time (PostgreSQL DATE).
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = Date{}
	case time.Time:
		*d = NewDate(v.Date())
	case string:
		p, err := ParseDate(v)
		if err != nil {
			return err
		}
		*d = p
	case []byte:
		return d.Scan(string(v))
	default:
		return fmt.Errorf("scan date: unsupported type %T", src)
	}
	return nil
}
