package web

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/demo"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/framework"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

var bg = context.Background()

// env is a server on a real database holding the demo collaborative and a
// second collaborative, with a session for every kind of actor.
type env struct {
	t    testing.TB
	db   *sqlstore.DB
	srv  *Server
	demo *demo.Result
	imp  *demo.ImprovementResult
	// sessions maps an actor name to a session token.
	sessions map[string]string
	// ids of objects by name, for filling route patterns.
	ids map[string]int64
}

func newEnv(t testing.TB, db *sqlstore.DB) *env {
	t.Helper()
	// A frozen clock: the access matrix runs for over a minute, and a
	// session's once-a-minute touch would otherwise look like a refused
	// write changing the database.
	frozen := db.Now()
	db.Now = func() time.Time { return frozen }
	res, err := demo.Seed(bg, db)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, demo: res, sessions: map[string]string{}, ids: map[string]int64{}}
	var files string
	if db.FilesDir() == "" {
		files = t.TempDir() // PostgreSQL: no folder beside the database
	}
	e.srv, err = New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://goeswell.test", FilesDir: files})
	if err != nil {
		t.Fatal(err)
	}
	c1 := res.CollaborativeID
	who := collab.Who{}
	// An evaluator in the demo collaborative.
	ev := &collab.User{Email: "evaluator@example.org", Name: "Eve Evaluator"}
	must(t, db.CreateUser(bg, who, ev, "x"))
	must(t, db.AddCollabRole(bg, who, c1, ev.ID, collab.RoleEvaluator))
	// The demo's state co-lead (issue 14: the Department of Public
	// Health) is the fixture's.
	if _, _, err := db.FindUserByEmail(bg, "colead@example.org"); err != nil {
		t.Fatalf("the demo has no state co-lead: %v", err)
	}
	// Roles as data (issue 14): a local evaluator serving team A only, and
	// two roles built purely from grants — a steering committee member
	// granted exactly a coach's capabilities and a workgroup member
	// granted exactly a state co-lead's — whom the access matrix expects
	// to answer as the coach and the co-lead do.
	le := &collab.User{Email: "local.evaluator@example.org", Name: "Lee Local"}
	must(t, db.CreateUser(bg, who, le, "x"))
	must(t, db.AddCollabRole(bg, who, c1, le.ID, collab.RoleLocalEvaluator))
	must(t, db.AssignTeams(bg, who, c1, le.ID, []int64{res.TeamIDs[0]}))
	gc := &collab.User{Email: "granted.coach@example.org", Name: "Grant Coachlike"}
	must(t, db.CreateUser(bg, who, gc, "x"))
	must(t, db.AddCollabRole(bg, who, c1, gc.ID, collab.RoleSteering))
	gl := &collab.User{Email: "granted.colead@example.org", Name: "Grant Coleadlike"}
	must(t, db.CreateUser(bg, who, gl, "x"))
	must(t, db.AddCollabRole(bg, who, c1, gl.ID, collab.RoleWorkgroup))
	must(t, db.SaveRoleSettings(bg, who, c1, collab.DefaultProgram, collab.RoleGrants{
		collab.RoleSteering:  collab.RoleGrants{}.Of(collab.RoleCoach),
		collab.RoleWorkgroup: collab.RoleGrants{}.Of(collab.RoleCoLead),
	}))
	// A second collaborative with its own convener, team, member,
	// application and partner.
	conv2 := &collab.User{Email: "convener2@example.org", Name: "Other Convener"}
	must(t, db.CreateUser(bg, who, conv2, "x"))
	c2 := &collab.Collaborative{Name: "Community Well-Being Learning Community", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2027, 12, 31), Status: collab.StatusRecruiting, Policy: collab.DefaultPolicy()}
	must(t, db.CreateCollaborative(bg, who, c2, nil, conv2.ID))
	teamC := &collab.Team{CollaborativeID: c2.ID, Name: "Canary County Collaboration", Kind: collab.KindCommunity, Focus: "canary focus text"}
	must(t, db.CreateTeam(bg, who, teamC))
	memC := &collab.User{Email: "canary.member@example.org", Name: "Canary Member"}
	must(t, db.CreateUser(bg, who, memC, "x"))
	must(t, db.AddMember(bg, who, c2.ID, teamC.ID, memC.ID, collab.RoleDirector))
	crit, err := db.Criteria(bg, c2.ID)
	must(t, err)
	app2 := &collab.Application{CollaborativeID: c2.ID, CommitmentsAgreed: true, ContactName: "Canary Contact", ContactEmail: "canary.contact@example.org", Org: collab.Organization{Name: "Canary Org"}}
	for _, c := range crit {
		app2.Answers = append(app2.Answers, collab.Answer{CriterionID: c.ID, Meets: true})
	}
	must(t, db.CreateApplication(bg, who, app2))
	p2 := &collab.Partner{CollaborativeID: c2.ID, Role: collab.PartnerFunder, Org: collab.Organization{Name: "Canary Funder"}}
	must(t, db.CreatePartner(bg, who, p2))

	// Improvement work: the demo's, and the same kinds of object in
	// collaborative 2.
	imp, err := demo.SeedImprovement(bg, db, res)
	must(t, err)
	bs, err := framework.Builtin()
	must(t, err)
	fw2, err := db.AdoptFramework(bg, who, c2.ID, framework.Lookup(bs, "what-goes-well"), "what-goes-well")
	must(t, err)
	node2 := fw2.Nodes[0].ID
	m2 := &improve.Measure{CollaborativeID: c2.ID, Name: "Canary measure", Chart: "run"}
	must(t, db.CreateMeasure(bg, who, m2))
	aimC := &improve.Aim{CollaborativeID: c2.ID, TeamID: teamC.ID, Statement: "Canary aim"}
	must(t, db.SaveAim(bg, who, aimC))
	drvC := &improve.Driver{CollaborativeID: c2.ID, TeamID: teamC.ID, AimID: aimC.ID, Kind: improve.DriverPrimary, Title: "Canary driver"}
	must(t, db.AddDriver(bg, who, drvC))
	secC := &improve.Driver{CollaborativeID: c2.ID, TeamID: teamC.ID, AimID: aimC.ID, Kind: improve.DriverSecondary, ParentID: drvC.ID, Title: "Canary secondary"}
	must(t, db.AddDriver(bg, who, secC))
	chC := &improve.Driver{CollaborativeID: c2.ID, TeamID: teamC.ID, AimID: aimC.ID, Kind: improve.DriverChange, ParentID: secC.ID, Title: "Canary change", FrameworkNodeID: node2}
	must(t, db.AddDriver(bg, who, chC))
	pdsaC := &improve.PDSA{CollaborativeID: c2.ID, TeamID: teamC.ID, ChangeID: chC.ID, Title: "Canary cycle"}
	must(t, db.SavePDSA(bg, who, pdsaC))
	one := 1.0
	_, err = db.SaveValues(bg, who, c2.ID, teamC.ID, []*improve.Value{{MeasureID: m2.ID, Period: collab.NewDate(2026, 1, 1), Value: &one}}, "form")
	must(t, err)

	apps, err := db.Applications(bg, c1)
	must(t, err)
	ps, err := db.Partners(bg, c1)
	must(t, err)
	teamA, err := db.FindTeam(bg, c1, res.TeamIDs[0])
	must(t, err)
	teamB, err := db.FindTeam(bg, c1, res.TeamIDs[1])
	must(t, err)
	// Engagement: the demo's first all-teams meeting and each team's
	// first activity; a meeting and an activity in collaborative 2.
	ms, err := db.Meetings(bg, c1, sqlstore.MeetingFilter{})
	must(t, err)
	var meeting1 int64
	for _, m := range ms {
		if m.Audience == engage.AudienceAllTeams {
			meeting1 = m.ID
			break
		}
	}
	// Each team's fixture activity is its direct-service member's, whom
	// the access test's "advocate" actor is on team A: a member may
	// remove what they logged.
	actOf := func(team *collab.Team) int64 {
		as, err := db.Activities(bg, c1, team.ID)
		must(t, err)
		for _, a := range as {
			if a.UserID == team.Members[1].UserID {
				return a.ID
			}
		}
		t.Fatalf("no activity of %s's second member", team.Name)
		return 0
	}
	mtg2 := &engage.Meeting{CollaborativeID: c2.ID, StartsAt: db.Now().Add(-24 * time.Hour), Details: engage.Details{Kind: engage.KindAllTeams,
		Title: "Canary all-teams meeting", TimeZone: "UTC", DurationMin: 60, Agenda: "canary agenda", Audience: engage.AudienceAllTeams}}
	must(t, db.CreateMeeting(bg, who, mtg2))
	actC := &engage.Activity{CollaborativeID: c2.ID, TeamID: teamC.ID, UserID: memC.ID, Month: collab.DateOf(db.Now()), Kind: engage.ActOther, Hours: 2, Note: "canary note"}
	must(t, db.AddActivity(bg, who, actC))
	assetIDs := assetFixtures(t, db, c1, teamA.ID, teamB.ID, c2.ID, teamC.ID)
	e.ids = map[string]int64{
		"c1": c1, "teamA": teamA.ID, "teamB": teamB.ID, "app1": apps[0].ID, "partner1": ps[0].ID,
		"userA": teamA.Members[1].UserID, "userB": teamB.Members[1].UserID,
		"c2": c2.ID, "teamC": teamC.ID, "app2": app2.ID, "partner2": p2.ID, "userC": memC.ID,
		"aimA": imp.AimIDs[0], "aimB": imp.AimIDs[1], "aimC": aimC.ID,
		"driverA": imp.DriverIDs[0], "driverB": imp.DriverIDs[1], "driverC": drvC.ID,
		"pdsaA": imp.CycleIDs[0], "pdsaB": imp.CycleIDs[3], "pdsaC": pdsaC.ID,
		"measure1": imp.MeasureID, "measure2": m2.ID,
		"fw1": imp.FrameworkID, "fw2": fw2.ID, "node1": imp.NodeID, "node2": node2,
		"meeting1": meeting1, "activityA": actOf(teamA), "activityB": actOf(teamB), "meeting2": mtg2.ID, "activityC": actC.ID,
	}
	for k, v := range assetIDs {
		e.ids[k] = v
	}
	e.imp = imp
	learningFixtures(t, e, c1, c2.ID, teamA.ID, teamB.ID, teamC.ID)
	limitsFixtures(t, e, c1, c2.ID, teamA.ID, teamB.ID, teamC.ID, m2.ID)
	groupFixtures(t, e, c1, c2.ID)
	feedbackFixtures(t, e, c1, c2.ID)
	for name, email := range map[string]string{
		"admin": "admin@example.org", "convener": "convener@example.org", "coach": "coach@example.org", "funder": "funder@example.org",
		"evaluator": "evaluator@example.org", "colead": "colead@example.org", "director": "director.harbor@example.org", "advocate": "advocate.harbor@example.org",
		"outsider": "convener2@example.org", "localeval": "local.evaluator@example.org", "grantcoach": "granted.coach@example.org",
		"grantcolead": "granted.colead@example.org",
	} {
		u, _, err := db.FindUserByEmail(bg, email)
		must(t, err)
		tok := "session-" + name
		must(t, db.CreateSession(bg, tok, u.ID))
		e.sessions[name] = tok
	}
	return e
}

