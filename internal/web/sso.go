package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/goeswell/goeswell/internal/collab"
)

// OIDCConfig turns on single sign-on through an OpenID Connect provider.
// Single sign-on signs in existing accounts by their verified email; it
// creates none (people still join by invitation).
type OIDCConfig struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// Name is the provider's name on the sign-in button.
	Name string
}

// sso is the configured provider, discovered on first use so that the
// server starts even when the provider is down.
type sso struct {
	cfg      OIDCConfig
	redirect string
	mu       sync.Mutex
	provider *oidc.Provider
}

func (p *sso) discover(ctx context.Context) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.provider != nil {
		return p.provider, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	pr, err := oidc.NewProvider(ctx, p.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover OpenID provider %s: %w", p.cfg.Issuer, err)
	}
	p.provider = pr
	return pr, nil
}

func (p *sso) oauth(pr *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, Endpoint: pr.Endpoint(),
		RedirectURL: p.redirect, Scopes: []string{oidc.ScopeOpenID, "email", "profile"}}
}

func (s *Server) ssoRoutes() []Route {
	return []Route{
		post("/login/sso", collab.PermPublic, s.ssoStart),
		get("/login/sso/callback", collab.PermPublic, s.ssoCallback),
	}
}

const ssoCookie = "goeswell_sso"

// ssoStart sends the browser to the provider. State, nonce and the PKCE
// verifier travel in a short-lived HttpOnly cookie scoped to the callback.
func (s *Server) ssoStart(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if s.sso == nil {
		return collab.ErrNotFound
	}
	pr, err := s.sso.discover(r.Context())
	if err != nil {
		s.log.Warn("single sign-on unavailable", "err", err)
		return s.renderLoginMessage(w, r, rc, "sso.unavailable")
	}
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	state, nonce, verifier := newToken(""), newToken(""), oauth2.GenerateVerifier()
	next := safeNext(r.PostForm.Get("next"))
	v := url.Values{"s": {state}, "n": {nonce}, "v": {verifier}, "next": {next}}
	// #nosec G124 -- HttpOnly, SameSite=Lax (the provider's redirect is a top-level GET), Secure with an https base URL.
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: v.Encode(), Path: "/login/sso", MaxAge: 600, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	to := s.sso.oauth(pr).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	// #nosec G710 -- the provider's own authorization endpoint, from its discovery document.
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// ssoCallback checks the provider's answer and signs the person in.
func (s *Server) ssoCallback(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if s.sso == nil {
		return collab.ErrNotFound
	}
	ctx := r.Context()
	email, next, err := s.ssoIdentity(r)
	// #nosec G124 -- clearing the cookie.
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: "", Path: "/login/sso", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	if err != nil {
		s.log.Info("single sign-on refused", "err", err)
		return s.renderLoginMessage(w, r, rc, "sso.failed")
	}
	u, _, err := s.db.FindUserByEmail(ctx, email)
	if errors.Is(err, collab.ErrNotFound) {
		if err := s.db.RecordSigninFailure(ctx, email, rc.addr); err != nil {
			return err
		}
		return s.renderLoginMessage(w, r, rc, "sso.no_account")
	}
	if err != nil {
		return err
	}
	if throttled, _, err := s.db.SigninThrottled(ctx, email, rc.addr); err != nil || throttled {
		if err != nil {
			return err
		}
		return s.renderLoginMessage(w, r, rc, "sso.failed")
	}
	return s.completeSignIn(w, r, rc, u, next)
}

// ssoIdentity returns the verified email the provider vouches for.
func (s *Server) ssoIdentity(r *http.Request) (email, next string, err error) {
	c, err := r.Cookie(ssoCookie)
	if err != nil {
		return "", "", errors.New("no sign-on in progress (cookie missing)")
	}
	v, err := url.ParseQuery(c.Value)
	if err != nil {
		return "", "", errors.New("bad sign-on cookie")
	}
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return "", "", fmt.Errorf("provider answered %s: %s", e, q.Get("error_description"))
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(v.Get("s"))) != 1 || v.Get("s") == "" {
		return "", "", errors.New("state does not match")
	}
	pr, err := s.sso.discover(r.Context())
	if err != nil {
		return "", "", err
	}
	tok, err := s.sso.oauth(pr).Exchange(r.Context(), q.Get("code"), oauth2.VerifierOption(v.Get("v")))
	if err != nil {
		return "", "", fmt.Errorf("exchange code: %w", err)
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return "", "", errors.New("no id_token in the token response")
	}
	idt, err := pr.Verifier(&oidc.Config{ClientID: s.sso.cfg.ClientID}).Verify(r.Context(), raw)
	if err != nil {
		return "", "", fmt.Errorf("verify id_token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(v.Get("n"))) != 1 {
		return "", "", errors.New("nonce does not match")
	}
	var claims struct {
		Email    string `json:"email"`
		Verified bool   `json:"email_verified"`
	}
	if err := idt.Claims(&claims); err != nil {
		return "", "", fmt.Errorf("read claims: %w", err)
	}
	if claims.Email == "" || !claims.Verified {
		return "", "", errors.New("the provider did not vouch for an email address")
	}
	return strings.ToLower(claims.Email), safeNext(v.Get("next")), nil
}

func (s *Server) renderLoginMessage(w http.ResponseWriter, r *http.Request, rc *reqCtx, key string) error {
	p := loginPage{basePage: s.base(r, rc, "login.title"), Next: "/", SSOName: s.ssoName()}
	p.Message = p.T(key)
	return s.render(w, http.StatusOK, "login", p)
}

func (s *Server) ssoName() string {
	if s.sso == nil {
		return ""
	}
	return s.sso.cfg.Name
}
