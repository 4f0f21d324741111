package web

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestCommunityPersonForm: each field of the person form refused with its
// own named error, and what was typed kept.
func TestCommunityPersonForm(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	path := fmt.Sprintf("/c/%d/community-people", c)
	for _, tc := range []struct {
		name    string
		form    url.Values
		field   string // the input whose error shows; "" for success
		message string
	}{
		{"no name", url.Values{"personName": {" "}, "contact": {"555-0199"}, "paymentMethod": {"check"}}, "f-personName", "Give the person's name."},
		{"unknown payment method", url.Values{"personName": {"Marisol"}, "contact": {"555-0199"}, "paymentMethod": {"bitcoin"}}, "f-paymentMethod", "Choose how the person prefers to be paid."},
		{"another collaborative's team", url.Values{"personName": {"Marisol"}, "contact": {"555-0199"}, "paymentMethod": {"check"}, "team": {fmt.Sprint(e.ids["teamC"])}}, "f-team", "Choose one of this collaborative's teams, or no team."},
		{"another collaborative's group", url.Values{"personName": {"Marisol"}, "contact": {"555-0199"}, "paymentMethod": {"check"}, "group": {fmt.Sprint(e.ids["group2"])}}, "f-group", "Choose one of this collaborative's groups, or no group."},
		{"fine", url.Values{"personName": {"Marisol"}, "contact": {"555-0199"}, "paymentMethod": {"gift_card"}, "team": {fmt.Sprint(e.ids["teamA"])}}, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := e.form("convener", path, tc.form)
			body := w.Body.String()
			if tc.field == "" {
				if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), path+"/") {
					t.Fatalf("saved: %d %s", w.Code, w.Header().Get("Location"))
				}
				return
			}
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(tc.message)) || !strings.Contains(body, `value="555-0199"`) {
				t.Fatalf("%d; want %q beside %s, with the contact kept:\n%s", w.Code, tc.message, tc.field, body)
			}
		})
	}
	// Only the convener: a team director may not list them.
	if w := e.do("director", "GET", path, nil, ""); w.Code != http.StatusForbidden {
		t.Errorf("director: %d", w.Code)
	}
}

// TestCommunityPersonPaid: a person without an account recorded at a
// meeting, given a rate, accrues a stipend, and is in the finance CSV with
// their payment method and contact.
func TestCommunityPersonPaid(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, m := e.ids["c1"], e.ids["meeting1"]
	pid := e.ids["cperson1"]
	for _, tc := range []struct {
		name  string
		path  string
		form  url.Values
		code  int
		error string
	}{
		{"unknown status", fmt.Sprintf("/c/%d/meetings/%d/people-attendance", c, m), url.Values{"person": {fmt.Sprint(pid)}, fmt.Sprint("person-", pid): {"late"}}, 422, "Choose one of the options."},
		{"present", fmt.Sprintf("/c/%d/meetings/%d/people-attendance", c, m), url.Values{"person": {fmt.Sprint(pid)}, fmt.Sprint("person-", pid): {"in_person"}}, 303, ""},
		{"rate for nobody", fmt.Sprintf("/c/%d/compensation/rates", c), url.Values{"user": {"p:x"}, "basis": {"meeting"}, "amount": {"40"}}, 422, "Choose a person from the list."},
		{"rate for another collaborative's person", fmt.Sprintf("/c/%d/compensation/rates", c), url.Values{"user": {fmt.Sprint("p:", e.ids["cperson2"])}, "basis": {"meeting"}, "amount": {"40"}}, 422, ""},
		{"rate", fmt.Sprintf("/c/%d/compensation/rates", c), url.Values{"user": {fmt.Sprint("p:", pid)}, "basis": {"meeting"}, "amount": {"40"}}, 303, ""},
		{"accrue", fmt.Sprintf("/c/%d/compensation/accrue", c), url.Values{}, 303, ""},
		{"bus fare", fmt.Sprintf("/c/%d/compensation/reimbursements", c), url.Values{"user": {fmt.Sprint("p:", pid)}, "amount": {"6.50"}, "description": {"Bus fare"}}, 303, ""},
	} {
		w := e.form("convener", tc.path, tc.form)
		if w.Code != tc.code || (tc.error != "" && !strings.Contains(strings.ToLower(w.Body.String()), strings.ToLower(tc.error))) {
			t.Fatalf("%s: %d, want %d with %q", tc.name, w.Code, tc.code, tc.error)
		}
	}
	// The meeting (held in the demo's past) counts its stipend once.
	mt, err := e.db.FindMeeting(bg, c, m)
	must(t, err)
	if mt.StartsAt.After(e.db.Now()) {
		t.Fatalf("fixture meeting %s is not yet held", mt.StartsAt.Format(time.DateOnly))
	}
	w := e.do("convener", "GET", fmt.Sprintf("/c/%d/compensation/owed.csv", c), nil, "")
	want := `"Dee, lived-experience partner 1",,no,gift_card,555-0100,40.00,6.50,46.50,2` + "\n"
	if w.Code != 200 || !strings.Contains(w.Body.String(), want) {
		t.Errorf("owed.csv: %d\n%s\nwant %s", w.Code, w.Body.String(), want)
	}
	// Others see that people came, not who, and not how many: one
	// person is a count of people under the threshold.
	w = e.do("coach", "GET", fmt.Sprintf("/c/%d/meetings/%d", c, m), nil, "")
	if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, "People without an account attended: too few to show how many.") ||
		strings.Contains(body, "1 person without an account attended") || strings.Contains(body, "Dee, lived") {
		t.Errorf("coach's meeting page: %d", w.Code)
	}
	att, err := e.db.PersonAttendance(bg, c, m)
	if err != nil || len(att) != 1 || att[0].Status != engage.InPerson {
		t.Fatalf("attendance %+v, %v", att, err)
	}
}

