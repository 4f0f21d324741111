package engage

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/goeswell/goeswell/internal/collab"
)

func date(s string) collab.Date {
	d, err := collab.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func at(s string, tz string) time.Time {
	loc, err := time.LoadLocation(tz)
	if err != nil {
		panic(err)
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

const boston = "America/New_York"

// seed000 is seed 000's collaborative: 18 months, four member
// organizations (the last a small one with a single designated person),
// and the four cadences of seeds 000 and 002.
type seed000 struct {
	start, end collab.Date
	teams      []*collab.Team
	series     []*Series
	meetings   []*Meeting
}

func newSeed000(t *testing.T) *seed000 {
	t.Helper()
	s := &seed000{start: date("2026-01-01"), end: date("2027-06-30")}
	for i, name := range []string{"Harbor", "Pioneer", "Cape", "Berkshire"} {
		tm := &collab.Team{ID: int64(i + 1), Name: name, Active: true}
		if name == "Berkshire" {
			tm.SinglePerson = true
			tm.Members = []collab.Member{{TeamID: tm.ID, UserID: 100 + tm.ID*10, Role: collab.RoleDirector}}
		} else {
			tm.Members = []collab.Member{
				{TeamID: tm.ID, UserID: 100 + tm.ID*10, Role: collab.RoleDirector},
				{TeamID: tm.ID, UserID: 101 + tm.ID*10, Role: collab.RoleDirectService},
			}
		}
		s.teams = append(s.teams, tm)
	}
	s.series = []*Series{
		{Details: Details{Kind: KindInPerson, Title: "Quarterly in-person meeting", TimeZone: boston, DurationMin: 6 * 60, Location: "Worcester", Audience: AudienceAllTeams},
			Rule: CadenceRule("quarterly"), First: at("2026-01-15 09:30", boston)},
		{Details: Details{Kind: KindVirtual, Title: "Quarterly virtual meeting", TimeZone: boston, DurationMin: 120, VideoURL: "https://video.example.org/wlc", Audience: AudienceAllTeams},
			Rule: CadenceRule("quarterly"), First: at("2026-02-18 13:00", boston)},
		{Details: Details{Kind: KindCoaching, Title: "Coaching call", TimeZone: boston, DurationMin: 60, Audience: AudienceEachTeam},
			Rule: CadenceRule("monthly"), First: at("2026-01-20 10:00", boston)},
		{Details: Details{Kind: KindAllTeams, Title: "All-teams meeting", TimeZone: boston, DurationMin: 90, Audience: AudienceAllTeams},
			Rule: CadenceRule("bimonthly"), First: at("2026-01-28 15:00", boston)},
	}
	var active []int64
	for _, tm := range s.teams {
		active = append(active, tm.ID)
	}
	id := int64(0)
	for i, se := range s.series {
		se.ID = int64(i + 1)
		if err := se.Validate(); err != nil {
			t.Fatal(err)
		}
		ms, err := se.Meetings(s.start, s.end, active)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			id++
			m.ID = id
			if err := m.Validate(); err != nil {
				t.Fatal(err)
			}
		}
		s.meetings = append(s.meetings, ms...)
	}
	return s
}

// find returns the meeting of a series on a day (for team, if one_team).
func (s *seed000) find(t *testing.T, series int64, day string, team int64) *Meeting {
	t.Helper()
	for _, m := range s.meetings {
		if m.SeriesID == series && m.Day().String() == day && (team == 0 || m.ForTeam(team)) {
			return m
		}
	}
	t.Fatalf("no meeting of series %d on %s for team %d", series, day, team)
	return nil
}

func TestSeed000Calendar(t *testing.T) {
	s := newSeed000(t)
	count := map[Kind]int{}
	for _, m := range s.meetings {
		count[m.Kind]++
	}
	want := map[Kind]int{KindInPerson: 6, KindVirtual: 6, KindCoaching: 18 * 4, KindAllTeams: 9}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s meetings: got %d, want %d", k, count[k], n)
		}
	}
	if len(s.meetings) != 93 {
		t.Errorf("meetings: got %d, want 93", len(s.meetings))
	}
	// The last in-person meeting is in April 2027, inside the 18 months.
	last := s.meetings[5]
	if got := last.Day().String(); got != "2027-04-15" {
		t.Errorf("sixth in-person meeting on %s, want 2027-04-15", got)
	}
	// Coaching calls stay at 10:00 in Boston across daylight saving time.
	for _, m := range s.meetings {
		if m.Kind == KindCoaching {
			if l := m.Local(); l.Hour() != 10 || l.Minute() != 0 {
				t.Fatalf("coaching call at %s local", l)
			}
		}
	}
	jan := s.find(t, 3, "2026-01-20", 1)
	// The calls keep their weekday: the third Tuesday, March 17th.
	mar := s.find(t, 3, "2026-03-17", 1)
	if jan.StartsAt.UTC().Hour() != 15 || mar.StartsAt.UTC().Hour() != 14 {
		t.Errorf("UTC hours %d and %d, want 15 (EST) and 14 (EDT)", jan.StartsAt.UTC().Hour(), mar.StartsAt.UTC().Hour())
	}
}

