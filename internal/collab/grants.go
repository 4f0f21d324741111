package collab

import (
	"slices"
	"strings"
)

// Roles as data (issue 14). A collaborative role is a set of grants over
// named capabilities. The built-in roles are templates, one table per seed
// program; each collaborative starts from the templates' defaults and its
// convener adjusts a role's grants (stored as an override). A route still
// declares a Perm, and Authorize satisfies a Perm when the actor holds the
// capability it maps to (PermCapability); team membership keeps granting a
// team's own perms as before.

// A Capability is one named thing a collaborative role may be granted. The
// names are stable: they are stored in the database and in archives.
type Capability string

// The capabilities, in the order the settings page lists them.
const (
	// CapAggregateRead: the collaborative's aggregates — the dashboard,
	// measures over all teams, the funder report, What goes well.
	CapAggregateRead Capability = "aggregate.read"
	// CapCohortRead: the calendar, the meetings and the learning agenda,
	// read as the convener reads them.
	CapCohortRead Capability = "cohort.read"
	// CapCohortParticipate: taking part as the cohort does — the feed,
	// resources, the list of teams, proposing and voting on agenda
	// topics, giving meeting feedback.
	CapCohortParticipate Capability = "cohort.participate"
	// CapParticipationRead: every team's participation — meetings,
	// attendance, hours.
	CapParticipationRead Capability = "participation.read"
	// CapFeedbackRead: what people wrote about each meeting.
	CapFeedbackRead Capability = "feedback.read"
	// CapAgendaSchedule: scheduling proposed agenda topics into meetings.
	CapAgendaSchedule Capability = "agenda.schedule"
	// CapMeetingCofacilitate: editing a meeting's agenda and details and
	// recording its attendance.
	CapMeetingCofacilitate Capability = "meeting.cofacilitate"
	// CapReportsReview: reading and reviewing teams' monthly reports.
	CapReportsReview Capability = "reports.review"
	// CapCohortCoach: coaching the cohort — the people list, every team's
	// measures side by side, check-ins, following up group action items.
	CapCohortCoach Capability = "cohort.coach"
	// CapTeamsRead: every team's own work and data.
	CapTeamsRead Capability = "teams.read"
	// CapTeamsReadAssigned: the work and data of the teams the person is
	// assigned to (a local evaluator per community), and no other's.
	CapTeamsReadAssigned Capability = "teams.read.assigned"
	// CapTeamsEdit: editing any team's work and managing its people, as
	// the convener does.
	CapTeamsEdit Capability = "teams.edit"
	// CapCollabManage: managing the collaborative — settings, teams,
	// people and roles, meetings, measures, applications, compensation.
	CapCollabManage Capability = "collab.manage"
)

// Capabilities lists every capability; a Grants bit is its index here, so
// new capabilities are added at the end.
var Capabilities = []Capability{
	CapAggregateRead, CapCohortRead, CapCohortParticipate, CapParticipationRead, CapFeedbackRead,
	CapAgendaSchedule, CapMeetingCofacilitate, CapReportsReview, CapCohortCoach, CapTeamsRead,
	CapTeamsReadAssigned, CapTeamsEdit, CapCollabManage,
}

// Valid reports whether c is a known capability.
func (c Capability) Valid() bool { return slices.Contains(Capabilities, c) }

// Key is the capability's catalog key stem: "capability.aggregate_read".
func (c Capability) Key() string { return "capability." + strings.ReplaceAll(string(c), ".", "_") }

// Grants is a set of capabilities, one bit each (the index in
// Capabilities): Authorize tests it on every request.
type Grants uint32

// GrantsOf makes a set of the given capabilities; unknown ones are left
// out.
func GrantsOf(cs ...Capability) Grants {
	var g Grants
	for _, c := range cs {
		if i := slices.Index(Capabilities, c); i >= 0 {
			g |= 1 << i
		}
	}
	return g
}

// AllGrants holds every capability.
var AllGrants = Grants(1<<len(Capabilities) - 1)

// Has reports whether the set holds c.
func (g Grants) Has(c Capability) bool {
	i := slices.Index(Capabilities, c)
	return i >= 0 && g&(1<<i) != 0
}

// List is the set's capabilities in catalog order.
func (g Grants) List() []Capability {
	var out []Capability
	for i, c := range Capabilities {
		if g&(1<<i) != 0 {
			out = append(out, c)
		}
	}
	return out
}

