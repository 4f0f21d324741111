package collab

import (
	"testing"
)

func TestMissingRoles(t *testing.T) {
	def := DefaultPolicy()
	strict := def
	strict.AllowSinglePerson = false
	dir := Member{UserID: 1, Role: RoleDirector}
	ds := Member{UserID: 2, Role: RoleDirectService}
	other := Member{UserID: 3, Role: RoleOther}
	tests := []struct {
		name    string
		policy  Policy
		single  bool
		members []Member
		want    []TeamRole
	}{
		{"empty team misses both", def, false, nil, []TeamRole{RoleDirector, RoleDirectService}},
		{"director only", def, false, []Member{dir}, []TeamRole{RoleDirectService}},
		{"both designated", def, false, []Member{dir, ds}, nil},
		{"other does not count", def, false, []Member{other}, []TeamRole{RoleDirector, RoleDirectService}},
		{"small org with one person", def, true, []Member{ds}, nil},
		{"small org with nobody", def, true, nil, []TeamRole{RoleDirector, RoleDirectService}},
		{"single person not allowed by policy", strict, true, []Member{dir}, []TeamRole{RoleDirectService}},
		{"policy requires nothing", Policy{}, false, nil, nil},
		// Issue 14, seed 002: a community team needs a lead, never a director.
		{"community team with a lead", def, false, []Member{{UserID: 4, Role: RoleLead}, {UserID: 5, Role: RoleMember}}, nil},
		{"community team without a lead", def, false, []Member{{UserID: 5, Role: RoleMember}}, []TeamRole{RoleLead}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			team := &Team{SinglePerson: tt.single, Members: tt.members}
			if len(tt.members) > 0 && (tt.members[0].Role == RoleLead || tt.members[0].Role == RoleMember) {
				team.Kind = KindCommunity
			}
			got := team.MissingRoles(tt.policy)
			if len(got) != len(tt.want) {
				t.Fatalf("MissingRoles = %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("MissingRoles = %v, want %v", got, tt.want)
				}
			}
		})
	}
}

