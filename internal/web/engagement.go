package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/csvout"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/remind"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// engagementRoutes are issue 5's: the calendar, attendance, activity
// hours, the participation dashboard, calendar feeds, compensation and
// feedback.
func (s *Server) engagementRoutes() []Route {
	return []Route{
		get("/c/{collab}/calendar", collab.PermCohortRead, s.calendarPage),
		post("/c/{collab}/meetings", collab.PermCollabManage, s.meetingCreate),
		get("/c/{collab}/meetings/{meeting}", collab.PermCohortRead, s.meetingPage),
		post("/c/{collab}/meetings/{meeting}", collab.PermMeetingCofacilitate, s.meetingUpdate),
		get("/c/{collab}/meetings/{meeting}/ics", collab.PermCohortRead, s.meetingICS),
		post("/c/{collab}/meetings/{meeting}/attendance", collab.PermMeetingCofacilitate, s.attendanceSave),
		post("/c/{collab}/meetings/{meeting}/attendance/import", collab.PermMeetingCofacilitate, s.attendanceImport),
		post("/c/{collab}/teams/{team}/meetings/{meeting}/attendance", collab.PermTeamManage, s.attendanceSave),
		post("/c/{collab}/meetings/{meeting}/feedback", collab.PermCollabCohort, s.feedbackSave),
		get("/c/{collab}/feedback", collab.PermFeedbackRead, s.feedbackPage),
		get("/c/{collab}/participation", collab.PermCollabOversee, s.participationPage),
		post("/c/{collab}/participation/settings", collab.PermCollabManage, s.participationSettings),
		get("/c/{collab}/teams/{team}/participation", collab.PermTeamRead, s.teamParticipationPage),
		post("/c/{collab}/teams/{team}/activities", collab.PermTeamWrite, s.activityCreate),
		post("/c/{collab}/teams/{team}/activities/{activity}/delete", collab.PermTeamWrite, s.activityDelete),
		get("/c/{collab}/compensation", collab.PermCollabManage, s.compensationPage),
		post("/c/{collab}/compensation/rates", collab.PermCollabManage, s.rateSave),
		post("/c/{collab}/compensation/accrue", collab.PermCollabManage, s.stipendsAccrue),
		post("/c/{collab}/compensation/reimbursements", collab.PermCollabManage, s.reimbursementCreate),
		post("/c/{collab}/compensation/paid", collab.PermCollabManage, s.paidMark),
		get("/c/{collab}/compensation/owed.csv", collab.PermCollabManage, s.owedCSV),
		post("/account/calendar-feed", collab.PermSignedIn, s.feedCreate),
		post("/account/calendar-feed/delete", collab.PermSignedIn, s.feedDelete),
		get("/feeds/{token}/calendar.ics", collab.PermPublic, s.feedICS),

		apiGet("/collaboratives/{collab}/meetings", collab.PermCohortRead, s.apiMeetings),
		apiDo("PUT", "/collaboratives/{collab}/meetings/{meeting}/attendance", collab.PermMeetingCofacilitate, s.apiAttendance),
		apiGet("/collaboratives/{collab}/participation", collab.PermCollabOversee, s.apiParticipation),
		apiDo("POST", "/collaboratives/{collab}/teams/{team}/activities", collab.PermTeamWrite, s.apiActivityCreate),
	}
}

// StartReminders runs the reminder loop (meeting reminders and the
// monthly data deadline) in the background until ctx ends; it does
// nothing when SMTP is not configured. Every replica may call it: each
// reminder is claimed in the database, so it goes once.
func (s *Server) StartReminders(ctx context.Context) {
	remind.New(remind.Config{DB: s.db, Mailer: s.mailer, Logger: s.log, BaseURL: s.baseURL}).Start(ctx)
}

// isCoach reports whether the actor sees every team's meetings and their
// feedback: conveners, coaches and state co-leads (who read them as the
// convener does).
func isCoach(rc *reqCtx) bool {
	return collab.Authorize(rc.Actor, collab.PermCollabOversee, rc.Collab.ID, 0) == collab.Allow
}

// seesAllMeetings reports whether the actor's roles read the whole
// calendar (cohort.read, or co-facilitating meetings), not only their
// teams' meetings.
func seesAllMeetings(rc *reqCtx) bool {
	c := rc.Collab.ID
	return isCoach(rc) || rc.Actor.Can(c, collab.CapCohortRead) || rc.Actor.Can(c, collab.CapMeetingCofacilitate)
}

// canCofacilitate reports whether the actor edits meetings and records
// their attendance (meeting.cofacilitate: conveners by default).
func canCofacilitate(rc *reqCtx) bool {
	return collab.Authorize(rc.Actor, collab.PermMeetingCofacilitate, rc.Collab.ID, 0) == collab.Allow
}

func isConvener(rc *reqCtx) bool {
	return collab.Authorize(rc.Actor, collab.PermCollabManage, rc.Collab.ID, 0) == collab.Allow
}

