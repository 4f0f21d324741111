package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/demo"
	"github.com/goeswell/goeswell/internal/i18n"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/notify"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// newHomeEnv is the bare demo collaborative (no report submitted yet) with
// sessions for a coach and the people of the first two teams.
func newHomeEnv(t *testing.T, db *sqlstore.DB) *env {
	t.Helper()
	frozen := db.Now()
	db.Now = func() time.Time { return frozen }
	res, err := demo.Seed(bg, db)
	must(t, err)
	e := &env{t: t, db: db, demo: res, sessions: map[string]string{}, ids: map[string]int64{"c1": res.CollaborativeID, "teamA": res.TeamIDs[0], "teamB": res.TeamIDs[1]}}
	var files string
	if db.FilesDir() == "" {
		files = t.TempDir()
	}
	e.srv, err = New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://goeswell.test", FilesDir: files})
	must(t, err)
	for name, email := range map[string]string{"coach": "coach@example.org", "convener": "convener@example.org",
		"director": "director.harbor@example.org", "advocate": "advocate.harbor@example.org", "directorB": "director.pioneer@example.org"} {
		u, _, err := db.FindUserByEmail(bg, email)
		must(t, err)
		must(t, db.CreateSession(bg, "session-"+name, u.ID))
		e.sessions[name] = "session-" + name
	}
	return e
}

func (e *env) page(t *testing.T, actor, path string) string {
	t.Helper()
	w := e.do(actor, "GET", path, nil, "")
	if w.Code != http.StatusOK {
		t.Fatalf("GET %s as %s: %d", path, actor, w.Code)
	}
	return w.Body.String()
}

// TestTeamHome: a director with one team lands on its home, which lists
// last month's report as due with its date and the months with measure
// data missing, each a link to where it is done; once the report is
// submitted the item is gone.
func TestTeamHome(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newHomeEnv(t, db)
		c, team := e.ids["c1"], e.ids["teamA"]
		home := fmt.Sprintf("/c/%d/teams/%d/home", c, team)
		if w := e.do("director", "GET", "/", nil, ""); w.Code != http.StatusSeeOther || w.Header().Get("Location") != home {
			t.Fatalf("director's /: %d to %q, want their team's home %s", w.Code, w.Header().Get("Location"), home)
		}
		if w := e.do("coach", "GET", "/", nil, ""); w.Header().Get("Location") == home {
			t.Error("a coach was sent to a team's home")
		}
		// A shared measure nobody has entered: every month since the team
		// joined, with the collaborative, is missing.
		col, err := e.db.FindCollaborative(bg, c)
		must(t, err)
		must(t, e.db.SetTeamJoined(bg, collab.Who{}, c, team, col.StartDate.Time()))
		must(t, e.db.CreateMeasure(bg, collab.Who{}, &improve.Measure{CollaborativeID: c, Name: "Participants asked what is going well", Chart: "run"}))
		last := learning.MonthOf(e.db.Today()).AddMonths(-1)
		reportLink := fmt.Sprintf(`href="/c/%d/teams/%d/reports?month=%s"`, c, team, last.String()[:7])
		due := learning.DueDate(last, 10).String()
		body := e.page(t, "director", home)
		if !strings.Contains(body, reportLink) || !strings.Contains(body, due) {
			t.Errorf("home lacks last month's report (%s) due %s:\n%s", reportLink, due, section(body, "home-reports"))
		}
		if !strings.Contains(section(body, "home-data"), fmt.Sprintf(`href="/c/%d/teams/%d/data"`, c, team)) {
			t.Errorf("home lacks the months with data missing:\n%s", section(body, "home-data"))
		}
		if !strings.Contains(section(body, "home-participation"), "/participation") {
			t.Errorf("home lacks the participation state:\n%s", section(body, "home-participation"))
		}
		f := url.Values{"month": {last.String()[:7]}, "narrative": {"We tested a new intake conversation."}, "progress": {"3"}, "action": {"submit"}}
		if w := e.form("director", fmt.Sprintf("/c/%d/teams/%d/reports", c, team), f); w.Code != http.StatusSeeOther {
			t.Fatalf("submit report: %d %s", w.Code, w.Body.String())
		}
		if body := e.page(t, "director", home); strings.Contains(body, reportLink) {
			t.Errorf("the submitted report is still listed as due:\n%s", section(body, "home-reports"))
		}
	})
}

