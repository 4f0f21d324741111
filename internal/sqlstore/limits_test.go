package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

func fp(x float64) *float64 { return &x }

// TestSaveValuesRefusesImpossible checks the store's last word on values:
// whatever the way in, a value outside the collaborative's dates, a
// proportion's numerator above its denominator and a negative count are
// refused, naming the rule, and nothing of the batch is saved.
func TestSaveValuesRefusesImpossible(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		res, imp := seedDemo(t, db)
		c, team := res.CollaborativeID, res.TeamIDs[0]
		who := collab.Who{RemoteAddr: "test"}
		count := &improve.Measure{CollaborativeID: c, TeamID: team, Name: "Sessions held", Chart: "run"}
		if err := db.CreateMeasure(ctx, who, count); err != nil {
			t.Fatal(err)
		}
		col, err := db.FindCollaborative(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		ok := col.StartDate.AddMonths(1)
		for _, tc := range []struct {
			name      string
			v         improve.Value
			field, is string
		}{
			{"2031", improve.Value{MeasureID: count.ID, Period: collab.NewDate(2031, 1, 1), Value: fp(3)}, "period", "measure.error_outside_collab"},
			{"before the start", improve.Value{MeasureID: count.ID, Period: col.StartDate.AddMonths(-1), Value: fp(3)}, "period", "measure.error_outside_collab"},
			{"50 of 40", improve.Value{MeasureID: imp.MeasureID, Period: ok, Numerator: fp(50), Denominator: fp(40)}, "value", "measure.error_numerator_above"},
			{"negative count", improve.Value{MeasureID: count.ID, Period: ok, Value: fp(-2)}, "value", "measure.error_negative"},
			{"negative numerator", improve.Value{MeasureID: imp.MeasureID, Period: ok, Numerator: fp(-1), Denominator: fp(40)}, "value", "measure.error_negative"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before, err := db.Values(ctx, c, sqlstore.ValueFilter{TeamID: team})
				if err != nil {
					t.Fatal(err)
				}
				good := improve.Value{MeasureID: count.ID, Period: ok, Value: fp(4)}
				v := tc.v
				_, err = db.SaveValues(ctx, who, c, team, []*improve.Value{&good, &v}, "form")
				if got := collab.FieldErrors(err)[tc.field]; got != tc.is {
					t.Fatalf("error %v: field %s = %q, want %q", err, tc.field, got, tc.is)
				}
				after, err := db.Values(ctx, c, sqlstore.ValueFilter{TeamID: team})
				if err != nil {
					t.Fatal(err)
				}
				if len(after) != len(before) {
					t.Errorf("%d values before, %d after a refused batch: not all or nothing", len(before), len(after))
				}
			})
		}
		// Fractions of an hour and a proportion of the whole are fine.
		if _, err := db.SaveValues(ctx, who, c, team, []*improve.Value{{MeasureID: count.ID, Period: ok, Value: fp(1.5)},
			{MeasureID: imp.MeasureID, Period: ok, Numerator: fp(40), Denominator: fp(40)}}, "form"); err != nil {
			t.Errorf("1.5 and 40/40: %v", err)
		}
	})
}

