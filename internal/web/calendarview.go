package web

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
)

// The calendar has two views of the same meetings: the agenda (a list,
// upcoming then past) and the month (a table of weeks, each meeting in its
// day's cell). Both are filtered by team and read in the reader's zone:
// a meeting sits in the cell of the day its start falls on there.

// calendarView is the page's choice of view, month and team, from its query.
type calendarView struct {
	Month bool        // the month view, else the agenda
	First collab.Date // the month shown: its first day
	Team  int64       // 0: every team the reader sees
}

// A dayCell is one day of the month table.
type dayCell struct {
	Day      collab.Date
	InMonth  bool
	Today    bool
	Meetings []*engage.Meeting
}

// parseCalendarView reads ?view=month&month=YYYY-MM&team=ID; a month not
// given is today's in the reader's zone.
func parseCalendarView(q url.Values, today collab.Date) (calendarView, error) {
	v := calendarView{Month: q.Get("view") == "month", First: collab.NewDate(today.Time().Year(), today.Time().Month(), 1)}
	if m := q.Get("month"); m != "" {
		d, err := parseMonth(m)
		if err != nil {
			return v, fmt.Errorf("%w: month %q", errBadRequest, m)
		}
		v.First = d
	}
	if t := q.Get("team"); t != "" {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil {
			return v, fmt.Errorf("%w: team %q", errBadRequest, t)
		}
		v.Team = id
	}
	return v, nil
}

// monthWeeks lays out the weeks (Sunday first, as US calendars are) that
// hold the month of first, with each meeting in the cell of its day as
// dayOf reads it.
func monthWeeks(first, today collab.Date, ms []*engage.Meeting, dayOf func(*engage.Meeting) collab.Date) [][]dayCell {
	start := first.AddDays(-int(first.Time().Weekday()))
	next := first.AddMonths(1)
	by := map[collab.Date][]*engage.Meeting{}
	for _, m := range ms {
		d := dayOf(m)
		by[d] = append(by[d], m)
	}
	var weeks [][]dayCell
	for d := start; d.Before(next); {
		week := make([]dayCell, 7)
		for i := range week {
			week[i] = dayCell{Day: d, InMonth: !d.Before(first) && d.Before(next), Today: d == today, Meetings: by[d]}
			d = d.AddDays(1)
		}
		weeks = append(weeks, week)
	}
	return weeks
}

// CalendarHref is the calendar's address with view, month and team.
func (p *calendarPage) CalendarHref(month bool, first collab.Date) string {
	q := url.Values{}
	if month {
		q.Set("view", "month")
		q.Set("month", first.Time().Format("2006-01"))
	}
	if p.View.Team != 0 {
		q.Set("team", fmt.Sprint(p.View.Team))
	}
	u := fmt.Sprintf("/c/%d/calendar", p.Collab.ID)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// MonthName names the month shown: "December 2026".
func (p *calendarPage) MonthName() string {
	t := p.View.First.Time()
	return p.dates(nil).Month(t.Year(), t.Month())
}

// PrevMonth and NextMonth are the month view's neighbours.
func (p *calendarPage) PrevMonth() collab.Date { return p.View.First.AddMonths(-1) }

// NextMonth is the month after the one shown.
func (p *calendarPage) NextMonth() collab.Date { return p.View.First.AddMonths(1) }

// MonthTitle names any month, for the previous/next links.
func (p *calendarPage) MonthTitle(d collab.Date) string {
	return p.dates(nil).Month(d.Time().Year(), d.Time().Month())
}

// Weekdays are the month table's columns, Sunday first.
func (p *calendarPage) Weekdays() []time.Weekday {
	return []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
}

// WeekdayName and WeekdayShort name a column in full (for screen readers)
// and briefly (on the screen).
func (p *calendarPage) WeekdayName(w time.Weekday) string { return p.dates(nil).Weekday(w) }

// WeekdayShort names a column briefly.
func (p *calendarPage) WeekdayShort(w time.Weekday) string { return p.dates(nil).ShortWeekday(w) }

// DayLabel is a cell's full date, read out before its meetings.
func (p *calendarPage) DayLabel(d collab.Date) string { return p.dates(nil).Day(d.Time()) }

// filterTeam keeps the meetings for the view's team, if one is chosen.
func filterTeam(ms []*engage.Meeting, team int64) []*engage.Meeting {
	if team == 0 {
		return ms
	}
	var out []*engage.Meeting
	for _, m := range ms {
		if m.ForTeam(team) {
			out = append(out, m)
		}
	}
	return out
}

// readerToday is today's date where the reader is: their zone, else the
// zone of the collaborative's meetings, else UTC.
func (p basePage) readerToday(now time.Time, fallback string) collab.Date {
	loc := p.viewerZone()
	if loc == nil {
		loc = (&engage.Details{TimeZone: fallback}).Loc()
	}
	return collab.DateOf(now.In(loc))
}
