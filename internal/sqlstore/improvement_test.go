package sqlstore_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/demo"
	"github.com/goeswell/goeswell/internal/framework"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

func seedDemo(t *testing.T, db *sqlstore.DB) (*demo.Result, *demo.ImprovementResult) {
	t.Helper()
	res, err := demo.Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	imp, err := demo.SeedImprovement(ctx, db, res)
	if err != nil {
		t.Fatal(err)
	}
	return res, imp
}

// TestAdoptEditFramework adopts every built-in framework into a
// collaborative, then edits the Blueprint's copy: add, rename, reorder and
// retire nodes, each kept in the history, and the export reflects the
// edits and reads back.
func TestAdoptEditFramework(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		res, imp := seedDemo(t, db)
		c := res.CollaborativeID
		who := collab.Who{RemoteAddr: "test"}
		bs, err := framework.Builtin()
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range bs {
			if b.Key == "wellbeing-blueprint" {
				// Seeded already: adopting it twice is a field error.
				_, err := db.AdoptFramework(ctx, who, c, b, b.Key)
				if fe := collab.FieldErrors(err); fe["key"] == "" {
					t.Errorf("adopting %s twice: %v", b.Key, err)
				}
				continue
			}
			cf, err := db.AdoptFramework(ctx, who, c, b, b.Key)
			if err != nil {
				t.Fatalf("adopt %s: %v", b.Key, err)
			}
			if got, want := len(cf.Flatten()), len(b.Flatten()); got != want {
				t.Errorf("%s: %d nodes adopted, want %d", b.Key, got, want)
			}
			var buf bytes.Buffer
			if err := framework.Export(&buf, cf.Export(), "yaml"); err != nil {
				t.Fatalf("export %s: %v", b.Key, err)
			}
		}
		fws, err := db.Frameworks(ctx, c)
		if err != nil || len(fws) != len(bs) {
			t.Fatalf("frameworks: %d, %v; want %d", len(fws), err, len(bs))
		}

		fw, err := db.FindFramework(ctx, c, imp.FrameworkID)
		if err != nil {
			t.Fatal(err)
		}
		top := fw.Nodes[0]
		// Add a recommendation under principle 1, then an action under it.
		rec, err := db.AddFrameworkNode(ctx, who, c, fw.ID, top.ID, "", "Ask people what goes well", "")
		if err != nil {
			t.Fatal(err)
		}
		if want := top.Code + "." + itoa(len(top.Children)+1); rec.Code != want || rec.Kind != "recommendation" {
			t.Errorf("new node: code %q kind %q, want %q recommendation", rec.Code, rec.Kind, want)
		}
		act, err := db.AddFrameworkNode(ctx, who, c, fw.ID, rec.ID, "", "Open with the question", "")
		if err != nil {
			t.Fatal(err)
		}
		if act.Code != rec.Code+".1" || act.Kind != "action" {
			t.Errorf("new action: %q %q", act.Code, act.Kind)
		}
		// Actions are the last level: nothing goes under them.
		if _, err := db.AddFrameworkNode(ctx, who, c, fw.ID, act.ID, "", "Too deep", ""); collab.FieldErrors(err)["parent"] == "" {
			t.Errorf("a node below the last level: %v", err)
		}
		if _, err := db.AddFrameworkNode(ctx, who, c, fw.ID, 0, "", " ", ""); collab.FieldErrors(err)["title"] == "" {
			t.Errorf("an empty title: %v", err)
		}
		title := "Start with what matters to people"
		must(t, db.EditFrameworkNode(ctx, who, c, fw.ID, top.ID, sqlstore.NodeEdit{Title: &title}))
		must(t, db.EditFrameworkNode(ctx, who, c, fw.ID, fw.Nodes[1].ID, sqlstore.NodeEdit{Move: -1}))
		retire := true
		must(t, db.EditFrameworkNode(ctx, who, c, fw.ID, top.Children[0].ID, sqlstore.NodeEdit{Retired: &retire}))
		// The last top-level node of a framework cannot be retired.
		small, err := db.FindFramework(ctx, c, fws[0].ID)
		must(t, err)
		for i, n := range small.Nodes {
			err := db.EditFrameworkNode(ctx, who, c, small.ID, n.ID, sqlstore.NodeEdit{Retired: &retire})
			if last := i == len(small.Nodes)-1; last != (collab.FieldErrors(err)["retired"] != "") {
				t.Errorf("retire top-level node %d of %d: %v", i+1, len(small.Nodes), err)
			}
		}
		// Another collaborative's id is not found.
		if err := db.EditFrameworkNode(ctx, who, c+1000, fw.ID, top.ID, sqlstore.NodeEdit{Title: &title}); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("edit out of scope: %v", err)
		}

		fw, err = db.FindFramework(ctx, c, fw.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fw.Nodes[1].ID != top.ID || fw.Nodes[1].Title != title {
			t.Errorf("after move and rename, the second node is %s %q", fw.Nodes[1].Code, fw.Nodes[1].Title)
		}
		hist, err := db.FrameworkHistory(ctx, c, fw.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, h := range hist {
			actions = append(actions, h.Action)
		}
		if got, want := strings.Join(actions, ","), "retire,move,rename,add,add,adopt"; got != want {
			t.Errorf("history %s, want %s", got, want)
		}
		if hist[2].Before != "Start with what matters to people: wellbeing" || hist[2].After != title {
			t.Errorf("rename history: %q -> %q", hist[2].Before, hist[2].After)
		}
		var buf bytes.Buffer
		if err := framework.Export(&buf, fw.Export(), "yaml"); err != nil {
			t.Fatal(err)
		}
		back, err := framework.Parse(&buf, "yaml")
		if err != nil {
			t.Fatalf("the edited framework does not read back: %v", err)
		}
		codes := map[string]string{}
		for _, e := range back.Flatten() {
			codes[e.Node.Code] = e.Node.Title
		}
		if _, ok := codes[top.Children[0].Code]; ok {
			t.Errorf("retired node %s exported", top.Children[0].Code)
		}
		if codes[act.Code] != "Open with the question" || codes[top.Code] != title {
			t.Errorf("export lacks the edits: %q %q", codes[act.Code], codes[top.Code])
		}
		// The demo change ideas link to a Blueprint action; the change
		// package counts their teams and cycles.
		use, err := db.ChangePackage(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		u := use[imp.NodeID]
		if u == nil || len(u.Teams) != len(res.TeamIDs) || u.Cycles != 3*len(res.TeamIDs) || u.Adopt != len(res.TeamIDs) || u.Adapt != len(res.TeamIDs) || u.Open != len(res.TeamIDs) {
			t.Errorf("change package for the linked node: %+v", u)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestValuesHistory checks that saving values is all or nothing, that an
// unchanged value is not rewritten, and that a correction and a clearing
// keep every version in the history.
func TestValuesHistory(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		res, imp := seedDemo(t, db)
		c, team := res.CollaborativeID, res.TeamIDs[0]
		who := collab.Who{RemoteAddr: "test"}
		f := func(x float64) *float64 { return &x }
		// The current month: within the demo's dates, and not reported
		// by its teams yet.
		period := improve.PeriodStart(improve.Monthly, collab.DateOf(db.Now()))
		n, err := db.SaveValues(ctx, who, c, team, []*improve.Value{{MeasureID: imp.MeasureID, Period: period, Numerator: f(3), Denominator: f(10)}}, "form")
		if err != nil || n != 1 {
			t.Fatalf("save: %d %v", n, err)
		}
		// The same again changes nothing.
		if n, err = db.SaveValues(ctx, who, c, team, []*improve.Value{{MeasureID: imp.MeasureID, Period: period, Numerator: f(3), Denominator: f(10)}}, "form"); err != nil || n != 0 {
			t.Fatalf("save unchanged: %d %v", n, err)
		}
		// A batch with a measure of another collaborative fails whole.
		before, _ := db.Values(ctx, c, sqlstore.ValueFilter{TeamID: team})
		_, err = db.SaveValues(ctx, who, c, team, []*improve.Value{
			{MeasureID: imp.MeasureID, Period: period, Numerator: f(4), Denominator: f(10)},
			{MeasureID: 999999, Period: period, Value: f(1)},
		}, "form")
		if !errors.Is(err, collab.ErrNotFound) {
			t.Fatalf("bad batch: %v", err)
		}
		after, _ := db.Values(ctx, c, sqlstore.ValueFilter{TeamID: team})
		if len(after) != len(before) || *after[0].Numerator != *before[0].Numerator {
			t.Fatal("a failed batch changed values")
		}
		// Correct, then clear.
		if _, err := db.SaveValues(ctx, who, c, team, []*improve.Value{{MeasureID: imp.MeasureID, Period: period, Numerator: f(4), Denominator: f(10)}}, "import"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.SaveValues(ctx, who, c, team, []*improve.Value{{MeasureID: imp.MeasureID, Period: period}}, "form"); err != nil {
			t.Fatal(err)
		}
		hist, err := db.ValueHistory(ctx, c, team, imp.MeasureID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range hist {
			if h.Period != period {
				continue
			}
			s := h.Source + ":"
			if h.Numerator != nil {
				s += itoa(int(*h.Numerator))
			}
			got = append(got, s)
		}
		if strings.Join(got, " ") != "form: import:4 form:3" {
			t.Errorf("history %v", got)
		}
		// Totals per team and period, summed in the database.
		m, err := db.FindMeasure(ctx, c, 0, imp.MeasureID)
		must(t, err)
		tps, err := db.MeasureTotals(ctx, c, m)
		must(t, err)
		if len(tps) != 12*len(res.TeamIDs) {
			t.Errorf("%d team periods, want %d", len(tps), 12*len(res.TeamIDs))
		}
		vals, err := db.Values(ctx, c, sqlstore.ValueFilter{TeamID: team, MeasureID: imp.MeasureID})
		must(t, err)
		if tp := tps[0]; tp.TeamID != team || tp.Period != vals[0].Period || tp.Y != *vals[0].Numerator || tp.N != *vals[0].Denominator || tp.First.IsZero() {
			t.Errorf("first total %+v, first value %+v", tp, vals[0])
		}
		plain := &improve.Measure{CollaborativeID: c, Name: "Plain", Chart: "run", GroupKey: "g", GroupValues: []string{"a", "b"}}
		must(t, db.CreateMeasure(ctx, who, plain))
		_, err = db.SaveValues(ctx, who, c, team, []*improve.Value{{MeasureID: plain.ID, Period: period, Group: "a", Value: f(2)}, {MeasureID: plain.ID, Period: period, Group: "b", Value: f(3.5)}}, "form")
		must(t, err)
		tps, err = db.MeasureTotals(ctx, c, plain)
		if err != nil || len(tps) != 1 || tps[0].Y != 5.5 {
			t.Errorf("plain totals %+v %v", tps, err)
		}
		// Another team's history is not this team's.
		other, _ := db.ValueHistory(ctx, c, res.TeamIDs[1], imp.MeasureID)
		for _, h := range other {
			if h.Period == period {
				t.Error("another team's history shows this team's value")
			}
		}
	})
}

// TestPDSAScope checks that cycles and drivers stay within their team.
func TestPDSAScope(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		res, imp := seedDemo(t, db)
		c := res.CollaborativeID
		who := collab.Who{RemoteAddr: "test"}
		// Team B cannot test team A's change idea.
		p := &improve.PDSA{CollaborativeID: c, TeamID: res.TeamIDs[1], ChangeID: imp.ChangeIDs[0], Title: "x"}
		if err := db.SavePDSA(ctx, who, p); collab.FieldErrors(err)["change"] == "" {
			t.Errorf("a cycle on another team's change idea: %v", err)
		}
		if _, err := db.FindPDSA(ctx, c, res.TeamIDs[1], imp.CycleIDs[0]); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("another team's cycle: %v", err)
		}
		// A decision needs what went well first.
		p = &improve.PDSA{CollaborativeID: c, TeamID: res.TeamIDs[0], ChangeID: imp.ChangeIDs[0], Title: "x", Decision: improve.DecisionAdopt}
		if err := db.SavePDSA(ctx, who, p); collab.FieldErrors(err)["wentWell"] == "" {
			t.Errorf("a decision without what went well: %v", err)
		}
		// A change idea with cycles cannot be deleted.
		if err := db.DeleteDriver(ctx, who, c, res.TeamIDs[0], imp.DriverIDs[0]); collab.FieldErrors(err)["driver"] == "" {
			t.Errorf("delete a driver with cycles: %v", err)
		}
		ds, err := db.Drivers(ctx, c, res.TeamIDs[0], imp.AimIDs[0])
		if err != nil || len(ds) != 1 || len(ds[0].Children) != 2 || len(ds[0].Children[0].Children) != 1 || ds[0].Children[0].Children[0].FrameworkNodeID != imp.NodeID {
			t.Errorf("driver tree: %v %v", ds, err)
		}
	})
}
