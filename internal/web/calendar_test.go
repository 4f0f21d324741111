package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestSeriesPreview: "Preview the dates" shows every date a quarterly
// series would make — all on the weekday it starts on, at its local time —
// and keeps the form as typed, storing nothing; "Add" then creates it.
func TestSeriesPreview(t *testing.T) {
	e := newHomeEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	col, err := e.db.FindCollaborative(bg, c)
	must(t, err)
	first := col.StartDate.AddMonths(1)
	for first.Time().Weekday() != time.Thursday {
		first = first.AddDays(1)
	}
	first = first.AddDays(7) // the second Thursday
	before, err := e.db.Meetings(bg, c, sqlstore.MeetingFilter{})
	must(t, err)
	f := url.Values{"title": {"Quarterly convening"}, "kind": {"in_person"}, "cadence": {"quarterly"}, "date": {first.String()}, "time": {"09:30"},
		"timeZone": {"America/New_York"}, "duration": {"360"}, "audience": {"all_teams"}, "action": {"preview"}}
	w := e.form("convener", fmt.Sprintf("/c/%d/meetings", c), f)
	if w.Code != http.StatusOK {
		t.Fatalf("preview: %d", w.Code)
	}
	body := w.Body.String()
	prev := section(body, "series-preview")
	if !strings.Contains(prev, "This series makes 6 meetings:") {
		t.Errorf("preview heading:\n%s", prev)
	}
	dates := regexp.MustCompile(`<li>(\w+) \d{1,2} \w+ \d{4} (\d\d:\d\d) (E[SD]T)</li>`).FindAllStringSubmatch(prev, -1)
	if len(dates) != 6 {
		t.Fatalf("%d dates in the preview:\n%s", len(dates), prev)
	}
	for _, d := range dates {
		if d[1] != "Thu" || d[2] != "09:30" {
			t.Errorf("a date of the series is %s %s %s, want Thursdays at 09:30 New York time", d[1], d[2], d[3])
		}
	}
	if !strings.Contains(body, `value="Quarterly convening"`) || !strings.Contains(body, `<option value="America/New_York" selected>`) {
		t.Error("the form did not keep what was typed")
	}
	after, err := e.db.Meetings(bg, c, sqlstore.MeetingFilter{})
	must(t, err)
	if len(after) != len(before) {
		t.Errorf("a preview stored %d meetings", len(after)-len(before))
	}
	f.Set("action", "add")
	if w := e.form("convener", fmt.Sprintf("/c/%d/meetings", c), f); w.Code != http.StatusSeeOther {
		t.Fatalf("add: %d", w.Code)
	}
	after, err = e.db.Meetings(bg, c, sqlstore.MeetingFilter{})
	must(t, err)
	n := 0
	for _, m := range after {
		if m.Title == "Quarterly convening" {
			n++
			if m.Local().Weekday() != time.Thursday || m.Local().Format("15:04 MST")[:5] != "09:30" {
				t.Errorf("stored meeting at %s", m.Local())
			}
		}
	}
	if n != 6 {
		t.Errorf("%d meetings stored, want 6", n)
	}
	// A bad time zone is refused beside the field, the rest kept.
	f.Set("timeZone", "Mars/Olympus")
	w = e.form("convener", fmt.Sprintf("/c/%d/meetings", c), f)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="e-timeZone"`) || !strings.Contains(w.Body.String(), `value="Quarterly convening"`) {
		t.Errorf("bad time zone: %d", w.Code)
	}
}

// TestMeetingPageOnce: a held meeting's page asks "Was this helpful?" once,
// and shows its time in its own zone, not UTC.
func TestMeetingPageOnce(t *testing.T) {
	e := newHomeEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	ms, err := e.db.Meetings(bg, c, sqlstore.MeetingFilter{To: e.db.Now(), TeamID: e.ids["teamA"]})
	must(t, err)
	var held *engage.Meeting
	for _, m := range ms {
		if m.Audience == engage.AudienceAllTeams {
			held = m
		}
	}
	if held == nil {
		t.Fatal("no held all-teams meeting")
	}
	body := e.page(t, "advocate", fmt.Sprintf("/c/%d/meetings/%d", c, held.ID))
	if n := strings.Count(body, "Was this helpful?"); n != 1 {
		t.Errorf("the page asks %d times", n)
	}
	if strings.Contains(body, " UTC · ") || !strings.Contains(body, held.Local().Format("15:04 MST")) {
		t.Errorf("the time is not shown in %s", held.TimeZone)
	}
}
