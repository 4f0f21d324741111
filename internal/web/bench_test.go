package web

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// benchEnv is a collaborative of 1,000 teams with two designated people
// each (2,000 people), on SQLite, and a convener's session.
func benchEnv(b *testing.B) (*Server, string, int64, int64) {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "bench.db")
	db, err := sqlstore.Open(ctx, "sqlite:"+path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	conv := &collab.User{Email: "convener@example.org", Name: "Convener"}
	must(b, db.CreateUser(ctx, collab.Who{}, conv, "x"))
	c := &collab.Collaborative{Name: "National campaign", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2027, 6, 30), Status: collab.StatusActive, Policy: collab.DefaultPolicy()}
	must(b, db.CreateCollaborative(ctx, collab.Who{}, c, nil, conv.ID))
	must(b, db.CreateSession(ctx, "bench-session", conv.ID))

	// Bulk rows in one transaction through a separate connection: the
	// store's one-change-per-transaction methods would make setup slow.
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	tx, err := raw.Begin()
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	var firstTeam int64
	for i := 0; i < 1000; i++ {
		var org, team int64
		must(b, tx.QueryRow(`INSERT INTO organizations (name, region, sector, size) VALUES ($1, $2, 'Services', 'medium') RETURNING id`,
			fmt.Sprintf("Organization %04d", i), fmt.Sprintf("Region %d", i%12)).Scan(&org))
		must(b, tx.QueryRow(`INSERT INTO teams (collaborative_id, org_id, name, kind, focus, single_person, active, created_at) VALUES ($1, $2, $3, 'organization', 'Wellbeing first', 0, 1, $4) RETURNING id`,
			c.ID, org, fmt.Sprintf("Team %04d", i), now).Scan(&team))
		if firstTeam == 0 {
			firstTeam = team
		}
		for j, role := range []string{"director", "direct_service"} {
			if i%10 == 0 && j == 1 {
				continue // every tenth team misses a role
			}
			var uid int64
			must(b, tx.QueryRow(`INSERT INTO users (email, name, password_hash, lang, site_admin, reminders, created_at) VALUES ($1, $2, '', 'en', 0, 1, $3) RETURNING id`,
				fmt.Sprintf("p%d.%d@example.org", i, j), fmt.Sprintf("Person %d.%d", i, j), now).Scan(&uid))
			_, err := tx.Exec(`INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3)`, team, uid, role)
			must(b, err)
		}
	}
	must(b, tx.Commit())
	srv, err := New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	return srv, "bench-session", c.ID, firstTeam
}

func benchPage(b *testing.B, path func(c, team int64) string) {
	srv, session, c, team := benchEnv(b)
	url := path(c, team)
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	done := cpuPerOp(b)
	for b.Loop() {
		req := httptest.NewRequest("GET", url, nil)
		req.AddCookie(&http.Cookie{Name: srv.cookieName(), Value: session})
		w := newRecorder()
		h.ServeHTTP(w, req)
		if w.Code != 200 {
			b.Fatalf("%s: %d", url, w.Code)
		}
	}
	done()
}

// BenchmarkOverview1000Teams is the collaborative overview (aggregates over
// 1,000 teams and 2,000 people).
func BenchmarkOverview1000Teams(b *testing.B) {
	benchPage(b, func(c, _ int64) string { return fmt.Sprintf("/c/%d", c) })
}

// BenchmarkTeamPage1000Teams is one team's page in that collaborative.
func BenchmarkTeamPage1000Teams(b *testing.B) {
	benchPage(b, func(c, t int64) string { return fmt.Sprintf("/c/%d/teams/%d", c, t) })
}

// BenchmarkTeamsList1000Teams is the convener's list of all 1,000 teams
// with their members and missing roles.
func BenchmarkTeamsList1000Teams(b *testing.B) {
	benchPage(b, func(c, _ int64) string { return fmt.Sprintf("/c/%d/teams", c) })
}

// cpuPerOp reports the process's CPU time (user and system) per iteration
// as cpu-ns/op: on a shared machine wall time (ns/op) counts other
// people's work too. Call it before the loop and the function it returns
// after.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDashboard1000Teams is the learning dashboard with its
// convener's table of every team.
func BenchmarkDashboard1000Teams(b *testing.B) {
	benchPage(b, func(c, _ int64) string { return fmt.Sprintf("/c/%d/dashboard", c) })
}

// BenchmarkFunderReport1000Teams is the funder report over 1,000 teams.
func BenchmarkFunderReport1000Teams(b *testing.B) {
	benchPage(b, func(c, _ int64) string { return fmt.Sprintf("/c/%d/funder-report", c) })
}
