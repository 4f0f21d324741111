package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// groupRoutes are the collaborative's groups beside its teams: the
// steering committee and workgroups of seed 001, each with members from
// several teams and partners (with or without an account), its
// decisions, and action items followed up at the next meeting. Everyone
// in the collaborative reads them; conveners form groups and name their
// members; conveners and coaches record decisions and actions.
func (s *Server) groupRoutes() []Route {
	const g = "/c/{collab}/groups/{group}"
	return []Route{
		get("/c/{collab}/groups", collab.PermCollabAggregate, s.groupsPage),
		post("/c/{collab}/groups", collab.PermCollabManage, s.groupCreate),
		get(g, collab.PermCollabAggregate, s.groupPage),
		post(g+"/members", collab.PermCollabManage, s.groupMemberAdd),
		post(g+"/members/{member}/delete", collab.PermCollabManage, s.groupMemberRemove),
		post(g+"/items", collab.PermCollabCoach, s.groupItemAdd),
		post(g+"/items/{item}", collab.PermCollabCoach, s.groupItemUpdate),
	}
}

type groupsPage struct {
	basePage
	Groups  []*collab.Group
	Kinds   []collab.GroupKind
	Manager bool
}

// OpenActions counts a group's open actions.
func (p *groupsPage) OpenActions(g *collab.Group) int {
	n := 0
	for _, it := range g.Items {
		if it.Kind == collab.ItemAction && it.Status == collab.ItemOpen {
			n++
		}
	}
	return n
}

func (s *Server) groupsData(r *http.Request, rc *reqCtx) (*groupsPage, error) {
	p := &groupsPage{basePage: s.base(r, rc, "group.title"), Kinds: collab.GroupKinds, Manager: rc.can(collab.PermCollabManage)}
	var err error
	p.Groups, err = s.db.Groups(r.Context(), rc.Collab.ID)
	return p, err
}

func (s *Server) groupsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.groupsData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "groups", p)
}

func (s *Server) groupCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	g := &collab.Group{CollaborativeID: rc.Collab.ID, Kind: collab.GroupKind(f.Get("kind")), Name: f.Get("name"), Purpose: f.Get("purpose")}
	err := s.db.CreateGroup(r.Context(), rc.who(), g)
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.groupsData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "groups", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/groups/%d", rc.Collab.ID, g.ID), "flash.created")
}

type groupPage struct {
	basePage
	Group    *collab.Group
	Statuses []collab.ItemStatus
	Manager  bool
	Staff    bool // may record decisions and actions
	// People are the collaborative's people with an account, to name a
	// member by; Form is the form that failed, to reopen it.
	People   []*collab.Person
	Today    collab.Date
	FormName string
	EditItem int64
	// Meetings are the group's meetings, where its actions are recorded
	// and followed up; Linked says the viewer may open them.
	Meetings []*engage.Meeting
	Linked   bool
}

// Overdue reports whether an item is an open action past its due date.
func (p *groupPage) Overdue(it *collab.GroupItem) bool { return it.Overdue(p.Today) }

func (s *Server) findGroup(r *http.Request, rc *reqCtx) (*collab.Group, error) {
	id, err := pathID(r.PathValue("group"))
	if err != nil {
		return nil, err
	}
	return s.db.FindGroup(r.Context(), rc.Collab.ID, id)
}

func (s *Server) groupData(r *http.Request, rc *reqCtx) (*groupPage, error) {
	g, err := s.findGroup(r, rc)
	if err != nil {
		return nil, err
	}
	p := &groupPage{basePage: s.base(r, rc, "group.title"), Group: g, Statuses: collab.ItemStatuses,
		Manager: rc.can(collab.PermCollabManage), Staff: rc.can(collab.PermCollabCoach), Today: s.db.Today()}
	p.Title = g.Name
	// A member's affiliation is usually their team's name: a partner the
	// convener shows no team names to (funders, evaluators by default)
	// reads the members without it, as it reads figures without them.
	if !rc.can(collab.PermCollabCohort) && !rc.Collab.ShowsTeamNames(rc.Actor) {
		for i := range g.Members {
			g.Members[i].Affiliation = ""
		}
	}
	if p.Meetings, err = s.db.Meetings(r.Context(), rc.Collab.ID, sqlstore.MeetingFilter{GroupID: g.ID}); err != nil {
		return nil, err
	}
	p.Linked = rc.can(collab.PermCohortRead)
	if p.Manager {
		if p.People, err = s.db.People(r.Context(), rc.Collab.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) groupPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.groupData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "group", p)
}

// groupRefused shows the group page again with a form's errors and what
// was typed.
func (s *Server) groupRefused(w http.ResponseWriter, r *http.Request, rc *reqCtx, form string, item int64, fe map[string]string) error {
	p, err := s.groupData(r, rc)
	if err != nil {
		return err
	}
	p.Form, p.Errors, p.FormName, p.EditItem = r.PostForm, fe, form, item
	return s.render(w, http.StatusUnprocessableEntity, "group", p)
}

