package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/text/message"

	"github.com/goeswell/goeswell/internal/collab"
)

//go:embed templates
var templateFS embed.FS

// basePage is embedded in every page struct: what the layout needs.
type basePage struct {
	s     *Server
	pr    *message.Printer // the page's language, made once per page
	Title string
	Actor *collab.Actor
	Lang  string
	// Here is the page's address, where the language switch returns.
	Here   string
	Collab *collab.Collaborative
	// Nav is the collaborative's menu, filtered to what the actor may open:
	// the person's own places first (their team, the teams they serve),
	// then the groups that have a link for them.
	Nav []navGroup
	// flash is the message a redirect left, shared by every copy of the
	// page so that render can clear it once shown.
	flash *flash
	// Errors holds field errors (catalog keys) for the form on the page.
	Errors map[string]string
	// Form holds what was typed, to show it again after an error.
	Form url.Values
	// alert explains a form that was too large to send (oversize.go).
	alert string
	// unread is the person's unread notifications, for the header.
	unread int
}

// Alert is a page-wide error for the form the page shows again.
func (p basePage) Alert() string { return p.alert }

type navItem struct {
	Label, Href string
	Current     bool
}

// A navGroup is one part of the collaborative's menu under its heading:
// a convener's two dozen links read as four short lists.
type navGroup struct {
	Key, Label string
	Items      []navItem
}

// A flash is a success message carried across a redirect in a cookie.
type flash struct {
	text   string
	hidden bool // on a page that is not a success: an error or a refused form
}

// flashCookie names the cookie a redirect leaves its message in.
const flashCookie = "goeswell_flash"

// Flash is the message a redirect left for this page, shown once: never
// beside a form's errors, where a "Saved." would contradict them.
func (p basePage) Flash() string {
	if p.flash == nil || p.flash.hidden || len(p.Errors) > 0 {
		return ""
	}
	return p.flash.text
}

// flashOf gives render the page's flash.
func (p basePage) flashOf() *flash { return p.flash }

// T translates a catalog key into the page's language.
func (p basePage) T(key string, args ...any) string {
	if len(args) == 0 {
		// A field error may carry its numbers (collab.WithArgs).
		key, args = collab.SplitMessage(key)
	}
	return p.pr.Sprintf(key, args...)
}

// Err returns the translated error for a form field, or "".
func (p basePage) Err(field string) string {
	if m, ok := p.Errors[field]; ok {
		return p.T(m)
	}
	return ""
}

// Val returns what was typed in a field, else def.
func (p basePage) Val(field string, def any) string {
	if p.Form != nil {
		if _, ok := p.Form[field]; ok {
			return p.Form.Get(field)
		}
	}
	if def == nil {
		return ""
	}
	return fmt.Sprint(def)
}

// Checked reports whether a checkbox was ticked in the typed form, else def.
func (p basePage) Checked(field string, def bool) bool {
	if p.Form != nil {
		return p.Form.Get(field) != ""
	}
	return def
}

// Picked reports whether value was among those chosen in a multiple
// select of the typed form.
func (p basePage) Picked(field, value string) bool {
	return p.Form != nil && slices.Contains(p.Form[field], value)
}

// AllDomains lists the Five Domains of Wellbeing, for forms.
func (p basePage) AllDomains() []collab.Domain { return collab.Domains }

// DomainChecked reports whether domain d is ticked: in the typed form if
// there is one, else in def.
func (p basePage) DomainChecked(d collab.Domain, def []collab.Domain) bool {
	if p.Form != nil {
		for _, v := range p.Form["domains"] {
			if v == string(d) {
				return true
			}
		}
		return false
	}
	return collab.HasDomain(def, d)
}

// Asset returns the content-hashed URL of a static file.
func (p basePage) Asset(name string) string { return p.s.static.url(name) }

func (s *Server) base(r *http.Request, rc *reqCtx, titleKey string) basePage {
	b := basePage{s: s, pr: s.cat.Printer(rc.Lang), Actor: rc.Actor, Lang: rc.Lang, Collab: rc.Collab, Here: r.URL.RequestURI()}
	b.Title = b.T(titleKey)
	if rc.Collab != nil {
		b.Nav = s.nav(r, rc, b.pr)
	}
	if rc.Actor.SignedIn() && !rc.API {
		// A failed count leaves the header without it, not the page broken.
		b.unread, _ = s.db.UnreadNotifications(r.Context(), rc.Actor.UserID)
	}
	if tl := tooLargeOf(r.Context()); tl != nil {
		b.Form, b.Errors, b.alert = tl.form, map[string]string{tl.field: "error.form_too_large_field"}, b.T(tl.message())
	}
	if c, err := r.Cookie(flashCookie); err == nil {
		b.flash = &flash{}
		if s.cat.Has(c.Value) {
			b.flash.text = b.T(c.Value)
		}
	}
	return b
}

