package web

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// The actors of the access matrix.
var actors = []string{"", "admin", "convener", "coach", "funder", "evaluator", "director", "advocate", "outsider"}

// A target is where a route is aimed: the actor's own team, another team
// of the same collaborative, or another collaborative altogether.
type target struct {
	name   string
	params map[string]string // path parameter -> fixture id name
}

var targets = []target{
	{"own team", map[string]string{"collab": "c1", "team": "teamA", "app": "app1", "partner": "partner1", "user": "userA",
		"aim": "aimA", "driver": "driverA", "pdsa": "pdsaA", "measure": "measure1", "fw": "fw1", "node": "node1", "meeting": "meeting1", "activity": "activityA",
		"survey": "survey1", "asset": "assetA", "moment": "momentA",
		"resource": "resource1", "topic": "topic1", "share": "shareA", "report": "reportA"}},
	{"other team", map[string]string{"collab": "c1", "team": "teamB", "app": "app1", "partner": "partner1", "user": "userB",
		"aim": "aimB", "driver": "driverB", "pdsa": "pdsaB", "measure": "measure1", "fw": "fw1", "node": "node1", "meeting": "meeting1", "activity": "activityB",
		"survey": "survey1", "asset": "assetB", "moment": "momentB",
		"resource": "resource1", "topic": "topic1", "share": "shareB", "report": "reportB"}},
	{"other collaborative", map[string]string{"collab": "c2", "team": "teamC", "app": "app2", "partner": "partner2", "user": "userC",
		"aim": "aimC", "driver": "driverC", "pdsa": "pdsaC", "measure": "measure2", "fw": "fw2", "node": "node2", "meeting": "meeting2", "activity": "activityC",
		"survey": "survey2", "asset": "assetC", "moment": "momentC",
		"resource": "resource2", "topic": "topic2", "share": "shareC", "report": "reportC"}},
}

// allowed is the expected decision, written out by hand from the access
// policy (README, "Access"), independently of collab.Authorize: which
// actors may use a permission on a target.
func expected(perm collab.Perm, actor string, tg target) string {
	if perm == collab.PermPublic {
		return "allow"
	}
	if actor == "" {
		return "signin"
	}
	if actor == "admin" || perm == collab.PermSignedIn {
		return "allow"
	}
	if perm == collab.PermSiteAdmin {
		return "403"
	}
	inC1 := map[string]bool{"convener": true, "coach": true, "funder": true, "evaluator": true, "director": true, "advocate": true}
	if tg.name == "other collaborative" {
		if actor != "outsider" {
			return "404" // no place in collaborative 2: not even its existence shows
		}
		// The outsider convenes collaborative 2: everything there is theirs.
		return "allow"
	}
	if !inC1[actor] {
		return "404"
	}
	own := tg.name == "own team"
	ok := map[collab.Perm]map[string]bool{
		collab.PermCollabAggregate: inC1,
		collab.PermCollabCohort:    {"convener": true, "coach": true, "director": true, "advocate": true},
		collab.PermCollabCoach:     {"convener": true, "coach": true},
		collab.PermCollabManage:    {"convener": true},
		collab.PermTeamRead:        {"convener": true, "coach": true, "director": own, "advocate": own},
		collab.PermTeamManage:      {"convener": true, "director": own},
		collab.PermTeamWrite:       {"convener": true, "director": own, "advocate": own},
	}[perm][actor]
	if ok {
		return "allow"
	}
	return "403"
}

var paramRE = regexp.MustCompile(`\{([a-z]+)\}`)

// fill turns a route pattern into a path for a target. Parameters that
// name no fixture object (tokens, API token ids) get a value that exists
// nowhere.
func fill(e *env, pattern string, tg target) (string, error) {
	var err error
	p := paramRE.ReplaceAllStringFunc(strings.TrimSuffix(pattern, "{$}"), func(m string) string {
		name := m[1 : len(m)-1]
		switch name {
		case "token":
			return "no-such-token"
		case "id":
			return "999999"
		}
		key, ok := tg.params[name]
		if !ok {
			err = fmt.Errorf("route %s: the access test has no fixture for {%s}: add one to targets", pattern, name)
			return m
		}
		return fmt.Sprint(e.ids[key])
	})
	return p, err
}

// mayBeMissing are routes whose object is not in the fixture for anyone,
// so an allowed request may answer 404.
func mayBeMissing(pattern string) bool {
	return strings.Contains(pattern, "{token}") || strings.Contains(pattern, "{id}")
}

