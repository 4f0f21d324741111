package engage

import (
	"fmt"
	"strings"
	"time"

	"github.com/teambition/rrule-go"

	"github.com/goeswell/goeswell/internal/collab"
)

// A Series is a cadence of meetings: an RFC 5545 recurrence rule expanded
// from its first meeting over the collaborative's dates. Each occurrence
// becomes a Meeting that can then be moved or cancelled on its own.
type Series struct {
	ID              int64
	CollaborativeID int64
	Details
	// Rule is an RRULE value without DTSTART, such as
	// "FREQ=MONTHLY;INTERVAL=3" (quarterly) or "FREQ=MONTHLY;BYDAY=2TU".
	Rule string
	// First is the first meeting's start, in the series' time zone.
	First time.Time
}

// Cadences are the rules the calendar form offers by name; any other
// RRULE may be typed.
var Cadences = []struct{ Name, Rule string }{
	{"weekly", "FREQ=WEEKLY"},
	{"monthly", "FREQ=MONTHLY"},
	{"bimonthly", "FREQ=MONTHLY;INTERVAL=2"},
	{"quarterly", "FREQ=MONTHLY;INTERVAL=3"},
}

// CadenceRule returns the rule of a named cadence, or name itself.
func CadenceRule(name string) string {
	for _, c := range Cadences {
		if c.Name == name {
			return c.Rule
		}
	}
	return name
}

// maxOccurrences bounds a series so a mistyped rule (FREQ=MINUTELY) cannot
// fill the database.
const maxOccurrences = 400

// Validate checks a series.
func (s *Series) Validate() error {
	v := collab.NewValidation()
	s.Details.validate(v, SeriesAudiences)
	s.Rule = strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s.Rule), "RRULE:")))
	if s.First.IsZero() {
		v.Add("start", "error.required")
	}
	if s.Rule == "" {
		v.Add("rule", "error.required")
	} else if strings.Contains(s.Rule, "DTSTART") {
		v.Add("rule", "engagement.error.rule")
	} else if _, err := rrule.StrToROption(s.Rule); err != nil {
		v.Add("rule", "engagement.error.rule")
	} else if !s.First.IsZero() {
		s.Rule = KeepWeekday(s.Rule, s.First.In(s.Loc()))
	}
	return v.Err()
}

// KeepWeekday pins a monthly or yearly rule that names no day to the
// first meeting's place in its month: a quarterly series that starts on
// the second Thursday stays on second Thursdays, where "every third month"
// alone would keep the date (the 8th) and drift through the week. A fifth
// weekday becomes the last one, which every month has. Rules that already
// say which day (BYDAY, BYMONTHDAY, BYSETPOS, BYYEARDAY) are left alone.
func KeepWeekday(rule string, first time.Time) string {
	up := strings.ToUpper(rule)
	if !strings.Contains(up, "FREQ=MONTHLY") && !strings.Contains(up, "FREQ=YEARLY") {
		return rule
	}
	for _, by := range []string{"BYDAY=", "BYMONTHDAY=", "BYSETPOS=", "BYYEARDAY=", "BYWEEKNO="} {
		if strings.Contains(up, by) {
			return rule
		}
	}
	nth := (first.Day()-1)/7 + 1
	if nth == 5 {
		nth = -1
	}
	day := strings.ToUpper(first.Weekday().String()[:2])
	if strings.Contains(up, "FREQ=YEARLY") && !strings.Contains(up, "BYMONTH=") {
		rule += fmt.Sprintf(";BYMONTH=%d", int(first.Month()))
	}
	return rule + fmt.Sprintf(";BYDAY=%d%s", nth, day)
}

// Occurrences expands the series between two days inclusive (the
// collaborative's start and end), in the series' time zone, so a 10:00
// meeting stays at 10:00 across daylight-saving changes.
func (s *Series) Occurrences(from, to collab.Date) ([]time.Time, error) {
	loc := s.Loc()
	opt, err := rrule.StrToROptionInLocation(s.Rule, loc)
	if err != nil {
		return nil, fmt.Errorf("series rule %q: %w", s.Rule, err)
	}
	first := s.First.In(loc)
	opt.Dtstart = first
	last := time.Date(to.Time().Year(), to.Time().Month(), to.Time().Day(), 23, 59, 59, 0, loc)
	if opt.Until.IsZero() || opt.Until.After(last) {
		opt.Until = last
	}
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("series rule %q: %w", s.Rule, err)
	}
	start := time.Date(from.Time().Year(), from.Time().Month(), from.Time().Day(), 0, 0, 0, 0, loc)
	var out []time.Time
	next := r.Iterator()
	for t, ok := next(); ok; t, ok = next() {
		if t.Before(start) {
			continue
		}
		if len(out) == maxOccurrences {
			return nil, fmt.Errorf("series rule %q makes more than %d meetings", s.Rule, maxOccurrences)
		}
		out = append(out, t)
	}
	return out, nil
}

// Meetings expands the series into meetings over [from, to]. With audience
// each_team it makes one meeting per team in teamIDs for each occurrence
// (teamIDs are the series' teams, or every active team if it names none).
func (s *Series) Meetings(from, to collab.Date, activeTeams []int64) ([]*Meeting, error) {
	times, err := s.Occurrences(from, to)
	if err != nil {
		return nil, err
	}
	var out []*Meeting
	for _, t := range times {
		mk := func(a Audience, teams []int64) *Meeting {
			d := s.Details
			d.Audience, d.TeamIDs = a, teams
			return &Meeting{CollaborativeID: s.CollaborativeID, SeriesID: s.ID, Details: d, StartsAt: t.UTC()}
		}
		if s.Audience == AudienceEachTeam {
			teams := s.TeamIDs
			if len(teams) == 0 {
				teams = activeTeams
			}
			for _, tid := range teams {
				out = append(out, mk(AudienceOneTeam, []int64{tid}))
			}
			continue
		}
		out = append(out, mk(s.Audience, append([]int64(nil), s.TeamIDs...)))
	}
	return out, nil
}
