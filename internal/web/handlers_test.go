package web

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/mail"
	"github.com/goeswell/goeswell/internal/mail/smtptest"
	"github.com/goeswell/goeswell/internal/mfa"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

func TestFormErrorsKeepInput(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	path := fmt.Sprintf("/c/%d/settings", e.ids["c1"])
	f := url.Values{"name": {"Renamed <b>collaborative</b>"}, "startDate": {"2026-13-01"}, "endDate": {"2026-01-01"}, "status": {"active"},
		"minReps": {"one"}, "hoursMin": {"6"}, "hoursMax": {"4"}, "criteria": {"Be kind"}, "requiredRoles": {"director"}}
	before := e.dbHash()
	w := e.form("convener", path, f)
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{
		`value="Renamed &lt;b&gt;collaborative&lt;/b&gt;"`, // what was typed, escaped
		`value="2026-13-01"`,
		"Enter a date as YYYY-MM-DD.",
		"Enter a number.",
		"The maximum is below the minimum.",
		`aria-invalid="true"`,
		"Some fields need attention",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("re-rendered form lacks %q", want)
		}
	}
	if e.dbHash() != before {
		t.Error("an invalid form changed the database")
	}
	// A valid post saves and redirects with a flash.
	f.Set("startDate", "2026-01-01")
	f.Set("endDate", "2027-06-30")
	f.Set("minReps", "2")
	f.Set("hoursMax", "8")
	w = e.form("convener", path, f)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("valid post: status %d: %s", w.Code, w.Body.String())
	}
	c, err := e.db.FindCollaborative(bg, e.ids["c1"])
	must(t, err)
	if c.Policy.MinRepsPerMeeting != 2 || c.Policy.HoursMax != 8 || len(c.Policy.RequiredRoles) != 1 {
		t.Errorf("saved policy = %+v", c.Policy)
	}
}

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	css := e.srv.static.url("app.css")
	for _, c := range []struct{ actor, path string }{
		{"", "/login"}, {"", "/no-such-page"}, {"", css}, {"", "/api/v1/me"}, {"convener", "/c/1"}, {"", "/healthz"}, {"director", "/c/1/teams/2"},
	} {
		w := e.do(c.actor, "GET", c.path, nil, "")
		h := w.Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q", c.path, csp)
		}
		for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
			if h.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", c.path, k, h.Get(k), v)
			}
		}
	}
	if w := e.do("", "GET", css, nil, ""); w.Code != 200 || !strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("static: %d %q", w.Code, w.Header().Get("Cache-Control"))
	}
}