// myTeams are the actor's teams in the path's collaborative.
func myTeams(rc *reqCtx) []int64 {
	var out []int64
	for tid, m := range rc.Actor.Teams {
		if m.CollaborativeID == rc.Collab.ID {
			out = append(out, tid)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// visibleMeetings lists the meetings the actor may see: all for coaches
// and conveners, their teams' for team members.
func (s *Server) visibleMeetings(r *http.Request, rc *reqCtx) ([]*engage.Meeting, error) {
	ctx := r.Context()
	if seesAllMeetings(rc) {
		return s.db.Meetings(ctx, rc.Collab.ID, sqlstore.MeetingFilter{Cancelled: true})
	}
	seen := map[int64]bool{}
	var out []*engage.Meeting
	for _, tid := range myTeams(rc) {
		ms, err := s.db.Meetings(ctx, rc.Collab.ID, sqlstore.MeetingFilter{TeamID: tid, Cancelled: true})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, m)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartsAt.Before(out[j].StartsAt) })
	return out, nil
}

// loadMeeting finds the path's meeting within the collaborative; a team
// member may open only their teams' meetings (others are not found).
func (s *Server) loadMeeting(r *http.Request, rc *reqCtx) (*engage.Meeting, error) {
	id, err := pathID(r.PathValue("meeting"))
	if err != nil {
		return nil, err
	}
	m, err := s.db.FindMeeting(r.Context(), rc.Collab.ID, id)
	if err != nil {
		return nil, err
	}
	if rc.Team != nil {
		if !m.ForTeam(rc.Team.ID) {
			return nil, fmt.Errorf("meeting %d is not for team %d: %w", id, rc.Team.ID, collab.ErrNotFound)
		}
		return m, nil
	}
	if seesAllMeetings(rc) {
		return m, nil
	}
	for _, tid := range myTeams(rc) {
		if m.ForTeam(tid) {
			return m, nil
		}
	}
	return nil, fmt.Errorf("meeting %d: %w", id, collab.ErrNotFound)
}

type calendarPage struct {
	basePage
	Upcoming, Past []*engage.Meeting
	TeamNames      map[int64]string
	Teams          []*collab.Team
	Manager        bool
	Kinds          []engage.Kind
	Audiences      []engage.Audience
	Cadences       []string
	HasFeed        bool
	FeedURL        string
	DefaultTZ      string
	// Groups are the collaborative's groups, whose meetings a meeting
	// may be (the steering committee's).
	Groups []*collab.Group
	// Preview lists the dates a series would make, in its time zone,
	// before it is created (the form's "Preview the dates").
	Preview []time.Time
	// PreviewTotal counts them all when Preview shows only the first.
	PreviewTotal int
	// View is the view, month and team asked for; Weeks the month view's
	// table; FilterTeams the teams the reader may filter by.
	View        calendarView
	Weeks       [][]dayCell
	FilterTeams []*collab.Team
}

// Audience describes a meeting's audience with its team names.
func (p *calendarPage) Audience(m *engage.Meeting) string {
	return audienceLabel(p.basePage, m, p.TeamNames)
}

func audienceLabel(p basePage, m *engage.Meeting, names map[int64]string) string {
	var ns []string
	for _, id := range m.TeamIDs {
		ns = append(ns, names[id])
	}
	if len(ns) == 0 {
		return p.T("engagement.audience." + string(m.Audience))
	}
	return strings.Join(ns, ", ")
}

// timeZones are the IANA zones the meeting forms offer: the United
// States' first (where seed 000's collaboratives meet), then others a
// collaborative's partners may be in. A meeting stored with another valid
// zone keeps it (TimeZones adds it to the list).
var timeZones = []string{"America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
	"America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "UTC", "America/Toronto", "America/Vancouver", "America/Mexico_City",
	"America/Sao_Paulo", "Europe/London", "Europe/Dublin", "Europe/Paris", "Europe/Berlin", "Africa/Johannesburg", "Africa/Nairobi",
	"Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland"}

// TimeZones lists the zones of the meeting forms, with cur (the meeting's
// or the typed one) if it is not among them.
func (p basePage) TimeZones(cur string) []string {
	if cur == "" || slices.Contains(timeZones, cur) {
		return timeZones
	}
	return append([]string{cur}, timeZones...)
}

// ZoneLabel names a zone for people: its IANA name, readable, with its
// offset from UTC now ("America/New York (UTC-05:00)").
func (p basePage) ZoneLabel(name string) string {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return name
	}
	return strings.ReplaceAll(name, "_", " ") + " (UTC" + time.Now().In(loc).Format("-07:00") + ")"
}

func (s *Server) calendarData(r *http.Request, rc *reqCtx) (*calendarPage, error) {
	ctx := r.Context()
	p := &calendarPage{basePage: s.base(r, rc, "engagement.calendar.title"), Manager: isConvener(rc), Kinds: engage.Kinds, Audiences: engage.SeriesAudiences,
		Cadences: []string{"once", "weekly", "monthly", "bimonthly", "quarterly", "custom"}, TeamNames: map[int64]string{}, DefaultTZ: "UTC"}
	ms, err := s.visibleMeetings(r, rc)
	if err != nil {
		return nil, err
	}
	if p.Manager {
		if p.Groups, err = s.db.Groups(r.Context(), rc.Collab.ID); err != nil {
			return nil, err
		}
	}
	now := s.db.Now()
	for _, m := range ms {
		p.DefaultTZ = m.TimeZone
	}
	if p.View, err = parseCalendarView(r.URL.Query(), p.readerToday(now, p.DefaultTZ)); err != nil {
		return nil, err
	}
	if p.Teams, err = s.db.Teams(ctx, rc.Collab.ID, sqlstore.TeamFilter{}); err != nil {
		return nil, err
	}
	mine := myTeams(rc)
	for _, t := range p.Teams {
		p.TeamNames[t.ID] = t.Name
		if seesAllMeetings(rc) || slices.Contains(mine, t.ID) {
			p.FilterTeams = append(p.FilterTeams, t)
		}
	}
	if p.View.Team != 0 && !slices.ContainsFunc(p.FilterTeams, func(t *collab.Team) bool { return t.ID == p.View.Team }) {
		return nil, fmt.Errorf("calendar of team %d: %w", p.View.Team, collab.ErrNotFound)
	}
	ms = filterTeam(ms, p.View.Team)
	for _, m := range ms {
		if m.EndsAt().After(now) {
			p.Upcoming = append(p.Upcoming, m)
		} else {
			p.Past = append([]*engage.Meeting{m}, p.Past...)
		}
	}
	if p.View.Month {
		p.Weeks = monthWeeks(p.View.First, p.readerToday(now, p.DefaultTZ), ms, func(m *engage.Meeting) collab.Date {
			return collab.DateOf(m.StartsAt.In(p.meetingZone(m)))
		})
	}
	if p.HasFeed, err = s.db.HasCalendarFeed(ctx, rc.Actor.UserID); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.calendarData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "calendar", p)
}

// meetingDetails reads the shared meeting fields of a form; parse errors
// go into v.
func meetingDetails(f url.Values, v *collab.Validation) (engage.Details, time.Time) {
	d := engage.Details{Kind: engage.Kind(f.Get("kind")), Title: f.Get("title"), TimeZone: strings.TrimSpace(f.Get("timeZone")),
		Location: f.Get("location"), VideoURL: f.Get("videoURL"), Agenda: strings.TrimSpace(f.Get("agenda")), Materials: strings.TrimSpace(f.Get("materials")),
		Audience: engage.Audience(f.Get("audience")), GroupID: formID(f, "group")}
	if dur, err := strconv.Atoi(strings.TrimSpace(f.Get("duration"))); err != nil {
		v.Add("duration", "error.whole_number")
	} else {
		d.DurationMin = dur
	}
	for _, t := range f["teams"] {
		if id, err := strconv.ParseInt(t, 10, 64); err == nil {
			d.TeamIDs = append(d.TeamIDs, id)
		}
	}
	var start time.Time
	if f.Get("date") == "" {
		v.Add("date", "error.required")
	} else if t, err := time.ParseInLocation("2006-01-02 15:04", f.Get("date")+" "+strings.TrimSpace(f.Get("time")), d.Loc()); err != nil {
		v.Add("date", "engagement.error.date_time")
	} else {
		start = t
	}
	return d, start
}

func addErrs(v *collab.Validation, err error) {
	for k, m := range collab.FieldErrors(err) {
		v.Add(k, m)
	}
}

