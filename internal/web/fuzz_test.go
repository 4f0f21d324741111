package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// FuzzRequests sends arbitrary methods, paths, query strings and bodies to
// the whole server as a convener: whatever arrives, the answer is never a
// 5xx (a bad request is the client's error, and says so) and nothing
// panics. The seed corpus is every route of the table with real ids.
func FuzzRequests(f *testing.F) {
	e := newEnv(f, sqltest.SQLite(f))
	for _, rt := range e.srv.Routes() {
		p, err := fill(e, rt.Pattern, targets[0])
		if err != nil {
			f.Fatal(err)
		}
		f.Add(rt.Method, p, "", "name=x&email=a%40example.org")
		f.Add(rt.Method, p+"?q=%ff&before=-1", "application/json", `{"name":"x","kind":"community"}`)
	}
	f.Add("GET", "/c/99999999999999999999/teams", "", "")
	f.Add("POST", "/c/1/teams/1/members/abc", "application/x-www-form-urlencoded", "role=%zz")
	f.Add("PATCH", "/api/v1/collaboratives/1/teams/1", "application/json", `{"name":"\u0000"}`)
	f.Fuzz(func(t *testing.T, method, path, ctype, body string) {
		if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\t#") || len(path) > 2000 {
			return
		}
		switch method {
		case "GET", "POST", "PATCH", "PUT", "DELETE":
		default:
			return
		}
		req, err := http.NewRequest(method, "http://goeswell.test"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.RemoteAddr = "192.0.2.9:1"
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		req.AddCookie(&http.Cookie{Name: e.srv.cookieName(), Value: e.sessions["convener"]})
		w := newRecorder()
		e.srv.Handler().ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Errorf("%s %s (%s) %q: status %d: %s", method, path, ctype, body, w.Code, w.Body.String())
		}
	})
}
