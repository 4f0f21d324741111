package sqlstore_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestMeasureSummaries writes, corrects and clears values of a grouped
// ratio measure and a grouped plain one for three teams, at random, and
// after every write checks the summaries the views of every team read
// against sums of the values themselves; at the end the migration's
// backfill from the values gives the same summaries. It would catch a
// summary not refreshed for a period, team or measure a write touched, a
// cleared cell still counted, a wrong
// first-entered time, or sums adjusted by differences drifting.
func TestMeasureSummaries(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		c := f.c.ID
		teamC := &collab.Team{CollaborativeID: c, Name: "Team C", Kind: collab.KindCommunity}
		must(t, db.CreateTeam(ctx, collab.Who{}, teamC))
		teams := []int64{f.teamA.ID, f.teamB.ID, teamC.ID}
		// A rate (u chart), not a proportion: random parts may have the
		// numerator above the denominator.
		ratio := &improve.Measure{CollaborativeID: c, Name: "Ratio", Ratio: true, Chart: "u", GroupKey: "g", GroupValues: []string{"a", "b"}}
		plain := &improve.Measure{CollaborativeID: c, Name: "Plain", Chart: "run", GroupKey: "g", GroupValues: []string{"a", "b"}}
		must(t, db.CreateMeasure(ctx, collab.Who{}, ratio))
		must(t, db.CreateMeasure(ctx, collab.Who{}, plain))
		measures := []*improve.Measure{ratio, plain}

		rng := rand.New(rand.NewPCG(9, 12))
		// Quarters add up exactly in any order, so sums compare exactly.
		num := func() *float64 { x := float64(rng.IntN(80)) / 4; return &x }
		for step := 0; step < 120; step++ {
			*f.clock = f.clock.Add(time.Hour)
			m := measures[rng.IntN(2)]
			team := teams[rng.IntN(3)]
			var vals []*improve.Value
			for k := 1 + rng.IntN(3); k > 0; k-- {
				v := &improve.Value{MeasureID: m.ID, Period: collab.NewDate(2026, 1, 1).AddMonths(rng.IntN(5)), Group: []string{"a", "b"}[rng.IntN(2)]}
				switch r := rng.IntN(10); {
				case r < 3: // cleared
				// A numerator without its denominator is refused by
				// SaveValues (improve.Value.ValidateFor), so no row has one.
				case m.Ratio:
					v.Numerator, v.Denominator = num(), num()
				default:
					v.Value = num()
				}
				if !slices.ContainsFunc(vals, func(o *improve.Value) bool { return o.Period == v.Period && o.Group == v.Group }) {
					vals = append(vals, v)
				}
			}
			_, err := db.SaveValues(ctx, collab.Who{}, c, team, vals, "form")
			must(t, err)
			for _, m := range measures {
				checkSummaries(t, db, c, m, teams)
			}
			if t.Failed() {
				t.Fatalf("after step %d", step)
			}
		}
		must(t, db.RebuildSummariesForTest(ctx))
		for _, m := range measures {
			checkSummaries(t, db, c, m, teams)
		}
	})
}

