package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/mail"
	"github.com/goeswell/goeswell/internal/mail/smtptest"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestPasswordResetByEmail (issue 16 item 1): "Forgot password?" on the
// sign-in page; the answer is the same for an email with and without an
// account; the emailed link sets a new password once, signs no one in,
// and ends the person's sessions and API tokens.
func TestPasswordResetByEmail(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		smtp := smtptest.Start(t)
		e.srv.mailer = mail.New(mail.Config{Addr: smtp.Addr, From: "goeswell@example.org"})
		if w := e.do("", "GET", "/login", nil, ""); !strings.Contains(w.Body.String(), `href="/login/forgot"`) {
			t.Error("no forgot-password link on the sign-in page")
		}
		w := e.form("director", "/account/tokens", url.Values{"tokenName": {"script"}})
		token := regexp.MustCompile(`gw_[A-Za-z0-9_-]+`).FindString(w.Body.String())

		unknown := e.form("", "/login/forgot", url.Values{"email": {"nobody.here@example.org"}})
		known := e.form("", "/login/forgot", url.Values{"email": {"Director.Harbor@example.org"}})
		if unknown.Code != http.StatusOK || known.Code != unknown.Code || known.Body.String() != unknown.Body.String() {
			t.Errorf("the answers differ: %d and %d", known.Code, unknown.Code)
		}
		msgs := smtp.Wait(1, 10*time.Second)
		if len(msgs) != 1 || msgs[0].To[0] != "director.harbor@example.org" {
			t.Fatalf("messages: %+v", msgs)
		}
		m := regexp.MustCompile(`http://goeswell\.test(/reset/[A-Za-z0-9_-]+)`).FindStringSubmatch(msgs[0].Data)
		if m == nil {
			t.Fatalf("no link in:\n%s", msgs[0].Data)
		}
		link := m[1]
		if w := e.do("", "GET", link, nil, ""); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "director.harbor@example.org") {
			t.Fatalf("reset page: %d", w.Code)
		}
		if w := e.form("", link, url.Values{"password": {"short"}, "password2": {"short"}}); w.Code != http.StatusUnprocessableEntity {
			t.Errorf("a short password: %d", w.Code)
		}
		np := "a fresh long password"
		w = e.form("", link, url.Values{"password": {np}, "password2": {np}})
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/login" || sessionCookie(e, w) != "" {
			t.Fatalf("reset: %d %q (it must sign no one in)", w.Code, w.Header().Get("Location"))
		}
		if w := e.do("director", "GET", "/account", nil, ""); classify(w, false) != "signin" {
			t.Errorf("a session from before the reset still works: %d", w.Code)
		}
		req, _ := http.NewRequest("GET", "/api/v1/me", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		api := newRecorder()
		e.srv.Handler().ServeHTTP(api, req)
		if api.Code != http.StatusUnauthorized {
			t.Errorf("an API token from before the reset: %d", api.Code)
		}
		if w := e.form("", link, url.Values{"password": {"another long one"}, "password2": {"another long one"}}); w.Code != http.StatusNotFound {
			t.Errorf("second use of the link: %d", w.Code)
		}
		w = e.form("", "/login", url.Values{"email": {"director.harbor@example.org"}, "password": {np}})
		if w.Code != http.StatusSeeOther || sessionCookie(e, w) == "" {
			t.Errorf("sign-in with the new password: %d", w.Code)
		}
	})
}

// TestResetLinkByConvener: without email, a convener makes a reset link
// for a member of their collaborative's teams and passes it on; not for a
// person who also belongs to another collaborative, a fellow convener, a
// coach or a partner (the state co-lead, a funder), nor for a site administrator
// (a site administrator may); the link is audited.
func TestResetLinkByConvener(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	makeLink := func(actor string, uid int64) *responseRecorder {
		return e.form(actor, fmt.Sprintf("/c/%d/people/%d/password-reset", c, uid), nil)
	}
	w := makeLink("convener", e.ids["userA"])
	link := regexp.MustCompile(`/reset/[A-Za-z0-9_-]+`).FindString(w.Body.String())
	if w.Code != http.StatusOK || link == "" || !strings.Contains(w.Body.String(), `id="reset-link"`) {
		t.Fatalf("convener's link: %d", w.Code)
	}
	if w := e.do("", "GET", link, nil, ""); w.Code != http.StatusOK {
		t.Errorf("the link: %d", w.Code)
	}
	// Someone also in another collaborative: its convener's say too.
	must(t, e.db.AddCollabRole(bg, collab.Who{}, e.ids["c2"], e.ids["userB"], collab.RoleCoach))
	if w := makeLink("convener", e.ids["userB"]); w.Code != http.StatusForbidden {
		t.Errorf("a person of two collaboratives: %d, want 403", w.Code)
	}
	if w := makeLink("admin", e.ids["userB"]); w.Code != http.StatusOK {
		t.Errorf("a site administrator: %d", w.Code)
	}
	admin, _, err := e.db.FindUserByEmail(bg, "admin@example.org")
	must(t, err)
	must(t, e.db.AddCollabRole(bg, collab.Who{}, c, admin.ID, collab.RoleCoach))
	if w := makeLink("convener", admin.ID); w.Code != http.StatusForbidden {
		t.Errorf("the site administrator's account: %d, want 403", w.Code)
	}
	// A fellow convener's account is not a convener's to take over.
	co := &collab.User{Email: "co-convener@example.org", Name: "Co-convener"}
	must(t, e.db.CreateUser(bg, collab.Who{}, co, ""))
	must(t, e.db.AddCollabRole(bg, collab.Who{}, c, co.ID, collab.RoleConvener))
	if w := makeLink("convener", co.ID); w.Code != http.StatusForbidden {
		t.Errorf("a fellow convener: %d, want 403", w.Code)
	}
	// Nor the account of a partner or a coach: the state co-lead, a
	// funder, the collaborative's coach are other organizations' people.
	for _, who := range []string{"colead@example.org", "funder@example.org", "coach@example.org"} {
		u, _, err := e.db.FindUserByEmail(bg, who)
		must(t, err)
		if w := makeLink("convener", u.ID); w.Code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", who, w.Code)
		}
	}
	if w := makeLink("convener", e.ids["userC"]); w.Code != http.StatusNotFound {
		t.Errorf("a person of another collaborative only: %d, want 404", w.Code)
	}
	es, err := e.db.AuditLog(bg, auditAll)
	must(t, err)
	n := 0
	for _, a := range es {
		if a.Action == "password.reset_request" && a.Detail == "link made to pass on" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d reset links audited, want 2", n)
	}
}
