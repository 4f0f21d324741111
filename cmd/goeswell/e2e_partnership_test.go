package main

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/goeswell/goeswell/internal/collab"
)

// TestBrowserFairParticipation is issue 14 items 2 and 5 in the browser.
// The convener adds a team mid-way through the collaborative, with today
// as the day it joined, through the teams form; a community team of
// neighbours has a lead and a member and no director. On the
// participation dashboard both are on track: the late joiner is charged
// none of the meetings held before it joined (on main it was "Off track,
// 3 meetings missed"), and the community team is not flagged for a
// director (on main, "roles missing"). The demo's state co-lead reads the
// same dashboard and the calendar.
func TestBrowserFairParticipation(t *testing.T) {
	b := newBrowser(t)
	srv := startDemo(t)
	ctx := context.Background()
	db := srv.openDB(t)
	c := seed000(t, ctx, db)
	today := collab.DateOf(time.Now().UTC())

	if err := signIn(b, srv.URL, "convener@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, b,
		chromedp.Navigate(fmt.Sprintf("%s/c/%d/teams", srv.URL, c.ID)),
		chromedp.WaitVisible(chromedp.CSS(`#f-joinedOn`)),
		chromedp.SendKeys(chromedp.CSS(`#f-name`), "Late Harbor Outreach"),
		chromedp.SetValue(chromedp.CSS(`#f-joinedOn`), today.String()),
		chromedp.Submit(chromedp.CSS(`#f-name`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	)
	loc := read(t, b, chromedp.Location())
	m := regexp.MustCompile(`/teams/(\d+)$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("after creating the team the browser is at %s", loc)
	}
	var lateID int64
	fmt.Sscan(m[1], &lateID)
	late, err := db.FindTeam(ctx, c.ID, lateID)
	if err != nil || late.JoinedOn != today {
		t.Fatalf("the late team: %+v, %v", late, err)
	}

	// Joined today (no date given: the day it is added).
	community := &collab.Team{CollaborativeID: c.ID, Name: "Maple Street Neighbours", Kind: collab.KindCommunity}
	if err := db.CreateTeam(ctx, collab.Who{}, community); err != nil {
		t.Fatal(err)
	}
	people := []struct {
		team  int64
		email string
		role  collab.TeamRole
	}{
		{lateID, "late.director@example.org", collab.RoleDirector}, {lateID, "late.advocate@example.org", collab.RoleDirectService},
		{community.ID, "maple.lead@example.org", collab.RoleLead}, {community.ID, "maple.neighbour@example.org", collab.RoleMember},
	}
	for _, p := range people {
		u := &collab.User{Email: p.email, Name: p.email}
		if err := db.CreateUser(ctx, collab.Who{}, u, ""); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(ctx, collab.Who{}, c.ID, p.team, u.ID, p.role); err != nil {
			t.Fatal(err)
		}
	}

	dashboard := fmt.Sprintf("%s/c/%d/participation?all=1", srv.URL, c.ID)
	for _, tm := range []struct {
		id   int64
		name string
	}{{lateID, "late joiner"}, {community.ID, "community team"}} {
		row := chromedp.CSS(fmt.Sprintf(`#dashboard tr[data-team="%d"]`, tm.id))
		do(t, b, chromedp.Navigate(dashboard), chromedp.WaitVisible(row))
		text := read(t, b, chromedp.Text(row))
		if !strings.Contains(text, "On track") || strings.Contains(text, "missed") || strings.Contains(text, "Director") {
			t.Errorf("the %s's row: %q, want on track, nothing missed, no director asked for", tm.name, text)
		}
	}
	// The months before the late team joined say so, rather than "too few".
	row := chromedp.CSS(fmt.Sprintf(`#dashboard tr[data-team="%d"]`, lateID))
	if text := read(t, b, chromedp.Text(row)); !strings.Contains(text, "not yet joined") {
		t.Errorf("the late joiner's earlier months: %q", text)
	}

	// The state co-lead (seed 000's Department of Public Health) reads the
	// same dashboard, and the calendar, as the convener does.
	co := newBrowser(t)
	if err := signIn(co, srv.URL, "colead@example.org", srv.Password); err != nil {
		t.Fatal(err)
	}
	do(t, co, chromedp.Navigate(dashboard), chromedp.WaitVisible(row))
	if text := read(t, co, chromedp.Text(row)); !strings.Contains(text, "On track") {
		t.Errorf("the co-lead's dashboard row for the late joiner: %q", text)
	}
	do(t, co, chromedp.Navigate(fmt.Sprintf("%s/c/%d/calendar", srv.URL, c.ID)), chromedp.WaitVisible(chromedp.CSS(`main h1`)))
	if h := read(t, co, chromedp.Text(chromedp.CSS(`main h1`))); !strings.Contains(h, "Calendar") {
		t.Errorf("the co-lead's calendar: %q", h)
	}
}
