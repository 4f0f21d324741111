package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/learning"
	"github.com/goeswell/goeswell/internal/notify"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// dailyRoutes are a team member's home and everyone's notifications: what
// a person does on an ordinary day.
func (s *Server) dailyRoutes() []Route {
	return []Route{
		get("/c/{collab}/teams/{team}/home", collab.PermTeamRead, s.teamHome),
		get("/notifications", collab.PermSignedIn, s.notificationsPage),
		post("/notifications/read", collab.PermSignedIn, s.notificationsRead),
		post("/account/notifications", collab.PermSignedIn, s.notificationSettings),
	}
}

// onlyTeam is the one team a person belongs to when that is their only
// place: no staff role anywhere, not a site administrator. Their home is
// that team's home rather than the collaborative's overview.
func onlyTeam(a *collab.Actor) (collabID, teamID int64, ok bool) {
	if !a.SignedIn() || a.SiteAdmin || len(a.Teams) != 1 {
		return 0, 0, false
	}
	for _, roles := range a.Roles {
		if len(roles) > 0 {
			return 0, 0, false
		}
	}
	for t, m := range a.Teams {
		return m.CollaborativeID, t, true
	}
	return 0, 0, false
}

// A reportDue is a month whose report the team still owes.
type reportDue struct {
	Month   collab.Date
	Due     collab.Date
	Overdue bool
	Link    string
}

// A missingMonth is a period with no value entered for some measures.
type missingMonth struct {
	Period   string
	Measures []string
}

type teamHomePage struct {
	basePage
	Team     *collab.Team
	Meetings []*engage.Meeting
	Reports  []reportDue
	Missing  []missingMonth
	// Compliance is the team's participation state (nil if not computed).
	Compliance *engage.TeamCompliance
	Unread     []*notify.Notification
	NewShares  []*learning.Share
	// Feedback are the rounds of feedback on the collaborative open now
	// that the person has not answered.
	Feedback []*collab.FeedbackRound
	// FeedSince is the person's sign-in before this one (zero if none).
	FeedSince time.Time
	Nothing   bool
}

// teamHome gathers what the team has to do or may want to know, each item
// a link to where it is done.
func (s *Server) teamHome(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	c, t := rc.Collab, rc.Team
	p := &teamHomePage{basePage: s.base(r, rc, "home.team_title"), Team: t}
	p.Title = t.Name
	now := s.db.Now()

	ms, err := s.db.Meetings(ctx, c.ID, sqlstore.MeetingFilter{TeamID: t.ID, From: now})
	if err != nil {
		return err
	}
	p.Meetings = ms[:min(len(ms), 3)]

	st, err := s.db.LearningSettings(ctx, c.ID)
	if err != nil {
		return err
	}
	p.Reports, err = s.reportsDue(r, c, t, st.ReportDueDay)
	if err != nil {
		return err
	}

	statuses, err := s.teamMeasureStatuses(r, rc)
	if err != nil {
		return err
	}
	p.Missing = missingMonths(statuses, learning.MonthOf(collab.DateOf(t.CreatedAt)))

	comp, err := s.db.Compliance(ctx, c)
	if err != nil {
		return err
	}
	for i := range comp {
		if comp[i].Team.ID == t.ID {
			p.Compliance = &comp[i]
		}
	}

	if rc.Actor.OnTeam(t.ID) {
		if p.Unread, err = s.db.Notifications(ctx, rc.Actor.UserID, sqlstore.NotificationFilter{TeamID: t.ID, Unread: true, Limit: 20}); err != nil {
			return err
		}
	}
	if rc.Actor.OnTeam(t.ID) {
		if p.Feedback, err = s.db.FeedbackToAnswer(ctx, c.ID, rc.Actor.UserID); err != nil {
			return err
		}
	}
	if p.FeedSince, err = s.db.PreviousVisit(ctx, rc.Actor.UserID); err != nil {
		return err
	}
	since := p.FeedSince
	if since.IsZero() || since.Before(now.AddDate(0, -1, 0)) {
		// A first sign-in, or a long absence: a month of the feed is
		// "new", not its whole history.
		since = now.AddDate(0, -1, 0)
	}
	shares, err := s.db.Shares(ctx, c.ID, sqlstore.ShareFilter{Limit: 50})
	if err != nil {
		return err
	}
	for _, sh := range shares {
		// The team's own shares are not news to it.
		if sh.TeamID != t.ID && sh.SharedAt.After(since) {
			p.NewShares = append(p.NewShares, sh)
		}
	}
	p.Nothing = len(p.Meetings) == 0 && len(p.Reports) == 0 && len(p.Missing) == 0 && len(p.Unread) == 0 && len(p.NewShares) == 0 && len(p.Feedback) == 0
	return s.render(w, http.StatusOK, "team_home", p)
}

