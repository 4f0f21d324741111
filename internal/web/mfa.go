package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/mfa"
)

// mfaRoutes are the optional second factor: the code form after the
// password, and enrolling and removing it in account settings.
func (s *Server) mfaRoutes() []Route {
	return []Route{
		get("/login/totp", collab.PermPublic, s.totpForm),
		post("/login/totp", collab.PermPublic, s.totpCheck),
		post("/account/totp/setup", collab.PermSignedIn, s.totpSetup),
		post("/account/totp/enable", collab.PermSignedIn, s.totpEnable),
		post("/account/totp/disable", collab.PermSignedIn, s.totpDisable),
	}
}

type totpPage struct {
	basePage
	Next    string
	Message string
}

// pendingUser returns the user of the request's half-signed-in session.
func (s *Server) pendingUser(r *http.Request) (int64, string, error) {
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" {
		return 0, "", collab.ErrUnauthorized
	}
	uid, err := s.db.PendingSessionUser(r.Context(), c.Value)
	return uid, c.Value, err
}

func (s *Server) totpForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if _, _, err := s.pendingUser(r); err != nil {
		return s.redirect(w, r, "/login", "")
	}
	p := totpPage{basePage: s.base(r, rc, "mfa.title"), Next: safeNext(r.URL.Query().Get("next"))}
	return s.render(w, http.StatusOK, "totp", &p)
}

// totpCheck completes sign-in with a code. Failures count towards the same
// throttle as passwords, so six digits cannot be guessed.
func (s *Server) totpCheck(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	uid, pending, err := s.pendingUser(r)
	if err != nil {
		return s.redirect(w, r, "/login", "")
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	u, err := s.db.FindUserByID(ctx, uid)
	if err != nil {
		return err
	}
	p := totpPage{basePage: s.base(r, rc, "mfa.title"), Next: safeNext(r.PostForm.Get("next"))}
	// Counted before the code is checked, with the passwords: six digits
	// cannot be guessed by racing requests either.
	att, _, err := s.db.BeginSigninAttempt(ctx, u.Email, rc.addr)
	if err != nil {
		return err
	}
	if att == nil {
		_ = s.db.DeleteSession(ctx, pending)
		return s.redirect(w, r, "/login", "")
	}
	st, err := s.db.TOTP(ctx, uid)
	if err != nil {
		return err
	}
	code := strings.ReplaceAll(strings.TrimSpace(r.PostForm.Get("code")), " ", "")
	step, ok := mfa.Check(st.Secret, code, s.db.Now(), st.LastStep)
	if ok {
		ok, err = s.db.UseTOTPStep(ctx, uid, step)
		if err != nil {
			return err
		}
	}
	if !ok {
		if err := s.db.SigninAttemptFailed(ctx, att); err != nil {
			return err
		}
		p.Message = p.T("mfa.wrong")
		return s.render(w, http.StatusOK, "totp", &p)
	}
	rc.Session = pending // startSession ends it and issues a new token
	if err := s.startSession(w, r, rc, uid, u.Email); err != nil {
		return err
	}
	return s.redirect(w, r, p.Next, "")
}

// totpSetup starts enrolling: a new secret, shown as a QR code and text,
// which a code must confirm before it is required.
func (s *Server) totpSetup(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	st, err := s.db.TOTP(r.Context(), rc.Actor.UserID)
	if err != nil {
		return err
	}
	if st.Enabled {
		return collab.ErrConflict
	}
	e, err := mfa.NewEnrollment("goeswell", rc.Actor.Email)
	if err != nil {
		return err
	}
	if err := s.db.SetTOTPSecret(r.Context(), rc.who(), rc.Actor.UserID, e.Secret); err != nil {
		return err
	}
	p, err := s.accountData(r, rc)
	if err != nil {
		return err
	}
	p.Enrollment = e
	return s.render(w, http.StatusOK, "account", p)
}

func (s *Server) totpEnable(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	ctx := r.Context()
	st, err := s.db.TOTP(ctx, rc.Actor.UserID)
	if err != nil {
		return err
	}
	if st.Secret == "" || st.Enabled {
		return s.redirect(w, r, "/account", "")
	}
	step, ok := mfa.Check(st.Secret, strings.ReplaceAll(strings.TrimSpace(r.PostForm.Get("code")), " ", ""), s.db.Now(), 0)
	if !ok {
		p, err := s.accountData(r, rc)
		if err != nil {
			return err
		}
		// Show the same secret again so the person can retry.
		p.Enrollment, _ = mfaEnrollmentFor(st.Secret, rc.Actor.Email)
		p.Errors = map[string]string{"code": "mfa.wrong"}
		return s.render(w, http.StatusUnprocessableEntity, "account", p)
	}
	if err := s.db.EnableTOTP(ctx, rc.who(), rc.Actor.UserID, step); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "mfa.enabled")
}

func (s *Server) totpDisable(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	ctx := r.Context()
	hash, err := s.db.PasswordHash(ctx, rc.Actor.UserID)
	if err != nil {
		return err
	}
	if s.checkPassword(r.PostForm.Get("mfaPassword"), hash) != nil {
		p, err := s.accountData(r, rc)
		if err != nil {
			return err
		}
		p.Errors = map[string]string{"mfaPassword": "error.password_wrong"}
		return s.render(w, http.StatusUnprocessableEntity, "account", p)
	}
	if err := s.db.DisableTOTP(ctx, rc.who(), rc.Actor.UserID); err != nil {
		return err
	}
	return s.redirect(w, r, "/account", "mfa.disabled")
}

// mfaEnrollmentFor rebuilds the enrollment view of an existing secret.
func mfaEnrollmentFor(secret, account string) (*mfa.Enrollment, error) {
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/goeswell:" + account,
		RawQuery: url.Values{"secret": {secret}, "issuer": {"goeswell"}}.Encode()}
	return &mfa.Enrollment{Secret: secret, URL: u.String()}, nil
}