func attend(m *Meeting, team int64, user int64, st Status, agreed string) Attendance {
	a := Attendance{MeetingID: m.ID, TeamID: team, UserID: user, Status: st}
	if agreed != "" {
		a.AgreedOn = date(agreed)
	}
	return a
}

func TestSeed000Compliance(t *testing.T) {
	s := newSeed000(t)
	asOf := at("2026-04-01 00:00", "UTC")
	const (
		harbor, pioneer, cape, berkshire = 1, 2, 3, 4
	)
	virtualFeb := s.find(t, 2, "2026-02-18", 0)
	var att []Attendance
	// Everyone's director attends every held meeting of their team, with
	// the exceptions below.
	for _, m := range s.meetings {
		if !m.StartsAt.Before(asOf) {
			continue
		}
		for _, tm := range s.teams {
			if !m.ForTeam(tm.ID) {
				continue
			}
			user := tm.Members[0].UserID
			switch {
			case m == virtualFeb && tm.ID == pioneer:
				// Apologies, with an alternative agreed a week before.
				att = append(att, attend(m, pioneer, user, Apologies, "2026-02-10"))
			case m == virtualFeb && tm.ID == cape:
				// Apologies, but the alternative was agreed two days after.
				att = append(att, attend(m, cape, user, Apologies, "2026-02-20"))
			case m.Kind == KindCoaching && m.Day().String() == "2026-03-17" && tm.ID == cape:
				// Nobody came and nobody wrote.
			default:
				att = append(att, attend(m, tm.ID, user, InPerson, ""))
			}
		}
	}
	var acts []Activity
	for _, tm := range s.teams {
		for _, mo := range []string{"2026-01-01", "2026-02-01", "2026-03-01"} {
			acts = append(acts, Activity{TeamID: tm.ID, Month: date(mo), Kind: ActSiteVisit, Hours: 5})
		}
	}
	res := Compute(Input{Policy: collab.DefaultPolicy(), Settings: DefaultSettings(), Start: s.start, End: s.end, AsOf: asOf,
		Teams: s.teams, Meetings: s.meetings, Attendance: att, Activities: acts})
	got := map[int64]TeamCompliance{}
	for _, tc := range res {
		got[tc.Team.ID] = tc
	}
	for _, c := range []struct {
		team                                int64
		state                               State
		febMeetings, febCovered, febExcused int
		febMissed                           int
	}{
		// February: the virtual meeting and the coaching call.
		{harbor, OnTrack, 2, 2, 0, 0},
		{pioneer, OnTrack, 2, 1, 1, 0},
		{cape, OffTrack, 2, 1, 0, 1},
		{berkshire, OnTrack, 2, 2, 0, 0},
	} {
		tc := got[c.team]
		if tc.State != c.state {
			t.Errorf("team %s: state %s, want %s (reasons %v)", tc.Team.Name, tc.State, c.state, tc.Reasons)
		}
		if len(tc.Months) != 4 {
			t.Fatalf("team %s: %d months, want 4 (Jan–Apr)", tc.Team.Name, len(tc.Months))
		}
		feb := tc.Months[1]
		if feb.Meetings != c.febMeetings || feb.Covered != c.febCovered || feb.Excused != c.febExcused || feb.Missed != c.febMissed {
			t.Errorf("team %s February: %d meetings, %d covered, %d excused, %d missed; want %d %d %d %d", tc.Team.Name,
				feb.Meetings, feb.Covered, feb.Excused, feb.Missed, c.febMeetings, c.febCovered, c.febExcused, c.febMissed)
		}
		if feb.HoursState != HoursWithin || tc.Months[3].HoursState != HoursPending {
			t.Errorf("team %s: hours states %s, %s", tc.Team.Name, feb.HoursState, tc.Months[3].HoursState)
		}
	}
	if b := got[berkshire]; len(b.MissingRoles) != 0 || b.Required != 1 {
		t.Errorf("single-person team: missing %v, required %d", b.MissingRoles, b.Required)
	}
	if c := got[cape]; c.Missed != 2 || c.Reasons[0].Key != "engagement.reason.missed_window" {
		t.Errorf("cape: missed %d, reasons %v", c.Missed, c.Reasons)
	}
	if c := got[cape].Months[1]; c.State != AtRisk {
		t.Errorf("cape February: %s, want at risk", c.State)
	}
}