func (s *Server) nav(r *http.Request, rc *reqCtx, pr *message.Printer) []navGroup {
	c := rc.Collab.ID
	// The menu's links in their groups, in the order they show.
	items := []struct {
		group, key, path string
		perm             collab.Perm
	}{
		{"collaborative", "nav.overview", "", collab.PermCollabAggregate},
		{"collaborative", "nav.teams", "/teams", collab.PermCollabCohort},
		{"collaborative", "nav.people", "/people", collab.PermCollabCoach},
		{"collaborative", "nav.applications", "/applications", collab.PermCollabManage},
		{"collaborative", "nav.partners", "/partners", collab.PermCollabAggregate},
		{"collaborative", "group.nav", "/groups", collab.PermCollabAggregate},
		{"collaborative", "community.nav", "/community-people", collab.PermCollabManage},
		{"improvement", "measure.nav", "/measures", collab.PermCollabAggregate},
		{"improvement", "framework.nav", "/frameworks", collab.PermCollabAggregate},
		{"improvement", "learning.nav.indicators", "/indicators", collab.PermCollabAggregate},
		{"improvement", "nav.what_goes_well", "/what-goes-well", collab.PermCollabAggregate},
		{"improvement", "nav.surveys", "/surveys", collab.PermCollabAggregate},
		{"learning", "learning.nav.feed", "/feed", collab.PermCollabCohort},
		{"learning", "learning.nav.agenda", "/agenda", collab.PermCohortRead},
		{"learning", "learning.nav.resources", "/resources", collab.PermCollabCohort},
		{"learning", "engagement.nav.calendar", "/calendar", collab.PermCohortRead},
		{"learning", "feedback.nav", "/feedback-rounds", collab.PermCohortRead},
		{"oversight", "learning.nav.dashboard", "/dashboard", collab.PermCollabAggregate},
		{"oversight", "learning.nav.reports", "/reports", collab.PermReportsReview},
		{"oversight", "engagement.nav.participation", "/participation", collab.PermCollabOversee},
		{"oversight", "engagement.nav.compensation", "/compensation", collab.PermCollabManage},
		{"oversight", "nav.audit", "/audit", collab.PermCollabManage},
		{"oversight", "nav.settings", "/settings", collab.PermCollabManage},
	}
	// My team comes first for a team member.
	var out []navItem
	for tid, m := range rc.Actor.Teams {
		if m.CollaborativeID == c {
			href := fmt.Sprintf("/c/%d/teams/%d", c, tid)
			out = append(out, navItem{Label: pr.Sprintf("nav.my_team"), Href: href, Current: r.URL.Path == href})
			break
		}
	}
	// Then the teams a person serves in an assigned role (a local
	// evaluator), by name: nothing else in the menu leads to them.
	var served []int64
	for tid := range rc.Actor.Assigned {
		if rc.Actor.AssignedTo(c, tid) && !rc.Actor.OnTeam(tid) && collab.Authorize(rc.Actor, collab.PermTeamRead, c, tid) == collab.Allow {
			served = append(served, tid)
		}
	}
	slices.Sort(served)
	for _, tid := range served {
		t, err := s.db.FindTeam(r.Context(), c, tid)
		if err != nil {
			continue // gone since the actor was loaded: no link
		}
		href := fmt.Sprintf("/c/%d/teams/%d", c, tid)
		out = append(out, navItem{Label: pr.Sprintf("roles.nav.served_team", t.Name), Href: href, Current: r.URL.Path == href})
	}
	var groups []navGroup
	if len(out) > 0 {
		groups = append(groups, navGroup{Key: "mine", Label: pr.Sprintf("nav.group.mine"), Items: out})
	}
	for _, it := range items {
		if collab.Authorize(rc.Actor, it.perm, c, 0) != collab.Allow {
			continue
		}
		if len(groups) == 0 || groups[len(groups)-1].Key != it.group {
			groups = append(groups, navGroup{Key: it.group, Label: pr.Sprintf("nav.group." + it.group)})
		}
		g := &groups[len(groups)-1]
		href := fmt.Sprintf("/c/%d%s", c, it.path)
		g.Items = append(g.Items, navItem{Label: pr.Sprintf(it.key), Href: href, Current: r.URL.Path == href})
	}
	return groups
}

// parseTemplates lists the pages and how to parse each: a page's set is
// the shared layout and forms with the page's own file, parsed on its
// first use (sync.OnceValues), so a process that never renders a page
// never parses it.
func (s *Server) parseTemplates() (map[string]func() (*template.Template, error), error) {
	funcs := template.FuncMap{
		"join": strings.Join,
		"add":  func(a, b int) int { return a + b },
		// num formats a number, or a pointer to one, as briefly as it reads back.
		"num": func(v any) string {
			switch x := v.(type) {
			case *float64:
				if x == nil {
					return ""
				}
				return strconv.FormatFloat(*x, 'g', -1, 64)
			case float64:
				return strconv.FormatFloat(x, 'g', -1, 64)
			}
			return fmt.Sprint(v)
		},
		// mul100 turns a proportion into a percentage.
		"mul100": func(x float64) float64 { return x * 100 },
		// dict builds the argument of a shared form template.
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, fmt.Errorf("dict: odd number of arguments")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
	}
	shared := []string{"templates/layout.html", "templates/forms.html"}
	pages := map[string]func() (*template.Template, error){}
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") || slices.Contains(shared, path) {
			return err
		}
		pages[strings.TrimSuffix(strings.TrimPrefix(path, "templates/"), ".html")] = sync.OnceValues(func() (*template.Template, error) {
			t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, append(shared, path)...)
			if err != nil {
				return nil, fmt.Errorf("parse %s: %w", path, err)
			}
			return t, nil
		})
		return nil
	})
	return pages, err
}

