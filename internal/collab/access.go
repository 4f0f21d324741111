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
	// Grants maps collaborative id to what the person's roles there are
	// granted, resolved with the collaborative's overrides when the actor
	// was loaded. A collaborative missing from it gets its roles'
	// built-in defaults.
	Grants map[int64]Grants
	// Assigned maps team id to its collaborative for the teams the person
	// is assigned to in a role that reads assigned teams (a local
	// evaluator per community).
	Assigned map[int64]int64
}

// GrantsIn is what the actor's roles in collaborative c are granted.
func (a *Actor) GrantsIn(c int64) Grants {
	if g, ok := a.Grants[c]; ok {
		return g
	}
	return RoleGrants(nil).Resolve(a.Roles[c])
}

// Can reports whether the actor's roles in collaborative c hold
// capability p. Site administrators hold everything.
func (a *Actor) Can(c int64, p Capability) bool {
	return a.SiteAdmin || a.GrantsIn(c).Has(p)
}

// AssignedTo reports whether the actor is assigned to team t of
// collaborative c.
func (a *Actor) AssignedTo(c, t int64) bool {
	ac, ok := a.Assigned[t]
	return ok && ac == c
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
	// PermFeedbackRead: reading what people wrote about meetings.
	PermFeedbackRead
	// PermAgendaSchedule: scheduling agenda topics into meetings.
	PermAgendaSchedule
	// PermMeetingCofacilitate: editing a meeting and recording its
	// attendance.
	PermMeetingCofacilitate
	// PermReportsReview: reading and reviewing teams' monthly reports.
	PermReportsReview
)

var permNames = [...]string{"public", "signed-in", "site-admin", "collab-aggregate", "collab-cohort", "collab-coach", "collab-manage", "team-read", "team-manage", "team-write",
	"collab-oversee", "cohort-read", "feedback-read", "agenda-schedule", "meeting-cofacilitate", "reports-review"}

// permCapability is the capability that satisfies each collaborative
// Perm for a role. Team perms are also satisfied by team membership (see
// Authorize); the routes outside a collaborative need none.
var permCapability = map[Perm]Capability{
	PermCollabAggregate:     CapAggregateRead,
	PermCohortRead:          CapCohortRead,
	PermCollabCohort:        CapCohortParticipate,
	PermCollabOversee:       CapParticipationRead,
	PermFeedbackRead:        CapFeedbackRead,
	PermAgendaSchedule:      CapAgendaSchedule,
	PermMeetingCofacilitate: CapMeetingCofacilitate,
	PermReportsReview:       CapReportsReview,
	PermCollabCoach:         CapCohortCoach,
	PermCollabManage:        CapCollabManage,
	PermTeamRead:            CapTeamsRead,
	PermTeamWrite:           CapTeamsEdit,
	PermTeamManage:          CapTeamsEdit,
}

// PermCapability returns the capability a role needs for perm p, and
// false for the perms no role grants (public, signed-in, site-admin).
func PermCapability(p Perm) (Capability, bool) {
	c, ok := permCapability[p]
	return c, ok
}

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
	// A role reaches a perm only through the capability it maps to; team
	// membership grants the cohort's reads and the team's own perms as it
	// always has.
	need, ok := permCapability[p]
	if !ok {
		return Deny403
	}
	if a.GrantsIn(c).Has(need) {
		return Allow
	}
	switch p {
	case PermCohortRead, PermCollabCohort, PermCollabAggregate:
		ok = a.onTeamIn(c)
	case PermTeamRead:
		ok = a.OnTeam(t) || (a.GrantsIn(c).Has(CapTeamsReadAssigned) && a.AssignedTo(c, t))
	case PermTeamManage:
		ok = a.OnTeam(t) && a.Teams[t].Role.Manages()
	case PermTeamWrite:
		ok = a.OnTeam(t)
	default:
		ok = false
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
