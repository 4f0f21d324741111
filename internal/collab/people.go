package collab

import (
	"net/mail"
	"slices"
	"strings"
	"time"
)

// A User is a person with an account. People who have not accepted an
// invitation yet exist only as invitations.
type User struct {
	ID    int64
	Email string
	Name  string
	Lang  string // BCP 47 tag of the language the person chose, e.g. "es"; "" follows the browser
	// TimeZone is the IANA zone the person reads times in, e.g.
	// "America/Chicago"; "" reads each meeting in its own zone and
	// timestamps in UTC.
	TimeZone  string
	SiteAdmin bool
	// Reminders is whether the person wants reminder emails.
	Reminders bool
	CreatedAt time.Time
}

// NormalizeEmail trims and lower-cases an address so one person has one
// account whatever case they type.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s is a plain address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254
}

// ValidatePerson checks a person's name and email.
func ValidatePerson(v *Validation, name, email string) {
	if strings.TrimSpace(name) == "" {
		v.Add("name", "error.required")
	} else if len(name) > 200 {
		v.Add("name", "error.too_long")
	}
	if email == "" {
		v.Add("email", "error.required")
	} else if !ValidEmail(email) {
		v.Add("email", "error.email")
	}
}

// MinPasswordLen is the shortest password accepted. Length beats
// composition rules (NIST SP 800-63B).
const MinPasswordLen = 10

// ValidatePassword checks a new password.
func ValidatePassword(v *Validation, field, pw string) {
	switch {
	case len(pw) < MinPasswordLen:
		v.Add(field, "error.password_short")
	case len(pw) > 200:
		v.Add(field, "error.too_long")
	}
}

// CollabRole is a person's role in running a collaborative. Team members
// get their access through their team, not through a CollabRole.
type CollabRole string

// The collaborative-level roles.
const (
	RoleConvener  CollabRole = "convener"
	RoleCoach     CollabRole = "coach" // faculty or coach
	RoleFunder    CollabRole = "funder"
	RoleEvaluator CollabRole = "evaluator"
	// RoleCoLead is a partner that co-leads with the convener (seed 000:
	// the Department of Public Health co-leads with FFI): it reads what
	// the convener reads about participation, the calendar, the agenda
	// and feedback, and sees team names, but writes nothing of the
	// convener's.
	RoleCoLead CollabRole = "co_lead"
)

// CollabRoles lists seed 000's collaborative-level roles, the roles every
// collaborative had before roles became data (see Programs for all).
var CollabRoles = []CollabRole{RoleConvener, RoleCoach, RoleFunder, RoleEvaluator, RoleCoLead}

// Valid reports whether r is a built-in role of any program.
func (r CollabRole) Valid() bool { _, ok := Template(r); return ok }

// TeamRole is a person's designated role on a team.
type TeamRole string

// The designated roles on a team. A provider organization's are seed
// 000's: a director or program manager and a person who provides services
// directly. A community team (seed 002: doulas, teen mentors, neighbours)
// has no director: it has a lead and members.
const (
	RoleDirector      TeamRole = "director"
	RoleDirectService TeamRole = "direct_service"
	RoleOther         TeamRole = "other"
	RoleLead          TeamRole = "lead"
	RoleMember        TeamRole = "member"
)

// TeamRoles lists the team roles.
var TeamRoles = []TeamRole{RoleDirector, RoleDirectService, RoleOther, RoleLead, RoleMember}

// OrgTeamRoles are the roles a provider organization's people take.
var OrgTeamRoles = []TeamRole{RoleDirector, RoleDirectService, RoleOther}

// CommunityTeamRoles are the roles a community team's people take.
var CommunityTeamRoles = []TeamRole{RoleLead, RoleMember}

// Manages reports whether a person in role r manages their team: an
// organization's director or program manager, a community team's lead.
func (r TeamRole) Manages() bool { return r == RoleDirector || r == RoleLead }

// RolesFor lists the roles a team of kind k designates its people in.
func RolesFor(k TeamKind) []TeamRole {
	if k == KindCommunity {
		return CommunityTeamRoles
	}
	return OrgTeamRoles
}

// Valid reports whether r is a known team role.
func (r TeamRole) Valid() bool { return slices.Contains(TeamRoles, r) }

// A Member is a person's designation on a team.
type Member struct {
	TeamID int64
	UserID int64
	Name   string
	Email  string
	Role   TeamRole
}

// A StaffRole is a person's collaborative-level role.
type StaffRole struct {
	CollaborativeID int64
	UserID          int64
	Name            string
	Email           string
	Role            CollabRole
}

// Person is a row of a collaborative's people list: a person with their
// collaborative roles and team designations.
type Person struct {
	UserID int64
	Name   string
	Email  string
	Roles  []CollabRole
	Teams  []PersonTeam
}

// PersonTeam is one team designation in a people list.
type PersonTeam struct {
	TeamID   int64
	TeamName string
	Role     TeamRole
}

// An Invitation asks a person, by a single-use expiring link, to join a
// team with a role or a collaborative with a staff role.
type Invitation struct {
	ID              int64
	CollaborativeID int64
	TeamID          int64 // 0 for a collaborative-level role
	Email           string
	Name            string
	TeamRole        TeamRole
	CollabRole      CollabRole
	InvitedBy       int64
	// PersonID offers a person without an account one: accepting links
	// their record, and their history follows (0 for anyone else).
	PersonID   int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	AcceptedAt time.Time
}

// InvitationTTL is how long an invitation link works.
const InvitationTTL = 7 * 24 * time.Hour

// Validate checks an invitation: exactly one of a team role or a
// collaborative role.
func (in *Invitation) Validate() error {
	v := NewValidation()
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	ValidatePerson(v, in.Name, in.Email)
	switch {
	case in.TeamID != 0:
		if !in.TeamRole.Valid() {
			v.Add("role", "error.invalid_choice")
		}
		in.CollabRole = ""
	default:
		if !in.CollabRole.Valid() {
			v.Add("role", "error.invalid_choice")
		}
		in.TeamRole = ""
	}
	return v.Err()
}

// An APIToken is a personal access token for scripts. Only a hash of the
// secret is stored.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// An AuditEntry records a security-relevant event or a change.
type AuditEntry struct {
	ID              int64
	At              time.Time
	ActorID         int64 // 0 when nobody was signed in
	ActorName       string
	CollaborativeID int64 // 0 for site-wide events
	Action          string
	Target          string
	Detail          string
	RemoteAddr      string
}

// Who is the actor behind a change, for the audit log.
type Who struct {
	UserID     int64
	RemoteAddr string
}
