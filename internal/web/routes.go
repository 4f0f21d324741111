package web

import (
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
)

// A Route is one entry of the route table: every route is declared once,
// with the permission it needs and whether it changes state.
type Route struct {
	Method  string
	Pattern string
	Perm    collab.Perm
	// Mutates says the route changes state. Only non-GET routes may.
	Mutates bool
	// API marks JSON routes (errors answer in JSON, bearer tokens work).
	API bool
	// MaxBody raises the request body limit of a mutating route above the
	// default 1 MiB (file uploads); 0 keeps the default.
	MaxBody int64
	// Anonymous routes never learn the client's address (anonymous
	// check-ins): it is not passed to the handler, the audit or the logs.
	Anonymous bool
	// Audited marks reads that take data away or open sensitive results
	// (exports, downloads, survey results): each leaves an audit row.
	Audited bool
	// Import marks routes that parse an uploaded file: they take a turn
	// at the import gate (imports.go) first.
	Import bool
	// Resource is the kind of object the route acts on: the innermost
	// parameter of its pattern ("team", "measure", "meeting", …),
	// "collaborative" for a collaborative-level route, or "site".
	Resource string
	Handler  handlerFunc
}

// routeTable is every route of the server. Each feature declares its
// routes in its own function, using the constructors below.
func (s *Server) routeTable() []Route {
	var rs []Route
	rs = append(rs, s.coreRoutes()...)
	rs = append(rs, s.engagementRoutes()...)
	rs = append(rs, s.improvementRoutes()...)
	rs = append(rs, s.mfaRoutes()...)
	rs = append(rs, s.resetRoutes()...)
	if s.sso != nil {
		rs = append(rs, s.ssoRoutes()...)
	}
	rs = append(rs, s.learningRoutes()...)
	rs = append(rs, s.assetsRoutes()...)
	rs = append(rs, s.groupRoutes()...)
	rs = append(rs, s.communityRoutes()...)
	rs = append(rs, s.feedbackRoundRoutes()...)
	rs = append(rs, s.rolesRoutes()...)
	rs = append(rs, s.dailyRoutes()...)
	rs = append(rs, s.langRoutes()...)
	for _, extra := range testOnlyRoutes {
		rs = append(rs, extra(s)...)
	}
	for i := range rs {
		rs[i].Audited = rs[i].Audited || (rs[i].Method == "GET" && isExport(rs[i].Pattern))
		rs[i].Import = rs[i].Import || (rs[i].Mutates && strings.HasSuffix(rs[i].Pattern, "/import"))
		if rs[i].Resource == "" {
			rs[i].Resource = resourceOf(rs[i].Pattern)
		}
	}
	return rs
}

// testOnlyRoutes is empty in every real build. The sqlmaptest build tag
// adds a deliberately injectable route, the positive control of the SQL
// injection scan (injectable_sqlmaptest.go).
var testOnlyRoutes []func(*Server) []Route

// get declares a page that only reads.
func get(p string, perm collab.Perm, h handlerFunc) Route {
	return Route{Method: "GET", Pattern: p, Perm: perm, Handler: h}
}

// post declares a form post that changes state.
func post(p string, perm collab.Perm, h handlerFunc) Route {
	return Route{Method: "POST", Pattern: p, Perm: perm, Mutates: true, Handler: h}
}

// apiGet declares a JSON read under /api/v1.
func apiGet(p string, perm collab.Perm, h handlerFunc) Route {
	return Route{Method: "GET", Pattern: "/api/v1" + p, Perm: perm, API: true, Handler: h}
}

// apiDo declares a JSON change under /api/v1.
func apiDo(method, p string, perm collab.Perm, h handlerFunc) Route {
	return Route{Method: method, Pattern: "/api/v1" + p, Perm: perm, Mutates: true, API: true, Handler: h}
}

