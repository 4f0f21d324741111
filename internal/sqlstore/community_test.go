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

func TestCommunityPeopleValidation(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		other := &collab.Collaborative{Name: "Other", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2026, 12, 31), Policy: collab.DefaultPolicy()}
		if err := db.CreateCollaborative(ctx, who, other, nil, f.convID); err != nil {
			t.Fatal(err)
		}
		otherTeam := &collab.Team{CollaborativeID: other.ID, Name: "Elsewhere", Kind: collab.KindCommunity}
		if err := db.CreateTeam(ctx, who, otherTeam); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name  string
			p     collab.CommunityPerson
			field string // the field named in the error; "" for none
		}{
			{"fine", collab.CommunityPerson{Name: "Rosa Díaz", Contact: "555-0101", PaymentMethod: collab.PayGiftCard, TeamID: f.teamA.ID}, ""},
			{"no team", collab.CommunityPerson{Name: "Ana", PaymentMethod: collab.PayCash}, ""},
			{"no name", collab.CommunityPerson{Name: "  ", PaymentMethod: collab.PayCheck}, "personName"},
			{"unknown payment", collab.CommunityPerson{Name: "Ana", PaymentMethod: "bitcoin"}, "paymentMethod"},
			{"contact too long", collab.CommunityPerson{Name: "Ana", PaymentMethod: collab.PayCheck, Contact: string(make([]byte, 501))}, "contact"},
			{"another collaborative's team", collab.CommunityPerson{Name: "Ana", PaymentMethod: collab.PayCheck, TeamID: otherTeam.ID}, "team"},
			{"no such group", collab.CommunityPerson{Name: "Ana", PaymentMethod: collab.PayCheck, GroupID: 9999}, "group"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := tc.p
				p.CollaborativeID = f.c.ID
				err := db.SaveCommunityPerson(ctx, who, &p)
				fe := collab.FieldErrors(err)
				if tc.field == "" {
					if err != nil || p.ID == 0 {
						t.Fatalf("save: %v", err)
					}
					got, err := db.FindCommunityPerson(ctx, f.c.ID, p.ID)
					if err != nil || got.Name != p.Name || got.PaymentMethod != p.PaymentMethod || got.TeamID != p.TeamID || got.HasAccount() {
						t.Fatalf("found %+v, %v", got, err)
					}
					if _, err := db.FindCommunityPerson(ctx, other.ID, p.ID); !errors.Is(err, collab.ErrNotFound) {
						t.Fatalf("found from another collaborative: %v", err)
					}
					return
				}
				if fe[tc.field] == "" {
					t.Fatalf("want an error on %s, got %v", tc.field, err)
				}
			})
		}
		ps, err := db.CommunityPeople(ctx, f.c.ID)
		if err != nil || len(ps) != 2 || ps[0].Name != "Ana" || ps[1].TeamName != "Team A" {
			t.Fatalf("people %+v, %v", ps, err)
		}
	})
}

