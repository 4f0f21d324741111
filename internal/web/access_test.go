package web

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// The actors of the access matrix.
var actors = []string{"", "admin", "convener", "coach", "funder", "evaluator", "colead", "director", "advocate", "outsider",
	"localeval", "grantcoach", "grantcolead"}

// grantedAs are the actors whose role is built purely from grants (roles
// as data): each holds a role whose grants the fixture set to exactly
// another role's defaults, so the policy's column for that role is theirs.
var grantedAs = map[string]string{"grantcoach": "coach", "grantcolead": "colead"}

// A target is where a route is aimed: the actor's own team, another team
// of the same collaborative, or another collaborative altogether.
type target struct {
	name   string
	params map[string]string // path parameter -> fixture id name
}

var targets = []target{
	{"own team", map[string]string{"collab": "c1", "team": "teamA", "app": "app1", "partner": "partner1", "user": "userA",
		"aim": "aimA", "driver": "driverA", "pdsa": "pdsaA", "measure": "measure1", "fw": "fw1", "node": "node1", "meeting": "meeting1", "activity": "activityA",
		"survey": "survey1", "asset": "assetA", "limits": "limitsA", "moment": "momentA", "group": "group1", "member": "gmember1", "item": "gitem1", "person": "cperson1",
		"resource": "resource1", "topic": "topic1", "share": "shareA", "report": "reportA", "round": "round1"}},
	{"other team", map[string]string{"collab": "c1", "team": "teamB", "app": "app1", "partner": "partner1", "user": "userB",
		"aim": "aimB", "driver": "driverB", "pdsa": "pdsaB", "measure": "measure1", "fw": "fw1", "node": "node1", "meeting": "meeting1", "activity": "activityB",
		"survey": "survey1", "asset": "assetB", "limits": "limitsB", "moment": "momentB", "group": "group1", "member": "gmember1", "item": "gitem1", "person": "cperson1",
		"resource": "resource1", "topic": "topic1", "share": "shareB", "report": "reportB", "round": "round1"}},
	{"other collaborative", map[string]string{"collab": "c2", "team": "teamC", "app": "app2", "partner": "partner2", "user": "userC",
		"aim": "aimC", "driver": "driverC", "pdsa": "pdsaC", "measure": "measure2", "fw": "fw2", "node": "node2", "meeting": "meeting2", "activity": "activityC",
		"survey": "survey2", "asset": "assetC", "limits": "limitsC", "moment": "momentC", "group": "group2", "member": "gmember2", "item": "gitem2", "person": "cperson2",
		"resource": "resource2", "topic": "topic2", "share": "shareC", "report": "reportC", "round": "round2"}},
}

// policyFile is the access policy, written and reviewed apart from the
// route table: the matrix's expected answers come from it.
const policyFile = "../../doc/access-policy.tsv"

// A policyRow is one line of the policy: who may use a route.
type policyRow struct {
	method, pattern string
	who             map[string]bool
	line            int
}

// policyTokens are the words the policy's WHO column may use.
var policyTokens = map[string]bool{"anyone": true, "signed-in": true, "admin": true, "convener": true, "coach": true,
	"funder": true, "evaluator": true, "colead": true, "member": true, "member:own": true, "director:own": true}

// loadPolicy reads doc/access-policy.tsv, keyed by "METHOD PATTERN".
func loadPolicy(t testing.TB) map[string]policyRow {
	t.Helper()
	b, err := os.ReadFile(policyFile)
	if err != nil {
		t.Fatalf("read the access policy: %v", err)
	}
	rows := map[string]policyRow{}
	for n, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			t.Fatalf("%s:%d: want METHOD<tab>PATTERN<tab>WHO, got %q", policyFile, n+1, line)
		}
		row := policyRow{method: f[0], pattern: f[1], who: map[string]bool{}, line: n + 1}
		for _, w := range strings.Fields(f[2]) {
			if !policyTokens[w] {
				t.Fatalf("%s:%d: unknown WHO %q", policyFile, n+1, w)
			}
			row.who[w] = true
		}
		if len(row.who) == 0 {
			t.Fatalf("%s:%d: no WHO", policyFile, n+1)
		}
		key := row.method + " " + row.pattern
		if old, dup := rows[key]; dup {
			t.Fatalf("%s:%d: %s already has a row at line %d", policyFile, n+1, key, old.line)
		}
		rows[key] = row
	}
	return rows
}

// allRoutes is the route table with the routes only some configurations
// have (single sign-on) added, so the policy is checked against all.
func allRoutes(e *env) []Route {
	rs := e.srv.Routes()
	for _, sso := range e.srv.ssoRoutes() {
		if !slices.ContainsFunc(rs, func(r Route) bool { return r.Method == sso.Method && r.Pattern == sso.Pattern }) {
			rs = append(rs, sso)
		}
	}
	return rs
}

