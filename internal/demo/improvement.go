package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/framework"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// ImprovementResult is what SeedImprovement made.
type ImprovementResult struct {
	MeasureID   int64
	FrameworkID int64
	// NodeID is the Blueprint action the demo change ideas link to.
	NodeID int64
	// Per team, in the order of Result.TeamIDs.
	AimIDs, DriverIDs, ChangeIDs, CycleIDs []int64
}

// SeedImprovement adds the improvement work of seed 004's Breakthrough
// Series to the demo collaborative Seed made: the Wellbeing Blueprint (seed
// 003) adopted as its change framework, a shared measure with 18 months of
// data for every team, and for each team an aim, a driver diagram whose
// change idea links to a Blueprint action, and three PDSA cycles — the
// second adopted, after which the team's data shift. Values are entered as
// the team's director, a few days after each month ends, so nothing shows
// late: it sets db.Now for the while, so call it after Seed and before the
// server starts serving.
func SeedImprovement(ctx context.Context, db *sqlstore.DB, res *Result) (*ImprovementResult, error) {
	who := collab.Who{RemoteAddr: "demo"}
	c := res.CollaborativeID
	out := &ImprovementResult{}
	bs, err := framework.Builtin()
	if err != nil {
		return nil, err
	}
	bp := framework.Lookup(bs, "wellbeing-blueprint")
	if bp == nil {
		return nil, fmt.Errorf("demo improvement: the Wellbeing Blueprint is not built in")
	}
	cf, err := db.AdoptFramework(ctx, who, c, bp, bp.Key)
	if err != nil {
		return nil, fmt.Errorf("demo framework: %w", err)
	}
	out.FrameworkID = cf.ID
	for _, n := range cf.Flatten() {
		if n.Code == "1.6.1" {
			out.NodeID = n.ID
		}
	}
	target := 0.8
	m := &improve.Measure{CollaborativeID: c, Name: "Conversations that start with what goes well", Kind: improve.KindProcess, Ratio: true, Unit: "%",
		Definition: "Of the intake and advocacy conversations held in the month (denominator), those in which the advocate asked what is going well in the person's life before asking about risk (numerator), as recorded on the intake form.",
		Better:     improve.BetterUp, Target: &target, Chart: "p", Period: improve.Monthly}
	if err := db.CreateMeasure(ctx, who, m); err != nil {
		return nil, fmt.Errorf("demo measure: %w", err)
	}
	out.MeasureID = m.ID

	realNow := db.Now
	defer func() { db.Now = realNow }()
	now := realNow()
	thisMonth := collab.NewDate(now.Year(), now.Month(), 1)
	// The collaborative began twelve months ago (Seed): its first eleven
	// months are reported; this month is not due yet.
	first := thisMonth.AddMonths(-12)
	for i, tid := range res.TeamIDs {
		team, err := db.FindTeam(ctx, c, tid)
		if err != nil {
			return nil, err
		}
		director := who
		if len(team.Members) > 0 {
			director.UserID = team.Members[0].UserID
		}
		aim := &improve.Aim{CollaborativeID: c, TeamID: tid, MeasureIDs: []int64{m.ID},
			Statement:   fmt.Sprintf("By %s, 80%% of the conversations %s has with survivors start with what is going well in their lives.", thisMonth.AddMonths(10).String()[:7], team.Name),
			HowKnow:     "The monthly share of conversations that start with what goes well rises and stays above 80%, and survivors tell us the conversation felt like theirs.",
			WhatChanges: "Open intake with a question about what is going well; let survivors choose where the conversation goes; share what we learn at team meetings.",
			TargetDate:  thisMonth.AddMonths(10)}
		if i == 1 {
			aim.WhatChanges += " Revisit the shelter curfew with residents."
		}
		if err := db.SaveAim(ctx, director, aim); err != nil {
			return nil, fmt.Errorf("demo aim: %w", err)
		}
		primary := &improve.Driver{CollaborativeID: c, TeamID: tid, AimID: aim.ID, Kind: improve.DriverPrimary, Title: "Conversations that start from what goes well"}
		if err := db.AddDriver(ctx, director, primary); err != nil {
			return nil, err
		}
		secondary := &improve.Driver{CollaborativeID: c, TeamID: tid, AimID: aim.ID, Kind: improve.DriverSecondary, ParentID: primary.ID, Title: "An intake that makes room for the person's own view"}
		if err := db.AddDriver(ctx, director, secondary); err != nil {
			return nil, err
		}
		change := &improve.Driver{CollaborativeID: c, TeamID: tid, AimID: aim.ID, Kind: improve.DriverChange, ParentID: secondary.ID,
			Title: "Ask \"what is going well in your life right now?\" first", FrameworkNodeID: out.NodeID}
		if err := db.AddDriver(ctx, director, change); err != nil {
			return nil, err
		}
		other := &improve.Driver{CollaborativeID: c, TeamID: tid, AimID: aim.ID, Kind: improve.DriverSecondary, ParentID: primary.ID, Title: "Staff who practise the conversation together"}
		if err := db.AddDriver(ctx, director, other); err != nil {
			return nil, err
		}
		out.AimIDs = append(out.AimIDs, aim.ID)
		out.DriverIDs = append(out.DriverIDs, primary.ID)
		out.ChangeIDs = append(out.ChangeIDs, change.ID)

		adoptMonth := thisMonth.AddMonths(-6)
		cycles := []*improve.PDSA{
			{Title: "One advocate, one week", Objective: "Try the opening question at intake.", Predictions: "Half the survivors will answer at length.",
				Who: "One advocate", What: "Open with the question", When: "One week", Where: "Intake", DataPlan: "Tally on the intake form",
				StartedOn: thisMonth.AddMonths(-10), EndedOn: thisMonth.AddMonths(-10).AddDays(6), DoNotes: "Eleven intakes; the question was asked in nine.",
				WentWell: "Survivors smiled and talked about their children and friends.", Differed: "Fewer answered at length than predicted; some needed time.",
				Decision: improve.DecisionAdapt, NextStep: "Ask again at the end of the conversation."},
			{Title: "Every advocate, one month", Objective: "Ask at the start and again at the end.", Predictions: "Seven in ten conversations will start with what goes well.",
				StartedOn: thisMonth.AddMonths(-8), EndedOn: adoptMonth.AddDays(-1), DoNotes: "All advocates took part.",
				WentWell: "Advocates said the conversations felt less like an interrogation.", Differed: "Night shifts asked less often.",
				Decision: improve.DecisionAdopt, NextStep: "Make it part of the intake form.", MeasureID: m.ID},
			{Title: "Night shift", Objective: "Bring the night shift along.", Predictions: "The night shift will match the day shift within a month.",
				StartedOn: thisMonth.AddMonths(-2)},
		}
		var prev int64
		for _, cy := range cycles {
			cy.CollaborativeID, cy.TeamID, cy.ChangeID, cy.PreviousID = c, tid, change.ID, prev
			if err := db.SavePDSA(ctx, director, cy); err != nil {
				return nil, fmt.Errorf("demo pdsa: %w", err)
			}
			prev = cy.ID
			out.CycleIDs = append(out.CycleIDs, cy.ID)
		}
		// A year of data: about 35% before the adopted change, about 75%
		// after it, with a little noise of each team's own.
		rng := rand.New(rand.NewPCG(uint64(tid), 4)) // #nosec G404 G115 -- demo data: repeatable noise, not a secret
		for k := 0; k < 12; k++ {
			month := first.AddMonths(k)
			den := float64(30 + rng.IntN(25))
			p := 0.30 + 0.04*float64(i%3) + rng.Float64()*0.1
			if !month.Before(adoptMonth) {
				p += 0.4
			}
			num := float64(int(den * p))
			entered := month.AddMonths(1).AddDays(4).Time().Add(10 * time.Hour)
			db.Now = func() time.Time { return entered }
			v := &improve.Value{MeasureID: m.ID, Period: month, Numerator: &num, Denominator: &den}
			if _, err := db.SaveValues(ctx, director, c, tid, []*improve.Value{v}, "demo"); err != nil {
				db.Now = realNow
				return nil, fmt.Errorf("demo values: %w", err)
			}
		}
		db.Now = realNow
	}
	return out, nil
}
