package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
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

// weeklySeries makes, as the convener, a weekly series of six on the
// Tuesdays from next month, at 10:00 New York time, and returns its
// meetings by start.
func weeklySeries(t *testing.T, e *env, title string) []*engage.Meeting {
	t.Helper()
	c := e.ids["c1"]
	first := collab.DateOf(e.db.Now()).AddMonths(1)
	first = collab.NewDate(first.Time().Year(), first.Time().Month(), 1)
	for first.Time().Weekday() != time.Tuesday {
		first = first.AddDays(1)
	}
	f := url.Values{"title": {title}, "kind": {"all_teams"}, "cadence": {"custom"}, "rule": {"FREQ=WEEKLY;COUNT=6"}, "date": {first.String()}, "time": {"10:00"},
		"timeZone": {"America/New_York"}, "duration": {"60"}, "audience": {"all_teams"}, "action": {"add"}}
	if w := e.form("convener", fmt.Sprintf("/c/%d/meetings", c), f); w.Code != http.StatusSeeOther {
		t.Fatalf("add series: %d\n%s", w.Code, w.Body.String())
	}
	all, err := e.db.Meetings(bg, c, sqlstore.MeetingFilter{Cancelled: true})
	must(t, err)
	var out []*engage.Meeting
	for _, m := range all {
		if m.Title == title {
			out = append(out, m)
		}
	}
	if len(out) != 6 {
		t.Fatalf("%d meetings in the series, want 6", len(out))
	}
	return out
}

// TestCalendarMonthView: the month view is a table with the month as its
// caption, each meeting in the cell of its day with its time, links to
// the months before and after, a filter per team that a team's member
// cannot turn on another team; in Spanish the month and weekdays are
// Spanish.
func TestCalendarMonthView(t *testing.T) {
	e := newHomeEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	ms := weeklySeries(t, e, "Peer call")
	first := ms[0].Local()
	month := first.Format("2006-01")
	body := e.page(t, "convener", fmt.Sprintf("/c/%d/calendar?view=month&month=%s", c, month))
	tbl := section(body, "month")
	if !strings.Contains(tbl, "<caption>"+first.Format("January 2006")+"</caption>") {
		t.Errorf("caption:\n%s", tbl)
	}
	if !strings.Contains(tbl, `<abbr title="Tuesday">Tue</abbr>`) {
		t.Error("the weekday headers are not named in full for screen readers")
	}
	for _, m := range ms {
		if m.Local().Format("2006-01") != month {
			continue
		}
		cell := regexp.MustCompile(`data-day="` + m.Local().Format("2006-01-02") + `"[^>]*>(?s:.*?)</td>`).FindString(tbl)
		if !strings.Contains(cell, fmt.Sprintf(`href="/c/%d/meetings/%d">10:00 E`, c, m.ID)) {
			t.Errorf("meeting %d is not in its day's cell:\n%s", m.ID, cell)
		}
	}
	next := first.AddDate(0, 1, 0)
	if !strings.Contains(body, fmt.Sprintf(`href="/c/%d/calendar?month=%s&amp;view=month" rel="next"`, c, next.Format("2006-01"))) {
		t.Errorf("no link to the next month:\n%s", section(body, "month-next"))
	}
	// The filter: team B's calendar for the coach; a team A member may not
	// ask for team B's.
	teamB := e.ids["teamB"]
	onlyA := &engage.Meeting{CollaborativeID: c, Details: engage.Details{Kind: engage.KindCoaching, Title: "Harbor coaching", TimeZone: "America/New_York", DurationMin: 60,
		Audience: engage.AudienceOneTeam, TeamIDs: []int64{e.ids["teamA"]}}, StartsAt: ms[1].StartsAt.Add(24 * time.Hour)}
	must(t, e.db.CreateMeeting(bg, collab.Who{}, onlyA))
	for _, tc := range []struct {
		team       int64
		view       string
		want, hide string
	}{
		{e.ids["teamA"], "month", "Harbor coaching", ""},
		{teamB, "month", "Peer call", "Harbor coaching"},
		{teamB, "agenda", "Peer call", "Harbor coaching"},
	} {
		q := fmt.Sprintf("/c/%d/calendar?team=%d", c, tc.team)
		if tc.view == "month" {
			q += "&view=month&month=" + onlyA.Local().Format("2006-01")
		}
		body := e.page(t, "coach", q)
		if !strings.Contains(body, tc.want) || tc.hide != "" && strings.Contains(body, tc.hide) {
			t.Errorf("%s filtered by team %d: want %q shown and %q not", tc.view, tc.team, tc.want, tc.hide)
		}
	}
	if w := e.do("advocate", "GET", fmt.Sprintf("/c/%d/calendar?team=%d", c, teamB), nil, ""); w.Code != http.StatusNotFound {
		t.Errorf("team A's advocate asked for team B's calendar: %d", w.Code)
	}
	if w := e.do("convener", "GET", fmt.Sprintf("/c/%d/calendar?view=month&month=nope", c), nil, ""); w.Code != http.StatusBadRequest {
		t.Errorf("a bad month: %d", w.Code)
	}
	// In Spanish.
	u, _, err := e.db.FindUserByEmail(bg, "convener@example.org")
	must(t, err)
	es := "es"
	must(t, e.db.UpdateUser(bg, collab.Who{}, u.ID, sqlstore.UserUpdate{Lang: &es}))
	body = e.page(t, "convener", fmt.Sprintf("/c/%d/calendar?view=month&month=%s", c, month))
	months := []string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"}
	if want := "<caption>" + months[first.Month()-1] + " de " + fmt.Sprint(first.Year()) + "</caption>"; !strings.Contains(body, want) {
		t.Errorf("Spanish caption: want %s", want)
	}
	if !strings.Contains(body, `<abbr title="martes">mar</abbr>`) {
		t.Error("Spanish weekdays")
	}
}