func (s *Server) meetingCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	v := collab.NewValidation()
	d, start := meetingDetails(f, v)
	ctx := r.Context()
	var target string
	switch cad := f.Get("cadence"); cad {
	case "once", "":
		m := &engage.Meeting{CollaborativeID: rc.Collab.ID, Details: d, StartsAt: start}
		addErrs(v, m.Validate())
		if v.Err() == nil && f.Get("action") == "preview" {
			p, err := s.calendarData(r, rc)
			if err != nil {
				return err
			}
			p.Form, p.PreviewTotal, p.Preview = f, 1, []time.Time{m.Local()}
			return s.render(w, http.StatusOK, "calendar", p)
		}
		if v.Err() == nil {
			if err := s.db.CreateMeeting(ctx, rc.who(), m); err != nil {
				addErrs(v, err)
				if collab.FieldErrors(err) == nil {
					return err
				}
			}
			target = fmt.Sprintf("/c/%d/meetings/%d", rc.Collab.ID, m.ID)
		}
	default:
		rule := engage.CadenceRule(cad)
		if cad == "custom" {
			rule = f.Get("rule")
		}
		se := &engage.Series{CollaborativeID: rc.Collab.ID, Details: d, Rule: rule, First: start}
		addErrs(v, se.Validate())
		if v.Err() == nil && f.Get("action") == "preview" {
			// Nothing is stored: the form comes back as typed, with the
			// dates the series would make.
			times, err := se.Occurrences(rc.Collab.StartDate, rc.Collab.EndDate)
			if err != nil {
				v.Add("rule", "engagement.error.rule")
			} else {
				p, err := s.calendarData(r, rc)
				if err != nil {
					return err
				}
				p.Form, p.PreviewTotal = f, len(times)
				for _, t := range times[:min(len(times), 60)] {
					p.Preview = append(p.Preview, t.In(se.Loc()))
				}
				return s.render(w, http.StatusOK, "calendar", p)
			}
		}
		if v.Err() == nil {
			if _, err := s.db.CreateSeries(ctx, rc.who(), rc.Collab, se); err != nil {
				addErrs(v, err)
				if collab.FieldErrors(err) == nil {
					return err
				}
			}
			target = fmt.Sprintf("/c/%d/calendar", rc.Collab.ID)
		}
	}
	if err := v.Err(); err != nil {
		p, perr := s.calendarData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, collab.FieldErrors(err)
		return s.render(w, http.StatusUnprocessableEntity, "calendar", p)
	}
	return s.redirect(w, r, target, "flash.created")
}

// AttendanceRow is one invitee's line of the attendance form.
type AttendanceRow struct {
	sqlstore.Invitee
	Status                  engage.Status
	AgreedOn                string
	AgreedWith, Alternative string
}

type meetingPage struct {
	basePage
	M        *engage.Meeting
	Audience string
	// Manager: the actor co-facilitates (edits the meeting, records
	// everyone's attendance); Coach: sees every team's attendance;
	// FeedbackText: reads what people wrote.
	Manager      bool
	Coach        bool
	FeedbackText bool
	Teams        []*collab.Team
	Kinds        []engage.Kind
	Audiences    []engage.Audience
	Statuses     []engage.Status
	// Rows are the attendance rows the viewer may see; Editable says
	// whether they may record them, and where the form posts.
	Rows       []AttendanceRow
	Editable   bool
	FormAction string
	// Held: the meeting has started, so feedback is open.
	Held        bool
	MyFeedback  *engage.Feedback
	CanFeedback bool
	Feedback    []engage.Feedback
	Helpful     int
	// ImportErrors are a sign-in sheet's problems, by row and column.
	ImportErrors []engage.RowError
	// People are the people without accounts the convener records;
	// PeopleCame is how many came, for everyone else.
	People     []PersonRow
	PeopleCame learning.Count
	// Groups are the collaborative's groups, for the form; Group is the
	// meeting's, with the items Recorded at this meeting and the earlier
	// actions it follows up; Staff may record and follow them up.
	Groups    []*collab.Group
	Group     *collab.Group
	Recorded  []*collab.GroupItem
	FollowUps []*collab.GroupItem
	Staff     bool
	// GroupStatuses are an action's statuses, for the follow-up form.
	GroupStatuses []collab.ItemStatus
	// Scopes are the edit form's "Apply the changes to" choices, for a
	// meeting of a series.
	Scopes []engage.EditScope
}

// RowStatus is a row's status as typed after an error, else as stored.
func (p *meetingPage) RowStatus(row AttendanceRow) string {
	return p.Val(fmt.Sprint("status-", row.UserID), string(row.Status))
}

// loadTopics fills in the learning-agenda topics scheduled into (or
// covered at) a meeting, for its page and its .ics.
func (s *Server) loadTopics(r *http.Request, rc *reqCtx, m *engage.Meeting) error {
	ts, err := s.db.Topics(r.Context(), rc.Collab.ID, rc.Actor.UserID)
	if err != nil {
		return err
	}
	m.Topics = nil
	for _, t := range ts {
		if t.MeetingID == m.ID && (t.Status == learning.TopicScheduled || t.Status == learning.TopicCovered) {
			m.Topics = append(m.Topics, t.Title)
		}
	}
	return nil
}

