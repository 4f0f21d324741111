package sqlstore_test

import (
	"errors"
	"strings"
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
		if es[0].Action != "user.password" || !strings.Contains(es[0].Detail, `"api_tokens":["2","0 (revoked)"]`) {
			t.Errorf("latest audit row: %s %q", es[0].Action, es[0].Detail)
		}
	})
}

// TestPasswordReset (issue 16 item 1): a reset link works once and for
// ResetTTL; using it sets the password and ends every session, API token
// and other reset link of the person; a person can be sent at most
// MaxResetsPerUser links an hour by email; only hashes are stored.
func TestPasswordReset(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := newFixture(t, db)
		uid := f.user(t, "a@example.org")
		if err := db.CreateSession(ctx, "s1", uid); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateAPIToken(ctx, collab.Who{UserID: uid}, &collab.APIToken{UserID: uid, Name: "t"}, "gw_t"); err != nil {
			t.Fatal(err)
		}
		for i, tok := range []string{"r1", "r2", "r3", "r4"} {
			made, err := db.CreatePasswordReset(ctx, collab.Who{}, uid, 0, tok)
			if err != nil || made != (i < sqlstore.MaxResetsPerUser) {
				t.Errorf("reset %d: made %v, %v", i+1, made, err)
			}
		}
		// A link made by a convener to pass on is not limited.
		if made, err := db.CreatePasswordReset(ctx, collab.Who{UserID: f.convID}, uid, f.convID, "r5"); err != nil || !made {
			t.Errorf("convener's link: %v, %v", made, err)
		}
		var stored int
		if err := db.Raw().QueryRowContext(ctx, `SELECT COUNT(*) FROM password_resets WHERE token_hash IN ('r1', 'r5')`).Scan(&stored); err != nil || stored != 0 {
			t.Errorf("%d reset tokens stored in clear (%v)", stored, err)
		}
		if u, err := db.PasswordResetUser(ctx, "r1"); err != nil || u.ID != uid {
			t.Fatalf("PasswordResetUser = %v, %v", u, err)
		}
		if _, err := db.PasswordResetUser(ctx, "r4"); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("a link over the limit: %v", err)
		}
		if got, err := db.ResetPassword(ctx, collab.Who{}, "r1", "newhash"); err != nil || got != uid {
			t.Fatalf("ResetPassword = %d, %v", got, err)
		}
		if h, _ := db.PasswordHash(ctx, uid); h != "newhash" {
			t.Errorf("hash after reset = %q", h)
		}
		if _, err := db.SessionUser(ctx, "s1"); !errors.Is(err, collab.ErrUnauthorized) {
			t.Errorf("session after a reset: %v", err)
		}
		if _, err := db.APITokenUser(ctx, "gw_t"); !errors.Is(err, collab.ErrUnauthorized) {
			t.Errorf("API token after a reset: %v", err)
		}
		for _, tok := range []string{"r1", "r2", "r5"} {
			if _, err := db.ResetPassword(ctx, collab.Who{}, tok, "again"); !errors.Is(err, collab.ErrNotFound) {
				t.Errorf("link %s after a reset: %v, want not found", tok, err)
			}
		}
		// Expiry.
		if _, err := db.CreatePasswordReset(ctx, collab.Who{}, uid, f.convID, "r6"); err != nil {
			t.Fatal(err)
		}
		*f.clock = f.clock.Add(sqlstore.ResetTTL + time.Second)
		if _, err := db.PasswordResetUser(ctx, "r6"); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("expired link: %v", err)
		}
		if _, err := db.ResetPassword(ctx, collab.Who{}, "r6", "late"); !errors.Is(err, collab.ErrNotFound) {
			t.Errorf("expired link used: %v", err)
		}
		es, err := db.AuditLog(ctx, sqlstore.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, e := range es {
			counts[e.Action]++
		}
		if counts["password.reset_request"] != 5 || counts["user.password_reset"] != 1 {
			t.Errorf("audit: %v", counts)
		}
	})
}
