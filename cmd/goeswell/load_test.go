package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// loadConfig is the size of a load run: CI's short form by default, the
// monthly-deadline form with GOESWELL_LOAD_SECONDS=60 GOESWELL_LOAD_RATE=200
// GOESWELL_LOAD_USERS=200.
type loadConfig struct {
	seconds, rate, users int
	strict               bool // enforce the p99 bound
}

func loadConfigFromEnv() loadConfig {
	c := loadConfig{seconds: 4, rate: 100, users: 40}
	get := func(name string, dst *int) {
		if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
			*dst = v
			c.strict = true
		}
	}
	get("GOESWELL_LOAD_SECONDS", &c.seconds)
	get("GOESWELL_LOAD_RATE", &c.rate)
	get("GOESWELL_LOAD_USERS", &c.users)
	return c
}

// loadFixture is a collaborative with one team per user, each user its
// director with an API token.
type loadFixture struct {
	collabID  int64
	measureID int64
	teams     []int64
	tokens    []string
	sessions  []string
}

func newLoadFixture(t *testing.T, dsn string, users int) *loadFixture {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	must(t, err)
	defer db.Close()
	_, err = db.Migrate(ctx)
	must(t, err)
	conv := &collab.User{Email: "convener@example.org", Name: "Convener"}
	must(t, db.CreateUser(ctx, collab.Who{}, conv, ""))
	c := &collab.Collaborative{Name: "Deadline", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2027, 6, 30), Status: collab.StatusActive, Policy: collab.DefaultPolicy()}
	must(t, db.CreateCollaborative(ctx, collab.Who{}, c, nil, conv.ID))
	// One measure every team reports (shared by the collaborative).
	m := &improve.Measure{CollaborativeID: c.ID, Name: "Conversations that start with what goes well", Kind: improve.KindProcess, Ratio: true, Chart: "p"}
	must(t, db.CreateMeasure(ctx, collab.Who{UserID: conv.ID}, m))
	f := &loadFixture{collabID: c.ID, measureID: m.ID}
	for i := 0; i < users; i++ {
		u := &collab.User{Email: fmt.Sprintf("lead%d@example.org", i), Name: fmt.Sprintf("Lead %d", i)}
		must(t, db.CreateUser(ctx, collab.Who{}, u, ""))
		tm := &collab.Team{CollaborativeID: c.ID, Name: fmt.Sprintf("Team %d", i), Kind: collab.KindCommunity}
		must(t, db.CreateTeam(ctx, collab.Who{}, tm))
		must(t, db.AddMember(ctx, collab.Who{}, c.ID, tm.ID, u.ID, collab.RoleDirector))
		tok := fmt.Sprintf("gw_load_%d", i)
		must(t, db.CreateAPIToken(ctx, collab.Who{}, &collab.APIToken{UserID: u.ID, Name: "load"}, tok))
		sess := fmt.Sprintf("load-session-%d", i)
		must(t, db.CreateSession(ctx, sess, u.ID))
		f.teams = append(f.teams, tm.ID)
		f.tokens = append(f.tokens, tok)
		f.sessions = append(f.sessions, sess)
	}
	return f
}

// loadResult summarises one run.
type loadResult struct {
	firstError                string
	sent, errors, writesAcked int
	p50, p99, max             time.Duration
	throughput                float64
}

func (r loadResult) String() string {
	return fmt.Sprintf("%d requests, %d errors, %.0f req/s, p50 %v, p99 %v, max %v, %d writes acknowledged",
		r.sent, r.errors, r.throughput, r.p50.Round(time.Microsecond), r.p99.Round(time.Microsecond), r.max.Round(time.Microsecond), r.writesAcked)
}

// runLoad sends requests at a fixed rate (open loop: a slow server does
// not slow the clients down) for the configured time, spreading them over
// the replicas, and measures each one.
func runLoad(cfg loadConfig, replicas []string, req func(i int, base string) (*http.Request, bool)) loadResult {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}}
	total := cfg.seconds * cfg.rate
	lat := make([]time.Duration, total)
	var errs, acked atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(cfg.rate)
	start := time.Now()
	for i := 0; i < total; i++ {
		time.Sleep(time.Until(start.Add(time.Duration(i) * interval)))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r, write := req(i, replicas[i%len(replicas)])
			t0 := time.Now()
			res, err := client.Do(r)
			var body []byte
			if err == nil {
				body, _ = io.ReadAll(res.Body)
				res.Body.Close()
			}
			lat[i] = time.Since(t0)
			if err != nil || res.StatusCode >= 300 {
				errs.Add(1)
				if err == nil {
					err = fmt.Errorf("%s %s: %d %.300s", r.Method, r.URL.Path, res.StatusCode, body)
				}
				firstErr.CompareAndSwap(nil, err.Error())
				return
			}
			if write {
				acked.Add(1)
			}
		}(i)
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	fe, _ := firstErr.Load().(string)
	return loadResult{firstError: fe, sent: total, errors: int(errs.Load()), writesAcked: int(acked.Load()),
		p50: lat[total/2], p99: lat[total*99/100], max: lat[total-1], throughput: float64(total) / elapsed.Seconds()}
}