// TestGroupMeetingFollowUp: an action recorded at a group's meeting is
// shown for follow-up at the group's next meeting, and marked done there.
func TestGroupMeetingFollowUp(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, g := e.ids["c1"], e.ids["group1"]
	var ids []int64
	for _, day := range []int{2, 30} {
		m := &engage.Meeting{CollaborativeID: c, Details: engage.Details{Kind: engage.KindOther, Title: "Steering", TimeZone: "UTC", DurationMin: 60, Audience: engage.AudiencePartners, GroupID: g},
			StartsAt: time.Date(2026, 1, day, 17, 0, 0, 0, time.UTC)}
		if day == 30 {
			m.StartsAt = e.db.Now().Add(24 * time.Hour)
		} else {
			m.StartsAt = e.db.Now().Add(-24 * time.Hour)
		}
		must(t, e.db.CreateMeeting(bg, collab.Who{}, m))
		ids = append(ids, m.ID)
	}
	first, next := ids[0], ids[1]
	// The group's page lists its own meetings and no other.
	page := e.do("convener", "GET", fmt.Sprintf("/c/%d/groups/%d", c, g), nil, "").Body.String()
	for _, id := range []int64{first, next, e.ids["meeting1"]} {
		if listed := strings.Contains(page, fmt.Sprintf(`href="/c/%d/meetings/%d"`, c, id)); listed != (id != e.ids["meeting1"]) {
			t.Errorf("the group's page lists meeting %d: %v", id, listed)
		}
	}
	w := e.form("convener", fmt.Sprintf("/c/%d/groups/%d/items", c, g), url.Values{"meeting": {fmt.Sprint(first)}, "kind": {"action"}, "title": {"Ask the school district for attendance data"}, "owner": {"Dee"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != fmt.Sprintf("/c/%d/meetings/%d#group-items", c, first) {
		t.Fatalf("add at meeting: %d %s", w.Code, w.Header().Get("Location"))
	}
	// A meeting that is not the group's is refused by name.
	w = e.form("convener", fmt.Sprintf("/c/%d/groups/%d/items", c, g), url.Values{"meeting": {fmt.Sprint(e.ids["meeting1"])}, "kind": {"action"}, "title": {"x"}, "owner": {"Dee"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), html.EscapeString("This meeting is not one of this group's.")) {
		t.Fatalf("another meeting: %d", w.Code)
	}
	grp, err := e.db.FindGroup(bg, c, g)
	must(t, err)
	var item *collab.GroupItem
	for _, it := range grp.Items {
		if it.MeetingID == first {
			item = it
		}
	}
	if item == nil {
		t.Fatal("the item does not name its meeting")
	}
	w = e.do("convener", "GET", fmt.Sprintf("/c/%d/meetings/%d", c, next), nil, "")
	body := w.Body.String()
	if i := strings.Index(body, `id="follow-ups"`); i < 0 || !strings.Contains(body[i:], "Ask the school district for attendance data") {
		t.Fatalf("next meeting does not follow it up:\n%s", body)
	}
	w = e.form("convener", fmt.Sprintf("/c/%d/groups/%d/items/%d", c, g, item.ID), url.Values{"meeting": {fmt.Sprint(next)}, "status": {"done"}, "followUp": {"The district sent it on the 12th."}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != fmt.Sprintf("/c/%d/meetings/%d#group-items", c, next) {
		t.Fatalf("follow up: %d %s", w.Code, w.Header().Get("Location"))
	}
	grp, _ = e.db.FindGroup(bg, c, g)
	for _, it := range grp.Items {
		if it.ID == item.ID && (it.Status != collab.ItemDone || it.FollowUp != "The district sent it on the 12th.") {
			t.Fatalf("followed up %+v", it)
		}
	}
}

// TestCommunityPersonInvite: a person without an account is offered one
// on their team; the invitation names them, so accepting links their
// record. A bad email is refused by name and nothing is sent.
func TestCommunityPersonInvite(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, pid := e.ids["c1"], e.ids["cperson1"]
	path := fmt.Sprintf("/c/%d/community-people/%d/invite", c, pid)
	if w := e.form("convener", path, url.Values{"email": {"not an email"}, "role": {"other"}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="e-email"`) {
		t.Fatalf("bad email: %d", w.Code)
	}
	w := e.form("convener", path, url.Values{"email": {"dee@example.org"}, "role": {"other"}})
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `id="invite-link"`) {
		t.Fatalf("invite: %d", w.Code)
	}
	ins, err := e.db.PendingInvitations(bg, c, 0)
	must(t, err)
	var named bool
	for _, in := range ins {
		named = named || (in.Email == "dee@example.org" && in.PersonID == pid && in.TeamID == e.ids["teamA"])
	}
	if !named {
		t.Errorf("no invitation naming the person: %+v", ins)
	}
}