// TestPDSADatesInProject refuses cycles dated outside the collaborative
// (1999, 2099) and keeps the measure a cycle is linked to.
func TestPDSADatesInProject(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		res, imp := seedDemo(t, db)
		c, team := res.CollaborativeID, res.TeamIDs[0]
		who := collab.Who{RemoteAddr: "test"}
		for _, tc := range []struct {
			name          string
			start, end    collab.Date
			field, wantIs string
		}{
			{"1999", collab.NewDate(1999, 3, 1), collab.Date{}, "startedOn", "pdsa.error_outside_collab"},
			{"2099", collab.NewDate(2099, 3, 1), collab.Date{}, "startedOn", "pdsa.error_outside_collab"},
			{"ends 2099", collab.DateOf(db.Now()), collab.NewDate(2099, 3, 1), "endedOn", "pdsa.error_outside_collab"},
		} {
			p := &improve.PDSA{CollaborativeID: c, TeamID: team, ChangeID: imp.ChangeIDs[0], Title: tc.name, StartedOn: tc.start, EndedOn: tc.end}
			err := db.SavePDSA(ctx, who, p)
			if got := collab.FieldErrors(err)[tc.field]; got != tc.wantIs {
				t.Errorf("%s: %v, want %s on %s", tc.name, err, tc.wantIs, tc.field)
			}
		}
		p := &improve.PDSA{CollaborativeID: c, TeamID: team, ChangeID: imp.ChangeIDs[0], Title: "Linked", StartedOn: collab.DateOf(db.Now()), MeasureID: imp.MeasureID}
		if err := db.SavePDSA(ctx, who, p); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindPDSA(ctx, c, team, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.MeasureID != imp.MeasureID {
			t.Errorf("measure %d read back, want %d", got.MeasureID, imp.MeasureID)
		}
		p.MeasureID = 0
		if err := db.SavePDSA(ctx, who, p); err != nil {
			t.Fatal(err)
		}
		if got, _ = db.FindPDSA(ctx, c, team, p.ID); got.MeasureID != 0 {
			t.Errorf("link kept after clearing: %d", got.MeasureID)
		}
		entries, err := db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: c, Limit: 1})
		if err != nil || len(entries) == 0 || !strings.Contains(entries[0].Detail, `"measure_id":[`) {
			t.Errorf("the audit row of unlinking does not say so: %v %+v", err, entries)
		}
	})
}

// TestLimitBreaks records, lists and removes a recalculation of limits,
// audited, and refuses one with no baseline before it or twice the same.
func TestLimitBreaks(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		res, imp := seedDemo(t, db)
		c, team, m := res.CollaborativeID, res.TeamIDs[0], imp.MeasureID
		who := collab.Who{RemoteAddr: "test"}
		vals, err := db.Values(ctx, c, sqlstore.ValueFilter{TeamID: team, MeasureID: m})
		if err != nil || len(vals) < 3 {
			t.Fatalf("%d values, %v", len(vals), err)
		}
		first := vals[0].Period
		if err := db.AddLimitBreak(ctx, who, &improve.LimitBreak{CollaborativeID: c, TeamID: team, MeasureID: m, Period: first, Reason: "x"}); collab.FieldErrors(err)["period"] != "limits.error_no_baseline" {
			t.Errorf("from the first period: %v", err)
		}
		if err := db.AddLimitBreak(ctx, who, &improve.LimitBreak{CollaborativeID: c, TeamID: team, MeasureID: m, Period: vals[2].Period}); collab.FieldErrors(err)["reason"] != "error.required" {
			t.Errorf("without a reason: %v", err)
		}
		b := &improve.LimitBreak{CollaborativeID: c, TeamID: team, MeasureID: m, Period: vals[2].Period.AddDays(9), Reason: "Shift after adopting the opening question"}
		if err := db.AddLimitBreak(ctx, who, b); err != nil {
			t.Fatal(err)
		}
		if b.Period != vals[2].Period {
			t.Errorf("period %s, want the month's start %s", b.Period, vals[2].Period)
		}
		if err := db.AddLimitBreak(ctx, who, &improve.LimitBreak{CollaborativeID: c, TeamID: team, MeasureID: m, Period: vals[2].Period, Reason: "again"}); collab.FieldErrors(err)["period"] != "limits.error_duplicate" {
			t.Errorf("twice: %v", err)
		}
		got, err := db.LimitBreaks(ctx, c, team, m)
		if err != nil || len(got) != 1 || got[0].Reason != b.Reason || got[0].Period != b.Period {
			t.Fatalf("listed %+v, %v", got, err)
		}
		if other, _ := db.LimitBreaks(ctx, c, res.TeamIDs[1], m); len(other) != 0 {
			t.Errorf("another team sees %d recalculations", len(other))
		}
		if err := db.DeleteLimitBreak(ctx, who, c, res.TeamIDs[1], m, b.ID); err == nil {
			t.Error("another team removed the recalculation")
		}
		if err := db.DeleteLimitBreak(ctx, who, c, team, m, b.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.LimitBreaks(ctx, c, team, m); len(got) != 0 {
			t.Errorf("%d left after removing", len(got))
		}
		entries, err := db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: c, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, e.Action)
		}
		if len(actions) < 2 || actions[0] != "limits.remove" || actions[1] != "limits.recalculate" || !strings.Contains(entries[0].Detail, "Shift after adopting") {
			t.Errorf("audit: %v %q", actions, entries[0].Detail)
		}
	})
}