func (s *Server) meetingData(r *http.Request, rc *reqCtx, m *engage.Meeting) (*meetingPage, error) {
	ctx := r.Context()
	if err := s.loadTopics(r, rc, m); err != nil {
		return nil, err
	}
	p := &meetingPage{basePage: s.base(r, rc, "engagement.meeting.title"), M: m, Manager: canCofacilitate(rc), Coach: isCoach(rc),
		FeedbackText: collab.Authorize(rc.Actor, collab.PermFeedbackRead, rc.Collab.ID, 0) == collab.Allow,
		Kinds:        engage.Kinds, Audiences: engage.Audiences, Statuses: engage.Statuses, Held: !m.StartsAt.After(s.db.Now()), Scopes: engage.EditScopes}
	p.Title = m.Title
	teams, err := s.db.Teams(ctx, rc.Collab.ID, sqlstore.TeamFilter{})
	if err != nil {
		return nil, err
	}
	p.Teams = teams
	names := map[int64]string{}
	for _, t := range teams {
		names[t.ID] = t.Name
	}
	p.Audience = audienceLabel(p.basePage, m, names)
	inv, err := s.db.Invitees(ctx, m)
	if err != nil {
		return nil, err
	}
	att, err := s.db.Attendance(ctx, rc.Collab.ID, m.ID)
	if err != nil {
		return nil, err
	}
	byUser := map[int64]engage.Attendance{}
	for _, a := range att {
		byUser[a.UserID] = a
	}
	// Which rows the viewer sees: coaches all; a team member their own
	// team's. Which they may edit: conveners all; a director their team's.
	mine := map[int64]bool{}
	for _, t := range myTeams(rc) {
		mine[t] = true
	}
	lead := 0
	for tid := range mine {
		if rc.Actor.Teams[tid].Role.Manages() && m.ForTeam(tid) {
			lead = int(tid)
		}
	}
	for _, i := range inv {
		if !p.Coach && !p.Manager && !mine[i.TeamID] {
			continue
		}
		a := byUser[i.UserID]
		p.Rows = append(p.Rows, AttendanceRow{Invitee: i, Status: a.Status, AgreedOn: a.AgreedOn.String(), AgreedWith: a.AgreedWith, Alternative: a.Alternative})
	}
	switch {
	case p.Manager:
		p.Editable, p.FormAction = true, fmt.Sprintf("/c/%d/meetings/%d/attendance", rc.Collab.ID, m.ID)
	case lead != 0:
		p.Editable, p.FormAction = true, fmt.Sprintf("/c/%d/teams/%d/meetings/%d/attendance", rc.Collab.ID, lead, m.ID)
		var rows []AttendanceRow
		for _, row := range p.Rows {
			if row.TeamID == int64(lead) {
				rows = append(rows, row)
			}
		}
		p.Rows = rows
	}
	if a, ok := byUser[rc.Actor.UserID]; ok && a.Status.Attended() {
		p.CanFeedback = true
	}
	fb, err := s.db.Feedback(ctx, rc.Collab.ID, m.ID)
	if err != nil {
		return nil, err
	}
	for i := range fb {
		if fb[i].UserID == rc.Actor.UserID {
			p.MyFeedback = &fb[i]
		}
		if fb[i].Helpful {
			p.Helpful++
		}
	}
	if p.FeedbackText {
		p.Feedback = fb
	}
	if err := s.meetingPeopleAndGroup(r, rc, p); err != nil {
		return nil, err
	}
	return p, nil
}

// meetingPeopleAndGroup adds to a meeting's page the people without
// accounts (for the convener to record), and, for a group's meeting, the
// items recorded at it and the group's earlier open actions to follow up.
func (s *Server) meetingPeopleAndGroup(r *http.Request, rc *reqCtx, p *meetingPage) error {
	ctx := r.Context()
	m := p.M
	var err error
	if p.Groups, err = s.db.Groups(ctx, rc.Collab.ID); err != nil {
		return err
	}
	if p.Manager {
		people, err := s.db.CommunityPeople(ctx, rc.Collab.ID)
		if err != nil {
			return err
		}
		att, err := s.db.PersonAttendance(ctx, rc.Collab.ID, m.ID)
		if err != nil {
			return err
		}
		status := map[int64]engage.Status{}
		for _, a := range att {
			status[a.PersonID] = a.Status
		}
		for _, pe := range people {
			if !pe.HasAccount() {
				p.People = append(p.People, PersonRow{CommunityPerson: pe, Status: status[pe.ID]})
			}
		}
	} else if att, err := s.db.PersonAttendance(ctx, rc.Collab.ID, m.ID); err != nil {
		return err
	} else {
		// Others see how many came without an account: counted, not
		// named, and the count is about people, so a small one is hidden
		// by the one disclosure rule.
		n := 0
		for _, a := range att {
			if a.Status.Attended() {
				n++
			}
		}
		k, err := s.db.SuppressionThreshold(ctx, rc.Collab.ID)
		if err != nil {
			return err
		}
		p.PeopleCame = learning.Count{N: int64(n), Suppressed: n > 0 && n < k}
	}
	for _, g := range p.Groups {
		if g.ID != m.GroupID {
			continue
		}
		p.Group, p.Staff, p.GroupStatuses = g, rc.can(collab.PermCollabCoach), collab.ItemStatuses
		day := m.Day()
		for _, it := range g.Items {
			switch {
			case it.MeetingID == m.ID:
				p.Recorded = append(p.Recorded, it)
			case it.Kind == collab.ItemAction && !it.CreatedOn.After(day):
				// An action from before this meeting: open ones to follow
				// up, and the ones followed up since, with what was said.
				if it.Status == collab.ItemOpen || it.FollowUp != "" {
					p.FollowUps = append(p.FollowUps, it)
				}
			}
		}
	}
	return nil
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, err := s.loadMeeting(r, rc)
	if err != nil {
		return err
	}
	p, err := s.meetingData(r, rc, m)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "meeting", p)
}

func (s *Server) meetingUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	old, err := s.loadMeeting(r, rc)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	v := collab.NewValidation()
	d, start := meetingDetails(f, v)
	m := &engage.Meeting{ID: old.ID, CollaborativeID: rc.Collab.ID, Details: d, StartsAt: start, Cancelled: f.Get("cancelled") != ""}
	addErrs(v, m.Validate())
	scope := engage.EditScope(f.Get("scope"))
	if scope == "" {
		scope = engage.ScopeThis
	}
	if !scope.Valid() || (scope != engage.ScopeThis && old.SeriesID == 0) {
		v.Add("scope", "error.invalid_choice")
	}
	flash := "flash.saved"
	if v.Err() == nil {
		var err error
		if scope == engage.ScopeThis {
			err = s.db.UpdateMeeting(r.Context(), rc.who(), m)
		} else {
			_, err = s.db.UpdateSeriesMeetings(r.Context(), rc.who(), m, scope)
			flash = "flash.series_saved"
		}
		if err != nil {
			if collab.FieldErrors(err) == nil {
				return err
			}
			addErrs(v, err)
		}
	}
	if err := v.Err(); err != nil {
		p, perr := s.meetingData(r, rc, old)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, collab.FieldErrors(err)
		return s.render(w, http.StatusUnprocessableEntity, "meeting", p)
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/meetings/%d", rc.Collab.ID, m.ID), flash)
}

