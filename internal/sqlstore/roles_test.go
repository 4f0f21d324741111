package sqlstore_test

import (
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestRoleGrants: a collaborative without overrides resolves its roles to
// the templates' defaults; a saved override reaches the actor loaded for
// the next request; saving the defaults again removes the override; every
// change is audited; and bad grants change nothing.
func TestRoleGrants(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		coach := f.user(t, "coach@example.org")
		steer := f.user(t, "steer@example.org")
		for _, g := range []struct {
			u int64
			r collab.CollabRole
		}{{coach, collab.RoleCoach}, {steer, collab.RoleSteering}} {
			if err := db.AddCollabRole(ctx, collab.Who{}, f.c.ID, g.u, g.r); err != nil {
				t.Fatal(err)
			}
		}
		a, err := db.LoadActor(ctx, coach)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := a.Grants[f.c.ID], (collab.RoleGrants{}).Of(collab.RoleCoach); got != want {
			t.Fatalf("coach's grants without overrides = %q, want the defaults %q", got, want)
		}
		set, err := db.RoleSettings(ctx, f.c.ID)
		if err != nil || set.Program != collab.DefaultProgram || len(set.Overrides) != 0 {
			t.Fatalf("RoleSettings = %+v, %v; want seed 000's program and no override", set, err)
		}

		// The convener takes teams.read from coaches and switches to seed
		// 001's roles.
		who := collab.Who{UserID: f.convID}
		less := collab.GrantsOf(collab.CapAggregateRead, collab.CapCohortCoach)
		if err := db.SaveRoleSettings(ctx, who, f.c.ID, "community", collab.RoleGrants{collab.RoleCoach: less}); err != nil {
			t.Fatal(err)
		}
		a, err = db.LoadActor(ctx, coach)
		if err != nil {
			t.Fatal(err)
		}
		if a.Grants[f.c.ID] != less {
			t.Errorf("coach's grants after the save = %q, want %q", a.Grants[f.c.ID], less)
		}
		if collab.Authorize(a, collab.PermTeamRead, f.c.ID, f.teamA.ID) != collab.Deny403 {
			t.Error("a coach without teams.read still reads a team")
		}
		set, err = db.RoleSettings(ctx, f.c.ID)
		if err != nil || set.Program != "community" || set.Overrides[collab.RoleCoach] != less {
			t.Fatalf("RoleSettings after the save = %+v, %v", set, err)
		}
		log, err := db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: f.c.ID})
		if err != nil || len(log) == 0 || log[0].Action != "roles.update" {
			t.Fatalf("audit after the save: %+v, %v", log, err)
		}

		// Bad grants: a convener losing collab.manage, an evaluator
		// assigned to teams, an unknown program. Nothing changes.
		for _, bad := range []struct {
			program string
			g       collab.RoleGrants
		}{
			{"community", collab.RoleGrants{collab.RoleConvener: collab.GrantsOf(collab.CapAggregateRead)}},
			{"community", collab.RoleGrants{collab.RoleEvaluator: collab.GrantsOf(collab.CapTeamsReadAssigned)}},
			{"nonesuch", collab.RoleGrants{}},
		} {
			if err := db.SaveRoleSettings(ctx, who, f.c.ID, bad.program, bad.g); collab.FieldErrors(err) == nil {
				t.Errorf("SaveRoleSettings(%s, %v) = %v, want a validation error", bad.program, bad.g, err)
			}
		}
		// Saving the defaults drops the override: the role follows its
		// template again.
		if err := db.SaveRoleSettings(ctx, who, f.c.ID, "community", collab.RoleGrants{collab.RoleCoach: (collab.RoleGrants{}).Of(collab.RoleCoach)}); err != nil {
			t.Fatal(err)
		}
		set, err = db.RoleSettings(ctx, f.c.ID)
		if err != nil || len(set.Overrides) != 0 {
			t.Fatalf("overrides after saving the defaults = %v, %v", set.Overrides, err)
		}
		// The steering member's role (seed 001) resolves to its defaults.
		s, err := db.LoadActor(ctx, steer)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := s.Grants[f.c.ID], (collab.RoleGrants{}).Of(collab.RoleSteering); got != want {
			t.Errorf("steering member's grants = %q, want %q", got, want)
		}
	})
}