// TestAccessPolicyCoversRoutes: every route has a row in the policy and
// every row names a route. A route added without a row fails here with
// the line to add; write its WHO from what the feature should allow.
func TestAccessPolicyCoversRoutes(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	policy := loadPolicy(t)
	seen := map[string]bool{}
	for _, rt := range allRoutes(e) {
		key := rt.Method + " " + rt.Pattern
		seen[key] = true
		if _, ok := policy[key]; !ok {
			t.Errorf("route %s %s has no row in doc/access-policy.tsv: add the line\n\t%s\t%s\tWHO\n(WHO: who may use it, see the file's header; the route declares %s)",
				rt.Method, rt.Pattern, rt.Method, rt.Pattern, rt.Perm)
		}
	}
	for key, row := range policy {
		if !seen[key] {
			t.Errorf("doc/access-policy.tsv:%d: %s names no route: remove the row or restore the route", row.line, key)
		}
	}
}

// inC1 are the actors with a place in collaborative 1, by role; the
// outsider convenes collaborative 2.
var inC1 = map[string]bool{"convener": true, "coach": true, "funder": true, "evaluator": true, "colead": true, "director": true, "advocate": true}

// expected is the decision the policy gives an actor on a route aimed at a
// target, worked out here from the policy's words alone, independently of
// the route's declared permission and of collab.Authorize.
func expected(row policyRow, actor string, tg target) string {
	if as, ok := grantedAs[actor]; ok {
		return expected(row, as, tg)
	}
	if actor == "localeval" {
		// A local evaluator (seed 001) reads what an evaluator reads and,
		// on the team assigned to them (team A, the "own team"), what
		// every reader of a team's work may: the rows that coaches and the
		// team's own members share. Never another team's.
		if tg.name == "own team" && strings.Contains(row.pattern, "{team}") && row.who["coach"] && (row.who["member:own"] || row.who["member"]) {
			return "allow"
		}
		return expected(row, "evaluator", tg)
	}
	switch {
	case row.who["anyone"]:
		return "allow"
	case actor == "":
		return "signin"
	case actor == "admin", row.who["signed-in"]:
		return "allow"
	case !strings.Contains(row.pattern, "{collab}"):
		return "403" // a site route for administrators only
	}
	// The actor's role in the target's collaborative.
	role := ""
	if tg.name == "other collaborative" {
		if actor == "outsider" {
			role = "convener"
		}
	} else if inC1[actor] {
		role = actor
	}
	if role == "" {
		return "404" // no place in the collaborative: not even its existence shows
	}
	own := tg.name == "own team"
	ok := row.who[role]
	if role == "director" || role == "advocate" {
		ok = ok || row.who["member"] || (own && row.who["member:own"]) || (own && role == "director" && row.who["director:own"])
	}
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
		if key == "nowhere" {
			return "999999"
		}
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
	policy := loadPolicy(t)
	lastHash := map[string]string{}
	for _, rt := range routes {
		t.Run(routeName(rt), func(t *testing.T) {
			row, ok := policy[rt.Method+" "+rt.Pattern]
			if !ok {
				t.Errorf("%s %s: no row in doc/access-policy.tsv (TestAccessPolicyCoversRoutes says what to add)", rt.Method, rt.Pattern)
				return
			}
			for _, tg := range targets {
				if !strings.Contains(rt.Pattern, "{collab}") && tg.name != "own team" {
					continue // routes without a collaborative have one target
				}
				for _, actor := range actors {
					want := expected(row, actor, tg)
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
						// The shared database's digest after the last request
						// is this one's before, when nothing was skipped
						// differently: half the digests.
						var ok bool
						if before, ok = lastHash[strings.Join(skip, ",")]; !ok || e != shared {
							before = e.dbHash(skip...)
						}
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
					case w.Code >= 500:
						t.Errorf("%s: status %d (a server error is never an answer): %.300s", name, w.Code, w.Body.String())
					case want == "allow" && row.who["anyone"] && got == "signin":
						// Signing out, or a failed sign-in, leads to the sign-in page.
					case want == "allow" && (got == "signin" || got == "403" || (got == "404" && !mayBeMissing(rt.Pattern))):
						t.Errorf("%s: got %s (status %d), want allowed", name, got, w.Code)
					case want != "allow" && got != want:
						t.Errorf("%s: got %s (status %d), want %s", name, got, w.Code, want)
					}
					after := ""
					if before != "" {
						after = e.dbHash(skip...)
					}
					if e == shared {
						clear(lastHash) // the request may have changed a skipped table
						if after != "" {
							lastHash[strings.Join(skip, ",")] = after
						}
					}
					if before != "" && after != before {
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
		})
	}
}

// routeName names a route's subtest so that -run can pick it:
// "POST /c/{collab}/teams/{team}" becomes "POST_c.collab.teams.team".
func routeName(rt Route) string {
	return rt.Method + strings.NewReplacer("/", "_", "{", ".", "}", "", "$", "root").Replace(rt.Pattern)
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
		// A local evaluator serves team A (Harbor): nothing of Pioneer's.
		"localeval":  append(append([]string{comment}, otherTeam...), canary...),
		"grantcoach": canary,
		"outsider":   {"Harbor", "Pioneer", "example.org/c/1"},
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

// idParams are the path parameters that name an object by id; {collab}
// is the path's scope, {token} and {id} name nothing in the fixture.
func idParams(pattern string) []string {
	var ps []string
	for _, m := range paramRE.FindAllStringSubmatch(pattern, -1) {
		switch m[1] {
		case "collab", "token", "id":
			continue
		}
		ps = append(ps, m[1])
	}
	return ps
}

// TestAccessMixedPaths tries every id-bearing route with one object taken
// from elsewhere while the rest of the path is the actor's own: team B's
// object under team A's path, and collaborative 2's object under
// collaborative 1's path. Authorization looks at the path, so only the
// handler's own scoping stands between such a request and another team's
// data: it must answer 404 (or 403) and change nothing, for the site
// admin (whom authorization never refuses) and for the least-privileged
// actor the policy lets use the route.
func TestAccessMixedPaths(t *testing.T) {
	if testing.Short() {
		t.Skip("runs without -short (CI's race pass uses -short)")
	}
	e := newEnv(t, sqltest.SQLite(t))
	policy := loadPolicy(t)
	own, otherTeam, otherCollab := targets[0], targets[1], targets[2]
	cases := 0
	for _, rt := range e.srv.Routes() {
		row, ok := policy[rt.Method+" "+rt.Pattern]
		if !ok {
			continue // TestAccessPolicyCoversRoutes reports it
		}
		ps := idParams(rt.Pattern)
		// The actors: the site admin, and the first of these the policy
		// allows on the actor's own team.
		actorsFor := []string{"admin"}
		for _, a := range []string{"advocate", "director", "funder", "coach", "convener"} {
			if expected(row, a, own) == "allow" {
				actorsFor = append(actorsFor, a)
				break
			}
		}
		for _, p := range ps {
			type mix struct {
				name string
				from target
			}
			var mixes []mix
			// Another team's object only matters under a team's path;
			// collaborative-level routes may show every team's items.
			// Team B swapped in for team A matters only beside an object
			// of team A's (with only collaborative-level objects beside it,
			// the path is simply team B's, the matrix's "other team").
			teamScoped := func(q string) bool { return e.ids[own.params[q]] != e.ids[otherTeam.params[q]] }
			if strings.Contains(rt.Pattern, "{team}") && teamScoped(p) && (p != "team" || slices.ContainsFunc(ps, func(q string) bool { return q != "team" && teamScoped(q) })) {
				mixes = append(mixes, mix{"team B's " + p + " under team A's path", otherTeam})
			}
			mixes = append(mixes, mix{"collaborative 2's " + p + " under collaborative 1's path", otherCollab})
			for _, m := range mixes {
				mixed := target{name: "own team", params: map[string]string{}}
				for k, v := range own.params {
					mixed.params[k] = v
				}
				mixed.params[p] = m.from.params[p]
				path, err := fill(e, rt.Pattern, mixed)
				if err != nil {
					t.Fatal(err)
				}
				// The same path naming an object that exists nowhere.
				missing := target{name: "own team", params: map[string]string{}}
				for k, v := range mixed.params {
					missing.params[k] = v
				}
				missing.params[p] = "nowhere"
				missingPath, err := fill(e, rt.Pattern, missing)
				if err != nil {
					t.Fatal(err)
				}
				var skip []string
				if rt.Audited {
					skip = []string{"audit_log"} // the attempt may be recorded
				}
				for _, actor := range actorsFor {
					cases++
					before := e.dbHash(skip...)
					body, ct := "", ""
					if rt.Method != "GET" {
						if rt.API {
							body, ct = "{}", "application/json"
						} else {
							ct = "application/x-www-form-urlencoded"
						}
					}
					w := e.do(actor, rt.Method, path, strings.NewReader(body), ct)
					switch {
					case w.Code == http.StatusNotFound || w.Code == http.StatusForbidden:
					case w.Code >= 400 && w.Code < 500 && w.Code == e.do(actor, rt.Method, missingPath, strings.NewReader(body), ct).Code:
						// Refused before the object was looked up (an
						// empty form fails validation first): the answer
						// is the one a missing object gets, so it tells
						// nothing, and the digest shows nothing changed.
					default:
						t.Errorf("%s %s as %s (%s): status %d, want 404 or 403 (or the answer a missing object gets)", rt.Method, path, actorName(actor), m.name, w.Code)
					}
					if e.dbHash(skip...) != before {
						t.Errorf("%s %s as %s (%s): the database changed", rt.Method, path, actorName(actor), m.name)
					}
				}
			}
		}
	}
	if cases < 200 {
		t.Fatalf("only %d mixed-path cases: the fixture lost its ids?", cases)
	}
	t.Logf("%d mixed-path cases", cases)
}
