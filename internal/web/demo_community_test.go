package web

import (
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/demo"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestDemoCommunity: the demo's second collaborative (seed 001) as its
// backbone convener and its local evaluator see it: signing in with the
// demo password, the steering committee's meetings following up its
// action, the lived-experience partner without an account in the people
// list and the finance CSV, the partners by sector and the population
// indicators.
func TestDemoCommunity(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		res, err := demo.Seed(bg, db)
		must(t, err)
		cr, err := demo.SeedCommunity(bg, db, res)
		must(t, err)
		srv, err := New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://goeswell.test", FilesDir: t.TempDir()})
		must(t, err)
		e := &env{t: t, db: db, srv: srv, demo: res, sessions: map[string]string{}}
		w := e.form("", "/login", url.Values{"email": {"convener.cwb@example.org"}, "password": {res.Logins[0].Password}})
		if e.sessions["convener"] = sessionCookie(e, w); e.sessions["convener"] == "" {
			t.Fatalf("the backbone convener cannot sign in with the demo password: %d %s", w.Code, w.Header().Get("Location"))
		}
		u, _, err := db.FindUserByEmail(bg, "evaluator.cwb@example.org")
		must(t, err)
		must(t, db.CreateSession(bg, "session-evaluator", u.ID))
		e.sessions["evaluator"] = "session-evaluator"
		c := cr.CollaborativeID

		for _, tc := range []struct {
			actor, path string
			want        []string
		}{
			{"convener", fmt.Sprintf("/c/%d/dashboard", c), []string{"Community Well-Being Collaborative"}},
			{"convener", fmt.Sprintf("/c/%d/groups", c), []string{"Steering committee", "Data and evaluation workgroup", "Lived experience and community voice workgroup"}},
			{"convener", fmt.Sprintf("/c/%d/meetings/%d", c, cr.MeetingIDs[1]), []string{"A meeting of Steering committee", "Ask the school district for chronic absence figures",
				"The district shared the figures", "Three Rivers pilots one front door", "Lena Morales"}},
			{"convener", fmt.Sprintf("/c/%d/groups/%d", c, cr.SteeringID), []string{"Meetings of the group", "Lena Morales", "(no account)",
				"Lived-experience partners are paid $50 for each meeting they attend"}},
			{"convener", fmt.Sprintf("/c/%d/meetings/%d", c, cr.MeetingIDs[2]), []string{"Draft the community listening session questions"}},
			{"convener", fmt.Sprintf("/c/%d/community-people", c), []string{"Lena Morales", "Gift card", "Marcus Lee", "Platte Valley Community Collaborative"}},
			{"convener", fmt.Sprintf("/c/%d/compensation/owed.csv", c), []string{"Lena Morales,,no,gift_card,402-555-0147 (text first),100.00,18.40,118.40,3"}},
			{"convener", fmt.Sprintf("/c/%d/partners", c), []string{"Nebraska Children", "Prairie Evaluation Partners", "Sandhills Workforce Center", "Riverside Clinic"}},
			{"convener", fmt.Sprintf("/c/%d/teams", c), []string{"Platte Valley Community Collaborative", "Sandhills Family Partnership", "Three Rivers Well-Being Collaborative"}},
			{"evaluator", fmt.Sprintf("/c/%d/indicators", c), []string{"Children under 6 in families below 185% of the poverty line", "Cherry County"}},
			{"convener", fmt.Sprintf("/c/%d/measures/%d", c, cr.MeasureID), []string{"Families connected to a concrete support within 30 days"}},
			// The overview states what a community team designates.
			{"convener", fmt.Sprintf("/c/%d", c), []string{"Community teams designate: "}},
			// Its settings offer seed 001's partner roles team names too.
			{"convener", fmt.Sprintf("/c/%d/settings", c), []string{`name="teamNamesTo" value="steering"`, `name="teamNamesTo" value="local_evaluator"`, `name="teamNamesTo" value="funder"`}},
		} {
			body := e.page(t, tc.actor, tc.path)
			for _, s := range tc.want {
				if !strings.Contains(body, html.EscapeString(s)) && !strings.Contains(body, s) {
					t.Errorf("%s as %s lacks %q", tc.path, tc.actor, s)
				}
			}
		}
		// The local evaluator serves Three Rivers only: its team page
		// opens, another community's does not.
		for i, want := range map[int]int{2: 200, 0: 403} {
			if w := e.do("evaluator", "GET", fmt.Sprintf("/c/%d/teams/%d", c, cr.TeamIDs[i]), nil, ""); w.Code != want {
				t.Errorf("local evaluator on community %d's page: %d, want %d", i, w.Code, want)
			}
		}
	})
}
