package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/framework"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// SeedMonth9 makes the demo look like month 9 of seed 000's 18 months, as a
// convener, a coach and the teams would find it on an ordinary day:
//
//   - the teams joined when the collaborative began (so reports are owed
//     from its first month), and North Shore Advocates, whose application
//     was pending, joined three months ago;
//   - the collaborative adopted seed 000's Five Domains of Wellbeing, and
//     resources are tagged with them;
//   - monthly reports submitted and reviewed, with the coach's comments;
//     Cape and Islands owes one that is overdue, and last month's reports
//     are still coming in (Harbor's is for the visitor to write);
//   - each team's own PDSA cycles besides the shared ramp: adopted,
//     adapted, abandoned, in progress;
//   - a second shared measure whose chart shows a sustained shift in two
//     teams and none in the other two;
//   - shares and comments in the feed, the last ones this week;
//   - agenda topics with votes, one scheduled into the next all-teams
//     meeting, one covered;
//   - a resource library the teams have used.
//
// It sets db.Now for the while (things happened in the past), so call it
// after SeedImprovement and before the server serves.
func SeedMonth9(ctx context.Context, db *sqlstore.DB, res *Result, imp *ImprovementResult) error {
	realNow := db.Now
	defer func() { db.Now = realNow }()
	now := realNow()
	at := func(t time.Time) {
		if t.After(now) {
			t = now
		}
		db.Now = func() time.Time { return t }
	}
	day := func(d collab.Date, hour int) time.Time { return d.Time().Add(time.Duration(hour) * time.Hour) }
	sys := collab.Who{RemoteAddr: "demo"}
	c, err := db.FindCollaborative(ctx, res.CollaborativeID)
	if err != nil {
		return err
	}
	thisMonth := learning.MonthOf(collab.DateOf(now))
	userID := func(email string) (int64, error) {
		u, _, err := db.FindUserByEmail(ctx, email)
		if err != nil {
			return 0, fmt.Errorf("demo month 9: %s: %w", email, err)
		}
		return u.ID, nil
	}
	convID, err := userID("convener@example.org")
	if err != nil {
		return err
	}
	coachID, err := userID("coach@example.org")
	if err != nil {
		return err
	}
	convener, coach := collab.Who{UserID: convID, RemoteAddr: "demo"}, collab.Who{UserID: coachID, RemoteAddr: "demo"}

	teams := make([]*collab.Team, 0, len(res.TeamIDs))
	for _, id := range res.TeamIDs {
		if err := db.SetTeamJoined(ctx, sys, c.ID, id, day(c.StartDate, 9)); err != nil {
			return err
		}
		t, err := db.FindTeam(ctx, c.ID, id)
		if err != nil {
			return err
		}
		teams = append(teams, t)
	}
	members := func(t *collab.Team) (dir, adv collab.Who) {
		dir, adv = sys, sys
		if len(t.Members) > 0 {
			dir.UserID = t.Members[0].UserID
			adv.UserID = t.Members[len(t.Members)-1].UserID
		}
		return dir, adv
	}

	// Seed 000's own framework: the Five Domains.
	bs, err := framework.Builtin()
	if err != nil {
		return err
	}
	if fd := framework.Lookup(bs, "five-domains"); fd != nil {
		at(day(c.StartDate, 10))
		if _, err := db.AdoptFramework(ctx, convener, c.ID, fd, fd.Key); err != nil {
			return fmt.Errorf("demo five domains: %w", err)
		}
	}

	// A team that joined late: the pending application, accepted three
	// months ago.
	apps, err := db.Applications(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if a.Status != collab.AppPending {
			continue
		}
		at(day(thisMonth.AddMonths(-3).AddDays(6), 11))
		tok := make([]byte, 16)
		if _, err := rand.Read(tok); err != nil {
			return err
		}
		if _, err := db.DecideApplication(ctx, convener, c.ID, a.ID, sqlstore.Decision{Accept: true, InviteToken: hex.EncodeToString(tok),
			Note: "Welcome: joining for the second half, starting with the coaching calls."}); err != nil {
			return fmt.Errorf("demo late team: %w", err)
		}
	}

	if err := seedReports(ctx, db, c, teams, coach, members, at, day, thisMonth); err != nil {
		return err
	}
	if err := seedCycles(ctx, db, c, teams, imp, members, at, day, thisMonth); err != nil {
		return err
	}
	if err := seedShiftMeasure(ctx, db, c, teams, members, at, day, thisMonth); err != nil {
		return err
	}
	if err := seedEvidence(ctx, db, c, teams, imp, members, at, day, thisMonth); err != nil {
		return err
	}

	// Resources in the library, tagged with the domains, and used.
	resources := []struct {
		kind                     learning.ResourceKind
		title, description, link string
		domains                  []string
		month                    int
		usedBy                   []int
	}{
		{learning.KindTool, "Opening questions about what is going well", "Six ways advocates open an intake with the person's strengths, from the first learning session.", "https://example.org/resources/opening-questions", []string{"1", "4"}, 1, []int{0, 1, 3}},
		{learning.KindForm, "Wellbeing-oriented intake form (template)", "An intake form with the Five Domains as its sections; edit it for your program.", "https://example.org/resources/intake-form", []string{"1", "2", "3", "4", "5"}, 2, []int{0, 2}},
		{learning.KindPlaybook, "Reviewing shelter rules for tradeoffs", "A playbook for looking at each rule with residents: what safety it buys and what connection it costs.", "https://example.org/resources/shelter-rules", []string{"1", "2"}, 4, []int{1}},
		{learning.KindToolkit, "Housing and income in safety planning", "Questions, referral lists and a worksheet for making stability part of a safety plan.", "https://example.org/resources/stability", []string{"3", "5"}, 5, []int{2}},
		{learning.KindOther, "Rural transport options by county", "Who drives where, on which days, and how to book it.", "https://example.org/resources/rural-transport", []string{"5"}, 7, []int{3}},
	}
	for _, r := range resources {
		at(day(c.StartDate.AddMonths(r.month).AddDays(3), 14))
		lr := &learning.Resource{CollaborativeID: c.ID, Kind: r.kind, Title: r.title, Description: r.description, URL: r.link, Domains: r.domains}
		if err := db.CreateResource(ctx, coach, lr, func(string) bool { return true }); err != nil {
			return fmt.Errorf("demo resource: %w", err)
		}
		for _, i := range r.usedBy {
			if i >= len(teams) {
				continue
			}
			dir, _ := members(teams[i])
			at(day(c.StartDate.AddMonths(r.month+1).AddDays(2*i), 15))
			if err := db.MarkResourceUsed(ctx, dir, c.ID, teams[i].ID, lr.ID, "Used it with our team and adapted it to our program."); err != nil {
				return fmt.Errorf("demo resource use: %w", err)
			}
		}
	}

	// The feed: what teams shared, with comments; the last this week.
	shares := []struct {
		team                   int
		kind                   learning.ShareKind
		title, body, learned   string
		daysAgo                int
		comments               []string
		commentByCoach, byTeam int
	}{
		{0, learning.ShareNote, "Intake that starts with what goes well", "We changed the first question of intake.", "Survivors talked for longer, and about people who help them.", 150, []string{"Could you share the exact wording you use?"}, 0, 1},
		{1, learning.SharePDSA, "A later curfew, tested with residents", "Two weeks of an 11pm curfew on weekends, chosen by the house meeting.", "No safety incidents; residents saw family more often.", 95, []string{"This is the tradeoff seed 000 talks about: thank you for testing it."}, 1, -1},
		{2, learning.ShareNote, "Why our housing question did not work", "We added a housing question to every safety plan and stopped after three weeks.", "Asked too early, it felt like a test. We will try it at the second meeting.", 60, []string{"Abandoning is learning too. What will you change?"}, 1, -1},
		{3, learning.ShareNote, "Meeting families where they are: market day", "A resource table at the Saturday market in Great Barrington.", "Nine families stopped by; two came to the center the next week.", 20, nil, 0, 0},
		{0, learning.ShareNote, "Night shift: what helped", "The night shift practised the opening question in pairs.", "Practice together mattered more than the script.", 3, []string{"We will try pairs at Pioneer next month."}, 0, 1},
		{1, learning.ShareNote, "Residents run the house meeting now", "Residents chair the weekly house meeting and set its agenda.", "More rules are questioned, and fewer are broken.", 1, nil, 0, 0},
		{2, learning.ShareNote, "Two legal aid partners at the table", "We invited legal aid to our team meeting.", "Referrals got faster when we knew the person on the other end.", 210, []string{"Who was the contact? We have the same gap."}, 0, 3},
		{3, learning.ShareNote, "Who can drive: a county map", "We mapped every volunteer driver and bus route in the county.", "Most appointments were missed for want of a ride, not interest.", 180, []string{"Could this go in the resource library?"}, 1, -1},
		{0, learning.SharePDSA, "One advocate, one week: the opening question", "The first small test of asking what is going well.", "Survivors needed time before answering; ask again at the end.", 230, []string{"A small start, well documented."}, 1, -1},
		{1, learning.ShareNote, "Listing every house rule with residents", "A two-hour session: each rule, why it exists, what it costs.", "Residents knew the reasons for fewer than half of the rules.", 200, []string{"We would like to copy this at Cape.", "Thank you for writing down how you ran the session."}, 0, 2},
		{2, learning.ShareNote, "Safety plans that name a stable next step", "Each plan now ends with one step towards housing or income.", "People chose small steps we would not have suggested.", 30, []string{"Lovely — is this the adapted cycle?"}, 1, -1},
		{3, learning.ShareNote, "One person, part-time: how we keep up", "What a one-person team can do in four hours a month.", "Pick one change and keep it small.", 120, []string{"This helps us too: we are two people part-time."}, 0, 0},
		{0, learning.ShareNote, "Asking survivors how intake felt", "A one-question card at the end of intake.", "Most said it felt like a conversation; two said it was too long.", 45, []string{"Could you share the card?", "We will try it next month."}, 0, 2},
	}
	for k, s := range shares {
		if s.team >= len(teams) {
			continue
		}
		dir, _ := members(teams[s.team])
		when := now.AddDate(0, 0, -s.daysAgo).Truncate(time.Hour)
		at(when)
		sh := &learning.Share{CollaborativeID: c.ID, TeamID: teams[s.team].ID, Kind: s.kind, ItemID: int64(1000 + k),
			Summary: learning.Summary{Title: s.title, Body: s.body, Learned: s.learned}}
		if err := db.Share(ctx, dir, sh); err != nil {
			return fmt.Errorf("demo share: %w", err)
		}
		for j, body := range s.comments {
			by := coach
			if s.byTeam >= 0 && s.byTeam < len(teams) && s.byTeam != s.team && j == 0 && s.commentByCoach == 0 {
				by, _ = members(teams[s.byTeam])
			}
			at(when.Add(time.Duration(5+j) * time.Hour))
			if err := db.CommentOnShare(ctx, by, c.ID, sh.ID, body); err != nil {
				return fmt.Errorf("demo share comment: %w", err)
			}
		}
	}

	return seedAgenda(ctx, db, c, teams, convener, members, at, now)
}

