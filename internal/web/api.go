package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// decode reads a JSON body strictly: duplicate keys, unknown fields,
// trailing data and bodies over the limit are refused with a message that
// says which. Duplicate keys matter because two parsers may pick different
// copies: a check and a use could then see different values.
func decode[T any](r *http.Request) (T, error) {
	var v T
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return v, err // *http.MaxBytesError for an oversized body
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return v, fmt.Errorf("%w: empty body, want a JSON object", errBadRequest)
	}
	if bytes.TrimSpace(b)[0] != '{' {
		// null would decode into the zero value and pass for an object.
		return v, fmt.Errorf("%w: want a JSON object", errBadRequest)
	}
	if err := checkDuplicateKeys(b); err != nil {
		return v, fmt.Errorf("%w: %v", errBadRequest, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, fmt.Errorf("%w: %v", errBadRequest, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return v, fmt.Errorf("%w: unexpected data after the JSON object", errBadRequest)
	}
	return v, nil
}

// checkDuplicateKeys walks the JSON tokens and refuses an object that
// names a key twice.
func checkDuplicateKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	type frame struct {
		obj  bool
		keys map[string]bool
		key  bool // the next token in this object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.key {
			if k, ok := tok.(string); ok {
				if top.keys[k] {
					return fmt.Errorf("duplicate key %q", k)
				}
				top.keys[k] = true
				top.key = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, keys: map[string]bool{}, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		// A value ended: in an object, a key comes next.
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].key = true
		}
	}
}

// The API's shapes (camelCase throughout).

type apiUser struct {
	ID        int64              `json:"id"`
	Email     string             `json:"email"`
	Name      string             `json:"name"`
	Lang      string             `json:"lang"`
	SiteAdmin bool               `json:"siteAdmin"`
	Roles     map[int64][]string `json:"roles"`
	Teams     map[int64]string   `json:"teams"`
}

type apiPolicy struct {
	RequiredRoles     []collab.TeamRole `json:"requiredRoles"`
	AllowSinglePerson bool              `json:"allowSinglePerson"`
	MinRepsPerMeeting int               `json:"minRepsPerMeeting"`
	HoursMin          float64           `json:"hoursMin"`
	HoursMax          float64           `json:"hoursMax"`
}

type apiCollab struct {
	ID        int64                      `json:"id"`
	Name      string                     `json:"name"`
	Aim       string                     `json:"aim"`
	StartDate string                     `json:"startDate"`
	EndDate   string                     `json:"endDate"`
	Status    collab.Status              `json:"status"`
	Months    int                        `json:"months"`
	Policy    apiPolicy                  `json:"policy"`
	Stats     *collab.CollaborativeStats `json:"stats,omitempty"`
}

func toAPICollab(c *collab.Collaborative) apiCollab {
	p := c.Policy
	return apiCollab{ID: c.ID, Name: c.Name, Aim: c.Aim, StartDate: c.StartDate.String(), EndDate: c.EndDate.String(), Status: c.Status, Months: c.Months(),
		Policy: apiPolicy{RequiredRoles: p.RequiredRoles, AllowSinglePerson: p.AllowSinglePerson, MinRepsPerMeeting: p.MinRepsPerMeeting, HoursMin: p.HoursMin, HoursMax: p.HoursMax}}
}

type apiOrg struct {
	ID     int64          `json:"id"`
	Name   string         `json:"name"`
	Region string         `json:"region"`
	Sector string         `json:"sector"`
	Size   collab.OrgSize `json:"size"`
}

type apiMember struct {
	UserID int64           `json:"userId"`
	Name   string          `json:"name"`
	Email  string          `json:"email"`
	Role   collab.TeamRole `json:"role"`
}

type apiTeam struct {
	ID           int64             `json:"id"`
	Name         string            `json:"name"`
	Kind         collab.TeamKind   `json:"kind"`
	Focus        string            `json:"focus"`
	Org          *apiOrg           `json:"organization,omitempty"`
	SinglePerson bool              `json:"singlePerson"`
	Active       bool              `json:"active"`
	Members      []apiMember       `json:"members,omitempty"`
	MissingRoles []collab.TeamRole `json:"missingRoles,omitempty"`
}

