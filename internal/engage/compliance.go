package engage

import (
	"slices"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// State is how a team stands against its commitments.
type State string

// The states, from best to worst.
const (
	OnTrack  State = "on_track"
	AtRisk   State = "at_risk"
	OffTrack State = "off_track"
)

func worse(a, b State) State {
	rank := map[State]int{OnTrack: 0, AtRisk: 1, OffTrack: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// A Reason explains a state: a message-catalog key and its arguments.
type Reason struct {
	Key  string
	Args []any
}

// HoursState places a month's activity hours against the policy's range.
type HoursState string

// The hours states. Pending: the month is not over yet. NotJoined: the
// month ended before the team joined; Joined: the team joined during the
// month, after its first day, so a month's hours are not owed.
const (
	HoursBelow     HoursState = "below"
	HoursWithin    HoursState = "within"
	HoursAbove     HoursState = "above"
	HoursPending   HoursState = "pending"
	HoursNotJoined HoursState = "not_joined"
	HoursJoined    HoursState = "joined"
)

// Input is everything the compliance computation reads.
type Input struct {
	Policy   collab.Policy
	Settings Settings
	// Start and End are the collaborative's dates.
	Start, End collab.Date
	// AsOf is now: meetings before it have been held, months that ended
	// before it are complete.
	AsOf       time.Time
	Teams      []*collab.Team // with Members
	Meetings   []*Meeting
	Attendance []Attendance
	// People is the attendance of people without accounts; those attached
	// to a team count among its representatives (issue 14).
	People     []PersonAttendance
	Activities []Activity
}

// MonthCompliance is one team's month.
type MonthCompliance struct {
	Month    collab.Date // first of the month
	Complete bool
	// BeforeJoined marks a month that ended before the team joined: it
	// owes nothing in it (issue 14: a team created mid-way was charged
	// every meeting held before it existed).
	BeforeJoined bool
	// Meetings counts the team's meetings held in the month; Covered those
	// with enough representatives; Excused those missed with an
	// alternative agreed in advance; Missed the rest.
	Meetings, Covered, Excused, Missed int
	Hours                              float64
	HoursState                         HoursState
	State                              State
	Reasons                            []Reason
}

// TeamCompliance is one team's standing: its months and an overall state
// over the last Settings.WindowMonths months, with the reasons.
type TeamCompliance struct {
	Team         *collab.Team
	Months       []MonthCompliance
	MissingRoles []collab.TeamRole
	// Required is how many of the team's people must attend each meeting.
	Required    int
	Missed      int // in the window
	ShortMonths int // complete months below the hours range, in the window
	State       State
	Reasons     []Reason
}

// Required is how many representatives team t owes each meeting: the
// policy's minimum, but one for a small organization allowed a single
// person (seed 000: "Smaller organizations ... may have one staff member
// participate").
func Required(p collab.Policy, t *collab.Team) int {
	n := p.MinRepsPerMeeting
	if t.SinglePerson && p.AllowSinglePerson && n > 1 {
		n = 1
	}
	return n
}

func monthOf(d collab.Date) collab.Date {
	t := d.Time()
	return collab.NewDate(t.Year(), t.Month(), 1)
}

// Compute checks every active team against the policy and settings. It is
// a pure function of its input.
func Compute(in Input) []TeamCompliance {
	s := in.Settings
	today := collab.DateOf(in.AsOf.UTC())
	first := monthOf(in.Start)
	last := monthOf(in.End)
	if cur := monthOf(today); cur.Before(last) {
		last = cur
	}
	var months []collab.Date
	for m := first; !m.After(last); m = m.AddMonths(1) {
		months = append(months, m)
	}

	type key struct{ meeting, team int64 }
	came := map[key]int{}
	agreed := map[key]bool{}
	meetingByID := map[int64]*Meeting{}
	for _, m := range in.Meetings {
		meetingByID[m.ID] = m
	}
	for _, a := range in.Attendance {
		m := meetingByID[a.MeetingID]
		if m == nil || a.TeamID == 0 {
			continue
		}
		k := key{a.MeetingID, a.TeamID}
		if a.Status.Attended() {
			came[k]++
		} else if a.AgreedInAdvance(m) {
			agreed[k] = true
		}
	}
	// A community member or lived-experience partner attached to a team
	// represents it as its account holders do: seed 002's teams are
	// doulas, mentors and neighbours, many of whom never sign in.
	for _, a := range in.People {
		if meetingByID[a.MeetingID] != nil && a.TeamID != 0 && a.Status.Attended() {
			came[key{a.MeetingID, a.TeamID}]++
		}
	}
	hours := map[key]float64{} // (team, month as unix days)
	for _, a := range in.Activities {
		hours[key{a.TeamID, monthOf(a.Month).Time().Unix()}] += a.Hours
	}

	var out []TeamCompliance
	for _, t := range in.Teams {
		if !t.Active {
			continue
		}
		tc := TeamCompliance{Team: t, MissingRoles: t.MissingRoles(in.Policy), Required: Required(in.Policy, t), State: OnTrack}
		// A team is judged from the day it joined: no meeting before it
		// is charged, and no month's hours before the first whole month.
		joined := t.Joined()
		joinedMonth := monthOf(joined)
		idx := map[int64]int{}
		for i, m := range months {
			complete := !m.AddMonths(1).After(today)
			mc := MonthCompliance{Month: m, Complete: complete, State: OnTrack, HoursState: HoursPending,
				Hours: hours[key{t.ID, m.Time().Unix()}]}
			switch {
			case !joined.IsZero() && m.Before(joinedMonth):
				mc.BeforeJoined, mc.HoursState = true, HoursNotJoined
			case !joined.IsZero() && !m.Before(joinedMonth) && !m.After(joinedMonth) && joined.After(m):
				mc.HoursState = HoursJoined
			case complete:
				switch {
				case mc.Hours < in.Policy.HoursMin:
					mc.HoursState = HoursBelow
				case mc.Hours > in.Policy.HoursMax:
					mc.HoursState = HoursAbove
				default:
					mc.HoursState = HoursWithin
				}
			}
			tc.Months = append(tc.Months, mc)
			idx[m.Time().Unix()] = i
		}
		for _, m := range in.Meetings {
			if m.Cancelled || !m.ForTeam(t.ID) || !m.StartsAt.Before(in.AsOf) || m.Day().Before(joined) {
				continue
			}
			i, ok := idx[monthOf(m.Day()).Time().Unix()]
			if !ok {
				continue
			}
			mc := &tc.Months[i]
			mc.Meetings++
			k := key{m.ID, t.ID}
			switch {
			case came[k] >= tc.Required:
				mc.Covered++
			case agreed[k]:
				mc.Excused++
			default:
				mc.Missed++
			}
		}
		for i := range tc.Months {
			mc := &tc.Months[i]
			switch {
			case mc.Missed >= s.MissesOffTrack:
				mc.State = OffTrack
				mc.Reasons = append(mc.Reasons, Reason{"engagement.reason.missed", []any{mc.Missed}})
			case mc.Missed >= s.MissesAtRisk:
				mc.State = AtRisk
				mc.Reasons = append(mc.Reasons, Reason{"engagement.reason.missed", []any{mc.Missed}})
			}
			if mc.HoursState == HoursBelow {
				mc.State = worse(mc.State, AtRisk)
				mc.Reasons = append(mc.Reasons, Reason{"engagement.reason.hours_below", []any{mc.Hours, in.Policy.HoursMin}})
			}
		}
		// The overall state looks at the last WindowMonths months, so a
		// team that recovers is back on track and an old miss does not
		// follow it for the whole collaborative.
		from := max(0, len(tc.Months)-max(1, s.WindowMonths))
		for _, mc := range tc.Months[from:] {
			tc.Missed += mc.Missed
			if mc.HoursState == HoursBelow {
				tc.ShortMonths++
			}
		}
		switch {
		case tc.Missed >= s.MissesOffTrack:
			tc.State = OffTrack
			tc.Reasons = append(tc.Reasons, Reason{"engagement.reason.missed_window", []any{tc.Missed, s.WindowMonths}})
		case tc.Missed >= s.MissesAtRisk:
			tc.State = AtRisk
			tc.Reasons = append(tc.Reasons, Reason{"engagement.reason.missed_window", []any{tc.Missed, s.WindowMonths}})
		}
		switch {
		case tc.ShortMonths >= s.ShortMonthsOffTrack:
			tc.State = OffTrack
			tc.Reasons = append(tc.Reasons, Reason{"engagement.reason.short_window", []any{tc.ShortMonths, s.WindowMonths, in.Policy.HoursMin}})
		case tc.ShortMonths > 0:
			tc.State = worse(tc.State, AtRisk)
			tc.Reasons = append(tc.Reasons, Reason{"engagement.reason.short_window", []any{tc.ShortMonths, s.WindowMonths, in.Policy.HoursMin}})
		}
		if len(tc.MissingRoles) > 0 {
			tc.State = worse(tc.State, AtRisk)
			tc.Reasons = append(tc.Reasons, Reason{"engagement.reason.roles_missing", []any{len(tc.MissingRoles)}})
		}
		out = append(out, tc)
	}
	return out
}

// CohortMonth is one month of the cohort's participation, summed over the
// teams that had joined: the funder report's participation figure. Every
// number counts teams or their meetings and hours, not people, so none is
// suppressed (doc/design.md, "One disclosure rule").
type CohortMonth struct {
	Month collab.Date
	// Teams counts the teams that had joined by the month's end.
	Teams int
	// Meetings, Covered, Excused and Missed sum the teams' meetings: those
	// a team was expected at, those with enough representatives, those
	// missed with an alternative agreed in advance, and the rest.
	Meetings, Covered, Excused, Missed int
	Hours                              float64
	// Below, Within and Above count teams by their month's hours against
	// the policy's range; a month not over yet, or the month a team
	// joined, is in none of them.
	Below, Within, Above int
}

// Cohort sums the teams' months from the month of from to the month of
// to, inclusive.
func Cohort(tcs []TeamCompliance, from, to collab.Date) []CohortMonth {
	first, last := monthOf(from), monthOf(to)
	var out []CohortMonth
	idx := map[int64]int{}
	for _, tc := range tcs {
		for _, mc := range tc.Months {
			if mc.Month.Before(first) || mc.Month.After(last) || mc.BeforeJoined {
				continue
			}
			k := mc.Month.Time().Unix()
			i, ok := idx[k]
			if !ok {
				i = len(out)
				idx[k] = i
				out = append(out, CohortMonth{Month: mc.Month})
			}
			cm := &out[i]
			cm.Teams++
			cm.Meetings += mc.Meetings
			cm.Covered += mc.Covered
			cm.Excused += mc.Excused
			cm.Missed += mc.Missed
			cm.Hours += mc.Hours
			switch mc.HoursState {
			case HoursBelow:
				cm.Below++
			case HoursWithin:
				cm.Within++
			case HoursAbove:
				cm.Above++
			}
		}
	}
	slices.SortFunc(out, func(a, b CohortMonth) int { return a.Month.Time().Compare(b.Month.Time()) })
	return out
}
