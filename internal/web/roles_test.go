package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// rolesForm is the roles page's form with every listed role's grants as
// given (roles left out keep theirs).
func rolesForm(program string, grants collab.RoleGrants) url.Values {
	f := url.Values{"program": {program}}
	for r, g := range grants {
		f.Add("roles", string(r))
		for _, c := range g.List() {
			f.Add("grants."+string(r), string(c))
		}
	}
	return f
}

// TestRolesSettings: the convener reads each role with its capabilities in
// plain words, takes a capability from coaches (audited) and the coach is
// refused at once; a convener's own ability to manage cannot be taken
// away, by the role's keeps or by the lock-out guard.
func TestRolesSettings(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1 := e.ids["c1"]
	path := fmt.Sprintf("/c/%d/settings/roles", c1)
	w := e.do("convener", "GET", path, nil, "")
	if w.Code != http.StatusOK {
		t.Fatalf("roles page: %d", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{`id="g-coach-teams.read" name="grants.coach" value="teams.read" checked`, "Read every team&#39;s own work and data", "Faculty or coach",
		`id="g-funder-aggregate.read"`, "Lee Local", `id="a-`} {
		if !strings.Contains(body, want) {
			t.Errorf("roles page lacks %q", want)
		}
	}
	if strings.Contains(body, `id="g-evaluator-teams.read.assigned"`) {
		t.Error("an evaluator is offered assigned teams: it is collaborative-wide only")
	}
	teamB := fmt.Sprintf("/c/%d/teams/%d", c1, e.ids["teamB"])
	if w := e.do("coach", "GET", teamB, nil, ""); w.Code != http.StatusOK {
		t.Fatalf("coach on team B before: %d", w.Code)
	}
	less := collab.GrantsOf(collab.CapAggregateRead, collab.CapCohortRead, collab.CapCohortParticipate)
	w = e.form("convener", path, rolesForm("wellbeing", collab.RoleGrants{collab.RoleCoach: less}))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", w.Code, w.Body.String())
	}
	if w := e.do("coach", "GET", teamB, nil, ""); w.Code != http.StatusForbidden {
		t.Errorf("coach on team B after teams.read was taken away: %d, want 403", w.Code)
	}
	log, err := e.db.AuditLog(bg, sqlstore.AuditFilter{CollaborativeID: c1})
	if err != nil || log[0].Action != "roles.update" || !strings.Contains(log[0].Detail, "teams.read") {
		t.Errorf("audit: %+v, %v", log[0], err)
	}

	// A crafted form dropping the convener's collab.manage is refused
	// and keeps what was ticked.
	before := e.dbHash()
	w = e.form("convener", path, rolesForm("wellbeing", collab.RoleGrants{collab.RoleConvener: collab.GrantsOf(collab.CapAggregateRead)}))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "must keep managing") {
		t.Errorf("dropping the convener's collab.manage: %d", w.Code)
	}
	if e.dbHash() != before {
		t.Error("a refused save changed the database")
	}

	// The lock-out guard: someone who manages through a granted role
	// cannot save that role without collab.manage.
	steer, _, err := e.db.FindUserByEmail(bg, "granted.coach@example.org")
	must(t, err)
	must(t, e.db.SaveRoleSettings(bg, collab.Who{}, c1, "wellbeing", collab.RoleGrants{collab.RoleSteering: collab.GrantsOf(collab.CapAggregateRead, collab.CapCollabManage)}))
	must(t, e.db.CreateSession(bg, "session-steer", steer.ID))
	e.sessions["steer"] = "session-steer"
	before = e.dbHash()
	w = e.form("steer", path, rolesForm("wellbeing", collab.RoleGrants{collab.RoleSteering: collab.GrantsOf(collab.CapAggregateRead)}))
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "lose your own ability to manage") {
		t.Errorf("locking oneself out: %d", w.Code)
	}
	if e.dbHash() != before {
		t.Error("a refused lock-out changed the database")
	}
	// In Spanish the page and its capabilities read in Spanish.
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Accept-Language", "es")
	req.AddCookie(&http.Cookie{Name: e.srv.cookieName(), Value: e.sessions["convener"]})
	rec := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(rec, req)
	if !strings.Contains(rec.Body.String(), "Leer el trabajo y los datos propios de cada equipo") {
		t.Errorf("Spanish roles page: %d", rec.Code)
	}
}

// TestRoleTeamsAssignment: the convener assigns the local evaluator to a
// team through the form; they then read that team's pages and no other's,
// and an evaluator cannot be assigned.
func TestRoleTeamsAssignment(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1 := e.ids["c1"]
	le, _, err := e.db.FindUserByEmail(bg, "local.evaluator@example.org")
	must(t, err)
	teamA := fmt.Sprintf("/c/%d/teams/%d/measures", c1, e.ids["teamA"])
	teamB := fmt.Sprintf("/c/%d/teams/%d/measures", c1, e.ids["teamB"])
	if w := e.do("localeval", "GET", teamA, nil, ""); w.Code != http.StatusOK {
		t.Fatalf("local evaluator on the assigned team: %d", w.Code)
	}
	// The menu leads to the team they serve, by name.
	ta, err := e.db.FindTeam(bg, c1, e.ids["teamA"])
	must(t, err)
	if w := e.do("localeval", "GET", fmt.Sprintf("/c/%d", c1), nil, ""); !strings.Contains(w.Body.String(), fmt.Sprintf(`href="/c/%d/teams/%d"`, c1, ta.ID)) || !strings.Contains(w.Body.String(), "Team I serve: "+ta.Name) {
		t.Errorf("the local evaluator's menu has no link to the team they serve: %d", w.Code)
	}
	if w := e.do("localeval", "GET", teamB, nil, ""); w.Code != http.StatusForbidden {
		t.Fatalf("local evaluator on another team: %d", w.Code)
	}
	w := e.form("convener", fmt.Sprintf("/c/%d/people/%d/teams", c1, le.ID), url.Values{"teams": {fmt.Sprint(e.ids["teamB"])}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", w.Code, w.Body.String())
	}
	if w := e.do("localeval", "GET", teamB, nil, ""); w.Code != http.StatusOK {
		t.Errorf("local evaluator on the newly assigned team: %d", w.Code)
	}
	if w := e.do("localeval", "GET", teamA, nil, ""); w.Code != http.StatusForbidden {
		t.Errorf("local evaluator on the team no longer assigned: %d", w.Code)
	}
	ev, _, err := e.db.FindUserByEmail(bg, "evaluator@example.org")
	must(t, err)
	before := e.dbHash()
	w = e.form("convener", fmt.Sprintf("/c/%d/people/%d/teams", c1, ev.ID), url.Values{"teams": {fmt.Sprint(e.ids["teamA"])}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "serves the whole collaborative") {
		t.Errorf("assigning an evaluator: %d", w.Code)
	}
	if e.dbHash() != before {
		t.Error("a refused assignment changed the database")
	}
}