func TestAuthorize(t *testing.T) {
	const c1, c2, teamA, teamB = 1, 2, 10, 11
	anon := &Actor{}
	admin := &Actor{UserID: 1, SiteAdmin: true}
	convener := &Actor{UserID: 2, Roles: map[int64][]CollabRole{c1: {RoleConvener}}}
	coach := &Actor{UserID: 3, Roles: map[int64][]CollabRole{c1: {RoleCoach}}}
	funder := &Actor{UserID: 4, Roles: map[int64][]CollabRole{c1: {RoleFunder}}}
	director := &Actor{UserID: 5, Teams: map[int64]TeamMembership{teamA: {CollaborativeID: c1, Role: RoleDirector}}}
	advocate := &Actor{UserID: 6, Teams: map[int64]TeamMembership{teamA: {CollaborativeID: c1, Role: RoleDirectService}}}
	coLead := &Actor{UserID: 7, Roles: map[int64][]CollabRole{c1: {RoleCoLead}}}
	lead := &Actor{UserID: 8, Teams: map[int64]TeamMembership{teamB: {CollaborativeID: c1, Role: RoleLead}}}
	tests := []struct {
		name  string
		a     *Actor
		p     Perm
		c, tm int64
		want  Decision
	}{
		{"anon public", anon, PermPublic, c1, 0, Allow},
		{"anon signed-in", anon, PermSignedIn, 0, 0, DenySignIn},
		{"anon team", anon, PermTeamRead, c1, teamA, DenySignIn},
		{"admin anything", admin, PermCollabManage, c2, 0, Allow},
		{"convener manages", convener, PermCollabManage, c1, 0, Allow},
		{"convener reads any team", convener, PermTeamRead, c1, teamB, Allow},
		{"convener of another collaborative", convener, PermCollabAggregate, c2, 0, Deny404},
		{"coach reads teams", coach, PermTeamRead, c1, teamB, Allow},
		{"coach cannot manage", coach, PermCollabManage, c1, 0, Deny403},
		{"coach cannot manage a team", coach, PermTeamManage, c1, teamA, Deny403},
		{"funder sees aggregates", funder, PermCollabAggregate, c1, 0, Allow},
		{"funder not the cohort", funder, PermCollabCohort, c1, 0, Deny403},
		{"funder not a team", funder, PermTeamRead, c1, teamA, Deny403},
		{"member sees cohort", advocate, PermCollabCohort, c1, 0, Allow},
		{"member reads own team", advocate, PermTeamRead, c1, teamA, Allow},
		{"member not another team", advocate, PermTeamRead, c1, teamB, Deny403},
		{"direct service cannot manage", advocate, PermTeamManage, c1, teamA, Deny403},
		{"director manages own team", director, PermTeamManage, c1, teamA, Allow},
		{"director not another team", director, PermTeamManage, c1, teamB, Deny403},
		{"member writes own team's work", advocate, PermTeamWrite, c1, teamA, Allow},
		{"director writes own team's work", director, PermTeamWrite, c1, teamA, Allow},
		{"member not another team's work", advocate, PermTeamWrite, c1, teamB, Deny403},
		{"coach reads but does not write team work", coach, PermTeamWrite, c1, teamA, Deny403},
		{"convener writes any team's work", convener, PermTeamWrite, c1, teamB, Allow},
		{"funder does not write team work", funder, PermTeamWrite, c1, teamA, Deny403},
		{"anon team write", anon, PermTeamWrite, c1, teamA, DenySignIn},
		{"member not people list", director, PermCollabCoach, c1, 0, Deny403},
		{"member of another collaborative", director, PermTeamRead, c2, 20, Deny404},
		{"site admin only", convener, PermSiteAdmin, 0, 0, Deny403},
		// Issue 14: a state co-lead reads what the convener reads about
		// participation, the calendar, the agenda and feedback; writes none.
		{"co-lead oversees participation", coLead, PermCollabOversee, c1, 0, Allow},
		{"co-lead reads the calendar and agenda", coLead, PermCohortRead, c1, 0, Allow},
		{"co-lead does not manage", coLead, PermCollabManage, c1, 0, Deny403},
		{"co-lead does not write as the cohort", coLead, PermCollabCohort, c1, 0, Deny403},
		{"co-lead does not write team work", coLead, PermTeamWrite, c1, teamA, Deny403},
		{"funder does not oversee participation", funder, PermCollabOversee, c1, 0, Deny403},
		{"funder does not read the calendar", funder, PermCohortRead, c1, 0, Deny403},
		{"member reads the calendar", advocate, PermCohortRead, c1, 0, Allow},
		{"member does not oversee", advocate, PermCollabOversee, c1, 0, Deny403},
		{"coach oversees", coach, PermCollabOversee, c1, 0, Allow},
		{"community lead manages own team", lead, PermTeamManage, c1, teamB, Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Authorize(tt.a, tt.p, tt.c, tt.tm); got != tt.want {
				t.Errorf("Authorize = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCollaborativeValidate(t *testing.T) {
	ok := func() Collaborative {
		return Collaborative{Name: "WLC", StartDate: NewDate(2026, 1, 1), EndDate: NewDate(2027, 6, 30), Policy: DefaultPolicy()}
	}
	tests := []struct {
		name  string
		edit  func(c *Collaborative)
		field string
	}{
		{"valid", func(c *Collaborative) {}, ""},
		{"no name", func(c *Collaborative) { c.Name = "  " }, "name"},
		{"end before start", func(c *Collaborative) { c.EndDate = NewDate(2025, 1, 1) }, "endDate"},
		{"no start", func(c *Collaborative) { c.StartDate = Date{} }, "startDate"},
		{"bad status", func(c *Collaborative) { c.Status = "paused" }, "status"},
		{"hours reversed", func(c *Collaborative) { c.Policy.HoursMin, c.Policy.HoursMax = 6, 4 }, "hoursMax"},
		{"unknown role", func(c *Collaborative) { c.Policy.RequiredRoles = []TeamRole{"boss"} }, "requiredRoles"},
		{"negative reps", func(c *Collaborative) { c.Policy.MinRepsPerMeeting = -1 }, "minReps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok()
			tt.edit(&c)
			fe := FieldErrors(c.Validate())
			if tt.field == "" {
				if fe != nil {
					t.Fatalf("Validate = %v, want nil", fe)
				}
				return
			}
			if _, ok := fe[tt.field]; !ok {
				t.Fatalf("Validate = %v, want an error on %s", fe, tt.field)
			}
		})
	}
	c := ok()
	if got := c.Months(); got != 18 {
		t.Errorf("Months = %d, want 18", got)
	}
}

func TestDate(t *testing.T) {
	d, err := ParseDate("2026-02-28")
	if err != nil {
		t.Fatal(err)
	}
	if got := d.AddDays(1).String(); got != "2026-03-01" {
		t.Errorf("AddDays = %s", got)
	}
	if _, err := ParseDate("2026-02-30"); err == nil {
		t.Error("ParseDate accepted Feb 30")
	}
	var s Date
	if err := s.Scan("2026-11-23"); err != nil || s.String() != "2026-11-23" {
		t.Errorf("Scan = %v, %v", s, err)
	}
}
