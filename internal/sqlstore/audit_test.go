package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestAuditAppendOnly: the database refuses to change or remove audit
// rows, and the hash chain reveals a row edited behind the triggers' back.
func TestAuditAppendOnly(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		for i := 0; i < 3; i++ {
			if err := db.Audit(ctx, collab.Who{UserID: f.convID}, f.c.ID, "export.teams", "", "csv"); err != nil {
				t.Fatal(err)
			}
		}
		if bad, err := db.VerifyAudit(ctx); err != nil || bad != 0 {
			t.Fatalf("VerifyAudit on an intact log = %d, %v", bad, err)
		}
		for _, stmt := range []string{
			`UPDATE audit_log SET detail = 'edited' WHERE id = 2`,
			`DELETE FROM audit_log WHERE id = 2`,
		} {
			if _, err := db.Exec(ctx, stmt); err == nil {
				t.Errorf("%s: accepted", stmt)
			}
		}
		// Someone with the database file edits a row with the triggers off.
		if err := db.TamperForTest(ctx, `UPDATE audit_log SET detail = 'edited' WHERE id = 3`); err != nil {
			t.Fatal(err)
		}
		if bad, err := db.VerifyAudit(ctx); err != nil || bad != 3 {
			t.Errorf("VerifyAudit after an edit = %d, %v; want 3", bad, err)
		}
	})
}

// TestAuditBeforeAfter: an update's audit row names each changed field
// with its value before and after.
func TestAuditBeforeAfter(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		name, focus := "Team A renamed", "Housing first"
		if _, err := db.UpdateTeam(ctx, collab.Who{UserID: f.convID}, f.c.ID, f.teamA.ID, sqlstore.TeamUpdate{Name: &name, Focus: &focus}); err != nil {
			t.Fatal(err)
		}
		es, err := db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: f.c.ID})
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"focus":["","Housing first"],"name":["Team A","Team A renamed"]}`; es[0].Action != "team.update" || es[0].Detail != want {
			t.Errorf("audit detail = %s %s, want %s", es[0].Action, es[0].Detail, want)
		}
		c := *f.c
		c.Policy.HoursMax = 8
		if err := db.UpdateCollaborative(ctx, collab.Who{UserID: f.convID}, &c, nil); err != nil {
			t.Fatal(err)
		}
		es, _ = db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: f.c.ID})
		if want := `{"hoursMax":[6,8]}`; es[0].Detail != want {
			t.Errorf("audit detail = %s, want %s", es[0].Detail, want)
		}
	})
}

// TestAuditDiffHidesSecrets: a person's own settings change is audited
// field by field, and no secret column ever reaches the detail.
func TestAuditDiffHidesSecrets(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		name := "New Name"
		off := false
		if err := db.UpdateUser(ctx, collab.Who{UserID: f.convID}, f.convID, sqlstore.UserUpdate{Name: &name, Reminders: &off}); err != nil {
			t.Fatal(err)
		}
		es, err := db.AuditLog(ctx, sqlstore.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		d := es[0].Detail
		if es[0].Action != "user.update" || !strings.Contains(d, `"name":["convener@example.org","New Name"]`) || !strings.Contains(d, `"reminders"`) {
			t.Errorf("detail = %s", d)
		}
		if strings.Contains(d, "password_hash") || strings.Contains(d, "hash") {
			t.Errorf("a secret column in the audit detail: %s", d)
		}
	})
}