// String is the stored form: the names, space-separated, in catalog order.
func (g Grants) String() string {
	l := g.List()
	s := make([]string, len(l))
	for i, c := range l {
		s[i] = string(c)
	}
	return strings.Join(s, " ")
}

// ParseGrants reads the stored form. A name it does not know (written by a
// newer version) is dropped: a grant never widens by a misread.
func ParseGrants(s string) Grants {
	var g Grants
	for _, f := range strings.Fields(s) {
		g |= GrantsOf(Capability(f))
	}
	return g
}

// RoleScope says where a role's team reading reaches.
type RoleScope string

// The scopes. A collaborative-wide role (an evaluator) serves the whole
// collaborative and cannot serve one community; an assigned role (seed
// 001's local evaluator per community) reads only its assigned teams.
const (
	ScopeCollaborative RoleScope = "collaborative"
	ScopeAssigned      RoleScope = "assigned"
)

// A RoleTemplate is a built-in role: its default grants and its scope.
// Keeps are the capabilities no override may take away (a convener keeps
// managing, so nobody locks everybody out).
type RoleTemplate struct {
	Role     CollabRole
	Scope    RoleScope
	Defaults Grants
	Keeps    Grants
}

// Grantable reports whether a role of this template may be granted c: an
// assigned role reads only its teams (never every team's), and a
// collaborative-wide role is never assigned to teams.
func (t RoleTemplate) Grantable(c Capability) bool {
	switch c {
	case CapTeamsReadAssigned:
		return t.Scope == ScopeAssigned
	case CapTeamsRead, CapTeamsEdit, CapCollabManage:
		return t.Scope != ScopeAssigned
	}
	return c.Valid()
}

// A Program is a seed program's table of role templates.
type Program struct {
	Key   string
	Roles []RoleTemplate
}

// The roles of seed 001 (a multi-sector community collaboration) and seed
// 004 (a Breakthrough Series Collaborative), beside seed 000's.
const (
	RoleBackbone           CollabRole = "backbone"
	RoleSteering           CollabRole = "steering"
	RoleWorkgroup          CollabRole = "workgroup"
	RoleLocalEvaluator     CollabRole = "local_evaluator"
	RoleLivedExperience    CollabRole = "lived_experience"
	RoleSeniorLeader       CollabRole = "senior_leader"
	RoleFamilyYouthPartner CollabRole = "family_partner"
	RoleDataSpecialist     CollabRole = "data_specialist"
	RoleGuide              CollabRole = "guide"
)

// The default grants of the built-in roles. Seed 000's five are exactly
// what they could do before roles became data.
var (
	convenerGrants = AllGrants
	coachGrants    = GrantsOf(CapAggregateRead, CapCohortRead, CapCohortParticipate, CapParticipationRead, CapFeedbackRead,
		CapReportsReview, CapCohortCoach, CapTeamsRead)
	coLeadGrants    = GrantsOf(CapAggregateRead, CapCohortRead, CapParticipationRead, CapFeedbackRead)
	aggregateGrants = GrantsOf(CapAggregateRead)
	// A partner who takes part in the cohort's learning (a workgroup
	// member, a lived-experience or family partner): the agenda, the
	// calendar and the feed, proposing and voting.
	partnerGrants = GrantsOf(CapAggregateRead, CapCohortRead, CapCohortParticipate)
	keepManaging  = GrantsOf(CapCollabManage)
)

