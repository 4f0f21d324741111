package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// CommunityResult is what SeedCommunity made: seed 001's Community
// Well-Being collaborative.
type CommunityResult struct {
	CollaborativeID int64
	// TeamIDs are the three community collaborations, in order.
	TeamIDs []int64
	// SteeringID and WorkgroupIDs are its groups; MeetingIDs the steering
	// committee's meetings, oldest first (the last still to come).
	SteeringID   int64
	WorkgroupIDs []int64
	MeetingIDs   []int64
	// PartnerID is the lived-experience partner without an account.
	PartnerID int64
	MeasureID int64
}

// A community is one of seed 001's community-based multi-sector
// partnerships: a lead, a partner from another sector with an account,
// and the partners at the table, by sector.
type community struct {
	name, focus      string
	lead, member     string // names
	slug, memberRole string
	partners         [][2]string // organization, sector
}

var communities = []community{
	{"Platte Valley Community Collaborative", "Strengthening protective factors for families with young children: concrete support in times of need, and parents' social connections.",
		"Maria Alvarez", "Tom Becker", "platte", "school district family liaison",
		[][2]string{{"Platte Valley Public Schools", "Education"}, {"Central Plains Health Department", "Public health"}, {"Grace Lutheran Church", "Faith"}, {"Platte County Sheriff", "Law enforcement"}}},
	{"Sandhills Family Partnership", "Older youth leaving foster care: housing, a caring adult and a path to work across a rural county.",
		"James Red Cloud", "Hannah Olsen", "sandhills", "workforce center counsellor",
		[][2]string{{"Sandhills Workforce Center", "Workforce"}, {"Cherry County Housing Authority", "Housing"}, {"Sandhills Youth Council", "Youth voice"}}},
	{"Three Rivers Well-Being Collaborative", "Basic needs coordinated across the lifespan: food, rent help and child care navigation in one front door.",
		"Aisha Johnson", "Luis Ramirez", "threerivers", "community health worker",
		[][2]string{{"Three Rivers Food Pantry", "Basic needs"}, {"Riverside Clinic", "Health care"}, {"First National Bank of Three Rivers", "Business"}, {"Three Rivers Early Learning Center", "Early childhood"}}},
}