func (s *Server) meetingICS(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, err := s.loadMeeting(r, rc)
	if err != nil {
		return err
	}
	if err := s.loadTopics(r, rc, m); err != nil {
		return err
	}
	body := engage.ICS(rc.Collab.Name, []*engage.Meeting{m}, s.baseURL, s.db.Now())
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="meeting-%d.ics"`, m.ID))
	w.Header().Set("Cache-Control", "no-store")
	// #nosec G705 -- text/calendar written by the iCalendar library (nosniff is set), not HTML.
	_, err = io.WriteString(w, body)
	return err
}

// attendanceSave records the attendance form: a convener for everyone, a
// team lead (under the team's path) for their own team.
func (s *Server) attendanceSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, err := s.loadMeeting(r, rc)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	v := collab.NewValidation()
	var recs []engage.Attendance
	for _, u := range f["user"] {
		uid, err := strconv.ParseInt(u, 10, 64)
		if err != nil {
			continue
		}
		a := engage.Attendance{UserID: uid, Status: engage.Status(f.Get("status-" + u)), AgreedWith: f.Get("agreedWith-" + u), Alternative: f.Get("alternative-" + u)}
		if d, err := collab.ParseDate(f.Get("agreedOn-" + u)); err != nil {
			v.Add("agreedOn-"+u, "error.date")
		} else {
			a.AgreedOn = d
		}
		recs = append(recs, a)
	}
	var team int64
	if rc.Team != nil {
		team = rc.Team.ID
	}
	if v.Err() == nil {
		if err := s.db.SetAttendance(r.Context(), rc.who(), rc.Collab.ID, m.ID, team, recs); err != nil {
			if collab.FieldErrors(err) == nil {
				return err
			}
			addErrs(v, err)
		}
	}
	if err := v.Err(); err != nil {
		p, perr := s.meetingData(r, rc, m)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, collab.FieldErrors(err)
		return s.render(w, http.StatusUnprocessableEntity, "meeting", p)
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/meetings/%d", rc.Collab.ID, m.ID), "flash.saved")
}

// attendanceImport records a meeting's attendance from a sign-in sheet
// CSV: all rows or none, with every problem shown by row and column.
func (s *Server) attendanceImport(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, err := s.loadMeeting(r, rc)
	if err != nil {
		return err
	}
	ctx := r.Context()
	inv, err := s.db.Invitees(ctx, m)
	if err != nil {
		return err
	}
	byEmail := map[string]int64{}
	for _, i := range inv {
		byEmail[collab.NormalizeEmail(i.Email)] = i.UserID
	}
	var rows []engage.SignInRow
	file, _, ferr := r.FormFile("sheet")
	if ferr != nil {
		var mbe *http.MaxBytesError
		if errors.As(ferr, &mbe) {
			return ferr
		}
		err = &engage.ImportError{Rows: []engage.RowError{{Row: 0, Column: "", Key: "engagement.import.no_file"}}}
	} else {
		defer file.Close()
		rows, err = engage.ParseSignIn(file, func(e string) bool { _, ok := byEmail[e]; return ok })
	}
	var ie *engage.ImportError
	if err == nil {
		recs := make([]engage.Attendance, 0, len(rows))
		for _, row := range rows {
			recs = append(recs, engage.Attendance{UserID: byEmail[row.Email], Status: row.Status, AgreedOn: row.AgreedOn, AgreedWith: row.AgreedWith, Alternative: row.Alternative})
		}
		err = s.db.SetAttendance(ctx, rc.who(), rc.Collab.ID, m.ID, 0, recs)
		if fe := collab.FieldErrors(err); fe != nil {
			ie = &engage.ImportError{}
			for k, msg := range fe {
				ie.Rows = append(ie.Rows, engage.RowError{Column: k, Key: msg})
			}
			err = ie
		}
	}
	if errors.As(err, &ie) {
		p, perr := s.meetingData(r, rc, m)
		if perr != nil {
			return perr
		}
		p.ImportErrors = ie.Rows
		p.Errors = map[string]string{"sheet": "engagement.import.failed"}
		return s.render(w, http.StatusUnprocessableEntity, "meeting", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/meetings/%d", rc.Collab.ID, m.ID), "engagement.flash.imported")
}

func (s *Server) feedbackSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, err := s.loadMeeting(r, rc)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	fb := &engage.Feedback{MeetingID: m.ID, UserID: rc.Actor.UserID, Comment: f.Get("comment")}
	switch f.Get("helpful") {
	case "yes":
		fb.Helpful = true
	case "no":
	default:
		err = &collab.ValidationError{Fields: map[string]string{"helpful": "error.invalid_choice"}}
	}
	if err == nil {
		err = s.db.SaveFeedback(r.Context(), rc.who(), rc.Collab.ID, fb)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.meetingData(r, rc, m)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "meeting", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/meetings/%d", rc.Collab.ID, m.ID), "engagement.flash.thanks")
}

// FeedbackRow is one meeting's answers.
type FeedbackRow struct {
	M              *engage.Meeting
	Answers        int
	Helpful        int
	Comments       []engage.Feedback
	HelpfulPercent int
}

// FeedbackMonth is a month's answers, for the trend over time.
type FeedbackMonth struct {
	Month                            collab.Date
	Answers, Helpful, HelpfulPercent int
}

type feedbackPage struct {
	basePage
	Rows   []FeedbackRow
	Months []FeedbackMonth
	Total  FeedbackRow
}

func (s *Server) feedbackPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	fb, err := s.db.Feedback(ctx, rc.Collab.ID, 0)
	if err != nil {
		return err
	}
	ms, err := s.db.Meetings(ctx, rc.Collab.ID, sqlstore.MeetingFilter{Cancelled: true})
	if err != nil {
		return err
	}
	by := map[int64]*FeedbackRow{}
	p := &feedbackPage{basePage: s.base(r, rc, "engagement.feedback.title")}
	for _, m := range ms {
		by[m.ID] = &FeedbackRow{M: m}
	}
	for _, f := range fb {
		row := by[f.MeetingID]
		if row == nil {
			continue
		}
		row.Answers++
		p.Total.Answers++
		if f.Helpful {
			row.Helpful++
			p.Total.Helpful++
		}
		if f.Comment != "" {
			row.Comments = append(row.Comments, f)
		}
	}
	for _, m := range ms {
		row := by[m.ID]
		if row.Answers == 0 {
			continue
		}
		row.HelpfulPercent = 100 * row.Helpful / row.Answers
		p.Rows = append(p.Rows, *row)
		t := m.Local()
		month := collab.NewDate(t.Year(), t.Month(), 1)
		if n := len(p.Months); n == 0 || p.Months[n-1].Month != month {
			p.Months = append(p.Months, FeedbackMonth{Month: month})
		}
		fm := &p.Months[len(p.Months)-1]
		fm.Answers += row.Answers
		fm.Helpful += row.Helpful
		fm.HelpfulPercent = 100 * fm.Helpful / fm.Answers
	}
	if p.Total.Answers > 0 {
		p.Total.HelpfulPercent = 100 * p.Total.Helpful / p.Total.Answers
	}
	return s.render(w, http.StatusOK, "feedback", p)
}

type participationPage struct {
	basePage
	Teams    []engage.TeamCompliance
	Months   []collab.Date
	Settings engage.Settings
	Manager  bool
	Policy   collab.Policy
	// Team is set on a team's own page, with its activities.
	Team       *collab.Team
	Activities []engage.Activity
	Kinds      []engage.ActivityKind
	Members    []collab.Member
	CanWrite   bool
	ThisMonth  string
	// Partial: only the last months are shown.
	Partial bool
	// Turnouts are the people at each held meeting, with and without an
	// account, on the collaborative's page (not a team's).
	Turnouts []turnoutRow
}

// RolesText says which required roles a team lacks, or that none is missing.
func (p basePage) RolesText(tc engage.TeamCompliance) string {
	if len(tc.MissingRoles) == 0 {
		return p.T("engagement.participation.roles_ok")
	}
	var out []string
	for _, r := range tc.MissingRoles {
		out = append(out, p.T("role."+string(r)))
	}
	return p.T("engagement.participation.roles_missing", strings.Join(out, ", "))
}

// StateReason translates a compliance reason.
func (p basePage) StateReason(r engage.Reason) string { return p.T(r.Key, r.Args...) }

// StateClass is the CSS class of a state.
func (p basePage) StateClass(s engage.State) string {
	switch s {
	case engage.OnTrack:
		return "ok"
	case engage.AtRisk:
		return "warn"
	}
	return "error"
}

// MonthLabel formats a month.
func (p basePage) MonthLabel(d collab.Date) string {
	return p.dates(nil).ShortMonth(d.Time().Year(), d.Time().Month())
}

// HoursText formats hours.
func (p basePage) HoursText(h float64) string { return strconv.FormatFloat(h, 'f', -1, 64) }

// MoneyText formats cents.
func (p basePage) MoneyText(c int64) string { return engage.FormatCents(c) }

func (s *Server) participationData(r *http.Request, rc *reqCtx) (*participationPage, error) {
	ctx := r.Context()
	p := &participationPage{basePage: s.base(r, rc, "engagement.participation.title"), Manager: isConvener(rc), Policy: rc.Collab.Policy,
		Kinds: engage.ActivityKinds, ThisMonth: collab.DateOf(s.db.Now()).String()[:7]}
	var err error
	if p.Settings, err = s.db.EngagementSettings(ctx, rc.Collab.ID); err != nil {
		return nil, err
	}
	tcs, ts, err := s.db.Participation(ctx, rc.Collab)
	if err != nil {
		return nil, err
	}
	for _, tc := range tcs {
		if rc.Team == nil || tc.Team.ID == rc.Team.ID {
			p.Teams = append(p.Teams, tc)
		}
	}
	// The dashboard shows the last six months unless asked for all.
	if r.URL.Query().Get("all") == "" {
		for i := range p.Teams {
			if n := len(p.Teams[i].Months); n > 6 {
				p.Teams[i].Months = p.Teams[i].Months[n-6:]
				p.Partial = true
			}
		}
	}
	if len(p.Teams) > 0 {
		for _, mc := range p.Teams[0].Months {
			p.Months = append(p.Months, mc.Month)
		}
	}
	if rc.Team == nil {
		if p.Turnouts, err = s.turnouts(r, rc, ts, p.Months); err != nil {
			return nil, err
		}
	}
	if rc.Team != nil {
		p.Team, p.Members = rc.Team, rc.Team.Members
		p.Title = rc.Team.Name
		p.CanWrite = collab.Authorize(rc.Actor, collab.PermTeamWrite, rc.Collab.ID, rc.Team.ID) == collab.Allow
		if p.Activities, err = s.db.Activities(ctx, rc.Collab.ID, rc.Team.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// turnouts are the people at the collaborative's held meetings ts in the
// months shown (all of them if months is empty), suppressed as a whole.
func (s *Server) turnouts(r *http.Request, rc *reqCtx, ts []engage.Turnout, months []collab.Date) ([]turnoutRow, error) {
	ctx := r.Context()
	if len(months) > 0 {
		first := months[0]
		ts = slices.DeleteFunc(ts, func(t engage.Turnout) bool { return t.Meeting.Day().Before(first) })
	}
	k, err := s.db.SuppressionThreshold(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	return meetingTurnouts(ts, k), nil
}

func (s *Server) participationPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.participationData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "participation", p)
}

func (s *Server) teamParticipationPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.participationData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "participation", p)
}

func (s *Server) participationSettings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	v := collab.NewValidation()
	var st engage.Settings
	for _, x := range []struct {
		name string
		dst  *int
	}{{"missesAtRisk", &st.MissesAtRisk}, {"missesOffTrack", &st.MissesOffTrack}, {"windowMonths", &st.WindowMonths}, {"shortMonthsOffTrack", &st.ShortMonthsOffTrack},
		{"reminderHours", &st.ReminderHours}, {"deadlineDay", &st.DeadlineDay}, {"deadlineNoticeDays", &st.DeadlineNoticeDays}} {
		n, err := strconv.Atoi(strings.TrimSpace(f.Get(x.name)))
		if err != nil {
			v.Add(x.name, "error.whole_number")
		}
		*x.dst = n
	}
	err := v.Err()
	if err == nil {
		err = s.db.SaveEngagementSettings(r.Context(), rc.who(), rc.Collab.ID, st)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.participationData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "participation", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/participation", rc.Collab.ID), "flash.saved")
}

// activityFromForm reads the activity form; a member logs their own hours,
// a convener may log them for any member of the team.
func activityFromForm(f url.Values, rc *reqCtx) (*engage.Activity, *collab.Validation) {
	v := collab.NewValidation()
	a := &engage.Activity{CollaborativeID: rc.Collab.ID, TeamID: rc.Team.ID, UserID: rc.Actor.UserID, Kind: engage.ActivityKind(f.Get("kind")), Note: f.Get("note")}
	if u := f.Get("user"); u != "" && isConvener(rc) {
		a.UserID, _ = strconv.ParseInt(u, 10, 64)
	}
	if d, err := collab.ParseDate(strings.TrimSpace(f.Get("month")) + "-01"); err != nil || f.Get("month") == "" {
		v.Add("month", "error.date")
	} else {
		a.Month = d
	}
	h, err := strconv.ParseFloat(strings.TrimSpace(f.Get("hours")), 64)
	if err != nil {
		v.Add("hours", "error.number")
	}
	a.Hours = h
	addErrs(v, a.Validate())
	return a, v
}

func (s *Server) activityCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	a, v := activityFromForm(r.PostForm, rc)
	err := v.Err()
	if err == nil {
		err = s.db.AddActivity(r.Context(), rc.who(), a)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.participationData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "participation", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/participation", rc.Collab.ID, rc.Team.ID), "flash.saved")
}

func (s *Server) activityDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("activity"))
	if err != nil {
		return err
	}
	// Members remove what they logged; the team's director and conveners
	// anything of the team's.
	only := rc.Actor.UserID
	if collab.Authorize(rc.Actor, collab.PermTeamManage, rc.Collab.ID, rc.Team.ID) == collab.Allow {
		only = 0
	}
	if err := s.db.DeleteActivity(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, id, only); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/participation", rc.Collab.ID, rc.Team.ID), "flash.saved")
}

type compensationPage struct {
	basePage
	Rates    []engage.Rate
	Payables []engage.Payable
	Owed     []engage.Owed
	People   []*collab.Person
	// Community are the people without accounts, paid as themselves.
	Community []*collab.CommunityPerson
	Bases     []engage.Basis
	Today     string
}

func (s *Server) compensationData(r *http.Request, rc *reqCtx) (*compensationPage, error) {
	ctx := r.Context()
	p := &compensationPage{basePage: s.base(r, rc, "engagement.compensation.title"), Bases: engage.Bases, Today: collab.DateOf(s.db.Now()).String()}
	var err error
	if p.Rates, err = s.db.Rates(ctx, rc.Collab.ID); err != nil {
		return nil, err
	}
	if p.Payables, err = s.db.Payables(ctx, rc.Collab.ID); err != nil {
		return nil, err
	}
	p.Owed = engage.OwedByPerson(p.Payables)
	people, err := s.db.People(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	for _, pe := range people {
		if len(pe.Teams) > 0 {
			p.People = append(p.People, pe)
		}
	}
	community, err := s.db.CommunityPeople(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	for _, pe := range community {
		if !pe.HasAccount() {
			p.Community = append(p.Community, pe)
		}
	}
	return p, nil
}

// formPayee reads the compensation forms' "user" field: an account's id,
// or "p:ID" for a person without an account. Anything else is neither,
// which validation names.
func formPayee(v string) (userID, personID int64) {
	if rest, ok := strings.CutPrefix(strings.TrimSpace(v), "p:"); ok {
		personID, _ = strconv.ParseInt(rest, 10, 64)
		return 0, max(personID, 0)
	}
	userID, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return max(userID, 0), 0
}

func (s *Server) compensationPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.compensationData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "compensation", p)
}

func (s *Server) compensationInvalid(w http.ResponseWriter, r *http.Request, rc *reqCtx, err error) error {
	fe := collab.FieldErrors(err)
	if fe == nil {
		return err
	}
	p, perr := s.compensationData(r, rc)
	if perr != nil {
		return perr
	}
	p.Form, p.Errors = r.PostForm, fe
	return s.render(w, http.StatusUnprocessableEntity, "compensation", p)
}

func (s *Server) rateSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	rt := engage.Rate{Basis: engage.Basis(f.Get("basis"))}
	rt.UserID, rt.PersonID = formPayee(f.Get("user"))
	cents, err := engage.ParseCents(f.Get("amount"))
	if err != nil {
		return s.compensationInvalid(w, r, rc, &collab.ValidationError{Fields: map[string]string{"amount": "error.number"}})
	}
	rt.AmountCents = cents
	if err := s.db.SetRate(r.Context(), rc.who(), rc.Collab.ID, rt); err != nil {
		return s.compensationInvalid(w, r, rc, err)
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/compensation", rc.Collab.ID), "flash.saved")
}

func (s *Server) stipendsAccrue(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if _, err := s.db.AccrueStipends(r.Context(), rc.who(), rc.Collab.ID); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/compensation", rc.Collab.ID), "flash.saved")
}

func (s *Server) reimbursementCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	p := &engage.Payable{Description: f.Get("description")}
	p.UserID, p.PersonID = formPayee(f.Get("user"))
	cents, err := engage.ParseCents(f.Get("amount"))
	if err != nil {
		return s.compensationInvalid(w, r, rc, &collab.ValidationError{Fields: map[string]string{"amount": "error.number"}})
	}
	p.AmountCents = cents
	if err := s.db.AddReimbursement(r.Context(), rc.who(), rc.Collab.ID, p); err != nil {
		return s.compensationInvalid(w, r, rc, err)
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/compensation", rc.Collab.ID), "flash.created")
}

func (s *Server) paidMark(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	on, err := collab.ParseDate(f.Get("paidOn"))
	if err != nil || on.IsZero() {
		return s.compensationInvalid(w, r, rc, &collab.ValidationError{Fields: map[string]string{"paidOn": "error.date"}})
	}
	var ids []int64
	for _, v := range f["item"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return s.compensationInvalid(w, r, rc, &collab.ValidationError{Fields: map[string]string{"item": "engagement.error.none_chosen"}})
	}
	if err := s.db.MarkPaid(r.Context(), rc.who(), rc.Collab.ID, ids, on); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/compensation", rc.Collab.ID), "flash.saved")
}

// owedCSV exports what is owed per person, unpaid, for the finance office.
// A GET changes nothing, so the export itself is not audited.
func (s *Server) owedCSV(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	ps, err := s.db.Payables(ctx, rc.Collab.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csvout.NewWriter(&buf)
	// A person without an account has no email: the finance office pays
	// them by their preferred method and reaches them by their contact.
	cw.Write([]string{"name", "email", "account", "payment_method", "contact", "stipends", "reimbursements", "total", "items"})
	for _, o := range engage.OwedByPerson(ps) {
		account := "yes"
		if o.PersonID != 0 {
			account = "no"
		}
		cw.Write([]string{o.Name, o.Email, account, string(o.PaymentMethod), o.Contact, engage.FormatCents(o.Stipends), engage.FormatCents(o.Reimburse),
			engage.FormatCents(o.Total()), strconv.Itoa(o.Items)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="owed-%s.csv"`, collab.DateOf(s.db.Now())))
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

