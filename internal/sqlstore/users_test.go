package sqlstore_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestSigninAttemptsCounted: attempts are counted atomically before the
// secret is checked, so of many concurrent attempts for one account exactly
// the limit get through, on both stores; a successful sign-in clears them.
func TestSigninAttemptsCounted(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		const n = 32
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := 0
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				a, until, err := db.BeginSigninAttempt(ctx, "x@example.org", "10.0.0.1")
				if err != nil {
					t.Error(err)
					return
				}
				if a == nil && until.IsZero() {
					t.Error("throttled with no end")
				}
				if a != nil {
					mu.Lock()
					got++
					mu.Unlock()
				}
			}(i)
		}
		close(start)
		wg.Wait()
		if got != sqlstore.MaxFailsPerEmail {
			t.Errorf("%d of %d concurrent attempts got through, want %d", got, n, sqlstore.MaxFailsPerEmail)
		}
		if th, _, err := db.SigninThrottled(ctx, "X@example.org", "10.0.0.2"); err != nil || !th {
			t.Errorf("SigninThrottled after the limit = %v, %v", th, err)
		}
		// A successful sign-in clears the email's attempts.
		if err := db.RecordSignin(ctx, collab.Who{}, "x@example.org"); err != nil {
			t.Fatal(err)
		}
		if a, _, err := db.BeginSigninAttempt(ctx, "x@example.org", "10.0.0.1"); err != nil || a == nil {
			t.Errorf("attempt after a sign-in: %v, %v", a, err)
		}
		// The window passes.
		for i := 0; i < sqlstore.MaxFailsPerEmail; i++ {
			db.BeginSigninAttempt(ctx, "y@example.org", "10.0.0.3")
		}
		if a, _, _ := db.BeginSigninAttempt(ctx, "y@example.org", "10.0.0.3"); a != nil {
			t.Error("an attempt over the limit got through")
		}
		*f.clock = f.clock.Add(sqlstore.ThrottleWindow + time.Second)
		if a, _, err := db.BeginSigninAttempt(ctx, "y@example.org", "10.0.0.3"); err != nil || a == nil {
			t.Errorf("attempt after the window: %v, %v", a, err)
		}
	})
}

// TestPasswordChangeRevokesTokens (issue 11 item 9): a new password ends
// the person's API tokens as well as their other sessions, and only theirs.
// Before the fix a token made with a stolen password outlived the change.
func TestPasswordChangeRevokesTokens(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		uid := f.user(t, "a@example.org")
		other := f.user(t, "b@example.org")
		for _, tok := range []struct {
			uid    int64
			secret string
		}{{uid, "gw_one"}, {uid, "gw_two"}, {other, "gw_other"}} {
			if err := db.CreateAPIToken(ctx, collab.Who{UserID: tok.uid}, &collab.APIToken{UserID: tok.uid, Name: tok.secret}, tok.secret); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.SetPassword(ctx, collab.Who{UserID: uid}, uid, "h2", ""); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"gw_one", "gw_two"} {
			if _, err := db.APITokenUser(ctx, secret); !errors.Is(err, collab.ErrUnauthorized) {
				t.Errorf("token %s after a password change: %v", secret, err)
			}
		}
		if got, err := db.APITokenUser(ctx, "gw_other"); err != nil || got != other {
			t.Errorf("another person's token: %d, %v", got, err)
		}
		es, err := db.AuditLog(ctx, sqlstore.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if es[0].Action != "user.password" || es[0].Detail != "2 API tokens revoked" {
			t.Errorf("latest audit row: %s %q", es[0].Action, es[0].Detail)
		}
	})
}
