package demo_test

import (
	"context"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/demo"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

func TestSeedAssets(t *testing.T) {
	ctx := context.Background()
	db := sqltest.SQLite(t)
	res, err := demo.Seed(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedAssets(ctx, db, res); err != nil {
		t.Fatal(err)
	}
	as, _ := db.Assets(ctx, res.CollaborativeID, sqlstore.ItemFilter{TeamID: res.TeamIDs[0]})
	if len(as) != 5 {
		t.Errorf("%d assets", len(as))
	}
	svs, _ := db.Surveys(ctx, res.CollaborativeID)
	rs, _ := db.SurveyResponses(ctx, res.CollaborativeID, svs[0].ID)
	teams, _ := db.Teams(ctx, res.CollaborativeID, sqlstore.TeamFilter{})
	var refs []collab.TeamRef
	for _, tm := range teams {
		refs = append(refs, collab.TeamRef{ID: tm.ID, Name: tm.Name})
	}
	r := collab.ComputeSurveyResults(svs[0], rs, refs, 11)
	// Released in batches of 11 per team and month: Harbor's 14 and
	// Pioneer's 12 count 11 each, Cape's 3 not at all.
	zero := 0
	for _, c := range r.ByTeam {
		if !c.Hidden && c.N == 0 {
			zero++
		}
	}
	if len(rs) != 29 || zero < 2 || r.All.Hidden || r.All.N != 22 {
		t.Errorf("%d responses, %d teams with nothing released, all %+v", len(rs), zero, r.All)
	}
}