func TestCompute(t *testing.T) {
	start, end := date("2026-01-01"), date("2026-12-31")
	asOf := at("2026-03-10 12:00", "UTC")
	team := func(single bool, roles ...collab.TeamRole) *collab.Team {
		tm := &collab.Team{ID: 7, Name: "T", Active: true, SinglePerson: single}
		for i, r := range roles {
			tm.Members = append(tm.Members, collab.Member{TeamID: 7, UserID: int64(i + 1), Role: r})
		}
		return tm
	}
	full := []collab.TeamRole{collab.RoleDirector, collab.RoleDirectService}
	joined := func(tm *collab.Team, day string) *collab.Team { tm.JoinedOn = date(day); return tm }
	community := func(tm *collab.Team) *collab.Team { tm.Kind = collab.KindCommunity; return tm }
	mtg := func(id int64, day string, cancelled bool) *Meeting {
		return &Meeting{ID: id, Details: Details{Kind: KindAllTeams, Title: "M", TimeZone: "UTC", DurationMin: 60, Audience: AudienceAllTeams},
			StartsAt: at(day+" 10:00", "UTC"), Cancelled: cancelled}
	}
	hours := func(h ...float64) []Activity {
		var out []Activity
		for i, x := range h {
			out = append(out, Activity{TeamID: 7, Month: start.AddMonths(i), Kind: ActOther, Hours: x})
		}
		return out
	}
	policy2 := collab.DefaultPolicy()
	policy2.MinRepsPerMeeting = 2
	for _, c := range []struct {
		name     string
		policy   collab.Policy
		team     *collab.Team
		meetings []*Meeting
		att      []Attendance
		acts     []Activity
		state    State
		reasons  []string
	}{
		{"all well", collab.DefaultPolicy(), team(false, full...), []*Meeting{mtg(1, "2026-01-10", false)},
			[]Attendance{{MeetingID: 1, TeamID: 7, UserID: 1, Status: Virtually}}, hours(5, 5), OnTrack, nil},
		{"one month short", collab.DefaultPolicy(), team(false, full...), nil, nil, hours(5, 3), AtRisk, []string{"engagement.reason.short_window"}},
		{"two months short", collab.DefaultPolicy(), team(false, full...), nil, nil, hours(1, 3), OffTrack, []string{"engagement.reason.short_window"}},
		{"above the range is fine", collab.DefaultPolicy(), team(false, full...), nil, nil, hours(9, 9), OnTrack, nil},
		{"missing a role", collab.DefaultPolicy(), team(false, collab.RoleDirector), nil, nil, hours(5, 5), AtRisk, []string{"engagement.reason.roles_missing"}},
		{"cancelled and future meetings do not count", collab.DefaultPolicy(), team(false, full...),
			[]*Meeting{mtg(1, "2026-01-10", true), mtg(2, "2026-03-20", false)}, nil, hours(5, 5), OnTrack, nil},
		{"missed without record", collab.DefaultPolicy(), team(false, full...), []*Meeting{mtg(1, "2026-02-10", false)}, nil, hours(5, 5),
			AtRisk, []string{"engagement.reason.missed_window"}},
		{"agreed on the day counts as in advance", collab.DefaultPolicy(), team(false, full...), []*Meeting{mtg(1, "2026-02-10", false)},
			[]Attendance{{MeetingID: 1, TeamID: 7, UserID: 1, Status: Apologies, AgreedOn: date("2026-02-10")}}, hours(5, 5), OnTrack, nil},
		{"two reps required, one came", policy2, team(false, full...), []*Meeting{mtg(1, "2026-02-10", false)},
			[]Attendance{{MeetingID: 1, TeamID: 7, UserID: 1, Status: InPerson}}, hours(5, 5), AtRisk, []string{"engagement.reason.missed_window"}},
		{"small organization: one rep is enough", policy2, team(true, collab.RoleDirector), []*Meeting{mtg(1, "2026-02-10", false)},
			[]Attendance{{MeetingID: 1, TeamID: 7, UserID: 1, Status: InPerson}}, hours(5, 5), OnTrack, nil},
		{"old misses leave the window", collab.DefaultPolicy(), team(false, full...), []*Meeting{mtg(1, "2026-01-10", false)}, nil, hours(5, 5),
			AtRisk, []string{"engagement.reason.missed_window"}},
		// Issue 14: a team that joined on 15 February owes neither the
		// meetings before that day nor January's and February's hours.
		{"late joiner: nothing owed before joining", collab.DefaultPolicy(), joined(team(false, full...), "2026-02-15"),
			[]*Meeting{mtg(1, "2026-01-10", false), mtg(2, "2026-02-10", false), mtg(3, "2026-02-12", false)}, nil, nil, OnTrack, nil},
		{"late joiner: a meeting after joining counts", collab.DefaultPolicy(), joined(team(false, full...), "2026-02-15"),
			[]*Meeting{mtg(1, "2026-02-20", false)}, nil, nil, AtRisk, []string{"engagement.reason.missed_window"}},
		// Issue 14, seed 002: a community team has a lead and members and
		// is never flagged for a director.
		{"community team with a lead", collab.DefaultPolicy(), community(team(false, collab.RoleLead, collab.RoleMember)), nil, nil, hours(5, 5), OnTrack, nil},
		{"community team without a lead", collab.DefaultPolicy(), community(team(false, collab.RoleMember)), nil, nil, hours(5, 5),
			AtRisk, []string{"engagement.reason.roles_missing"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			st := DefaultSettings()
			res := Compute(Input{Policy: c.policy, Settings: st, Start: start, End: end, AsOf: asOf, Teams: []*collab.Team{c.team},
				Meetings: c.meetings, Attendance: c.att, Activities: c.acts})
			if len(res) != 1 {
				t.Fatalf("%d results", len(res))
			}
			var keys []string
			for _, r := range res[0].Reasons {
				keys = append(keys, r.Key)
			}
			if res[0].State != c.state || strings.Join(keys, ",") != strings.Join(c.reasons, ",") {
				t.Errorf("got %s %v, want %s %v", res[0].State, keys, c.state, c.reasons)
			}
		})
	}
	// With a one-month window, January's miss no longer counts in March.
	st := DefaultSettings()
	st.WindowMonths = 1
	res := Compute(Input{Policy: collab.DefaultPolicy(), Settings: st, Start: start, End: end, AsOf: asOf, Teams: []*collab.Team{team(false, full...)},
		Meetings: []*Meeting{mtg(1, "2026-01-10", false)}})
	if res[0].State != OnTrack {
		t.Errorf("one-month window: %s %v", res[0].State, res[0].Reasons)
	}
}

