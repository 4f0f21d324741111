package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// rolesRoutes are roles as data (issue 14): under the collaborative's
// settings the convener reads each role in plain words, adjusts its grants
// and assigns the people of assigned roles (a local evaluator per
// community) to their teams.
func (s *Server) rolesRoutes() []Route {
	return []Route{
		get("/c/{collab}/settings/roles", collab.PermCollabManage, s.rolesPage),
		post("/c/{collab}/settings/roles", collab.PermCollabManage, s.rolesSave),
		post("/c/{collab}/people/{user}/teams", collab.PermCollabManage, s.roleTeamsSave),
	}
}

// roleRow is one role on the page with its grantable capabilities.
type roleRow struct {
	Role  collab.CollabRole
	Scope collab.RoleScope
	Caps  []capBox
}

// capBox is one capability's checkbox.
type capBox struct {
	Cap     collab.Capability
	ID      string
	Checked bool
	Kept    bool
}

// assignee is a person in an assigned role, with the teams they serve.
type assignee struct {
	UserID int64
	Name   string
	Roles  []collab.CollabRole
	Teams  map[int64]bool
}

type rolesPage struct {
	basePage
	Program   string
	Programs  []string
	Roles     []roleRow
	Assignees []assignee
	Teams     []*collab.Team
}

func (s *Server) rolesData(r *http.Request, rc *reqCtx) (*rolesPage, error) {
	ctx := r.Context()
	set, err := s.db.RoleSettings(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	people, err := s.db.People(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	p := &rolesPage{basePage: s.base(r, rc, "roles.title"), Program: set.Program}
	for _, pr := range collab.Programs {
		p.Programs = append(p.Programs, pr.Key)
	}
	// The program's roles, then any other role someone holds here, so
	// every role in use can be adjusted.
	var roles []collab.CollabRole
	for _, t := range collab.FindProgram(set.Program).Roles {
		roles = append(roles, t.Role)
	}
	for _, person := range people {
		for _, role := range person.Roles {
			if _, ok := collab.Template(role); ok && !slices.Contains(roles, role) {
				roles = append(roles, role)
			}
		}
	}
	for _, role := range roles {
		t, _ := collab.Template(role)
		g := set.Overrides.Of(role)
		row := roleRow{Role: role, Scope: t.Scope}
		for _, c := range collab.Capabilities {
			if !t.Grantable(c) {
				continue
			}
			box := capBox{Cap: c, ID: "g-" + string(role) + "-" + string(c), Checked: g.Has(c), Kept: t.Keeps.Has(c)}
			row.Caps = append(row.Caps, box)
		}
		p.Roles = append(p.Roles, row)
	}
	assigned, err := s.db.RoleAssignments(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	for _, person := range people {
		var mine []collab.CollabRole
		for _, role := range person.Roles {
			if t, ok := collab.Template(role); ok && t.Scope == collab.ScopeAssigned {
				mine = append(mine, role)
			}
		}
		if len(mine) == 0 {
			continue
		}
		a := assignee{UserID: person.UserID, Name: person.Name, Roles: mine, Teams: map[int64]bool{}}
		for _, t := range assigned[person.UserID] {
			a.Teams[t] = true
		}
		p.Assignees = append(p.Assignees, a)
	}
	if len(p.Assignees) > 0 {
		if p.Teams, err = s.db.Teams(ctx, rc.Collab.ID, sqlstore.TeamFilter{}); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) rolesPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.rolesData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "roles", p)
}

// rolesSave stores the program and the grants of every role the form
// listed. A convener cannot save grants that would take away their own
// ability to manage the collaborative.
func (s *Server) rolesSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	grants := collab.RoleGrants{}
	for _, name := range f["roles"] {
		role := collab.CollabRole(name)
		var g collab.Grants
		for _, c := range f["grants."+name] {
			g |= collab.GrantsOf(collab.Capability(c))
		}
		grants[role] = g
	}
	program := f.Get("program")
	var err error
	if !collab.KeepsManaging(rc.Actor, rc.Collab.ID, s.withCurrent(r, rc, grants)) {
		err = &collab.ValidationError{Fields: map[string]string{"grants": "roles.error.lockout"}}
	} else {
		err = s.db.SaveRoleSettings(r.Context(), rc.who(), rc.Collab.ID, program, grants)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.rolesDataWithForm(r, rc, f)
		if perr != nil {
			return perr
		}
		p.Errors = fe
		return s.render(w, http.StatusUnprocessableEntity, "roles", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/settings/roles", rc.Collab.ID), "flash.saved")
}

// rolesDataWithForm is the page as the person left it: the boxes as
// ticked, the program as chosen.
func (s *Server) rolesDataWithForm(r *http.Request, rc *reqCtx, f url.Values) (*rolesPage, error) {
	p, err := s.rolesData(r, rc)
	if err != nil {
		return nil, err
	}
	p.Form = f
	if v := p.Form["program"]; len(v) > 0 {
		p.Program = v[0]
	}
	for i := range p.Roles {
		for j := range p.Roles[i].Caps {
			b := &p.Roles[i].Caps[j]
			b.Checked = b.Kept || slices.Contains(f["grants."+string(p.Roles[i].Role)], string(b.Cap))
		}
	}
	return p, nil
}

// withCurrent is the collaborative's overrides with the form's grants laid
// over them: what the actor's roles would be granted after the save.
func (s *Server) withCurrent(r *http.Request, rc *reqCtx, grants collab.RoleGrants) collab.RoleGrants {
	out := collab.RoleGrants{}
	if set, err := s.db.RoleSettings(r.Context(), rc.Collab.ID); err == nil {
		for k, v := range set.Overrides {
			out[k] = v
		}
	}
	for k, v := range grants {
		out[k] = v
	}
	return out
}

// roleTeamsSave sets the teams a person in an assigned role serves.
func (s *Server) roleTeamsSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	uid, err := pathID(r.PathValue("user"))
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	var teams []int64
	for _, v := range r.PostForm["teams"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			continue
		}
		teams = append(teams, id)
	}
	err = s.db.AssignTeams(r.Context(), rc.who(), rc.Collab.ID, uid, teams)
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.rolesData(r, rc)
		if perr != nil {
			return perr
		}
		// Beside the person's teams when they are listed; above the
		// list when they hold no assigned role at all.
		listed := slices.ContainsFunc(p.Assignees, func(a assignee) bool { return a.UserID == uid })
		p.Errors = map[string]string{}
		for k, v := range fe {
			if listed {
				p.Errors[fmt.Sprint(k, "-", uid)] = v
			} else {
				p.Errors["assign"] = v
			}
		}
		return s.render(w, http.StatusUnprocessableEntity, "roles", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/settings/roles", rc.Collab.ID), "flash.saved")
}
