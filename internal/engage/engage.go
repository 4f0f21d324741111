// Package engage holds a collaborative's engagement: its calendar of
// meetings (generated from RFC 5545 recurrence rules), attendance, the
// monthly activity hours teams log, the compliance of each team with the
// collaborative's participation commitments, fair compensation for
// community members, and feedback on meetings. It is free of SQL and
// HTTP: the computations here are pure and table-tested.
//
// Glossary:
//
//   - Series: a cadence of meetings (quarterly in-person, monthly coaching
//     per team, ...) as an RRULE, expanded over the collaborative's dates.
//   - Meeting: one occurrence, which may be moved or cancelled on its own.
//   - Attendance: who came (in person or virtually), who sent apologies,
//     and whether an alternative was agreed in advance (seed 000: "at least
//     one staff representative at every meeting ... unless an alternative
//     has been agreed upon ... in advance").
//   - Activity: hours a team member logs for a month (site visits, tool and
//     forms revision, coaching, other; seed 000: approximately 4–6 a month).
//   - Compliance: per team and month, the state (on track, at risk, off
//     track) with its reasons, computed from the policy and Settings.
package engage

import (
	"net/url"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// Kind is what sort of meeting it is.
type Kind string

// The meeting kinds of seeds 000, 001 and 002.
const (
	KindInPerson  Kind = "in_person"  // quarterly full-day in-person meeting
	KindVirtual   Kind = "virtual"    // quarterly 2-hour virtual meeting
	KindCoaching  Kind = "coaching"   // monthly coaching call with one team
	KindAllTeams  Kind = "all_teams"  // all-teams peer meeting
	KindConvening Kind = "convening"  // in-person convening
	KindSiteVisit Kind = "site_visit" // visit to a team's site
	KindOther     Kind = "other"
)

// Kinds lists the meeting kinds.
var Kinds = []Kind{KindInPerson, KindVirtual, KindCoaching, KindAllTeams, KindConvening, KindSiteVisit, KindOther}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return oneOf(k, Kinds) }

// Audience is who a meeting is for.
type Audience string

// The audiences. AudienceEachTeam is only for a series: it makes one
// meeting per team per occurrence (monthly coaching calls per team).
const (
	AudienceAllTeams  Audience = "all_teams"
	AudienceSomeTeams Audience = "some_teams"
	AudienceOneTeam   Audience = "one_team"
	AudiencePartners  Audience = "partners"
	AudienceEachTeam  Audience = "each_team"
)

// Audiences lists the audiences of a meeting.
var Audiences = []Audience{AudienceAllTeams, AudienceSomeTeams, AudienceOneTeam, AudiencePartners}

// SeriesAudiences lists the audiences a series may have.
var SeriesAudiences = []Audience{AudienceAllTeams, AudienceEachTeam, AudienceSomeTeams, AudienceOneTeam, AudiencePartners}

func oneOf[T comparable](v T, vs []T) bool {
	for _, x := range vs {
		if v == x {
			return true
		}
	}
	return false
}

// Details are what a meeting and a series share.
type Details struct {
	Kind        Kind
	Title       string
	TimeZone    string // IANA name, e.g. America/New_York
	DurationMin int
	Location    string
	VideoURL    string
	Agenda      string
	Materials   string
	Audience    Audience
	// TeamIDs are the teams of a some_teams/one_team/each_team audience.
	TeamIDs []int64
	// GroupID makes it a meeting of a group of the collaborative (seed
	// 001's steering committee or a workgroup), where the group's open
	// actions are followed up; 0 for none.
	GroupID int64
}

// Loc returns the meeting's time zone, UTC if unknown.
func (d *Details) Loc() *time.Location {
	if loc, err := time.LoadLocation(d.TimeZone); err == nil {
		return loc
	}
	return time.UTC
}

