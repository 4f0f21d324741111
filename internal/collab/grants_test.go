package collab

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// legacyAuthorize is Authorize before roles became data (the roles were
// names with fixed powers), kept to show that seed 000's roles with their
// default grants decide exactly as before.
func legacyAuthorize(a *Actor, p Perm, c, t int64) Decision {
	if p == PermPublic {
		return Allow
	}
	if !a.SignedIn() {
		return DenySignIn
	}
	if a.SiteAdmin {
		return Allow
	}
	switch p {
	case PermSignedIn:
		return Allow
	case PermSiteAdmin:
		return Deny403
	}
	if !a.InCollaborative(c) {
		return Deny404
	}
	convener := a.HasRole(c, RoleConvener)
	coach := convener || a.HasRole(c, RoleCoach)
	coLead := a.HasRole(c, RoleCoLead)
	ok := false
	switch p {
	case PermCollabOversee, PermFeedbackRead: // feedback was read under oversee
		ok = coach || coLead
	case PermCohortRead:
		ok = coach || coLead || a.onTeamIn(c)
	case PermCollabAggregate:
		ok = true
	case PermCollabCohort:
		ok = coach || a.onTeamIn(c)
	case PermCollabCoach, PermReportsReview: // reports were the coaches'
		ok = coach
	case PermCollabManage, PermAgendaSchedule, PermMeetingCofacilitate: // the convener's
		ok = convener
	case PermTeamRead:
		ok = coach || a.OnTeam(t)
	case PermTeamManage:
		ok = convener || (a.OnTeam(t) && a.Teams[t].Role.Manages())
	case PermTeamWrite:
		ok = convener || a.OnTeam(t)
	}
	if ok {
		return Allow
	}
	return Deny403
}

var allPerms = func() []Perm {
	var ps []Perm
	for p := range permNames {
		ps = append(ps, Perm(p))
	}
	return ps
}()

// TestDefaultGrantsDecideAsBefore: every combination of seed 000's roles,
// with and without a team (managing or not), in and out of the
// collaborative, on every perm and team, decides as the fixed roles did.
// A changed default grant fails here.
func TestDefaultGrantsDecideAsBefore(t *testing.T) {
	const c1, c2, teamA, teamB = 1, 2, 10, 11
	n := 0
	for mask := 0; mask < 1<<len(CollabRoles); mask++ {
		var roles []CollabRole
		for i, r := range CollabRoles {
			if mask&(1<<i) != 0 {
				roles = append(roles, r)
			}
		}
		for _, team := range []TeamRole{"", RoleDirector, RoleDirectService, RoleLead, RoleMember} {
			a := &Actor{UserID: 1, Roles: map[int64][]CollabRole{}, Teams: map[int64]TeamMembership{}}
			if len(roles) > 0 {
				a.Roles[c1] = roles
			}
			if team != "" {
				a.Teams[teamA] = TeamMembership{CollaborativeID: c1, Role: team}
			}
			// Both ways an actor arrives: built by hand (defaults) and
			// loaded with resolved grants and no override.
			loaded := *a
			loaded.Grants = map[int64]Grants{c1: RoleGrants{}.Resolve(roles)}
			for _, p := range allPerms {
				for _, c := range []int64{c1, c2} {
					for _, tm := range []int64{0, teamA, teamB} {
						want := legacyAuthorize(a, p, c, tm)
						if got := Authorize(a, p, c, tm); got != want {
							t.Errorf("roles %v team %q: %v on c%d team %d = %v, want %v", roles, team, p, c, tm, got, want)
						}
						if got := Authorize(&loaded, p, c, tm); got != want {
							t.Errorf("loaded roles %v team %q: %v on c%d team %d = %v, want %v", roles, team, p, c, tm, got, want)
						}
						n++
					}
				}
			}
		}
	}
	t.Logf("%d decisions compared", n)
}

