// Package demo seeds a demo collaborative modelled on seed 000, the
// Wellbeing Learning Collaborative: a convener and faculty, a state health
// department as funder, four member organizations with their two
// designated staff each, and an 18-month timeline — and a second,
// modelled on seed 001's Community Well-Being model (SeedCommunity).
package demo

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/password"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// A Login is one demo sign-in.
type Login struct {
	Role     string
	Name     string
	Email    string
	Password string
}

// Result is what Seed made.
type Result struct {
	CollaborativeID int64
	Logins          []Login
	// TeamIDs are the member teams, in order.
	TeamIDs []int64
	// Community is seed 001's collaborative, once SeedCommunity made it.
	Community *CommunityResult
	// The demo accounts' one password and its hash, for the second
	// collaborative's accounts (hashing again would slow the first start).
	password, hash string
}

type member struct {
	org, region, sector, focus string
	size                       collab.OrgSize
	director, directService    string
	slug                       string
}

var members = []member{
	{"Harbor Safe Haven", "Boston", "Domestic violence services", "Moving intake from a safety checklist to a conversation about what is going well in a survivor's life.", collab.SizeLarge, "Rosa Delgado", "Tom Nguyen", "harbor"},
	{"Pioneer Valley Survivor Services", "Springfield", "Sexual violence services", "Reducing the tradeoffs our shelter rules force between safety and social connectedness.", collab.SizeMedium, "Mai Vang", "Keisha Brown", "pioneer"},
	{"Cape and Islands Family Justice", "Hyannis", "Legal advocacy", "Making stability in housing and income part of every safety plan.", collab.SizeMedium, "Daniel O'Connor", "Ana Souza", "cape"},
	{"Berkshire Hope Center", "Pittsfield", "Rural domestic and sexual violence services", "Meaningful access to relevant resources for rural families without transport.", collab.SizeSmall, "Linda Park", "Jamal Reed", "berkshire"},
}