type calendarFeedPage struct {
	basePage
	URL string
}

func (s *Server) feedCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	token := newToken("cal_")
	if err := s.db.SetCalendarFeed(r.Context(), rc.who(), rc.Actor.UserID, token); err != nil {
		return err
	}
	p := calendarFeedPage{basePage: s.base(r, rc, "engagement.feed.title"), URL: s.baseURL + "/feeds/" + token + "/calendar.ics"}
	return s.render(w, http.StatusOK, "calendar_feed", p)
}

func (s *Server) feedDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	if err := s.db.DeleteCalendarFeed(r.Context(), rc.who(), rc.Actor.UserID); err != nil {
		return err
	}
	// Back to the calendar the button was on; only a local path.
	next := r.PostForm.Get("next")
	if !strings.HasPrefix(next, "/c/") || strings.ContainsAny(next, "\\:") || strings.HasPrefix(next, "//") {
		next = "/"
	}
	return s.redirect(w, r, next, "engagement.flash.feed_revoked")
}

// feedICS serves a person's private calendar feed; the token in the path
// is the only credential, so it is long, random and stored hashed.
func (s *Server) feedICS(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	uid, err := s.db.CalendarFeedUser(ctx, r.PathValue("token"))
	if err != nil {
		return err
	}
	ms, err := s.db.MeetingsFor(ctx, uid)
	if err != nil {
		return err
	}
	body := engage.ICS("goeswell", ms, s.baseURL, s.db.Now())
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// #nosec G705 -- text/calendar written by the iCalendar library (nosniff is set), not HTML.
	_, err = io.WriteString(w, body)
	return err
}

