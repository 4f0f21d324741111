package sqlstore_test

import (
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/notify"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestUpdateSeriesMeetings: on both stores, "this and following" from a
// weekly series' third meeting moves the third onwards to Thursdays at
// 14:00 and leaves the first two; "whole series" never touches a held
// meeting with attendance; each change is audited and team A's member is
// told once.
func TestUpdateSeriesMeetings(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		a1 := f.user(t, "a1@example.org")
		if err := db.AddMember(ctx, who, f.c.ID, f.teamA.ID, a1, collab.RoleDirector); err != nil {
			t.Fatal(err)
		}
		ny, _ := time.LoadLocation("America/New_York")
		// Tuesdays from 5 May 2026 at 10:00, six of them; the clock is 1 May.
		se := &engage.Series{Details: engage.Details{Kind: engage.KindAllTeams, Title: "Peer call", TimeZone: "America/New_York", DurationMin: 60, Audience: engage.AudienceAllTeams},
			Rule: "FREQ=WEEKLY;COUNT=6", First: time.Date(2026, 5, 5, 10, 0, 0, 0, ny)}
		if n, err := db.CreateSeries(ctx, who, f.c, se); err != nil || n != 6 {
			t.Fatalf("series: %d, %v", n, err)
		}
		list := func() []*engage.Meeting {
			ms, err := db.Meetings(ctx, f.c.ID, sqlstore.MeetingFilter{Cancelled: true})
			if err != nil {
				t.Fatal(err)
			}
			return ms
		}
		ms := list()
		// The first meeting is held, with attendance; the clock moves past it.
		if err := db.SetAttendance(ctx, who, f.c.ID, ms[0].ID, 0, []engage.Attendance{{UserID: a1, Status: engage.InPerson}}); err != nil {
			t.Fatal(err)
		}
		*f.clock = time.Date(2026, 5, 6, 12, 0, 0, 0, time.UTC)
		before, _ := db.Notifications(ctx, a1, sqlstore.NotificationFilter{})

		third := *ms[2]
		third.StartsAt = time.Date(2026, 5, 21, 14, 0, 0, 0, ny) // Thursday
		plan, err := db.UpdateSeriesMeetings(ctx, who, &third, engage.ScopeFollowing)
		if err != nil || len(plan.Changed) != 4 || plan.Held != 0 {
			t.Fatalf("following: %d changed, %d held, %v", len(plan.Changed), plan.Held, err)
		}
		var got []string
		for _, m := range list() {
			got = append(got, m.Local().Format("Mon 01-02 15:04"))
		}
		want := "[Tue 05-05 10:00 Tue 05-12 10:00 Thu 05-21 14:00 Thu 05-28 14:00 Thu 06-04 14:00 Thu 06-11 14:00]"
		if strings.Join(got, " ") != strings.Trim(want, "[]") {
			t.Errorf("after 'this and following':\n%v\nwant\n%s", got, want)
		}

		// The whole series, from the second: the held first stays.
		second := *list()[1]
		second.Title = "Peer learning call"
		plan, err = db.UpdateSeriesMeetings(ctx, who, &second, engage.ScopeSeries)
		if err != nil || len(plan.Changed) != 5 || plan.Held != 1 {
			t.Fatalf("series: %d changed, %d held, %v", len(plan.Changed), plan.Held, err)
		}
		after := list()
		if after[0].Title != "Peer call" || after[0].Local().Format("Mon 15:04") != "Tue 10:00" {
			t.Errorf("the held meeting changed: %s %s", after[0].Title, after[0].Local())
		}
		for _, m := range after[1:] {
			if m.Title != "Peer learning call" {
				t.Errorf("meeting %d kept %q", m.ID, m.Title)
			}
		}
		if att, _ := db.Attendance(ctx, f.c.ID, after[0].ID); len(att) != 1 {
			t.Errorf("the held meeting's attendance: %v", att)
		}

		// Audited: one row per meeting changed and one for each edit.
		log, err := db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: f.c.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var series, updates int
		for _, e := range log {
			switch e.Action {
			case "series.update":
				series++
			case "meeting.update":
				updates++
			}
		}
		if series != 2 || updates != 9 {
			t.Errorf("audit: %d series.update, %d meeting.update rows; want 2 and 9", series, updates)
		}
		// Team A's member is told once per edit, not once per meeting.
		ns, _ := db.Notifications(ctx, a1, sqlstore.NotificationFilter{})
		changed := 0
		for _, n := range ns[:len(ns)-len(before)] {
			if n.Kind == notify.MeetingChanged {
				changed++
			}
		}
		if changed != 2 {
			t.Errorf("%d change notifications, want 2", changed)
		}

		// A single meeting cannot be edited as a series.
		single := &engage.Meeting{CollaborativeID: f.c.ID, Details: engage.Details{Kind: engage.KindOther, Title: "One", DurationMin: 30, Audience: engage.AudienceAllTeams},
			StartsAt: time.Date(2026, 7, 1, 15, 0, 0, 0, time.UTC)}
		if err := db.CreateMeeting(ctx, who, single); err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpdateSeriesMeetings(ctx, who, single, engage.ScopeSeries); collab.FieldErrors(err)["scope"] == "" {
			t.Errorf("a single meeting edited as a series: %v", err)
		}
	})
}

// TestUserTimeZone: a person's time zone is kept and loaded with them.
func TestUserTimeZone(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		zone := "America/Chicago"
		if err := db.UpdateUser(ctx, collab.Who{UserID: f.convID}, f.convID, sqlstore.UserUpdate{TimeZone: &zone}); err != nil {
			t.Fatal(err)
		}
		u, err := db.FindUserByID(ctx, f.convID)
		if err != nil || u.TimeZone != zone {
			t.Fatalf("user: %+v, %v", u, err)
		}
		a, err := db.LoadActor(ctx, f.convID)
		if err != nil || a.TimeZone != zone {
			t.Fatalf("actor: %+v, %v", a, err)
		}
	})
}
