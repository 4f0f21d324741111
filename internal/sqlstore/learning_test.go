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

func TestResources(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		known := func(ref string) bool { return ref == "five-domains:2" }
		bad := &learning.Resource{CollaborativeID: f.c.ID, Title: "x", URL: "javascript:alert(1)", Nodes: []string{"nope:1"}}
		fe := collab.FieldErrors(db.CreateResource(ctx, who, bad, known))
		if fe["url"] == "" || fe["nodes"] == "" {
			t.Fatalf("bad resource: %v", fe)
		}
		r := &learning.Resource{CollaborativeID: f.c.ID, Kind: learning.KindPlaybook, Title: "Safety planning playbook", Description: "Start from strengths",
			URL: "https://example.net/p", Domains: []string{"2", "3"}, Nodes: []string{"five-domains:2"}}
		if err := db.CreateResource(ctx, who, r, known); err != nil {
			t.Fatal(err)
		}
		other := &learning.Resource{CollaborativeID: f.c.ID, Kind: learning.KindForm, Title: "Intake form", URL: "https://example.net/f"}
		if err := db.CreateResource(ctx, who, other, known); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkResourceUsed(ctx, who, f.c.ID, f.teamA.ID, r.ID, "first note"); err != nil {
			t.Fatal(err)
		}
		if err := db.MarkResourceUsed(ctx, who, f.c.ID, f.teamA.ID, r.ID, "second note"); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			f    sqlstore.ResourceFilter
			want []string
		}{
			{"all", sqlstore.ResourceFilter{}, []string{"Intake form", "Safety planning playbook"}},
			{"query in description", sqlstore.ResourceFilter{Query: "STRENGTHS"}, []string{"Safety planning playbook"}},
			{"domain", sqlstore.ResourceFilter{Domain: "3"}, []string{"Safety planning playbook"}},
			{"node", sqlstore.ResourceFilter{Node: "five-domains:2"}, []string{"Safety planning playbook"}},
			{"kind", sqlstore.ResourceFilter{Kind: learning.KindForm}, []string{"Intake form"}},
			{"used by team", sqlstore.ResourceFilter{TeamID: f.teamA.ID}, []string{"Safety planning playbook"}},
			{"not used by team B", sqlstore.ResourceFilter{TeamID: f.teamB.ID}, nil},
		} {
			got, err := db.Resources(ctx, f.c.ID, tc.f)
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, x := range got {
				titles = append(titles, x.Title)
			}
			if strings.Join(titles, "|") != strings.Join(tc.want, "|") {
				t.Errorf("%s: got %v, want %v", tc.name, titles, tc.want)
			}
		}
		got, err := db.FindResource(ctx, f.c.ID, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Uses) != 1 || got.Uses[0].Note != "second note" || got.Uses[0].TeamName != "Team A" || len(got.Domains) != 2 {
			t.Errorf("resource detail: %+v", got)
		}
		// Another collaborative's id is not found.
		c2 := &collab.Collaborative{Name: "Other", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2026, 12, 31), Policy: collab.DefaultPolicy()}
		if err := db.CreateCollaborative(ctx, collab.Who{}, c2, nil, f.convID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindResource(ctx, c2.ID, r.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("resource from another collaborative: %v", err)
		}
	})
}

