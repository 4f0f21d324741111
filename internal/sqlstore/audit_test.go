package sqlstore_test

import (
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