// SeedCommunity adds the demo's second collaborative, modelled on seed
// 001's Community Well-Being model: a backbone organization convening
// three community collaborations (community teams, each with its
// multi-sector partners), a state funder and a local evaluator, a steering
// committee and two workgroups, a lived-experience partner without an
// account who is paid a stipend, population indicators and a performance
// measure with data, and the steering committee's meetings with
// attendance, decisions and an action item followed up at the next one.
// It reuses Seed's password hash, so the demo still starts quickly.
func SeedCommunity(ctx context.Context, db *sqlstore.DB, res *Result) (*CommunityResult, error) {
	who := collab.Who{RemoteAddr: "demo"}
	out := &CommunityResult{}
	res.Community = out
	user := func(role, name, email string) (int64, error) {
		return res.user(ctx, db, "Community Well-Being · "+role, name, email)
	}
	convener, err := user("backbone convener", "Alex Brandt", "convener.cwb@example.org")
	if err != nil {
		return nil, err
	}
	now := db.Now()
	// Nine months into two years: months of data, meetings behind and
	// ahead.
	start := collab.NewDate(now.Year(), now.Month(), 1).AddMonths(-9)
	c := &collab.Collaborative{
		Name:      "Community Well-Being Collaborative",
		Aim:       "Support local multi-sector collaborations that promote well-being by strengthening protective factors across the lifespan, with decisions made by and for the community.",
		StartDate: start, EndDate: start.AddMonths(24).AddDays(-1),
		Status: collab.StatusActive, Policy: collab.DefaultPolicy(), TeamNamesTo: []collab.CollabRole{collab.RoleCoach},
	}
	c.Policy.MeetingsCommitment = "A monthly steering committee meeting and the learning community's quarterly gatherings."
	if err := db.CreateCollaborative(ctx, who, c, nil, convener); err != nil {
		return nil, fmt.Errorf("demo community collaborative: %w", err)
	}
	out.CollaborativeID = c.ID
	for _, p := range []struct {
		org, sector, note string
		role              collab.PartnerRole
	}{
		{"Nebraska Children", "Nonprofit", "The backbone: a neutral convener that coordinates the collaborative, its data and its learning community.", collab.PartnerConvener},
		{"Department of Health and Human Services", "State government", "Funds the community collaborations with private partners.", collab.PartnerFunder},
		{"Prairie Evaluation Partners", "Research", "Local evaluator of the Three Rivers collaboration.", collab.PartnerEvaluator},
	} {
		if err := db.CreatePartner(ctx, who, &collab.Partner{CollaborativeID: c.ID, Role: p.role, Note: p.note,
			Org: collab.Organization{Name: p.org, Region: "Nebraska", Sector: p.sector, Size: collab.SizeMedium}}); err != nil {
			return nil, fmt.Errorf("demo community partner: %w", err)
		}
	}
	funder, err := user("funder", "Dana Whitfield", "funder.cwb@example.org")
	if err != nil {
		return nil, err
	}
	evaluator, err := user("local evaluator", "Renee Walsh", "evaluator.cwb@example.org")
	if err != nil {
		return nil, err
	}
	// The collaborative lists seed 001's roles; its local evaluator
	// evaluates one collaboration, Three Rivers, and reads that team's
	// data only (assigned below, once the teams exist).
	if err := db.SaveRoleSettings(ctx, who, c.ID, "community", collab.RoleGrants{}); err != nil {
		return nil, fmt.Errorf("demo roles: %w", err)
	}
	for _, g := range []struct {
		id int64
		r  collab.CollabRole
	}{{funder, collab.RoleFunder}, {evaluator, collab.RoleLocalEvaluator}} {
		if err := db.AddCollabRole(ctx, who, c.ID, g.id, g.r); err != nil {
			return nil, err
		}
	}
	var leads []int64
	for _, cm := range communities {
		t := &collab.Team{CollaborativeID: c.ID, Name: cm.name, Kind: collab.KindCommunity, Focus: cm.focus, JoinedOn: start}
		if err := db.CreateTeam(ctx, who, t); err != nil {
			return nil, fmt.Errorf("demo community team: %w", err)
		}
		out.TeamIDs = append(out.TeamIDs, t.ID)
		lead, err := user(cm.name+" · lead", cm.lead, "lead."+cm.slug+"@example.org")
		if err != nil {
			return nil, err
		}
		member, err := user(cm.name+" · "+cm.memberRole, cm.member, "member."+cm.slug+"@example.org")
		if err != nil {
			return nil, err
		}
		for _, m := range []struct {
			id   int64
			role collab.TeamRole
		}{{lead, collab.RoleLead}, {member, collab.RoleMember}} {
			if err := db.AddMember(ctx, who, c.ID, t.ID, m.id, m.role); err != nil {
				return nil, err
			}
		}
		leads = append(leads, lead)
		// The collaboration's partners at its table, by sector.
		for _, p := range cm.partners {
			if err := db.CreatePartner(ctx, who, &collab.Partner{CollaborativeID: c.ID, Role: collab.PartnerPartner, Note: "At the table of the " + cm.name + ".",
				Org: collab.Organization{Name: p[0], Region: "Nebraska", Sector: p[1], Size: collab.SizeSmall}}); err != nil {
				return nil, fmt.Errorf("demo community partner: %w", err)
			}
		}
	}

	if err := db.AssignTeams(ctx, who, c.ID, evaluator, []int64{out.TeamIDs[2]}); err != nil {
		return nil, fmt.Errorf("demo local evaluator: %w", err)
	}

	// The collaborative infrastructure: a steering committee and two
	// workgroups, with members from the collaborations and partners, and
	// a lived-experience partner who has no account.
	convWho := collab.Who{UserID: convener, RemoteAddr: "demo"}
	steering := &collab.Group{CollaborativeID: c.ID, Kind: collab.GroupSteering, Name: "Steering committee",
		Purpose: "Guides the collaborative: sets priorities with the communities, decides how funds and support are shared, and follows up what it asks of its members."}
	data := &collab.Group{CollaborativeID: c.ID, Kind: collab.GroupWorkgroup, Name: "Data and evaluation workgroup",
		Purpose: "Brings population and performance data to the communities and agrees the shared measures with the local evaluator."}
	voice := &collab.Group{CollaborativeID: c.ID, Kind: collab.GroupWorkgroup, Name: "Lived experience and community voice workgroup",
		Purpose: "Makes sure people with lived experience shape every decision, and that they are paid fairly for their time."}
	for _, g := range []*collab.Group{steering, data, voice} {
		if err := db.CreateGroup(ctx, convWho, g); err != nil {
			return nil, fmt.Errorf("demo group: %w", err)
		}
	}
	out.SteeringID, out.WorkgroupIDs = steering.ID, []int64{data.ID, voice.ID}
	partner := &collab.CommunityPerson{CollaborativeID: c.ID, Name: "Lena Morales", Contact: "402-555-0147 (text first)",
		PaymentMethod: collab.PayGiftCard, TeamID: out.TeamIDs[0], GroupID: steering.ID}
	youth := &collab.CommunityPerson{CollaborativeID: c.ID, Name: "Marcus Lee", Contact: "Through the Sandhills Youth Council",
		PaymentMethod: collab.PayCash, TeamID: out.TeamIDs[1], GroupID: voice.ID}
	for _, p := range []*collab.CommunityPerson{partner, youth} {
		if err := db.SaveCommunityPerson(ctx, convWho, p); err != nil {
			return nil, fmt.Errorf("demo person: %w", err)
		}
	}
	out.PartnerID = partner.ID
	members := []struct {
		group       *collab.Group
		name, affil string
		user        int64
	}{
		{steering, "Alex Brandt", "Nebraska Children (backbone)", convener},
		{steering, "Dana Whitfield", "Department of Health and Human Services", funder},
		{steering, communities[0].lead, communities[0].name, leads[0]},
		{steering, communities[1].lead, communities[1].name, leads[1]},
		{steering, communities[2].lead, communities[2].name, leads[2]},
		{steering, partner.Name, "Lived-experience partner, Platte Valley", 0},
		{data, "Renee Walsh", "Prairie Evaluation Partners (local evaluator)", evaluator},
		{data, communities[2].lead, communities[2].name, leads[2]},
		{voice, partner.Name, "Lived-experience partner, Platte Valley", 0},
		{voice, youth.Name, "Youth leader, Sandhills Youth Council", 0},
		{voice, communities[1].lead, communities[1].name, leads[1]},
	}
	for _, m := range members {
		if err := db.AddGroupMember(ctx, convWho, c.ID, &collab.GroupMember{GroupID: m.group.ID, Name: m.name, Affiliation: m.affil, UserID: m.user}); err != nil {
			return nil, fmt.Errorf("demo group member: %w", err)
		}
	}

	if err := seedCommunityMeetings(ctx, db, c, out, convWho, leads, partner.ID); err != nil {
		return nil, err
	}
	if err := seedCommunityData(ctx, db, c, out, convWho, leads); err != nil {
		return nil, err
	}
	return out, nil
}