func toAPITeam(t *collab.Team, p collab.Policy, detail bool) apiTeam {
	out := apiTeam{ID: t.ID, Name: t.Name, Kind: t.Kind, Focus: t.Focus, SinglePerson: t.SinglePerson, Active: t.Active}
	if t.Org.ID != 0 {
		out.Org = &apiOrg{ID: t.Org.ID, Name: t.Org.Name, Region: t.Org.Region, Sector: t.Org.Sector, Size: t.Org.Size}
	}
	if detail {
		out.Members = []apiMember{}
		for _, m := range t.Members {
			out.Members = append(out.Members, apiMember{UserID: m.UserID, Name: m.Name, Email: m.Email, Role: m.Role})
		}
		out.MissingRoles = t.MissingRoles(p)
	}
	return out
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	a := rc.Actor
	u := apiUser{ID: a.UserID, Email: a.Email, Name: a.Name, Lang: a.Lang, SiteAdmin: a.SiteAdmin, Roles: map[int64][]string{}, Teams: map[int64]string{}}
	for c, rs := range a.Roles {
		for _, r := range rs {
			u.Roles[c] = append(u.Roles[c], string(r))
		}
	}
	for t, m := range a.Teams {
		u.Teams[t] = string(m.Role)
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) apiCollaboratives(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	cs, err := s.db.Collaboratives(r.Context(), rc.Actor)
	if err != nil {
		return err
	}
	out := []apiCollab{}
	for _, c := range cs {
		out = append(out, toAPICollab(c))
	}
	writeJSON(w, http.StatusOK, map[string]any{"collaboratives": out})
	return nil
}

func (s *Server) apiCollaborative(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	st, err := s.db.Stats(r.Context(), rc.Collab)
	if err != nil {
		return err
	}
	out := toAPICollab(rc.Collab)
	out.Stats = &st
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiTeams(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	coach := collab.Authorize(rc.Actor, collab.PermCollabCoach, rc.Collab.ID, 0) == collab.Allow
	ts, err := s.db.Teams(r.Context(), rc.Collab.ID, sqlstore.TeamFilter{WithMembers: coach, Query: r.URL.Query().Get("q")})
	if err != nil {
		return err
	}
	out := []apiTeam{}
	for _, t := range ts {
		out = append(out, toAPITeam(t, rc.Collab.Policy, coach))
	}
	writeJSON(w, http.StatusOK, map[string]any{"teams": out})
	return nil
}

type apiTeamInput struct {
	Name         string          `json:"name"`
	Kind         collab.TeamKind `json:"kind"`
	Focus        string          `json:"focus"`
	SinglePerson bool            `json:"singlePerson"`
	Organization *struct {
		Region string         `json:"region"`
		Sector string         `json:"sector"`
		Size   collab.OrgSize `json:"size"`
	} `json:"organization"`
}

func (s *Server) apiTeamCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[apiTeamInput](r)
	if err != nil {
		return err
	}
	t := &collab.Team{CollaborativeID: rc.Collab.ID, Name: in.Name, Kind: in.Kind, Focus: in.Focus, SinglePerson: in.SinglePerson}
	if t.Kind == collab.KindOrganization {
		t.Org = collab.Organization{Name: in.Name}
		if in.Organization != nil {
			t.Org.Region, t.Org.Sector, t.Org.Size = in.Organization.Region, in.Organization.Sector, in.Organization.Size
		}
	}
	if err := s.db.CreateTeam(r.Context(), rc.who(), t); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toAPITeam(t, rc.Collab.Policy, true))
	return nil
}

func (s *Server) apiTeam(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	writeJSON(w, http.StatusOK, toAPITeam(rc.Team, rc.Collab.Policy, true))
	return nil
}

type apiTeamPatch struct {
	Name         *string `json:"name"`
	Focus        *string `json:"focus"`
	SinglePerson *bool   `json:"singlePerson"`
	Active       *bool   `json:"active"`
}