func TestCrossOriginRefused(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	before := e.dbHash()
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Origin": "https://evil.example"},
	} {
		req, _ := http.NewRequest("POST", "/c/1/partners", strings.NewReader("orgName=Evil&role=partner"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Host = "goeswell.test"
		for k, v := range h {
			req.Header.Set(k, v)
		}
		req.AddCookie(&http.Cookie{Name: e.srv.cookieName(), Value: e.sessions["convener"]})
		w := newRecorder()
		e.srv.Handler().ServeHTTP(w, req)
		if w.Code != http.StatusForbidden {
			t.Errorf("%v: status %d, want 403", h, w.Code)
		}
	}
	if e.dbHash() != before {
		t.Error("a cross-origin post changed the database")
	}
	// The same post from the page itself goes through.
	w := e.form("convener", "/c/1/partners", url.Values{"orgName": {"Friendly"}, "role": {"partner"}, "size": {"small"}})
	if w.Code != http.StatusSeeOther {
		t.Errorf("same-origin post: %d %s", w.Code, w.Body.String())
	}
}

var cookieRE = regexp.MustCompile(`goeswell=([^;]+)`)

func TestSignIn(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	pw := e.demo.Logins[0].Password
	// Wrong password and unknown account read the same.
	wrong := e.form("", "/login", url.Values{"email": {"convener@example.org"}, "password": {"nope"}})
	unknown := e.form("", "/login", url.Values{"email": {"nobody@example.org"}, "password": {"nope"}})
	for _, w := range []interface{ Result() *http.Response }{wrong, unknown} {
		if w.Result().StatusCode != 200 {
			t.Errorf("failed sign-in: status %d", w.Result().StatusCode)
		}
	}
	if !strings.Contains(wrong.Body.String(), "do not match an account") || !strings.Contains(unknown.Body.String(), "do not match an account") {
		t.Error("failed sign-in message missing")
	}
	if !strings.Contains(wrong.Body.String(), `value="convener@example.org"`) {
		t.Error("the email typed was not kept")
	}
	// Sign-in with a planted cookie gets a new session token.
	req, _ := http.NewRequest("POST", "/login", strings.NewReader(url.Values{"email": {"convener@example.org"}, "password": {pw}, "next": {"//evil.example/x"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: e.srv.cookieName(), Value: e.sessions["convener"]})
	w := newRecorder()
	e.srv.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Fatalf("sign-in: %d to %q (an off-site next must be refused)", w.Code, w.Header().Get("Location"))
	}
	sc := w.Header().Get("Set-Cookie")
	m := cookieRE.FindStringSubmatch(sc)
	if m == nil || m[1] == e.sessions["convener"] || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
		t.Fatalf("session cookie %q", sc)
	}
	if _, err := e.db.SessionUser(bg, e.sessions["convener"]); err == nil {
		t.Error("the session from before sign-in still works")
	}
	// Throttling after repeated failures, with a clear message.
	for i := 0; i < 5; i++ {
		e.form("", "/login", url.Values{"email": {"coach@example.org"}, "password": {"bad"}})
	}
	w = e.form("", "/login", url.Values{"email": {"coach@example.org"}, "password": {pw}})
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "Too many attempts") {
		t.Errorf("throttled sign-in: %d", w.Code)
	}
	es, err := e.db.AuditLog(bg, auditAll)
	must(t, err)
	var fails, signins int
	for _, a := range es {
		switch a.Action {
		case "signin.fail":
			fails++
		case "signin":
			signins++
		}
	}
	if fails < 7 || signins != 1 {
		t.Errorf("audit: %d failed and %d successful sign-ins", fails, signins)
	}
}

