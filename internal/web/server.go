// Package web is goeswell's HTTP adapter: the server-rendered UI and the
// JSON API under /api/v1. Both are declared in one route table
// (routes.go), where every route names the permission it needs; one
// wrapper loads who is asking and the collaborative and team the path
// names, checks that permission, and only then calls the handler. Handlers
// stay thin: parse, call the store, render.
package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/i18n"
	"github.com/goeswell/goeswell/internal/mail"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// Config configures a Server.
type Config struct {
	DB      *sqlstore.DB
	Logger  *slog.Logger
	Mailer  *mail.Sender
	Version string
	// BaseURL is the address people reach the server at, used in links
	// sent by email. An https URL also turns on Secure cookies and HSTS.
	BaseURL string
	// TrustProxy takes the client address from X-Forwarded-For, for a
	// server behind a load balancer.
	TrustProxy bool
	// FilesDir is where uploaded files (the resource library) are stored,
	// under random names. Empty means a "files" folder beside a SQLite
	// database; with PostgreSQL it must be set (a folder every replica
	// shares), or uploads are refused.
	FilesDir string
	// OIDC, when its Issuer is set, offers single sign-on.
	OIDC OIDCConfig
	// TileURL is a map tile server's URL template ({z}/{x}/{y}) for the
	// asset maps; empty draws maps without tiles.
	TileURL string
}

// Server serves the UI and the API.
type Server struct {
	// mux answers which route a path is, for the language switch's way back.
	mux     *http.ServeMux
	db      *sqlstore.DB
	log     *slog.Logger
	mailer  *mail.Sender
	cat     *i18n.Catalog
	pages   map[string]func() (*template.Template, error)
	routes  []Route
	handler http.Handler
	metrics *metrics
	version string
	baseURL string
	secure  bool
	trustXF bool
	static  *staticFiles
	openapi []byte
	sso     *sso
	tileURL string
	imgSrc  string
	// filesDir holds uploaded files; "" refuses uploads.
	filesDir string
	// imports holds a token for each import running (imports.go).
	imports chan struct{}
	// afterAnswer runs work that must not delay or shape an answer (a
	// password reset's lookup and email); nil runs it in a goroutine.
	// Tests set it to run the work when they choose.
	afterAnswer func(func())
}

// New builds a server.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	s := &Server{db: cfg.DB, log: cfg.Logger, mailer: cfg.Mailer, cat: cat, version: cfg.Version,
		baseURL: strings.TrimRight(cfg.BaseURL, "/"), secure: strings.HasPrefix(cfg.BaseURL, "https://"), trustXF: cfg.TrustProxy,
		tileURL: cfg.TileURL, imgSrc: tileOrigin(cfg.TileURL)}
	if cfg.OIDC.Issuer != "" {
		if cfg.OIDC.Name == "" {
			cfg.OIDC.Name = cfg.OIDC.Issuer
		}
		s.sso = &sso{cfg: cfg.OIDC, redirect: s.baseURL + "/login/sso/callback"}
	}
	s.filesDir = cfg.FilesDir
	s.imports = make(chan struct{}, maxImports)
	if s.filesDir == "" && cfg.DB != nil {
		s.filesDir = cfg.DB.FilesDir()
	}
	if s.static, err = loadStatic(); err != nil {
		return nil, err
	}
	if s.openapi, err = buildOpenAPI(); err != nil {
		return nil, err
	}
	if s.pages, err = s.parseTemplates(); err != nil {
		return nil, err
	}
	s.metrics = newMetrics()
	s.routes = s.routeTable()
	mux := http.NewServeMux()
	s.mux = mux
	for _, rt := range s.routes {
		mux.Handle(rt.Method+" "+rt.Pattern, s.wrap(rt))
	}
	mux.Handle("GET /static/", s.static)
	mux.Handle("/", s.wrap(Route{Pattern: "/", Perm: collab.PermPublic, Handler: func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
		return collab.ErrNotFound
	}}))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, &reqCtx{Lang: "en"}, fmt.Errorf("cross-origin request: %w", collab.ErrForbidden))
	}))
	s.handler = s.securityHeaders(s.metrics.instrument(s.log, compress(cop.Handler(mux))))
	return s, nil
}

// Handler returns the server's root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes returns the route table, for tests and the OpenAPI check.
func (s *Server) Routes() []Route { return s.routes }