// TestCommunityPeoplePaid: a person without an account gets a rate, is
// recorded at meetings, accrues stipends and a reimbursement, is listed as
// owed with their payment method, and when they accept an invitation their
// history follows them to the account.
func TestCommunityPeoplePaid(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		rosa := &collab.CommunityPerson{CollaborativeID: f.c.ID, Name: "Rosa Díaz", Contact: "rosa@example.org", PaymentMethod: collab.PayGiftCard, TeamID: f.teamA.ID}
		if err := db.SaveCommunityPerson(ctx, who, rosa); err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation("America/Chicago")
		var ms []*engage.Meeting
		for _, day := range []int{10, 24} {
			m := &engage.Meeting{CollaborativeID: f.c.ID, Details: engage.Details{Kind: engage.KindInPerson, Title: "Steering", TimeZone: "America/Chicago", DurationMin: 90, Audience: engage.AudienceAllTeams},
				StartsAt: time.Date(2026, 3, day, 17, 0, 0, 0, loc)}
			if err := db.CreateMeeting(ctx, who, m); err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		for _, tc := range []struct {
			name  string
			recs  []engage.PersonAttendance
			field string
		}{
			{"unknown status", []engage.PersonAttendance{{PersonID: rosa.ID, Status: "late"}}, "person-" + itoa(int(rosa.ID))},
			{"not the collaborative's", []engage.PersonAttendance{{PersonID: rosa.ID + 100, Status: engage.InPerson}}, "person-" + itoa(int(rosa.ID+100))},
		} {
			if fe := collab.FieldErrors(db.SetPersonAttendance(ctx, who, f.c.ID, ms[0].ID, tc.recs)); fe[tc.field] == "" {
				t.Fatalf("%s: want an error on %s, got %v", tc.name, tc.field, fe)
			}
		}
		if err := db.SetPersonAttendance(ctx, who, f.c.ID, ms[0].ID, []engage.PersonAttendance{{PersonID: rosa.ID, Status: engage.InPerson}}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetPersonAttendance(ctx, who, f.c.ID, ms[1].ID, []engage.PersonAttendance{{PersonID: rosa.ID, Status: engage.Virtually}}); err != nil {
			t.Fatal(err)
		}
		if att, err := db.PersonAttendance(ctx, f.c.ID, ms[0].ID); err != nil || len(att) != 1 || att[0].Name != "Rosa Díaz" || att[0].Status != engage.InPerson {
			t.Fatalf("attendance %+v, %v", att, err)
		}

		for _, tc := range []struct {
			name string
			r    engage.Rate
			ok   bool
		}{
			{"both a user and a person", engage.Rate{UserID: f.convID, PersonID: rosa.ID, Basis: engage.PerMeeting, AmountCents: 100}, false},
			{"neither", engage.Rate{Basis: engage.PerMeeting, AmountCents: 100}, false},
			{"another collaborative's person", engage.Rate{PersonID: rosa.ID + 100, Basis: engage.PerMeeting, AmountCents: 100}, false},
			{"per meeting", engage.Rate{PersonID: rosa.ID, Basis: engage.PerMeeting, AmountCents: 5000}, true},
		} {
			err := db.SetRate(ctx, who, f.c.ID, tc.r)
			if (err == nil) != tc.ok || (!tc.ok && collab.FieldErrors(err)["user"] == "") {
				t.Fatalf("%s: %v", tc.name, err)
			}
		}
		rates, err := db.Rates(ctx, f.c.ID)
		if err != nil || len(rates) != 1 || rates[0].PersonID != rosa.ID || rates[0].Name != "Rosa Díaz" {
			t.Fatalf("rates %+v, %v", rates, err)
		}
		for i, want := range []int{2, 0} {
			if n, err := db.AccrueStipends(ctx, who, f.c.ID); err != nil || n != want {
				t.Fatalf("accrue %d: %d, %v", i, n, err)
			}
		}
		if err := db.AddReimbursement(ctx, who, f.c.ID, &engage.Payable{PersonID: rosa.ID, AmountCents: 1800, Description: "Bus fare"}); err != nil {
			t.Fatal(err)
		}
		ps, err := db.Payables(ctx, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		owed := engage.OwedByPerson(ps)
		if len(owed) != 1 || owed[0].PersonID != rosa.ID || owed[0].Stipends != 10000 || owed[0].Reimburse != 1800 || owed[0].PaymentMethod != collab.PayGiftCard || owed[0].Contact != "rosa@example.org" {
			t.Fatalf("owed %+v", owed)
		}

		// Rosa takes an account: her attendance, rate and what she is owed
		// follow her.
		in := &collab.Invitation{CollaborativeID: f.c.ID, TeamID: f.teamA.ID, Email: "rosa@example.org", Name: "Rosa Díaz", TeamRole: collab.RoleMember, PersonID: rosa.ID}
		if err := db.CreateInvitation(ctx, who, in, "tok-rosa"); err != nil {
			t.Fatal(err)
		}
		uid := f.user(t, "rosa@example.org")
		if err := db.AcceptInvitation(ctx, collab.Who{UserID: uid}, "tok-rosa", uid); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindCommunityPerson(ctx, f.c.ID, rosa.ID)
		if err != nil || got.UserID != uid {
			t.Fatalf("linked %+v, %v", got, err)
		}
		att, err := db.Attendance(ctx, f.c.ID, 0)
		if err != nil || len(att) != 2 || att[0].UserID != uid || att[0].TeamID != f.teamA.ID {
			t.Fatalf("attendance after link %+v, %v", att, err)
		}
		if pa, _ := db.PersonAttendance(ctx, f.c.ID, 0); len(pa) != 0 {
			t.Fatalf("person attendance left behind: %+v", pa)
		}
		rates, _ = db.Rates(ctx, f.c.ID)
		if len(rates) != 1 || rates[0].UserID != uid || rates[0].PersonID != 0 {
			t.Fatalf("rate after link %+v", rates)
		}
		ps, _ = db.Payables(ctx, f.c.ID)
		owed = engage.OwedByPerson(ps)
		if len(owed) != 1 || owed[0].UserID != uid || owed[0].Total() != 11800 {
			t.Fatalf("owed after link %+v", owed)
		}
		// Accrual for the account adds nothing twice.
		if n, err := db.AccrueStipends(ctx, who, f.c.ID); err != nil || n != 0 {
			t.Fatalf("accrue after link: %d, %v", n, err)
		}
		// Once linked, the person is recorded as the account, not again.
		if fe := collab.FieldErrors(db.SetPersonAttendance(ctx, who, f.c.ID, ms[0].ID, []engage.PersonAttendance{{PersonID: rosa.ID, Status: engage.InPerson}})); fe == nil {
			t.Fatal("linked person recorded as without an account")
		}
	})
}