// API.

type apiMeeting struct {
	ID          int64           `json:"id"`
	SeriesID    int64           `json:"seriesId,omitempty"`
	Kind        engage.Kind     `json:"kind"`
	Title       string          `json:"title"`
	StartsAt    time.Time       `json:"startsAt"`
	TimeZone    string          `json:"timeZone"`
	DurationMin int             `json:"durationMin"`
	Location    string          `json:"location,omitempty"`
	VideoURL    string          `json:"videoUrl,omitempty"`
	Agenda      string          `json:"agenda,omitempty"`
	Materials   string          `json:"materials,omitempty"`
	Audience    engage.Audience `json:"audience"`
	TeamIDs     []int64         `json:"teamIds,omitempty"`
	Cancelled   bool            `json:"cancelled"`
	Moved       bool            `json:"moved"`
}

func toAPIMeeting(m *engage.Meeting) apiMeeting {
	return apiMeeting{ID: m.ID, SeriesID: m.SeriesID, Kind: m.Kind, Title: m.Title, StartsAt: m.StartsAt, TimeZone: m.TimeZone, DurationMin: m.DurationMin,
		Location: m.Location, VideoURL: m.VideoURL, Agenda: m.Agenda, Materials: m.Materials, Audience: m.Audience, TeamIDs: m.TeamIDs, Cancelled: m.Cancelled, Moved: m.Moved}
}

