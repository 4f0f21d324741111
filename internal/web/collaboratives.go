package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
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
	// CommunityFmt are the roles a community team designates.
	CommunityFmt string
	IsManager    bool
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
	roles = nil
	for _, r := range c.Policy.CommunityRoles {
		roles = append(roles, p.T("role."+string(r)))
	}
	p.CommunityFmt = strings.Join(roles, ", ")
	return s.render(w, http.StatusOK, "overview", p)
}

type settingsPage struct {
	basePage
	C         *collab.Collaborative
	New       bool
	Criteria  string
	Statuses  []collab.Status
	TeamRoles []collab.TeamRole
	// CommunityRoles are the roles a community team may be asked for.
	CommunityRoles []collab.TeamRole
	// NameRoles are the partner roles that may be shown team names.
	NameRoles []collab.CollabRole
	// MinCell is the threshold the disclosure rule names.
	MinCell int
}

func newSettingsPage(b basePage, c *collab.Collaborative, minCell int) settingsPage {
	return settingsPage{basePage: b, C: c, Statuses: collab.Statuses, TeamRoles: collab.OrgTeamRoles, CommunityRoles: collab.CommunityTeamRoles,
		NameRoles: collab.TeamNameRolesFor(collab.DefaultProgram), MinCell: minCell}
}

// nameRoles are the roles a collaborative's settings offer to show team
// names to: its program's partner roles besides seed 000's.
func (s *Server) nameRoles(r *http.Request, rc *reqCtx) ([]collab.CollabRole, error) {
	rs, err := s.db.RoleSettings(r.Context(), rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	return collab.TeamNameRolesFor(rs.Program), nil
}

// boxChecked reports whether a checkbox of a group is ticked: as typed on
// a re-rendered form, else as saved.
func (p *settingsPage) boxChecked(field, v string, saved []string) bool {
	if p.Form != nil {
		return slices.Contains(p.Form[field], v)
	}
	return slices.Contains(saved, v)
}

func roleStrings[T ~string](rs []T) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// HasRole reports whether the policy requires r of a provider
// organization (for the form's boxes).
func (p *settingsPage) HasRole(r collab.TeamRole) bool {
	return p.boxChecked("requiredRoles", string(r), roleStrings(p.C.Policy.RequiredRoles))
}

// HasCommunityRole reports whether the policy requires r of a community
// team.
func (p *settingsPage) HasCommunityRole(r collab.TeamRole) bool {
	return p.boxChecked("communityRoles", string(r), roleStrings(p.C.Policy.CommunityRoles))
}

// ShowsNamesTo reports whether partner role r sees team names.
func (p *settingsPage) ShowsNamesTo(r collab.CollabRole) bool {
	return p.boxChecked("teamNamesTo", string(r), roleStrings(p.C.TeamNamesTo))
}

func (s *Server) collabNewForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	c := &collab.Collaborative{Status: collab.StatusPlanning, Policy: collab.DefaultPolicy(), TeamNamesTo: []collab.CollabRole{collab.RoleCoach}}
	p := newSettingsPage(s.base(r, rc, "collab.new_title"), c, learning.DefaultMinCell)
	p.New, p.Criteria = true, strings.Join(collab.DefaultCriteria, "\n")
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
	c.Policy.CommunityRoles = nil
	for _, r := range f["communityRoles"] {
		c.Policy.CommunityRoles = append(c.Policy.CommunityRoles, collab.TeamRole(r))
	}
	c.TeamNamesTo = nil
	for _, r := range f["teamNamesTo"] {
		c.TeamNamesTo = append(c.TeamNamesTo, collab.CollabRole(r))
	}
	c.Policy.MeetingsCommitment = f.Get("meetingsCommitment")
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
		p := newSettingsPage(s.base(r, rc, "collab.new_title"), c, learning.DefaultMinCell)
		p.New, p.Criteria = true, r.PostForm.Get("criteria")
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
	st, err := s.db.LearningSettings(r.Context(), rc.Collab.ID)
	if err != nil {
		return err
	}
	p := newSettingsPage(s.base(r, rc, "settings.title"), rc.Collab, st.MinCell)
	if p.NameRoles, err = s.nameRoles(r, rc); err != nil {
		return err
	}
	p.Criteria = strings.Join(lines, "\n")
	return s.render(w, http.StatusOK, "settings", &p)
}

func (s *Server) settingsSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	c := *rc.Collab
	criteria, v := collabFromForm(r.PostForm, &c)
	if err := v.Err(); err != nil {
		st, serr := s.db.LearningSettings(r.Context(), rc.Collab.ID)
		if serr != nil {
			return serr
		}
		p := newSettingsPage(s.base(r, rc, "settings.title"), &c, st.MinCell)
		if p.NameRoles, serr = s.nameRoles(r, rc); serr != nil {
			return serr
		}
		p.Criteria = r.PostForm.Get("criteria")
		p.Form, p.Errors = r.PostForm, collab.FieldErrors(err)
		return s.render(w, http.StatusUnprocessableEntity, "settings", &p)
	}
	if err := s.db.UpdateCollaborative(r.Context(), rc.who(), &c, criteria); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/settings", c.ID), "flash.saved")
}
