package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/i18n"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// pageLang reads a page's <html lang>.
func pageLang(body string) string {
	m := regexp.MustCompile(`<html lang="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestLanguageFollowsBrowserUntilChosen: a signed-in person who never
// chose a language reads pages in their browser's (before, every account
// was saved as "en" and the browser counted for nothing); choosing one
// with the page's switch saves it to the account and wins over the
// browser; choosing "same as my browser" goes back. Someone not signed in
// chooses with the same switch, kept in a cookie, on the sign-in page and
// on an anonymous check-in, whose template questions then read in that
// language while its options still send the stored words.
func TestLanguageFollowsBrowserUntilChosen(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	c1, team := e.ids["c1"], e.ids["teamA"]
	teamPage := "/c/" + itoa(c1) + "/teams/" + itoa(team)
	get := func(actor, path, accept string, cookies ...*http.Cookie) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("Accept-Language", accept)
		if tok := e.sessions[actor]; tok != "" {
			req.AddCookie(&http.Cookie{Name: e.srv.cookieName(), Value: tok})
		}
		for _, c := range cookies {
			req.AddCookie(c)
		}
		w := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(w, req)
		return w
	}
	u, _, err := e.db.FindUserByEmail(bg, "director.harbor@example.org")
	must(t, err)
	if u.Lang != "" {
		t.Fatalf("a new account's language = %q, want \"\" (follow the browser)", u.Lang)
	}
	w := get("director", teamPage, "es-US,es;q=0.9,en;q=0.5")
	if got := pageLang(w.Body.String()); got != "es" || !strings.Contains(w.Body.String(), "Mi equipo") {
		t.Fatalf("director with a Spanish browser: lang %q, want es with «Mi equipo»", got)
	}
	// The switch is on the page, returning to it.
	if !strings.Contains(w.Body.String(), `action="/lang"`) || !strings.Contains(w.Body.String(), `name="next" value="`+teamPage+`"`) {
		t.Error("the team page has no language switch returning to it")
	}

	// Choosing English: saved to the account, wins over the browser.
	res := e.form("director", "/lang", url.Values{"lang": {"en"}, "next": {teamPage}})
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != teamPage {
		t.Fatalf("POST /lang: %d to %q, want 303 to %s", res.Code, res.Header().Get("Location"), teamPage)
	}
	u, _, _ = e.db.FindUserByEmail(bg, "director.harbor@example.org")
	if u.Lang != "en" {
		t.Errorf("after choosing English the account says %q", u.Lang)
	}
	if got := pageLang(get("director", teamPage, "es-US").Body.String()); got != "en" {
		t.Errorf("chose English, Spanish browser: lang %q", got)
	}
	// Back to following the browser.
	e.form("director", "/lang", url.Values{"lang": {""}, "next": {teamPage}})
	if got := pageLang(get("director", teamPage, "es-MX").Body.String()); got != "es" {
		t.Errorf("follow the browser again: lang %q, want es", got)
	}
	// A language the catalog lacks is refused; a way back that only
	// answers POST goes home; another site is never a way back.
	if res := e.form("director", "/lang", url.Values{"lang": {"fr"}}); res.Code != http.StatusUnprocessableEntity {
		t.Errorf("POST /lang fr: %d, want 422", res.Code)
	}
	for next, want := range map[string]string{teamPage + "/invitations": "/", "//evil.example/": "/", "https://evil.example/": "/", "/login?next=/x": "/login?next=/x"} {
		if loc := e.form("director", "/lang", url.Values{"lang": {"es"}, "next": {next}}).Header().Get("Location"); loc != want {
			t.Errorf("next %q: back to %q, want %q", next, loc, want)
		}
	}

	// Not signed in: the choice is a cookie, read on the sign-in page.
	res = e.form("", "/lang", url.Values{"lang": {"hmn"}, "next": {"/login"}})
	var langC *http.Cookie
	for _, c := range res.Result().Cookies() {
		if c.Name == langCookie {
			langC = c
		}
	}
	if langC == nil || langC.Value != "hmn" || !langC.HttpOnly {
		t.Fatalf("anonymous POST /lang: cookie %+v", langC)
	}
	if body := get("", "/login", "en-US", langC).Body.String(); pageLang(body) != "hmn" || !strings.Contains(body, "Nkag mus") {
		t.Errorf("sign-in page with the Hmong cookie: lang %q", pageLang(body))
	}
	for _, tag := range []string{"mww", "hnj", "hmn-US"} {
		if got := pageLang(get("", "/login", tag).Body.String()); got != "hmn" {
			t.Errorf("Accept-Language %s: lang %q, want hmn", tag, got)
		}
	}

	// An anonymous check-in made by an English-speaking convener reads in
	// Hmong; its choice options still send the stored English words.
	pr := e.srv.cat.Printer("en")
	sv := &collab.Survey{CollaborativeID: c1, Title: "Wellbeing snapshot", Kind: collab.SurveyFiveDomains,
		Questions: collab.SurveyTemplate(collab.SurveyFiveDomains, func(k string) string { return pr.Sprintf(k) })}
	must(t, e.db.CreateSurvey(bg, collab.Who{}, sv))
	must(t, e.db.CreateSurveyLinks(bg, collab.Who{}, c1, sv.ID, team, false, []string{"lang-test-token"}))
	body := get("", "/s/lang-test-token", "en-US", langC).Body.String()
	hm := i18n.MustLoad().Printer("hmn")
	for _, want := range []string{hm.Sprintf("survey.q.have_safety"), hm.Sprintf("survey.scale_hint"), `value="Safety"`, "> " + hm.Sprintf("domain.safety") + "</label>"} {
		if !strings.Contains(body, want) {
			t.Errorf("Hmong check-in lacks %q", want)
		}
	}
	if strings.Contains(body, pr.Sprintf("survey.q.have_safety")) {
		t.Error("the Hmong check-in shows the English question")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
