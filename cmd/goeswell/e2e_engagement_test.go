package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// seed000 finds the demo's first collaborative (seed 000's) beside the
// second (seed 001's).
func seed000(t *testing.T, ctx context.Context, db *sqlstore.DB) *collab.Collaborative {
	t.Helper()
	cs, err := db.ActiveCollaboratives(ctx)
	if err != nil || len(cs) != 2 {
		t.Fatalf("collaboratives: %d, %v", len(cs), err)
	}
	for _, c := range cs {
		if c.Name == "Wellbeing Learning Collaborative" {
			return c
		}
	}
	t.Fatal("no Wellbeing Learning Collaborative in the demo")
	return nil
}

var missedRE = regexp.MustCompile(`(\d+) missed`)

// missedIn sums the "N missed" counts of a dashboard row's text.
func missedIn(row string) int {
	n := 0
	for _, m := range missedRE.FindAllStringSubmatch(row, -1) {
		var k int
		fmt.Sscan(m[1], &k)
		n += k
	}
	return n
}

// TestBrowserEngagement: the demo convener records attendance for a
// coaching call a team missed, in the browser, and sees the
// participation dashboard change.
func TestBrowserEngagement(t *testing.T) {
	b := newBrowser(t)
	srv := startDemo(t)

	// Find, in the demo database, a coaching call of Cape and Islands
	// Family Justice that nobody recorded (the demo has it miss them).
	ctx := context.Background()
	db := srv.openDB(t)
	c := seed000(t, ctx, db)
	teams, err := db.Teams(ctx, c.ID, sqlstore.TeamFilter{WithMembers: true})
	if err != nil {
		t.Fatal(err)
	}
	var capeID, directorID int64
	for _, tm := range teams {
		if strings.HasPrefix(tm.Name, "Cape") {
			capeID, directorID = tm.ID, tm.Members[0].UserID
		}
	}
	ms, err := db.Meetings(ctx, c.ID, sqlstore.MeetingFilter{TeamID: capeID, To: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	var missed int64
	for _, m := range ms {
		if m.Kind != engage.KindCoaching {
			continue
		}
		att, err := db.Attendance(ctx, c.ID, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(att) == 0 {
			missed = m.ID
		}
	}
	if missed == 0 {
		t.Fatal("the demo has no missed coaching call")
	}

	if err := signIn(b, srv.URL, "convener@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	// The login page has an h1 too: wait for the collaborative's menu,
	// which only a signed-in page has.
	do(t, b, chromedp.WaitVisible(chromedp.CSS(`.collab-nav`)))
	if h1 := read(t, b, chromedp.Text(chromedp.CSS(`main h1`))); h1 != c.Name {
		t.Fatalf("after sign-in the convener sees %q", h1)
	}
	row := chromedp.CSS(fmt.Sprintf(`#dashboard tr[data-team="%d"]`, capeID))
	dashboard := fmt.Sprintf("%s/c/%d/participation", srv.URL, c.ID)
	do(t, b, chromedp.Navigate(dashboard), chromedp.WaitVisible(row))
	before := read(t, b, chromedp.Text(row))
	if !strings.Contains(before, "Off track") {
		t.Errorf("Cape starts %q, want off track", before)
	}
	status := chromedp.CSS(fmt.Sprintf(`#status-%d`, directorID))
	do(t, b,
		chromedp.Navigate(fmt.Sprintf("%s/c/%d/meetings/%d", srv.URL, c.ID, missed)),
		chromedp.WaitVisible(chromedp.CSS(`#attendance-form`)),
		chromedp.SetValue(status, "virtual"),
		chromedp.Submit(status),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if got := read(t, b, chromedp.Value(status)); got != "virtual" {
		t.Errorf("after saving, the form shows %q", got)
	}
	do(t, b, chromedp.Navigate(dashboard), chromedp.WaitVisible(row))
	after := read(t, b, chromedp.Text(row))
	if dir := os.Getenv("GOESWELL_SCREENSHOTS"); dir != "" {
		png := read(t, b, chromedp.CaptureScreenshot())
		os.WriteFile(filepath.Join(dir, "participation.png"), png, 0o644)
	}
	if missedIn(after) != missedIn(before)-1 {
		t.Errorf("dashboard row did not change as expected:\nbefore: %s\nafter:  %s", before, after)
	}
}