// coreRoutes are the foundation's: operations, accounts, collaboratives,
// teams, people, applications, partners, audit.
func (s *Server) coreRoutes() []Route {
	return []Route{
		// Operations.
		get("/healthz", collab.PermPublic, s.healthz),
		get("/readyz", collab.PermPublic, s.readyz),
		// Browsers ask for /favicon.ico whatever the page says; pages
		// link the same icon under its hashed /static/ address.
		get("/favicon.ico", collab.PermPublic, s.favicon),

		// Signing in and out, invitations, the account.
		get("/login", collab.PermPublic, s.loginForm),
		post("/login", collab.PermPublic, s.login),
		post("/logout", collab.PermPublic, s.logout),
		get("/invite/{token}", collab.PermPublic, s.inviteForm),
		post("/invite/{token}", collab.PermPublic, s.inviteAccept),
		get("/account", collab.PermSignedIn, s.accountPage),
		post("/account", collab.PermSignedIn, s.accountUpdate),
		post("/account/password", collab.PermSignedIn, s.accountPassword),
		post("/account/tokens", collab.PermSignedIn, s.tokenCreate),
		post("/account/tokens/{id}/delete", collab.PermSignedIn, s.tokenDelete),

		// Collaboratives.
		get("/{$}", collab.PermSignedIn, s.home),
		get("/collaboratives/new", collab.PermSiteAdmin, s.collabNewForm),
		post("/collaboratives", collab.PermSiteAdmin, s.collabCreate),
		get("/c/{collab}", collab.PermCollabAggregate, s.overview),
		get("/c/{collab}/settings", collab.PermCollabManage, s.settingsForm),
		post("/c/{collab}/settings", collab.PermCollabManage, s.settingsSave),
		get("/c/{collab}/teams", collab.PermCollabCohort, s.teamsList),
		post("/c/{collab}/teams", collab.PermCollabManage, s.teamCreate),
		get("/c/{collab}/teams/{team}", collab.PermTeamRead, s.teamPage),
		post("/c/{collab}/teams/{team}", collab.PermTeamManage, s.teamUpdate),
		post("/c/{collab}/teams/{team}/invitations", collab.PermTeamManage, s.teamInvite),
		post("/c/{collab}/teams/{team}/members/{user}", collab.PermTeamManage, s.memberUpdate),
		get("/c/{collab}/people", collab.PermCollabCoach, s.peoplePage),
		post("/c/{collab}/invitations", collab.PermCollabManage, s.staffInvite),
		get("/c/{collab}/applications", collab.PermCollabManage, s.applicationsPage),
		post("/c/{collab}/applications/{app}", collab.PermCollabManage, s.applicationDecide),
		get("/c/{collab}/apply", collab.PermPublic, s.applyForm),
		post("/c/{collab}/apply", collab.PermPublic, s.apply),
		get("/c/{collab}/partners", collab.PermCollabAggregate, s.partnersPage),
		post("/c/{collab}/partners", collab.PermCollabManage, s.partnerCreate),
		post("/c/{collab}/partners/{partner}/delete", collab.PermCollabManage, s.partnerDelete),
		get("/c/{collab}/audit", collab.PermCollabManage, s.auditPage),

		// JSON API.
		apiGet("/openapi.json", collab.PermPublic, s.apiOpenAPI),
		apiGet("/me", collab.PermSignedIn, s.apiMe),
		apiGet("/collaboratives", collab.PermSignedIn, s.apiCollaboratives),
		apiGet("/collaboratives/{collab}", collab.PermCollabAggregate, s.apiCollaborative),
		apiGet("/collaboratives/{collab}/teams", collab.PermCollabCohort, s.apiTeams),
		apiDo("POST", "/collaboratives/{collab}/teams", collab.PermCollabManage, s.apiTeamCreate),
		apiGet("/collaboratives/{collab}/teams/{team}", collab.PermTeamRead, s.apiTeam),
		apiDo("PATCH", "/collaboratives/{collab}/teams/{team}", collab.PermTeamManage, s.apiTeamUpdate),
		apiDo("POST", "/collaboratives/{collab}/teams/{team}/invitations", collab.PermTeamManage, s.apiTeamInvite),
		apiGet("/collaboratives/{collab}/people", collab.PermCollabCoach, s.apiPeople),
		apiGet("/collaboratives/{collab}/partners", collab.PermCollabAggregate, s.apiPartners),
		apiGet("/collaboratives/{collab}/applications", collab.PermCollabManage, s.apiApplications),
		apiDo("POST", "/collaboratives/{collab}/applications", collab.PermPublic, s.apiApply),
		apiDo("POST", "/collaboratives/{collab}/applications/{app}/decision", collab.PermCollabManage, s.apiDecide),
		apiGet("/collaboratives/{collab}/audit", collab.PermCollabManage, s.apiAudit),
	}
}

// isExport recognises a read that hands data over as a file or shows
// survey results, by its pattern: every feature's exports are audited
// without each having to remember to. Charts and diagrams (.svg) and
// calendars (.ics, a meeting's /ics) are data too, inline or downloaded.
// TestExportsAudited finds downloads by their responses, so a pattern
// this misses fails there.
func isExport(pattern string) bool {
	for _, s := range []string{".csv", ".xlsx", ".zip", ".geojson", ".json", ".yaml", ".svg", ".ics", "/ics", "/export", "/results"} {
		if strings.Contains(pattern, s) && !strings.HasSuffix(pattern, "/openapi.json") {
			return true
		}
	}
	return false
}

// resourceOf reads a route's resource kind from its pattern: the last
// {parameter}, with the collaborative's id named "collaborative".
func resourceOf(pattern string) string {
	i := strings.LastIndex(pattern, "{")
	if i < 0 {
		return "site"
	}
	name := strings.TrimSuffix(strings.SplitN(pattern[i+1:], "}", 2)[0], "...")
	switch name {
	case "collab":
		return "collaborative"
	case "$":
		return "site"
	}
	return name
}
