package engage

import (
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
)

// TestExpected: who is expected at a meeting follows the grants of their
// roles; with the default program's grants, exactly the conveners and
// coaches at every meeting and the funders and evaluators at partners'
// meetings, as before roles were data.
func TestExpected(t *testing.T) {
	none := collab.RoleGrants{}
	// A convener who lets funders take part in the cohort's learning.
	funderTakesPart := collab.RoleGrants{collab.RoleFunder: collab.GrantsOf(collab.CapAggregateRead, collab.CapCohortRead, collab.CapCohortParticipate)}
	for _, tc := range []struct {
		role          collab.CollabRole
		over          collab.RoleGrants
		team, partner bool
	}{
		{collab.RoleConvener, none, true, true},
		{collab.RoleCoach, none, true, true},
		{collab.RoleCoLead, none, false, false},
		{collab.RoleFunder, none, false, true},
		{collab.RoleEvaluator, none, false, true},
		{collab.RoleBackbone, none, true, true},
		{collab.RoleGuide, none, true, true},
		{collab.RoleLocalEvaluator, none, false, true},
		{collab.RoleSeniorLeader, none, false, false},
		{collab.RoleFunder, funderTakesPart, true, true},
	} {
		g := tc.over.Of(tc.role)
		if got := Expected(g, AudienceOneTeam); got != tc.team {
			t.Errorf("%s (%v) at a team's meeting: %v, want %v", tc.role, g, got, tc.team)
		}
		if got := Expected(g, AudiencePartners); got != tc.partner {
			t.Errorf("%s (%v) at a partners' meeting: %v, want %v", tc.role, g, got, tc.partner)
		}
	}
}
