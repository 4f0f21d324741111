package collab

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// OrgSize is an organization's staff size band; seed 000 lets small
// organizations designate one person.
type OrgSize string

// The size bands.
const (
	SizeSmall  OrgSize = "small"  // fewer than 10 staff
	SizeMedium OrgSize = "medium" // 10–49
	SizeLarge  OrgSize = "large"  // 50 or more
)

// OrgSizes lists the size bands.
var OrgSizes = []OrgSize{SizeSmall, SizeMedium, SizeLarge}

// Valid reports whether s is a known size.
func (s OrgSize) Valid() bool { return slices.Contains(OrgSizes, s) }

// An Organization is a provider organization, agency or community group.
type Organization struct {
	ID     int64
	Name   string
	Region string
	Sector string
	Size   OrgSize
}

// Validate checks an organization.
func (o *Organization) Validate() error {
	v := NewValidation()
	o.validate(v, "")
	return v.Err()
}

func (o *Organization) validate(v *Validation, prefix string) {
	o.Name = strings.TrimSpace(o.Name)
	o.Region = strings.TrimSpace(o.Region)
	o.Sector = strings.TrimSpace(o.Sector)
	if o.Name == "" {
		v.Add(prefix+"orgName", "error.required")
	} else {
		v.Length(prefix+"orgName", o.Name, 200)
	}
	v.Length(prefix+"region", o.Region, 200)
	v.Length(prefix+"sector", o.Sector, 200)
	if o.Size == "" {
		o.Size = SizeMedium
	}
	if !o.Size.Valid() {
		v.Add(prefix+"size", "error.invalid_choice")
	}
}

// PartnerRole is an organization's role in running a collaborative.
type PartnerRole string

// The partner roles (seed 002 had five co-developing partners).
const (
	PartnerConvener  PartnerRole = "convener"
	PartnerFunder    PartnerRole = "funder"
	PartnerEvaluator PartnerRole = "evaluator"
	PartnerFaculty   PartnerRole = "faculty"
	PartnerPartner   PartnerRole = "partner"
)

// PartnerRoles lists the partner roles.
var PartnerRoles = []PartnerRole{PartnerConvener, PartnerFunder, PartnerEvaluator, PartnerFaculty, PartnerPartner}

// Valid reports whether r is a known partner role.
func (r PartnerRole) Valid() bool { return slices.Contains(PartnerRoles, r) }

// A Partner is an organization with a role in a collaborative.
type Partner struct {
	ID              int64
	CollaborativeID int64
	Org             Organization
	Role            PartnerRole
	Note            string
}

// Validate checks a partner.
func (p *Partner) Validate() error {
	v := NewValidation()
	p.Org.validate(v, "")
	if !p.Role.Valid() {
		v.Add("role", "error.invalid_choice")
	}
	v.Length("note", p.Note, 2000)
	return v.Err()
}

// TeamKind says whether a team is an organization's staff or a volunteer
// community group (seed 002's teams were community groups, not agencies).
type TeamKind string

// The team kinds.
const (
	KindOrganization TeamKind = "organization"
	KindCommunity    TeamKind = "community"
)

// Valid reports whether k is a known kind.
func (k TeamKind) Valid() bool { return k == KindOrganization || k == KindCommunity }

// A Team is an organization's or a community group's participation in a
// collaborative.
type Team struct {
	ID              int64
	CollaborativeID int64
	Org             Organization
	Name            string
	Kind            TeamKind
	// Focus is the team's focus or the systemic challenge it takes on.
	Focus string
	// SinglePerson records the convener's permission for a small
	// organization to designate one person for every required role.
	SinglePerson bool
	Active       bool
	// JoinedOn is the day the team joined, from which its participation is
	// judged; zero means the day it was created. A convener sets it for a
	// team that joined before it was entered (or after it was created).
	JoinedOn  Date
	CreatedAt time.Time
	// Members is filled by the store where a page needs it.
	Members []Member
}

// Joined is the day the team joined: JoinedOn, or the day it was created.
func (t *Team) Joined() Date {
	if !t.JoinedOn.IsZero() {
		return t.JoinedOn
	}
	if t.CreatedAt.IsZero() {
		return Date{}
	}
	return DateOf(t.CreatedAt.UTC())
}

