package i18n

import (
	"testing"
	"time"
)

// TestDates formats the same instants in English and Spanish, in the
// reader's zone, across daylight-saving changes: a wrong zone, a month
// name not from the catalog or an offset where an abbreviation belongs
// would each fail a row.
func TestDates(t *testing.T) {
	cat := MustLoad()
	zone := func(name string) *time.Location {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	ny, sp, ktm := zone("America/New_York"), zone("America/Sao_Paulo"), zone("Asia/Kathmandu")
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, lang string
		loc        *time.Location
		at         time.Time
		want       string
	}{
		{"winter in New York", "en", ny, utc("2026-12-15T15:00:00Z"), "Tue 15 Dec 2026 10:00 EST"},
		{"winter in New York, Spanish", "es", ny, utc("2026-12-15T15:00:00Z"), "mar 15 dic 2026 10:00 EST"},
		{"no zone is UTC", "en", nil, utc("2026-12-15T15:00:00Z"), "Tue 15 Dec 2026 15:00 UTC"},
		{"the day before in the reader's zone", "en", ny, utc("2026-12-16T02:30:00Z"), "Tue 15 Dec 2026 21:30 EST"},
		// 8 Mar 2026, 2:00 EST becomes 3:00 EDT.
		{"last minute of standard time", "en", ny, utc("2026-03-08T06:59:00Z"), "Sun 8 Mar 2026 01:59 EST"},
		{"first minute of daylight time", "en", ny, utc("2026-03-08T07:00:00Z"), "Sun 8 Mar 2026 03:00 EDT"},
		// 1 Nov 2026, 2:00 EDT falls back to 1:00 EST: 1:30 happens twice.
		{"1:30 the first time", "es", ny, utc("2026-11-01T05:30:00Z"), "dom 1 nov 2026 01:30 EDT"},
		{"1:30 the second time", "es", ny, utc("2026-11-01T06:30:00Z"), "dom 1 nov 2026 01:30 EST"},
		{"a zone without an abbreviation", "en", sp, utc("2026-06-03T13:00:00Z"), "Wed 3 Jun 2026 10:00 UTC-03"},
		{"a quarter-hour offset", "es", ktm, utc("2026-01-01T00:00:00Z"), "jue 1 ene 2026 05:45 UTC+05:45"},
		{"zero time", "en", ny, time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := cat.Dates(tt.lang, tt.loc)
			if got := d.DayTime(tt.at); got != tt.want {
				t.Errorf("DayTime = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestDatesNames: month and weekday names come from the catalog in each
// language.
func TestDatesNames(t *testing.T) {
	cat := MustLoad()
	tests := []struct {
		lang                        string
		month, short, weekday, wday string
	}{
		{"en", "December 2026", "Dec 2026", "Tuesday", "Tue"},
		{"es", "diciembre de 2026", "dic de 2026", "martes", "mar"},
	}
	for _, tt := range tests {
		d := cat.Dates(tt.lang, nil)
		got := []string{d.Month(2026, time.December), d.ShortMonth(2026, time.December), d.Weekday(time.Tuesday), d.ShortWeekday(time.Tuesday)}
		want := []string{tt.month, tt.short, tt.weekday, tt.wday}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s: got %q, want %q", tt.lang, got[i], want[i])
			}
		}
		if got, want := d.LongDayTime(time.Date(2026, 3, 11, 13, 30, 0, 0, time.UTC)), map[string]string{"en": "Wednesday 11 March 2026, 13:30 UTC", "es": "miércoles 11 de marzo de 2026, 13:30 UTC"}[tt.lang]; got != want {
			t.Errorf("%s: LongDayTime = %q, want %q", tt.lang, got, want)
		}
		if got, want := d.Day(time.Date(2026, 12, 15, 23, 0, 0, 0, time.UTC)), map[string]string{"en": "Tue 15 Dec 2026", "es": "mar 15 dic 2026"}[tt.lang]; got != want {
			t.Errorf("%s: Day = %q, want %q", tt.lang, got, want)
		}
	}
}
