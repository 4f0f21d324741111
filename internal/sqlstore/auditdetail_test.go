package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestAuditCreateDeleteAttendance: on both stores, a create's audit row
// holds the new row's fields (from nothing), a delete's what was removed
// (to nothing), an attendance record each person's status before and
// after, and no detail a secret. It fails if a call site goes back to an
// empty detail or a count.
func TestAuditCreateDeleteAttendance(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		last := func() collab.AuditEntry {
			t.Helper()
			es, err := db.AuditLog(ctx, sqlstore.AuditFilter{Limit: 1})
			if err != nil || len(es) == 0 {
				t.Fatalf("audit log: %v", err)
			}
			return es[0]
		}
		p := &collab.Partner{CollaborativeID: f.c.ID, Role: collab.PartnerFunder, Org: collab.Organization{Name: "Harbor Fund"}}
		if err := db.CreatePartner(ctx, who, p); err != nil {
			t.Fatal(err)
		}
		member := f.user(t, "member@example.org")
		if err := db.AddMember(ctx, collab.Who{}, f.c.ID, f.teamA.ID, member, collab.RoleDirectService); err != nil {
			t.Fatal(err)
		}
		m := &engage.Meeting{CollaborativeID: f.c.ID, StartsAt: f.clock.Add(-time.Hour), Details: engage.Details{Kind: engage.KindAllTeams,
			Title: "Learning session", TimeZone: "UTC", DurationMin: 60, Audience: engage.AudienceAllTeams}}
		if err := db.CreateMeeting(ctx, who, m); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name           string
			do             func() error
			action, target string
			want           []string // in the detail
		}{
			{"create", func() error { return nil }, "", "", nil}, // placeholder replaced below
			{"delete", func() error { return db.DeletePartner(ctx, who, f.c.ID, p.ID) }, "partner.delete", fmt.Sprint("partner:", p.ID),
				[]string{`"org_name":["Harbor Fund",null]`, `"role":["funder",null]`}},
			{"attendance first", func() error {
				return db.SetAttendance(ctx, who, f.c.ID, m.ID, 0, []engage.Attendance{{UserID: member, Status: engage.Status("virtual")}})
			}, "attendance.record", fmt.Sprint("meeting:", m.ID), []string{fmt.Sprintf(`"user:%d":[null,"virtual"]`, member)}},
			{"attendance changed", func() error {
				return db.SetAttendance(ctx, who, f.c.ID, m.ID, 0, []engage.Attendance{{UserID: member, Status: engage.Status("in_person")}})
			}, "attendance.record", fmt.Sprint("meeting:", m.ID), []string{fmt.Sprintf(`"user:%d":["virtual","in_person"]`, member)}},
			{"token create hides the hash", func() error {
				return db.CreateAPIToken(ctx, who, &collab.APIToken{UserID: f.convID, Name: "sync"}, "gw_secret-token-value")
			}, "token.create", "token:", []string{`"name":[null,"sync"]`}},
		}
		tests[0] = struct {
			name           string
			do             func() error
			action, target string
			want           []string
		}{"create", func() error { return nil }, "partner.create", fmt.Sprint("partner:", p.ID), nil}
		for i, tt := range tests {
			if i > 0 {
				if err := tt.do(); err != nil {
					t.Fatalf("%s: %v", tt.name, err)
				}
			}
			e := last()
			if i == 0 {
				// The partner's create, two rows back: the member and the
				// meeting came after it.
				es, _ := db.AuditLog(ctx, sqlstore.AuditFilter{Limit: 50})
				for _, x := range es {
					if x.Action == "partner.create" {
						e = x
					}
				}
				tt.want = []string{`"org_name":[null,"Harbor Fund"]`, `"role":[null,"funder"]`, fmt.Sprintf(`"id":[null,%d]`, p.ID)}
			}
			if e.Action != tt.action || !strings.HasPrefix(e.Target, tt.target) {
				t.Errorf("%s: audit row %s %s, want %s %s", tt.name, e.Action, e.Target, tt.action, tt.target)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Detail, w) {
					t.Errorf("%s: detail %s, want it to hold %s", tt.name, e.Detail, w)
				}
			}
			for _, secret := range []string{"hash", "secret-token", "password"} {
				if strings.Contains(e.Detail, secret) {
					t.Errorf("%s: detail %s holds %q", tt.name, e.Detail, secret)
				}
			}
		}
	})
}
