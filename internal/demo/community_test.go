package demo_test

import (
	"context"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/demo"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestSeedCommunity: the demo's second collaborative has seed 001's
// parts: a backbone convening it, a steering committee and two
// workgroups, three community collaborations with their multi-sector
// partners, a local evaluator, a lived-experience partner without an
// account paid a stipend, population and performance data, and steering
// meetings with attendance, decisions and an action followed up.
func TestSeedCommunity(t *testing.T) {
	ctx := context.Background()
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		res, err := demo.Seed(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		cr, err := demo.SeedCommunity(ctx, db, res)
		if err != nil {
			t.Fatal(err)
		}
		c := cr.CollaborativeID
		if c == res.CollaborativeID || res.Community != cr {
			t.Fatal("no second collaborative")
		}
		logins := map[string]bool{}
		for _, l := range res.Logins {
			logins[l.Email] = l.Password == res.Logins[0].Password
		}
		for _, email := range []string{"convener.cwb@example.org", "evaluator.cwb@example.org", "lead.platte@example.org", "member.threerivers@example.org"} {
			if !logins[email] {
				t.Errorf("no demo sign-in %s with the demo password", email)
			}
		}

		teams, _ := db.Teams(ctx, c, sqlstore.TeamFilter{})
		partners, _ := db.Partners(ctx, c)
		roles := map[collab.PartnerRole]int{}
		sectors := map[string]bool{}
		for _, p := range partners {
			roles[p.Role]++
			sectors[p.Org.Sector] = true
		}
		groups, _ := db.Groups(ctx, c)
		kinds := map[collab.GroupKind]int{}
		for _, g := range groups {
			kinds[g.Kind]++
		}
		people, _ := db.CommunityPeople(ctx, c)
		ps, _ := db.Payables(ctx, c)
		owed := engage.OwedByPerson(ps)
		inds, _ := db.Indicators(ctx, c)
		att, _ := db.Attendance(ctx, c, cr.MeetingIDs[0])
		patt, _ := db.PersonAttendance(ctx, c, 0)
		for _, tc := range []struct {
			what      string
			got, want int
		}{
			{"community teams", countKind(teams, collab.KindCommunity), 3},
			{"backbone conveners", roles[collab.PartnerConvener], 1},
			{"local evaluators", roles[collab.PartnerEvaluator], 1},
			{"community partners", roles[collab.PartnerPartner], 11},
			{"sectors at the tables (at least)", min(len(sectors), 10), 10},
			{"steering committees", kinds[collab.GroupSteering], 1},
			{"workgroups", kinds[collab.GroupWorkgroup], 2},
			{"people without accounts", len(people), 2},
			{"people owed (the partner)", len(owed), 1},
			{"population indicators", len(inds), 6},
			{"leads at the first steering meeting", len(att), 3},
			{"partner's meetings attended", len(patt), 2},
			{"steering meetings", len(cr.MeetingIDs), 3},
		} {
			if tc.got != tc.want {
				t.Errorf("%s: %d, want %d", tc.what, tc.got, tc.want)
			}
		}
		if len(owed) == 1 && (owed[0].PersonID != cr.PartnerID || owed[0].Stipends != 10000 || owed[0].PaymentMethod != collab.PayGiftCard) {
			t.Errorf("owed %+v", owed[0])
		}
		steering, err := db.FindGroup(ctx, c, cr.SteeringID)
		if err != nil {
			t.Fatal(err)
		}
		var decisions, followed, open int
		for _, it := range steering.Items {
			switch {
			case it.Kind == collab.ItemDecision:
				decisions++
			case it.Status == collab.ItemDone && it.MeetingID == cr.MeetingIDs[0] && it.FollowUp != "":
				followed++
			case it.Status == collab.ItemOpen && it.MeetingID == cr.MeetingIDs[1]:
				open++
			}
		}
		if decisions != 2 || followed != 1 || open != 1 {
			t.Errorf("steering items: %d decisions, %d followed up, %d open", decisions, followed, open)
		}
		rates, _ := db.Rates(ctx, c)
		if len(rates) != 1 || rates[0].PersonID != cr.PartnerID {
			t.Errorf("rates %+v", rates)
		}
	})
}

func countKind(ts []*collab.Team, k collab.TeamKind) int {
	n := 0
	for _, t := range ts {
		if t.Kind == k {
			n++
		}
	}
	return n
}
