package web

import (
	"time"

	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/i18n"
)

// Every date and time a person reads is formatted here, through
// i18n.Dates: names from the catalog in the page's language, times in the
// reader's time zone with its abbreviation. The reader's zone is the one
// chosen under Account settings; without one, a meeting reads in its own
// zone (where it happens) and a timestamp in UTC.

// viewerZone is the zone the person chose, nil if none (or if it no
// longer loads).
func (p basePage) viewerZone() *time.Location {
	if p.Actor == nil || p.Actor.TimeZone == "" {
		return nil
	}
	loc, err := time.LoadLocation(p.Actor.TimeZone)
	if err != nil {
		return nil
	}
	return loc
}

// dates is the page's formatter in loc (nil: UTC).
func (p basePage) dates(loc *time.Location) i18n.Dates { return i18n.Dates{T: p.T, Loc: loc} }

// meetingZone is where a meeting is read: the reader's zone, else its own.
func (p basePage) meetingZone(m *engage.Meeting) *time.Location {
	if loc := p.viewerZone(); loc != nil {
		return loc
	}
	return m.Loc()
}

// Date formats a timestamp for people: "Tue 15 Dec 2026 10:00 EST" in the
// reader's zone, UTC if they chose none.
func (p basePage) Date(t time.Time) string { return p.dates(p.viewerZone()).DayTime(t) }

// MeetingWhen formats a meeting's start in the reader's zone, else in the
// meeting's own.
func (p basePage) MeetingWhen(m *engage.Meeting) string {
	return p.dates(p.meetingZone(m)).DayTime(m.StartsAt)
}

// MeetingClock is a meeting's time of day as MeetingWhen reads it
// ("10:00 EST"), for the month view's day cells.
func (p basePage) MeetingClock(m *engage.Meeting) string {
	return p.dates(p.meetingZone(m)).Clock(m.StartsAt)
}

// PreviewDate formats one date of a series preview in the series' zone,
// the zone its time was typed in.
func (p basePage) PreviewDate(t time.Time) string { return p.dates(t.Location()).DayTime(t) }

// ReaderZone names the zone times are shown in, for a page's hint: the
// chosen zone, or "" when each meeting shows in its own.
func (p basePage) ReaderZone() string {
	if loc := p.viewerZone(); loc != nil {
		return p.ZoneLabel(loc.String())
	}
	return ""
}
