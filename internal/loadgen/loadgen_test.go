package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestChecks pins what counts as an answer: the sign-in page, a redirect
// to it, an error page or HTML in answer to a write must each fail, so a
// run that never reached the page cannot pass.
func TestChecks(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/page", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<h1>" + MeasureName + "</h1>"))
	})
	mux.HandleFunc("/login", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<h1>Sign in</h1>"))
	})
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/login", http.StatusSeeOther) })
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "internal", 500) })
	mux.HandleFunc("/write", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"saved":1}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, tc := range []struct {
		path   string
		write  bool
		errSub string // "" for a pass
	}{
		{"/page", false, ""},
		{"/login", false, "page without"},
		{"/redirect", false, "redirected (303) to /login"},
		{"/fail", false, "status 500"},
		{"/write", true, ""},
		{"/page", true, "want JSON"},
		{"/redirect", true, "redirected"},
	} {
		mix := func(i int, base string) Request {
			r, _ := http.NewRequest("GET", base+tc.path, nil)
			if tc.write {
				return Request{Kind: "w", Req: r, Write: true, Check: JSONWrite}
			}
			return Request{Kind: "p", Req: r, Check: Page(MeasureName)}
		}
		res, err := Run(context.Background(), Options{Bases: []string{srv.URL}, Concurrency: 1, Duration: 50 * time.Millisecond}, mix)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case res.Sent == 0:
			t.Errorf("%s: nothing sent", tc.path)
		case tc.errSub == "" && res.Errors != 0:
			t.Errorf("%s: %d errors: %v", tc.path, res.Errors, res.FirstErrors)
		case tc.errSub != "" && (res.Errors != res.Sent || !strings.Contains(res.FirstErrors[0], tc.errSub)):
			t.Errorf("%s: %d of %d errors %v, want all failing with %q", tc.path, res.Errors, res.Sent, res.FirstErrors, tc.errSub)
		case tc.write && tc.errSub == "" && res.WritesAcked != res.Sent:
			t.Errorf("%s: %d writes acknowledged of %d", tc.path, res.WritesAcked, res.Sent)
		}
	}
}
