package sqlstore_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestCardMinCellFloor (issue 11 item 12): the report card's smallest count
// shown cannot go below 5, as for surveys; a smaller value stored before
// the floor reads as 5. Before the fix 1 was accepted, which switched
// suppression off on the public card.
func TestCardMinCellFloor(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		for _, c := range []struct {
			min  int
			want string
		}{{0, "error.min_cell"}, {1, "error.min_cell"}, {4, "error.min_cell"}, {5, ""}, {11, ""}, {1001, "error.min_cell"}} {
			st := learning.DefaultSettings(f.c.ID)
			st.MinCell = c.min
			err := db.SaveReportCard(ctx, collab.Who{}, &st, nil)
			if got := collab.FieldErrors(err)["minCell"]; got != c.want {
				t.Errorf("MinCell %d: error %q (%v), want %q", c.min, got, err, c.want)
			}
		}
		if _, err := db.Exec(ctx, fmt.Sprintf(`UPDATE learning_settings SET min_cell = 1 WHERE collaborative_id = %d`, f.c.ID)); err != nil {
			t.Fatal(err)
		}
		if st, err := db.LearningSettings(ctx, f.c.ID); err != nil || st.MinCell != learning.MinMinCell {
			t.Errorf("a stored 1 reads as %d (%v), want %d", st.MinCell, err, learning.MinMinCell)
		}
	})
}

// TestCardNewAddress (issue 11 item 13): republishing keeps the address; a
// new address makes the old one unknown, is audited, and the audit row
// holds no token.
func TestCardNewAddress(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		st := learning.DefaultSettings(f.c.ID)
		st.CardPublic = true
		if err := db.SaveReportCard(ctx, collab.Who{}, &st, nil); err != nil {
			t.Fatal(err)
		}
		old := st.CardToken
		// Unpublish and republish: the same address.
		st.CardPublic = false
		if err := db.SaveReportCard(ctx, collab.Who{}, &st, nil); err != nil {
			t.Fatal(err)
		}
		st.CardPublic = true
		if err := db.SaveReportCard(ctx, collab.Who{}, &st, nil); err != nil || st.CardToken != old {
			t.Fatalf("republished under %q, was %q (%v)", st.CardToken, old, err)
		}
		if err := db.NewCardAddress(ctx, collab.Who{UserID: f.convID}, f.c.ID); err != nil {
			t.Fatal(err)
		}
		now, err := db.LearningSettings(ctx, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.CardToken == "" || now.CardToken == old || !now.CardPublic {
			t.Fatalf("after a new address: token %q (old %q), public %v", now.CardToken, old, now.CardPublic)
		}
		if _, err := db.CollabByCardToken(ctx, old); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("old address: %v, want not found", err)
		}
		if id, err := db.CollabByCardToken(ctx, now.CardToken); err != nil || id != f.c.ID {
			t.Errorf("new address: %d, %v", id, err)
		}
		es, err := db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: f.c.ID})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range es {
			found = found || (e.Action == "learning.card_address" && e.ActorID == f.convID)
			if strings.Contains(e.Detail, old) || strings.Contains(e.Detail, now.CardToken) {
				t.Errorf("audit row %s holds a card token: %q", e.Action, e.Detail)
			}
		}
		if !found {
			t.Error("no learning.card_address audit row")
		}
	})
}
