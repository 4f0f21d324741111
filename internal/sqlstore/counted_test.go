package sqlstore_test

import (
	"slices"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestPeopleWithoutAccountsCounted: people without accounts count in a
// meeting's attendance, and one attached to a team represents it.
func TestPeopleWithoutAccountsCounted(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		a1, b1 := f.user(t, "a1@example.org"), f.user(t, "b1@example.org")
		if err := db.AddMember(ctx, who, f.c.ID, f.teamA.ID, a1, collab.RoleDirector); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(ctx, who, f.c.ID, f.teamB.ID, b1, collab.RoleDirector); err != nil {
			t.Fatal(err)
		}
		// Ana belongs to no team; Rosa is Team B's community member.
		ana := &collab.CommunityPerson{CollaborativeID: f.c.ID, Name: "Ana", PaymentMethod: collab.PayCash}
		rosa := &collab.CommunityPerson{CollaborativeID: f.c.ID, Name: "Rosa", PaymentMethod: collab.PayGiftCard, TeamID: f.teamB.ID}
		for _, p := range []*collab.CommunityPerson{ana, rosa} {
			if err := db.SaveCommunityPerson(ctx, who, p); err != nil {
				t.Fatal(err)
			}
		}
		all := &engage.Meeting{CollaborativeID: f.c.ID, Details: engage.Details{Kind: engage.KindInPerson, Title: "Learning session", TimeZone: "UTC", DurationMin: 90, Audience: engage.AudienceAllTeams},
			StartsAt: time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC)}
		teamB := &engage.Meeting{CollaborativeID: f.c.ID, Details: engage.Details{Kind: engage.KindCoaching, Title: "Coaching", TimeZone: "UTC", DurationMin: 60, Audience: engage.AudienceOneTeam, TeamIDs: []int64{f.teamB.ID}},
			StartsAt: time.Date(2026, 3, 20, 17, 0, 0, 0, time.UTC)}
		for _, m := range []*engage.Meeting{all, teamB} {
			if err := db.CreateMeeting(ctx, who, m); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetAttendance(ctx, who, f.c.ID, all.ID, 0, []engage.Attendance{{UserID: a1, Status: engage.InPerson}, {UserID: b1, Status: engage.Virtually}}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPersonAttendance(ctx, who, f.c.ID, all.ID, []engage.PersonAttendance{{PersonID: ana.ID, Status: engage.InPerson}}); err != nil {
			t.Fatal(err)
		}
		// Team B's coaching call: only its community member came.
		if err := db.SetAttendance(ctx, who, f.c.ID, teamB.ID, 0, []engage.Attendance{{UserID: b1, Status: engage.Absent}}); err != nil {
			t.Fatal(err)
		}
		march := func() engage.MonthCompliance {
			t.Helper()
			tcs, err := db.Compliance(ctx, f.c)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(tcs, func(tc engage.TeamCompliance) bool { return tc.Team.ID == f.teamB.ID })
			for _, mc := range tcs[i].Months {
				if mc.Month == collab.NewDate(2026, 3, 1) {
					return mc
				}
			}
			t.Fatal("no March for Team B")
			return engage.MonthCompliance{}
		}
		if mc := march(); mc.Meetings != 2 || mc.Covered != 1 || mc.Missed != 1 {
			t.Fatalf("before Rosa came: %+v", mc)
		}
		if err := db.SetPersonAttendance(ctx, who, f.c.ID, teamB.ID, []engage.PersonAttendance{{PersonID: rosa.ID, Status: engage.InPerson}}); err != nil {
			t.Fatal(err)
		}
		if mc := march(); mc.Meetings != 2 || mc.Covered != 2 || mc.Missed != 0 {
			t.Fatalf("Team B represented by Rosa alone: %+v", mc)
		}

		ts, err := db.Turnouts(ctx, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[int64][3]int{}
		for _, tu := range ts {
			got[tu.Meeting.ID] = [3]int{tu.Total(), tu.Accounts, tu.WithoutAccount}
		}
		if want := map[int64][3]int{all.ID: {3, 2, 1}, teamB.ID: {1, 0, 1}}; !mapsEqual(got, want) {
			t.Fatalf("turnouts %v, want %v", got, want)
		}
		byMonth := engage.TurnoutByMonth(ts, f.c.StartDate, f.c.EndDate)
		if len(byMonth) != 1 || byMonth[0].Total() != 4 || byMonth[0].WithoutAccount != 2 {
			t.Fatalf("by month %+v", byMonth)
		}
	})
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestInviteesFollowGrants: who is expected at a meeting beside its teams
// follows the grants of their roles, not the roles' names.
func TestInviteesFollowGrants(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		a1 := f.user(t, "a1@example.org")
		if err := db.AddMember(ctx, who, f.c.ID, f.teamA.ID, a1, collab.RoleDirector); err != nil {
			t.Fatal(err)
		}
		people := map[collab.CollabRole]int64{}
		for _, r := range []collab.CollabRole{collab.RoleBackbone, collab.RoleGuide, collab.RoleFunder, collab.RoleEvaluator, collab.RoleCoLead, collab.RoleLocalEvaluator} {
			people[r] = f.user(t, string(r)+"@example.org")
			if err := db.AddCollabRole(ctx, who, f.c.ID, people[r], r); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			name     string
			audience engage.Audience
			expected []collab.CollabRole
			absent   []collab.CollabRole
		}{
			{"team only", engage.AudienceOneTeam, []collab.CollabRole{collab.RoleBackbone, collab.RoleGuide},
				[]collab.CollabRole{collab.RoleFunder, collab.RoleEvaluator, collab.RoleCoLead, collab.RoleLocalEvaluator}},
			{"partners", engage.AudiencePartners, []collab.CollabRole{collab.RoleBackbone, collab.RoleGuide, collab.RoleFunder, collab.RoleEvaluator, collab.RoleLocalEvaluator},
				[]collab.CollabRole{collab.RoleCoLead}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				m := &engage.Meeting{CollaborativeID: f.c.ID, Details: engage.Details{Kind: engage.KindCoaching, Title: tc.name, TimeZone: "UTC", DurationMin: 60, Audience: tc.audience},
					StartsAt: time.Date(2026, 6, 2, 15, 0, 0, 0, time.UTC)}
				if tc.audience == engage.AudienceOneTeam {
					m.TeamIDs = []int64{f.teamA.ID}
				}
				if err := db.CreateMeeting(ctx, who, m); err != nil {
					t.Fatal(err)
				}
				inv, err := db.Invitees(ctx, m)
				if err != nil {
					t.Fatal(err)
				}
				in := map[int64]bool{}
				for _, i := range inv {
					in[i.UserID] = true
				}
				// The convener is expected at every meeting; the team's
				// member at its team's meeting only.
				if !in[f.convID] || in[a1] != (tc.audience == engage.AudienceOneTeam) {
					t.Errorf("convener %v, team member %v", in[f.convID], in[a1])
				}
				for _, r := range tc.expected {
					if !in[people[r]] {
						t.Errorf("%s not expected", r)
					}
				}
				for _, r := range tc.absent {
					if in[people[r]] {
						t.Errorf("%s expected", r)
					}
				}
			})
		}
	})
}
