package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/mail"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

type teamsPage struct {
	basePage
	Teams []*collab.Team
	Query string
	// Total teams the search found, First and Last the numbers of the
	// ones shown, and the pages of them (see listPage).
	Total, First, Last int
	PageNo             int
	Pages              []int
	// Coach: the viewer may see members and missing roles of every team.
	Coach   bool
	Manager bool
	Kinds   []collab.TeamKind
	Sizes   []collab.OrgSize
}

// Missing lists a team's missing roles, translated.
func (p *teamsPage) Missing(t *collab.Team) string { return missingLabel(p.basePage, t) }

func missingLabel(p basePage, t *collab.Team) string {
	var out []string
	for _, r := range t.MissingRoles(p.Collab.Policy) {
		out = append(out, p.T("role."+string(r)))
	}
	return strings.Join(out, ", ")
}

func (s *Server) teamsData(r *http.Request, rc *reqCtx) (*teamsPage, error) {
	c := rc.Collab.ID
	p := &teamsPage{basePage: s.base(r, rc, "teams.title"), Query: strings.TrimSpace(r.URL.Query().Get("q")),
		Coach:   collab.Authorize(rc.Actor, collab.PermCollabCoach, c, 0) == collab.Allow,
		Manager: collab.Authorize(rc.Actor, collab.PermCollabManage, c, 0) == collab.Allow,
		Kinds:   []collab.TeamKind{collab.KindOrganization, collab.KindCommunity}, Sizes: collab.OrgSizes}
	var err error
	// Members of other teams are the coaches' to see, not the cohort's:
	// a team member's list carries team names and focus only.
	if p.Total, err = s.db.CountTeamsMatching(r.Context(), c, p.Query); err != nil {
		return nil, err
	}
	var offset int
	p.PageNo, p.Pages, offset = listPage(r, p.Total)
	p.Teams, err = s.db.Teams(r.Context(), c, sqlstore.TeamFilter{WithMembers: p.Coach, Query: p.Query, Limit: listPerPage, Offset: offset})
	p.First, p.Last = offset+1, offset+len(p.Teams)
	return p, err
}

// listPerPage is how many rows a long list (the teams, the dashboard's
// team table) shows at once: a collaborative of a thousand teams costs
// each view one page of them, and a person reads one page at a time.
const listPerPage = 50

// listPage reads the ?page= of a list of total rows: the page shown
// (the first if the number is missing or out of range), the numbers of
// the pages to link (pager) and the offset of its first row.
func listPage(r *http.Request, total int) (no int, pages []int, offset int) {
	count := max(1, (total+listPerPage-1)/listPerPage)
	no, _ = strconv.Atoi(r.URL.Query().Get("page"))
	if no < 1 || no > count {
		no = 1
	}
	return no, pager(no, count), (no - 1) * listPerPage
}

func (s *Server) teamsList(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.teamsData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "teams", p)
}

func (s *Server) teamCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	t := &collab.Team{CollaborativeID: rc.Collab.ID, Name: f.Get("name"), Kind: collab.TeamKind(f.Get("kind")), Focus: strings.TrimSpace(f.Get("focus")),
		SinglePerson: f.Get("singlePerson") != ""}
	if t.Kind == collab.KindOrganization {
		t.Org = collab.Organization{Name: f.Get("name"), Region: f.Get("region"), Sector: f.Get("sector"), Size: collab.OrgSize(f.Get("size"))}
	}
	joined, jerr := collab.ParseDate(f.Get("joinedOn"))
	t.JoinedOn = joined
	err := t.Validate()
	if jerr != nil {
		err = withFieldError(err, "joinedOn", "error.date")
	}
	if err == nil && t.Kind == collab.KindOrganization {
		if oerr := t.Org.Validate(); oerr != nil {
			err = oerr
		}
	}
	if err == nil {
		err = s.db.CreateTeam(r.Context(), rc.who(), t)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.teamsData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "teams", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d", rc.Collab.ID, t.ID), "flash.created")
}

type teamPage struct {
	basePage
	Team        *collab.Team
	Missing     string
	Invitations []*collab.Invitation
	CanManage   bool
	IsConvener  bool
	TeamRoles   []collab.TeamRole
	InviteLink  string
	InviteEmail string
	Policy      collab.Policy
}

func (s *Server) teamData(r *http.Request, rc *reqCtx) (*teamPage, error) {
	c := rc.Collab
	p := &teamPage{basePage: s.base(r, rc, "team.title"), Team: rc.Team, TeamRoles: collab.RolesFor(rc.Team.Kind), Policy: c.Policy,
		CanManage:  collab.Authorize(rc.Actor, collab.PermTeamManage, c.ID, rc.Team.ID) == collab.Allow,
		IsConvener: collab.Authorize(rc.Actor, collab.PermCollabManage, c.ID, 0) == collab.Allow}
	p.Title = rc.Team.Name
	p.Missing = missingLabel(p.basePage, rc.Team)
	if p.CanManage {
		var err error
		if p.Invitations, err = s.db.PendingInvitations(r.Context(), c.ID, rc.Team.ID); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) teamPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.teamData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "team", p)
}

