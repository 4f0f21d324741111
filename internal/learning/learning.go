// Package learning holds the learning community's domain: the resource
// library, the co-created learning agenda, population indicators, the
// shared-learning feed, teams' monthly reports and the community report
// card — free of storage and HTTP.
//
// Glossary:
//
//   - Resource: a tool, form, toolkit or playbook in the library, an
//     uploaded file or a link, tagged with framework nodes and the five
//     domains of wellbeing; teams mark the ones they used.
//   - Agenda topic: something a member asks the cohort to learn about;
//     members vote, the convener schedules chosen topics into sessions.
//   - Indicator: a population figure (seed 001) imported from a CSV with its
//     source and date.
//   - Share: one item a team chose to show the cohort, with a snapshot of
//     it taken when shared; the team may withdraw it.
//   - Monthly report: a team's report for a month, compiled from its data,
//     with a narrative and a self-assessed progress score; frozen when
//     submitted, reviewed by its coach.
//   - Small-count suppression: counts of people (population indicators)
//     under the collaborative's threshold (11 by default) are shown as "too
//     few to show". Counts of teams and of their activities are not
//     suppressed (doc/design.md, "One disclosure rule").
package learning

import (
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/suppress"
)

// DefaultMinCell is the default small-count threshold: a count below it is
// not shown in aggregates (a common public-health disclosure rule).
const DefaultMinCell = 11

// MinMinCell is the smallest threshold a collaborative may set, the same
// floor as survey results'.
const MinMinCell = suppress.MinThreshold

// Settings are a collaborative's choices for the learning features.
type Settings struct {
	CollaborativeID int64
	// MinCell is the smallest count shown in aggregates.
	MinCell int
	// ReportDueDay is the day of the following month a monthly report is due.
	ReportDueDay int
	CardTitle    string
	CardIntro    string
	// CardPublic publishes the report card at /cards/{CardToken}.
	CardPublic bool
	CardToken  string
}

// DefaultSettings are a new collaborative's settings.
func DefaultSettings(collabID int64) Settings {
	return Settings{CollaborativeID: collabID, MinCell: DefaultMinCell, ReportDueDay: 10}
}

// Validate checks settings.
func (s *Settings) Validate() error {
	v := collab.NewValidation()
	// The floor is the surveys': a threshold under it would show groups
	// small enough to pick people out, on the public card too.
	if s.MinCell < MinMinCell || s.MinCell > 1000 {
		v.Add("minCell", "error.min_cell")
	}
	if s.ReportDueDay < 1 || s.ReportDueDay > 28 {
		v.Add("reportDueDay", "error.out_of_range")
	}
	s.CardTitle = strings.TrimSpace(s.CardTitle)
	v.Length("cardTitle", s.CardTitle, 200)
	v.Length("cardIntro", s.CardIntro, 4000)
	return v.Err()
}

// Count is a number that may be withheld because it is too small to show.
type Count struct {
	N int64
	// Suppressed says N is under the threshold; N must not be shown.
	Suppressed bool
}

// Suppress applies the small-count rule: a count from 1 to minCell-1 is
// suppressed. Zero is shown: "nobody" discloses no one.
func Suppress(n int64, minCell int) Count {
	if n > 0 && n < int64(minCell) {
		return Count{Suppressed: true}
	}
	return Count{N: n}
}

// Domain is one of the five domains of wellbeing (the five-domains
// framework's node codes).
type Domain struct{ Code, Key string }

// Domains are the five domains of wellbeing, in the framework's order.
var Domains = []Domain{{"1", "social_connectedness"}, {"2", "safety"}, {"3", "stability"}, {"4", "mastery"}, {"5", "access"}}

// ValidDomain reports whether code names a domain.
func ValidDomain(code string) bool {
	for _, d := range Domains {
		if d.Code == code {
			return true
		}
	}
	return false
}

// MonthOf returns the first day of t's month.
func MonthOf(d collab.Date) collab.Date {
	t := d.Time()
	return collab.NewDate(t.Year(), t.Month(), 1)
}

// DueDate is when the report for month is due: day dueDay of the next month.
func DueDate(month collab.Date, dueDay int) collab.Date {
	m := MonthOf(month).AddMonths(1)
	return m.AddDays(dueDay - 1)
}

func trimLimit(v *collab.Validation, field string, s *string, max int, required bool) {
	*s = strings.TrimSpace(*s)
	switch {
	case required && *s == "":
		v.Add(field, "error.required")
	default:
		v.Length(field, *s, max)
	}
}