func TestAPI(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	// A personal access token made in account settings works as a bearer.
	w := e.form("director", "/account/tokens", url.Values{"tokenName": {"my script"}})
	m := regexp.MustCompile(`value="(gw_[^"]+)"`).FindStringSubmatch(w.Body.String())
	if w.Code != 200 || m == nil {
		t.Fatalf("token create: %d", w.Code)
	}
	bearer := func(method, path, body string) *responseRecorder {
		req, _ := http.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+m[1])
		req.Header.Set("Content-Type", "application/json")
		w := newRecorder()
		e.srv.Handler().ServeHTTP(w, req)
		return w
	}
	w2 := bearer("GET", "/api/v1/me", "")
	var me struct {
		Email string            `json:"email"`
		Teams map[string]string `json:"teams"`
	}
	if err := json.Unmarshal(w2.Body.Bytes(), &me); err != nil || me.Email != "director.harbor@example.org" || me.Teams[fmt.Sprint(e.ids["teamA"])] != "director" {
		t.Fatalf("me = %s (%v)", w2.Body.String(), err)
	}
	// Bearer tokens are for the API only.
	if w := bearer("GET", "/c/1", ""); w.Code == 200 {
		t.Error("a bearer token opened a UI page")
	}
	type apiErr struct {
		Error struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	team := fmt.Sprintf("/api/v1/collaboratives/%d/teams/%d", e.ids["c1"], e.ids["teamA"])
	for _, c := range []struct {
		body, code string
		status     int
	}{
		{`{"name": ""}`, "invalid", 422},
		{`{"nmae": "x"}`, "bad_request", 400},
		{`{"name": "x"} {"name": "y"}`, "bad_request", 400},
		{`{"name": 3}`, "bad_request", 400},
		{`{"name": "a", "name": "b"}`, "bad_request", 400},
		{`{"focus": "x", "name": "ok", "focus": "y"}`, "bad_request", 400},
		{``, "bad_request", 400},
		{`[]`, "bad_request", 400},
		{`{"singlePerson": true}`, "forbidden", 403},
		{`{"name": "` + strings.Repeat("x", 2<<20) + `"}`, "too_large", 413},
	} {
		w := bearer("PATCH", team, c.body)
		var got apiErr
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatalf("%.40s: not JSON: %s", c.body, w.Body.String())
		}
		if w.Code != c.status || got.Error.Code != c.code || got.Error.Message == "" {
			t.Errorf("%.40s: %d %+v, want %d %s", c.body, w.Code, got.Error, c.status, c.code)
		}
		if c.code == "invalid" && got.Error.Fields["name"] != "This field is required." {
			t.Errorf("fields = %v", got.Error.Fields)
		}
	}
	if w := bearer("PATCH", team, `{"focus": "Wellbeing first"}`); w.Code != 200 || !strings.Contains(w.Body.String(), "Wellbeing first") {
		t.Errorf("patch: %d %s", w.Code, w.Body.String())
	}
	// Another team's object is refused with the JSON error shape.
	other := fmt.Sprintf("/api/v1/collaboratives/%d/teams/%d", e.ids["c1"], e.ids["teamB"])
	if w := bearer("GET", other, ""); w.Code != 403 || !strings.Contains(w.Body.String(), `"code": "forbidden"`) {
		t.Errorf("other team: %d %s", w.Code, w.Body.String())
	}
	// A public application and the convener's acceptance.
	apply := fmt.Sprintf("/api/v1/collaboratives/%d/applications", e.ids["c1"])
	// Without agreeing to the commitments it is refused, naming the field.
	if w := e.do("", "POST", apply, strings.NewReader(`{"organization":{"name":"Lynn Family Services","size":"small"},"contactName":"Ida","contactEmail":"ida@example.org","answers":[]}`), "application/json"); w.Code != 422 || !strings.Contains(w.Body.String(), "agreeCommitments") {
		t.Errorf("apply without agreeing: %d %s", w.Code, w.Body.String())
	}
	w3 := e.do("", "POST", apply, strings.NewReader(`{"organization":{"name":"Lynn Family Services","size":"small"},"contactName":"Ida","contactEmail":"ida@example.org","answers":[],"agreeCommitments":true}`), "application/json")
	var created struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(w3.Body.Bytes(), &created); err != nil || w3.Code != 201 {
		t.Fatalf("apply: %d %s", w3.Code, w3.Body.String())
	}
	w4 := e.do("convener", "POST", fmt.Sprintf("%s/%d/decision", apply, created.ID), strings.NewReader(`{"decision":"accept","note":"Welcome"}`), "application/json")
	if w4.Code != 200 || !strings.Contains(w4.Body.String(), `"inviteLink": "http://goeswell.test/invite/`) || !strings.Contains(w4.Body.String(), `"status": "accepted"`) {
		t.Errorf("decision: %d %s", w4.Code, w4.Body.String())
	}
}