func TestICSRoundTrip(t *testing.T) {
	s := newSeed000(t)
	s.meetings[1].Cancelled = true
	s.meetings[0].Agenda = "Welcome; the Five Domains of Wellbeing, with commas, semicolons; and a long line that must be folded at seventy-five octets by the writer"
	out := ICS("Wellbeing Learning Collaborative", s.meetings[:10], "https://goeswell.example.org", at("2026-01-01 00:00", "UTC"))
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	evs := cal.Events()
	if len(evs) != 10 {
		t.Fatalf("%d events", len(evs))
	}
	for i, ev := range evs {
		st, err := ev.GetStartAt()
		if err != nil {
			t.Fatal(err)
		}
		if !st.Equal(s.meetings[i].StartsAt) {
			t.Errorf("event %d starts %s, want %s", i, st, s.meetings[i].StartsAt)
		}
		end, err := ev.GetEndAt()
		if err != nil || !end.Equal(s.meetings[i].EndsAt()) {
			t.Errorf("event %d ends %s (%v)", i, end, err)
		}
	}
	if got := evs[0].GetProperty(ics.ComponentPropertyDescription).Value; got != s.meetings[0].Agenda {
		t.Errorf("description %q", got)
	}
	if got := evs[1].GetProperty(ics.ComponentPropertyStatus).Value; got != "CANCELLED" {
		t.Errorf("status %q", got)
	}
	if got := evs[1].GetProperty(ics.ComponentPropertySequence).Value; got != "1" {
		t.Errorf("cancelled meeting's sequence %q", got)
	}
	if got := evs[0].GetProperty(ics.ComponentPropertyUniqueId).Value; got != "meeting-1@goeswell" {
		t.Errorf("uid %q", got)
	}
	// Round trip: what we parse serializes to what we wrote.
	if again := cal.Serialize(); again != out {
		t.Errorf("round trip differs:\n%s\n---\n%s", out, again)
	}
}

