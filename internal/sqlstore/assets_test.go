package sqlstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// twoTeams makes a collaborative with two teams, and a second
// collaborative with one.
func twoTeams(t *testing.T, db *sqlstore.DB) (c1, a, b, c2, c int64) {
	t.Helper()
	who := collab.Who{}
	mk := func() int64 {
		co := &collab.Collaborative{Name: "WLC", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2027, 6, 30), Policy: collab.DefaultPolicy()}
		if err := db.CreateCollaborative(ctx, who, co, nil, 0); err != nil {
			t.Fatal(err)
		}
		return co.ID
	}
	team := func(c int64, name string) int64 {
		tm := &collab.Team{CollaborativeID: c, Name: name, Kind: collab.KindCommunity}
		if err := db.CreateTeam(ctx, who, tm); err != nil {
			t.Fatal(err)
		}
		return tm.ID
	}
	c1, c2 = mk(), mk()
	return c1, team(c1, "A"), team(c1, "B"), c2, team(c2, "C")
}

func TestAssetsStore(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c1, a, b, c2, _ := twoTeams(t, db)
		who := collab.Who{UserID: 0, RemoteAddr: "192.0.2.9"}
		as := &collab.Asset{Name: "Library", Kind: collab.AssetPlace, Lat: 42.1, Lng: -72.5, HasLocation: true, Domains: []collab.Domain{collab.DomainAccess, collab.DomainSocial}}
		if err := db.CreateAsset(ctx, who, c1, a, as); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindAsset(ctx, c1, a, as.ID)
		if err != nil || got.Lat != 42.1 || len(got.Domains) != 2 || got.TeamName != "A" {
			t.Fatalf("find: %+v %v", got, err)
		}
		// Scope: another team's or collaborative's path does not find it.
		if _, err := db.FindAsset(ctx, c1, b, as.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("found through team B: %v", err)
		}
		if _, err := db.FindAsset(ctx, c2, a, as.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("found through collaborative 2: %v", err)
		}
		if err := db.DeleteAsset(ctx, who, c1, b, as.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("deleted through team B: %v", err)
		}
		got.HasLocation, got.Shared = false, true
		if err := db.UpdateAsset(ctx, who, c1, a, got); err != nil {
			t.Fatal(err)
		}
		shared, _ := db.Assets(ctx, c1, sqlstore.ItemFilter{SharedOnly: true})
		if len(shared) != 1 || shared[0].HasLocation {
			t.Errorf("shared: %+v", shared)
		}
		// Import is all or nothing.
		bad := []*collab.Asset{{Name: "Park", Kind: collab.AssetPlace}, {Name: "", Kind: collab.AssetPlace}}
		if err := db.ImportAssets(ctx, who, c1, a, bad); collab.FieldErrors(err) == nil {
			t.Errorf("bad import: %v", err)
		}
		if all, _ := db.Assets(ctx, c1, sqlstore.ItemFilter{TeamID: a}); len(all) != 1 {
			t.Errorf("a failed import kept %d", len(all)-1)
		}
		if err := db.ImportAssets(ctx, who, c1, a, bad[:1]); err != nil {
			t.Fatal(err)
		}
		snap, err := db.CreateAssetSnapshot(ctx, who, c1, a, "Start")
		if err != nil {
			t.Fatal(err)
		}
		snaps, err := db.AssetSnapshots(ctx, c1, a)
		if err != nil || len(snaps) != 1 || snaps[0].ID != snap.ID || len(snaps[0].Assets) != 2 {
			t.Fatalf("snapshots %+v %v", snaps, err)
		}
		if other, _ := db.AssetSnapshots(ctx, c1, b); len(other) != 0 {
			t.Error("team B sees team A's snapshot")
		}
	})
}

