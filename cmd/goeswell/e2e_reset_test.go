package main

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/goeswell/goeswell/internal/mail/smtptest"
)

// TestBrowserPasswordReset: Harbor's director, signed in on one browser,
// forgets the password on another: "Forgot your password?" on the sign-in
// page, the email, the link it carries (the project's SMTP test server
// receives it), a new password, then signing in with it. The old
// browser's session is gone, the old password no longer works and the
// link works once.
func TestBrowserPasswordReset(t *testing.T) {
	smtp := smtptest.Start(t)
	old := newBrowser(t)
	srv := startDemo(t, "--smtp-addr", smtp.Addr)
	const email = "director.harbor@example.org"
	if err := signIn(old, srv.URL, email, srv.Password); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	do(t, b,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/login/forgot"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/login/forgot"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), "Director.Harbor@example.org"),
		chromedp.Submit(chromedp.CSS(`#f-email`)),
		chromedp.WaitVisible(chromedp.CSS(`#reset-sent`)),
	)
	// The demo's reminder loop mails others too; the reset is the one
	// message to this person carrying a reset link.
	linkRE := regexp.MustCompile(`(http://127\.0\.0\.1:\d+/reset/[A-Za-z0-9_-]+)`)
	var link string
	for deadline := time.Now().Add(30 * time.Second); link == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		for _, msg := range smtp.Messages() {
			if m := linkRE.FindStringSubmatch(msg.Data); m != nil && len(msg.To) == 1 && msg.To[0] == email {
				link = m[1]
			}
		}
	}
	if link == "" {
		t.Fatalf("no reset link mailed to %s among %d messages", email, len(smtp.Messages()))
	}
	const fresh = "a fresh long password, chosen today"
	do(t, b,
		chromedp.Navigate(link),
		chromedp.WaitVisible(chromedp.CSS(`#f-password2`)),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), fresh),
		chromedp.SendKeys(chromedp.CSS(`#f-password2`), fresh),
		chromedp.Submit(chromedp.CSS(`#f-password2`)),
	)
	u, _ := url.Parse(link)
	if err := waitLeave(b, u.Path); err != nil {
		t.Fatal(err)
	}
	if flash := read(t, b, chromedp.Text(chromedp.CSS(`main`))); !strings.Contains(flash, "Your password was reset") {
		t.Errorf("after the reset the page says:\n%s", flash)
	}
	if err := signIn(b, srv.URL, email, fresh); err != nil {
		t.Fatalf("signing in with the new password: %v", err)
	}
	if loc := read(t, b, chromedp.Location()); strings.HasSuffix(loc, "/login") {
		t.Fatalf("the new password did not sign in: %s", loc)
	}

	// The session opened before the reset is gone.
	do(t, old, chromedp.Navigate(srv.URL+"/account"), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if loc := read(t, old, chromedp.Location()); !strings.Contains(loc, "/login") {
		t.Errorf("the session from before the reset still opens /account (%s)", loc)
	}
	// The old password is refused, and the link works once.
	c := newBrowser(t)
	do(t, c,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#f-email`)),
		chromedp.SendKeys(chromedp.CSS(`#f-email`), email),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), srv.Password),
		chromedp.Submit(chromedp.CSS(`#f-password`)),
		chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
	)
	if loc := read(t, c, chromedp.Location()); !strings.Contains(loc, "/login") {
		t.Errorf("the old password still signs in (%s)", loc)
	}
	do(t, c, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if n := read(t, c, chromedp.Evaluate[int](`document.querySelectorAll('#f-password2').length`)); n != 0 {
		t.Error("the used link still offers a new password")
	}
}
