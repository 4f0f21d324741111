package web

import (
	"fmt"
	"net/http"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/engage"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// communityRoutes are issue 14's people without accounts: community members
// and lived-experience partners a convener records by name, contact and
// preferred payment method, optionally on a team or in a group, so they
// can be paid stipends, attend meetings and be counted without signing
// in, and invited to an account later if they wish.
func (s *Server) communityRoutes() []Route {
	const p = "/c/{collab}/community-people/{person}"
	return []Route{
		get("/c/{collab}/community-people", collab.PermCollabManage, s.communityPeoplePage),
		post("/c/{collab}/community-people", collab.PermCollabManage, s.communityPersonCreate),
		get(p, collab.PermCollabManage, s.communityPersonPage),
		post(p, collab.PermCollabManage, s.communityPersonUpdate),
		post(p+"/invite", collab.PermCollabManage, s.communityPersonInvite),
		post("/c/{collab}/meetings/{meeting}/people-attendance", collab.PermCollabManage, s.personAttendanceSave),
	}
}

type communityPeoplePage struct {
	basePage
	People  []*collab.CommunityPerson
	Person  *collab.CommunityPerson // the one shown, on its own page
	Teams   []*collab.Team
	Groups  []*collab.Group
	Methods []collab.PaymentMethod
	// Roles are the roles the person may be invited to on their team.
	Roles                   []collab.TeamRole
	InviteLink, InviteEmail string
}

func (s *Server) communityPeopleData(r *http.Request, rc *reqCtx) (*communityPeoplePage, error) {
	ctx := r.Context()
	p := &communityPeoplePage{basePage: s.base(r, rc, "community.title"), Methods: collab.PaymentMethods}
	var err error
	if p.People, err = s.db.CommunityPeople(ctx, rc.Collab.ID); err != nil {
		return nil, err
	}
	if p.Teams, err = s.db.Teams(ctx, rc.Collab.ID, sqlstore.TeamFilter{}); err != nil {
		return nil, err
	}
	if p.Groups, err = s.db.Groups(ctx, rc.Collab.ID); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) communityPeoplePage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.communityPeopleData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "community_people", p)
}

// personFromForm reads the person form's fields over p.
func personFromForm(r *http.Request, p *collab.CommunityPerson) {
	f := r.PostForm
	p.Name, p.Contact = f.Get("personName"), f.Get("contact")
	p.PaymentMethod = collab.PaymentMethod(f.Get("paymentMethod"))
	p.TeamID, p.GroupID = formID(f, "team"), formID(f, "group")
}

func (s *Server) communityPersonCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	pe := &collab.CommunityPerson{CollaborativeID: rc.Collab.ID}
	personFromForm(r, pe)
	err := s.db.SaveCommunityPerson(r.Context(), rc.who(), pe)
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.communityPeopleData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "community_people", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/community-people/%d", rc.Collab.ID, pe.ID), "flash.created")
}

func (s *Server) communityPersonData(r *http.Request, rc *reqCtx) (*communityPeoplePage, error) {
	id, err := pathID(r.PathValue("person"))
	if err != nil {
		return nil, err
	}
	pe, err := s.db.FindCommunityPerson(r.Context(), rc.Collab.ID, id)
	if err != nil {
		return nil, err
	}
	p, err := s.communityPeopleData(r, rc)
	if err != nil {
		return nil, err
	}
	p.Person, p.Title = pe, pe.Name
	for _, t := range p.Teams {
		if t.ID == pe.TeamID {
			p.Roles = collab.RolesFor(t.Kind)
		}
	}
	return p, nil
}

func (s *Server) communityPersonPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.communityPersonData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "community_person", p)
}

func (s *Server) communityPersonUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	p, err := s.communityPersonData(r, rc)
	if err != nil {
		return err
	}
	pe := *p.Person
	personFromForm(r, &pe)
	err = s.db.SaveCommunityPerson(r.Context(), rc.who(), &pe)
	if fe := collab.FieldErrors(err); fe != nil {
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "community_person", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/community-people/%d", rc.Collab.ID, pe.ID), "flash.saved")
}

// communityPersonInvite offers a person an account on their team: when
// they accept, their record links to it and their history follows.
func (s *Server) communityPersonInvite(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	p, err := s.communityPersonData(r, rc)
	if err != nil {
		return err
	}
	pe := p.Person
	f := r.PostForm
	in := &collab.Invitation{TeamID: pe.TeamID, Email: f.Get("email"), Name: pe.Name, TeamRole: collab.TeamRole(f.Get("role")), PersonID: pe.ID}
	switch {
	case pe.HasAccount():
		err = &collab.ValidationError{Fields: map[string]string{"email": "community.error.has_account"}}
	case pe.TeamID == 0:
		err = &collab.ValidationError{Fields: map[string]string{"role": "community.error.needs_team"}}
	default:
		err = in.Validate()
	}
	var link string
	if err == nil {
		link, err = s.invite(r.Context(), rc, in, pe.TeamName)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "community_person", p)
	}
	if err != nil {
		return err
	}
	if link == "" {
		return s.redirect(w, r, fmt.Sprintf("/c/%d/community-people/%d", rc.Collab.ID, pe.ID), "flash.invitation_sent")
	}
	p.InviteLink, p.InviteEmail = link, in.Email
	return s.render(w, http.StatusOK, "community_person", p)
}

// PersonRow is a person without an account's line of a meeting's
// attendance.
type PersonRow struct {
	*collab.CommunityPerson
	Status engage.Status
}

// personAttendanceSave records people without accounts at a meeting: a
// status per person (empty for not recorded).
func (s *Server) personAttendanceSave(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	m, err := s.loadMeeting(r, rc)
	if err != nil {
		return err
	}
	var recs []engage.PersonAttendance
	for _, v := range r.PostForm["person"] {
		id := formID(map[string][]string{"id": {v}}, "id")
		if id == 0 {
			continue
		}
		recs = append(recs, engage.PersonAttendance{PersonID: id, Status: engage.Status(r.PostForm.Get(fmt.Sprint("person-", id)))})
	}
	err = s.db.SetPersonAttendance(r.Context(), rc.who(), rc.Collab.ID, m.ID, recs)
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.meetingData(r, rc, m)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "meeting", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/meetings/%d#people-attendance", rc.Collab.ID, m.ID), "flash.saved")
}