func (s *Server) teamUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	name, focus := f.Get("name"), strings.TrimSpace(f.Get("focus"))
	up := sqlstore.TeamUpdate{Name: &name, Focus: &focus}
	// Only a convener may allow a small organization a single person, or
	// mark a team inactive: these change what the team owes.
	// The day the team joined is the convener's too: participation is
	// judged from it.
	var err error
	if collab.Authorize(rc.Actor, collab.PermCollabManage, rc.Collab.ID, 0) == collab.Allow {
		single, active := f.Get("singlePerson") != "", f.Get("active") != ""
		up.SinglePerson, up.Active = &single, &active
		if _, ok := f["joinedOn"]; ok {
			joined, jerr := collab.ParseDate(f.Get("joinedOn"))
			if jerr != nil {
				err = &collab.ValidationError{Fields: map[string]string{"joinedOn": "error.date"}}
			}
			up.JoinedOn = &joined
		}
	}
	if err == nil {
		_, err = s.db.UpdateTeam(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, up)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.teamData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "team", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d", rc.Collab.ID, rc.Team.ID), "flash.saved")
}

// withFieldError adds a field's message to err, a validation error or nil.
func withFieldError(err error, field, msg string) error {
	fe := collab.FieldErrors(err)
	if err != nil && fe == nil {
		return err
	}
	if fe == nil {
		fe = map[string]string{}
	}
	fe[field] = msg
	return &collab.ValidationError{Fields: fe}
}

// invite creates an invitation and either emails its link or returns it
// for the inviter to pass on.
func (s *Server) invite(ctx context.Context, rc *reqCtx, in *collab.Invitation, target string) (link string, err error) {
	token := newToken("")
	in.CollaborativeID = rc.Collab.ID
	in.InvitedBy = rc.Actor.UserID
	if err := s.db.CreateInvitation(ctx, rc.who(), in, token); err != nil {
		return "", err
	}
	link = s.baseURL + "/invite/" + token
	if s.mailer.Enabled() {
		p := s.cat.Printer(rc.Lang)
		m := mail.Message{To: in.Email, Subject: p.Sprintf("mail.invite_subject", rc.Collab.Name),
			Body: p.Sprintf("mail.invite_body", in.Name, rc.Actor.Name, target, collab.InvitationTTL.Hours()/24, link)}
		if err := s.mailer.Send(ctx, m); err != nil {
			// The invitation stands; show the link so nothing is lost.
			s.log.Warn("invitation email not sent", "err", err)
			return link, nil
		}
		return "", nil
	}
	return link, nil
}

func (s *Server) teamInvite(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	in := &collab.Invitation{TeamID: rc.Team.ID, Email: f.Get("email"), Name: f.Get("name"), TeamRole: collab.TeamRole(f.Get("role"))}
	err := in.Validate()
	var link string
	if err == nil {
		link, err = s.invite(r.Context(), rc, in, rc.Team.Name)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.teamData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "team", p)
	}
	if err != nil {
		return err
	}
	if link == "" {
		return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d", rc.Collab.ID, rc.Team.ID), "flash.invitation_sent")
	}
	p, err := s.teamData(r, rc)
	if err != nil {
		return err
	}
	p.InviteLink, p.InviteEmail = link, in.Email
	return s.render(w, http.StatusOK, "team", p)
}

// memberUpdate changes a member's designated role or takes them off the
// team (action=remove).
func (s *Server) memberUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	uid, err := pathID(r.PathValue("user"))
	if err != nil {
		return err
	}
	ctx := r.Context()
	if r.PostForm.Get("action") == "remove" {
		err = s.db.RemoveMember(ctx, rc.who(), rc.Collab.ID, rc.Team.ID, uid)
	} else {
		err = s.db.SetMemberRole(ctx, rc.who(), rc.Collab.ID, rc.Team.ID, uid, collab.TeamRole(r.PostForm.Get("role")))
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/teams/%d", rc.Collab.ID, rc.Team.ID), "flash.saved")
}

type peoplePage struct {
	basePage
	People      []*collab.Person
	Invitations []*collab.Invitation
	Manager     bool
	CollabRoles []collab.CollabRole
	InviteLink  string
	InviteEmail string
	// ResetLink is a password reset link just made for ResetFor, shown
	// once to be passed on.
	ResetLink, ResetFor string
}

func (s *Server) peopleData(r *http.Request, rc *reqCtx) (*peoplePage, error) {
	ctx := r.Context()
	p := &peoplePage{basePage: s.base(r, rc, "people.title"),
		Manager: collab.Authorize(rc.Actor, collab.PermCollabManage, rc.Collab.ID, 0) == collab.Allow}
	// Invitations offer the roles of the collaborative's program.
	set, err := s.db.RoleSettings(ctx, rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range collab.FindProgram(set.Program).Roles {
		p.CollabRoles = append(p.CollabRoles, t.Role)
	}
	if p.People, err = s.db.People(ctx, rc.Collab.ID); err != nil {
		return nil, err
	}
	if p.Manager {
		if p.Invitations, err = s.db.PendingInvitations(ctx, rc.Collab.ID, 0); err != nil {
			return nil, err
		}
	}
	return p, nil
}

func (s *Server) peoplePage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.peopleData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "people", p)
}

// staffInvite invites a person to a collaborative-level role.
func (s *Server) staffInvite(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	in := &collab.Invitation{Email: f.Get("email"), Name: f.Get("name"), CollabRole: collab.CollabRole(f.Get("role"))}
	err := in.Validate()
	var link string
	if err == nil {
		link, err = s.invite(r.Context(), rc, in, rc.Collab.Name)
	}
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.peopleData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "people", p)
	}
	if err != nil {
		return err
	}
	if link == "" {
		return s.redirect(w, r, fmt.Sprintf("/c/%d/people", rc.Collab.ID), "flash.invitation_sent")
	}
	p, err := s.peopleData(r, rc)
	if err != nil {
		return err
	}
	p.InviteLink, p.InviteEmail = link, in.Email
	return s.render(w, http.StatusOK, "people", p)
}