func TestSurveyStore(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c1, a, _, c2, c := twoTeams(t, db)
		who := collab.Who{}
		if k, _ := db.SuppressionThreshold(ctx, c1); k != 11 {
			t.Errorf("default threshold %d", k)
		}
		if err := db.SetSuppressionThreshold(ctx, who, c1, 4); collab.FieldErrors(err) == nil {
			t.Error("threshold 4 accepted")
		}
		if err := db.SetSuppressionThreshold(ctx, who, c1, 6); err != nil {
			t.Fatal(err)
		}
		if err := db.SetSuppressionThreshold(ctx, who, c1, 8); err != nil {
			t.Fatal(err)
		}
		if k, _ := db.SuppressionThreshold(ctx, c1); k != 8 {
			t.Errorf("threshold %d", k)
		}
		sv := &collab.Survey{CollaborativeID: c1, Title: "Pulse", Kind: collab.SurveyCustom, Questions: []collab.Question{{Key: "q1", Kind: collab.QScale, Text: "?"}}}
		if err := db.CreateSurvey(ctx, who, sv); err != nil {
			t.Fatal(err)
		}
		// A link for a team of another collaborative is refused.
		if err := db.CreateSurveyLinks(ctx, who, c1, sv.ID, c, false, []string{"x"}); collab.FieldErrors(err) == nil {
			t.Errorf("link for another collaborative's team: %v", err)
		}
		if _, err := db.FindSurvey(ctx, c2, sv.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("survey found through collaborative 2")
		}
		if err := db.CreateSurveyLinks(ctx, who, c1, sv.ID, a, true, []string{"one", "two"}); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return time.Date(2026, 3, 17, 9, 41, 13, 0, time.UTC) }
		if err := db.SubmitSurveyResponse(ctx, "one", map[string]string{"q1": "3"}); err != nil {
			t.Fatal(err)
		}
		if err := db.SubmitSurveyResponse(ctx, "one", map[string]string{"q1": "3"}); !errors.Is(err, collab.ErrNotFound) && !errors.Is(err, collab.ErrConflict) {
			t.Errorf("second use of a single-use link: %v", err)
		}
		if err := db.SubmitSurveyResponse(ctx, "two", map[string]string{"q1": "9"}); collab.FieldErrors(err) == nil {
			t.Errorf("out of range: %v", err)
		}
		if err := db.SetSurveyOpen(ctx, who, c1, sv.ID, false); err != nil {
			t.Fatal(err)
		}
		if err := db.SubmitSurveyResponse(ctx, "two", map[string]string{"q1": "2"}); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("closed survey answered: %v", err)
		}
		// With an answer in, the threshold is fixed (results are released
		// in batches of it: two thresholds would differ by single people);
		// saving the same value is still fine.
		if err := db.SetSuppressionThreshold(ctx, who, c1, 9); collab.FieldErrors(err)["threshold"] != "error.threshold_locked" {
			t.Errorf("threshold changed after answers: %v", err)
		}
		if err := db.SetSuppressionThreshold(ctx, who, c1, 8); err != nil {
			t.Errorf("same threshold refused: %v", err)
		}
		rs, err := db.SurveyResponses(ctx, c1, sv.ID)
		if err != nil || len(rs) != 1 || rs[0].Period != collab.NewDate(2026, 3, 1) || rs[0].TeamID != a {
			t.Fatalf("responses %+v %v", rs, err)
		}
		links, _ := db.SurveyLinks(ctx, c1, sv.ID)
		if len(links) != 2 || !links[0].Used || links[1].Used {
			t.Errorf("links %+v", links)
		}
	})
}

