package engage

import (
	"sort"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// Turnout is how many people attended a held meeting: account holders and
// people without an account (community members and lived-experience
// partners a convener records by name), whatever team or group they are
// attached to, or none. It counts people, so where it is shown it goes
// through the disclosure rule (internal/suppress; doc/design.md, "One
// disclosure rule").
type Turnout struct {
	Meeting *Meeting
	// Accounts and WithoutAccount count those present in person or
	// virtually.
	Accounts, WithoutAccount int
}

// Total is everyone who attended.
func (t Turnout) Total() int { return t.Accounts + t.WithoutAccount }

// Turnouts counts who attended each meeting held before asOf and not
// cancelled, in the order of ms.
func Turnouts(ms []*Meeting, att []Attendance, people []PersonAttendance, asOf time.Time) []Turnout {
	acc, without := map[int64]int{}, map[int64]int{}
	for _, a := range att {
		if a.Status.Attended() {
			acc[a.MeetingID]++
		}
	}
	for _, a := range people {
		if a.Status.Attended() {
			without[a.MeetingID]++
		}
	}
	var out []Turnout
	for _, m := range ms {
		if m.Cancelled || !m.StartsAt.Before(asOf) {
			continue
		}
		out = append(out, Turnout{Meeting: m, Accounts: acc[m.ID], WithoutAccount: without[m.ID]})
	}
	return out
}

// TurnoutMonth sums the turnouts of a month's meetings.
type TurnoutMonth struct {
	Month                    collab.Date
	Accounts, WithoutAccount int
}

// Total is everyone who attended the month's meetings (a person at two
// meetings counts twice: attendances, as a sign-in sheet adds them up).
func (t TurnoutMonth) Total() int { return t.Accounts + t.WithoutAccount }

// TurnoutByMonth sums turnouts by the month of their meeting's day, from
// the month of from to the month of to, inclusive, in order.
func TurnoutByMonth(ts []Turnout, from, to collab.Date) []TurnoutMonth {
	first, last := monthOf(from), monthOf(to)
	idx := map[int64]int{} // month as unix seconds
	var out []TurnoutMonth
	for _, t := range ts {
		m := monthOf(t.Meeting.Day())
		if m.Before(first) || m.After(last) {
			continue
		}
		i, ok := idx[m.Time().Unix()]
		if !ok {
			i = len(out)
			idx[m.Time().Unix()] = i
			out = append(out, TurnoutMonth{Month: m})
		}
		out[i].Accounts += t.Accounts
		out[i].WithoutAccount += t.WithoutAccount
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month.Before(out[j].Month) })
	return out
}