func (d *Details) validate(v *collab.Validation, audiences []Audience) {
	d.Title = strings.TrimSpace(d.Title)
	d.Location = strings.TrimSpace(d.Location)
	d.VideoURL = strings.TrimSpace(d.VideoURL)
	if !d.Kind.Valid() {
		v.Add("kind", "error.invalid_choice")
	}
	if d.Title == "" {
		v.Add("title", "error.required")
	} else {
		v.Length("title", d.Title, 200)
	}
	if d.TimeZone == "" {
		d.TimeZone = "UTC"
	}
	if _, err := time.LoadLocation(d.TimeZone); err != nil || strings.EqualFold(d.TimeZone, "local") {
		v.Add("timeZone", "engagement.error.time_zone")
	}
	if d.DurationMin <= 0 || d.DurationMin > 24*60 {
		v.Add("duration", "error.out_of_range")
	}
	v.Length("location", d.Location, 500)
	if d.VideoURL != "" {
		u, err := url.Parse(d.VideoURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.Add("videoURL", "engagement.error.url")
		}
	}
	v.Length("agenda", d.Agenda, 10000)
	v.Length("materials", d.Materials, 10000)
	if !oneOf(d.Audience, audiences) {
		v.Add("audience", "error.invalid_choice")
	}
	switch d.Audience {
	case AudienceOneTeam:
		if len(d.TeamIDs) != 1 {
			v.Add("teams", "engagement.error.one_team")
		}
	case AudienceSomeTeams, AudienceEachTeam:
		if d.Audience == AudienceSomeTeams && len(d.TeamIDs) == 0 {
			v.Add("teams", "engagement.error.some_teams")
		}
	default:
		d.TeamIDs = nil
	}
}

// A Meeting is one meeting of a collaborative.
type Meeting struct {
	ID              int64
	CollaborativeID int64
	SeriesID        int64 // 0 for a single meeting
	Details
	StartsAt  time.Time // UTC
	Cancelled bool
	// Moved is set when a generated meeting was moved from its slot.
	Moved bool
	// Topics are the titles of the learning-agenda topics scheduled into
	// the meeting, when the caller loaded them (not stored with it).
	Topics []string
}

// EndsAt is when the meeting ends.
func (m *Meeting) EndsAt() time.Time {
	return m.StartsAt.Add(time.Duration(m.DurationMin) * time.Minute)
}

// Local is the start in the meeting's own time zone.
func (m *Meeting) Local() time.Time { return m.StartsAt.In(m.Loc()) }

// Day is the meeting's calendar day in its own time zone.
func (m *Meeting) Day() collab.Date { return collab.DateOf(m.Local()) }

// ForTeam reports whether the meeting's audience includes team t.
func (m *Meeting) ForTeam(t int64) bool {
	switch m.Audience {
	case AudienceAllTeams:
		return true
	case AudienceSomeTeams, AudienceOneTeam:
		for _, id := range m.TeamIDs {
			if id == t {
				return true
			}
		}
	}
	return false
}

// Validate checks a meeting.
func (m *Meeting) Validate() error {
	v := collab.NewValidation()
	m.Details.validate(v, Audiences)
	if m.StartsAt.IsZero() {
		v.Add("start", "error.required")
	}
	m.StartsAt = m.StartsAt.UTC()
	return v.Err()
}

// Status is a person's attendance at a meeting.
type Status string

// The attendance statuses.
const (
	InPerson  Status = "in_person"
	Virtually Status = "virtual"
	Apologies Status = "apologies"
	Absent    Status = "absent"
)

// Statuses lists the attendance statuses.
var Statuses = []Status{InPerson, Virtually, Apologies, Absent}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return oneOf(s, Statuses) }

// Attended reports whether the person was there.
func (s Status) Attended() bool { return s == InPerson || s == Virtually }

// Attendance is one person's record for a meeting.
type Attendance struct {
	MeetingID int64
	UserID    int64
	TeamID    int64 // the team they represented; 0 for staff
	Name      string
	Status    Status
	// AgreedOn is the day an alternative to attending was agreed with the
	// convener; zero if none. It counts only if on or before the meeting's
	// day: seed 000 asks for agreement "in advance".
	AgreedOn collab.Date
	// AgreedWith says who agreed it (seed 000: "agreed upon with FFI and
	// DPH"), and Alternative what the team does instead (a recording and a
	// written reflection, a catch-up call).
	AgreedWith  string
	Alternative string
}

// AgreedInAdvance reports whether an alternative was agreed on or before
// the meeting's day.
func (a *Attendance) AgreedInAdvance(m *Meeting) bool {
	return !a.AgreedOn.IsZero() && !a.AgreedOn.After(m.Day())
}

// Validate checks an attendance record.
func (a *Attendance) Validate() error {
	v := collab.NewValidation()
	if !a.Status.Valid() {
		v.Add("status", "error.invalid_choice")
	}
	if a.Status.Attended() && !a.AgreedOn.IsZero() {
		v.Add("agreedOn", "engagement.error.agreed_but_attended")
	}
	a.AgreedWith = strings.TrimSpace(a.AgreedWith)
	a.Alternative = strings.TrimSpace(a.Alternative)
	// An agreement is a date, the people who agreed and what was agreed:
	// a date alone says nothing a partner can check.
	if !a.AgreedOn.IsZero() {
		if a.AgreedWith == "" {
			v.Add("agreedWith", "partnership.error.agreed_with")
		}
		if a.Alternative == "" {
			v.Add("alternative", "partnership.error.alternative")
		}
	} else if a.AgreedWith != "" || a.Alternative != "" {
		v.Add("agreedOn", "partnership.error.agreed_on")
	}
	v.Length("agreedWith", a.AgreedWith, 200)
	v.Length("alternative", a.Alternative, 2000)
	return v.Err()
}

