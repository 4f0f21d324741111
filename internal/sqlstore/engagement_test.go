package sqlstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

func TestEngagementStore(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		// Team A: two people; team B: a small organization with one.
		a1, a2, b1 := f.user(t, "a1@example.org"), f.user(t, "a2@example.org"), f.user(t, "b1@example.org")
		for _, m := range []struct {
			team, user int64
			role       collab.TeamRole
		}{{f.teamA.ID, a1, collab.RoleDirector}, {f.teamA.ID, a2, collab.RoleDirectService}, {f.teamB.ID, b1, collab.RoleDirector}} {
			if err := db.AddMember(ctx, who, f.c.ID, m.team, m.user, m.role); err != nil {
				t.Fatal(err)
			}
		}
		single := true
		if _, err := db.UpdateTeam(ctx, who, f.c.ID, f.teamB.ID, sqlstore.TeamUpdate{SinglePerson: &single}); err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation("America/New_York")
		quarterly := &engage.Series{Details: engage.Details{Kind: engage.KindInPerson, Title: "Quarterly", TimeZone: "America/New_York", DurationMin: 360, Audience: engage.AudienceAllTeams},
			Rule: "FREQ=MONTHLY;INTERVAL=3", First: time.Date(2026, 1, 15, 9, 30, 0, 0, loc)}
		n, err := db.CreateSeries(ctx, who, f.c, quarterly)
		if err != nil || n != 6 {
			t.Fatalf("quarterly: %d, %v", n, err)
		}
		coaching := &engage.Series{Details: engage.Details{Kind: engage.KindCoaching, Title: "Coaching", TimeZone: "America/New_York", DurationMin: 60, Audience: engage.AudienceEachTeam},
			Rule: "FREQ=MONTHLY", First: time.Date(2026, 1, 20, 10, 0, 0, 0, loc)}
		if n, err := db.CreateSeries(ctx, who, f.c, coaching); err != nil || n != 36 {
			t.Fatalf("coaching: %d, %v", n, err)
		}
		bad := &engage.Series{Details: engage.Details{Kind: engage.KindOther, Title: "x", DurationMin: 60, Audience: engage.AudienceOneTeam, TeamIDs: []int64{999}},
			Rule: "FREQ=MONTHLY", First: time.Date(2026, 1, 20, 10, 0, 0, 0, loc)}
		if _, err := db.CreateSeries(ctx, who, f.c, bad); collab.FieldErrors(err)["teams"] == "" {
			t.Fatalf("another collaborative's team: %v", err)
		}
		all, err := db.Meetings(ctx, f.c.ID, sqlstore.MeetingFilter{})
		if err != nil || len(all) != 42 {
			t.Fatalf("meetings: %d, %v", len(all), err)
		}
		forA, err := db.Meetings(ctx, f.c.ID, sqlstore.MeetingFilter{TeamID: f.teamA.ID})
		if err != nil || len(forA) != 24 {
			t.Fatalf("team A meetings: %d, %v", len(forA), err)
		}
		// The first meeting of 2026-01-15 and team A's February coaching call.
		jan := all[0]
		var febA *engage.Meeting
		for _, m := range forA {
			if m.Kind == engage.KindCoaching && m.Day().String() == "2026-02-17" {
				febA = m
			}
		}
		if _, err := db.FindMeeting(ctx, f.c.ID+1, jan.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Fatalf("meeting from another collaborative: %v", err)
		}
		// Attendance: team A sends one person in January; b1 sends apologies
		// agreed after the meeting (does not count).
		err = db.SetAttendance(ctx, who, f.c.ID, jan.ID, 0, []engage.Attendance{
			{UserID: a1, Status: engage.InPerson},
			{UserID: b1, Status: engage.Apologies, AgreedOn: collab.NewDate(2026, 1, 16), AgreedWith: "FFI", Alternative: "Recording"},
		})
		if err != nil {
			t.Fatal(err)
		}
		// Team A's February call: apologies agreed in advance.
		if err := db.SetAttendance(ctx, who, f.c.ID, febA.ID, f.teamA.ID, []engage.Attendance{{UserID: a2, Status: engage.Apologies, AgreedOn: collab.NewDate(2026, 2, 1), AgreedWith: "FFI and DPH", Alternative: "A catch-up call"}}); err != nil {
			t.Fatal(err)
		}
		// A team lead cannot record another team's people, and nothing is
		// written when one record is bad.
		err = db.SetAttendance(ctx, who, f.c.ID, jan.ID, f.teamA.ID, []engage.Attendance{{UserID: a2, Status: engage.Virtually}, {UserID: b1, Status: engage.InPerson}})
		if collab.FieldErrors(err) == nil {
			t.Fatalf("other team's person: %v", err)
		}
		att, err := db.Attendance(ctx, f.c.ID, jan.ID)
		if err != nil || len(att) != 2 || att[0].TeamID == 0 {
			t.Fatalf("attendance: %+v, %v", att, err)
		}
		for _, mo := range []int{1, 2, 3, 4} {
			for _, p := range []struct{ team, user int64 }{{f.teamA.ID, a1}, {f.teamB.ID, b1}} {
				if err := db.AddActivity(ctx, who, &engage.Activity{CollaborativeID: f.c.ID, TeamID: p.team, UserID: p.user, Month: collab.NewDate(2026, time.Month(mo), 12), Kind: engage.ActSiteVisit, Hours: 5}); err != nil {
					t.Fatal(err)
				}
			}
		}
		a2act := &engage.Activity{CollaborativeID: f.c.ID, TeamID: f.teamA.ID, UserID: a2, Month: collab.NewDate(2026, 1, 1), Kind: engage.ActOther, Hours: 1}
		if err := db.AddActivity(ctx, who, a2act); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteActivity(ctx, who, f.c.ID, f.teamA.ID, a2act.ID, a1); !errors.Is(err, collab.ErrNotFound) {
			t.Fatalf("a1 removed a2's activity: %v", err)
		}
		if err := db.DeleteActivity(ctx, who, f.c.ID, f.teamB.ID, a2act.ID, 0); !errors.Is(err, collab.ErrNotFound) {
			t.Fatalf("removed through another team: %v", err)
		}
		if err := db.DeleteActivity(ctx, who, f.c.ID, f.teamA.ID, a2act.ID, a2); err != nil {
			t.Fatal(err)
		}
		if err := db.AddActivity(ctx, who, &engage.Activity{CollaborativeID: f.c.ID, TeamID: f.teamA.ID, UserID: b1, Month: collab.NewDate(2026, 1, 1), Kind: engage.ActOther, Hours: 1}); collab.FieldErrors(err)["user"] == "" {
			t.Fatalf("activity for a non-member: %v", err)
		}
		// As of May 1st, with a window of 6 months so January counts.
		st := engage.DefaultSettings()
		st.WindowMonths = 6
		st.MissesOffTrack = 10
		if err := db.SaveEngagementSettings(ctx, who, f.c.ID, st); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.EngagementSettings(ctx, f.c.ID); got != st {
			t.Fatalf("settings %+v", got)
		}
		tcs, err := db.Compliance(ctx, f.c)
		if err != nil {
			t.Fatal(err)
		}
		states := map[int64]engage.TeamCompliance{}
		for _, tc := range tcs {
			states[tc.Team.ID] = tc
		}
		// Team A: covered January; February's call excused; the rest of
		// the calls (Jan, Mar, Apr) and April's meeting missed.
		a := states[f.teamA.ID]
		if a.Months[0].Covered != 1 || a.Months[1].Excused != 1 || a.State != engage.AtRisk {
			t.Errorf("team A: %+v", a)
		}
		if b := states[f.teamB.ID]; b.Months[0].Missed != 2 || len(b.MissingRoles) != 0 {
			t.Errorf("team B: %+v", b)
		}

		// Calendar feeds: the token opens the feed until revoked.
		if err := db.SetCalendarFeed(ctx, who, a1, "feed-token"); err != nil {
			t.Fatal(err)
		}
		if uid, err := db.CalendarFeedUser(ctx, "feed-token"); err != nil || uid != a1 {
			t.Fatalf("feed user %d, %v", uid, err)
		}
		mine, err := db.MeetingsFor(ctx, a1)
		if err != nil || len(mine) != 24 {
			t.Fatalf("a1's meetings: %d, %v", len(mine), err)
		}
		if err := db.DeleteCalendarFeed(ctx, who, a1); err != nil {
			t.Fatal(err)
		}
		if _, err := db.CalendarFeedUser(ctx, "feed-token"); !errors.Is(err, collab.ErrNotFound) {
			t.Fatalf("revoked feed: %v", err)
		}

		// Reminders are claimed once.
		for i, want := range []bool{true, false} {
			if ok, err := db.ClaimReminder(ctx, "meeting", "meeting:1", a1); err != nil || ok != want {
				t.Fatalf("claim %d: %v, %v", i, ok, err)
			}
		}
		inv, err := db.Invitees(ctx, jan)
		if err != nil || len(inv) != 4 { // a1, a2, b1 and the convener
			t.Fatalf("invitees %+v, %v", inv, err)
		}

		// Feedback from an attendee only.
		if err := db.SaveFeedback(ctx, collab.Who{UserID: a1}, f.c.ID, &engage.Feedback{MeetingID: jan.ID, UserID: a1, Helpful: true, Comment: "Loved it"}); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveFeedback(ctx, collab.Who{UserID: b1}, f.c.ID, &engage.Feedback{MeetingID: jan.ID, UserID: b1, Helpful: false}); collab.FieldErrors(err) == nil {
			t.Fatalf("feedback from someone absent: %v", err)
		}
		fb, err := db.Feedback(ctx, f.c.ID, 0)
		if err != nil || len(fb) != 1 || !fb[0].Helpful || fb[0].Comment != "Loved it" {
			t.Fatalf("feedback %+v, %v", fb, err)
		}

		// Compensation: a1 at 75.00 a meeting; accrual is idempotent.
		if err := db.SetRate(ctx, who, f.c.ID, engage.Rate{UserID: a1, Basis: engage.PerMeeting, AmountCents: 7500}); err != nil {
			t.Fatal(err)
		}
		for i, want := range []int{1, 0} {
			if n, err := db.AccrueStipends(ctx, who, f.c.ID); err != nil || n != want {
				t.Fatalf("accrue %d: %d, %v", i, n, err)
			}
		}
		p := &engage.Payable{UserID: a1, AmountCents: 1250, Description: "Mileage to Worcester"}
		if err := db.AddReimbursement(ctx, who, f.c.ID, p); err != nil {
			t.Fatal(err)
		}
		ps, err := db.Payables(ctx, f.c.ID)
		if err != nil || len(ps) != 2 {
			t.Fatalf("payables %+v, %v", ps, err)
		}
		owed := engage.OwedByPerson(ps)
		if len(owed) != 1 || owed[0].Total() != 8750 {
			t.Fatalf("owed %+v", owed)
		}
		if err := db.MarkPaid(ctx, who, f.c.ID, []int64{p.ID}, collab.NewDate(2026, 5, 1)); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkPaid(ctx, who, f.c.ID, []int64{p.ID}, collab.NewDate(2026, 5, 1)); !errors.Is(err, collab.ErrNotFound) {
			t.Fatalf("paid twice: %v", err)
		}
		ps, _ = db.Payables(ctx, f.c.ID)
		if owed := engage.OwedByPerson(ps); owed[0].Total() != 7500 {
			t.Fatalf("owed after payment %+v", owed)
		}
	})
}
