package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/demo"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

var bg = context.Background()

// env is a server on a real database holding the demo collaborative and a
// second collaborative, with a session for every kind of actor.
type env struct {
	t    testing.TB
	db   *sqlstore.DB
	srv  *Server
	demo *demo.Result
	// sessions maps an actor name to a session token.
	sessions map[string]string
	// ids of objects by name, for filling route patterns.
	ids map[string]int64
}

func newEnv(t testing.TB, db *sqlstore.DB) *env {
	t.Helper()
	// The clock stands still: sessions are touched at most once a minute,
	// so on a slow run a read would otherwise become a write and the
	// access matrix's "a refused write changed nothing" would misfire.
	now := db.Now()
	db.Now = func() time.Time { return now }
	res, err := demo.Seed(bg, db)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, demo: res, sessions: map[string]string{}, ids: map[string]int64{}}
	e.srv, err = New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://goeswell.test"})
	if err != nil {
		t.Fatal(err)
	}
	c1 := res.CollaborativeID
	who := collab.Who{}
	// An evaluator in the demo collaborative.
	ev := &collab.User{Email: "evaluator@example.org", Name: "Eve Evaluator"}
	must(t, db.CreateUser(bg, who, ev, "x"))
	must(t, db.AddCollabRole(bg, who, c1, ev.ID, collab.RoleEvaluator))
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
	app2 := &collab.Application{CollaborativeID: c2.ID, ContactName: "Canary Contact", ContactEmail: "canary.contact@example.org", Org: collab.Organization{Name: "Canary Org"}}
	for _, c := range crit {
		app2.Answers = append(app2.Answers, collab.Answer{CriterionID: c.ID, Meets: true})
	}
	must(t, db.CreateApplication(bg, who, app2))
	p2 := &collab.Partner{CollaborativeID: c2.ID, Role: collab.PartnerFunder, Org: collab.Organization{Name: "Canary Funder"}}
	must(t, db.CreatePartner(bg, who, p2))

	apps, err := db.Applications(bg, c1)
	must(t, err)
	ps, err := db.Partners(bg, c1)
	must(t, err)
	teamA, err := db.FindTeam(bg, c1, res.TeamIDs[0])
	must(t, err)
	teamB, err := db.FindTeam(bg, c1, res.TeamIDs[1])
	must(t, err)
	e.ids = map[string]int64{
		"c1": c1, "teamA": teamA.ID, "teamB": teamB.ID, "app1": apps[0].ID, "partner1": ps[0].ID,
		"userA": teamA.Members[1].UserID, "userB": teamB.Members[1].UserID,
		"c2": c2.ID, "teamC": teamC.ID, "app2": app2.ID, "partner2": p2.ID, "userC": memC.ID,
	}
	learningFixtures(t, e, c1, c2.ID, teamA.ID, teamB.ID, teamC.ID)
	for name, email := range map[string]string{
		"admin": "admin@example.org", "convener": "convener@example.org", "coach": "coach@example.org", "funder": "funder@example.org",
		"evaluator": "evaluator@example.org", "director": "director.harbor@example.org", "advocate": "advocate.harbor@example.org",
		"outsider": "convener2@example.org",
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

// dbHash is a digest of every row of every table, to show that a refused
// write changed nothing.
func (e *env) dbHash() string {
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
		switch tbl {
		case "sessions", "api_tokens":
			continue // last-used bookkeeping, not state a person changes
		}
		r, err := e.db.Raw().Query(`SELECT * FROM ` + tbl + ` ORDER BY 1`)
		must(e.t, err)
		cols, _ := r.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for r.Next() {
			r.Scan(ptrs...)
			fmt.Fprintln(h, tbl, vals)
		}
		r.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

type responseRecorder = httptest.ResponseRecorder

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

var auditAll = sqlstore.AuditFilter{Limit: 500}
