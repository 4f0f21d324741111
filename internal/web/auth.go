package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/password"
)

type loginPage struct {
	basePage
	Next    string
	Message string
	// SSOName is the single sign-on provider's name, if one is configured.
	SSOName string
}

// safeNext keeps a post-sign-in redirect on this site: a path of its
// own, never another host. Browsers drop tabs and line breaks from a
// Location and read a backslash as a slash, so "/<tab>/evil.example" would
// be "//evil.example": a path with a control character or a backslash
// anywhere goes home.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.ContainsRune(next, '\\') ||
		strings.ContainsFunc(next, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "/"
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if rc.Actor.SignedIn() {
		return s.redirect(w, r, safeNext(r.URL.Query().Get("next")), "")
	}
	p := loginPage{basePage: s.base(r, rc, "login.title"), Next: safeNext(r.URL.Query().Get("next")), SSOName: s.ssoName()}
	return s.render(w, http.StatusOK, "login", p)
}

// login checks a password. Unknown email and wrong password get the same
// answer and take the same time (a dummy hash is checked), so sign-in
// does not reveal who has an account.
func (s *Server) login(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	email, pw := collab.NormalizeEmail(r.PostForm.Get("email")), r.PostForm.Get("password")
	p := loginPage{basePage: s.base(r, rc, "login.title"), Next: safeNext(r.PostForm.Get("next")), SSOName: s.ssoName()}
	p.Form = url.Values{"email": {email}}
	// The attempt is counted before the password is checked, so
	// concurrent guesses cannot all slip under the limit.
	att, until, err := s.db.BeginSigninAttempt(ctx, email, rc.addr)
	if err != nil {
		return err
	}
	if att == nil {
		mins := int(time.Until(until).Minutes()) + 1
		p.Message = p.T("login.throttled", mins)
		return s.render(w, http.StatusTooManyRequests, "login", p)
	}
	u, hash, err := s.db.FindUserByEmail(ctx, email)
	switch {
	case errors.Is(err, collab.ErrNotFound):
		err = s.checkPassword(pw, "")
	case err != nil:
		return err
	default:
		err = s.checkPassword(pw, hash)
	}
	if err != nil {
		if err := s.db.SigninAttemptFailed(ctx, att); err != nil {
			return err
		}
		p.Message = p.T("login.failed")
		return s.render(w, http.StatusOK, "login", p)
	}
	return s.completeSignIn(w, r, rc, u, p.Next)
}

// checkPassword checks a password against a hash, or against a dummy hash
// when hash is "" (no account, or none set yet), so both cost the same.
// Every check is counted in the metrics: sign-in's throttle promises a
// bound on them.
func (s *Server) checkPassword(pw, hash string) error {
	s.metrics.passwordChecks.Inc()
	if hash == "" {
		return password.CheckDummy(pw)
	}
	return password.Check(pw, hash)
}

// completeSignIn finishes a sign-in whose first factor (a password or the
// single sign-on provider) has passed: with a second factor on, the person
// is half signed in and sent to the code form; otherwise a session starts.
func (s *Server) completeSignIn(w http.ResponseWriter, r *http.Request, rc *reqCtx, u *collab.User, next string) error {
	ctx := r.Context()
	st, err := s.db.TOTP(ctx, u.ID)
	if err != nil {
		return err
	}
	if st.Enabled {
		// Half signed in: the cookie opens only the second-factor form.
		token := newToken("")
		if err := s.db.CreatePendingSession(ctx, token, u.ID); err != nil {
			return err
		}
		s.setSessionCookie(w, token)
		return s.redirect(w, r, "/login/totp?next="+url.QueryEscape(next), "")
	}
	if err := s.startSession(w, r, rc, u.ID, u.Email); err != nil {
		return err
	}
	return s.redirect(w, r, next, "")
}