func (s *Server) apiTeamUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[apiTeamPatch](r)
	if err != nil {
		return err
	}
	if (in.SinglePerson != nil || in.Active != nil) && collab.Authorize(rc.Actor, collab.PermCollabManage, rc.Collab.ID, 0) != collab.Allow {
		return fmt.Errorf("only a convener may change singlePerson or active: %w", collab.ErrForbidden)
	}
	t, err := s.db.UpdateTeam(r.Context(), rc.who(), rc.Collab.ID, rc.Team.ID, sqlstore.TeamUpdate{Name: in.Name, Focus: in.Focus, SinglePerson: in.SinglePerson, Active: in.Active})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toAPITeam(t, rc.Collab.Policy, true))
	return nil
}

type apiInviteInput struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

type apiInvitation struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	ExpiresAt time.Time `json:"expiresAt"`
	// Link is present when email is not configured: pass it on yourself.
	Link string `json:"link,omitempty"`
}

func (s *Server) apiTeamInvite(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[apiInviteInput](r)
	if err != nil {
		return err
	}
	inv := &collab.Invitation{TeamID: rc.Team.ID, Email: in.Email, Name: in.Name, TeamRole: collab.TeamRole(in.Role)}
	if err := inv.Validate(); err != nil {
		return err
	}
	link, err := s.invite(r.Context(), rc, inv, rc.Team.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, apiInvitation{ID: inv.ID, Email: inv.Email, Role: in.Role, ExpiresAt: inv.ExpiresAt, Link: link})
	return nil
}

type apiPerson struct {
	UserID int64               `json:"userId"`
	Name   string              `json:"name"`
	Email  string              `json:"email"`
	Roles  []collab.CollabRole `json:"roles"`
	Teams  []map[string]any    `json:"teams"`
}

func (s *Server) apiPeople(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ps, err := s.db.People(r.Context(), rc.Collab.ID)
	if err != nil {
		return err
	}
	out := []apiPerson{}
	for _, p := range ps {
		ap := apiPerson{UserID: p.UserID, Name: p.Name, Email: p.Email, Roles: p.Roles, Teams: []map[string]any{}}
		if ap.Roles == nil {
			ap.Roles = []collab.CollabRole{}
		}
		for _, t := range p.Teams {
			ap.Teams = append(ap.Teams, map[string]any{"teamId": t.TeamID, "teamName": t.TeamName, "role": t.Role})
		}
		out = append(out, ap)
	}
	writeJSON(w, http.StatusOK, map[string]any{"people": out})
	return nil
}

func (s *Server) apiPartners(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ps, err := s.db.Partners(r.Context(), rc.Collab.ID)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, p := range ps {
		out = append(out, map[string]any{"id": p.ID, "role": p.Role, "note": p.Note,
			"organization": apiOrg{ID: p.Org.ID, Name: p.Org.Name, Region: p.Org.Region, Sector: p.Org.Sector, Size: p.Org.Size}})
	}
	writeJSON(w, http.StatusOK, map[string]any{"partners": out})
	return nil
}

type apiAnswer struct {
	CriterionID int64  `json:"criterionId"`
	Criterion   string `json:"criterion,omitempty"`
	Meets       bool   `json:"meets"`
	Comment     string `json:"comment"`
}

type apiApplication struct {
	ID           int64                    `json:"id"`
	Organization apiOrg                   `json:"organization"`
	Kind         collab.TeamKind          `json:"kind"`
	Focus        string                   `json:"focus"`
	ContactName  string                   `json:"contactName"`
	ContactEmail string                   `json:"contactEmail"`
	Answers      []apiAnswer              `json:"answers"`
	Status       collab.ApplicationStatus `json:"status"`
	DecisionNote string                   `json:"decisionNote"`
	TeamID       int64                    `json:"teamId,omitempty"`
	CreatedAt    time.Time                `json:"createdAt"`
	InviteLink   string                   `json:"inviteLink,omitempty"`
}