// TestNotifications: a coach's comment on a team's report and its review
// notify the team's people (not the coach, not another team); the header
// counts them, the home lists the comment, and marking it read clears it.
// Another person's notification cannot be marked.
func TestNotifications(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newHomeEnv(t, db)
		c, team := e.ids["c1"], e.ids["teamA"]
		last := learning.MonthOf(e.db.Today()).AddMonths(-1)
		f := url.Values{"month": {last.String()[:7]}, "narrative": {"Our month."}, "progress": {"2"}, "action": {"submit"}}
		if w := e.form("director", fmt.Sprintf("/c/%d/teams/%d/reports", c, team), f); w.Code != http.StatusSeeOther {
			t.Fatalf("submit report: %d", w.Code)
		}
		emails := map[string]string{"director": "director.harbor@example.org", "advocate": "advocate.harbor@example.org",
			"coach": "coach@example.org", "directorB": "director.pioneer@example.org"}
		// The demo's meetings notified every team when it was seeded.
		before := map[string]int{}
		for actor, email := range emails {
			u, _, err := e.db.FindUserByEmail(bg, email)
			must(t, err)
			before[actor], err = e.db.UnreadNotifications(bg, u.ID)
			must(t, err)
		}
		reps, err := e.db.Reports(bg, c, sqlstore.ReportFilter{TeamID: team})
		must(t, err)
		rep := fmt.Sprintf("/c/%d/teams/%d/reports/%d", c, team, reps[0].ID)
		if w := e.form("coach", rep+"/comments", url.Values{"body": {"Lovely progress on intake."}}); w.Code != http.StatusSeeOther {
			t.Fatalf("comment: %d", w.Code)
		}
		if w := e.form("coach", rep+"/review", url.Values{}); w.Code != http.StatusSeeOther {
			t.Fatalf("review: %d", w.Code)
		}
		for actor, want := range map[string]int{"director": 2, "advocate": 2, "coach": 0, "directorB": 0} {
			u, _, err := e.db.FindUserByEmail(bg, emails[actor])
			must(t, err)
			if n, err := e.db.UnreadNotifications(bg, u.ID); err != nil || n-before[actor] != want {
				t.Errorf("%s has %d new unread (%v), want %d", actor, n-before[actor], err, want)
			}
		}
		home := e.page(t, "director", fmt.Sprintf("/c/%d/teams/%d/home", c, team))
		if want := fmt.Sprintf(">%d unread notifications<", before["director"]+2); !strings.Contains(home, want) {
			t.Errorf("the header does not say %q", want)
		}
		if s := section(home, "home-comments"); !strings.Contains(s, "Jordan Lee commented on your report for "+last.String()[:7]) {
			t.Errorf("home lacks the coach's comment:\n%s", s)
		}
		list := e.page(t, "advocate", "/notifications")
		if !strings.Contains(list, "Jordan Lee reviewed your report") {
			t.Errorf("notifications page lacks the review:\n%s", list)
		}
		ns, err := e.db.Notifications(bg, 0, sqlstore.NotificationFilter{})
		must(t, err)
		if len(ns) != 0 {
			t.Error("user 0 sees notifications")
		}
		u, _, _ := e.db.FindUserByEmail(bg, "director.harbor@example.org")
		mine, err := e.db.Notifications(bg, u.ID, sqlstore.NotificationFilter{Unread: true})
		must(t, err)
		// Someone else's notification is not found, and stays unread.
		if w := e.form("directorB", "/notifications/read", url.Values{"id": {fmt.Sprint(mine[0].ID)}}); w.Code != http.StatusNotFound {
			t.Errorf("marking another's notification: %d, want 404", w.Code)
		}
		if w := e.form("director", "/notifications/read", url.Values{"id": {fmt.Sprint(mine[0].ID)}, "next": {mine[0].Link}}); w.Code != http.StatusSeeOther || w.Header().Get("Location") != mine[0].Link {
			t.Errorf("mark read: %d to %q, want %s", w.Code, w.Header().Get("Location"), mine[0].Link)
		}
		if n, _ := e.db.UnreadNotifications(bg, u.ID); n != before["director"]+1 {
			t.Errorf("after reading one: %d unread, want %d", n, before["director"]+1)
		}
		if w := e.form("director", "/notifications/read", url.Values{"next": {"/notifications"}}); w.Code != http.StatusSeeOther {
			t.Errorf("mark all read: %d", w.Code)
		}
		if n, _ := e.db.UnreadNotifications(bg, u.ID); n != 0 {
			t.Errorf("after marking all read: %d unread", n)
		}
		if w := e.form("director", "/notifications/read", url.Values{"id": {"x"}}); w.Code != http.StatusUnprocessableEntity && w.Code != http.StatusBadRequest {
			t.Errorf("a bad id: %d", w.Code)
		}

		// A coach's comment on what the team shared (its PDSA cycle) tells
		// the team, and no one else.
		sh := &learning.Share{CollaborativeID: c, TeamID: team, Kind: learning.SharePDSA, ItemID: 7, Summary: learning.Summary{Title: "Night shift cycle"}}
		must(t, e.db.Share(bg, collab.Who{UserID: u.ID}, sh))
		if w := e.form("coach", fmt.Sprintf("/c/%d/feed/%d/comments", c, sh.ID), url.Values{"body": {"What will you try next?"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("comment on the share: %d", w.Code)
		}
		ns, err = e.db.Notifications(bg, u.ID, sqlstore.NotificationFilter{Unread: true})
		must(t, err)
		if len(ns) != 1 || ns[0].Kind != notify.ShareComment || !strings.HasSuffix(ns[0].Link, fmt.Sprintf("#share-%d", sh.ID)) {
			t.Errorf("after the coach's comment on the share: %+v", ns)
		}
		uB, _, _ := e.db.FindUserByEmail(bg, emails["directorB"])
		if n, _ := e.db.UnreadNotifications(bg, uB.ID); n != before["directorB"] {
			t.Errorf("another team was told of the comment")
		}
	})
}