// seedReports: every team reports every month from the start; the coach
// reviews each within the week and comments on some. Cape and Islands
// missed the month before last (overdue); last month's reports are coming
// in (due on the 10th): Pioneer's submitted, Cape's a draft, Harbor's and
// Berkshire's not started.
func seedReports(ctx context.Context, db *sqlstore.DB, c *collab.Collaborative, teams []*collab.Team, coach collab.Who,
	members func(*collab.Team) (collab.Who, collab.Who), at func(time.Time), day func(collab.Date, int) time.Time, thisMonth collab.Date) error {
	last := thisMonth.AddMonths(-1)
	narratives := [][]string{
		{"We formed the team and met twice.", "We tried the opening question at intake.", "All advocates now open with what is going well.", "The night shift is catching up.", "Survivors tell us intake feels like a conversation."},
		{"We listed every house rule with residents.", "We tested a later weekend curfew.", "Residents chose to keep the later curfew.", "Residents now chair the house meeting.", "Fewer rules broken, more visits with family."},
		{"We met with two legal aid partners.", "We added a housing question to safety plans.", "We stopped the housing question: it came too early.", "Trying the question at the second meeting instead."},
		{"One person, part-time: we started small.", "We mapped who can drive families to appointments.", "A resource table on market day.", "Two families came in after market day."},
	}
	comments := []string{
		"Thank you — the survivors' words in your narrative say a lot. What would you test next?",
		"Good to see the data plan written before the cycle. Keep the tally going.",
		"Consider sharing this with the cohort: others are working on the same tradeoff.",
	}
	for i, t := range teams {
		dir, _ := members(t)
		n := 0
		for m := learning.MonthOf(c.StartDate); m.Before(thisMonth); m = m.AddMonths(1) {
			if i == 2 && m == last.AddMonths(-1) {
				continue // Cape and Islands: overdue
			}
			lastOne := m == last
			if lastOne && i != 1 && i != 2 {
				continue // not started yet: due on the 10th
			}
			texts := narratives[i%len(narratives)]
			r := &learning.Report{CollaborativeID: c.ID, TeamID: t.ID, Month: m, Narrative: texts[min(n, len(texts)-1)], Progress: min(1+n/2+i%2, 5)}
			submitted := day(learning.DueDate(m, 10).AddDays(-2-i), 16)
			if lastOne {
				submitted = day(thisMonth, 11) // the first of the month: never in the future
			}
			at(submitted)
			content, err := db.CompileReport(ctx, c.ID, t.ID, m)
			if err != nil {
				return err
			}
			submit := !(lastOne && i == 2) // Cape's last month: a draft
			if err := db.SaveReport(ctx, dir, r, submit, content); err != nil {
				return fmt.Errorf("demo report: %w", err)
			}
			n++
			if !submit || lastOne {
				continue
			}
			reviewed := submitted.Add(4 * 24 * time.Hour)
			at(reviewed)
			if (n+i)%2 == 0 {
				if err := db.CommentOnReport(ctx, coach, c.ID, t.ID, r.ID, comments[(n+i)%len(comments)]); err != nil {
					return fmt.Errorf("demo report comment: %w", err)
				}
			}
			if err := db.ReviewReport(ctx, coach, c.ID, t.ID, r.ID); err != nil {
				return fmt.Errorf("demo review: %w", err)
			}
			// What the team has seen is read; the review of the month
			// before last stays unread, as it would on a Monday morning.
			if m.Before(last.AddMonths(-1)) {
				for _, p := range t.Members {
					if _, err := db.MarkNotificationsRead(ctx, collab.Who{UserID: p.UserID, RemoteAddr: "demo"}, p.UserID, 0); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}

// seedCycles gives each team cycles of its own, beside the shared ramp:
// not four copies of one story.
func seedCycles(ctx context.Context, db *sqlstore.DB, c *collab.Collaborative, teams []*collab.Team, imp *ImprovementResult,
	members func(*collab.Team) (collab.Who, collab.Who), at func(time.Time), day func(collab.Date, int) time.Time, thisMonth collab.Date) error {
	type cycle struct {
		p         improve.PDSA
		monthsAgo int
	}
	own := [][]cycle{
		{ // Harbor: a warm handoff, adopted.
			{improve.PDSA{Title: "Warm handoff to the peer group", Objective: "Introduce survivors to a peer at intake rather than giving a flyer.", Predictions: "Twice as many will come to a peer group.",
				Who: "Two advocates", What: "Walk the person to a peer volunteer", When: "Three weeks", Where: "Intake room", DataPlan: "Count first visits to the peer group",
				DoNotes: "Fourteen introductions; eight came to a group.", WentWell: "Peers liked being asked to help.", Differed: "Fewer evenings were covered than planned.",
				Decision: improve.DecisionAdopt, NextStep: "Roster peers for evenings."}, 5},
		},
		{ // Pioneer: curfew adapted, a buddy system abandoned, house meeting in progress.
			{improve.PDSA{Title: "Weekend curfew at 11pm", Objective: "Let residents see family and friends on weekends.", Predictions: "No more incidents than usual.",
				DoNotes: "Two weekends, twelve residents.", WentWell: "Residents visited family; no incidents.", Differed: "Staff worried more than residents did.",
				Decision: improve.DecisionAdapt, NextStep: "Extend to Friday nights, with a check-in call."}, 6},
			{improve.PDSA{Title: "Buddy system for evening outings", Objective: "Pair residents for evening outings.", Predictions: "Residents will go out more often.",
				DoNotes: "Few pairs formed.", WentWell: "Two residents became friends.", Differed: "Residents wanted to choose when to go out, not with whom.",
				Decision: improve.DecisionAbandon, NextStep: "Drop it; ask the house meeting instead."}, 4},
			{improve.PDSA{Title: "Residents chair the house meeting", Objective: "Hand the weekly house meeting to residents.", Predictions: "More rules will be questioned."}, 1},
		},
		{ // Cape and Islands: a housing question, abandoned, then adapted.
			{improve.PDSA{Title: "Housing question in every safety plan", Objective: "Ask about housing stability in the first safety plan.", Predictions: "Most plans will name a housing step.",
				DoNotes: "Three weeks, nine plans.", WentWell: "Two people found emergency rent help.", Differed: "Asked at the first meeting, it felt like a test.",
				Decision: improve.DecisionAbandon, NextStep: "Try it at the second meeting."}, 4},
			{improve.PDSA{Title: "Housing question at the second meeting", Objective: "Ask once trust is there.", Predictions: "Half the plans will name a housing step.",
				DoNotes: "Started with two attorneys."}, 1},
		},
		{ // Berkshire: market day, in study.
			{improve.PDSA{Title: "Resource table on market day", Objective: "Reach families who cannot travel to us.", Predictions: "Five families will stop by.",
				DoNotes: "Two Saturdays.", WentWell: "Nine families stopped by.", Differed: "People wanted transport more than leaflets."}, 2},
		},
	}
	for i, t := range teams {
		if i >= len(own) || i >= len(imp.ChangeIDs) {
			break
		}
		dir, _ := members(t)
		for _, cy := range own[i] {
			p := cy.p
			p.CollaborativeID, p.TeamID, p.ChangeID = c.ID, t.ID, imp.ChangeIDs[i]
			start := thisMonth.AddMonths(-cy.monthsAgo).AddDays(3 + i)
			p.StartedOn = start
			if p.Decision != improve.DecisionNone {
				p.EndedOn = start.AddDays(20)
			}
			at(day(start, 10))
			if err := db.SavePDSA(ctx, dir, &p); err != nil {
				return fmt.Errorf("demo pdsa %q: %w", p.Title, err)
			}
		}
	}
	return nil
}

// seedShiftMeasure adds a second shared measure, entered each month from
// six months before the start: Harbor and Pioneer shift upwards for good
// after their changes, Cape and Berkshire do not. The charts start a new
// phase after each adopted cycle, so Pioneer's shift (mid-phase, after an
// adapted cycle) shows as points beyond the limits; Harbor's, which
// follows its adopted warm handoff, as a new phase at a higher level.
func seedShiftMeasure(ctx context.Context, db *sqlstore.DB, c *collab.Collaborative, teams []*collab.Team,
	members func(*collab.Team) (collab.Who, collab.Who), at func(time.Time), day func(collab.Date, int) time.Time, thisMonth collab.Date) error {
	target := 0.6
	m := &improve.Measure{CollaborativeID: c.ID, Name: "Survivors who name someone they can count on", Kind: improve.KindOutcome, Ratio: true, Unit: "%",
		Definition: "Of the survivors asked at their monthly check-in (denominator), those who named at least one person they can count on (numerator).",
		Better:     improve.BetterUp, Target: &target, Chart: "p", Period: improve.Monthly}
	at(day(c.StartDate, 12))
	if err := db.CreateMeasure(ctx, collab.Who{RemoteAddr: "demo"}, m); err != nil {
		return fmt.Errorf("demo measure: %w", err)
	}
	for i, t := range teams {
		dir, _ := members(t)
		rng := mrand.New(mrand.NewPCG(uint64(t.ID), 9)) // #nosec G404 G115 -- demo data: repeatable noise, not a secret
		// The collaborative's months (a value outside its dates is
		// refused).
		for m0, k := learning.MonthOf(c.StartDate), 0; m0.Before(thisMonth); m0, k = m0.AddMonths(1), k+1 {
			den := float64(90 + rng.IntN(60))
			p := 0.35 + rng.Float64()*0.08
			if (i == 0 && k >= 3) || (i == 1 && k >= 4) {
				p += 0.3
			}
			if i == 0 && m0 == thisMonth.AddMonths(-2) {
				continue // Harbor has yet to enter the month before last
			}
			num := float64(int(den * p))
			at(day(m0.AddMonths(1).AddDays(3), 10))
			if _, err := db.SaveValues(ctx, dir, c.ID, t.ID, []*improve.Value{{MeasureID: m.ID, Period: m0, Numerator: &num, Denominator: &den}}, "demo"); err != nil {
				return fmt.Errorf("demo values: %w", err)
			}
		}
	}
	return nil
}

// seedAgenda: topics the teams proposed, with votes; the most wanted one
// scheduled into the next all-teams meeting, an earlier one covered.
func seedAgenda(ctx context.Context, db *sqlstore.DB, c *collab.Collaborative, teams []*collab.Team, convener collab.Who,
	members func(*collab.Team) (collab.Who, collab.Who), at func(time.Time), now time.Time) error {
	ms, err := db.Meetings(ctx, c.ID, sqlstore.MeetingFilter{From: now})
	if err != nil {
		return err
	}
	var next *engage.Meeting
	for _, m := range ms {
		if m.Kind == engage.KindAllTeams {
			next = m
			break
		}
	}
	topics := []struct {
		title, detail string
		by            int
		daysAgo       int
		votes         []int
		decide        learning.TopicStatus
	}{
		{"Shelter rules that cost residents their connections", "How other programs review their rules with residents.", 1, 70, []int{0, 2, 3}, learning.TopicCovered},
		{"Asking about housing without it feeling like a test", "When in the relationship to ask, and how.", 2, 40, []int{0, 1, 2, 3}, learning.TopicScheduled},
		{"Keeping part-time staff in the loop", "Small organizations with one person on the team.", 3, 25, []int{3, 2}, ""},
		{"Measuring social connectedness without a survey", "Light ways to know whether people have someone to count on.", 0, 10, []int{0, 1}, ""},
	}
	for _, tp := range topics {
		if tp.by >= len(teams) {
			continue
		}
		by, _ := members(teams[tp.by])
		at(now.AddDate(0, 0, -tp.daysAgo))
		lt := &learning.Topic{CollaborativeID: c.ID, Title: tp.title, Detail: tp.detail}
		if err := db.ProposeTopic(ctx, by, lt); err != nil {
			return fmt.Errorf("demo topic: %w", err)
		}
		for _, v := range tp.votes {
			if v >= len(teams) {
				continue
			}
			_, adv := members(teams[v])
			if err := db.Vote(ctx, adv, c.ID, lt.ID, true); err != nil {
				return fmt.Errorf("demo vote: %w", err)
			}
		}
		at(now.AddDate(0, 0, -tp.daysAgo+5))
		switch {
		case tp.decide == learning.TopicScheduled && next != nil:
			if err := db.DecideTopic(ctx, convener, c.ID, lt.ID, learning.TopicDecision{Status: learning.TopicScheduled, MeetingID: next.ID}); err != nil {
				return fmt.Errorf("demo schedule topic: %w", err)
			}
		case tp.decide == learning.TopicCovered:
			if err := db.DecideTopic(ctx, convener, c.ID, lt.ID, learning.TopicDecision{Status: learning.TopicCovered, SessionDate: collab.DateOf(now.AddDate(0, 0, -tp.daysAgo+20)),
				SessionText: "All-teams meeting", Outcome: "Three teams will review one rule each with residents before the next meeting."}); err != nil {
				return fmt.Errorf("demo cover topic: %w", err)
			}
		}
	}
	return nil
}

// seedEvidence gives the change package's evidence table something to
// show: a second change concept beside the one every team tests (its
// sibling in the Blueprint), tested by two teams who adopted it, and the
// demo's shared measures linked to the recommendation above both, so
// each concept has teams whose measure shifted after they adopted and
// teams whose did not.
func seedEvidence(ctx context.Context, db *sqlstore.DB, c *collab.Collaborative, teams []*collab.Team, imp *ImprovementResult,
	members func(*collab.Team) (collab.Who, collab.Who), at func(time.Time), day func(collab.Date, int) time.Time, thisMonth collab.Date) error {
	fw, err := db.FindFramework(ctx, c.ID, imp.FrameworkID)
	if err != nil {
		return err
	}
	var node, sibling *improve.FwNode
	for _, n := range fw.Flatten() {
		if n.ID == imp.NodeID {
			node = n
		}
	}
	if node == nil {
		return fmt.Errorf("demo evidence: node %d not in the framework", imp.NodeID)
	}
	for _, n := range fw.Flatten() {
		if n.ParentID == node.ParentID && n.ID != node.ID && !n.Retired {
			sibling = n
			break
		}
	}
	shared, err := db.Measures(ctx, c.ID, 0)
	if err != nil {
		return err
	}
	convener := collab.Who{RemoteAddr: "demo"}
	at(day(thisMonth.AddMonths(-1), 9))
	for _, m := range shared {
		if err := db.LinkMeasure(ctx, convener, c.ID, m.ID, node.ParentID, true); err != nil {
			return fmt.Errorf("demo evidence: %w", err)
		}
	}
	if sibling == nil {
		return nil
	}
	// Cape and Berkshire try the sibling concept too, and adopt it.
	for i := 2; i < len(teams) && i < 4 && i < len(imp.ChangeIDs); i++ {
		t := teams[i]
		dir, _ := members(t)
		start := thisMonth.AddMonths(-5).AddDays(2 + i)
		at(day(start, 9))
		// Beside the team's first change idea, under the same driver.
		first, err := db.FindDriver(ctx, c.ID, t.ID, imp.ChangeIDs[i])
		if err != nil {
			return fmt.Errorf("demo evidence: %w", err)
		}
		d := &improve.Driver{CollaborativeID: c.ID, TeamID: t.ID, AimID: imp.AimIDs[i], ParentID: first.ParentID, Kind: improve.DriverChange,
			Title: "Ask what matters most before offering a referral", FrameworkNodeID: sibling.ID}
		if err := db.AddDriver(ctx, dir, d); err != nil {
			return fmt.Errorf("demo evidence: %w", err)
		}
		p := &improve.PDSA{CollaborativeID: c.ID, TeamID: t.ID, ChangeID: d.ID, Title: "What matters most, first",
			Objective: "Start each referral conversation with what the person wants most.", Predictions: "More referrals will be taken up.",
			DoNotes: "Three weeks, every new referral.", WentWell: "People said they felt heard.", Differed: "It took longer than a checklist.",
			Decision: improve.DecisionAdopt, NextStep: "Make it the opening of every referral.", StartedOn: start, EndedOn: start.AddDays(20)}
		if err := db.SavePDSA(ctx, dir, p); err != nil {
			return fmt.Errorf("demo evidence: %w", err)
		}
	}
	return nil
}
