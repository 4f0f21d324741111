package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/mfa"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// eachEnv runs f with a fresh environment on every available store.
func eachEnv(t *testing.T, f func(t *testing.T, e *env)) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) { f(t, newEnv(t, db)) })
}

var inviteLinkRE = regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`)

// inviteAs has actor invite email to team A and returns the link's path.
func (e *env) inviteAs(t *testing.T, actor, name, email string) string {
	t.Helper()
	w := e.form(actor, fmt.Sprintf("/c/%d/teams/%d/invitations", e.ids["c1"], e.ids["teamA"]), url.Values{"name": {name}, "email": {email}, "role": {"other"}})
	m := inviteLinkRE.FindString(w.Body.String())
	if w.Code != http.StatusOK || m == "" {
		t.Fatalf("invite %s: %d, no link shown", email, w.Code)
	}
	return m
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	must(t, e.db.Raw().QueryRowContext(bg, q, args...).Scan(&n))
	return n
}

func sessionCookie(e *env, w *responseRecorder) string {
	for _, c := range w.Result().Cookies() {
		if c.Name == e.srv.cookieName() && c.Value != "" {
			return c.Value
		}
	}
	return ""
}

// TestInvitationNeverSignsIn (issue 11 item 1): a team director invites the
// site administrator's email and tries the invitation page with the
// administrator's password. Before the fix that signed the holder of the
// link in as the administrator, unthrottled, unaudited and past any second
// factor. Now the invitation page never signs anyone in, reads the same
// for an email with or without an account, and only the signed-in owner
// of the email can accept.
func TestInvitationNeverSignsIn(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		pw := e.demo.Logins[0].Password
		admin, _, err := e.db.FindUserByEmail(bg, "admin@example.org")
		must(t, err)
		adminHash, err := e.db.PasswordHash(bg, admin.ID)
		must(t, err)
		member := func(uid int64) int {
			return e.count(t, `SELECT COUNT(*) FROM team_members WHERE team_id = $1 AND user_id = $2`, e.ids["teamA"], uid)
		}
		sessionsOf := func(uid int64) int {
			return e.count(t, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, uid)
		}
		adminSessions := sessionsOf(admin.ID)

		existing := e.inviteAs(t, "director", "Pat Invitee", "admin@example.org")
		fresh := e.inviteAs(t, "director", "Pat Invitee", "pat.new@example.org")

		// The page reads the same, byte for byte, with the token and the
		// email written out.
		norm := func(link, email, body string) string {
			return strings.ReplaceAll(strings.ReplaceAll(body, strings.TrimPrefix(link, "/invite/"), "TOKEN"), email, "EMAIL")
		}
		g1, g2 := e.do("", "GET", existing, nil, ""), e.do("", "GET", fresh, nil, "")
		if g1.Code != 200 || g2.Code != 200 {
			t.Fatalf("invitation pages: %d, %d", g1.Code, g2.Code)
		}
		if a, b := norm(existing, "admin@example.org", g1.Body.String()), norm(fresh, "pat.new@example.org", g2.Body.String()); a != b {
			t.Errorf("the invitation page differs for an email with an account:\n%s\n----\n%s", a, b)
		}

		// The administrator's password on the invitation page: no session,
		// no membership, the account unchanged.
		for _, f := range []url.Values{
			{"password": {pw}}, // the old form for existing accounts
			{"name": {"Pat"}, "password": {pw}, "password2": {pw}},
		} {
			w := e.form("", existing, f)
			if c := sessionCookie(e, w); c != "" {
				t.Errorf("posting %v to the invitation page set a session cookie", f)
			}
			if w.Code == http.StatusSeeOther && !strings.HasPrefix(w.Header().Get("Location"), "/login") {
				t.Errorf("posting %v led to %q", f, w.Header().Get("Location"))
			}
		}
		if n := sessionsOf(admin.ID); n != adminSessions {
			t.Errorf("the administrator has %d sessions, had %d", n, adminSessions)
		}
		if member(admin.ID) != 0 {
			t.Error("the administrator was added to the team without accepting")
		}
		if h, _ := e.db.PasswordHash(bg, admin.ID); h != adminHash {
			t.Error("the invitation page changed an existing account's password")
		}

		// Creating an account answers the same whether or not the email
		// had one.
		np := "pat's own password"
		wNew := e.form("", fresh, url.Values{"name": {"Pat"}, "password": {np}, "password2": {np}})
		wOld := e.form("", existing, url.Values{"name": {"Pat"}, "password": {np}, "password2": {np}})
		loc := func(link string, w *responseRecorder) string {
			return fmt.Sprint(w.Code, " ", strings.ReplaceAll(w.Header().Get("Location"), url.QueryEscape(link), "LINK"), " ", sessionCookie(e, w) != "")
		}
		if a, b := loc(fresh, wNew), loc(existing, wOld); a != b || wNew.Code != http.StatusSeeOther {
			t.Errorf("account creation answers %q for a new email and %q for an existing one", a, b)
		}

		// The new person signs in through /login and then accepts.
		w := e.form("", "/login", url.Values{"email": {"pat.new@example.org"}, "password": {np}, "next": {fresh}})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != fresh {
			t.Fatalf("sign-in after creating the account: %d %q", w.Code, w.Header().Get("Location"))
		}
		e.sessions["pat"] = sessionCookie(e, w)
		pat, _, err := e.db.FindUserByEmail(bg, "pat.new@example.org")
		must(t, err)
		if member(pat.ID) != 0 {
			t.Error("creating the account joined the team before accepting")
		}
		if w := e.do("pat", "GET", fresh, nil, ""); !strings.Contains(w.Body.String(), `id="accept-form"`) {
			t.Errorf("the signed-in invitee sees no accept button: %d", w.Code)
		}
		// Someone else, signed in, cannot accept it.
		if w := e.form("director", fresh, nil); w.Code != http.StatusForbidden {
			t.Errorf("another person accepting: %d, want 403", w.Code)
		}
		if w := e.form("pat", fresh, nil); w.Code != http.StatusSeeOther || member(pat.ID) != 1 {
			t.Errorf("accept: %d, member %d", w.Code, member(pat.ID))
		}

		// The administrator, signed in the normal way, accepts their own.
		if w := e.form("admin", existing, nil); w.Code != http.StatusSeeOther || member(admin.ID) != 1 {
			t.Errorf("admin accept: %d, member %d", w.Code, member(admin.ID))
		}
	})
}

// TestInvitationKeepsSecondFactor: a person with TOTP on is never signed in
// by an invitation link, not even with the right password; signing in
// still asks for the code.
func TestInvitationKeepsSecondFactor(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		pw := e.demo.Logins[0].Password
		conv, _, err := e.db.FindUserByEmail(bg, "convener@example.org")
		must(t, err)
		secret := "JBSWY3DPEHPK3PXP"
		must(t, e.db.SetTOTPSecret(bg, collab.Who{}, conv.ID, secret))
		must(t, e.db.EnableTOTP(bg, collab.Who{}, conv.ID, 1))
		link := e.inviteAs(t, "director", "Casey", "convener@example.org")
		before := e.count(t, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, conv.ID)
		for _, f := range []url.Values{{"password": {pw}}, {"name": {"Casey"}, "password": {pw}, "password2": {pw}}} {
			if w := e.form("", link, f); sessionCookie(e, w) != "" {
				t.Errorf("the invitation page set a session cookie for a TOTP account (%v)", f)
			}
		}
		if n := e.count(t, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, conv.ID); n != before {
			t.Errorf("sessions of the TOTP account: %d, had %d", n, before)
		}
		w := e.form("", "/login", url.Values{"email": {"convener@example.org"}, "password": {pw}, "next": {link}})
		if !strings.HasPrefix(w.Header().Get("Location"), "/login/totp") {
			t.Fatalf("password sign-in of a TOTP account went to %q", w.Header().Get("Location"))
		}
		e.sessions["half"] = sessionCookie(e, w)
		if w := e.form("half", link, nil); w.Code == http.StatusSeeOther && !strings.HasPrefix(w.Header().Get("Location"), "/login") {
			t.Errorf("a half-signed-in session used the invitation: %d %q", w.Code, w.Header().Get("Location"))
		}
		code, _ := mfa.Code(secret, e.db.Now())
		w = e.form("half", "/login/totp", url.Values{"code": {code}, "next": {link}})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != link {
			t.Fatalf("code step: %d %q", w.Code, w.Header().Get("Location"))
		}
		e.sessions["full"] = sessionCookie(e, w)
		if w := e.form("full", link, nil); w.Code != http.StatusSeeOther {
			t.Errorf("accept after two factors: %d", w.Code)
		}
	})
}

// TestSigninThrottleConcurrent (issue 11 item 7): many sign-in posts for one
// account at once. The attempt is counted before the password is checked,
// so at most MaxFailsPerEmail passwords are checked however the requests
// interleave. Before the fix each request checked the throttle, then the
// password, then recorded the failure: 16 concurrent posts were all
// checked against a limit of 5.
func TestSigninThrottleConcurrent(t *testing.T) {
	const n = 32
	eachEnv(t, func(t *testing.T, e *env) {
		h := e.srv.Handler()
		checks0 := passwordChecks(t, e)
		start := make(chan struct{})
		codes := make(chan int, n)
		var wg sync.WaitGroup
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				body := url.Values{"email": {"coach@example.org"}, "password": {fmt.Sprint("guess-", i)}}.Encode()
				req := httptest.NewRequest("POST", "/login", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.RemoteAddr = fmt.Sprintf("198.51.100.%d:1234", i) // the per-account limit, not the per-address one
				w := httptest.NewRecorder()
				<-start
				h.ServeHTTP(w, req)
				codes <- w.Code
			}(i)
		}
		close(start)
		wg.Wait()
		close(codes)
		got := map[int]int{}
		for c := range codes {
			got[c]++
		}
		checks := passwordChecks(t, e) - checks0
		es, err := e.db.AuditLog(bg, auditAll)
		must(t, err)
		fails := 0
		for _, a := range es {
			if a.Action == "signin.fail" && a.Detail == "coach@example.org" {
				fails++
			}
		}
		t.Logf("%d concurrent posts: %d password checks, %d failures audited, answers %v", n, checks, fails, got)
		if checks > sqlstore.MaxFailsPerEmail || fails > sqlstore.MaxFailsPerEmail {
			t.Errorf("%d concurrent posts led to %d password checks and %d audited failures; the limit is %d", n, checks, fails, sqlstore.MaxFailsPerEmail)
		}
		if got[http.StatusOK] != fails || got[http.StatusOK]+got[http.StatusTooManyRequests] != n {
			t.Errorf("answers %v: want %d failures (200) and the rest throttled (429)", got, fails)
		}
		// The right password is refused too while throttled.
		w := e.form("", "/login", url.Values{"email": {"coach@example.org"}, "password": {e.demo.Logins[0].Password}})
		if w.Code != http.StatusTooManyRequests || sessionCookie(e, w) != "" {
			t.Errorf("right password while throttled: %d", w.Code)
		}
	})
}

// passwordChecks reads the server's count of password verifications from
// its metrics.
func passwordChecks(t *testing.T, e *env) int {
	t.Helper()
	w := httptest.NewRecorder()
	e.srv.metrics.handler.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	m := regexp.MustCompile(`(?m)^goeswell_password_checks_total (\d+)$`).FindStringSubmatch(w.Body.String())
	if m == nil {
		t.Fatal("no goeswell_password_checks_total in the metrics")
	}
	n, err := strconv.Atoi(m[1])
	must(t, err)
	return n
}

// TestPasswordChangeEndsTokens (issue 11 item 9): after a password change
// in account settings the person's API token no longer opens the API.
func TestPasswordChangeEndsTokens(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	w := e.form("director", "/account/tokens", url.Values{"tokenName": {"script"}})
	token := regexp.MustCompile(`gw_[A-Za-z0-9_-]+`).FindString(w.Body.String())
	me := func() int {
		req := httptest.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		w := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(w, req)
		return w.Code
	}
	if token == "" || me() != http.StatusOK {
		t.Fatalf("token before the change: %q, %d", token, me())
	}
	np := "a brand new password"
	w = e.form("director", "/account/password", url.Values{"current": {e.demo.Logins[0].Password}, "new": {np}, "new2": {np}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("password change: %d", w.Code)
	}
	if c := me(); c != http.StatusUnauthorized {
		t.Errorf("the API token still answers %d after a password change", c)
	}
	if w := e.do("director", "GET", "/account", nil, ""); w.Code != http.StatusOK || strings.Contains(w.Body.String(), "<li>script — ") {
		t.Errorf("account page after the change: %d, token still listed", w.Code)
	}
}

// TestMetricsNotPublic (issue 11 item 11): the server's handler has no
// /metrics; the metrics have a handler of their own for a private
// listener.
func TestMetricsNotPublic(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	for _, actor := range []string{"", "admin"} {
		if w := e.do(actor, "GET", "/metrics", nil, ""); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "goeswell_") {
			t.Errorf("/metrics as %q: %d", actor, w.Code)
		}
	}
	w := httptest.NewRecorder()
	e.srv.MetricsHandler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "goeswell_http_requests_total") {
		t.Errorf("MetricsHandler: %d", w.Code)
	}
}
