package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
)

type homePage struct {
	basePage
	Collaboratives []*collab.Collaborative
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	// A team member with no other place lands on their team's home: what
	// is due, what is new, the next meeting.
	if c, t, ok := onlyTeam(rc.Actor); ok {
		return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d/home", c, t), "")
	}
	cs, err := s.db.Collaboratives(r.Context(), rc.Actor)
	if err != nil {
		return err
	}
	if len(cs) == 1 && !rc.Actor.SiteAdmin {
		return s.redirect(w, r, fmt.Sprintf("/c/%d", cs[0].ID), "")
	}
	return s.render(w, http.StatusOK, "home", homePage{basePage: s.base(r, rc, "home.title"), Collaboratives: cs})
}

type overviewPage struct {
	basePage
	Stats       collab.CollaborativeStats
	Months      int
	MonthNow    int // the month of the collaborative we are in, 0 before it starts
	Partners    []collab.Partner
	RequiredFmt string
	IsManager   bool
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	c := rc.Collab
	st, err := s.db.Stats(ctx, c)
	if err != nil {
		return err
	}
	ps, err := s.db.Partners(ctx, c.ID)
	if err != nil {
		return err
	}
	p := overviewPage{basePage: s.base(r, rc, "overview.title"), Stats: st, Months: c.Months(), Partners: ps,
		IsManager: collab.Authorize(rc.Actor, collab.PermCollabManage, c.ID, 0) == collab.Allow}
	p.Title = c.Name
	today := collab.DateOf(s.db.Now())
	if !today.Before(c.StartDate) {
		p.MonthNow = min(today.MonthsSince(c.StartDate)+1, p.Months)
	}
	var roles []string
	for _, r := range c.Policy.RequiredRoles {
		roles = append(roles, p.T("role."+string(r)))
	}
	p.RequiredFmt = strings.Join(roles, ", ")
	return s.render(w, http.StatusOK, "overview", p)
}

type settingsPage struct {
	basePage
	C         *collab.Collaborative
	New       bool
	Criteria  string
	Statuses  []collab.Status
	TeamRoles []collab.TeamRole
}

// HasRole reports whether the policy requires r (for the form's boxes).
func (p *settingsPage) HasRole(r collab.TeamRole) bool {
	if p.Form != nil {
		for _, v := range p.Form["requiredRoles"] {
			if v == string(r) {
				return true
			}
		}
		return false
	}
	for _, have := range p.C.Policy.RequiredRoles {
		if have == r {
			return true
		}
	}
	return false
}

func (s *Server) collabNewForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	c := &collab.Collaborative{Status: collab.StatusPlanning, Policy: collab.DefaultPolicy()}
	p := settingsPage{basePage: s.base(r, rc, "collab.new_title"), C: c, New: true, Criteria: strings.Join(collab.DefaultCriteria, "\n"),
		Statuses: collab.Statuses, TeamRoles: collab.TeamRoles}
	return s.render(w, http.StatusOK, "settings", &p)
}

// collabFromForm reads the settings form into c; parse errors become
// field errors beside the field.
func collabFromForm(f url.Values, c *collab.Collaborative) (criteria []string, v *collab.Validation) {
	v = collab.NewValidation()
	c.Name = f.Get("name")
	c.Aim = strings.TrimSpace(f.Get("aim"))
	var err error
	if c.StartDate, err = collab.ParseDate(f.Get("startDate")); err != nil {
		v.Add("startDate", "error.date")
	}
	if c.EndDate, err = collab.ParseDate(f.Get("endDate")); err != nil {
		v.Add("endDate", "error.date")
	}
	c.Status = collab.Status(f.Get("status"))
	c.Policy.RequiredRoles = nil
	for _, r := range f["requiredRoles"] {
		c.Policy.RequiredRoles = append(c.Policy.RequiredRoles, collab.TeamRole(r))
	}
	c.Policy.AllowSinglePerson = f.Get("allowSingle") != ""
	num := func(field string, dst *float64) {
		x, err := strconv.ParseFloat(strings.TrimSpace(f.Get(field)), 64)
		if err != nil {
			v.Add(field, "error.number")
			return
		}
		*dst = x
	}
	var reps float64
	num("minReps", &reps)
	if reps != float64(int(reps)) {
		v.Add("minReps", "error.whole_number")
	}
	c.Policy.MinRepsPerMeeting = int(reps)
	num("hoursMin", &c.Policy.HoursMin)
	num("hoursMax", &c.Policy.HoursMax)
	for _, line := range strings.Split(f.Get("criteria"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			v.Length("criteria", line, 2000)
			criteria = append(criteria, line)
		}
	}
	if len(criteria) > 30 {
		v.Add("criteria", "error.too_many")
	}
	if criteria == nil {
		criteria = []string{}
	}
	if verr := c.Validate(); verr != nil {
		for k, m := range collab.FieldErrors(verr) {
			v.Add(k, m)
		}
	}
	return criteria, v
}

func (s *Server) collabCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	c := &collab.Collaborative{}
	criteria, v := collabFromForm(r.PostForm, c)
	if err := v.Err(); err != nil {
		p := settingsPage{basePage: s.base(r, rc, "collab.new_title"), C: c, New: true, Criteria: r.PostForm.Get("criteria"), Statuses: collab.Statuses, TeamRoles: collab.TeamRoles}
		p.Form, p.Errors = r.PostForm, collab.FieldErrors(err)
		return s.render(w, http.StatusUnprocessableEntity, "settings", &p)
	}
	if err := s.db.CreateCollaborative(r.Context(), rc.who(), c, criteria, rc.Actor.UserID); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d", c.ID), "flash.created")
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	crit, err := s.db.Criteria(r.Context(), rc.Collab.ID)
	if err != nil {
		return err
	}
	var lines []string
	for _, c := range crit {
		lines = append(lines, c.Text)
	}
	p := settingsPage{basePage: s.base(r, rc, "settings.title"), C: rc.Collab, Criteria: strings.Join(lines, "\n"), Statuses: collab.Statuses, TeamRoles: collab.TeamRoles}
	return s.render(w, http.StatusOK, "settings", &p)
}

func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	c := *rc.Collab
	criteria, v := collabFromForm(r.PostForm, &c)
	if err := v.Err(); err != nil {
		p := settingsPage{basePage: s.base(r, rc, "settings.title"), C: &c, Criteria: r.PostForm.Get("criteria"), Statuses: collab.Statuses, TeamRoles: collab.TeamRoles}
		p.Form, p.Errors = r.PostForm, collab.FieldErrors(err)
		return s.render(w, http.StatusUnprocessableEntity, "settings", &p)
	}
	if err := s.db.UpdateCollaborative(r.Context(), rc.who(), &c, criteria); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/settings", c.ID), "flash.saved")
}
