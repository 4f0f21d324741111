package web

import (
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/demo"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestDemoMonth9: the demo as `goeswell demo` seeds it looks like month 9
// of 18 at first start: the dashboard shows reports submitted, an overdue
// report, shares and comments (all above the small-count floor); the
// second shared measure signals in Pioneer and not in Cape; a team joined
// late; Cape's director finds the overdue report on their home.
func TestDemoMonth9(t *testing.T) {
	if testing.Short() {
		t.Skip("a walk over every page or export; it runs in full without -short (CI's race pass uses -short)")
	}
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		res, err := demo.Seed(bg, db)
		must(t, err)
		imp, err := demo.SeedImprovement(bg, db, res)
		must(t, err)
		must(t, demo.SeedAssets(bg, db, res))
		must(t, demo.SeedMonth9(bg, db, res, imp))
		srv, err := New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://goeswell.test", FilesDir: t.TempDir()})
		must(t, err)
		e := &env{t: t, db: db, srv: srv, demo: res, sessions: map[string]string{}}
		for name, email := range map[string]string{"convener": "convener@example.org", "cape": "director.cape@example.org", "harbor": "director.harbor@example.org"} {
			u, _, err := db.FindUserByEmail(bg, email)
			must(t, err)
			must(t, db.CreateSession(bg, "session-"+name, u.ID))
			e.sessions[name] = "session-" + name
		}
		c := res.CollaborativeID

		dash := e.page(t, "convener", fmt.Sprintf("/c/%d/dashboard", c))
		all := dash[strings.Index(dash, `id="all-figures"`):]
		all = all[:strings.Index(all, "</ul>")]
		for _, fig := range []string{"monthly reports submitted", "items shared", "comments"} {
			m := regexp.MustCompile(`<span class="num">(\d+)</span> ` + fig).FindStringSubmatch(all)
			if m == nil {
				t.Errorf("dashboard shows no number of %s:\n%s", fig, all)
				continue
			}
			if n, _ := strconv.Atoi(m[1]); n == 0 {
				t.Errorf("dashboard: 0 %s", fig)
			}
		}
		if m := regexp.MustCompile(`Overdue monthly reports: (\d+)\.`).FindStringSubmatch(dash); m == nil || m[1] == "0" {
			t.Errorf("dashboard shows no overdue report: %v", m)
		}

		teams, err := db.Teams(bg, c, sqlstore.TeamFilter{})
		must(t, err)
		if len(teams) != len(res.TeamIDs)+1 {
			t.Errorf("%d teams, want the four and one that joined late", len(teams))
		}
		ms, err := db.Measures(bg, c, 0)
		must(t, err)
		var shift int64
		for _, m := range ms {
			if m.Name == "Survivors who name someone they can count on" {
				shift = m.ID
			}
		}
		if shift == 0 {
			t.Fatal("no second shared measure")
		}
		signals := func(team int64) string {
			p := e.page(t, "convener", fmt.Sprintf("/c/%d/teams/%d/measures/%d", c, team, shift))
			i := strings.Index(p, `id="chart-signals"`)
			if i < 0 {
				t.Fatalf("team %d's chart has no signals line", team)
			}
			return p[i : i+strings.Index(p[i:], "</p>")]
		}
		if s := signals(res.TeamIDs[1]); strings.Contains(s, "No signals") {
			t.Errorf("Pioneer's chart shows no shift: %s", s)
		}
		if s := signals(res.TeamIDs[2]); !strings.Contains(s, "No signals") {
			t.Errorf("Cape's chart signals: %s", s)
		}

		home := e.page(t, "cape", fmt.Sprintf("/c/%d/teams/%d/home", c, res.TeamIDs[2]))
		if s := section(home, "home-reports"); !strings.Contains(s, "overdue since") {
			t.Errorf("Cape's home lacks its overdue report:\n%s", s)
		}
		if s := section(home, "home-feed"); !strings.Contains(s, "since your last visit:") {
			t.Errorf("Cape's home shows nothing new in the feed:\n%s", s)
		}
		// Harbor's report for last month is left for the visitor to write.
		if s := section(e.page(t, "harbor", fmt.Sprintf("/c/%d/teams/%d/home", c, res.TeamIDs[0])), "home-reports"); !strings.Contains(s, "due ") {
			t.Errorf("Harbor's home has no report due:\n%s", s)
		}
	})
}