// Programs are the built-in role templates, one table per seed program.
// Role names are unique across programs, so a role's defaults do not
// depend on which program a collaborative lists.
var Programs = []Program{
	{Key: "wellbeing", Roles: []RoleTemplate{ // seed 000
		{Role: RoleConvener, Scope: ScopeCollaborative, Defaults: convenerGrants, Keeps: keepManaging},
		{Role: RoleCoLead, Scope: ScopeCollaborative, Defaults: coLeadGrants},
		{Role: RoleCoach, Scope: ScopeCollaborative, Defaults: coachGrants},
		{Role: RoleEvaluator, Scope: ScopeCollaborative, Defaults: aggregateGrants},
		{Role: RoleFunder, Scope: ScopeCollaborative, Defaults: aggregateGrants},
	}},
	{Key: "community", Roles: []RoleTemplate{ // seed 001
		{Role: RoleBackbone, Scope: ScopeCollaborative, Defaults: convenerGrants, Keeps: keepManaging},
		{Role: RoleSteering, Scope: ScopeCollaborative, Defaults: GrantsOf(CapAggregateRead, CapCohortRead, CapCohortParticipate, CapParticipationRead, CapAgendaSchedule)},
		{Role: RoleWorkgroup, Scope: ScopeCollaborative, Defaults: partnerGrants},
		{Role: RoleLocalEvaluator, Scope: ScopeAssigned, Defaults: GrantsOf(CapAggregateRead, CapTeamsReadAssigned)},
		{Role: RoleLivedExperience, Scope: ScopeCollaborative, Defaults: partnerGrants},
	}},
	{Key: "bsc", Roles: []RoleTemplate{ // seed 004
		{Role: RoleSeniorLeader, Scope: ScopeCollaborative, Defaults: GrantsOf(CapAggregateRead, CapCohortRead, CapParticipationRead, CapReportsReview)},
		{Role: RoleFamilyYouthPartner, Scope: ScopeCollaborative, Defaults: GrantsOf(CapAggregateRead, CapCohortRead, CapCohortParticipate, CapMeetingCofacilitate)},
		{Role: RoleDataSpecialist, Scope: ScopeCollaborative, Defaults: GrantsOf(CapAggregateRead, CapCohortRead, CapTeamsRead)},
		{Role: RoleGuide, Scope: ScopeCollaborative, Defaults: coachGrants},
	}},
}

// DefaultProgram is the program of a collaborative that chose none: seed
// 000's, the roles every collaborative had before roles became data.
const DefaultProgram = "wellbeing"

// FindProgram returns the program named key, or the default one.
func FindProgram(key string) Program {
	for _, p := range Programs {
		if p.Key == key {
			return p
		}
	}
	return Programs[0]
}

// ValidProgram reports whether key names a program.
func ValidProgram(key string) bool {
	return slices.ContainsFunc(Programs, func(p Program) bool { return p.Key == key })
}

// Template returns the built-in template of role r.
func Template(r CollabRole) (RoleTemplate, bool) {
	for _, p := range Programs {
		for _, t := range p.Roles {
			if t.Role == r {
				return t, true
			}
		}
	}
	return RoleTemplate{}, false
}

// RoleGrants are a collaborative's overrides: role → granted capabilities.
// A role without an override has its template's defaults.
type RoleGrants map[CollabRole]Grants

// Of resolves role r's grants: the override if there is one, else the
// template's defaults; an unknown role is granted nothing. The template's
// Keeps are always held, and what the scope forbids never is.
func (o RoleGrants) Of(r CollabRole) Grants {
	t, ok := Template(r)
	if !ok {
		return 0
	}
	g, over := o[r]
	if !over {
		g = t.Defaults
	}
	return t.clamp(g)
}

// clamp keeps what the template keeps and drops what its scope forbids.
func (t RoleTemplate) clamp(g Grants) Grants {
	g |= t.Keeps
	for _, c := range g.List() {
		if !t.Grantable(c) {
			g &^= GrantsOf(c)
		}
	}
	return g
}

// Resolve is the union of the grants of roles rs under overrides o: a
// person with several roles may do what any of them may.
func (o RoleGrants) Resolve(rs []CollabRole) Grants {
	var g Grants
	for _, r := range rs {
		g |= o.Of(r)
	}
	return g
}

// ValidateGrants checks a convener's new grants for role r: every
// capability known and grantable to the role's scope, and nothing the role
// keeps taken away.
func ValidateGrants(r CollabRole, g Grants) error {
	v := NewValidation()
	t, ok := Template(r)
	switch {
	case !ok:
		v.Add("role", "error.invalid_choice")
	case g&t.Keeps != t.Keeps:
		v.Add("grants."+string(r), "roles.error.keeps")
	case t.clamp(g) != g:
		v.Add("grants."+string(r), "roles.error.scope")
	}
	return v.Err()
}

// KeepsManaging reports whether actor a would still manage collaborative
// c under overrides o: a convener may not save grants that take away
// their own ability to manage (site administrators always manage).
func KeepsManaging(a *Actor, c int64, o RoleGrants) bool {
	return a.SiteAdmin || o.Resolve(a.Roles[c]).Has(CapCollabManage)
}
