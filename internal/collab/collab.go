// Package collab holds goeswell's domain: the learning collaborative and the
// people and organizations in it, free of storage and HTTP.
//
// Glossary:
//
//   - Collaborative: a time-bound program (typically 12–24 months) in which a
//     convener brings a cohort of teams together to learn, test changes and
//     measure what happens. Its commitments policy says what each team owes
//     (designated roles, representation at meetings, monthly activity hours).
//   - Organization: a provider organization, agency or community group.
//   - Partner: an organization with a role in running a collaborative
//     (convener, funder, evaluator, faculty/coach, co-developing partner).
//   - Team: one organization's (or one community group's) participation in a
//     collaborative, with its focus or the systemic challenge it takes on.
//   - Designated role: the role a person plays on a team — director or
//     program manager, direct service, or other.
//   - Collaborative role: a person's part in running a collaborative
//     (convener, coach, funder, evaluator, state co-lead; seed 001's and
//     004's roles beside them), each a set of grants over named
//     capabilities (grants.go) that the convener may adjust.
//   - Application: an organization's request to join, answering the
//     collaborative's criteria; a convener accepts or declines it.
//   - Learning session / action period, change package, driver diagram, PDSA
//     cycle and measures are the improvement vocabulary of the Breakthrough
//     Series; they live beside this package as the later issues add them.
package collab

import (
	"slices"
	"strings"
	"time"
)

// Status is where a collaborative is in its life.
type Status string

// The statuses of a collaborative.
const (
	StatusPlanning   Status = "planning"
	StatusRecruiting Status = "recruiting"
	StatusActive     Status = "active"
	StatusClosed     Status = "closed"
)

// Statuses lists every status in display order.
var Statuses = []Status{StatusPlanning, StatusRecruiting, StatusActive, StatusClosed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// A Collaborative is one learning collaborative.
type Collaborative struct {
	ID        int64
	Name      string
	Aim       string
	StartDate Date
	EndDate   Date
	Status    Status
	Policy    Policy
	// TeamNamesTo are the partner roles (funder, evaluator, coach) that
	// see team names beside activity figures on the aggregate pages; the
	// convener chooses. Conveners always do.
	TeamNamesTo []CollabRole
	CreatedAt   time.Time
}

// TeamNameRoles are the partner roles a convener may show team names to:
// every role of every program but those that see them always (who
// manages, the state co-lead).
var TeamNameRoles = []CollabRole{RoleFunder, RoleEvaluator, RoleCoach,
	RoleSteering, RoleWorkgroup, RoleLocalEvaluator, RoleLivedExperience,
	RoleSeniorLeader, RoleFamilyYouthPartner, RoleDataSpecialist, RoleGuide}

// TeamNameRolesFor are the roles the settings page offers a collaborative
// of program: seed 000's partner roles, every collaborative has them, and
// the program's own.
func TeamNameRolesFor(program string) []CollabRole {
	out := []CollabRole{RoleFunder, RoleEvaluator, RoleCoach}
	for _, t := range FindProgram(program).Roles {
		if slices.Contains(TeamNameRoles, t.Role) && !slices.Contains(out, t.Role) {
			out = append(out, t.Role)
		}
	}
	return out
}

// ShowsTeamNames reports whether actor a sees team names beside activity
// figures in this collaborative: those who manage it (conveners, seed
// 001's backbone), state co-leads and site administrators always,
// a partner role when the convener chose it. A person with several roles
// sees them if any of their roles does.
func (c *Collaborative) ShowsTeamNames(a *Actor) bool {
	if a == nil {
		return false
	}
	if a.Can(c.ID, CapCollabManage) || a.HasRole(c.ID, RoleCoLead) {
		return true
	}
	for _, r := range c.TeamNamesTo {
		if a.HasRole(c.ID, r) {
			return true
		}
	}
	return false
}

// Commitments are what an applicant agrees to, as the application form
// shows them: all from the collaborative's settings.
type Commitments struct {
	// Staff is how many people a team designates (one for a small
	// organization allowed a single person).
	Staff       int
	AllowSingle bool
	Months      int
	// Meetings is the convener's description of the meetings (seed 000:
	// quarterly in-person full days and quarterly 2-hour virtual meetings).
	Meetings           string
	MinReps            int
	HoursMin, HoursMax float64
}

// Commitments returns what a team of kind k commits to by joining.
func (c *Collaborative) Commitments(k TeamKind) Commitments {
	roles := c.Policy.RequiredRoles
	if k == KindCommunity {
		roles = c.Policy.CommunityRoles
	}
	return Commitments{Staff: max(1, len(roles)), AllowSingle: k != KindCommunity && c.Policy.AllowSinglePerson, Months: c.Months(),
		Meetings: c.Policy.MeetingsCommitment, MinReps: c.Policy.MinRepsPerMeeting, HoursMin: c.Policy.HoursMin, HoursMax: c.Policy.HoursMax}
}

// Months is the collaborative's length in whole calendar months, counting
// the start month.
func (c *Collaborative) Months() int {
	if c.StartDate.IsZero() || c.EndDate.IsZero() {
		return 0
	}
	return c.EndDate.MonthsSince(c.StartDate) + 1
}

// Validate checks a collaborative before it is stored.
func (c *Collaborative) Validate() error {
	v := NewValidation()
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		v.Add("name", "error.required")
	} else {
		v.Length("name", c.Name, 200)
	}
	v.Length("aim", c.Aim, 4000)
	if c.StartDate.IsZero() {
		v.Add("startDate", "error.required")
	}
	if c.EndDate.IsZero() {
		v.Add("endDate", "error.required")
	}
	if !c.StartDate.IsZero() && !c.EndDate.IsZero() && !c.EndDate.After(c.StartDate) {
		v.Add("endDate", "error.end_before_start")
	}
	if c.Status == "" {
		c.Status = StatusPlanning
	}
	if !c.Status.Valid() {
		v.Add("status", "error.invalid_choice")
	}
	c.Policy.validate(v)
	for _, r := range c.TeamNamesTo {
		if !slices.Contains(TeamNameRoles, r) {
			v.Add("teamNamesTo", "error.invalid_choice")
		}
	}
	return v.Err()
}

