package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

const chromium = "/usr/bin/chromium"

// startDemo runs `goeswell demo` on a free port with a fresh data folder
// and returns its address and the data folder, once /healthz answers.
func startDemo(t *testing.T) (base, dir string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--addr", addr, "--data", dir}, func(string) string { return "" }, strings.NewReader(""), io.Discard, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("server did not stop")
		}
	})
	base = "http://" + addr
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return base, dir
			}
		}
		select {
		case err := <-done:
			t.Fatalf("demo stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("demo did not start")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// demoPassword reads the shared demo password from the sign-ins file.
func demoPassword(t *testing.T, dir string) string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "demo-logins.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) >= 2 && strings.Contains(sc.Text(), "convener@example.org") {
			return fs[len(fs)-1]
		}
	}
	t.Fatal("no convener in demo-logins.txt")
	return ""
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

// TestE2EEngagement signs in as the convener in a real browser, records
// attendance for a coaching call a team missed, and sees the
// participation dashboard change.
func TestE2EEngagement(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("browser tests skipped: %s not found", chromium)
	}
	if testing.Short() {
		t.Skip("browser tests skipped in -short mode")
	}
	base, dir := startDemo(t)
	pw := demoPassword(t, dir)

	// Find, in the demo database, a coaching call of Cape and Islands
	// Family Justice that nobody recorded (the demo has it miss them).
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(dir, "goeswell.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	cs, err := db.ActiveCollaboratives(ctx)
	if err != nil || len(cs) != 1 {
		t.Fatalf("collaboratives: %v", err)
	}
	c := cs[0]
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

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.Flag("headless", true))
	actx, cancelA := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelA()
	bctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	bctx, cancelT := context.WithTimeout(bctx, 90*time.Second)
	defer cancelT()

	row := fmt.Sprintf(`#dashboard tr[data-team="%d"]`, capeID)
	dashboard := fmt.Sprintf("%s/c/%d/participation", base, c.ID)
	var before, after, flash string
	err = chromedp.Run(bctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`#f-email`, chromedp.ByQuery),
		chromedp.SendKeys(`#f-email`, "convener@example.org", chromedp.ByQuery),
		chromedp.SendKeys(`#f-password`, pw, chromedp.ByQuery),
		chromedp.Submit(`#f-password`, chromedp.ByQuery),
		chromedp.WaitVisible(`.collab-nav`, chromedp.ByQuery),
		chromedp.Navigate(dashboard),
		chromedp.Text(row, &before, chromedp.ByQuery),
		chromedp.Navigate(fmt.Sprintf("%s/c/%d/meetings/%d", base, c.ID, missed)),
		chromedp.WaitVisible(`#attendance-form`, chromedp.ByQuery),
		chromedp.SetValue(fmt.Sprintf(`#status-%d`, directorID), "virtual", chromedp.ByQuery),
		chromedp.Submit(`#attendance-form`, chromedp.ByQuery),
		chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
		chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
		chromedp.Navigate(dashboard),
		chromedp.Text(row, &after, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if flash == "" {
		t.Error("no confirmation after saving attendance")
	}
	if missedIn(after) != missedIn(before)-1 {
		t.Errorf("dashboard row did not change as expected:\nbefore: %s\nafter:  %s", before, after)
	}
}
