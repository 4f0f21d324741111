package engage

import (
	"slices"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

// EditScope is which meetings of a series an edit of one of them changes.
type EditScope string

// The scopes of the meeting form's "Apply to" choice.
const (
	// ScopeThis changes the meeting alone.
	ScopeThis EditScope = "this"
	// ScopeFollowing changes the meeting and the series' later ones.
	ScopeFollowing EditScope = "following"
	// ScopeSeries changes every meeting of the series not yet held.
	ScopeSeries EditScope = "series"
)

// EditScopes lists the scopes, for the form.
var EditScopes = []EditScope{ScopeThis, ScopeFollowing, ScopeSeries}

// Valid reports whether s is a known scope.
func (s EditScope) Valid() bool { return oneOf(s, EditScopes) }

// SeriesEdit is the outcome of editing several meetings of a series.
type SeriesEdit struct {
	// Changed are the meetings with their new values, by start.
	Changed []*Meeting
	// Held counts the meetings in the scope left as they were because
	// they had started by now: a held meeting is a record (who came, what
	// was said), so an edit of the series never moves or rewrites it.
	Held int
}

// PlanSeriesEdit applies an edit of one meeting (old as stored, edited as
// typed) to the meetings of its series that scope names, among series (all
// of the series' meetings, old included). Details change on every one; the
// audience and teams change only on meetings that had the same audience
// and teams as old, so editing one team's coaching call of a series with
// one per team leaves the other teams' calls for those teams. A change of
// day and time moves each meeting by the same number of days, to the new
// time of day in the new zone: a weekly Tuesday 10:00 series whose third
// meeting moves to Thursday 14:00 is on Thursdays at 14:00 from then on,
// across daylight-saving changes. A meeting's own cancellation stays; a
// ticked "cancelled" cancels them all. Meetings that started before now are
// never changed (SeriesEdit.Held counts them).
func PlanSeriesEdit(old, edited *Meeting, series []*Meeting, scope EditScope, now time.Time) SeriesEdit {
	var out SeriesEdit
	oldLocal, newLocal := old.Local(), edited.StartsAt.In(edited.Loc())
	moved := !old.StartsAt.Equal(edited.StartsAt) || old.TimeZone != edited.TimeZone
	// Whole days between the old and new day: both dates are midnights UTC.
	days := int(collab.DateOf(newLocal).Time().Sub(collab.DateOf(oldLocal).Time()).Hours() / 24)
	for _, x := range series {
		if x.SeriesID != old.SeriesID || old.SeriesID == 0 {
			continue
		}
		switch scope {
		case ScopeFollowing:
			if x.StartsAt.Before(old.StartsAt) {
				continue
			}
		case ScopeSeries:
		default:
			if x.ID != old.ID {
				continue
			}
		}
		if x.StartsAt.Before(now) {
			out.Held++
			continue
		}
		n := *x
		n.Topics = nil
		aud, teams := x.Audience, x.TeamIDs
		if x.Audience == old.Audience && slices.Equal(x.TeamIDs, old.TeamIDs) {
			aud, teams = edited.Audience, edited.TeamIDs
		}
		n.Details = edited.Details
		n.Audience, n.TeamIDs = aud, append([]int64(nil), teams...)
		if moved {
			xl := x.Local()
			n.StartsAt = time.Date(xl.Year(), xl.Month(), xl.Day()+days, newLocal.Hour(), newLocal.Minute(), 0, 0, edited.Loc()).UTC()
		}
		n.Cancelled = x.Cancelled || edited.Cancelled
		if x.ID == old.ID {
			n.Cancelled = edited.Cancelled
		}
		n.Moved = x.Moved || !n.StartsAt.Equal(x.StartsAt)
		out.Changed = append(out.Changed, &n)
	}
	slices.SortFunc(out.Changed, func(a, b *Meeting) int { return a.StartsAt.Compare(b.StartsAt) })
	return out
}
