package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/password"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestReplicas runs two server processes on one PostgreSQL database: a
// session made on one works on the other, sign-in failures on one
// throttle the other, and killing one replica under load loses no write
// the clients were told had succeeded.
func TestReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode")
	}
	dsn := sqltest.PostgresDSN(t)
	bin := goeswellBinary(t)
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	must(t, err)
	_, err = db.Migrate(ctx)
	must(t, err)
	hash, err := password.Hash("correct horse battery", password.Default)
	must(t, err)
	u := &collab.User{Email: "convener@example.org", Name: "Convener"}
	must(t, db.CreateUser(ctx, collab.Who{}, u, hash))
	c := &collab.Collaborative{Name: "Replicated", StartDate: collab.NewDate(2026, 1, 1), EndDate: collab.NewDate(2027, 1, 1), Policy: collab.DefaultPolicy()}
	must(t, db.CreateCollaborative(ctx, collab.Who{}, c, nil, u.ID))
	must(t, db.CreateAPIToken(ctx, collab.Who{}, &collab.APIToken{UserID: u.ID, Name: "r"}, "gw_replicas"))
	defer db.Close()

	a, b := freeAddr(t), freeAddr(t)
	pa := startServe(t, bin, dsn, a)
	pb := startServe(t, bin, dsn, b)
	defer func() { pb.Process.Signal(syscall.SIGTERM); pb.Wait() }()

	// A session from replica A works on replica B: the cookie is the same
	// name on both, so one jar per host would hide it; carry it by hand.
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.PostForm("http://"+a+"/login", url.Values{"email": {"convener@example.org"}, "password": {"correct horse battery"}})
	must(t, err)
	res.Body.Close()
	var session *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "goeswell" {
			session = ck
		}
	}
	if session == nil {
		t.Fatalf("no session cookie from replica A (status %d)", res.StatusCode)
	}
	req, _ := http.NewRequest("GET", fmt.Sprintf("http://%s/c/%d", b, c.ID), nil)
	req.AddCookie(session)
	res, err = noRedirect.Do(req)
	must(t, err)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("replica B with replica A's session: %d", res.StatusCode)
	}

	// Failures spread over both replicas add up to one throttle.
	for i := 0; i < 5; i++ {
		host := []string{a, b}[i%2]
		res, err := http.PostForm("http://"+host+"/login", url.Values{"email": {"convener@example.org"}, "password": {"wrong"}})
		must(t, err)
		res.Body.Close()
	}
	jar, _ := cookiejar.New(nil)
	res, err = (&http.Client{Jar: jar}).PostForm("http://"+a+"/login", url.Values{"email": {"convener@example.org"}, "password": {"correct horse battery"}})
	must(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(body), "Too many attempts") {
		t.Errorf("after failures on both replicas, sign-in on A answered %d", res.StatusCode)
	}

	// Kill replica A under load; clients fail over to B and retry with
	// their idempotency keys.
	var acked sync.Map
	var sent atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				key := fmt.Sprintf("r-%d-%d", w, i)
				for attempt := 0; attempt < 20; attempt++ {
					host := []string{a, b}[(i+attempt)%2]
					req, _ := http.NewRequest("POST", fmt.Sprintf("http://%s/api/v1/collaboratives/%d/teams", host, c.ID), strings.NewReader(fmt.Sprintf(`{"name":%q,"kind":"community"}`, key)))
					req.Header.Set("Authorization", "Bearer gw_replicas")
					req.Header.Set("Idempotency-Key", key)
					sent.Add(1)
					res, err := client.Do(req)
					if err == nil {
						res.Body.Close()
						if res.StatusCode == 201 || res.StatusCode == 200 {
							acked.Store(key, true)
							break
						}
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
		}(w)
	}
	time.Sleep(400 * time.Millisecond)
	must(t, pa.Process.Signal(syscall.SIGKILL))
	pa.Wait()
	time.Sleep(400 * time.Millisecond)
	close(stop)
	wg.Wait()
	teams, err := db.Teams(ctx, c.ID, sqlstore.TeamFilter{})
	must(t, err)
	have := map[string]int{}
	for _, tm := range teams {
		have[tm.Name]++
	}
	n := 0
	acked.Range(func(k, _ any) bool {
		n++
		if have[k.(string)] != 1 {
			t.Errorf("acknowledged write %s is in the database %d times", k, have[k.(string)])
		}
		return true
	})
	for name, count := range have {
		if count > 1 {
			t.Errorf("write %s applied %d times", name, count)
		}
	}
	if r := verifyAudit(t, db, dsn); !r.OK() || r.Unsealed != 0 || r.Checkpoints == 0 {
		t.Errorf("audit chain across replicas: %+v", r)
	}
	t.Logf("replica killed under load: %d writes acknowledged (%d requests), all present once", n, sent.Load())
}
