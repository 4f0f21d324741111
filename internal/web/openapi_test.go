package web

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestOpenAPIMatchesRoutes checks the served OpenAPI document against the
// route table: every API route described with its permission, and nothing
// described that is not served.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	w := e.do("", "GET", "/api/v1/openapi.json", nil, "")
	if w.Code != 200 {
		t.Fatalf("openapi.json: %d", w.Code)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	described := map[string]string{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			if method == "parameters" {
				continue
			}
			perm, _ := op["x-goeswell-permission"].(string)
			described[strings.ToUpper(method)+" "+path] = perm
			if _, ok := op["responses"]; !ok {
				t.Errorf("%s %s: no responses", method, path)
			}
		}
	}
	served := map[string]string{}
	for _, rt := range e.srv.Routes() {
		if rt.API {
			served[rt.Method+" "+rt.Pattern] = rt.Perm.String()
		}
	}
	var missing, extra []string
	for k, perm := range served {
		got, ok := described[k]
		switch {
		case !ok:
			missing = append(missing, k)
		case got != perm:
			t.Errorf("%s: document says permission %q, route table %q", k, got, perm)
		}
	}
	for k := range described {
		if _, ok := served[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("API routes not in openapi.json: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("openapi.json describes routes that are not served: %v", extra)
	}
}

// TestRouteTable checks the table's own rules: each method and pattern
// once, every route with a resource kind, state changes only off GET, and
// team-scoped permissions only on routes that name a team.
func TestRouteTable(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	seen := map[string]bool{}
	for _, rt := range e.srv.Routes() {
		key := rt.Method + " " + rt.Pattern
		if seen[key] {
			t.Errorf("%s declared twice", key)
		}
		seen[key] = true
		if rt.Resource == "" {
			t.Errorf("%s: no resource kind", key)
		}
		if rt.Mutates == (rt.Method == "GET") {
			t.Errorf("%s: Mutates=%v does not fit the method", key, rt.Mutates)
		}
		teamPerm := rt.Perm == collab.PermTeamRead || rt.Perm == collab.PermTeamWrite || rt.Perm == collab.PermTeamManage
		if teamPerm && !strings.Contains(rt.Pattern, "{team}") {
			t.Errorf("%s: a team permission on a route that names no team", key)
		}
	}
}