func TestWGWStore(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		c1, a, b, c2, c := twoTeams(t, db)
		who := collab.Who{}
		m := &collab.SuccessMoment{Title: "The landlord called back", Story: "A landlord agreed to wait for the rent", MadePossible: "a neighbour", Domains: []collab.Domain{collab.DomainStability}}
		if err := db.SaveMoment(ctx, who, c1, a, m); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			f    sqlstore.ItemFilter
			want int
		}{
			{sqlstore.ItemFilter{TeamID: a, Query: "LANDLORD"}, 1},
			{sqlstore.ItemFilter{TeamID: a, Query: "neighbour"}, 1},
			{sqlstore.ItemFilter{TeamID: a, Domain: collab.DomainStability}, 1},
			{sqlstore.ItemFilter{TeamID: a, Domain: collab.DomainSafety}, 0},
			{sqlstore.ItemFilter{TeamID: b}, 0},
			{sqlstore.ItemFilter{SharedOnly: true}, 0},
		} {
			if ms, err := db.Moments(ctx, c1, tc.f); err != nil || len(ms) != tc.want {
				t.Errorf("%+v: %d moments, want %d (%v)", tc.f, len(ms), tc.want, err)
			}
		}
		if _, err := db.FindMoment(ctx, c1, b, m.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Error("moment found through team B")
		}
		for i, x := range []struct {
			team int64
			cat  string
		}{{a, "Transportation"}, {a, " transportation "}, {b, "transportation"}, {b, "paperwork"}} {
			if err := db.CreateBarrier(ctx, who, c1, x.team, &collab.Barrier{Category: x.cat, Description: "d"}); err != nil {
				t.Fatal(i, err)
			}
		}
		if err := db.CreateBarrier(ctx, who, c2, c, &collab.Barrier{Category: "transportation", Description: "elsewhere"}); err != nil {
			t.Fatal(err)
		}
		sum, err := db.BarrierSummary(ctx, c1)
		if err != nil || len(sum) != 2 || sum[0] != (sqlstore.CategoryCount{Category: "transportation", Count: 3, Teams: 2}) {
			t.Errorf("barrier summary %+v %v", sum, err)
		}
		if err := db.CreateTradeoff(ctx, who, c1, a, &collab.Tradeoff{Subject: "policy", GivesUp: collab.DomainSocial, Gains: collab.DomainSafety, Description: "no visitors"}); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateTradeoff(ctx, who, c1, a, &collab.Tradeoff{Subject: "policy", GivesUp: collab.DomainSafety, Gains: collab.DomainSafety, Description: "x"}); collab.FieldErrors(err)["gains"] == "" {
			t.Errorf("same domain: %v", err)
		}
		if pairs, _ := db.TradeoffSummary(ctx, c1, 0); len(pairs) != 1 || pairs[0].Count != 1 {
			t.Errorf("pairs %+v", pairs)
		}
		h := &collab.Habit{Habit: "Urgency", Antidote: "Plan for the time it takes"}
		if err := db.SaveHabit(ctx, who, c1, a, h); err != nil {
			t.Fatal(err)
		}
		if err := db.AddHabitCheckin(ctx, who, c1, b, h.ID, &collab.HabitCheckin{On: collab.NewDate(2026, 2, 1), Rating: 3}); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("check-in through team B: %v", err)
		}
		for i, r := range []int{2, 4} {
			if err := db.AddHabitCheckin(ctx, who, c1, a, h.ID, &collab.HabitCheckin{On: collab.NewDate(2026, time.Month(2+i), 1), Rating: r}); err != nil {
				t.Fatal(err)
			}
		}
		hs, _ := db.Habits(ctx, c1, sqlstore.ItemFilter{TeamID: a})
		if len(hs) != 1 || len(hs[0].Checkins) != 2 || hs[0].Checkins[1].Rating != 4 {
			t.Errorf("habits %+v", hs)
		}
		n1, n2, nb := &collab.NetNode{Name: "Rosa", Kind: "person"}, &collab.NetNode{Name: "Church", Kind: "group"}, &collab.NetNode{Name: "B's", Kind: "person"}
		for _, x := range []struct {
			team int64
			n    *collab.NetNode
		}{{a, n1}, {a, n2}, {b, nb}} {
			if err := db.CreateNode(ctx, who, c1, x.team, x.n); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateEdge(ctx, who, c1, a, &collab.NetEdge{From: n1.ID, To: nb.ID, Strength: 2, Plan: "invest"}); collab.FieldErrors(err) == nil {
			t.Errorf("edge to another team's node: %v", err)
		}
		if err := db.CreateEdge(ctx, who, c1, a, &collab.NetEdge{From: n1.ID, To: n2.ID, Strength: 3, Plan: "invest"}); err != nil {
			t.Fatal(err)
		}
		nodes, edges, _ := db.Network(ctx, c1, a)
		if len(nodes) != 2 || len(edges) != 1 {
			t.Errorf("network %d nodes %d edges", len(nodes), len(edges))
		}
		if err := db.DeleteItem(ctx, who, c1, b, "node", n1.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("node deleted through team B: %v", err)
		}
		if err := db.DeleteItem(ctx, who, c1, a, "node", n1.ID); err != nil {
			t.Fatal(err)
		}
		if _, edges, _ := db.Network(ctx, c1, a); len(edges) != 0 {
			t.Error("deleting a node left its edges")
		}
		q := &collab.PDInquiry{Question: "Why do some families keep housing?", Shared: true}
		if err := db.SaveInquiry(ctx, who, c1, a, q); err != nil {
			t.Fatal(err)
		}
		counts, err := db.WGWCounts(ctx, c1)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]sqlstore.ToolCounts{"moments": {Tool: "moments", Items: 1, Teams: 1}, "barriers": {Tool: "barriers", Items: 4, Teams: 2}, "inquiries": {Tool: "inquiries", Items: 1, Shared: 1, Teams: 1}}
		for _, c := range counts {
			if w, ok := want[c.Tool]; ok && c != w {
				t.Errorf("counts %+v, want %+v", c, w)
			}
		}
	})
}