// seedCommunityMeetings holds the steering committee's meetings two
// months and one month ago and schedules the next: attendance (the
// lived-experience partner's too), decisions, an action recorded at the
// first and done at the second, one left open for the next; and the
// partner's stipend for each meeting attended.
func seedCommunityMeetings(ctx context.Context, db *sqlstore.DB, c *collab.Collaborative, out *CommunityResult, who collab.Who, leads []int64, partnerID int64) error {
	const tz = "America/Chicago"
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return fmt.Errorf("demo community calendar: %w", err)
	}
	now := db.Now()
	thisMonth := collab.NewDate(now.Year(), now.Month(), 1)
	var ms []*engage.Meeting
	for _, months := range []int{-2, -1, 1} {
		d := thisMonth.AddMonths(months).AddDays(9).Time()
		m := &engage.Meeting{CollaborativeID: c.ID, StartsAt: time.Date(d.Year(), d.Month(), d.Day(), 17, 30, 0, 0, loc),
			Details: engage.Details{Kind: engage.KindInPerson, Title: "Steering committee", TimeZone: tz, DurationMin: 90,
				Location: "Platte Valley Community Center, 210 West 4th Street", Audience: engage.AudienceAllTeams, GroupID: out.SteeringID,
				Agenda: "Follow-up of last month's actions; what the communities report; decisions; actions for next month."}}
		if err := db.CreateMeeting(ctx, who, m); err != nil {
			return fmt.Errorf("demo steering meeting: %w", err)
		}
		ms = append(ms, m)
		out.MeetingIDs = append(out.MeetingIDs, m.ID)
	}
	for i, m := range ms[:2] {
		var recs []engage.Attendance
		for j, lead := range leads {
			st := engage.InPerson
			if i == 1 && j == 1 {
				st = engage.Virtually // Sandhills joins by video in winter
			}
			recs = append(recs, engage.Attendance{UserID: lead, Status: st})
		}
		if err := db.SetAttendance(ctx, who, c.ID, m.ID, 0, recs); err != nil {
			return fmt.Errorf("demo steering attendance: %w", err)
		}
		if err := db.SetPersonAttendance(ctx, who, c.ID, m.ID, []engage.PersonAttendance{{PersonID: partnerID, Status: engage.InPerson}}); err != nil {
			return fmt.Errorf("demo partner attendance: %w", err)
		}
	}
	item := func(it *collab.GroupItem) error {
		it.GroupID = out.SteeringID
		if err := db.SaveGroupItem(ctx, who, c.ID, it); err != nil {
			return fmt.Errorf("demo steering item: %w", err)
		}
		return nil
	}
	first, second := ms[0], ms[1]
	ask := &collab.GroupItem{Kind: collab.ItemAction, MeetingID: first.ID, Title: "Ask the school district for chronic absence figures by neighbourhood",
		Owner: communities[0].member, Due: collab.DateOf(second.StartsAt).AddDays(-2)}
	for _, it := range []*collab.GroupItem{
		{Kind: collab.ItemDecision, MeetingID: first.ID, Title: "Lived-experience partners are paid $50 for each meeting they attend, by the method they prefer."},
		ask,
		{Kind: collab.ItemDecision, MeetingID: second.ID, Title: "Three Rivers pilots one front door for food, rent help and child care navigation."},
		{Kind: collab.ItemAction, MeetingID: second.ID, Title: "Draft the community listening session questions with the voice workgroup",
			Owner: "Lena Morales", Due: collab.DateOf(ms[2].StartsAt).AddDays(-7)},
	} {
		if err := item(it); err != nil {
			return err
		}
	}
	// Followed up at the second meeting: done, with what was said.
	ask.Status, ask.FollowUp = collab.ItemDone, "The district shared the figures; the data workgroup maps them for next month."
	if err := item(ask); err != nil {
		return err
	}
	if err := db.SetRate(ctx, who, c.ID, engage.Rate{PersonID: partnerID, Basis: engage.PerMeeting, AmountCents: 5000}); err != nil {
		return fmt.Errorf("demo partner rate: %w", err)
	}
	if _, err := db.AccrueStipends(ctx, who, c.ID); err != nil {
		return fmt.Errorf("demo partner stipends: %w", err)
	}
	return db.AddReimbursement(ctx, who, c.ID, &engage.Payable{PersonID: partnerID, AmountCents: 1840, Description: "Mileage to the steering committee"})
}