func TestParseSignIn(t *testing.T) {
	known := func(e string) bool { return strings.HasSuffix(e, "@example.org") }
	good := "Email,Status,Agreed_On,Agreed_With,Alternative\nrosa@example.org,In person,,,\ntom@example.org,apologies,2026-02-10,FFI and DPH,Recording and reflection\n\nmai@example.org,virtual,,,\n"
	rows, err := ParseSignIn(strings.NewReader(good), known)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0].Status != InPerson || rows[1].AgreedOn.String() != "2026-02-10" || rows[1].AgreedWith != "FFI and DPH" || rows[1].Alternative != "Recording and reflection" || rows[2].Line != 5 {
		t.Errorf("rows %+v", rows)
	}
	// Row 6: a date alone is not an agreement (issue 14): who agreed and
	// what the alternative is are asked for, by column.
	bad := "email,status,agreed_on\nrosa@example.org,maybe,\nnobody@elsewhere.net,virtual,\nrosa@example.org,absent,10/02/2026\ntom@example.org,in_person,2026-02-01\nmai@example.org,apologies,2026-02-01\n"
	_, err = ParseSignIn(strings.NewReader(bad), known)
	var ie *ImportError
	if !errors.As(err, &ie) {
		t.Fatalf("err %v", err)
	}
	want := []RowError{
		{2, "status", "engagement.import.bad_status"},
		{3, "email", "engagement.import.unknown_person"},
		{4, "email", "engagement.import.duplicate"},
		{4, "agreed_on", "error.date"},
		{5, "agreed_on", "engagement.error.agreed_but_attended"},
		{6, "agreed_with", "partnership.error.agreed_with"},
		{6, "alternative", "partnership.error.alternative"},
	}
	if len(ie.Rows) != len(want) {
		t.Fatalf("errors %v", ie.Rows)
	}
	for i := range want {
		if ie.Rows[i] != want[i] {
			t.Errorf("error %d: %v, want %v", i, ie.Rows[i], want[i])
		}
	}
	_, err = ParseSignIn(bytes.NewReader([]byte("name,when\nx,y\n")), known)
	if !errors.As(err, &ie) || len(ie.Rows) != 2 || ie.Rows[0].Key != "engagement.import.missing_column" {
		t.Errorf("missing columns: %v", err)
	}
}

func TestSeriesRules(t *testing.T) {
	start, end := date("2026-01-01"), date("2027-06-30")
	base := func(rule string) *Series {
		return &Series{Details: Details{Kind: KindCoaching, Title: "Coaching", TimeZone: boston, DurationMin: 60, Audience: AudienceAllTeams},
			Rule: rule, First: at("2026-01-01 10:00", boston)}
	}
	// The third Tuesday of every month, 18 of them.
	s := base("RRULE:FREQ=MONTHLY;BYDAY=3TU")
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	ts, err := s.Occurrences(start, end)
	if err != nil || len(ts) != 18 {
		t.Fatalf("third Tuesdays: %d, %v", len(ts), err)
	}
	for _, x := range ts {
		if x.Weekday() != time.Tuesday || x.Day() < 15 || x.Day() > 21 || x.Hour() != 10 {
			t.Errorf("not a third Tuesday at 10:00: %s", x)
		}
	}
	// A COUNT ends a series before the collaborative does: three convenings.
	s = base("FREQ=MONTHLY;INTERVAL=4;COUNT=3")
	if ts, _ := s.Occurrences(start, end); len(ts) != 3 {
		t.Errorf("three convenings: %d", len(ts))
	}
	for _, bad := range []string{"", "GARBAGE", "FREQ=MONTHLY;DTSTART=20260101T000000Z"} {
		if err := base(bad).Validate(); err == nil {
			t.Errorf("rule %q accepted", bad)
		}
	}
	if _, err := base("FREQ=HOURLY").Occurrences(start, end); err == nil {
		t.Error("an hourly series over 18 months was not refused")
	}
	// each_team makes one meeting per team per occurrence.
	s = base("FREQ=MONTHLY;COUNT=2")
	s.Audience = AudienceEachTeam
	ms, err := s.Meetings(start, end, []int64{1, 2, 3})
	if err != nil || len(ms) != 6 || ms[0].Audience != AudienceOneTeam || ms[1].TeamIDs[0] != 2 {
		t.Errorf("each team: %d meetings, %v", len(ms), err)
	}
}

