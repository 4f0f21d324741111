package i18n

import (
	"fmt"
	"strings"
	"time"
)

// Dates formats dates and times for people in one language and one time
// zone: every page that shows a meeting's time or a timestamp goes through
// it, so "Tue 15 Dec 2026 10:00 EST" reads "mar 15 dic 2026 10:00 EST" in
// Spanish and is always in the reader's zone, with the zone named. The
// names and the order of the parts are catalog messages (date.*), so a
// language is added as data.
type Dates struct {
	// T translates a catalog key (a page's Printer.Sprintf).
	T func(key string, args ...any) string
	// Loc is the reader's time zone; nil is UTC.
	Loc *time.Location
}

func (d Dates) loc() *time.Location {
	if d.Loc == nil {
		return time.UTC
	}
	return d.Loc
}

// In returns t in the reader's zone.
func (d Dates) In(t time.Time) time.Time { return t.In(d.loc()) }

// Day formats t's calendar day in the reader's zone: "Tue 15 Dec 2026".
func (d Dates) Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return d.day(d.In(t))
}

// day formats a time's own wall-clock day, whatever its zone.
func (d Dates) day(t time.Time) string {
	// The year as text: a number would be grouped ("2,026").
	return d.T("date.day", d.T(fmt.Sprint("date.weekday_short_", int(t.Weekday()))), t.Day(),
		d.T(fmt.Sprint("date.month_short_", int(t.Month()))), fmt.Sprint(t.Year()))
}

// Clock formats t's time of day in the reader's zone with the zone's
// abbreviation: "10:00 EST".
func (d Dates) Clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = d.In(t)
	return t.Format("15:04") + " " + ZoneAbbrev(t)
}

// DayTime formats t in the reader's zone: "Tue 15 Dec 2026 10:00 EST".
func (d Dates) DayTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = d.In(t)
	return d.T("date.day_time", d.day(t), t.Format("15:04"), ZoneAbbrev(t))
}

// Month names a month and its year: "December 2026".
func (d Dates) Month(year int, m time.Month) string {
	return d.T("date.month_year", d.T(fmt.Sprint("date.month_", int(m))), fmt.Sprint(year))
}

// ShortMonth names a month briefly with its year: "Dec 2026".
func (d Dates) ShortMonth(year int, m time.Month) string {
	return d.T("date.month_year", d.T(fmt.Sprint("date.month_short_", int(m))), fmt.Sprint(year))
}

// Weekday names a day of the week in full ("Tuesday"), for headings that a
// screen reader reads out.
func (d Dates) Weekday(w time.Weekday) string { return d.T(fmt.Sprint("date.weekday_", int(w))) }

// ShortWeekday names a day of the week briefly ("Tue").
func (d Dates) ShortWeekday(w time.Weekday) string {
	return d.T(fmt.Sprint("date.weekday_short_", int(w)))
}

// ZoneAbbrev names t's zone at t: the abbreviation where the time-zone
// database has one ("EST", "EDT", "GMT", "UTC"), else the offset from UTC
// ("UTC-03", "UTC+05:30"), since the database writes "-03" for zones
// without an abbreviation and a bare "-03" reads as a typo.
func ZoneAbbrev(t time.Time) string {
	a := t.Format("MST")
	if a == "" || (a[0] != '+' && a[0] != '-') {
		return a
	}
	off := t.Format("-07:00")
	return "UTC" + strings.TrimSuffix(off, ":00")
}

// Dates returns the formatter of a language and a zone.
func (c *Catalog) Dates(lang string, loc *time.Location) Dates {
	pr := c.Printer(lang)
	return Dates{T: func(key string, args ...any) string { return pr.Sprintf(key, args...) }, Loc: loc}
}

// LongDayTime formats t in the reader's zone with names in full, for an
// email's sentence: "Wednesday 11 March 2026, 09:30 EDT".
func (d Dates) LongDayTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = d.In(t)
	day := d.T("date.day_long", d.Weekday(t.Weekday()), t.Day(), d.T(fmt.Sprint("date.month_", int(t.Month()))), fmt.Sprint(t.Year()))
	return d.T("date.day_time_long", day, t.Format("15:04"), ZoneAbbrev(t))
}