// ParseTemplates parses every page's templates now rather than on each
// page's first use, and reports the first error. The server calls it in
// the background once it listens, so start-up does not wait for some
// sixty template sets (75–115 ms) but the first visitors mostly find
// their page parsed.
func (s *Server) ParseTemplates() error {
	var errs []error
	for _, parse := range s.pages {
		if _, err := parse(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// render writes a page with status; it renders into a buffer first so a
// template error never leaves half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, page any) error {
	parse, ok := s.pages[name]
	if !ok {
		return fmt.Errorf("render: no page %q", name)
	}
	// A flash is read once: the page that carries it shows it (unless the
	// page is an error or a refused form) and clears it, so that it never
	// lingers onto the next pages.
	fl, _ := page.(interface{ flashOf() *flash })
	if fl != nil && fl.flashOf() != nil {
		fl.flashOf().hidden = status >= 300
	}
	t, err := parse()
	if err != nil {
		return fmt.Errorf("render: %w", err)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, page); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	if fl != nil && fl.flashOf() != nil {
		// #nosec G124 -- as redirect's.
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// redirect answers a successful form post (POST/redirect/GET) with a flash.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashKey string) error {
	if flashKey != "" {
		// #nosec G124 -- a message key, not a secret; Secure follows the base URL.
		http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: flashKey, Path: "/", MaxAge: 10, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
	}
	// #nosec G710 -- callers pass paths they built or safeNext's same-site paths.
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

type errorPage struct {
	basePage
	Status  int
	Message string
}

// renderError maps the error vocabulary to a status, answering in JSON for
// the API and HTML otherwise. Only unexpected errors are logged, once, here.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, rc *reqCtx, err error) {
	status, code, key := http.StatusInternalServerError, "internal", "error.internal"
	var fields map[string]string
	var mbe *http.MaxBytesError
	switch {
	case errors.Is(err, collab.ErrNotFound):
		status, code, key = http.StatusNotFound, "not_found", "error.not_found"
	case errors.Is(err, collab.ErrForbidden):
		status, code, key = http.StatusForbidden, "forbidden", "error.forbidden"
	case errors.Is(err, collab.ErrUnauthorized):
		status, code, key = http.StatusUnauthorized, "unauthorized", "error.unauthorized"
	case errors.Is(err, collab.ErrConflict):
		status, code, key = http.StatusConflict, "conflict", "error.conflict"
	case errors.As(err, &mbe):
		status, code, key = http.StatusRequestEntityTooLarge, "too_large", "error.too_large"
	case collab.FieldErrors(err) != nil:
		status, code, key = http.StatusUnprocessableEntity, "invalid", "error.invalid"
		fields = collab.FieldErrors(err)
	case errors.Is(err, errBadRequest):
		status, code, key = http.StatusBadRequest, "bad_request", "error.bad_request"
	case errors.Is(err, errBusy):
		status, code, key = http.StatusServiceUnavailable, "busy", "error.busy"
		w.Header().Set("Retry-After", "10")
	default:
		// The route pattern, not the path: paths can carry invitation tokens.
		s.log.Error("request failed", "method", r.Method, "route", r.Pattern, "err", err)
	}
	if rc == nil {
		rc = &reqCtx{}
	}
	if rc.Lang == "" {
		rc.Lang = "en"
	}
	p := s.cat.Printer(rc.Lang)
	if rc.API {
		body := apiError{Code: code, Message: p.Sprintf(key)}
		if errors.Is(err, errBadRequest) {
			body.Message = err.Error()
		}
		if fields != nil {
			body.Fields = map[string]string{}
			for f, m := range fields {
				k, args := collab.SplitMessage(m)
				body.Fields[f] = p.Sprintf(k, args...)
			}
		}
		writeJSON(w, status, map[string]apiError{"error": body})
		return
	}
	if status == http.StatusUnauthorized {
		next := r.URL.RequestURI()
		if r.Method != http.MethodGet {
			next = "/"
		}
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	if rc.Actor == nil {
		rc.Actor = &collab.Actor{}
	}
	// A forbidden collaborative page keeps its menu; not-found pages show
	// nothing of the collaborative.
	if status != http.StatusForbidden {
		rc.Collab = nil
	}
	pg := errorPage{basePage: s.base(r, rc, "error.title"), Status: status, Message: p.Sprintf(key)}
	if rerr := s.render(w, status, "error", pg); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

var errBadRequest = errors.New("bad request")

type apiError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
