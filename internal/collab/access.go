package collab

// An Actor is who is asking: a signed-in person with their roles, loaded
// once per request. The zero Actor is an anonymous visitor.
type Actor struct {
	UserID    int64
	Name      string
	Email     string
	Lang      string
	TimeZone  string // the person's chosen zone (User.TimeZone)
	SiteAdmin bool
	// Roles maps collaborative id to the person's staff roles there.
	Roles map[int64][]CollabRole
	// Teams maps team id to the person's membership.
	Teams map[int64]TeamMembership
}

// TeamMembership is an actor's place on one team.
type TeamMembership struct {
	CollaborativeID int64
	Role            TeamRole
}

// SignedIn reports whether the actor is a person rather than a visitor.
func (a *Actor) SignedIn() bool { return a != nil && a.UserID != 0 }

// HasRole reports whether the actor holds role r in collaborative c.
func (a *Actor) HasRole(c int64, r CollabRole) bool {
	for _, have := range a.Roles[c] {
		if have == r {
			return true
		}
	}
	return false
}

// InCollaborative reports whether the actor has any place in collaborative
// c: a staff role or a team.
func (a *Actor) InCollaborative(c int64) bool {
	if len(a.Roles[c]) > 0 {
		return true
	}
	for _, m := range a.Teams {
		if m.CollaborativeID == c {
			return true
		}
	}
	return false
}

// OnTeam reports whether the actor is a member of team t.
func (a *Actor) OnTeam(t int64) bool { _, ok := a.Teams[t]; return ok }

// Perm is what a route needs. Every route declares one; the web layer
// checks it in one place before the handler runs.
type Perm int

// The permissions, from the most open to the most closed.
const (
	// PermPublic: anyone, signed in or not.
	PermPublic Perm = iota
	// PermSignedIn: any signed-in person.
	PermSignedIn
	// PermSiteAdmin: site administrators only.
	PermSiteAdmin
	// PermCollabAggregate: anyone with a place in the collaborative,
	// funders and evaluators included. Only collaborative-level aggregates
	// may be shown under it.
	PermCollabAggregate
	// PermCollabCohort: the cohort — conveners, coaches and team members —
	// but not funders or evaluators, who see aggregates only.
	PermCollabCohort
	// PermCollabCoach: conveners and faculty/coaches.
	PermCollabCoach
	// PermCollabManage: conveners.
	PermCollabManage
	// PermTeamRead: the team's own members, its coaches and conveners.
	PermTeamRead
	// PermTeamManage: the team's director or program manager (a community
	// team's lead) and conveners.
	PermTeamManage
	// PermTeamWrite: any member of the team, whatever their designated
	// role, and conveners — for the team's own work (aims, driver
	// diagrams, PDSA cycles, data; the asset map, success moments and the
	// other asset-based tools). Coaches read it but do not write it: the
	// work is the team's.
	PermTeamWrite
	// PermCollabOversee: conveners, coaches and state co-leads — reading
	// the participation dashboard and meeting feedback.
	PermCollabOversee
	// PermCohortRead: the cohort and state co-leads — reading the
	// calendar, meetings and the learning agenda (a co-lead reads them as
	// the convener does but does not propose, vote or give feedback).
	PermCohortRead
)

var permNames = [...]string{"public", "signed-in", "site-admin", "collab-aggregate", "collab-cohort", "collab-coach", "collab-manage", "team-read", "team-manage", "team-write",
	"collab-oversee", "cohort-read"}

func (p Perm) String() string { return permNames[p] }

// Decision is the outcome of an authorization check.
type Decision int

// The decisions. Deny404 hides that the object exists at all: used when
// the actor has no place in the collaborative, so nobody can probe another
// collaborative's ids.
const (
	Allow Decision = iota
	DenySignIn
	Deny403
	Deny404
)

// Authorize decides whether actor a may use a route with permission p on
// collaborative c (0 if the route names none) and team t (0 if none). The
// caller has already checked that team t belongs to collaborative c.
func Authorize(a *Actor, p Perm, c, t int64) Decision {
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
	case PermCollabOversee:
		ok = coach || coLead
	case PermCohortRead:
		ok = coach || coLead || a.onTeamIn(c)
	case PermCollabAggregate:
		ok = true
	case PermCollabCohort:
		ok = coach || a.onTeamIn(c)
	case PermCollabCoach:
		ok = coach
	case PermCollabManage:
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

func (a *Actor) onTeamIn(c int64) bool {
	for _, m := range a.Teams {
		if m.CollaborativeID == c {
			return true
		}
	}
	return false
}