// reportsDue lists the team's overdue reports, oldest first, then last
// month's if it is not due yet: the one the team is working on.
func (s *Server) reportsDue(r *http.Request, c *collab.Collaborative, t *collab.Team, dueDay int) ([]reportDue, error) {
	today := s.db.Today()
	over, err := s.db.OverdueReports(r.Context(), c, dueDay, today)
	if err != nil {
		return nil, err
	}
	link := func(m collab.Date) string {
		return fmt.Sprintf("/c/%d/teams/%d/reports?month=%s", c.ID, t.ID, m.String()[:7])
	}
	var out []reportDue
	seen := map[collab.Date]bool{}
	for _, o := range over {
		if o.TeamID == t.ID {
			out = append(out, reportDue{Month: o.Month, Due: o.Due, Overdue: true, Link: link(o.Month)})
			seen[o.Month] = true
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Month.Before(out[j].Month) })
	last := learning.MonthOf(today).AddMonths(-1)
	if seen[last] || last.Before(learning.MonthOf(c.StartDate)) || last.After(c.EndDate) || !t.Active {
		return out, nil
	}
	reps, err := s.db.Reports(r.Context(), c.ID, sqlstore.ReportFilter{TeamID: t.ID, From: last, To: last.AddMonths(1)})
	if err != nil {
		return nil, err
	}
	for _, rep := range reps {
		if rep.Frozen() {
			return out, nil
		}
	}
	return append(out, reportDue{Month: last, Due: learning.DueDate(last, dueDay), Link: link(last)}), nil
}

// missingMonths turns each measure's missing periods into periods with the
// measures missing in each, oldest first. Periods before the team joined
// are not the team's to fill.
func missingMonths(sts []measureStatus, joined collab.Date) []missingMonth {
	from := joined.String()[:7] // labels are YYYY-MM or YYYY-MM-DD: they sort as text
	by := map[string][]string{}
	for _, st := range sts {
		for _, p := range st.MissingPeriods {
			if p >= from {
				by[p] = append(by[p], st.M.Name)
			}
		}
	}
	out := make([]missingMonth, 0, len(by))
	for p, ms := range by {
		out = append(out, missingMonth{Period: p, Measures: ms})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Period < out[j].Period })
	return out
}

// Notification words a notification in the page's language.
func (p basePage) Notification(n *notify.Notification) string {
	who := n.ActorName
	if who == "" {
		who = p.T("notify.someone")
	}
	return p.T("notify.kind."+string(n.Kind), who, n.Subject)
}

// UnreadCount is the signed-in person's unread notifications, for the
// header; 0 on any error (the header must not fail a page).
func (p basePage) UnreadCount() int { return p.unread }

type notificationsPage struct {
	basePage
	Notifications []*notify.Notification
	Email         bool
}

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ns, err := s.db.Notifications(r.Context(), rc.Actor.UserID, sqlstore.NotificationFilter{Limit: 200})
	if err != nil {
		return err
	}
	on, err := s.db.NotificationEmail(r.Context(), rc.Actor.UserID)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "notifications", notificationsPage{basePage: s.base(r, rc, "notify.title"), Notifications: ns, Email: on})
}

// notificationsRead marks one notification read (id) or all of them, then
// goes on to next: the list, or the notification's own page, so that
// following a notification reads it.
func (s *Server) notificationsRead(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	var id int64
	if v := r.PostForm.Get("id"); v != "" {
		var err error
		if id, err = strconv.ParseInt(v, 10, 64); err != nil || id <= 0 {
			return &collab.ValidationError{Fields: map[string]string{"id": "error.invalid_choice"}}
		}
	}
	if _, err := s.db.MarkNotificationsRead(r.Context(), rc.who(), rc.Actor.UserID, id); err != nil {
		return err
	}
	return s.redirect(w, r, safeNext(r.PostForm.Get("next")), "notify.flash.read")
}

func (s *Server) notificationSettings(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	if err := s.db.SetNotificationEmail(r.Context(), rc.who(), rc.Actor.UserID, r.PostForm.Get("email") != ""); err != nil {
		return err
	}
	return s.redirect(w, r, "/notifications", "flash.saved")
}
