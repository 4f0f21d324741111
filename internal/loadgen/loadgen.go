// Package loadgen drives a running goeswell with a named mix of requests
// and checks every answer: the load harness (cmd/loadtest) and the CI load
// test (cmd/goeswell) share it.
//
// Seed puts a fixture in a store: a collaborative with one shared ratio
// measure, N teams each with a director who has an API token and a
// session, M months of data per team, and a convener with a session. A Mix
// turns a request number into a request and the check its answer must
// pass. Run sends the mix at a fixed rate (open loop: a slow server does
// not slow the clients down) or from a fixed number of clients (closed
// loop), and measures each request. CountWrites counts the rows the writes
// add, so a run can compare them with the writes acknowledged.
//
// An answer counts only if it is the page or document it should be: a
// GET must answer 200 with HTML holding the page's marker (a redirect to
// the sign-in page is an error, never followed), a write must answer 2xx
// with a JSON body.
package loadgen

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// MeasureName is the seeded measure's name; the pages that show it carry
// it, which is how a check tells the measure page from the sign-in page.
const MeasureName = "Conversations that start with what goes well"

// Fixture is what Seed created: the ids and credentials requests use.
type Fixture struct {
	CollabID, MeasureID int64
	// ConvenerSession is a session of the collaborative's convener, who
	// may open the collaborative measure page.
	ConvenerSession string
	Teams           []Team
	Months          int
	// Start is the first month of data.
	Start collab.Date
}

// Team is a seeded team and its director's credentials.
type Team struct {
	ID      int64
	Token   string // API bearer token
	Session string // session cookie value
}

// Seed creates a fixture of teams teams with months months of data each
// in db (migrated first). Names, emails and credentials carry a random
// run id, so seeding the same database twice gives two fixtures.
func Seed(ctx context.Context, db *sqlstore.DB, teams, months int) (*Fixture, error) {
	if teams < 1 {
		return nil, errors.New("seed: need at least one team")
	}
	if months < 0 {
		return nil, errors.New("seed: months must not be negative")
	}
	if _, err := db.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("seed: migrate: %w", err)
	}
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	run := hex.EncodeToString(b)
	conv := &collab.User{Email: "convener-" + run + "@example.org", Name: "Convener " + run}
	if err := db.CreateUser(ctx, collab.Who{}, conv, ""); err != nil {
		return nil, fmt.Errorf("seed: create convener: %w", err)
	}
	// The seeded months end by the current one at the latest: the store
	// refuses a value for a month that has not begun. The writes go to
	// 2026's months, so the collaborative spans those too.
	start := collab.NewDate(2026, 1, 1)
	if now := collab.DateOf(db.Now()); months > 0 {
		if s := collab.NewDate(now.Time().Year(), now.Time().Month(), 1).AddMonths(-(months - 1)); s.Before(start) {
			start = s
		}
	}
	end := collab.NewDate(2026, 12, 31)
	if e := start.AddMonths(max(months, 12) + 6); e.After(end) {
		end = e
	}
	c := &collab.Collaborative{Name: "Load " + run, StartDate: start, EndDate: end, Status: collab.StatusActive, Policy: collab.DefaultPolicy()}
	if err := db.CreateCollaborative(ctx, collab.Who{}, c, nil, conv.ID); err != nil {
		return nil, fmt.Errorf("seed: create collaborative: %w", err)
	}
	m := &improve.Measure{CollaborativeID: c.ID, Name: MeasureName, Kind: improve.KindProcess, Ratio: true, Chart: "p"}
	if err := db.CreateMeasure(ctx, collab.Who{UserID: conv.ID}, m); err != nil {
		return nil, fmt.Errorf("seed: create measure: %w", err)
	}
	f := &Fixture{CollabID: c.ID, MeasureID: m.ID, Months: months, Start: start, ConvenerSession: "load-convener-" + run}
	if err := db.CreateSession(ctx, f.ConvenerSession, conv.ID); err != nil {
		return nil, fmt.Errorf("seed: convener session: %w", err)
	}
	for i := range teams {
		u := &collab.User{Email: fmt.Sprintf("lead%d-%s@example.org", i, run), Name: fmt.Sprintf("Lead %d", i)}
		if err := db.CreateUser(ctx, collab.Who{}, u, ""); err != nil {
			return nil, fmt.Errorf("seed: create lead %d: %w", i, err)
		}
		tm := &collab.Team{CollaborativeID: c.ID, Name: fmt.Sprintf("Team %d", i), Kind: collab.KindCommunity, JoinedOn: start}
		if err := db.CreateTeam(ctx, collab.Who{}, tm); err != nil {
			return nil, fmt.Errorf("seed: create team %d: %w", i, err)
		}
		if err := db.AddMember(ctx, collab.Who{}, c.ID, tm.ID, u.ID, collab.RoleLead); err != nil {
			return nil, fmt.Errorf("seed: add lead %d: %w", i, err)
		}
		t := Team{ID: tm.ID, Token: fmt.Sprintf("gw_load_%s_%d", run, i), Session: fmt.Sprintf("load-session-%s-%d", run, i)}
		if err := db.CreateAPIToken(ctx, collab.Who{}, &collab.APIToken{UserID: u.ID, Name: "load"}, t.Token); err != nil {
			return nil, fmt.Errorf("seed: token %d: %w", i, err)
		}
		if err := db.CreateSession(ctx, t.Session, u.ID); err != nil {
			return nil, fmt.Errorf("seed: session %d: %w", i, err)
		}
		vals := make([]*improve.Value, months)
		for k := range vals {
			// Denominators under 50: the deadline mix's PUTs send 50 and
			// more, so each of them changes its cell and adds a history row.
			num, den := float64((i*7+k*13)%20), float64(20+(i+k)%30)
			vals[k] = &improve.Value{TeamID: tm.ID, MeasureID: m.ID, Period: start.AddMonths(k), Numerator: &num, Denominator: &den}
		}
		if len(vals) > 0 {
			if _, err := db.SaveValues(ctx, collab.Who{UserID: u.ID}, c.ID, tm.ID, vals, "import"); err != nil {
				return nil, fmt.Errorf("seed: values of team %d: %w", i, err)
			}
		}
		f.Teams = append(f.Teams, t)
	}
	return f, nil
}

