package web

import (
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/i18n"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// auditActionLiterals finds the audit actions written as literals in the
// store and the web layer: the action argument of audit and Audit calls,
// and the values assigned to a variable named action.
var auditActionLiterals = []*regexp.Regexp{
	regexp.MustCompile(`\baudit\(ctx, tx, [^,]+, [^,]+, "([a-z_]+(?:\.[a-z_]+)*)",`),
	regexp.MustCompile(`\.Audit\([^,]+, [^,]+, [^,]+, "([a-z_]+(?:\.[a-z_]+)*)",`),
	regexp.MustCompile(`\baction(?:, \w+)? :?= (?:` + "`[^`]*`" + `, )?"([a-z_]+\.[a-z_.]+)"\n`),
}

// TestAuditActionsInWords: every action the audit log can hold reads in
// words in every complete language (the audit page shows the words
// beside the code), and the page shows them.
func TestAuditActionsInWords(t *testing.T) {
	cat := i18n.MustLoad()
	found := map[string]string{}
	root := filepath.Join("..", "..", "internal")
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range auditActionLiterals {
			for _, m := range re.FindAllStringSubmatch(string(b), -1) {
				found[m[1]] = path
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) < 80 {
		t.Fatalf("found only %d audit actions; has the audit call changed shape?", len(found))
	}
	for action, path := range found {
		if !cat.Has("audit.do." + action) {
			t.Errorf("%s: audit action %q has no words: add audit.do.%s to internal/i18n/messages/*/audit.json", path, action, action)
		}
	}

	e := newEnv(t, sqltest.SQLite(t))
	c := e.ids["c1"]
	if err := e.db.Audit(t.Context(), collab.Who{UserID: e.ids["convener"]}, c, "values.save", "team:1", ""); err != nil {
		t.Fatal(err)
	}
	if err := e.db.Audit(t.Context(), collab.Who{UserID: e.ids["convener"]}, c, "made.up_action", "", ""); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]string{"en": "Saved measure values", "es": "Guardó valores de medidas"} {
		req := httptest.NewRequest("GET", fmt.Sprintf("/c/%d/audit", c), nil)
		req.Header.Set("Accept-Language", lang)
		req.AddCookie(&http.Cookie{Name: e.srv.cookieName(), Value: e.sessions["convener"]})
		w := httptest.NewRecorder()
		e.srv.Handler().ServeHTTP(w, req)
		body := w.Body.String()
		if w.Code != 200 || !strings.Contains(body, want+` <code class="muted">values.save</code>`) {
			t.Errorf("%s audit page: %d, no %q", lang, w.Code, want)
		}
		if !strings.Contains(body, `<td>made.up_action <code class="muted">made.up_action</code>`) || strings.Contains(body, "audit.do.") {
			t.Errorf("%s audit page: an action without words should read as its code", lang)
		}
	}
}