func (s *Server) groupMemberAdd(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	g, err := s.findGroup(r, rc)
	if err != nil {
		return err
	}
	f := r.PostForm
	m := &collab.GroupMember{GroupID: g.ID, Name: f.Get("memberName"), Affiliation: f.Get("affiliation")}
	// Someone with an account is named by it: their name comes from it,
	// and only people of this collaborative may be named.
	if uid := formID(f, "user"); uid != 0 {
		people, err := s.db.People(r.Context(), rc.Collab.ID)
		if err != nil {
			return err
		}
		found := false
		for _, pe := range people {
			if pe.UserID == uid {
				m.UserID, m.Name, found = uid, pe.Name, true
				if m.Affiliation == "" {
					var teams []string
					for _, t := range pe.Teams {
						teams = append(teams, t.TeamName)
					}
					m.Affiliation = strings.Join(teams, ", ")
				}
			}
		}
		if !found {
			return s.groupRefused(w, r, rc, "member", 0, map[string]string{"user": "error.invalid_choice"})
		}
	}
	err = s.db.AddGroupMember(r.Context(), rc.who(), rc.Collab.ID, m)
	if fe := collab.FieldErrors(err); fe != nil {
		return s.groupRefused(w, r, rc, "member", 0, fe)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/groups/%d", rc.Collab.ID, g.ID), "flash.saved")
}

func (s *Server) groupMemberRemove(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	g, err := s.findGroup(r, rc)
	if err != nil {
		return err
	}
	id, err := pathID(r.PathValue("member"))
	if err != nil {
		return err
	}
	if err := s.db.RemoveGroupMember(r.Context(), rc.who(), rc.Collab.ID, g.ID, id); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/groups/%d", rc.Collab.ID, g.ID), "flash.saved")
}

func (s *Server) groupItemAdd(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	g, err := s.findGroup(r, rc)
	if err != nil {
		return err
	}
	f := r.PostForm
	it := &collab.GroupItem{GroupID: g.ID, Kind: collab.GroupItemKind(f.Get("kind")), Title: f.Get("title"), Owner: f.Get("owner"), Status: collab.ItemOpen,
		MeetingID: formID(f, "meeting")}
	fe := map[string]string{}
	if it.Due, err = collab.ParseDate(f.Get("due")); err != nil {
		fe["due"] = "error.date"
	}
	if len(fe) == 0 {
		err = s.db.SaveGroupItem(r.Context(), rc.who(), rc.Collab.ID, it)
		fe = collab.FieldErrors(err)
	}
	if len(fe) > 0 {
		return s.groupRefused(w, r, rc, "item", 0, fe)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, itemReturn(rc, g, it, f.Get("meeting")), "flash.saved")
}

// itemReturn is where saving an item goes back to: the group's meeting
// it was recorded or followed up at, or the group's page.
func itemReturn(rc *reqCtx, g *collab.Group, it *collab.GroupItem, meeting string) string {
	if id := formID(map[string][]string{"m": {meeting}}, "m"); id != 0 {
		return fmt.Sprintf("/c/%d/meetings/%d#group-items", rc.Collab.ID, id)
	}
	return fmt.Sprintf("/c/%d/groups/%d#item-%d", rc.Collab.ID, g.ID, it.ID)
}

// groupItemUpdate follows an item up: its status, owner, due date and
// what was said of it.
func (s *Server) groupItemUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	g, err := s.findGroup(r, rc)
	if err != nil {
		return err
	}
	id, err := pathID(r.PathValue("item"))
	if err != nil {
		return err
	}
	var it *collab.GroupItem
	for _, x := range g.Items {
		if x.ID == id {
			it = x
		}
	}
	if it == nil {
		return collab.ErrNotFound
	}
	f := r.PostForm
	fe := map[string]string{}
	if f.Has("title") {
		it.Title = f.Get("title")
	}
	if f.Has("owner") {
		it.Owner = f.Get("owner")
	}
	if f.Has("due") {
		if it.Due, err = collab.ParseDate(f.Get("due")); err != nil {
			fe["due"] = "error.date"
		}
	}
	if f.Has("status") {
		it.Status = collab.ItemStatus(f.Get("status"))
	}
	if f.Has("followUp") {
		it.FollowUp = f.Get("followUp")
	}
	if len(fe) == 0 {
		err = s.db.SaveGroupItem(r.Context(), rc.who(), rc.Collab.ID, it)
		fe = collab.FieldErrors(err)
	}
	if len(fe) > 0 {
		return s.groupRefused(w, r, rc, "edit", id, fe)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, itemReturn(rc, g, it, f.Get("meeting")), "flash.saved")
}
