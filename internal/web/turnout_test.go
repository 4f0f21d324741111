package web

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
	"github.com/goeswell/goeswell/internal/suppress"
)

// TestTurnoutDisclosure: people at meetings are figures about people, so
// they follow the one disclosure rule: a meeting of three (two account
// holders and a community member) is hidden, a large one is shown, and
// what is shown never gives a hidden number away.
func TestTurnoutDisclosure(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		lines                      []engage.Turnout
		totalHidden, withoutHidden []bool
	}{
		{"three people", []engage.Turnout{{Accounts: 2, WithoutAccount: 1}}, []bool{true}, []bool{true}},
		{"no one without an account", []engage.Turnout{{Accounts: 12}, {Accounts: 14}}, []bool{false, false}, []bool{false, false}},
		{"three of twelve without an account", []engage.Turnout{{Accounts: 9, WithoutAccount: 3}, {Accounts: 10, WithoutAccount: 6}}, nil, []bool{true, true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows := meetingTurnouts(tc.lines, suppress.MinThreshold)
			n := make([][]int, len(tc.lines))
			m := suppress.Mask{Cell: make([][]bool, len(tc.lines)), RowTotal: make([]bool, len(tc.lines)), ColTotal: []bool{true, true}, Grand: true}
			for i, r := range rows {
				if r.Total != tc.lines[i].Total() || r.WithoutAccount != tc.lines[i].WithoutAccount {
					t.Errorf("line %d counts %d and %d", i, r.Total, r.WithoutAccount)
				}
				if tc.totalHidden != nil && r.TotalHidden != tc.totalHidden[i] {
					t.Errorf("line %d total hidden %v", i, r.TotalHidden)
				}
				if r.WithoutAccountHidden != tc.withoutHidden[i] {
					t.Errorf("line %d without an account hidden %v", i, r.WithoutAccountHidden)
				}
				// What the page shows: each line's total and its people
				// without an account; the rest of the figure is hidden.
				n[i] = []int{tc.lines[i].Accounts, tc.lines[i].WithoutAccount}
				m.Cell[i] = []bool{true, r.WithoutAccountHidden}
				m.RowTotal[i] = r.TotalHidden
			}
			if exp := suppress.Audit(suppress.NewTable(n), m, suppress.MinThreshold); len(exp) > 0 {
				t.Errorf("shown numbers expose %+v", exp)
			}
		})
	}
}

// TestPeopleAtMeetingsPages: a community member recorded at a meeting
// counts in its attendance on the participation dashboard and in the
// funder report's people at meetings.
func TestPeopleAtMeetingsPages(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, m, pid := e.ids["c1"], e.ids["meeting1"], e.ids["cperson1"]
	before, err := e.db.Turnouts(bg, c)
	must(t, err)
	w := e.form("convener", fmt.Sprintf("/c/%d/meetings/%d/people-attendance", c, m), url.Values{"person": {fmt.Sprint(pid)}, fmt.Sprint("person-", pid): {"in_person"}})
	if w.Code != 303 {
		t.Fatalf("record: %d", w.Code)
	}
	after, err := e.db.Turnouts(bg, c)
	must(t, err)
	found := false
	for i, tu := range after {
		if tu.Meeting.ID == m {
			found = true
			if tu.WithoutAccount != before[i].WithoutAccount+1 || tu.Total() != before[i].Total()+1 || tu.Accounts != before[i].Accounts {
				t.Errorf("turnout before %+v, after %+v", before[i], tu)
			}
		}
	}
	if !found {
		t.Fatalf("meeting %d not among the held meetings", m)
	}
	w = e.do("convener", "GET", fmt.Sprintf("/c/%d/participation?all=1", c), nil, "")
	if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, `id="turnouts"`) || !strings.Contains(body, fmt.Sprintf(`data-meeting="%d"`, m)) {
		t.Errorf("participation: %d", w.Code)
	}
	w = e.do("funder", "GET", fmt.Sprintf("/c/%d/funder-report", c), nil, "")
	if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, `id="funder-turnouts"`) || strings.Contains(body, "Dee, lived") {
		t.Errorf("funder report: %d", w.Code)
	}
}