// TestNotificationKindsWorded: every kind of notification has its words.
func TestNotificationKindsWorded(t *testing.T) {
	cat := i18n.MustLoad()
	for _, k := range notify.Kinds {
		if key := "notify.kind." + string(k); !cat.Has(key) {
			t.Errorf("catalog lacks %s", key)
		}
	}
}

// section is the HTML of the element with that id, for messages.
func section(body, id string) string {
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		return "(no " + id + ")"
	}
	j := strings.Index(body[i:], "</section>")
	if j < 0 {
		return body[i:]
	}
	return body[i : i+j]
}

// TestMissingMonthsFromJoining: a team that joined late owes no data for
// the months before it joined; the months are grouped, oldest first.
func TestMissingMonthsFromJoining(t *testing.T) {
	m1, m2 := &improve.Measure{Name: "Asked what goes well"}, &improve.Measure{Name: "Someone to count on"}
	got := missingMonths([]measureStatus{
		{M: m1, MissingPeriods: []string{"2026-03", "2026-05", "2026-06"}},
		{M: m2, MissingPeriods: []string{"2026-06", "2026-04"}},
	}, collab.NewDate(2026, 4, 20))
	want := []missingMonth{{"2026-04", []string{"Someone to count on"}}, {"2026-05", []string{"Asked what goes well"}}, {"2026-06", []string{"Asked what goes well", "Someone to count on"}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