// seedCommunityData gives the collaborative population indicators (seed
// 001: "population and performance data") by county, and a shared
// performance measure each community reports monthly.
func seedCommunityData(ctx context.Context, db *sqlstore.DB, c *collab.Collaborative, out *CommunityResult, who collab.Who, leads []int64) error {
	i64 := func(n int64) *int64 { return &n }
	f64 := func(x float64) *float64 { return &x }
	var rows []learning.Indicator
	for _, p := range []struct {
		county        string
		kids, poor    int64
		absent, pupil int64
	}{{"Platte County", 2410, 530, 412, 5120}, {"Cherry County", 390, 104, 61, 820}, {"Dodge County", 2980, 745, 530, 6300}} {
		rows = append(rows,
			learning.Indicator{Name: "Children under 6 in families below 185% of the poverty line", Geography: p.county, Period: "2024",
				Count: i64(p.poor), Denominator: i64(p.kids), Value: f64(float64(p.poor) / float64(p.kids) * 100), Unit: "%"},
			learning.Indicator{Name: "Students chronically absent", Geography: p.county, Period: "2023–24",
				Count: i64(p.absent), Denominator: i64(p.pupil), Value: f64(float64(p.absent) / float64(p.pupil) * 100), Unit: "%"})
	}
	im := &learning.IndicatorImport{CollaborativeID: c.ID, Source: "Kids Count in Nebraska; Nebraska Department of Education", AsOf: c.StartDate, FileName: "population.csv"}
	if err := db.ImportIndicators(ctx, who, im, rows); err != nil {
		return fmt.Errorf("demo indicators: %w", err)
	}
	target := 0.75
	m := &improve.Measure{CollaborativeID: c.ID, Name: "Families connected to a concrete support within 30 days", Kind: improve.KindOutcome, Ratio: true, Unit: "%",
		Definition: "Of the families who asked the collaboration for help with a basic need in the month (denominator), those connected to a concrete support (food, rent help, child care, transport) within 30 days (numerator).",
		Better:     improve.BetterUp, Target: &target, Chart: "p", Period: improve.Monthly}
	if err := db.CreateMeasure(ctx, who, m); err != nil {
		return fmt.Errorf("demo community measure: %w", err)
	}
	out.MeasureID = m.ID
	realNow := db.Now
	defer func() { db.Now = realNow }()
	for i, tid := range out.TeamIDs {
		lead := collab.Who{UserID: leads[i], RemoteAddr: "demo"}
		rng := rand.New(rand.NewPCG(uint64(tid), 1)) // #nosec G404 G115 -- demo data: repeatable noise, not a secret
		for k := 0; k < 8; k++ {
			month := c.StartDate.AddMonths(k)
			den := float64(12 + rng.IntN(20))
			num := float64(int(den * (0.45 + 0.03*float64(k) + rng.Float64()*0.1)))
			entered := month.AddMonths(1).AddDays(3).Time().Add(15 * time.Hour)
			db.Now = func() time.Time { return entered }
			if _, err := db.SaveValues(ctx, lead, c.ID, tid, []*improve.Value{{MeasureID: m.ID, Period: month, Numerator: &num, Denominator: &den}}, "demo"); err != nil {
				return fmt.Errorf("demo community values: %w", err)
			}
		}
		db.Now = realNow
	}
	return nil
}