func TestTOTPSignIn(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	pw := e.demo.Logins[0].Password
	// The convener enrolls through account settings.
	w := e.form("convener", "/account/totp/setup", nil)
	secret := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(w.Body.String())
	if w.Code != 200 || secret == nil || !strings.Contains(w.Body.String(), `src="data:image/png;base64,`) {
		t.Fatalf("setup: %d", w.Code)
	}
	if w := e.form("convener", "/account/totp/enable", url.Values{"code": {"000000"}}); w.Code != 422 {
		t.Errorf("wrong enrollment code: %d", w.Code)
	}
	now := e.db.Now()
	code, _ := mfa.Code(secret[1], now.Add(-mfa.Step))
	if w := e.form("convener", "/account/totp/enable", url.Values{"code": {code}}); w.Code != 303 {
		t.Fatalf("enable: %d %s", w.Code, w.Body.String())
	}
	// Password alone now leads to the code form; the half session opens nothing else.
	w = e.form("", "/login", url.Values{"email": {"convener@example.org"}, "password": {pw}, "next": {"/c/1"}})
	if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/login/totp") {
		t.Fatalf("password step: %d %q", w.Code, w.Header().Get("Location"))
	}
	pending := cookieRE.FindStringSubmatch(w.Header().Get("Set-Cookie"))[1]
	e.sessions["pending"] = pending
	if w := e.do("pending", "GET", "/c/1", nil, ""); classify(w, false) != "signin" {
		t.Errorf("a half-signed-in session opened a page: %d", w.Code)
	}
	if w := e.form("pending", "/login/totp", url.Values{"code": {"123456"}, "next": {"/c/1"}}); w.Code != 200 || !strings.Contains(w.Body.String(), "not correct") {
		t.Errorf("wrong code: %d", w.Code)
	}
	// The code used to enroll cannot be used again.
	if w := e.form("pending", "/login/totp", url.Values{"code": {code}}); w.Code != 200 {
		t.Errorf("replayed code: %d", w.Code)
	}
	code2, _ := mfa.Code(secret[1], now)
	w = e.form("pending", "/login/totp", url.Values{"code": {code2}, "next": {"/c/1"}})
	if w.Code != 303 || w.Header().Get("Location") != "/c/1" {
		t.Fatalf("code step: %d %q", w.Code, w.Header().Get("Location"))
	}
	full := cookieRE.FindStringSubmatch(w.Header().Get("Set-Cookie"))[1]
	if full == pending {
		t.Error("the session token was not renewed after the second factor")
	}
	e.sessions["full"] = full
	if w := e.do("full", "GET", "/c/1", nil, ""); w.Code != 200 {
		t.Errorf("signed in with two factors: %d", w.Code)
	}
	// Turning it off needs the password.
	if w := e.form("full", "/account/totp/disable", url.Values{"mfaPassword": {"wrong"}}); w.Code != 422 {
		t.Errorf("disable with a wrong password: %d", w.Code)
	}
	if w := e.form("full", "/account/totp/disable", url.Values{"mfaPassword": {pw}}); w.Code != 303 {
		t.Errorf("disable: %d", w.Code)
	}
}

func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	post := func(key string) *responseRecorder {
		req := httptest.NewRequest("POST", "/api/v1/collaboratives/1/teams", strings.NewReader(`{"name":"Retry Team","kind":"community"}`))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		req.AddCookie(&http.Cookie{Name: e.srv.cookieName(), Value: e.sessions["convener"]})
		w := newRecorder()
		e.srv.Handler().ServeHTTP(w, req)
		return w
	}
	count := func() int {
		ts, err := e.db.Teams(bg, 1, sqlstore.TeamFilter{Query: "Retry Team"})
		must(t, err)
		return len(ts)
	}
	if w := post("k1"); w.Code != 201 {
		t.Fatalf("first: %d %s", w.Code, w.Body.String())
	}
	if w := post("k1"); w.Code != 200 || w.Header().Get("Idempotent-Replayed") != "true" {
		t.Errorf("retry: %d %s", w.Code, w.Body.String())
	}
	if n := count(); n != 1 {
		t.Errorf("%d teams after a retried write, want 1", n)
	}
	post("k2")
	post("")
	if n := count(); n != 3 {
		t.Errorf("%d teams after two more writes, want 3", n)
	}
	// A failed write does not spend its key.
	req := httptest.NewRequest("POST", "/api/v1/collaboratives/1/teams", strings.NewReader(`{"name":"","kind":"community"}`))
	req.Header.Set("Idempotency-Key", "k3")
	req.AddCookie(&http.Cookie{Name: e.srv.cookieName(), Value: e.sessions["convener"]})
	w := newRecorder()
	e.srv.Handler().ServeHTTP(w, req)
	if w.Code != 422 {
		t.Fatalf("invalid write: %d", w.Code)
	}
	if w := post("k3"); w.Code != 201 {
		t.Errorf("the key of a failed write was spent: %d", w.Code)
	}
}

