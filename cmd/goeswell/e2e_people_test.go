package main

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// seed001 opens the demo's database and finds its second collaborative
// (seed 001's Community Well-Being Collaborative) and its steering
// committee's meetings, oldest first.
func seed001(t *testing.T, srv *demoServer) (*collab.Collaborative, []*engage.Meeting) {
	t.Helper()
	ctx := context.Background()
	db := srv.openDB(t)
	cs, err := db.ActiveCollaboratives(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var c *collab.Collaborative
	for _, x := range cs {
		if x.Name == "Community Well-Being Collaborative" {
			c = x
		}
	}
	if c == nil {
		t.Fatal("the demo has no Community Well-Being Collaborative")
	}
	ms, err := db.Meetings(ctx, c.ID, sqlstore.MeetingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var steering []*engage.Meeting
	for _, m := range ms {
		if m.GroupID != 0 {
			steering = append(steering, m)
		}
	}
	sort.Slice(steering, func(i, j int) bool { return steering[i].StartsAt.Before(steering[j].StartsAt) })
	if len(steering) < 3 {
		t.Fatalf("the demo's steering committee has %d meetings", len(steering))
	}
	return c, steering
}

// TestBrowserPeopleWithoutAccounts: the backbone convener records a
// community member without an account, sets her stipend rate, records her
// at a steering committee meeting, adds the stipends for meetings
// attended and downloads the finance CSV, which has her row with the
// amount and how she prefers to be paid.
func TestBrowserPeopleWithoutAccounts(t *testing.T) {
	b := newBrowser(t)
	srv := startDemo(t)
	c, steering := seed001(t, srv)
	held := steering[1] // last month's meeting

	if err := signIn(b, srv.URL, "convener.cwb@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("%s/c/%d", srv.URL, c.ID)
	do(t, b,
		chromedp.Navigate(base+"/community-people"),
		chromedp.WaitVisible(chromedp.CSS(`#person-form`)),
		chromedp.SendKeys(chromedp.CSS(`#f-personName`), "Joy Nakamura"),
		chromedp.SendKeys(chromedp.CSS(`#f-contact`), "joy@example.net"),
		chromedp.SetValue(chromedp.CSS(`#f-paymentMethod`), "direct_deposit"),
		chromedp.Submit(chromedp.CSS(`#f-personName`)),
	)
	if err := waitLeave(b, fmt.Sprintf("/c/%d/community-people", c.ID)); err != nil {
		t.Fatal(err)
	}
	loc := read(t, b, chromedp.Location())
	pid, err := strconv.ParseInt(loc[strings.LastIndex(loc, "/")+1:], 10, 64)
	if err != nil || read(t, b, chromedp.Text(chromedp.CSS(`main h1`))) != "Joy Nakamura" {
		t.Fatalf("after recording, the browser is at %s", loc)
	}

	do(t, b,
		chromedp.Navigate(base+"/compensation"),
		chromedp.WaitVisible(chromedp.CSS(`#rate-form`)),
		chromedp.SetValue(chromedp.CSS(`#f-rate-user`), fmt.Sprint("p:", pid)),
		chromedp.SetValue(chromedp.CSS(`#f-basis`), "meeting"),
		chromedp.SendKeys(chromedp.CSS(`#f-amount`), "65"),
		chromedp.Submit(chromedp.CSS(`#f-amount`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)

	status := chromedp.CSS(fmt.Sprintf(`#person-%d`, pid))
	do(t, b,
		chromedp.Navigate(fmt.Sprintf("%s/meetings/%d", base, held.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#people-attendance-form`)),
		chromedp.SetValue(status, "in_person"),
		chromedp.Submit(status),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if got := read(t, b, chromedp.Value(status)); got != "in_person" {
		t.Fatalf("after saving, her attendance shows %q", got)
	}

	do(t, b,
		chromedp.Navigate(base+"/compensation"),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/compensation/accrue"] button`)),
		chromedp.Click(chromedp.CSS(`form[action$="/compensation/accrue"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		chromedp.WaitVisible(chromedp.CSS(`#owed`)),
	)
	if owed := read(t, b, chromedp.Text(chromedp.CSS(`#owed`))); !strings.Contains(owed, "Joy Nakamura") {
		t.Fatalf("the owed table lacks her:\n%s", owed)
	}
	// Download the CSV the page links to, with the browser's session.
	href := read(t, b, chromedp.Evaluate[string](`document.querySelector('a[href$="owed.csv"]').getAttribute("href")`))
	csv := read(t, b, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => r.text())`, href), chromedp.EvalAwaitPromise))
	want := "Joy Nakamura,,no,direct_deposit,joy@example.net,65.00,0.00,65.00,1\n"
	if !strings.Contains(csv, want) {
		t.Errorf("the finance CSV lacks %q:\n%s", want, csv)
	}
}

// TestBrowserSteeringFollowUp: an action the steering committee records
// at one meeting is shown for follow-up on its next meeting, and marked
// done there with what was said.
func TestBrowserSteeringFollowUp(t *testing.T) {
	b := newBrowser(t)
	srv := startDemo(t)
	c, steering := seed001(t, srv)
	held, next := steering[1], steering[2]

	if err := signIn(b, srv.URL, "convener.cwb@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("%s/c/%d", srv.URL, c.ID)
	const title = "Invite the county commissioners to the listening session"
	do(t, b,
		chromedp.Navigate(fmt.Sprintf("%s/meetings/%d", base, held.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#meeting-item-form`)),
		chromedp.SetValue(chromedp.CSS(`#f-item-kind`), "action"),
		chromedp.SendKeys(chromedp.CSS(`#f-item-title`), title),
		chromedp.SendKeys(chromedp.CSS(`#f-item-owner`), "Aisha Johnson"),
		chromedp.Submit(chromedp.CSS(`#f-item-owner`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	if got := read(t, b, chromedp.Text(chromedp.CSS(`#recorded-items`))); !strings.Contains(got, title) {
		t.Fatalf("the meeting does not list the action recorded at it:\n%s", got)
	}

	do(t, b,
		chromedp.Navigate(fmt.Sprintf("%s/meetings/%d", base, next.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#follow-ups`)),
	)
	id := read(t, b, chromedp.Evaluate[string](fmt.Sprintf(`[...document.querySelectorAll("#follow-ups li")].find(li => li.textContent.includes(%q))?.id ?? ""`, title)))
	if id == "" {
		t.Fatalf("the next meeting does not show the action for follow-up:\n%s", read(t, b, chromedp.Text(chromedp.CSS(`#follow-ups`))))
	}
	item := strings.TrimPrefix(id, "followup-")
	const note = "The commissioners will come; Aisha sent the invitation on Monday."
	do(t, b,
		chromedp.SetValue(chromedp.CSS(`#mf-`+item+`-status`), "done"),
		chromedp.SendKeys(chromedp.CSS(`#mf-`+item+`-follow`), note),
		chromedp.Submit(chromedp.CSS(`#mf-`+item+`-follow`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		chromedp.WaitVisible(chromedp.CSS(`#`+id)),
	)
	// Marked done (its class, not the status list's options), with the
	// note shown as what was said.
	done := read(t, b, chromedp.Evaluate[bool](`document.getElementById(`+strconv.Quote(id)+`).classList.contains("status-done")`))
	said := read(t, b, chromedp.Evaluate[string](`document.querySelector("#`+id+` p")?.textContent ?? ""`))
	if !done || !strings.Contains(said, note) {
		t.Errorf("after the follow-up the action is done=%v and reads %q", done, said)
	}
}