// clone copies the environment's database (a consistent snapshot, as a
// backup is) into a fresh one with a server of its own: a fresh fixture in
// a few milliseconds, with the same ids and sessions.
func (e *env) clone(t testing.TB) *env {
	t.Helper()
	path := filepath.Join(t.TempDir(), "clone.db")
	must(t, e.db.Backup(bg, path))
	db, err := sqlstore.Open(bg, "sqlite:"+path)
	must(t, err)
	t.Cleanup(func() { db.Close() })
	c := *e
	c.t, c.db = t, db
	c.srv, err = New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://goeswell.test"})
	must(t, err)
	return &c
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// do sends a request as an actor ("" for anonymous).
func (e *env) do(actor, method, path string, body io.Reader, contentType string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = "192.0.2.1:1234"
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := e.sessions[actor]; tok != "" {
		req.AddCookie(&http.Cookie{Name: e.srv.cookieName(), Value: tok})
	}
	w := httptest.NewRecorder()
	e.srv.Handler().ServeHTTP(w, req)
	return w
}

func (e *env) form(actor, path string, f url.Values) *httptest.ResponseRecorder {
	return e.do(actor, "POST", path, strings.NewReader(f.Encode()), "application/x-www-form-urlencoded")
}

// volatileColumns are bookkeeping columns a request may touch without
// changing anything a person did: when a session was last seen, when an
// API token was last used. The digest leaves out these columns, not their
// tables, so a new, deleted or altered session or token still shows.
var volatileColumns = map[string]map[string]bool{
	"sessions":   {"last_seen_at": true},
	"api_tokens": {"last_used_at": true},
}

// dbHash is a digest of every row of every table (volatile bookkeeping
// columns aside), to show that a refused write changed nothing. skip
// leaves out whole tables (an audited read's audit_log). SQLite quotes
// and joins each table's rows itself: the access matrix takes thousands
// of digests.
func (e *env) dbHash(skip ...string) string {
	h := sha256.New()
	rows, err := e.db.Raw().Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	must(e.t, err)
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, tbl := range tables {
		if slices.Contains(skip, tbl) {
			continue
		}
		cols, err := e.db.Raw().Query(`SELECT name FROM pragma_table_info($1) ORDER BY cid`, tbl)
		must(e.t, err)
		var quoted []string
		for cols.Next() {
			var c string
			cols.Scan(&c)
			if !volatileColumns[tbl][c] {
				quoted = append(quoted, `quote("`+c+`")`)
			}
		}
		cols.Close()
		var all sql.NullString
		// #nosec G202 -- table and column names come from the schema.
		must(e.t, e.db.Raw().QueryRow(`SELECT group_concat(r, char(10)) FROM (SELECT `+strings.Join(quoted, ` || ',' || `)+` AS r FROM `+tbl+` ORDER BY 1)`).Scan(&all))
		fmt.Fprintln(h, tbl, len(quoted), all.String)
	}
	return hex.EncodeToString(h.Sum(nil))
}

type responseRecorder = httptest.ResponseRecorder

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

var auditAll = sqlstore.AuditFilter{Limit: 500}

// TestDBHashSeesChanges: the digest the access tests rest on changes with
// a row added anywhere (sessions included) and ignores only the volatile
// bookkeeping columns.
func TestDBHashSeesChanges(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	before := e.dbHash()
	if e.dbHash() != before {
		t.Fatal("the digest of an unchanged database changed")
	}
	u, _, err := e.db.FindUserByEmail(bg, "coach@example.org")
	must(t, err)
	must(t, e.db.CreateSession(bg, "session-extra", u.ID))
	if e.dbHash() == before {
		t.Error("a new session did not change the digest")
	}
	if h1, h2 := e.dbHash("sessions", "audit_log"), e.dbHash("sessions", "audit_log"); h1 != h2 {
		t.Error("the digest is not stable")
	}
}
