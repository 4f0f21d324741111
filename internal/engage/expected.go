package engage

import "github.com/goeswell/goeswell/internal/collab"

// Expected reports whether a person whose collaborative roles grant g is
// expected at a meeting for audience a, beside the members of its teams.
// Roles are data (collab.Grants), so this asks what a role may do, never
// what it is called:
//
//   - Every meeting expects those granted cohort.participate: taking part
//     in the cohort's learning as the cohort does (collab.CapCohortParticipate).
//     It is the one capability held by the roles that run and take part in
//     meetings — seed 000's convener and coach, seed 001's backbone and
//     seed 004's guide — and by none of the roles that only read about
//     them (co-lead, funder, evaluator). meeting.cofacilitate would not
//     do: a coach does not hold it, yet is expected at every meeting.
//     A convener who grants a role cohort.participate makes it expected.
//   - A partners' meeting also expects the partners whose only window on
//     the collaborative is its aggregates — granted aggregate.read but not
//     cohort.read, seed 000's funder and evaluator and seed 001's local
//     evaluator — since this meeting is where they meet the collaborative.
//     A co-lead reads the calendar (cohort.read) and is not expected, as
//     before roles were data.
func Expected(g collab.Grants, a Audience) bool {
	if g.Has(collab.CapCohortParticipate) {
		return true
	}
	return a == AudiencePartners && g.Has(collab.CapAggregateRead) && !g.Has(collab.CapCohortRead)
}