// CountWrites counts the rows the mixes' writes add to fixture f: its
// measure's value history rows and its collaborative's activity rows.
// Compare the count before and after a run with Result.WritesAcked.
func CountWrites(ctx context.Context, db *sqlstore.DB, f *Fixture) (int, error) {
	var n int
	err := db.Raw().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM measure_value_history WHERE measure_id = $1) + (SELECT COUNT(*) FROM activities WHERE collaborative_id = $2)`,
		f.MeasureID, f.CollabID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count writes: %w", err)
	}
	return n, nil
}

// A Request is one request of a mix and how to judge its answer.
type Request struct {
	Kind  string // for the per-kind latencies: "value-put", "dashboard", …
	Req   *http.Request
	Write bool // counts as an acknowledged write when it passes
	// Check returns an error unless the answer is the right one.
	Check func(res *http.Response, body []byte) error
}

// A Mix builds request i for the server at base.
type Mix func(i int, base string) Request

// Mixes are the mixes by name, for flags and help.
var Mixes = []string{"deadline", "measure-page"}

// NewMix returns the mix named name over fixture f. secure selects the
// session cookie's name for servers with an https base URL.
func NewMix(name string, f *Fixture, secure bool) (Mix, error) {
	cookie := "goeswell"
	if secure {
		cookie = "__Host-goeswell"
	}
	switch name {
	case "deadline":
		return deadline(f, cookie), nil
	case "measure-page":
		return func(i int, base string) Request {
			r, _ := http.NewRequest("GET", fmt.Sprintf("%s/c/%d/measures/%d", base, f.CollabID, f.MeasureID), nil)
			// #nosec G124 -- a client's request cookie; the attributes are the server's to set.
			r.AddCookie(&http.Cookie{Name: cookie, Value: f.ConvenerSession})
			return Request{Kind: "measure-page", Req: r, Check: Page(MeasureName)}
		}, nil
	}
	return nil, fmt.Errorf("unknown mix %q (want one of %s)", name, strings.Join(Mixes, ", "))
}

// deadline is the monthly data deadline: team leads sending 50% measure
// value PUTs, 40% activity-hours POSTs and 10% views of their team's
// measure page (its chart computed by the SPC engine on every view).
func deadline(f *Fixture, cookie string) Mix {
	return func(i int, base string) Request {
		t := f.Teams[i%len(f.Teams)]
		month := 1 + i%12
		var r *http.Request
		var kind string
		switch k := i % 10; {
		case k < 5:
			// Each PUT changes the cell (the denominator is unique to the
			// request), so each adds one history row.
			kind = "value-put"
			body := fmt.Sprintf(`{"values":[{"measureId":%d,"period":"2026-%02d","numerator":%d,"denominator":%d}]}`, f.MeasureID, month, i%50, 50+i)
			r, _ = http.NewRequest("PUT", fmt.Sprintf("%s/api/v1/collaboratives/%d/teams/%d/values", base, f.CollabID, t.ID), strings.NewReader(body))
		case k < 9:
			kind = "activity-post"
			body := fmt.Sprintf(`{"month":"2026-%02d","kind":"site_visit","hours":%d.5,"note":"visit %d"}`, month, i%6, i)
			r, _ = http.NewRequest("POST", fmt.Sprintf("%s/api/v1/collaboratives/%d/teams/%d/activities", base, f.CollabID, t.ID), strings.NewReader(body))
		default:
			r, _ = http.NewRequest("GET", fmt.Sprintf("%s/c/%d/teams/%d/measures/%d", base, f.CollabID, t.ID, f.MeasureID), nil)
			// #nosec G124 -- a client's request cookie; the attributes are the server's to set.
			r.AddCookie(&http.Cookie{Name: cookie, Value: t.Session})
			return Request{Kind: "dashboard", Req: r, Check: Page(MeasureName)}
		}
		r.Header.Set("Authorization", "Bearer "+t.Token)
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Idempotency-Key", fmt.Sprintf("load-%d-%d", f.CollabID, i))
		return Request{Kind: kind, Req: r, Write: true, Check: JSONWrite}
	}
}

// Page checks that an answer is a 200 HTML page containing marker.
func Page(marker string) func(*http.Response, []byte) error {
	return func(res *http.Response, body []byte) error {
		if err := status(res, body, http.StatusOK); err != nil {
			return err
		}
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			return fmt.Errorf("content type %q, want text/html", ct)
		}
		if !bytes.Contains(body, []byte(marker)) {
			return fmt.Errorf("page without %q: %.200s", marker, body)
		}
		return nil
	}
}

// JSONWrite checks that a write was accepted: 2xx with a JSON body.
func JSONWrite(res *http.Response, body []byte) error {
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return status(res, body, 0)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return fmt.Errorf("%d with content type %q, want JSON", res.StatusCode, ct)
	}
	if !json.Valid(body) {
		return fmt.Errorf("%d with a body that is not JSON: %.200s", res.StatusCode, body)
	}
	return nil
}

// status returns an error naming a redirect's target or the status and
// the start of the body, unless the status is want.
func status(res *http.Response, body []byte, want int) error {
	if res.StatusCode == want {
		return nil
	}
	if loc := res.Header.Get("Location"); res.StatusCode >= 300 && res.StatusCode < 400 {
		return fmt.Errorf("redirected (%d) to %s", res.StatusCode, loc)
	}
	return fmt.Errorf("status %d: %.300s", res.StatusCode, body)
}

// WaitReady waits until every base answers /readyz with 200, or wait
// has passed.
func WaitReady(ctx context.Context, bases []string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	// A generous timeout: on PostgreSQL /readyz reads the schema version
	// under the migration lock, which replicas starting together queue for.
	client := &http.Client{Timeout: 10 * time.Second}
	for _, b := range bases {
		for {
			res, err := client.Get(b + "/readyz")
			if err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					break
				}
				err = fmt.Errorf("status %d", res.StatusCode)
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("%s is not ready: %w", b, err)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	return nil
}

// Options say how hard and how long to drive the servers.
type Options struct {
	// Bases are the servers' base URLs; requests go round-robin.
	Bases []string
	// Rate is requests per second, open loop; Concurrency is a number of
	// clients each sending its next request when the last is answered.
	// Exactly one is set.
	Rate, Concurrency int
	Duration          time.Duration
	// Timeout bounds each request (10s when zero).
	Timeout time.Duration
}

// Validate reports the first thing wrong with o, in words for a command
// line.
func (o Options) Validate() error {
	switch {
	case len(o.Bases) == 0:
		return errors.New("need at least one base URL")
	case o.Rate < 0 || o.Concurrency < 0:
		return errors.New("rate and concurrency must not be negative")
	case (o.Rate > 0) == (o.Concurrency > 0):
		return errors.New("give either a rate or a concurrency, not both or neither")
	case o.Duration <= 0:
		return errors.New("duration must be positive")
	case o.Timeout < 0:
		return errors.New("timeout must not be negative")
	}
	for _, b := range o.Bases {
		if !strings.HasPrefix(b, "http://") && !strings.HasPrefix(b, "https://") {
			return fmt.Errorf("base URL %q: want http://HOST:PORT or https://…", b)
		}
	}
	return nil
}

// Result is what a run measured.
type Result struct {
	Sent, Errors, WritesAcked int
	// Sending is how long requests were started for; Elapsed runs on to
	// the last answer.
	Sending, Elapsed time.Duration
	All              Latencies
	ByKind           map[string]Latencies
	// FirstErrors are the first few failures, each naming its request.
	FirstErrors []string
}

// Latencies summarise one set of requests.
type Latencies struct {
	N                  int
	P50, P90, P99, Max time.Duration
}

func summarise(d []time.Duration) Latencies {
	if len(d) == 0 {
		return Latencies{}
	}
	slices.Sort(d)
	at := func(q int) time.Duration { return d[min(len(d)-1, len(d)*q/100)] }
	return Latencies{N: len(d), P50: at(50), P90: at(90), P99: at(99), Max: d[len(d)-1]}
}

func (l Latencies) String() string {
	r := func(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }
	return fmt.Sprintf("n %d  p50 %v  p90 %v  p99 %v  max %v", l.N, r(l.P50), r(l.P90), r(l.P99), r(l.Max))
}

// Report writes the result for people: totals, latencies overall and by
// kind, and the first errors.
func (r *Result) Report(w io.Writer) {
	fmt.Fprintf(w, "%d requests in %v (%.0f/s; last answer after %v), %d errors, %d writes acknowledged\n",
		r.Sent, r.Sending.Round(time.Millisecond), float64(r.Sent)/max(r.Sending.Seconds(), 1e-9), r.Elapsed.Round(time.Millisecond), r.Errors, r.WritesAcked)
	fmt.Fprintf(w, "  %-14s %v\n", "all", r.All)
	kinds := make([]string, 0, len(r.ByKind))
	for k := range r.ByKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  %-14s %v\n", k, r.ByKind[k])
	}
	for _, e := range r.FirstErrors {
		fmt.Fprintf(w, "  error: %s\n", e)
	}
}

type sample struct {
	kind string
	d    time.Duration
}

// Run drives the servers with mix as o says and returns what it measured.
// It stops early, with what it has, when ctx ends.
func Run(ctx context.Context, o Options, mix Mix) (*Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	timeout := o.Timeout
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	conns := max(o.Concurrency, o.Rate, 16)
	client := &http.Client{
		Timeout:   timeout,
		Transport: &http.Transport{MaxIdleConnsPerHost: conns, MaxIdleConns: conns * len(o.Bases), IdleConnTimeout: 30 * time.Second},
		// A redirect is an answer to judge (a session that did not work
		// sends the browser to /login), not one to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	var (
		mu      sync.Mutex
		samples []sample
		errs    []string
		nerr    atomic.Int64
		acked   atomic.Int64
		sent    atomic.Int64
	)
	do := func(i int) {
		q := mix(i, o.Bases[i%len(o.Bases)])
		q.Req = q.Req.WithContext(ctx)
		sent.Add(1)
		t0 := time.Now()
		res, err := client.Do(q.Req)
		var body []byte
		if err == nil {
			body, err = io.ReadAll(res.Body)
			res.Body.Close()
		}
		d := time.Since(t0)
		if err == nil {
			err = q.Check(res, body)
		}
		mu.Lock()
		samples = append(samples, sample{q.Kind, d})
		if err != nil && len(errs) < 5 {
			errs = append(errs, fmt.Sprintf("%s %s: %v", q.Req.Method, q.Req.URL.Path, err))
		}
		mu.Unlock()
		switch {
		case err != nil:
			nerr.Add(1)
		case q.Write:
			acked.Add(1)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	runCtx := ctx
	// Requests in flight when the duration ends finish under their own
	// timeout: cutting them off would count as errors and lose writes.
	ctx = context.WithoutCancel(ctx)
	start := time.Now()
	var wg sync.WaitGroup
	if o.Rate > 0 {
		interval := time.Second / time.Duration(o.Rate)
		for i := 0; ; i++ {
			next := start.Add(time.Duration(i) * interval)
			select {
			case <-runCtx.Done():
			case <-time.After(time.Until(next)):
				wg.Add(1)
				go func() { defer wg.Done(); do(i) }()
				continue
			}
			break
		}
	} else {
		var next atomic.Int64
		for range o.Concurrency {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for runCtx.Err() == nil {
					do(int(next.Add(1) - 1))
				}
			}()
		}
		<-runCtx.Done()
	}
	sending := time.Since(start)
	wg.Wait()
	r := &Result{Sending: sending, Sent: int(sent.Load()), Errors: int(nerr.Load()), WritesAcked: int(acked.Load()), Elapsed: time.Since(start), FirstErrors: errs, ByKind: map[string]Latencies{}}
	all := make([]time.Duration, len(samples))
	by := map[string][]time.Duration{}
	for i, s := range samples {
		all[i] = s.d
		by[s.kind] = append(by[s.kind], s.d)
	}
	r.All = summarise(all)
	for k, d := range by {
		r.ByKind[k] = summarise(d)
	}
	return r, nil
}