// TestGrantsProperty: for random grant sets on a role held in the
// collaborative, Authorize allows a collaborative perm exactly when the
// grants hold the capability it maps to — never without it, always with
// it — and a team perm reaches an assigned team only through
// teams.read.assigned. Outside the collaborative the answer is 404 whatever
// is granted.
func TestGrantsProperty(t *testing.T) {
	const c1, c2, teamA, teamB = 1, 2, 10, 11
	rng := rand.New(rand.NewPCG(14, 2026))
	roles := []CollabRole{}
	for _, p := range Programs {
		for _, r := range p.Roles {
			roles = append(roles, r.Role)
		}
	}
	for i := 0; i < 5000; i++ {
		g := Grants(rng.Uint32()) & AllGrants
		role := roles[rng.IntN(len(roles))]
		a := &Actor{UserID: 1, Roles: map[int64][]CollabRole{c1: {role}}, Grants: map[int64]Grants{c1: g}}
		assigned := rng.IntN(2) == 0
		if assigned {
			a.Assigned = map[int64]int64{teamA: c1}
		}
		for _, p := range allPerms {
			need, roleGrantable := PermCapability(p)
			for _, tm := range []int64{0, teamA, teamB} {
				got := Authorize(a, p, c1, tm)
				if !roleGrantable {
					continue // public, signed-in, site-admin: no role reaches or loses them
				}
				want := g.Has(need)
				if p == PermTeamRead && !want {
					want = g.Has(CapTeamsReadAssigned) && assigned && tm == teamA
				}
				if (got == Allow) != want {
					t.Fatalf("grants %q, assigned %v: %v on team %d = %v, want allowed %v", g, assigned, p, tm, got, want)
				}
				if !want && got != Deny403 {
					t.Fatalf("grants %q: %v refused with %v, want 403", g, p, got)
				}
				if d := Authorize(a, p, c2, tm); d != Deny404 {
					t.Fatalf("grants %q: %v in another collaborative = %v, want 404", g, p, d)
				}
			}
		}
	}
}

// TestRoleGrantsResolve: overrides replace a role's defaults, kept
// capabilities stay, a scope's forbidden capabilities never resolve, and
// several roles add up.
func TestRoleGrantsResolve(t *testing.T) {
	o := RoleGrants{
		RoleCoach:          GrantsOf(CapAggregateRead),
		RoleConvener:       GrantsOf(CapAggregateRead),               // tries to drop collab.manage
		RoleLocalEvaluator: GrantsOf(CapTeamsRead, CapAggregateRead), // every team: not for an assigned role
		RoleEvaluator:      GrantsOf(CapTeamsReadAssigned),           // an evaluator is never assigned
	}
	tests := []struct {
		role CollabRole
		want Grants
	}{
		{RoleCoach, GrantsOf(CapAggregateRead)},
		{RoleConvener, GrantsOf(CapAggregateRead, CapCollabManage)},
		{RoleLocalEvaluator, GrantsOf(CapAggregateRead)},
		{RoleEvaluator, 0},
		{RoleFunder, GrantsOf(CapAggregateRead)},
		{"nobody", 0},
	}
	for _, tt := range tests {
		if got := o.Of(tt.role); got != tt.want {
			t.Errorf("Of(%s) = %q, want %q", tt.role, got, tt.want)
		}
	}
	if got, want := o.Resolve([]CollabRole{RoleCoach, RoleCoLead}), coLeadGrants; got != want {
		t.Errorf("Resolve(coach, co_lead) = %q, want %q", got, want)
	}
	if g := ParseGrants("aggregate.read no.such teams.read"); g != GrantsOf(CapAggregateRead, CapTeamsRead) {
		t.Errorf("ParseGrants = %q", g)
	}
	if g := GrantsOf(CapCollabManage, CapAggregateRead); ParseGrants(g.String()) != g {
		t.Errorf("round trip of %q", g)
	}
}

