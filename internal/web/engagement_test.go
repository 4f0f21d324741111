package web

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	ics "github.com/arran4/golang-ical"

	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/i18n"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestEngagementPages renders every engagement page for the people who
// may open it.
func TestEngagementPages(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, a, m := e.ids["c1"], e.ids["teamA"], e.ids["meeting1"]
	fb, err := e.db.Feedback(bg, c, 0)
	must(t, err)
	attended := fb[0].MeetingID
	for _, tc := range []struct {
		actor, path, want string
	}{
		{"convener", fmt.Sprintf("/c/%d/calendar", c), "Quarterly in-person meeting"},
		{"advocate", fmt.Sprintf("/c/%d/calendar", c), "Coaching call"},
		{"convener", fmt.Sprintf("/c/%d/meetings/%d", c, m), "attendance-form"},
		{"director", fmt.Sprintf("/c/%d/meetings/%d", c, m), fmt.Sprintf("/c/%d/teams/%d/meetings/%d/attendance", c, a, m)},
		{"advocate", fmt.Sprintf("/c/%d/meetings/%d", c, attended), "Was this helpful?"},
		{"coach", fmt.Sprintf("/c/%d/meetings/%d", c, attended), "most useful hour"},
		{"coach", fmt.Sprintf("/c/%d/participation", c), "Off track"},
		{"convener", fmt.Sprintf("/c/%d/participation", c), "settings-form"},
		{"advocate", fmt.Sprintf("/c/%d/teams/%d/participation", c, a), "activity-form"},
		{"coach", fmt.Sprintf("/c/%d/teams/%d/participation", c, a), "Activity hours"},
		{"convener", fmt.Sprintf("/c/%d/feedback", c), "most useful hour"},
		{"convener", fmt.Sprintf("/c/%d/compensation", c), "Jamal Reed"},
		{"director", fmt.Sprintf("/c/%d/teams/%d", c, a), "/participation"},
	} {
		w := e.do(tc.actor, "GET", tc.path, nil, "")
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), tc.want) {
			t.Errorf("%s %s: %d, want %q in the page", tc.actor, tc.path, w.Code, tc.want)
		}
		if i := strings.Index(w.Body.String(), "%!"); i >= 0 {
			t.Errorf("%s %s: formatting error %q", tc.actor, tc.path, w.Body.String()[i:min(i+40, w.Body.Len())])
		}
	}
	// A team member opens only their team's meetings.
	ms, err := e.db.Meetings(bg, c, sqlstore.MeetingFilter{TeamID: e.ids["teamB"]})
	must(t, err)
	for _, mt := range ms {
		if mt.Audience == engage.AudienceOneTeam {
			if w := e.do("advocate", "GET", fmt.Sprintf("/c/%d/meetings/%d", c, mt.ID), nil, ""); w.Code != http.StatusNotFound {
				t.Errorf("another team's coaching call: %d", w.Code)
			}
			if w := e.do("coach", "GET", fmt.Sprintf("/c/%d/meetings/%d", c, mt.ID), nil, ""); w.Code != http.StatusOK {
				t.Errorf("coach on a team's coaching call: %d", w.Code)
			}
			break
		}
	}
}

var stateRE = regexp.MustCompile(`(?s)<tr data-team="(\d+)">.*?<span class="(\w+) state">`)

