package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

type applicationsPage struct {
	basePage
	Applications []*collab.Application
	InviteLink   string
	InviteEmail  string
}

func (s *Server) applicationsData(r *http.Request, rc *reqCtx) (*applicationsPage, error) {
	apps, err := s.db.Applications(r.Context(), rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	return &applicationsPage{basePage: s.base(r, rc, "applications.title"), Applications: apps}, nil
}

func (s *Server) applicationsPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.applicationsData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "applications", p)
}

// applicationDecide accepts or declines. Accepting creates the team and
// invites the contact as its director; without email the link is shown.
func (s *Server) applicationDecide(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	id, err := pathID(r.PathValue("app"))
	if err != nil {
		return err
	}
	note := strings.TrimSpace(r.PostForm.Get("note"))
	if v := collab.NewValidation(); v.Length("note", note, 4000) {
		return v.Err()
	}
	var accept bool
	switch r.PostForm.Get("decision") {
	case "accept":
		accept = true
	case "decline":
	default:
		return &collab.ValidationError{Fields: map[string]string{"decision": "error.invalid_choice"}}
	}
	token := newToken("")
	a, err := s.db.DecideApplication(r.Context(), rc.who(), rc.Collab.ID, id, sqlstore.Decision{Accept: accept, Note: note, InviteToken: token})
	if err != nil {
		return err
	}
	if !accept {
		return s.redirect(w, r, fmt.Sprintf("/c/%d/applications", rc.Collab.ID), "flash.declined")
	}
	p, err := s.applicationsData(r, rc)
	if err != nil {
		return err
	}
	p.InviteLink, p.InviteEmail = s.baseURL+"/invite/"+token, a.ContactEmail
	return s.render(w, http.StatusOK, "applications", p)
}

type applyPage struct {
	basePage
	C        *collab.Collaborative
	Criteria []collab.Criterion
	Open     bool
	Done     bool
	Sizes    []collab.OrgSize
	// OrgCommitments are what a provider organization agrees to by
	// applying, from the collaborative's settings (issue 14).
	OrgCommitments collab.Commitments
}

// Field is the form field name of a criterion.
func (p *applyPage) Field(c collab.Criterion) string { return collab.CriterionField(c.ID) }

func (s *Server) applyData(r *http.Request, rc *reqCtx) (*applyPage, error) {
	crit, err := s.db.Criteria(r.Context(), rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	st := rc.Collab.Status
	// The apply page is public: it must not show the collaborative's menu.
	c := rc.Collab
	rc.Collab = nil
	p := &applyPage{basePage: s.base(r, rc, "apply.title"), C: c, Criteria: crit, Sizes: collab.OrgSizes, OrgCommitments: c.Commitments(collab.KindOrganization),
		Open: st == collab.StatusRecruiting || st == collab.StatusPlanning || st == collab.StatusActive}
	rc.Collab = c
	return p, nil
}

func (s *Server) applyForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.applyData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "apply", p)
}

func applicationFromForm(f url.Values, collabID int64, crit []collab.Criterion) *collab.Application {
	a := &collab.Application{CollaborativeID: collabID, Kind: collab.TeamKind(f.Get("kind")), Focus: strings.TrimSpace(f.Get("focus")),
		ContactName: f.Get("contactName"), ContactEmail: f.Get("contactEmail"), CommitmentsAgreed: f.Get("agreeCommitments") != "",
		Org: collab.Organization{Name: f.Get("orgName"), Region: f.Get("region"), Sector: f.Get("sector"), Size: collab.OrgSize(f.Get("size"))}}
	for _, c := range crit {
		field := collab.CriterionField(c.ID)
		a.Answers = append(a.Answers, collab.Answer{CriterionID: c.ID, Meets: f.Get(field) == "yes", Comment: strings.TrimSpace(f.Get(field + "Comment"))})
	}
	return a
}