// Seed creates the demo collaborative in an empty database. Every demo
// account shares one random password, hashed once, so the first start
// stays quick.
func Seed(ctx context.Context, db *sqlstore.DB) (*Result, error) {
	pw := randomPassword()
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
		return nil, err
	}
	who := collab.Who{RemoteAddr: "demo"}
	res := &Result{password: pw, hash: hash}
	user := func(role, name, email string) (int64, error) { return res.user(ctx, db, role, name, email) }
	admin, err := user("site admin", "Sam Admin", "admin@example.org")
	if err != nil {
		return nil, err
	}
	if err := db.SetSiteAdmin(ctx, who, admin); err != nil {
		return nil, err
	}
	convener, err := user("convener", "Casey Morgan", "convener@example.org")
	if err != nil {
		return nil, err
	}
	// Start the 18 months twelve months ago, so the demo is two thirds of
	// the way through, with a year of data on its measure (values outside
	// a collaborative's dates are refused).
	now := db.Now()
	start := collab.NewDate(now.Year(), now.Month(), 1).AddMonths(-12)
	c := &collab.Collaborative{
		Name:      "Wellbeing Learning Collaborative",
		Aim:       "Help sexual and domestic violence providers shift their focus from problems and crisis response to participants' strengths and their access to wellbeing, in order to increase equity.",
		StartDate: start, EndDate: start.AddMonths(18).AddDays(-1),
		Status: collab.StatusActive, Policy: collab.DefaultPolicy(), TeamNamesTo: []collab.CollabRole{collab.RoleCoach},
	}
	c.Policy.MeetingsCommitment = "Quarterly in-person full-day meetings and quarterly virtual meetings (typically 2 hours)."
	if err := db.CreateCollaborative(ctx, who, c, nil, convener); err != nil {
		return nil, fmt.Errorf("demo collaborative: %w", err)
	}
	res.CollaborativeID = c.ID
	for _, p := range []struct {
		org, region, sector, note string
		role                      collab.PartnerRole
	}{
		{"Full Frame Initiative", "Statewide", "Nonprofit", "Convenes the collaborative and co-creates the learning agenda.", collab.PartnerConvener},
		{"Department of Public Health", "Statewide", "State government", "Co-leads the collaborative with FFI and funds it, as part of a state-wide effort to improve systems.", collab.PartnerFunder},
	} {
		if err := db.CreatePartner(ctx, who, &collab.Partner{CollaborativeID: c.ID, Role: p.role, Note: p.note,
			Org: collab.Organization{Name: p.org, Region: p.region, Sector: p.sector, Size: collab.SizeMedium}}); err != nil {
			return nil, fmt.Errorf("demo partner: %w", err)
		}
	}
	coach, err := user("faculty/coach", "Jordan Lee", "coach@example.org")
	if err != nil {
		return nil, err
	}
	funder, err := user("funder", "Pat Rivera", "funder@example.org")
	if err != nil {
		return nil, err
	}
	// Seed 000: the Department of Public Health co-leads with FFI. Its
	// person reads participation, the calendar and feedback as the
	// convener does, and changes nothing.
	coLead, err := user("state co-lead (Department of Public Health)", "Morgan Ellis", "colead@example.org")
	if err != nil {
		return nil, err
	}
	for _, g := range []struct {
		id int64
		r  collab.CollabRole
	}{{coach, collab.RoleCoach}, {funder, collab.RoleFunder}, {coLead, collab.RoleCoLead}} {
		if err := db.AddCollabRole(ctx, who, c.ID, g.id, g.r); err != nil {
			return nil, err
		}
	}
	for _, m := range members {
		// The demo's teams joined when the collaborative started.
		t := &collab.Team{CollaborativeID: c.ID, Name: m.org, Kind: collab.KindOrganization, Focus: m.focus, SinglePerson: m.size == collab.SizeSmall, JoinedOn: start,
			Org: collab.Organization{Name: m.org, Region: m.region, Sector: m.sector, Size: m.size}}
		if err := db.CreateTeam(ctx, who, t); err != nil {
			return nil, fmt.Errorf("demo team: %w", err)
		}
		res.TeamIDs = append(res.TeamIDs, t.ID)
		for _, p := range []struct {
			name, email string
			role        collab.TeamRole
		}{
			{m.director, "director." + m.slug + "@example.org", collab.RoleDirector},
			{m.directService, "advocate." + m.slug + "@example.org", collab.RoleDirectService},
		} {
			id, err := user(m.org+" · "+demoRoleNames[p.role], p.name, p.email)
			if err != nil {
				return nil, err
			}
			if err := db.AddMember(ctx, who, c.ID, t.ID, id, p.role); err != nil {
				return nil, err
			}
		}
	}
	crit, err := db.Criteria(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	app := &collab.Application{CollaborativeID: c.ID, Kind: collab.KindOrganization, CommitmentsAgreed: true, ContactName: "Grace Kim", ContactEmail: "grace@example.org",
		Focus: "Bringing a wellbeing orientation to our hotline and court advocacy.",
		Org:   collab.Organization{Name: "North Shore Advocates", Region: "Lynn", Sector: "Domestic violence services", Size: collab.SizeSmall}}
	for _, cr := range crit {
		app.Answers = append(app.Answers, collab.Answer{CriterionID: cr.ID, Meets: true})
	}
	if err := db.CreateApplication(ctx, who, app); err != nil {
		return nil, fmt.Errorf("demo application: %w", err)
	}
	if err := SeedEngagement(ctx, db, res); err != nil {
		return nil, fmt.Errorf("demo engagement: %w", err)
	}
	return res, nil
}

// user makes a demo account with the demo password and lists its sign-in.
func (res *Result) user(ctx context.Context, db *sqlstore.DB, role, name, email string) (int64, error) {
	u := &collab.User{Email: email, Name: name}
	if err := db.CreateUser(ctx, collab.Who{RemoteAddr: "demo"}, u, res.hash); err != nil {
		return 0, fmt.Errorf("demo user %s: %w", email, err)
	}
	res.Logins = append(res.Logins, Login{Role: role, Name: name, Email: email, Password: res.password})
	return u.ID, nil
}

// demoRoleNames are the team roles as the sign-in list shows them.
var demoRoleNames = map[collab.TeamRole]string{collab.RoleDirector: "director", collab.RoleDirectService: "direct service"}

// randomPassword is four words' worth of entropy in a form people can type.
func randomPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 0, 19)
	for i := 0; i < 16; i++ {
		if i > 0 && i%4 == 0 {
			b = append(b, '-')
		}
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			panic(err)
		}
		b = append(b, alphabet[n.Int64()])
	}
	return string(b)
}