// TestAssignTeams: a local evaluator is assigned to one community and
// reads only it; an evaluator (collaborative-wide) cannot be assigned;
// another collaborative's team is refused.
func TestAssignTeams(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		local := f.user(t, "local@example.org")
		eval := f.user(t, "eval@example.org")
		if err := db.AddCollabRole(ctx, collab.Who{}, f.c.ID, local, collab.RoleLocalEvaluator); err != nil {
			t.Fatal(err)
		}
		if err := db.AddCollabRole(ctx, collab.Who{}, f.c.ID, eval, collab.RoleEvaluator); err != nil {
			t.Fatal(err)
		}
		who := collab.Who{UserID: f.convID}
		if err := db.AssignTeams(ctx, who, f.c.ID, local, []int64{f.teamA.ID, f.teamA.ID}); err != nil {
			t.Fatal(err)
		}
		a, err := db.LoadActor(ctx, local)
		if err != nil {
			t.Fatal(err)
		}
		if got := collab.Authorize(a, collab.PermTeamRead, f.c.ID, f.teamA.ID); got != collab.Allow {
			t.Errorf("local evaluator on the assigned team: %v", got)
		}
		if got := collab.Authorize(a, collab.PermTeamRead, f.c.ID, f.teamB.ID); got != collab.Deny403 {
			t.Errorf("local evaluator on another team: %v, want 403", got)
		}
		if got := collab.Authorize(a, collab.PermTeamWrite, f.c.ID, f.teamA.ID); got != collab.Deny403 {
			t.Errorf("local evaluator writing the assigned team: %v, want 403", got)
		}
		as, err := db.RoleAssignments(ctx, f.c.ID)
		if err != nil || len(as[local]) != 1 || as[local][0] != f.teamA.ID {
			t.Fatalf("RoleAssignments = %v, %v", as, err)
		}
		if err := db.AssignTeams(ctx, who, f.c.ID, eval, []int64{f.teamA.ID}); collab.FieldErrors(err)["teams"] == "" {
			t.Errorf("assigning an evaluator to a community: %v, want a validation error", err)
		}
		other := &collab.Collaborative{Name: "Other", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2026, 12, 31), Policy: collab.DefaultPolicy()}
		if err := db.CreateCollaborative(ctx, collab.Who{}, other, nil, f.convID); err != nil {
			t.Fatal(err)
		}
		tc := &collab.Team{CollaborativeID: other.ID, Name: "Elsewhere", Kind: collab.KindCommunity}
		if err := db.CreateTeam(ctx, collab.Who{}, tc); err != nil {
			t.Fatal(err)
		}
		if err := db.AssignTeams(ctx, who, f.c.ID, local, []int64{f.teamB.ID, tc.ID}); collab.FieldErrors(err)["teams"] == "" {
			t.Errorf("assigning another collaborative's team: %v, want a validation error", err)
		}
		// All or nothing: team B was not assigned either.
		if as, _ := db.RoleAssignments(ctx, f.c.ID); len(as[local]) != 1 || as[local][0] != f.teamA.ID {
			t.Errorf("a refused assignment changed them: %v", as)
		}
		if err := db.AssignTeams(ctx, who, f.c.ID, local, nil); err != nil {
			t.Fatal(err)
		}
		a, _ = db.LoadActor(ctx, local)
		if collab.Authorize(a, collab.PermTeamRead, f.c.ID, f.teamA.ID) != collab.Deny403 {
			t.Error("an unassigned local evaluator still reads the team")
		}
	})
}
