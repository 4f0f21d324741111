package web

import (
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/mfa"
	"github.com/goeswell/goeswell/internal/password"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

type accountPage struct {
	basePage
	User      *collab.User
	Languages []string
	Tokens    []collab.APIToken
	NewToken  string
	// MFA is whether the second factor is on; Enrollment is set while
	// enrolling.
	MFA        bool
	Enrollment *mfa.Enrollment
	// Convener: the person convenes a collaborative, for whom a second
	// factor is recommended.
	Convener bool
}

// QRURL is the enrollment's QR code as a data: URL, which html/template
// would otherwise refuse in an img src. It is ours, made by mfa.
func (p *accountPage) QRURL() template.URL {
	if p.Enrollment == nil {
		return ""
	}
	return template.URL(p.Enrollment.QR) // #nosec G203 -- a PNG data: URL we encoded ourselves
}

func (s *Server) accountData(r *http.Request, rc *reqCtx) (*accountPage, error) {
	u, err := s.db.FindUserByID(r.Context(), rc.Actor.UserID)
	if err != nil {
		return nil, err
	}
	toks, err := s.db.APITokens(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	st, err := s.db.TOTP(r.Context(), u.ID)
	if err != nil {
		return nil, err
	}
	p := &accountPage{basePage: s.base(r, rc, "account.title"), User: u, Languages: s.cat.Languages(), Tokens: toks, MFA: st.Enabled}
	// Whoever manages a collaborative (a convener, a backbone, a role
	// granted collab.manage) is asked to turn on a second factor.
	for c := range rc.Actor.Roles {
		p.Convener = p.Convener || rc.Actor.Can(c, collab.CapCollabManage)
	}
	return p, nil
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.accountData(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "account", p)
}

func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	lang := r.PostForm.Get("lang")
	reminders := r.PostForm.Get("reminders") != ""
	zone := r.PostForm.Get("timeZone")
	v := collab.NewValidation()
	if name == "" {
		v.Add("name", "error.required")
	} else if len(name) > 200 {
		v.Add("name", "error.too_long")
	}
	// "" follows the browser.
	if lang != "" && !s.cat.Known(lang) {
		v.Add("lang", "error.invalid_choice")
	}
	// A zone is picked from the meeting forms' list, not typed; "" reads
	// each meeting in its own zone.
	if zone != "" && (!slices.Contains(timeZones, zone) && zone != rc.Actor.TimeZone) {
		v.Add("timeZone", "engagement.error.time_zone")
	}
	if err := v.Err(); err != nil {
		p, perr := s.accountData(r, rc)
		if perr != nil {
			return perr
		}
		p.Form, p.Errors = r.PostForm, collab.FieldErrors(err)
		return s.render(w, http.StatusUnprocessableEntity, "account", p)
	}
	if err := s.db.UpdateUser(r.Context(), rc.who(), rc.Actor.UserID, sqlstore.UserUpdate{Name: &name, Lang: &lang, TimeZone: &zone, Reminders: &reminders}); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "flash.saved")
}

// accountPassword changes a password; it ends the person's other sessions.
func (s *Server) accountPassword(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	ctx := r.Context()
	v := collab.NewValidation()
	hash, err := s.db.PasswordHash(ctx, rc.Actor.UserID)
	if err != nil {
		return err
	}
	if s.checkPassword(r.PostForm.Get("current"), hash) != nil {
		v.Add("current", "error.password_wrong")
	}
	pw := r.PostForm.Get("new")
	collab.ValidatePassword(v, "new", pw)
	if pw != r.PostForm.Get("new2") {
		v.Add("new2", "error.password_mismatch")
	}
	if err := v.Err(); err != nil {
		p, perr := s.accountData(r, rc)
		if perr != nil {
			return perr
		}
		p.Errors = collab.FieldErrors(err)
		return s.render(w, http.StatusUnprocessableEntity, "account", p)
	}
	h, err := password.Hash(pw, password.Default)
	if err != nil {
		return err
	}
	if err := s.db.SetPassword(ctx, rc.who(), rc.Actor.UserID, h, rc.Session); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "flash.password_changed")
}

// tokenCreate makes a personal access token and shows it once.
func (s *Server) tokenCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	name := strings.TrimSpace(r.PostForm.Get("tokenName"))
	if name == "" || len(name) > 100 {
		p, err := s.accountData(r, rc)
		if err != nil {
			return err
		}
		p.Form = r.PostForm
		p.Errors = map[string]string{"tokenName": "error.required"}
		return s.render(w, http.StatusUnprocessableEntity, "account", p)
	}
	secret := newToken("gw_")
	t := &collab.APIToken{UserID: rc.Actor.UserID, Name: name}
	if err := s.db.CreateAPIToken(r.Context(), rc.who(), t, secret); err != nil {
		return err
	}
	p, err := s.accountData(r, rc)
	if err != nil {
		return err
	}
	p.NewToken = secret
	return s.render(w, http.StatusOK, "account", p)
}

func (s *Server) tokenDelete(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	id, err := pathID(r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := s.db.DeleteAPIToken(r.Context(), rc.who(), rc.Actor.UserID, id); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "flash.token_revoked")
}