// checkSummaries compares what the store's summaries say of m with sums
// of its values.
func checkSummaries(t *testing.T, db *sqlstore.DB, c int64, m *improve.Measure, teams []int64) {
	t.Helper()
	vals, err := db.Values(ctx, c, sqlstore.ValueFilter{MeasureID: m.ID, Lean: true})
	must(t, err)
	type key struct {
		team   int64
		period collab.Date
	}
	totals := map[key]*sqlstore.TeamPeriod{}
	var keys []key
	for _, v := range vals {
		var y, n float64
		switch {
		case m.Ratio && v.Numerator != nil && v.Denominator != nil:
			y, n = *v.Numerator, *v.Denominator
		case !m.Ratio && v.Value != nil:
			y = *v.Value
		default:
			continue
		}
		k := key{v.TeamID, v.Period}
		tp := totals[k]
		if tp == nil {
			tp = &sqlstore.TeamPeriod{TeamID: v.TeamID, Period: v.Period, First: v.FirstEnteredAt}
			totals[k] = tp
			keys = append(keys, k)
		}
		tp.Y += y
		tp.N += n
		if v.FirstEnteredAt.Before(tp.First) {
			tp.First = v.FirstEnteredAt
		}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.team != b.team {
			return int(a.team - b.team)
		}
		return a.period.Time().Compare(b.period.Time())
	})
	var want []sqlstore.TeamPeriod
	periods := map[collab.Date]*sqlstore.PeriodTotal{}
	reporting := map[int64]bool{}
	for _, k := range keys {
		tp := *totals[k]
		want = append(want, tp)
		reporting[k.team] = true
		p := periods[k.period]
		if p == nil {
			p = &sqlstore.PeriodTotal{Period: k.period}
			periods[k.period] = p
		}
		p.Teams++
		p.Y += tp.Y
		p.N += tp.N
	}
	same := func(what string, got, want []sqlstore.TeamPeriod) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s %s: %d team periods, want %d:\n got %+v\nwant %+v", m.Name, what, len(got), len(want), got, want)
			return
		}
		for i := range got {
			g, w := got[i], want[i]
			if g.TeamID != w.TeamID || g.Period != w.Period || g.Y != w.Y || g.N != w.N || !g.First.Equal(w.First) {
				t.Errorf("%s %s: got %+v, want %+v", m.Name, what, g, w)
			}
		}
	}
	got, err := db.MeasureTotals(ctx, c, m)
	must(t, err)
	same("totals", got, want)
	page, err := db.TeamMeasureTotals(ctx, c, m.ID, teams[1:2])
	must(t, err)
	var wantPage []sqlstore.TeamPeriod
	for _, tp := range want {
		if tp.TeamID == teams[1] {
			wantPage = append(wantPage, tp)
		}
	}
	same("one team's totals", page, wantPage)

	gotP, err := db.MeasurePeriods(ctx, c, m.ID)
	must(t, err)
	if len(gotP) != len(periods) {
		t.Errorf("%s: %d aggregate periods, want %d: %+v", m.Name, len(gotP), len(periods), gotP)
	}
	for _, p := range gotP {
		if w := periods[p.Period]; w == nil || *w != p {
			t.Errorf("%s aggregate of %s: got %+v, want %+v", m.Name, p.Period, p, w)
		}
	}
	n, err := db.MeasureTeamsReporting(ctx, c, m.ID)
	must(t, err)
	if n != len(reporting) {
		t.Errorf("%s: %d teams reporting, want %d", m.Name, n, len(reporting))
	}
}