// securityHeaders sets the headers every response carries, errors and
// static files included. The CSP allows only our own scripts and styles:
// no inline code, so an injected <script> cannot run.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:"+s.imgSrc+"; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Invitation links carry their token in the path; never leak it.
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if s.secure {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// tileOrigin is the CSP source for a tile URL template, so map tiles may
// load: "https://{s}.tile.example.org/{z}/{x}/{y}.png" becomes
// " https://*.tile.example.org".
func tileOrigin(tmpl string) string {
	if tmpl == "" {
		return ""
	}
	scheme, rest, ok := strings.Cut(tmpl, "://")
	if !ok {
		return ""
	}
	host, _, _ := strings.Cut(rest, "/")
	host = strings.ReplaceAll(host, "{s}", "*")
	if host == "" || strings.ContainsAny(host, " ;'{}") {
		return ""
	}
	return " " + scheme + "://" + host
}

// reqCtx is what the wrapper hands a handler: who is asking, in which
// language, and the collaborative and team the path names, already
// loaded and authorized.
type reqCtx struct {
	Actor  *collab.Actor
	Lang   string
	Collab *collab.Collaborative
	Team   *collab.Team
	// Session is the raw session token, when signed in by cookie.
	Session string
	API     bool
	addr    string
}

// who is the audit identity of the request.
func (rc *reqCtx) who() collab.Who {
	w := collab.Who{RemoteAddr: rc.addr}
	if rc.Actor != nil {
		w.UserID = rc.Actor.UserID
	}
	return w
}

type handlerFunc func(w http.ResponseWriter, r *http.Request, rc *reqCtx) error

// wrap is the one layer every route goes through.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := &reqCtx{API: rt.API || strings.HasPrefix(r.URL.Path, "/api/")}
		if !rt.Anonymous {
			rc.addr = s.remoteAddr(r)
		}
		err := s.authorize(r, rt, rc)
		if err == nil {
			if rt.Mutates && r.Method != http.MethodGet {
				limit := int64(maxBody)
				if rt.MaxBody > 0 {
					limit = rt.MaxBody
				}
				r.Body = http.MaxBytesReader(w, r.Body, limit)
				if s.oversizedForm(w, r, rt, rc) {
					return
				}
				r, err = s.idempotent(r, rc)
			}
			if err == nil && rt.Audited {
				err = s.auditRead(r, rc)
			}
			if err == nil && rt.Import {
				var done func()
				if done, err = s.enterImport(r); err == nil {
					defer done()
				}
			}
			if err == nil {
				err = rt.Handler(w, r, rc)
			}
			if errors.Is(err, sqlstore.ErrAlreadyApplied) {
				// A retry of a write that was made: say so, change nothing.
				w.Header().Set("Idempotent-Replayed", "true")
				writeJSON(w, http.StatusOK, map[string]bool{"replayed": true})
				err = nil
			}
		}
		if err != nil {
			s.renderError(w, r, rc, err)
		}
	})
}

const maxBody = 1 << 20

// auditRead records an export or a view of sensitive results before it is
// served: if the record cannot be written, nothing is handed over.
func (s *Server) auditRead(r *http.Request, rc *reqCtx) error {
	var cid int64
	if rc.Collab != nil {
		cid = rc.Collab.ID
	}
	target := r.Pattern
	if q := r.URL.Query(); len(q) > 0 {
		q.Del("token")
		target += "?" + q.Encode()
	}
	// The pattern, not the path: a path may carry a token.
	return s.db.Audit(r.Context(), rc.who(), cid, "export", target, "")
}

// idempotent attaches the request's Idempotency-Key (API writes by a
// signed-in person) to its context, so the write it makes records the key
// and a retry is recognised.
func (s *Server) idempotent(r *http.Request, rc *reqCtx) (*http.Request, error) {
	key := r.Header.Get("Idempotency-Key")
	if key == "" || !rc.API || !rc.Actor.SignedIn() {
		return r, nil
	}
	if len(key) > 200 {
		return r, fmt.Errorf("%w: Idempotency-Key longer than 200 characters", errBadRequest)
	}
	return r.WithContext(sqlstore.WithIdempotencyKey(r.Context(), rc.Actor.UserID, key)), nil
}