func TestAgendaAnonymity(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		alice, bob := f.user(t, "alice@example.org"), f.user(t, "bob@example.org")
		anon := &learning.Topic{CollaborativeID: f.c.ID, Title: "Talking about money", Anonymous: true}
		if err := db.ProposeTopic(ctx, collab.Who{UserID: alice}, anon); err != nil {
			t.Fatal(err)
		}
		named := &learning.Topic{CollaborativeID: f.c.ID, Title: "Peer support"}
		if err := db.ProposeTopic(ctx, collab.Who{UserID: bob}, named); err != nil {
			t.Fatal(err)
		}
		for _, viewer := range []int64{alice, bob, f.convID} {
			ts, err := db.Topics(ctx, f.c.ID, viewer)
			if err != nil {
				t.Fatal(err)
			}
			for _, tp := range ts {
				if tp.ID == anon.ID && (tp.ProposerName != "" || tp.Mine != (viewer == alice)) {
					t.Errorf("viewer %d sees anonymous topic as %+v", viewer, tp)
				}
				if tp.ID == named.ID && tp.ProposerName != "bob@example.org" {
					t.Errorf("named topic proposer = %q", tp.ProposerName)
				}
			}
		}
		// The audit log does not name the anonymous proposer.
		log, err := db.AuditLog(ctx, sqlstore.AuditFilter{CollaborativeID: f.c.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range log {
			if e.Action == "agenda.propose" && e.Target == fmt.Sprint("topic:", anon.ID) && e.ActorID != 0 {
				t.Errorf("audit names the anonymous proposer: %+v", e)
			}
		}
		// One vote per person, which can be withdrawn.
		for i := 0; i < 2; i++ {
			if err := db.Vote(ctx, collab.Who{UserID: bob}, f.c.ID, anon.ID, true); err != nil {
				t.Fatal(err)
			}
		}
		tp, _ := db.FindTopic(ctx, f.c.ID, anon.ID, bob)
		if tp.Votes != 1 || !tp.Voted {
			t.Errorf("after two votes: %d votes, voted %v", tp.Votes, tp.Voted)
		}
		if err := db.Vote(ctx, collab.Who{UserID: bob}, f.c.ID, anon.ID, false); err != nil {
			t.Fatal(err)
		}
		tp, _ = db.FindTopic(ctx, f.c.ID, anon.ID, bob)
		if tp.Votes != 0 || tp.Voted {
			t.Errorf("after withdrawing the vote: %+v", tp)
		}
		// Only the proposer may withdraw.
		if fe := collab.FieldErrors(db.WithdrawTopic(ctx, collab.Who{UserID: bob}, f.c.ID, anon.ID)); fe["topic"] == "" {
			t.Error("someone else withdrew an anonymous topic")
		}
		if err := db.WithdrawTopic(ctx, collab.Who{UserID: alice}, f.c.ID, anon.ID); err != nil {
			t.Fatal(err)
		}
		bobSees, _ := db.Topics(ctx, f.c.ID, bob)
		aliceSees, _ := db.Topics(ctx, f.c.ID, alice)
		if len(bobSees) != 1 || len(aliceSees) != 2 {
			t.Errorf("after withdrawal bob sees %d topics, alice %d", len(bobSees), len(aliceSees))
		}
		// The convener schedules the other topic.
		if fe := collab.FieldErrors(db.DecideTopic(ctx, collab.Who{UserID: f.convID}, f.c.ID, named.ID, learning.TopicDecision{Status: learning.TopicScheduled})); fe["sessionText"] == "" {
			t.Error("scheduled with no session")
		}
		d := learning.TopicDecision{Status: learning.TopicScheduled, SessionText: "Learning session 2", SessionDate: collab.NewDate(2026, 6, 3)}
		if err := db.DecideTopic(ctx, collab.Who{UserID: f.convID}, f.c.ID, named.ID, d); err != nil {
			t.Fatal(err)
		}
		tp, _ = db.FindTopic(ctx, f.c.ID, named.ID, alice)
		if tp.Status != learning.TopicScheduled || tp.SessionDate.String() != "2026-06-03" {
			t.Errorf("decided topic: %+v", tp)
		}
	})
}

func TestIndicatorImport(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		_, err := learning.ParseIndicators(strings.NewReader("indicator,geography,period,count,denominator\nA,X,2025,12,10\nA,X,2025,abc,\n,Y,2025,3,\n"))
		var ie *learning.ImportError
		if !errors.As(err, &ie) {
			t.Fatalf("bad file: %v", err)
		}
		var got []string
		for _, c := range ie.Cells {
			got = append(got, fmt.Sprintf("%d:%s:%s", c.Row, c.Column, c.Msg))
		}
		want := []string{"2:denominator:indicator.error.count_over_denominator", "3:count:indicator.error.not_count", "3:indicator:indicator.error.duplicate", "4:indicator:error.required"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("cell errors:\n got %v\nwant %v", got, want)
		}
		rows, err := learning.ParseIndicators(strings.NewReader("\ufeffIndicator,Geography,Period,Count,Value\nStable housing,Boston,2025,1200,80\nStable housing,Tiny,2025,4,50\n"))
		if err != nil {
			t.Fatal(err)
		}
		im := &learning.IndicatorImport{CollaborativeID: f.c.ID, Source: "State census", AsOf: collab.NewDate(2025, 12, 31)}
		if err := db.ImportIndicators(ctx, who, im, rows); err != nil {
			t.Fatal(err)
		}
		ins, err := db.Indicators(ctx, f.c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ins) != 2 || ins[0].Source != "State census" || ins[0].AsOf.String() != "2025-12-31" {
			t.Fatalf("indicators: %+v", ins)
		}
		shown := []learning.Shown{learning.ShowIndicator(ins[0], 11), learning.ShowIndicator(ins[1], 11)}
		if shown[0].Hidden || *shown[0].Count != 1200 {
			t.Errorf("large count hidden: %+v", shown[0])
		}
		if !shown[1].Hidden || shown[1].Count != nil || shown[1].Value != nil {
			t.Errorf("small count shown: %+v", shown[1])
		}
	})
}

