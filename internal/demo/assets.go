package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// SeedAssets adds a little of issue 6's data to the demo collaborative
// Seed made: Harbor Safe Haven's community asset map (with a snapshot at
// the start), success moments, barriers and tradeoffs across teams, a
// habit with its antidote and check-ins, a relationship map, a
// positive-deviance inquiry, and a staff pulse answered by three teams —
// one of them too few to show.
func SeedAssets(ctx context.Context, db *sqlstore.DB, res *Result) error {
	if len(res.TeamIDs) < 4 {
		return fmt.Errorf("demo assets: want the four demo teams, have %d", len(res.TeamIDs))
	}
	who := collab.Who{RemoteAddr: "demo"}
	c := res.CollaborativeID
	harbor, pioneer, cape, berkshire := res.TeamIDs[0], res.TeamIDs[1], res.TeamIDs[2], res.TeamIDs[3]
	for _, a := range []collab.Asset{
		{Name: "Dorchester Avenue laundromat bulletin board", Kind: collab.AssetPlace, Informal: true, Address: "Dorchester Ave, Boston", Lat: 42.3097, Lng: -71.0582, HasLocation: true,
			Domains: []collab.Domain{collab.DomainSocial, collab.DomainAccess}, Notes: "Survivors post and find childcare swaps and rides here."},
		{Name: "Auntie Rose (block captain)", Kind: collab.AssetPerson, Informal: true, Lat: 42.3150, Lng: -71.0650, HasLocation: true,
			Domains: []collab.Domain{collab.DomainSafety, collab.DomainSocial}, Notes: "Knows every family on the block; a safe first call.", Shared: true},
		{Name: "Codman Square Health Center", Kind: collab.AssetService, Address: "637 Washington St, Dorchester", Lat: 42.2871, Lng: -71.0715, HasLocation: true,
			Domains: []collab.Domain{collab.DomainAccess, collab.DomainStability}},
		{Name: "Friday potluck at St. Mark's", Kind: collab.AssetEvent, Informal: true, Lat: 42.2990, Lng: -71.0610, HasLocation: true,
			Domains: []collab.Domain{collab.DomainSocial, collab.DomainMastery}},
	} {
		a := a
		if err := db.CreateAsset(ctx, who, c, harbor, &a); err != nil {
			return fmt.Errorf("demo asset: %w", err)
		}
	}
	if _, err := db.CreateAssetSnapshot(ctx, who, c, harbor, "Start of the collaborative"); err != nil {
		return err
	}
	late := collab.Asset{Name: "Vietnamese American Community Center youth group", Kind: collab.AssetOrganization, Lat: 42.2958, Lng: -71.0590, HasLocation: true,
		Domains: []collab.Domain{collab.DomainSocial, collab.DomainMastery}}
	if err := db.CreateAsset(ctx, who, c, harbor, &late); err != nil {
		return err
	}
	for _, m := range []struct {
		team int64
		m    collab.SuccessMoment
	}{
		{harbor, collab.SuccessMoment{Title: "Intake that started with what is going well", Story: "A survivor came in expecting a checklist; we asked first who she can count on. She named her sister and a neighbour, and the safety plan was built around them.",
			MadePossible: "Time set aside at intake; an advocate trained in the Five Domains", WhoInvolved: "The survivor, her sister, an advocate", Learning: "Start every intake with connections, not risks.",
			Domains: []collab.Domain{collab.DomainSocial, collab.DomainSafety}, Shared: true}},
		{pioneer, collab.SuccessMoment{Title: "Visitors allowed at the shelter on Sundays", Story: "After a trial month of Sunday visits, two residents reconnected with their mothers.",
			MadePossible: "Staff who volunteered to cover Sundays", Domains: []collab.Domain{collab.DomainSocial}}},
	} {
		sm := m.m
		if err := db.SaveMoment(ctx, who, c, m.team, &sm); err != nil {
			return err
		}
	}
	for _, b := range []struct {
		team int64
		b    collab.Barrier
	}{
		{harbor, collab.Barrier{System: "Housing authority", Category: "paperwork", Description: "Emergency transfer needs a police report", Workaround: "Advocates write a letter instead", Domain: collab.DomainStability}},
		{harbor, collab.Barrier{System: "MBTA", Category: "transportation", Description: "No bus to court before 9", Workaround: "Rides from church members", Domain: collab.DomainAccess, Shared: true}},
		{pioneer, collab.Barrier{System: "Courts", Category: "transportation", Description: "Hearings an hour away", Workaround: "Carpools organized by survivors", Domain: collab.DomainAccess}},
		{berkshire, collab.Barrier{System: "Public transit", Category: "transportation", Description: "No evening buses in the hill towns", Workaround: "Neighbours drive", Domain: collab.DomainAccess}},
		{cape, collab.Barrier{System: "Child care", Category: "childcare", Description: "No drop-in care during hearings", Workaround: "Advocates watch children", Domain: collab.DomainStability}},
	} {
		br := b.b
		if err := db.CreateBarrier(ctx, who, c, b.team, &br); err != nil {
			return err
		}
	}
	for _, x := range []struct {
		team int64
		t    collab.Tradeoff
	}{
		{pioneer, collab.Tradeoff{Subject: "policy", GivesUp: collab.DomainSocial, Gains: collab.DomainSafety, Description: "Shelter confidentiality rules mean no visits from family."}},
		{harbor, collab.Tradeoff{Subject: "person", GivesUp: collab.DomainStability, Gains: collab.DomainSafety, Description: "Leaving a job to move away from the abuser."}},
		{berkshire, collab.Tradeoff{Subject: "person", GivesUp: collab.DomainSocial, Gains: collab.DomainSafety, Description: "Staying away from church where he goes.", Shared: true}},
	} {
		t := x.t
		if err := db.CreateTradeoff(ctx, who, c, x.team, &t); err != nil {
			return err
		}
	}
	h := collab.Habit{Habit: "Sense of urgency", Antidote: "Plan for the time things take; ask what can wait", Shared: true}
	if err := db.SaveHabit(ctx, who, c, harbor, &h); err != nil {
		return err
	}
	today := collab.DateOf(db.Now())
	for i, r := range []int{2, 3, 4} {
		ci := collab.HabitCheckin{On: today.AddMonths(i - 3), Rating: r, Note: []string{"Rushed every case review", "Held one slow meeting", "Case reviews start with what went well"}[i]}
		if err := db.AddHabitCheckin(ctx, who, c, harbor, h.ID, &ci); err != nil {
			return err
		}
	}
	ids := map[string]int64{}
	for _, n := range []collab.NetNode{{Name: "Auntie Rose", Kind: "person"}, {Name: "Pastor Lewis", Kind: "person"}, {Name: "St. Mark's", Kind: "group"},
		{Name: "Tenants' association", Kind: "group"}, {Name: "Youth group", Kind: "group"}, {Name: "Ms. Tran", Kind: "person"}} {
		n := n
		if err := db.CreateNode(ctx, who, c, harbor, &n); err != nil {
			return err
		}
		ids[n.Name] = n.ID
	}
	for _, e := range []collab.NetEdge{
		{From: ids["Auntie Rose"], To: ids["Pastor Lewis"], Strength: 3, Kind: "faith", Plan: "existing"},
		{From: ids["Pastor Lewis"], To: ids["St. Mark's"], Strength: 3, Kind: "faith", Plan: "existing"},
		{From: ids["Auntie Rose"], To: ids["Tenants' association"], Strength: 2, Kind: "neighbours", Plan: "invest"},
		{From: ids["Youth group"], To: ids["Ms. Tran"], Strength: 2, Kind: "mentoring", Plan: "existing"},
		{From: ids["Auntie Rose"], To: ids["Ms. Tran"], Strength: 1, Kind: "", Plan: "cultivate"},
	} {
		e := e
		if err := db.CreateEdge(ctx, who, c, harbor, &e); err != nil {
			return err
		}
	}
	q := collab.PDInquiry{Question: "Why do some families keep their housing after leaving?", Outliers: "Three families in Codman Square",
		Practices: "They told a landlord early, with an advocate beside them", Actions: "Offer a landlord call in every safety plan", Shared: true}
	if err := db.SaveInquiry(ctx, who, c, harbor, &q); err != nil {
		return err
	}

	// A staff pulse: fourteen answers from Harbor, twelve from Pioneer and
	// three from Cape; released in batches of 11, the results count 11 of
	// Harbor's, 11 of Pioneer's and none of Cape's.
	sv := collab.Survey{CollaborativeID: c, Title: "Staff wellbeing pulse", Kind: collab.SurveyStaffPulse,
		Questions: collab.SurveyTemplate(collab.SurveyStaffPulse, demoText)}
	if err := db.CreateSurvey(ctx, who, &sv); err != nil {
		return err
	}
	for i, x := range []struct{ team, n int64 }{{harbor, 14}, {pioneer, 12}, {cape, 3}} {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return err
		}
		tok := "s" + hex.EncodeToString(b)
		if err := db.CreateSurveyLinks(ctx, who, c, sv.ID, x.team, false, []string{tok}); err != nil {
			return err
		}
		for k := range x.n {
			ans := map[string]string{}
			for j, d := range collab.StaffDomains {
				ans[d] = strconv.Itoa(1 + int(k+int64(i)+int64(j))%5)
			}
			if err := db.SubmitSurveyResponse(ctx, tok, ans); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoText gives the pulse's questions in English without the catalog
// (the demo package does not load it).
func demoText(key string) string {
	return map[string]string{
		"survey.q.staff_protection_from_harm":   "Protection from harm: I feel physically and psychologically safe at work.",
		"survey.q.staff_connection_community":   "Connection and community: I feel I belong and have support at work.",
		"survey.q.staff_work_life_harmony":      "Work-life harmony: my work leaves room for the rest of my life.",
		"survey.q.staff_mattering_at_work":      "Mattering at work: I feel my work and my voice matter here.",
		"survey.q.staff_opportunity_for_growth": "Opportunity for growth: I can learn and grow in my work.",
		"survey.q.staff_better":                 "What one thing would make work better for your wellbeing?",
	}[key]
}