// ActivityKind is what a logged activity was.
type ActivityKind string

// Seed 000's monthly activities.
const (
	ActSiteVisit ActivityKind = "site_visit"
	ActTools     ActivityKind = "tools_forms"
	ActCoaching  ActivityKind = "coaching"
	ActOther     ActivityKind = "other"
)

// ActivityKinds lists the activity kinds.
var ActivityKinds = []ActivityKind{ActSiteVisit, ActTools, ActCoaching, ActOther}

// An Activity is hours a team member spent on collaborative work in a month.
type Activity struct {
	ID              int64
	CollaborativeID int64
	TeamID          int64
	UserID          int64
	UserName        string
	Month           collab.Date // first of the month
	Kind            ActivityKind
	Hours           float64
	Note            string
}

// Validate checks an activity; Month is moved to the first of its month.
func (a *Activity) Validate() error {
	v := collab.NewValidation()
	if a.Month.IsZero() {
		v.Add("month", "error.required")
	} else {
		t := a.Month.Time()
		a.Month = collab.NewDate(t.Year(), t.Month(), 1)
	}
	if !oneOf(a.Kind, ActivityKinds) {
		v.Add("kind", "error.invalid_choice")
	}
	if a.Hours <= 0 || a.Hours > 200 {
		v.Add("hours", "error.out_of_range")
	}
	a.Note = strings.TrimSpace(a.Note)
	v.Length("note", a.Note, 2000)
	return v.Err()
}

// Feedback is an attendee's answer to "Was this helpful?".
type Feedback struct {
	MeetingID int64
	UserID    int64
	Name      string
	Helpful   bool
	Comment   string
	At        time.Time
}

// Validate checks feedback.
func (f *Feedback) Validate() error {
	v := collab.NewValidation()
	f.Comment = strings.TrimSpace(f.Comment)
	v.Length("comment", f.Comment, 4000)
	return v.Err()
}

// Settings are a collaborative's engagement rules beyond collab.Policy:
// when misses make a team at risk or off track, and when reminders go.
// They are data, edited by the convener.
type Settings struct {
	// MissesAtRisk and MissesOffTrack are how many meetings missed without
	// an agreement, within the last WindowMonths months, make a team at
	// risk or off track.
	MissesAtRisk   int
	MissesOffTrack int
	WindowMonths   int
	// ShortMonthsOffTrack is how many months below the hours range in the
	// window make a team off track (one makes it at risk).
	ShortMonthsOffTrack int
	// ReminderHours is how long before a meeting its reminder goes.
	ReminderHours int
	// DeadlineDay is the day of the month by which last month's activity
	// hours are due; DeadlineNoticeDays how many days before it the
	// reminder goes.
	DeadlineDay        int
	DeadlineNoticeDays int
}

// DefaultSettings are the rules a collaborative starts with.
func DefaultSettings() Settings {
	return Settings{MissesAtRisk: 1, MissesOffTrack: 2, WindowMonths: 3, ShortMonthsOffTrack: 2, ReminderHours: 24, DeadlineDay: 5, DeadlineNoticeDays: 2}
}

// Validate checks settings.
func (s *Settings) Validate() error {
	v := collab.NewValidation()
	rng := func(field string, x, lo, hi int) {
		if x < lo || x > hi {
			v.Add(field, "error.out_of_range")
		}
	}
	rng("missesAtRisk", s.MissesAtRisk, 1, 50)
	rng("missesOffTrack", s.MissesOffTrack, 1, 50)
	rng("windowMonths", s.WindowMonths, 1, 36)
	rng("shortMonthsOffTrack", s.ShortMonthsOffTrack, 1, 36)
	rng("reminderHours", s.ReminderHours, 1, 24*14)
	rng("deadlineDay", s.DeadlineDay, 1, 28)
	rng("deadlineNoticeDays", s.DeadlineNoticeDays, 0, 27)
	if s.MissesOffTrack < s.MissesAtRisk {
		v.Add("missesOffTrack", "error.max_below_min")
	}
	return v.Err()
}