func (s *Server) apply(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	p, err := s.applyData(r, rc)
	if err != nil {
		return err
	}
	if !p.Open {
		return collab.ErrNotFound
	}
	a := applicationFromForm(r.PostForm, rc.Collab.ID, p.Criteria)
	err = s.db.CreateApplication(r.Context(), rc.who(), a)
	if fe := collab.FieldErrors(err); fe != nil {
		p.Form, p.Errors = r.PostForm, fe
		return s.render(w, http.StatusUnprocessableEntity, "apply", p)
	}
	if err != nil {
		return err
	}
	p.Done = true
	return s.render(w, http.StatusOK, "apply", p)
}

type partnersPage struct {
	basePage
	Partners []collab.Partner
	Manager  bool
	Roles    []collab.PartnerRole
	Sizes    []collab.OrgSize
}

func (s *Server) partnersData(r *http.Request, rc *reqCtx) (*partnersPage, error) {
	ps, err := s.db.Partners(r.Context(), rc.Collab.ID)
	if err != nil {
		return nil, err
	}
	return &partnersPage{basePage: s.base(r, rc, "partners.title"), Partners: ps, Roles: collab.PartnerRoles, Sizes: collab.OrgSizes,
		Manager: collab.Authorize(rc.Actor, collab.PermCollabManage, rc.Collab.ID, 0) == collab.Allow}, nil
}

func (s *Server) partnersPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.partnersData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "partners", p)
}

func (s *Server) partnerCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	f := r.PostForm
	pt := &collab.Partner{CollaborativeID: rc.Collab.ID, Role: collab.PartnerRole(f.Get("role")), Note: strings.TrimSpace(f.Get("note")),
		Org: collab.Organization{Name: f.Get("orgName"), Region: f.Get("region"), Sector: f.Get("sector"), Size: collab.OrgSize(f.Get("size"))}}
	err := s.db.CreatePartner(r.Context(), rc.who(), pt)
	if fe := collab.FieldErrors(err); fe != nil {
		p, perr := s.partnersData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = f, fe
		return s.render(w, http.StatusUnprocessableEntity, "partners", p)
	}
	if err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/partners", rc.Collab.ID), "flash.created")
}

func (s *Server) partnerDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("partner"))
	if err != nil {
		return err
	}
	if err := s.db.DeletePartner(r.Context(), rc.who(), rc.Collab.ID, id); err != nil {
		return err
	}
	return s.redirect(w, r, fmt.Sprintf("/c/%d/partners", rc.Collab.ID), "flash.deleted")
}

type auditPage struct {
	basePage
	Entries []collab.AuditEntry
	Older   int64
	has     func(key string) bool
}

// Action names an audit row's action in the reader's words, from the
// catalog's "audit.do.<action>"; an action without words (one added
// without its catalog entry) reads as its code, never as a raw key.
func (p auditPage) Action(code string) string {
	if key := "audit.do." + code; p.has(key) {
		return p.T(key)
	}
	return code
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	es, err := s.db.AuditLog(r.Context(), sqlstore.AuditFilter{CollaborativeID: rc.Collab.ID, BeforeID: before, Limit: 100})
	if err != nil {
		return err
	}
	p := auditPage{basePage: s.base(r, rc, "audit.title"), Entries: es, has: s.cat.Has}
	if len(es) == 100 {
		p.Older = es[len(es)-1].ID
	}
	return s.render(w, http.StatusOK, "audit", p)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, err := w.Write([]byte("ok\n"))
	return err
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	detail, err := s.ready(r.Context())
	if err != nil {
		s.log.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, err = w.Write([]byte("not ready: " + err.Error() + "\n"))
		return err
	}
	// The second line is what the database says about durability
	// (journal_mode=wal synchronous=2 on SQLite), for operators and for
	// the crash test, which checks the serving process's own connection.
	_, err = w.Write([]byte("ready\n" + string(s.db.Dialect) + ": " + detail + "\n"))
	return err
}