func (s *Server) apiMeetings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ms, err := s.visibleMeetings(r, rc)
	if err != nil {
		return err
	}
	out := make([]apiMeeting, 0, len(ms))
	for _, m := range ms {
		out = append(out, toAPIMeeting(m))
	}
	writeJSON(w, http.StatusOK, map[string]any{"meetings": out})
	return nil
}

type apiAttendanceRecord struct {
	UserID      int64         `json:"userId"`
	Status      engage.Status `json:"status"`
	AgreedOn    string        `json:"agreedOn,omitempty"`
	AgreedWith  string        `json:"agreedWith,omitempty"`
	Alternative string        `json:"alternative,omitempty"`
}

func (s *Server) apiAttendance(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	m, err := s.loadMeeting(r, rc)
	if err != nil {
		return err
	}
	in, err := decode[struct {
		Records []apiAttendanceRecord `json:"records"`
	}](r)
	if err != nil {
		return err
	}
	var recs []engage.Attendance
	for i, a := range in.Records {
		d, err := collab.ParseDate(a.AgreedOn)
		if err != nil {
			return &collab.ValidationError{Fields: map[string]string{fmt.Sprintf("records[%d].agreedOn", i): "error.date"}}
		}
		recs = append(recs, engage.Attendance{UserID: a.UserID, Status: a.Status, AgreedOn: d, AgreedWith: a.AgreedWith, Alternative: a.Alternative})
	}
	if err := s.db.SetAttendance(r.Context(), rc.who(), rc.Collab.ID, m.ID, 0, recs); err != nil {
		return err
	}
	att, err := s.db.Attendance(r.Context(), rc.Collab.ID, m.ID)
	if err != nil {
		return err
	}
	out := make([]apiAttendanceRecord, 0, len(att))
	for _, a := range att {
		out = append(out, apiAttendanceRecord{UserID: a.UserID, Status: a.Status, AgreedOn: a.AgreedOn.String(), AgreedWith: a.AgreedWith, Alternative: a.Alternative})
	}
	writeJSON(w, http.StatusOK, map[string]any{"records": out})
	return nil
}

type apiMonth struct {
	Month      string            `json:"month"`
	Complete   bool              `json:"complete"`
	Meetings   int               `json:"meetings"`
	Covered    int               `json:"covered"`
	Excused    int               `json:"excused"`
	Missed     int               `json:"missed"`
	Hours      float64           `json:"hours"`
	HoursState engage.HoursState `json:"hoursState"`
	State      engage.State      `json:"state"`
	Reasons    []string          `json:"reasons"`
}

type apiTeamCompliance struct {
	TeamID       int64             `json:"teamId"`
	TeamName     string            `json:"teamName"`
	State        engage.State      `json:"state"`
	Reasons      []string          `json:"reasons"`
	MissingRoles []collab.TeamRole `json:"missingRoles"`
	Months       []apiMonth        `json:"months"`
}

func (s *Server) apiParticipation(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	tcs, err := s.db.Compliance(r.Context(), rc.Collab)
	if err != nil {
		return err
	}
	pr := s.cat.Printer(rc.Lang)
	reasons := func(rs []engage.Reason) []string {
		out := []string{}
		for _, x := range rs {
			out = append(out, pr.Sprintf(x.Key, x.Args...))
		}
		return out
	}
	out := make([]apiTeamCompliance, 0, len(tcs))
	for _, tc := range tcs {
		t := apiTeamCompliance{TeamID: tc.Team.ID, TeamName: tc.Team.Name, State: tc.State, Reasons: reasons(tc.Reasons), MissingRoles: tc.MissingRoles}
		if t.MissingRoles == nil {
			t.MissingRoles = []collab.TeamRole{}
		}
		for _, mc := range tc.Months {
			t.Months = append(t.Months, apiMonth{Month: mc.Month.String()[:7], Complete: mc.Complete, Meetings: mc.Meetings, Covered: mc.Covered, Excused: mc.Excused,
				Missed: mc.Missed, Hours: mc.Hours, HoursState: mc.HoursState, State: mc.State, Reasons: reasons(mc.Reasons)})
		}
		out = append(out, t)
	}
	writeJSON(w, http.StatusOK, map[string]any{"teams": out})
	return nil
}

func (s *Server) apiActivityCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[struct {
		UserID int64   `json:"userId"`
		Month  string  `json:"month"`
		Kind   string  `json:"kind"`
		Hours  float64 `json:"hours"`
		Note   string  `json:"note"`
	}](r)
	if err != nil {
		return err
	}
	f := url.Values{"month": {in.Month}, "kind": {in.Kind}, "hours": {strconv.FormatFloat(in.Hours, 'f', -1, 64)}, "note": {in.Note}}
	if in.UserID != 0 {
		f.Set("user", strconv.FormatInt(in.UserID, 10))
	}
	a, v := activityFromForm(f, rc)
	if err := v.Err(); err != nil {
		return err
	}
	if err := s.db.AddActivity(r.Context(), rc.who(), a); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": a.ID, "teamId": a.TeamID, "userId": a.UserID, "month": a.Month.String()[:7], "kind": a.Kind, "hours": a.Hours, "note": a.Note})
	return nil
}