// TestAccessMatrix tries every route with every actor against their own
// team, another team and another collaborative, and checks the answer
// against the expected decision. A refused write must change nothing; an
// allowed write runs on a fresh database so one actor's change cannot
// hide another's answer.
func TestAccessMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("the full matrix runs without -short (CI's race pass uses -short)")
	}
	shared := newEnv(t, sqltest.SQLite(t))
	routes := shared.srv.Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes", len(routes))
	}
	for _, rt := range routes {
		for _, tg := range targets {
			if !strings.Contains(rt.Pattern, "{collab}") && tg.name != "own team" {
				continue // routes without a collaborative have one target
			}
			for _, actor := range actors {
				want := expected(rt.Perm, actor, tg)
				name := fmt.Sprintf("%s %s/%s/%s", rt.Method, rt.Pattern, tg.name, actorName(actor))
				e := shared
				if rt.Mutates && want == "allow" {
					e = shared.clone(t)
				}
				path, err := fill(e, rt.Pattern, tg)
				if err != nil {
					t.Fatal(err)
				}
				// An audited read writes its audit row, and only that.
				var skip []string
				if rt.Audited {
					skip = []string{"audit_log"}
				}
				before := ""
				if (rt.Mutates && want != "allow") || rt.Method == "GET" {
					before = e.dbHash(skip...)
				}
				var body string
				var ct string
				if rt.Method != "GET" {
					if rt.API {
						body, ct = "{}", "application/json"
					} else {
						ct = "application/x-www-form-urlencoded"
					}
				}
				w := e.do(actor, rt.Method, path, strings.NewReader(body), ct)
				got := classify(w, rt.API)
				switch {
				case want == "allow" && rt.Perm == collab.PermPublic && got == "signin":
					// Signing out, or a failed sign-in, leads to the sign-in page.
				case want == "allow" && (got == "signin" || got == "403" || (got == "404" && !mayBeMissing(rt.Pattern))):
					t.Errorf("%s: got %s (status %d), want allowed", name, got, w.Code)
				case want != "allow" && got != want:
					t.Errorf("%s: got %s (status %d), want %s", name, got, w.Code, want)
				}
				if before != "" && e.dbHash(skip...) != before {
					if rt.Method == "GET" {
						t.Errorf("%s: a GET changed the database", name)
					} else {
						t.Errorf("%s: a refused write changed the database", name)
					}
				}
				if !rt.Mutates && rt.Method != "GET" {
					t.Errorf("%s: a %s route must be declared as mutating", name, rt.Method)
				}
			}
		}
	}
}

func actorName(a string) string {
	if a == "" {
		return "anonymous"
	}
	return a
}

// classify reads a response as a decision.
func classify(w interface {
	Result() *http.Response
}, api bool) string {
	res := w.Result()
	switch {
	case res.StatusCode == http.StatusUnauthorized:
		return "signin"
	case res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/login"):
		return "signin"
	case res.StatusCode == http.StatusForbidden:
		return "403"
	case res.StatusCode == http.StatusNotFound:
		return "404"
	}
	return "allow"
}

// TestNoLeaks reads every page and API list an actor may open and checks
// that nothing of a team they may not see, or of another collaborative,
// appears in it.
func TestNoLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("runs without -short")
	}
	e := newEnv(t, sqltest.SQLite(t))
	otherTeam := []string{"advocate.pioneer@example.org", "director.pioneer@example.org", "Keisha Brown", "shelter curfew"}
	teamWork := []string{"shelter curfew", "One advocate, one week", "Every advocate, one month"}
	// The asset-based tools: funders and evaluators see counts only, even
	// of items a team shared with the cohort (assetFixtures).
	teamWork = append(teamWork, "Harbor shared moment", "Harbor library", "Keisha Brown", "bus pass")
	canary := []string{"canary", "Canary"}
	members := []string{"@example.org"}
	// Engagement: another team's person with a stipend, and a feedback
	// comment only coaches and its author may read.
	otherTeam = append(otherTeam, "Jamal Reed")
	comment := "most useful hour"
	// Learning: another team's monthly report, and any team's report for
	// funders and evaluators (aggregates only); the small population count
	// (7 households in Tiny Town) shows to nobody.
	otherTeam = append(otherTeam, "Pioneer private narrative")
	teamWork = append(teamWork, "Harbor private narrative", "Pioneer private narrative", "Used at intake")

	forbidden := map[string][]string{
		"director":  append(append([]string{}, otherTeam...), canary...),
		"advocate":  append(append([]string{comment}, otherTeam...), canary...),
		"funder":    append(append(append([]string{comment}, members...), canary...), teamWork...),
		"evaluator": append(append(append([]string{comment}, members...), canary...), teamWork...),
		"coach":     canary,
		"convener":  canary,
		"outsider":  {"Harbor", "Pioneer", "example.org/c/1"},
	}
	for a := range forbidden {
		forbidden[a] = append(forbidden[a], "77.7777")
	}
	for _, rt := range e.srv.Routes() {
		if rt.Method != "GET" {
			continue
		}
		for actor, bad := range forbidden {
			for _, tg := range targets {
				path, err := fill(e, rt.Pattern, tg)
				if err != nil {
					t.Fatal(err)
				}
				w := e.do(actor, "GET", path, nil, "")
				if w.Code != http.StatusOK {
					continue
				}
				body := w.Body.String()
				if actor == "funder" || actor == "evaluator" {
					// Their own address may appear on their account page.
					body = strings.ReplaceAll(body, actor+"@example.org", "")
				}
				if strings.HasPrefix(rt.Pattern, "/api/v1/openapi") {
					continue
				}
				for _, s := range bad {
					if strings.Contains(body, s) {
						t.Errorf("%s as %s (%s): response contains %q", path, actor, tg.name, s)
					}
				}
			}
		}
	}
	// Search must not widen what a list shows.
	w := e.do("director", "GET", fmt.Sprintf("/api/v1/collaboratives/%d/teams?q=pioneer", e.ids["c1"]), nil, "")
	if w.Code != http.StatusOK || strings.Contains(w.Body.String(), "@example.org") || !strings.Contains(w.Body.String(), "Pioneer") {
		t.Errorf("team search as a member: %d %s", w.Code, w.Body.String())
	}
}