// TestLoadDeadline is the monthly data deadline: team leads submitting at
// a fixed rate, one request in ten a dashboard view, on SQLite (one
// server) and on PostgreSQL (two replicas sharing the database). No
// request may fail, and the rows added must equal the writes
// acknowledged. The static-file run on the same binary is the ceiling.
func TestLoadDeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	cfg := loadConfigFromEnv()
	bin := goeswellBinary(t)
	stores := []struct {
		name     string
		dsn      func(t testing.TB) string
		replicas int
	}{
		{"sqlite", func(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "load.db") }, 1},
		{"postgres", sqltest.PostgresDSN, 2},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			dsn := st.dsn(t)
			f := newLoadFixture(t, dsn, cfg.users)
			var bases []string
			for i := 0; i < st.replicas; i++ {
				addr := freeAddr(t)
				cmd := startServe(t, bin, dsn, addr)
				t.Cleanup(func() { cmd.Process.Signal(syscall.SIGTERM); cmd.Wait() })
				bases = append(bases, "http://"+addr)
			}
			var css string
			{
				res, err := http.Get(bases[0] + "/login")
				must(t, err)
				b, _ := io.ReadAll(res.Body)
				res.Body.Close()
				i := strings.Index(string(b), "/static/")
				css = string(b[i : i+strings.Index(string(b[i:]), `"`)])
			}
			res := runLoad(cfg, bases, func(i int, base string) (*http.Request, bool) {
				u := i % len(f.tokens)
				if i%10 == 9 {
					// The team's dashboard: its measure's chart, computed by
					// the SPC engine on every view.
					r, _ := http.NewRequest("GET", fmt.Sprintf("%s/c/%d/teams/%d/measures/%d", base, f.collabID, f.teams[u], f.measureID), nil)
					r.AddCookie(&http.Cookie{Name: "goeswell", Value: f.sessions[u]})
					return r, false
				}
				// Half the writes are a month's measure data (each a new
				// value: a correction keeps history), half activity hours.
				var r *http.Request
				if i%2 == 0 {
					body := fmt.Sprintf(`{"values":[{"measureId":%d,"period":"2026-%02d","numerator":%d,"denominator":%d}]}`, f.measureID, 1+i%10, i%50, 50+i)
					r, _ = http.NewRequest("PUT", fmt.Sprintf("%s/api/v1/collaboratives/%d/teams/%d/values", base, f.collabID, f.teams[u]), strings.NewReader(body))
				} else {
					body := fmt.Sprintf(`{"month":"2026-%02d","kind":"site_visit","hours":%d.5,"note":"visit %d"}`, 1+i%10, i%6, i)
					r, _ = http.NewRequest("POST", fmt.Sprintf("%s/api/v1/collaboratives/%d/teams/%d/activities", base, f.collabID, f.teams[u]), strings.NewReader(body))
				}
				r.Header.Set("Authorization", "Bearer "+f.tokens[u])
				r.Header.Set("Content-Type", "application/json")
				r.Header.Set("Idempotency-Key", fmt.Sprint("load-", i))
				return r, true
			})
			ceiling := runLoad(cfg, bases, func(i int, base string) (*http.Request, bool) {
				r, _ := http.NewRequest("GET", base+css, nil)
				return r, false
			})
			t.Logf("%s, %d replica(s), %d users: %v", st.name, st.replicas, cfg.users, res)
			t.Logf("%s static ceiling: %v; p99 ratio %.1fx", st.name, ceiling, float64(res.p99)/float64(max(ceiling.p99, time.Microsecond)))
			if res.errors != 0 {
				t.Errorf("%d of %d requests failed; the first: %s", res.errors, res.sent, res.firstError)
			}
			db, err := sqlstore.Open(context.Background(), dsn)
			must(t, err)
			defer db.Close()
			var rows int
			must(t, db.Raw().QueryRow(`SELECT (SELECT COUNT(*) FROM measure_value_history) + (SELECT COUNT(*) FROM activities)`).Scan(&rows))
			if rows != res.writesAcked {
				t.Errorf("%d rows added, %d writes acknowledged", rows, res.writesAcked)
			}
			if cfg.strict && res.p99 > 250*time.Millisecond {
				t.Errorf("p99 %v over 250ms", res.p99)
			}
		})
	}
}