func toAPIApplication(a *collab.Application) apiApplication {
	out := apiApplication{ID: a.ID, Organization: apiOrg{Name: a.Org.Name, Region: a.Org.Region, Sector: a.Org.Sector, Size: a.Org.Size},
		Kind: a.Kind, Focus: a.Focus, ContactName: a.ContactName, ContactEmail: a.ContactEmail, Status: a.Status, DecisionNote: a.DecisionNote,
		TeamID: a.TeamID, CreatedAt: a.CreatedAt, Answers: []apiAnswer{}}
	for _, an := range a.Answers {
		out.Answers = append(out.Answers, apiAnswer{CriterionID: an.CriterionID, Criterion: an.Criterion, Meets: an.Meets, Comment: an.Comment})
	}
	return out
}

func (s *Server) apiApplications(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	as, err := s.db.Applications(r.Context(), rc.Collab.ID)
	if err != nil {
		return err
	}
	out := []apiApplication{}
	for _, a := range as {
		out = append(out, toAPIApplication(a))
	}
	writeJSON(w, http.StatusOK, map[string]any{"applications": out})
	return nil
}

type apiApplyInput struct {
	Organization struct {
		Name   string         `json:"name"`
		Region string         `json:"region"`
		Sector string         `json:"sector"`
		Size   collab.OrgSize `json:"size"`
	} `json:"organization"`
	Kind         collab.TeamKind `json:"kind"`
	Focus        string          `json:"focus"`
	ContactName  string          `json:"contactName"`
	ContactEmail string          `json:"contactEmail"`
	Answers      []apiAnswer     `json:"answers"`
	// AgreeCommitments is the applicant's agreement to the commitments
	// (GET the collaborative's commitments on the application form).
	AgreeCommitments bool `json:"agreeCommitments"`
}

func (s *Server) apiApply(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[apiApplyInput](r)
	if err != nil {
		return err
	}
	if st := rc.Collab.Status; st == collab.StatusClosed {
		return collab.ErrNotFound
	}
	a := &collab.Application{CollaborativeID: rc.Collab.ID, Kind: in.Kind, Focus: in.Focus, ContactName: in.ContactName, ContactEmail: in.ContactEmail,
		CommitmentsAgreed: in.AgreeCommitments,
		Org:               collab.Organization{Name: in.Organization.Name, Region: in.Organization.Region, Sector: in.Organization.Sector, Size: in.Organization.Size}}
	for _, an := range in.Answers {
		a.Answers = append(a.Answers, collab.Answer{CriterionID: an.CriterionID, Meets: an.Meets, Comment: an.Comment})
	}
	if err := s.db.CreateApplication(r.Context(), rc.who(), a); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": a.ID, "status": a.Status})
	return nil
}

type apiDecisionInput struct {
	Decision string `json:"decision"` // accept or decline
	Note     string `json:"note"`
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	in, err := decode[apiDecisionInput](r)
	if err != nil {
		return err
	}
	id, err := pathID(r.PathValue("app"))
	if err != nil {
		return err
	}
	if in.Decision != "accept" && in.Decision != "decline" {
		return &collab.ValidationError{Fields: map[string]string{"decision": "error.invalid_choice"}}
	}
	token := newToken("")
	a, err := s.db.DecideApplication(r.Context(), rc.who(), rc.Collab.ID, id, sqlstore.Decision{Accept: in.Decision == "accept", Note: in.Note, InviteToken: token})
	if err != nil {
		return err
	}
	out := toAPIApplication(a)
	if a.Status == collab.AppAccepted {
		out.InviteLink = s.baseURL + "/invite/" + token
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	es, err := s.db.AuditLog(r.Context(), sqlstore.AuditFilter{CollaborativeID: rc.Collab.ID, BeforeID: before, Limit: 100})
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, e := range es {
		out = append(out, map[string]any{"id": e.ID, "at": e.At, "actorId": e.ActorID, "actorName": e.ActorName, "action": e.Action,
			"target": e.Target, "detail": e.Detail, "remoteAddr": e.RemoteAddr})
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out})
	return nil
}