// TestCohort sums teams' months for the funder report: a team that had
// not joined adds nothing to a month (not even to the count of teams), an
// agreed alternative is counted apart from a miss, and hours are placed
// against the range only in months that are over.
func TestCohort(t *testing.T) {
	start, end := date("2026-01-01"), date("2026-12-31")
	asOf := at("2026-03-10 12:00", "UTC")
	full := []collab.Member{{UserID: 1, Role: collab.RoleDirector}, {UserID: 2, Role: collab.RoleDirectService}}
	early := &collab.Team{ID: 1, Active: true, Members: full, JoinedOn: start}
	late := &collab.Team{ID: 2, Active: true, Members: full, JoinedOn: date("2026-02-15")}
	m := func(id int64, day string) *Meeting {
		return &Meeting{ID: id, Details: Details{Kind: KindAllTeams, Title: "M", TimeZone: "UTC", DurationMin: 60, Audience: AudienceAllTeams}, StartsAt: at(day+" 10:00", "UTC")}
	}
	tcs := Compute(Input{Policy: collab.DefaultPolicy(), Settings: DefaultSettings(), Start: start, End: end, AsOf: asOf, Teams: []*collab.Team{early, late},
		Meetings: []*Meeting{m(1, "2026-01-10"), m(2, "2026-02-20")},
		Attendance: []Attendance{{MeetingID: 1, TeamID: 1, UserID: 1, Status: InPerson},
			{MeetingID: 2, TeamID: 1, UserID: 1, Status: Apologies, AgreedOn: date("2026-02-01"), AgreedWith: "FFI and DPH", Alternative: "Recording"}},
		Activities: []Activity{{TeamID: 1, Month: start, Hours: 5}, {TeamID: 1, Month: date("2026-02-01"), Hours: 2}, {TeamID: 2, Month: date("2026-02-01"), Hours: 1}}})
	got := Cohort(tcs, start, date("2026-02-28"))
	want := []CohortMonth{
		{Month: start, Teams: 1, Meetings: 1, Covered: 1, Hours: 5, Within: 1},
		{Month: date("2026-02-01"), Teams: 2, Meetings: 2, Excused: 1, Missed: 1, Hours: 3, Below: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("month %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestSeriesKeepWeekday: a quarterly series first held on the second
// Thursday stays on second Thursdays (the series drifted to
// Wednesdays by keeping the date); a fifth Thursday becomes the last; a
// rule that names its day, and a weekly one, are kept as typed.
func TestSeriesKeepWeekday(t *testing.T) {
	start, end := date("2026-01-01"), date("2027-06-30")
	mk := func(rule, first string) *Series {
		s := &Series{Details: Details{Kind: KindInPerson, Title: "Quarterly", TimeZone: boston, DurationMin: 360, Audience: AudienceAllTeams},
			Rule: rule, First: at(first, boston)}
		if err := s.Validate(); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, tc := range []struct {
		rule, first string
		wantRule    string
		min, max    int // the day of the month each meeting falls on
	}{
		{"FREQ=MONTHLY;INTERVAL=3", "2026-01-08 09:30", "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TH", 8, 14},
		{"FREQ=MONTHLY;INTERVAL=3", "2026-01-29 09:30", "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1TH", 22, 31},
		{"FREQ=MONTHLY;BYDAY=3TU", "2026-01-20 10:00", "FREQ=MONTHLY;BYDAY=3TU", 15, 21},
	} {
		s := mk(tc.rule, tc.first)
		if s.Rule != tc.wantRule {
			t.Errorf("%s from %s: rule %q, want %q", tc.rule, tc.first, s.Rule, tc.wantRule)
		}
		ts, err := s.Occurrences(start, end)
		if err != nil || len(ts) < 6 {
			t.Fatalf("%s: %d meetings, %v", tc.rule, len(ts), err)
		}
		wd := at(tc.first, boston).Weekday()
		for _, x := range ts {
			if x.Weekday() != wd || x.Day() < tc.min || x.Day() > tc.max || x.Hour() != at(tc.first, boston).Hour() {
				t.Errorf("%s: %s is not a %s between the %d and the %d at the same hour", tc.rule, x.Format("Mon 2006-01-02 15:04 MST"), wd, tc.min, tc.max)
			}
		}
	}
	if s := mk("FREQ=WEEKLY", "2026-01-08 09:30"); s.Rule != "FREQ=WEEKLY" {
		t.Errorf("a weekly rule became %q", s.Rule)
	}
}
