package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/mail"
	"github.com/goeswell/goeswell/internal/password"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// resetRoutes are password resets: asked for by email from the sign-in
// page, or a link a site administrator or convener makes for a person and
// passes on (when there is no email, or it is lost).
func (s *Server) resetRoutes() []Route {
	return []Route{
		get("/login/forgot", collab.PermPublic, s.forgotForm),
		post("/login/forgot", collab.PermPublic, s.forgot),
		get("/reset/{token}", collab.PermPublic, s.resetForm),
		post("/reset/{token}", collab.PermPublic, s.reset),
		post("/c/{collab}/people/{user}/password-reset", collab.PermCollabManage, s.resetLinkCreate),
	}
}

type forgotPage struct {
	basePage
	Sent bool
}

func (s *Server) forgotForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	return s.render(w, http.StatusOK, "forgot", &forgotPage{basePage: s.base(r, rc, "reset.title")})
}

// forgot sends a reset link to an email, if it has an account and email is
// set up. The answer is the same in every case (account or not, throttled
// or not, email set up or not), and so is the work done before it: the
// account is looked up, the link made and the email sent after the
// answer, so neither the page nor its timing tells whether an account
// exists. Requests count against the sign-in throttle of the address, and
// of the email under a key of its own (so asking for a link never locks a
// person out of signing in).
func (s *Server) forgot(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	p := &forgotPage{basePage: s.base(r, rc, "reset.title")}
	email := collab.NormalizeEmail(r.PostForm.Get("email"))
	p.Form = r.PostForm
	if !collab.ValidEmail(email) {
		p.Errors = map[string]string{"email": "error.email"}
		return s.render(w, http.StatusUnprocessableEntity, "forgot", p)
	}
	att, _, err := s.db.BeginSigninAttempt(ctx, "reset:"+email, rc.addr)
	if err != nil {
		return err
	}
	if att != nil && s.mailer.Enabled() {
		who := rc.who()
		// The request's context ends with the answer, hence one of its own.
		s.inBackground(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := s.sendReset(ctx, who, email); err != nil {
				s.log.Warn("password reset email not sent", "err", err)
			}
		})
	}
	p.Sent, p.Form = true, nil
	return s.render(w, http.StatusOK, "forgot", p)
}

// sendReset makes a reset link for the account of email, if there is one,
// and emails it.
func (s *Server) sendReset(ctx context.Context, who collab.Who, email string) error {
	u, _, err := s.db.FindUserByEmail(ctx, email)
	if errors.Is(err, collab.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	token := newToken("")
	made, err := s.db.CreatePasswordReset(ctx, who, u.ID, 0, token)
	if err != nil || !made {
		return err
	}
	pr := s.cat.Printer(u.Lang)
	return s.mailer.Send(ctx, mail.Message{To: u.Email, Subject: pr.Sprintf("mail.reset_subject"),
		Body: pr.Sprintf("mail.reset_body", u.Name, int(sqlstore.ResetTTL/time.Minute), s.baseURL+"/reset/"+token)})
}

// inBackground runs f after the answer (see Server.afterAnswer).
func (s *Server) inBackground(f func()) {
	if s.afterAnswer != nil {
		s.afterAnswer(f)
		return
	}
	// #nosec G118 -- deliberately detached from the request.
	go f()
}

type resetPage struct {
	basePage
	Email string
	Token string
}

func (s *Server) resetForm(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	token := r.PathValue("token")
	u, err := s.db.PasswordResetUser(r.Context(), token)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "reset", &resetPage{basePage: s.base(r, rc, "reset.title"), Email: u.Email, Token: token})
}

// reset sets a new password from a reset link. It signs no one in: the
// person signs in through the sign-in page, second factor and all. Every
// session and API token of the person ends with the old password.
func (s *Server) reset(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	token := r.PathValue("token")
	u, err := s.db.PasswordResetUser(ctx, token)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	pw := r.PostForm.Get("password")
	v := collab.NewValidation()
	collab.ValidatePassword(v, "password", pw)
	if pw != r.PostForm.Get("password2") {
		v.Add("password2", "error.password_mismatch")
	}
	if err := v.Err(); err != nil {
		p := &resetPage{basePage: s.base(r, rc, "reset.title"), Email: u.Email, Token: token}
		p.Errors = collab.FieldErrors(err)
		return s.render(w, http.StatusUnprocessableEntity, "reset", p)
	}
	hash, err := password.Hash(pw, password.Default)
	if err != nil {
		return err
	}
	if _, err := s.db.ResetPassword(ctx, rc.who(), token, hash); err != nil {
		return err
	}
	if rc.Session != "" {
		s.clearSessionCookie(w) // ended with the others
	}
	return s.redirect(w, r, "/login", "reset.done")
}

// resetLinkCreate makes a reset link for a person of the collaborative, to
// be passed on by hand, and shows it once. Whoever makes a link could use
// it, so a convener may make one only for a member of their
// collaborative's teams who belongs to it alone, holds none of its
// roles and is not a site administrator; site
// administrators may make one for anyone. A second factor stays on: the
// link does not open an account that has one.
func (s *Server) resetLinkCreate(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	ctx := r.Context()
	uid, err := pathID(r.PathValue("user"))
	if err != nil {
		return err
	}
	target, err := s.db.LoadActor(ctx, uid)
	if err != nil {
		return err
	}
	inCollab, elsewhere := len(target.Roles[rc.Collab.ID]) > 0, false
	for c := range target.Roles {
		elsewhere = elsewhere || c != rc.Collab.ID
	}
	for _, m := range target.Teams {
		inCollab = inCollab || m.CollaborativeID == rc.Collab.ID
		elsewhere = elsewhere || m.CollaborativeID != rc.Collab.ID
	}
	if !inCollab {
		return collab.ErrNotFound
	}
	// A convener passes links on for the members of their own
	// collaborative's teams only: never for a site admin, someone with a
	// place in another collaborative, or anyone who holds a role of the
	// collaborative itself — a fellow convener, a coach, a state co-lead,
	// a funder or evaluator — whose account (often another organization's
	// person) is not theirs to take over; a site administrator makes
	// those.
	if !rc.Actor.SiteAdmin && (target.SiteAdmin || elsewhere || len(target.Roles[rc.Collab.ID]) > 0) {
		return collab.ErrForbidden
	}
	token := newToken("")
	if _, err := s.db.CreatePasswordReset(ctx, rc.who(), uid, rc.Actor.UserID, token); err != nil {
		return err
	}
	p, err := s.peopleData(r, rc)
	if err != nil {
		return err
	}
	p.ResetLink, p.ResetFor = s.baseURL+"/reset/"+token, target.Email
	return s.render(w, http.StatusOK, "people", p)
}