func states(body string) map[string]string {
	out := map[string]string{}
	for _, m := range stateRE.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestAttendanceChangesDashboard records attendance by form and by
// sign-in sheet and watches the participation dashboard change.
func TestAttendanceChangesDashboard(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	dash := func() map[string]string {
		w := e.do("convener", "GET", fmt.Sprintf("/c/%d/participation", c), nil, "")
		if w.Code != 200 {
			t.Fatalf("dashboard: %d", w.Code)
		}
		return states(w.Body.String())
	}
	cape := fmt.Sprint(e.demo.TeamIDs[2])
	if got := dash()[cape]; got != "error" {
		t.Fatalf("Cape starts off track, got %q", got)
	}
	// Record Cape's director at every coaching call Cape missed.
	capeTeam, err := e.db.FindTeam(bg, c, e.demo.TeamIDs[2])
	must(t, err)
	ms, err := e.db.Meetings(bg, c, sqlstore.MeetingFilter{TeamID: capeTeam.ID, To: e.db.Now()})
	must(t, err)
	dir := capeTeam.Members[0]
	n := 0
	for _, m := range ms {
		if m.Kind != engage.KindCoaching {
			continue
		}
		att, err := e.db.Attendance(bg, c, m.ID)
		must(t, err)
		if len(att) > 0 {
			continue
		}
		f := url.Values{"user": {fmt.Sprint(dir.UserID)}, fmt.Sprintf("status-%d", dir.UserID): {"virtual"}}
		w := e.form("convener", fmt.Sprintf("/c/%d/meetings/%d/attendance", c, m.ID), f)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("record attendance: %d %s", w.Code, w.Body.String())
		}
		n++
	}
	if n == 0 {
		t.Fatal("no missed coaching calls in the demo")
	}
	if got := dash()[cape]; got != "ok" {
		t.Errorf("after recording, Cape is %q, want ok", got)
	}

	// A sign-in sheet with errors changes nothing and says where.
	m := e.ids["meeting1"]
	sheet := "email,status,agreed_on\n" + dir.Email + ",maybe,\nnobody@nowhere.org,virtual,\n"
	w := e.upload("convener", fmt.Sprintf("/c/%d/meetings/%d/attendance/import", c, m), sheet)
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "Row 2, column status") || !strings.Contains(body, "Row 3, column email") {
		t.Fatalf("bad sheet: %d %s", w.Code, body)
	}
	before, err := e.db.Attendance(bg, c, m)
	must(t, err)
	// A date alone is not an agreement (issue 14): the sheet says which
	// columns to fill.
	sheet = "email,status,agreed_on\n" + dir.Email + ",apologies,2000-01-01\n"
	if w := e.upload("convener", fmt.Sprintf("/c/%d/meetings/%d/attendance/import", c, m), sheet); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "column agreed_with") || !strings.Contains(w.Body.String(), "column alternative") {
		t.Fatalf("agreement without who and what: %d %s", w.Code, w.Body.String())
	}
	sheet = "email,status,agreed_on,agreed_with,alternative\n" + dir.Email + ",apologies,2000-01-01,FFI and DPH,Recording and a written reflection\n"
	if w := e.upload("convener", fmt.Sprintf("/c/%d/meetings/%d/attendance/import", c, m), sheet); w.Code != http.StatusSeeOther {
		t.Fatalf("good sheet: %d %s", w.Code, w.Body.String())
	}
	after, err := e.db.Attendance(bg, c, m)
	must(t, err)
	if len(after) < len(before) {
		t.Errorf("import lost records: %d then %d", len(before), len(after))
	}
	found := false
	for _, a := range after {
		if a.UserID == dir.UserID && a.Status == engage.Apologies && a.AgreedOn.String() == "2000-01-01" && a.AgreedWith == "FFI and DPH" && a.Alternative == "Recording and a written reflection" {
			found = true
		}
	}
	if !found {
		t.Errorf("imported record missing: %+v", after)
	}
	// A team lead may not record another team's people.
	f := url.Values{"user": {fmt.Sprint(dir.UserID)}, fmt.Sprintf("status-%d", dir.UserID): {"virtual"}}
	if w := e.form("director", fmt.Sprintf("/c/%d/teams/%d/meetings/%d/attendance", c, e.ids["teamA"], m), f); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("director recording another team: %d", w.Code)
	}
}

func (e *env) upload(actor, path, content string) *httptest.ResponseRecorder {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, _ := mw.CreateFormFile("sheet", "sheet.csv")
	fw.Write([]byte(content))
	mw.Close()
	return e.do(actor, "POST", path, &b, mw.FormDataContentType())
}