func (s *Server) remoteAddr(r *http.Request) string {
	if s.trustXF {
		if xf := r.Header.Get("X-Forwarded-For"); xf != "" {
			return strings.TrimSpace(strings.Split(xf, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// authorize loads the actor and the path's objects and applies the route's
// permission.
func (s *Server) authorize(r *http.Request, rt Route, rc *reqCtx) error {
	ctx := r.Context()
	if rt.Anonymous {
		// Not even a session is read: an anonymous answer is not tied to
		// a signed-in person, not even by a session's last-seen time.
		rc.Actor = &collab.Actor{}
		rc.Lang = s.cat.Match(s.chosenLang(r, ""), r.Header.Get("Accept-Language"))
		return nil
	}
	uid, token, err := s.identify(r, rc.API)
	if err != nil {
		return err
	}
	rc.Actor = &collab.Actor{}
	if uid != 0 {
		if rc.Actor, err = s.db.LoadActor(ctx, uid); err != nil {
			if errors.Is(err, collab.ErrNotFound) {
				return collab.ErrUnauthorized
			}
			return err
		}
		rc.Session = token
	}
	rc.Lang = s.cat.Match(s.chosenLang(r, rc.Actor.Lang), r.Header.Get("Accept-Language"))

	var cid, tid int64
	if v := r.PathValue("collab"); v != "" {
		if cid, err = pathID(v); err != nil {
			return err
		}
		if rc.Collab, err = s.db.FindCollaborative(ctx, cid); err != nil {
			// Answer an unknown collaborative like a forbidden one for
			// anyone who must sign in first, so ids cannot be probed.
			if rt.Perm != collab.PermPublic && !rc.Actor.SignedIn() {
				return collab.ErrUnauthorized
			}
			return err
		}
	}
	if v := r.PathValue("team"); v != "" {
		if tid, err = pathID(v); err != nil {
			return err
		}
	}
	switch collab.Authorize(rc.Actor, rt.Perm, cid, tid) {
	case collab.DenySignIn:
		return collab.ErrUnauthorized
	case collab.Deny403:
		return collab.ErrForbidden
	case collab.Deny404:
		return collab.ErrNotFound
	}
	if tid != 0 {
		// The team must belong to the collaborative in the path: a team id
		// from elsewhere is not found here, whoever asks.
		if rc.Team, err = s.db.FindTeam(ctx, cid, tid); err != nil {
			return err
		}
	}
	return nil
}

func pathID(v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("bad id %q: %w", v, collab.ErrNotFound)
	}
	return id, nil
}

// Session cookie names. The __Host- prefix (only with Secure) pins the
// cookie to this host and path.
func (s *Server) cookieName() string {
	if s.secure {
		return "__Host-goeswell"
	}
	return "goeswell"
}

// identify finds the signed-in user from the session cookie or, for the
// API, a bearer token.
func (s *Server) identify(r *http.Request, api bool) (int64, string, error) {
	ctx := r.Context()
	if auth := r.Header.Get("Authorization"); auth != "" {
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || !api {
			return 0, "", collab.ErrUnauthorized
		}
		uid, err := s.db.APITokenUser(ctx, strings.TrimSpace(secret))
		return uid, "", err
	}
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" {
		return 0, "", nil
	}
	uid, err := s.db.SessionUser(ctx, c.Value)
	if errors.Is(err, collab.ErrUnauthorized) {
		return 0, "", nil // an expired cookie is just a visitor
	}
	return uid, c.Value, err
}

// Secure follows the base URL: set whenever it is https; a plain-http
// demo on loopback would otherwise lose its cookie.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	// #nosec G124 -- Secure is s.secure (https base URL), HttpOnly and SameSite set.
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: token, Path: "/", HttpOnly: true, Secure: s.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(sqlstore.AbsoluteTimeout / time.Second)})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	// #nosec G124 -- as setSessionCookie.
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// newToken returns a random URL-safe secret with a prefix saying what it is.
func newToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// Ready reports whether the server can serve: database reachable, schema
// current, and committing as durably as README promises.
func (s *Server) Ready(ctx context.Context) error {
	_, err := s.ready(ctx)
	return err
}

// ready is Ready with the durability settings read back from the
// database, which /readyz shows.
func (s *Server) ready(ctx context.Context) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return "", fmt.Errorf("database: %w", err)
	}
	if err := s.db.CheckSchema(ctx); err != nil {
		return "", err
	}
	detail, err := s.db.Durability(ctx)
	if err != nil {
		return detail, fmt.Errorf("database durability: %w", err)
	}
	return detail, nil
}