// TestValidateGrants: the checks a convener's save goes through.
func TestValidateGrants(t *testing.T) {
	tests := []struct {
		role  CollabRole
		g     Grants
		field string
	}{
		{RoleCoach, GrantsOf(CapAggregateRead), ""},
		{RoleConvener, GrantsOf(CapAggregateRead), "grants.convener"},
		{RoleBackbone, AllGrants &^ GrantsOf(CapCollabManage), "grants.backbone"},
		{RoleEvaluator, GrantsOf(CapTeamsReadAssigned), "grants.evaluator"},
		{RoleLocalEvaluator, GrantsOf(CapTeamsReadAssigned), ""},
		{RoleLocalEvaluator, GrantsOf(CapTeamsRead), "grants.local_evaluator"},
		{"mayor", 0, "role"},
	}
	for _, tt := range tests {
		err := ValidateGrants(tt.role, tt.g)
		fe := FieldErrors(err)
		switch {
		case tt.field == "" && err != nil:
			t.Errorf("%s %q: %v", tt.role, tt.g, err)
		case tt.field != "" && fe[tt.field] == "":
			t.Errorf("%s %q: errors %v, want one on %s", tt.role, tt.g, fe, tt.field)
		}
	}
}

// TestKeepsManaging: the lock-out guard.
func TestKeepsManaging(t *testing.T) {
	a := &Actor{UserID: 1, Roles: map[int64][]CollabRole{1: {RoleSteering}}}
	if KeepsManaging(a, 1, RoleGrants{}) {
		t.Error("a steering member does not manage by default")
	}
	o := RoleGrants{RoleSteering: GrantsOf(CapCollabManage)}
	if !KeepsManaging(a, 1, o) {
		t.Error("granted collab.manage, the steering member manages")
	}
	conv := &Actor{UserID: 2, Roles: map[int64][]CollabRole{1: {RoleConvener}}}
	if !KeepsManaging(conv, 1, RoleGrants{RoleConvener: 0}) {
		t.Error("a convener always keeps managing")
	}
	if !KeepsManaging(&Actor{UserID: 3, SiteAdmin: true}, 1, nil) {
		t.Error("a site admin always manages")
	}
}

// BenchmarkAuthorize: the check every request makes.
func BenchmarkAuthorize(b *testing.B) {
	a := &Actor{UserID: 1, Roles: map[int64][]CollabRole{1: {RoleCoach}}, Grants: map[int64]Grants{1: coachGrants}}
	for b.Loop() {
		Authorize(a, PermTeamRead, 1, 10)
	}
}

// TestTeamNameRolesFor: the settings offer seed 000's partner roles and
// the program's own, never a role that always sees team names.
func TestTeamNameRolesFor(t *testing.T) {
	for program, want := range map[string][]CollabRole{
		"wellbeing": {RoleFunder, RoleEvaluator, RoleCoach},
		"community": {RoleFunder, RoleEvaluator, RoleCoach, RoleSteering, RoleWorkgroup, RoleLocalEvaluator, RoleLivedExperience},
		"bsc":       {RoleFunder, RoleEvaluator, RoleCoach, RoleSeniorLeader, RoleFamilyYouthPartner, RoleDataSpecialist, RoleGuide},
	} {
		got := TeamNameRolesFor(program)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", program, got, want)
		}
		for _, r := range got {
			c := &Collaborative{Name: "x", StartDate: NewDate(2026, 1, 1), EndDate: NewDate(2027, 6, 30), Status: StatusPlanning, Policy: DefaultPolicy(), TeamNamesTo: []CollabRole{r}}
			if err := c.Validate(); err != nil {
				t.Errorf("%s: showing team names to %s refused: %v", program, r, err)
			}
		}
	}
	c := &Collaborative{Name: "x", StartDate: NewDate(2026, 1, 1), EndDate: NewDate(2027, 6, 30), Status: StatusPlanning, Policy: DefaultPolicy(), TeamNamesTo: []CollabRole{RoleBackbone}}
	if c.Validate() == nil {
		t.Error("the backbone, which always sees team names, offered as a choice")
	}
}
