package web

import (
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"testing"

	"github.com/goeswell/goeswell/internal/demo"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestDemoStateCoLead: seed 000's demo has the Department of Public
// Health as state co-lead, whose person signs in with the demo password,
// reads participation, the calendar, meetings' feedback and the
// collaborative's feedback rounds, and changes nothing.
func TestDemoStateCoLead(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		res, err := demo.Seed(bg, db)
		must(t, err)
		srv, err := New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://goeswell.test", FilesDir: t.TempDir()})
		must(t, err)
		e := &env{t: t, db: db, srv: srv, demo: res, sessions: map[string]string{}}
		w := e.form("", "/login", url.Values{"email": {"colead@example.org"}, "password": {res.Logins[0].Password}})
		if e.sessions["colead"] = sessionCookie(e, w); e.sessions["colead"] == "" {
			t.Fatalf("the state co-lead cannot sign in with the demo password: %d %s", w.Code, w.Header().Get("Location"))
		}
		c := res.CollaborativeID
		for _, p := range []string{"/participation", "/calendar", "/calendar?view=month", "/agenda", "/feedback-rounds", "/dashboard"} {
			if w := e.do("colead", "GET", fmt.Sprintf("/c/%d%s", c, p), nil, ""); w.Code != 200 {
				t.Errorf("co-lead GET %s: %d", p, w.Code)
			}
		}
		// The digest reads SQLite's catalogue; on PostgreSQL the 403s
		// are the check (the access matrix digests every refused write).
		sqlite := db.Dialect != sqlstore.Postgres
		var before string
		if sqlite {
			before = e.dbHash("audit_log", "sessions")
		}
		for _, p := range []string{"/meetings", "/agenda", "/feedback-rounds"} {
			if w := e.form("colead", fmt.Sprintf("/c/%d%s", c, p), url.Values{"title": {"x"}}); w.Code != 403 {
				t.Errorf("co-lead POST %s: %d, want 403", p, w.Code)
			}
		}
		if sqlite && e.dbHash("audit_log", "sessions") != before {
			t.Error("the co-lead's refused writes changed the database")
		}
	})
}