// Policy is a collaborative's commitments policy: what every team owes. It
// is data in the collaborative's settings, so a convener can change it
// without a release. Seed 000's defaults are in DefaultPolicy.
type Policy struct {
	// RequiredRoles are the roles every provider organization's team must
	// designate a person for.
	RequiredRoles []TeamRole
	// CommunityRoles are the roles a community team must designate (by
	// default a lead; the others are members). Seed 002's community teams
	// have no director and must not be flagged for one.
	CommunityRoles []TeamRole
	// MeetingsCommitment describes the meetings a team commits to, in the
	// convener's words, for the application form.
	MeetingsCommitment string
	// AllowSinglePerson lets a small organization designate one person who
	// covers every required role (seed 000: "Smaller organizations ... may
	// have one staff member participate if necessary").
	AllowSinglePerson bool
	// MinRepsPerMeeting is how many of a team's people must attend every
	// meeting unless an alternative was agreed in advance.
	MinRepsPerMeeting int
	// HoursMin and HoursMax bound the monthly activity hours.
	HoursMin, HoursMax float64
}

// DefaultPolicy is seed 000's participation commitment: a director or
// program manager and a direct-service worker, at least one representative
// at every meeting, approximately 4–6 hours of activities a month.
func DefaultPolicy() Policy {
	return Policy{
		RequiredRoles:     []TeamRole{RoleDirector, RoleDirectService},
		CommunityRoles:    []TeamRole{RoleLead},
		AllowSinglePerson: true,
		MinRepsPerMeeting: 1,
		HoursMin:          4,
		HoursMax:          6,
	}
}

func (p *Policy) validate(v *Validation) {
	roles := func(field string, rs, allowed []TeamRole) {
		seen := map[TeamRole]bool{}
		for _, r := range rs {
			if !slices.Contains(allowed, r) {
				v.Add(field, "error.invalid_choice")
			}
			if seen[r] {
				v.Add(field, "error.duplicate")
			}
			seen[r] = true
		}
	}
	roles("requiredRoles", p.RequiredRoles, OrgTeamRoles)
	roles("communityRoles", p.CommunityRoles, CommunityTeamRoles)
	p.MeetingsCommitment = strings.TrimSpace(p.MeetingsCommitment)
	v.Length("meetingsCommitment", p.MeetingsCommitment, 2000)
	if p.MinRepsPerMeeting < 0 || p.MinRepsPerMeeting > 50 {
		v.Add("minReps", "error.out_of_range")
	}
	if p.HoursMin < 0 || p.HoursMin > 200 {
		v.Add("hoursMin", "error.out_of_range")
	}
	if p.HoursMax < 0 || p.HoursMax > 200 {
		v.Add("hoursMax", "error.out_of_range")
	}
	if p.HoursMax < p.HoursMin {
		v.Add("hoursMax", "error.max_below_min")
	}
}

// DefaultCriteria are seed 000's four organizational criteria, which a
// collaborative starts with and its convener may edit.
var DefaultCriteria = []string{
	"Members provide direct services to individuals, families and communities and work to improve the systems that affect them.",
	"Members recognize that poverty, trauma and violence are the result of multiple forms of oppression and discrimination, inter-generational barriers to resources and opportunities, and lack of privilege, rather than due to poor character, personal decisions or bad luck.",
	"Members are eager to learn and deepen their own content knowledge of wellbeing, specifically the Five Domains of Wellbeing, and want to minimize the tradeoffs within their own programs that reinforce inequity.",
	"Members support each other to deepen their capacity to orient around wellbeing and the Five Domains of Wellbeing. They offer ideas and solutions, ask questions and constructively challenge each other to understand and apply advanced knowledge.",
}

// A Criterion is one of a collaborative's membership criteria.
type Criterion struct {
	ID              int64
	CollaborativeID int64
	Position        int
	Text            string
}

// CollaborativeStats are the collaborative-level aggregates that every role
// in a collaborative, funders and evaluators included, may read.
type CollaborativeStats struct {
	Teams               int
	ActiveTeams         int
	People              int
	PendingApplications int
	TeamsMissingRoles   int
	Partners            int
}