// TestMeasureSummariesReplicas has eight teams write the same periods of
// one measure at once through four connections to one PostgreSQL
// database, as replicas would, while two of them fold the noted periods
// in a loop: each period's total over every team must count every team,
// before the last fold and after it, though each write's transaction
// began before the others committed. Summing every team inside each
// write without a lock on the measure misses another's uncommitted
// total (and it misses ours); a fold that cleared notes it had not
// summed, or summed before the writes it cleared were visible, leaves a
// total short for good.
func TestMeasureSummariesReplicas(t *testing.T) {
	dbs := replicas(t, sqltest.PostgresDSN(t), 4)
	f := newFixture(t, dbs[0])
	// Late in the collaborative's first year: every month written has begun.
	*f.clock = time.Date(2026, 12, 15, 12, 0, 0, 0, time.UTC)
	m := &improve.Measure{CollaborativeID: f.c.ID, Name: "Ratio", Ratio: true, Chart: "p"}
	must(t, dbs[0].CreateMeasure(ctx, collab.Who{}, m))
	var teams []int64
	for i := 0; i < 8; i++ {
		tm := &collab.Team{CollaborativeID: f.c.ID, Name: fmt.Sprint("Team ", i), Kind: collab.KindCommunity}
		must(t, dbs[0].CreateTeam(ctx, collab.Who{}, tm))
		teams = append(teams, tm.ID)
	}
	errs := make(chan error, len(teams)*3+2)
	var wg sync.WaitGroup
	writing := make(chan struct{})
	var folders sync.WaitGroup
	for _, db := range dbs[:2] {
		folders.Add(1)
		go func() {
			defer folders.Done()
			for {
				if _, err := db.FoldMeasurePeriods(ctx); err != nil {
					errs <- err
					return
				}
				select {
				case <-writing:
					return
				default:
				}
			}
		}()
	}
	for i, team := range teams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 3; round++ {
				var vals []*improve.Value
				for k := 0; k < 6; k++ {
					n, d := float64(round+1), 4.0
					vals = append(vals, &improve.Value{MeasureID: m.ID, Period: collab.NewDate(2026, 1, 1).AddMonths(k), Numerator: &n, Denominator: &d})
				}
				_, err := dbs[i%len(dbs)].SaveValues(ctx, collab.Who{}, f.c.ID, team, vals, "form")
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(writing)
	folders.Wait()
	close(errs)
	for err := range errs {
		must(t, err)
	}
	check := func(when string) {
		t.Helper()
		ps, err := dbs[0].MeasurePeriods(ctx, f.c.ID, m.ID)
		must(t, err)
		if len(ps) != 6 {
			t.Fatalf("%s: %d periods, want 6", when, len(ps))
		}
		for _, p := range ps {
			if p.Teams != 8 || p.Y != 24 || p.N != 32 {
				t.Errorf("%s: period %s: %+v, want 8 teams, 24 / 32", when, p.Period, p)
			}
		}
		checkSummaries(t, dbs[0], f.c.ID, m, teams)
	}
	check("before the last fold")
	_, err := dbs[3].FoldMeasurePeriods(ctx)
	must(t, err)
	check("after the last fold")
	if n, err := dbs[2].FoldMeasurePeriods(ctx); err != nil || n != 0 {
		t.Errorf("a fold after the last: %d periods, %v; want none left", n, err)
	}
}

// TestMeasureSummariesOneTeamAtOnce: one team saving from several
// connections at once (two tabs, an import beside the form, replicas),
// each a different month. Every save succeeds and the team's summary
// rows equal fresh sums: rewriting them is not a race on their keys.
func TestMeasureSummariesOneTeamAtOnce(t *testing.T) {
	dbs := replicas(t, sqltest.PostgresDSN(t), 4)
	f := newFixture(t, dbs[0])
	// Late in the collaborative's first year: every month written has begun.
	*f.clock = time.Date(2026, 12, 15, 12, 0, 0, 0, time.UTC)
	m := &improve.Measure{CollaborativeID: f.c.ID, Name: "Ratio", Ratio: true, Chart: "p"}
	must(t, dbs[0].CreateMeasure(ctx, collab.Who{}, m))
	tm := &collab.Team{CollaborativeID: f.c.ID, Name: "One team", Kind: collab.KindCommunity}
	must(t, dbs[0].CreateTeam(ctx, collab.Who{}, tm))
	other := &collab.Team{CollaborativeID: f.c.ID, Name: "Another team", Kind: collab.KindCommunity}
	must(t, dbs[0].CreateTeam(ctx, collab.Who{}, other))
	const writers = 16
	errs := make(chan error, writers)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, d := float64(w), 20.0
			v := &improve.Value{MeasureID: m.ID, Period: collab.NewDate(2026, 1, 1).AddMonths(w % 12), Numerator: &n, Denominator: &d}
			_, err := dbs[w%len(dbs)].SaveValues(ctx, collab.Who{}, f.c.ID, tm.ID, []*improve.Value{v}, "form")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("a save of one team beside others: %v", err)
		}
	}
	checkSummaries(t, dbs[0], f.c.ID, m, []int64{tm.ID, other.ID})
}

// replicas opens n connection pools to one PostgreSQL database, as n app
// replicas would, migrating it through the first; they close with the test.
func replicas(t *testing.T, dsn string, n int) []*sqlstore.DB {
	t.Helper()
	var dbs []*sqlstore.DB
	for i := 0; i < n; i++ {
		db, err := sqlstore.Open(ctx, dsn)
		must(t, err)
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			_, err = db.Migrate(ctx)
			must(t, err)
		}
		dbs = append(dbs, db)
	}
	return dbs
}