func TestCalendarFeedAndICS(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c, m := e.ids["c1"], e.ids["meeting1"]
	w := e.do("advocate", "GET", fmt.Sprintf("/c/%d/meetings/%d/ics", c, m), nil, "")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/calendar") {
		t.Fatalf("ics: %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	cal, err := ics.ParseCalendar(strings.NewReader(w.Body.String()))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("ics parse: %v", err)
	}
	w = e.form("advocate", "/account/calendar-feed", nil)
	feedRE := regexp.MustCompile(`http://goeswell\.test(/feeds/[^"]+/calendar\.ics)`)
	mm := feedRE.FindStringSubmatch(w.Body.String())
	if w.Code != 200 || mm == nil {
		t.Fatalf("feed create: %d", w.Code)
	}
	w = e.do("", "GET", mm[1], nil, "")
	if w.Code != 200 {
		t.Fatalf("feed: %d", w.Code)
	}
	cal, err = ics.ParseCalendar(strings.NewReader(w.Body.String()))
	if err != nil || len(cal.Events()) < 20 {
		t.Fatalf("feed parse: %v, %d events", err, len(cal.Events()))
	}
	if strings.Contains(w.Body.String(), "Canary") {
		t.Error("feed shows another collaborative's meeting")
	}
	if w := e.form("advocate", "/account/calendar-feed/delete", url.Values{"next": {"//evil.example"}}); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/" {
		t.Errorf("revoke: %d %s", w.Code, w.Header().Get("Location"))
	}
	if w := e.do("", "GET", mm[1], nil, ""); w.Code != http.StatusNotFound {
		t.Errorf("revoked feed: %d", w.Code)
	}
}

func TestCompensationExport(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	w := e.form("convener", fmt.Sprintf("/c/%d/compensation/reimbursements", c), url.Values{"user": {fmt.Sprint(e.ids["userA"])}, "amount": {"12.5"}, "description": {"=cmd|' /C calc'!A0 mileage"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("reimbursement: %d %s", w.Code, w.Body.String())
	}
	w = e.form("convener", fmt.Sprintf("/c/%d/compensation/reimbursements", c), url.Values{"user": {fmt.Sprint(e.ids["userA"])}, "amount": {"12.505"}, "description": {"x"}})
	if w.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad amount: %d", w.Code)
	}
	w = e.do("convener", "GET", fmt.Sprintf("/c/%d/compensation/owed.csv", c), nil, "")
	body := w.Body.String()
	if w.Code != 200 || !strings.HasPrefix(body, "name,email,account,payment_method,contact,stipends,reimbursements,total,items\n") || !strings.Contains(body, "Tom Nguyen,advocate.harbor@example.org,yes,,,0.00,12.50,12.50,1") ||
		!strings.Contains(body, "Jamal Reed") {
		t.Errorf("owed.csv: %d\n%s", w.Code, body)
	}
}

// TestEngagementCatalog checks the dynamic keys built from enumerations.
func TestEngagementCatalog(t *testing.T) {
	cat := i18n.MustLoad()
	var keys []string
	for _, k := range engage.Kinds {
		keys = append(keys, "engagement.kind."+string(k))
	}
	for _, a := range engage.SeriesAudiences {
		keys = append(keys, "engagement.audience."+string(a))
	}
	for _, s := range engage.Statuses {
		keys = append(keys, "engagement.status."+string(s))
	}
	for _, k := range engage.ActivityKinds {
		keys = append(keys, "engagement.activity."+string(k))
	}
	for _, s := range []engage.State{engage.OnTrack, engage.AtRisk, engage.OffTrack} {
		keys = append(keys, "engagement.state."+string(s))
	}
	for _, h := range []engage.HoursState{engage.HoursBelow, engage.HoursAbove, engage.HoursPending, engage.HoursWithin} {
		keys = append(keys, "engagement.hours."+string(h))
	}
	for _, b := range engage.Bases {
		keys = append(keys, "engagement.basis."+string(b))
	}
	keys = append(keys, "engagement.pay.stipend", "engagement.pay.reimbursement")
	for _, c := range []string{"once", "weekly", "monthly", "bimonthly", "quarterly", "custom"} {
		keys = append(keys, "engagement.cadence."+c)
	}
	for _, k := range keys {
		if !cat.Has(k) {
			t.Errorf("catalog lacks %q", k)
		}
	}
	for _, tt := range []struct {
		args []any
		want string
	}{
		{[]any{2, 3, 4.0}, "2 months below 4 hours in the last 3 months."},
		{[]any{1, 1, 1.0}, "1 month below 1 hour in the last 1 month."},
	} {
		if got := cat.Printer("en").Sprintf("engagement.reason.short_window", tt.args...); got != tt.want {
			t.Errorf("short_window%v: %q, want %q", tt.args, got, tt.want)
		}
	}
}
