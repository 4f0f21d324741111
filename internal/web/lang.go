package web

import (
	"net/http"
	"net/url"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/sqlstore"
)

// langCookie holds the language chosen with the switch by someone not
// signed in: on the sign-in page, a check-in or the application form.
// A signed-in person's choice is saved with their account instead.
const langCookie = "goeswell_lang"

// langRoutes declares the language switch every page shows.
func (s *Server) langRoutes() []Route {
	return []Route{
		post("/lang", collab.PermPublic, s.langSwitch),
	}
}

// chosenLang is the language a person chose, if any: their account's,
// else the switch's cookie. "" leaves it to the browser.
func (s *Server) chosenLang(r *http.Request, account string) string {
	if account != "" {
		return account
	}
	if c, err := r.Cookie(langCookie); err == nil && s.cat.Known(c.Value) {
		return c.Value
	}
	return ""
}

// langSwitch saves a language choice and goes back to the page it was
// made on. "" goes back to following the browser. Signed in, the choice
// is the account's (audited as a settings change); otherwise a cookie,
// which is all an anonymous respondent leaves: the check-in token in
// "next" is used for the redirect only, never stored or logged.
func (s *Server) langSwitch(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	if err := r.ParseForm(); err != nil {
		return errBadRequest
	}
	lang := r.PostForm.Get("lang")
	if lang != "" && !s.cat.Known(lang) {
		v := collab.NewValidation()
		v.Add("lang", "error.invalid_choice")
		return v.Err()
	}
	if rc.Actor.SignedIn() {
		if err := s.db.UpdateUser(r.Context(), rc.who(), rc.Actor.UserID, sqlstore.UserUpdate{Lang: &lang}); err != nil {
			return err
		}
	}
	// #nosec G124 -- a language tag, not a secret; Secure follows the base URL.
	c := &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode}
	if lang == "" {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
	return s.redirect(w, r, s.backTo(r.PostForm.Get("next")), "")
}

// backTo is where the switch returns: the page it was on when that page
// answers GET, else the home page (a form re-shown after an error sits
// at its POST address).
func (s *Server) backTo(next string) string {
	next = safeNext(next)
	u, err := url.Parse(next)
	if err != nil {
		return "/"
	}
	req := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: u.Path}, Host: "goeswell", Header: http.Header{}}
	if _, pattern := s.mux.Handler(req); pattern == "" || pattern == "/" {
		return "/"
	}
	return next
}

// langChoice is one entry of the language switch.
type langChoice struct {
	Tag, Name string
	Current   bool
}

// LangChoices lists the catalog's languages for the switch, each named in
// its own language, the page's selected.
func (p basePage) LangChoices() []langChoice {
	var out []langChoice
	for _, l := range p.s.cat.Languages() {
		out = append(out, langChoice{Tag: l, Name: p.s.cat.Printer(l).Sprintf("lang." + l), Current: l == p.Lang})
	}
	return out
}
