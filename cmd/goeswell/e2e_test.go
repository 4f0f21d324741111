package main

import (
	"bufio"
	"context"
	"fmt"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/goeswell/goeswell/internal/testskip"
)

// The browser tests drive Debian's chromium against the real server on
// loopback. Without chromium they skip, unless GOESWELL_E2E is set (as CI
// sets it), when a missing browser is a failure.
const chromiumPath = "/usr/bin/chromium"

// demoServer is a goeswell demo started by run() for a test.
type demoServer struct {
	URL      string
	Password string // every demo account's password
	Dir      string
}

// startDemo runs `goeswell demo` on a free loopback port, with any extra
// flags, and waits until it answers /healthz. The server stops when the test ends.
func startDemo(t *testing.T, flags ...string) *demoServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	dir := t.TempDir()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		args := append([]string{"demo", "--addr", "127.0.0.1:0", "--data", dir}, flags...)
		done <- run(ctx, args, func(string) string { return "" }, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("demo server: %v", err)
			}
		case <-time.After(25 * time.Second):
			t.Error("demo server did not shut down")
		}
	})
	urlRE := regexp.MustCompile(`serving at (http://127\.0\.0\.1:\d+)`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := urlRE.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	var url string
	select {
	case url = <-found:
	case err := <-done:
		t.Fatalf("demo server stopped: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("demo server did not start")
	}
	res, err := http.Get(url + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	res.Body.Close()
	b, err := os.ReadFile(filepath.Join(dir, "demo-logins.txt"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`convener@example\.org\s+(\S+)`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no convener in demo-logins.txt:\n%s", b)
	}
	return &demoServer{URL: url, Password: string(m[1]), Dir: dir}
}

// openDB opens the demo's own database beside the running server, for a
// test that reads or seeds what the pages do not; it closes when the test
// ends.
func (s *demoServer) openDB(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), "sqlite:"+filepath.Join(s.Dir, "goeswell.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newBrowser starts headless chromium for a test; each call is a fresh
// profile (no cookies), like a private window.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	return newBrowserWithin(t, 5*time.Minute)
}

// newBrowserWithin is newBrowser with a longer budget, for a test that
// walks many pages in one browser session.
func newBrowserWithin(t *testing.T, budget time.Duration) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("GOESWELL_E2E") != "" {
			t.Fatalf("GOESWELL_E2E is set but %s is missing: %v", chromiumPath, err)
		}
		testskip.Skip(t, "browser tests", "install Debian's chromium at "+chromiumPath+"; GOESWELL_E2E=1 makes its absence a failure")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1200, 900),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	// One budget for the whole browser session: the stored-XSS walk
	// renders a few hundred pages in one, and a shared CI machine may be
	// slow; the limit is there to end a hung browser, not to time pages.
	ctx, tcancel := context.WithTimeout(ctx, budget)
	t.Cleanup(func() { tcancel(); cancel(); acancel() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// signIn signs in through the login form and waits until the browser has
// left the sign-in page, so the next navigation does not cut the
// redirects short.
func signIn(ctx context.Context, base, email, password string) error {
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), email),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), password),
		chromedp.Submit(chromedp.CSS(`#f-password`)),
	)
	if err != nil {
		return err
	}
	return waitLeave(ctx, "/login")
}

// waitLeave waits until the page's path is no longer path and the new
// page has loaded.
func waitLeave(ctx context.Context, path string) error {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			return err
		}
		if u, err := url.Parse(loc); err == nil && u.Path != path {
			return chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`main h1`)))
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("still on %s after 20s", path)
}

// read runs an action that returns a value, failing the test on error.
func read[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// do runs steps, failing the test on error.
func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// TestBrowserInviteFlow: the demo convener signs in and invites a person to
// a team; that person accepts in a fresh browser, sees their team's page,
// and is refused another team's page.
func TestBrowserInviteFlow(t *testing.T) {
	conv := newBrowser(t)
	srv := startDemo(t)
	if err := signIn(conv, srv.URL, "convener@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	if h1 := read(t, conv, chromedp.Text(chromedp.CSS(`main h1`))); h1 != "Wellbeing Learning Collaborative" {
		t.Fatalf("after sign-in the convener sees %q", h1)
	}
	do(t, conv,
		chromedp.Navigate(srv.URL+"/c/1/teams/1"),
		chromedp.WaitVisible(chromedp.CSS(`#invite-form`)),
		chromedp.SendKeys(chromedp.CSS(`#invite-form #f-invite-name`), "Nia Thompson"),
		chromedp.SendKeys(chromedp.CSS(`#invite-form #f-email`), "nia@example.org"),
		chromedp.SetValue(chromedp.CSS(`#invite-form #f-role`), "other"),
		chromedp.Submit(chromedp.CSS(`#invite-form #f-email`)),
		chromedp.WaitVisible(chromedp.CSS(`#invite-link`)),
	)
	link := read(t, conv, chromedp.Value(chromedp.CSS(`#invite-link`)))
	if !strings.HasPrefix(link, srv.URL+"/invite/") {
		t.Fatalf("invitation link = %q", link)
	}

	// The invited person, in a browser of their own.
	nia := newBrowser(t)
	do(t, nia, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`#f-password2`)))
	if intro := read(t, nia, chromedp.Text(chromedp.CSS(`main p`))); !strings.Contains(intro, "Harbor Safe Haven") {
		t.Errorf("invitation page says %q", intro)
	}
	// Creating the account signs no one in: the invitee signs in through
	// the sign-in page, which brings them back to accept.
	do(t, nia,
		chromedp.SendKeys(chromedp.CSS(`#f-password`), "a long enough password"),
		chromedp.SendKeys(chromedp.CSS(`#f-password2`), "a long enough password"),
		chromedp.Submit(chromedp.CSS(`#f-password2`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), "nia@example.org"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), "a long enough password"),
		chromedp.Submit(chromedp.CSS(`#f-password`)),
		chromedp.WaitVisible(chromedp.CSS(`#accept-form`)),
		chromedp.Submit(chromedp.CSS(`#accept-form button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if team := read(t, nia, chromedp.Text(chromedp.CSS(`main h1`))); team != "Harbor Safe Haven" {
		t.Fatalf("after accepting, the person sees %q", team)
	}
	if members := read(t, nia, chromedp.Text(chromedp.CSS(`main table`))); !strings.Contains(members, "Nia Thompson") {
		t.Errorf("team members: %q", members)
	}
	do(t, nia, chromedp.Navigate(srv.URL+"/c/1/teams/2"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if other := read(t, nia, chromedp.Text(chromedp.CSS(`main h1`))); other != "You do not have access to this page" {
		t.Errorf("another team's page shows %q", other)
	}
	if os.Getenv("GOESWELL_SCREENSHOTS") != "" {
		png := read(t, nia, chromedp.FullScreenshot(100))
		os.WriteFile(filepath.Join(os.Getenv("GOESWELL_SCREENSHOTS"), "refused.png"), png, 0o644)
	}
	// The link is single-use.
	res, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("second use of the invitation: status %d, want 404", res.StatusCode)
	}
}
