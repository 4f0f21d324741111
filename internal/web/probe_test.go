package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestRedirectsStayOnSite: promise "no open redirect" — every way back a
// person names ("next" on sign-in, the notifications' mark-read and the
// language switch) stays on this site. Browsers drop tabs and line
// breaks from a Location and read a backslash as a slash, so "/\t/evil"
// is "//evil", another site.
func TestRedirectsStayOnSite(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	bad := []string{"/\t/evil.example/", "/\n/evil.example/", "/\r/evil.example", "/%09/evil.example", "/\t\\evil.example", "\t//evil.example", "/\x00/evil.example", "//evil.example", "/\\evil.example", "https://evil.example/"}
	offSite := func(loc string) bool {
		clean := strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			if r == '\\' {
				return '/'
			}
			return r
		}, loc)
		clean = strings.TrimLeft(clean, " \x00")
		return strings.HasPrefix(clean, "//") || strings.Contains(clean, "://") || strings.ContainsAny(loc, "\x00")
	}
	for _, next := range bad {
		cases := []struct {
			name string
			do   func() *http.Response
		}{
			{"GET /login signed in", func() *http.Response {
				return e.do("director", "GET", "/login?next="+url.QueryEscape(next), nil, "").Result()
			}},
			{"POST /notifications/read", func() *http.Response {
				return e.form("director", "/notifications/read", url.Values{"next": {next}}).Result()
			}},
			{"POST /lang", func() *http.Response {
				return e.form("director", "/lang", url.Values{"lang": {"en"}, "next": {next}}).Result()
			}},
		}
		for _, c := range cases {
			res := c.do()
			if loc := res.Header.Get("Location"); offSite(loc) {
				t.Errorf("%s with next %q: redirected to %q, off this site", c.name, next, loc)
			}
		}
	}
}