func TestSharesAndReports(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		// Sharing in May.
		s := &learning.Share{CollaborativeID: f.c.ID, TeamID: f.teamA.ID, Kind: learning.SharePDSA, ItemID: 7, Summary: learning.Summary{Title: "Asking about connections", Learned: "People opened up"}}
		if err := db.Share(ctx, who, s); err != nil {
			t.Fatal(err)
		}
		if err := db.CommentOnShare(ctx, who, f.c.ID, s.ID, "Thank you"); err != nil {
			t.Fatal(err)
		}
		feed, err := db.Shares(ctx, f.c.ID, sqlstore.ShareFilter{})
		if err != nil || len(feed) != 1 || len(feed[0].Comments) != 1 || feed[0].Summary.Learned != "People opened up" {
			t.Fatalf("feed: %v %+v", err, feed)
		}
		// Another team cannot withdraw it.
		if err := db.WithdrawShare(ctx, who, f.c.ID, f.teamB.ID, s.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("team B withdrew team A's share: %v", err)
		}
		month := collab.NewDate(2026, 5, 1)
		content, err := db.CompileReport(ctx, f.c.ID, f.teamA.ID, month)
		if err != nil {
			t.Fatal(err)
		}
		rep := &learning.Report{CollaborativeID: f.c.ID, TeamID: f.teamA.ID, Month: month, Narrative: "We started."}
		if fe := collab.FieldErrors(db.SaveReport(ctx, who, rep, true, content)); fe["progress"] == "" {
			t.Error("submitted without a progress score")
		}
		rep.Progress = 3
		if err := db.SaveReport(ctx, who, rep, true, content); err != nil {
			t.Fatal(err)
		}
		if err := db.SaveReport(ctx, who, rep, false, nil); !errors.Is(err, collab.ErrConflict) {
			t.Errorf("a submitted report changed: %v", err)
		}
		// A later correction: the team withdraws the share. The frozen
		// report is unchanged, the difference shows.
		if err := db.WithdrawShare(ctx, who, f.c.ID, f.teamA.ID, s.ID); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindReport(ctx, f.c.ID, f.teamA.ID, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		live, _ := db.CompileReport(ctx, f.c.ID, f.teamA.ID, month)
		diffs := learning.Diff(got.Content, live)
		if len(got.Content.Sections) != 2 || len(got.Content.Sections[1].Rows) != 1 || len(diffs) != 1 || diffs[0].Later != "" {
			t.Errorf("frozen report %+v, diffs %+v", got.Content, diffs)
		}
		if _, err := db.FindReport(ctx, f.c.ID, f.teamB.ID, rep.ID); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("report found under another team: %v", err)
		}
		if err := db.ReviewReport(ctx, who, f.c.ID, f.teamA.ID, rep.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.ReviewReport(ctx, who, f.c.ID, f.teamA.ID, rep.ID); !errors.Is(err, collab.ErrConflict) {
			t.Errorf("reviewed twice: %v", err)
		}
		// Overdue on 15 July: May (due 10 June) for team B, June for both.
		over, err := db.OverdueReports(ctx, f.c, 10, collab.NewDate(2026, 7, 15))
		if err != nil {
			t.Fatal(err)
		}
		var got2 []string
		for _, o := range over {
			got2 = append(got2, o.TeamName+" "+o.Month.String())
		}
		want := []string{"Team B 2026-05-01", "Team A 2026-06-01", "Team B 2026-06-01"}
		if strings.Join(got2, "|") != strings.Join(want, "|") {
			t.Errorf("overdue: got %v, want %v", got2, want)
		}
		a, err := db.LearningAggregates(ctx, f.c.ID, collab.NewDate(2026, 1, 1), collab.NewDate(2026, 12, 31))
		if err != nil {
			t.Fatal(err)
		}
		if a.ReportsSubmitted != 1 || a.ReportsReviewed != 1 || a.Progress[3] != 1 || a.Teams != 2 || a.Shares != 0 || a.Comments != 1 {
			t.Errorf("aggregates: %+v", a)
		}
	})
}

func TestShareByDefault(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		who := collab.Who{UserID: f.convID}
		item := func(team, id int64) *learning.Share {
			return &learning.Share{CollaborativeID: f.c.ID, TeamID: team, Kind: learning.SharePDSA, ItemID: id, Summary: learning.Summary{Title: "Cycle"}}
		}
		if ok, err := db.ShareByDefault(ctx, who, item(f.teamA.ID, 1)); ok || err != nil {
			t.Fatalf("shared with no default: %v %v", ok, err)
		}
		if err := db.SetShareDefaults(ctx, who, f.c.ID, f.teamA.ID, []learning.ShareKind{learning.SharePDSA}); err != nil {
			t.Fatal(err)
		}
		s := item(f.teamA.ID, 1)
		if ok, err := db.ShareByDefault(ctx, who, s); !ok || err != nil {
			t.Fatalf("not shared by default: %v %v", ok, err)
		}
		if ok, _ := db.ShareByDefault(ctx, who, item(f.teamB.ID, 1)); ok {
			t.Error("team B's item shared by team A's default")
		}
		if err := db.WithdrawShare(ctx, who, f.c.ID, f.teamA.ID, s.ID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.ShareByDefault(ctx, who, item(f.teamA.ID, 1)); ok {
			t.Error("a withdrawn item came back by default")
		}
		feed, _ := db.Shares(ctx, f.c.ID, sqlstore.ShareFilter{})
		if len(feed) != 0 {
			t.Errorf("feed: %d items", len(feed))
		}
	})
}