// TestReaderTimeZone: a time zone chosen under Account settings (from the
// list; a typed one is refused beside the field) shows meetings and
// timestamps in it, with its abbreviation, on the meeting page, the
// calendar and the notifications.
func TestReaderTimeZone(t *testing.T) {
	e := newHomeEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	ms := weeklySeries(t, e, "Peer call")
	m := ms[0]
	f := url.Values{"name": {"Harbor advocate"}, "lang": {""}, "timeZone": {"Mars/Olympus"}}
	w := e.form("advocate", "/account", f)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="e-timeZone"`) || !strings.Contains(w.Body.String(), `value="Harbor advocate"`) {
		t.Fatalf("a typed zone: %d", w.Code)
	}
	f.Set("timeZone", "America/Los_Angeles")
	if w := e.form("advocate", "/account", f); w.Code != http.StatusSeeOther {
		t.Fatalf("save zone: %d", w.Code)
	}
	la, _ := time.LoadLocation("America/Los_Angeles")
	want := m.StartsAt.In(la).Format("15:04 MST") // 07:00 PST or PDT
	meeting := e.page(t, "advocate", fmt.Sprintf("/c/%d/meetings/%d", c, m.ID))
	if !strings.Contains(meeting, want) || strings.Contains(meeting, "10:00 E") {
		t.Errorf("the meeting page is not in Los Angeles time (%s)", want)
	}
	cal := e.page(t, "advocate", fmt.Sprintf("/c/%d/calendar", c))
	if !strings.Contains(section(cal, "upcoming"), want) || !strings.Contains(section(cal, "calendar-zone"), "America/Los Angeles") {
		t.Errorf("the calendar is not in Los Angeles time (%s)", want)
	}
	notes := e.page(t, "advocate", "/notifications")
	if strings.Contains(notes, " UTC<") || !regexp.MustCompile(`\d\d:\d\d P[SD]T`).MatchString(notes) {
		t.Error("the notifications' times are not in Los Angeles time")
	}
	// Someone with no zone reads the meeting in its own.
	if body := e.page(t, "director", fmt.Sprintf("/c/%d/meetings/%d", c, m.ID)); !strings.Contains(body, m.Local().Format("15:04 MST")) {
		t.Error("without a zone the meeting is not in its own")
	}
}

// TestSeriesEditFollowing: through the meeting form, "this and following"
// from the third meeting moves the third onwards and keeps the first two;
// a single meeting refuses a series scope beside the field.
func TestSeriesEditFollowing(t *testing.T) {
	e := newHomeEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	ms := weeklySeries(t, e, "Peer call")
	third := ms[2].Local().AddDate(0, 0, 2) // the Thursday after
	f := url.Values{"title": {"Peer call"}, "kind": {"all_teams"}, "date": {third.Format("2006-01-02")}, "time": {"14:00"}, "timeZone": {"America/New_York"},
		"duration": {"60"}, "audience": {"all_teams"}, "scope": {"following"}}
	w := e.form("convener", fmt.Sprintf("/c/%d/meetings/%d", c, ms[2].ID), f)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", w.Code, w.Body.String())
	}
	if !strings.Contains(w.Header().Get("Set-Cookie"), "flash.series_saved") {
		t.Errorf("the flash is not the series': %q", w.Header().Get("Set-Cookie"))
	}
	page := e.page(t, "convener", fmt.Sprintf("/c/%d/meetings/%d", c, ms[2].ID))
	if !strings.Contains(section(page, "edit-scope"), "Meetings already held are never changed") {
		t.Error("the form does not say what happens to held meetings")
	}
	for i, m := range ms {
		got, err := e.db.FindMeeting(bg, c, m.ID)
		must(t, err)
		day, clock := got.Local().Weekday(), got.Local().Format("15:04")
		if i < 2 && (day != time.Tuesday || clock != "10:00") || i >= 2 && (day != time.Thursday || clock != "14:00") {
			t.Errorf("meeting %d is on %s at %s", i+1, day, clock)
		}
	}
	single := &engage.Meeting{CollaborativeID: c, Details: engage.Details{Kind: engage.KindOther, Title: "One", TimeZone: "UTC", DurationMin: 30, Audience: engage.AudienceAllTeams},
		StartsAt: e.db.Now().Add(48 * time.Hour)}
	must(t, e.db.CreateMeeting(bg, collab.Who{}, single))
	f.Set("title", "One")
	if w := e.form("convener", fmt.Sprintf("/c/%d/meetings/%d", c, single.ID), f); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "error-summary") {
		t.Errorf("a series scope on a single meeting: %d", w.Code)
	}
}
