package web

import (
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// limitsFixtures gives each fixture team a recalculation of its limits
// (limitsA, limitsB on the demo's measure; limitsC in collaborative 2),
// from the second period it reported, for the routes that remove one.
func limitsFixtures(t testing.TB, e *env, c1, c2, teamA, teamB, teamC, m2 int64) {
	t.Helper()
	who := collab.Who{}
	two := 2.0
	_, err := e.db.SaveValues(bg, who, c2, teamC, []*improve.Value{{MeasureID: m2, Period: collab.NewDate(2026, 2, 1), Value: &two}}, "form")
	must(t, err)
	add := func(name string, c, team, m int64) {
		vals, err := e.db.Values(bg, c, sqlstore.ValueFilter{TeamID: team, MeasureID: m})
		must(t, err)
		var periods []collab.Date
		for _, v := range vals {
			if len(periods) == 0 || periods[len(periods)-1] != v.Period {
				periods = append(periods, v.Period)
			}
		}
		if len(periods) < 2 {
			t.Fatalf("%s: the fixture team reported %d periods of measure %d; want 2 or more", name, len(periods), m)
		}
		b := &improve.LimitBreak{CollaborativeID: c, TeamID: team, MeasureID: m, Period: periods[1], Reason: "fixture " + name}
		must(t, e.db.AddLimitBreak(bg, who, b))
		e.ids[name] = b.ID
	}
	add("limitsA", c1, teamA, e.ids["measure1"])
	add("limitsB", c1, teamB, e.ids["measure1"])
	add("limitsC", c2, teamC, m2)
}