// startSession issues a new session token on every sign-in, so a token
// planted before sign-in is worthless after it (no fixation).
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, rc *reqCtx, uid int64, email string) error {
	ctx := r.Context()
	if rc.Session != "" {
		_ = s.db.DeleteSession(ctx, rc.Session)
	}
	token := newToken("")
	if err := s.db.CreateSession(ctx, token, uid); err != nil {
		return err
	}
	if err := s.db.RecordSignin(ctx, collab.Who{UserID: uid, RemoteAddr: rc.addr}, email); err != nil {
		return err
	}
	s.setSessionCookie(w, token)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if rc.Session != "" {
		if err := s.db.DeleteSession(r.Context(), rc.Session); err != nil {
			return err
		}
		if err := s.db.RecordSignout(r.Context(), rc.who()); err != nil {
			return err
		}
	}
	s.clearSessionCookie(w)
	return s.redirect(w, r, "/login", "flash.signed_out")
}

type invitePage struct {
	basePage
	Invitation *collab.Invitation
	Target     string // team or collaborative name
	RoleLabel  string
	Token      string
	// Mine: the person signed in has the invitation's email and may
	// accept it. Someone else signed in is told so; no one else ever sees
	// whether the email has an account.
	Mine, SignedInOther bool
}

func (s *Server) loadInvite(r *http.Request, rc *reqCtx) (*invitePage, error) {
	ctx := r.Context()
	token := r.PathValue("token")
	in, err := s.db.FindInvitation(ctx, token)
	if err != nil {
		return nil, err
	}
	p := &invitePage{basePage: s.base(r, rc, "invite.title"), Invitation: in, Token: token}
	c, err := s.db.FindCollaborative(ctx, in.CollaborativeID)
	if err != nil {
		return nil, err
	}
	p.Target = c.Name
	if in.TeamID != 0 {
		t, err := s.db.FindTeam(ctx, in.CollaborativeID, in.TeamID)
		if err != nil {
			return nil, err
		}
		p.Target = t.Name + " — " + c.Name
		p.RoleLabel = p.T("role." + string(in.TeamRole))
	} else {
		p.RoleLabel = p.T("role." + string(in.CollabRole))
	}
	if rc.Actor.SignedIn() {
		p.Mine = collab.NormalizeEmail(rc.Actor.Email) == collab.NormalizeEmail(in.Email)
		p.SignedInOther = !p.Mine
	}
	return p, nil
}

// inviteForm shows an invitation. To anyone not signed in it shows the
// same page whether or not the email has an account: create an account,
// or sign in to accept.
func (s *Server) inviteForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	p, err := s.loadInvite(r, rc)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "invite", p)
}

// inviteAccept is the invitation page's post. Signed in as the invited
// email, it accepts. Otherwise it creates an account for the email — and
// never signs anyone in: a password typed here is never checked against
// an existing account (that would be a sign-in without the throttle, the
// failure record or the second factor). Whether or not an account was
// made, the answer is the same: sign in to accept. So the page reveals no
// account, and an existing account's owner is never added to a team
// without signing in and choosing to accept.
func (s *Server) inviteAccept(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	p, err := s.loadInvite(r, rc)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	if p.SignedInOther {
		return collab.ErrForbidden
	}
	if p.Mine {
		if err := s.db.AcceptInvitation(ctx, rc.who(), p.Token, rc.Actor.UserID); err != nil {
			return err
		}
		to := "/c/" + strconv.FormatInt(p.Invitation.CollaborativeID, 10)
		if p.Invitation.TeamID != 0 {
			to += "/teams/" + strconv.FormatInt(p.Invitation.TeamID, 10)
		}
		return s.redirect(w, r, to, "flash.welcome")
	}
	p.Form = r.PostForm
	v := collab.NewValidation()
	name, pw := strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("password")
	collab.ValidatePerson(v, name, p.Invitation.Email)
	collab.ValidatePassword(v, "password", pw)
	if pw != r.PostForm.Get("password2") {
		v.Add("password2", "error.password_mismatch")
	}
	if err := v.Err(); err != nil {
		p.Errors = collab.FieldErrors(err)
		return s.render(w, http.StatusUnprocessableEntity, "invite", p)
	}
	// Hashed whether or not the account exists, so both cost the same.
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
		return err
	}
	if _, err := s.db.CreateInvitedAccount(ctx, rc.who(), p.Token, name, hash); err != nil {
		return err
	}
	return s.redirect(w, r, "/login?next="+url.QueryEscape("/invite/"+p.Token), "invite.signin_to_accept")
}