// TestInvitationByEmail: with SMTP configured, an invitation is emailed
// (to a real SMTP server on loopback) and its link works once.
func TestInvitationByEmail(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	smtp := smtptest.Start(t)
	e.srv.mailer = mail.New(mail.Config{Addr: smtp.Addr, From: "goeswell@example.org"})
	w := e.form("director", fmt.Sprintf("/c/%d/teams/%d/invitations", e.ids["c1"], e.ids["teamA"]),
		url.Values{"name": {"Omar Haddad"}, "email": {"Omar@Example.org"}, "role": {"direct_service"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("invite: %d %s", w.Code, w.Body.String())
	}
	msgs := smtp.Wait(1, 5*time.Second)
	if len(msgs) != 1 || msgs[0].To[0] != "omar@example.org" {
		t.Fatalf("messages: %+v", msgs)
	}
	m := regexp.MustCompile(`http://goeswell\.test(/invite/[A-Za-z0-9_-]+)`).FindStringSubmatch(msgs[0].Data)
	if m == nil || !strings.Contains(msgs[0].Data, "Hello Omar Haddad") || !strings.Contains(msgs[0].Data, "Harbor Safe Haven") {
		t.Fatalf("email:\n%s", msgs[0].Data)
	}
	w = e.form("", m[1], url.Values{"name": {"Omar Haddad"}, "password": {"correct horse battery"}, "password2": {"correct horse battery"}})
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login?next=") {
		t.Fatalf("create account: %d %q", w.Code, w.Header().Get("Location"))
	}
	w = e.form("", "/login", url.Values{"email": {"omar@example.org"}, "password": {"correct horse battery"}, "next": {m[1]}})
	e.sessions["omar"] = sessionCookie(e, w)
	w = e.form("omar", m[1], nil)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != fmt.Sprintf("/c/%d/teams/%d", e.ids["c1"], e.ids["teamA"]) {
		t.Fatalf("accept: %d %q", w.Code, w.Header().Get("Location"))
	}
	if w := e.do("", "GET", m[1], nil, ""); w.Code != http.StatusNotFound {
		t.Errorf("second use: %d", w.Code)
	}
}

// TestLogsHoldNoSecrets signs in, accepts an invitation and uses an API
// token with the server's log captured, and checks that no password,
// token or cookie value reached the log.
func TestLogsHoldNoSecrets(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	var buf strings.Builder
	var mu sync.Mutex
	e.srv.log = slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.srv.handler = e.srv.securityHeaders(e.srv.metrics.instrument(e.srv.log, e.srv.handler))
	pw := e.demo.Logins[0].Password
	w := e.form("", "/login", url.Values{"email": {"convener@example.org"}, "password": {pw}})
	session := cookieRE.FindStringSubmatch(w.Header().Get("Set-Cookie"))[1]
	e.form("", "/login", url.Values{"email": {"convener@example.org"}, "password": {"wrong-password-xyz"}})
	w = e.form("convener", fmt.Sprintf("/c/%d/teams/%d/invitations", e.ids["c1"], e.ids["teamA"]), url.Values{"name": {"Lee"}, "email": {"lee@example.org"}, "role": {"other"}})
	link := regexp.MustCompile(`/invite/[A-Za-z0-9_-]+`).FindString(w.Body.String())
	e.form("", link, url.Values{"name": {"Lee"}, "password": {"new-password-abc"}, "password2": {"new-password-abc"}})
	w = e.form("director", "/account/tokens", url.Values{"tokenName": {"t"}})
	token := regexp.MustCompile(`gw_[A-Za-z0-9_-]+`).FindString(w.Body.String())
	req := httptest.NewRequest("GET", "/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	e.srv.Handler().ServeHTTP(newRecorder(), req)
	// An error path logs too.
	e.do("", "GET", link+"x", nil, "")
	mu.Lock()
	log := buf.String()
	mu.Unlock()
	if !strings.Contains(log, "route=\"POST /login\"") {
		t.Fatalf("no request lines in the log:\n%s", log)
	}
	for name, secret := range map[string]string{"password": pw, "wrong password": "wrong-password-xyz", "new password": "new-password-abc",
		"session": session, "invitation token": strings.TrimPrefix(link, "/invite/"), "API token": token, "session of another": e.sessions["convener"]} {
		if secret != "" && strings.Contains(log, secret) {
			t.Errorf("the log holds the %s", name)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// isDownload says whether a response hands data over as a file: an
// attachment, or a content type people save and pass on (CSV, XLSX, SVG,
// iCalendar, GeoJSON, YAML, ZIP, PDF and other stored files).
func isDownload(h http.Header) bool {
	if strings.HasPrefix(strings.ToLower(h.Get("Content-Disposition")), "attachment") {
		return true
	}
	ct := strings.ToLower(h.Get("Content-Type"))
	for _, d := range []string{"text/csv", "image/svg+xml", "text/calendar", "application/vnd.openxmlformats", "application/zip",
		"application/geo+json", "yaml", "application/pdf", "application/octet-stream"} {
		if strings.Contains(ct, d) {
			return true
		}
	}
	return false
}

// TestExportsAudited opens every GET route the convener (or, for site
// routes, the site admin) may, plainly and with each export format a page
// may offer, and wherever the response is a download, checks that it left
// exactly one audit row naming the route. The list of exports comes from
// the responses, not from the routes' Audited flag, so an export a feature
// forgot to flag fails here.
func TestExportsAudited(t *testing.T) {
	if testing.Short() {
		t.Skip("a walk over every page or export; it runs in full without -short (CI's race pass uses -short)")
	}
	e := newEnv(t, sqltest.SQLite(t))
	// A calendar feed, so its .ics has something to answer.
	conv, _, err := e.db.FindUserByEmail(bg, "convener@example.org")
	must(t, err)
	must(t, e.db.SetCalendarFeed(bg, collab.Who{}, conv.ID, "cal_exports-test"))
	n := 0
	var downloads []string
	for _, rt := range e.srv.Routes() {
		if rt.Method != "GET" {
			continue
		}
		path, err := fill(e, rt.Pattern, targets[0])
		must(t, err)
		path = strings.ReplaceAll(path, "no-such-token", "cal_exports-test")
		actor := "convener"
		if !strings.Contains(rt.Pattern, "{collab}") {
			actor = "admin"
		}
		if rt.Pattern == "/favicon.ico" {
			continue // the site's icon: part of the page, not data
		}
		plain := ""
		for _, q := range []string{"", "?format=csv", "?format=xlsx", "?download=1"} {
			before, err := e.db.AuditLog(bg, auditAll)
			must(t, err)
			w := e.do(actor, "GET", path+q, nil, "")
			after, err := e.db.AuditLog(bg, auditAll)
			must(t, err)
			kind := w.Header().Get("Content-Type") + " " + w.Header().Get("Content-Disposition")
			if q == "" {
				plain = kind
			} else if kind == plain {
				continue // the route ignores the parameter
			}
			if w.Code != 200 || !isDownload(w.Header()) {
				continue
			}
			n++
			downloads = append(downloads, rt.Pattern+q)
			if len(after) != len(before)+1 || after[0].Action != "export" ||
				!(strings.Contains(after[0].Target, rt.Pattern) || strings.HasPrefix(after[0].Target, path)) {
				var newest any
				if len(after) > 0 {
					newest = after[0]
				}
				t.Errorf("%s%s (%s, %s): a download that left %d audit rows, newest %+v; want one export row naming it",
					rt.Pattern, q, w.Header().Get("Content-Type"), w.Header().Get("Content-Disposition"), len(after)-len(before), newest)
			}
		}
	}
	if n < 15 {
		t.Errorf("only %d downloads answered: the fixture or the detection broke", n)
	}
	t.Logf("%d downloads audited: %s", n, strings.Join(downloads, " "))
}