// ManagerRole is the role of the person who manages the team: a community
// team's lead, an organization's director or program manager.
func (t *Team) ManagerRole() TeamRole {
	if t.Kind == KindCommunity {
		return RoleLead
	}
	return RoleDirector
}

// Validate checks a team.
func (t *Team) Validate() error {
	v := NewValidation()
	t.Name = strings.TrimSpace(t.Name)
	if t.Name == "" {
		v.Add("name", "error.required")
	} else {
		v.Length("name", t.Name, 200)
	}
	if !t.Kind.Valid() {
		v.Add("kind", "error.invalid_choice")
	}
	v.Length("focus", t.Focus, 4000)
	return v.Err()
}

// MissingRoles returns the roles the policy requires of the team's kind
// that nobody on the team holds: a provider organization's (by default a
// director and a direct-service worker, or one person for a small
// organization allowed it), a community team's (by default a lead). A
// community team is never asked for a director.
func (t *Team) MissingRoles(p Policy) []TeamRole {
	required := p.RequiredRoles
	if t.Kind == KindCommunity {
		required = p.CommunityRoles
	} else if t.SinglePerson && p.AllowSinglePerson && len(t.Members) >= 1 {
		return nil
	}
	have := map[TeamRole]bool{}
	for _, m := range t.Members {
		have[m.Role] = true
	}
	var missing []TeamRole
	for _, r := range required {
		if !have[r] {
			missing = append(missing, r)
		}
	}
	return missing
}

// ApplicationStatus is where an application stands.
type ApplicationStatus string

// The application statuses.
const (
	AppPending  ApplicationStatus = "pending"
	AppAccepted ApplicationStatus = "accepted"
	AppDeclined ApplicationStatus = "declined"
)

// An Application is an organization's request to join a collaborative.
type Application struct {
	ID              int64
	CollaborativeID int64
	Org             Organization
	Kind            TeamKind
	Focus           string
	ContactName     string
	ContactEmail    string
	Answers         []Answer
	Status          ApplicationStatus
	DecisionNote    string
	DecidedBy       int64
	DecidedAt       time.Time
	TeamID          int64
	// CommitmentsAgreed is the applicant's tick that they agree to the
	// commitments shown on the form; the store records when
	// (CommitmentsAgreedAt, zero for applications made before the form
	// asked).
	CommitmentsAgreed   bool
	CommitmentsAgreedAt time.Time
	CreatedAt           time.Time
}

// An Answer is an application's response to one criterion.
type Answer struct {
	CriterionID int64
	Criterion   string
	Meets       bool
	Comment     string
}

// Validate checks an application against the collaborative's criteria:
// every criterion needs an answer.
func (a *Application) Validate(criteria []Criterion) error {
	v := NewValidation()
	a.Org.validate(v, "")
	a.ContactEmail = NormalizeEmail(a.ContactEmail)
	a.ContactName = strings.TrimSpace(a.ContactName)
	if a.ContactName == "" {
		v.Add("contactName", "error.required")
	} else {
		v.Length("contactName", a.ContactName, 200)
	}
	if a.ContactEmail == "" {
		v.Add("contactEmail", "error.required")
	} else if !ValidEmail(a.ContactEmail) {
		v.Add("contactEmail", "error.email")
	}
	if a.Kind == "" {
		a.Kind = KindOrganization
	}
	if !a.Kind.Valid() {
		v.Add("kind", "error.invalid_choice")
	}
	v.Length("focus", a.Focus, 4000)
	// Seed 000's commitments are the condition of joining: an applicant
	// sees them on the form and agrees, or the application is not made.
	if !a.CommitmentsAgreed {
		v.Add("agreeCommitments", "partnership.error.agree_commitments")
	}
	got := map[int64]Answer{}
	for _, an := range a.Answers {
		got[an.CriterionID] = an
	}
	a.Answers = a.Answers[:0]
	for _, c := range criteria {
		an, ok := got[c.ID]
		v.Length(criterionField(c.ID), an.Comment, 4000)
		if !ok {
			an = Answer{CriterionID: c.ID}
		}
		an.Criterion = c.Text
		a.Answers = append(a.Answers, an)
	}
	return v.Err()
}

func criterionField(id int64) string { return "criterion" + strconv.FormatInt(id, 10) }

// CriterionField is the form field name of a criterion's answer.
func CriterionField(id int64) string { return criterionField(id) }
