package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestImportGate: with maxImports imports running, the next one waits
// its turn and, finding none within importWait, is refused with 503,
// Retry-After and a message saying to send it again — having changed
// nothing; once a turn is free the same request goes through. Every
// route that parses an upload takes a turn. It fails if the gate is
// taken out of wrap, or an /import route is not marked.
func TestImportGate(t *testing.T) {
	e := newEnv(t, sqltest.SQLite(t))
	defer func(d time.Duration) { importWait = d }(importWait)
	importWait = 50 * time.Millisecond

	for _, rt := range e.srv.Routes() {
		if strings.Contains(rt.Pattern, "import") && rt.Mutates && !rt.Import {
			t.Errorf("%s %s parses an upload but takes no turn at the import gate", rt.Method, rt.Pattern)
		}
	}

	path := fmt.Sprintf("/api/v1/collaboratives/%d/teams/%d/values/import", e.ids["c1"], e.ids["teamA"])
	csv := "measure,period,numerator,denominator\n" + fmt.Sprint(e.ids["measure1"]) + ",2026-02,3,9\n"
	for range maxImports {
		e.srv.imports <- struct{}{}
	}
	before := e.dbHash()
	w := e.do("director", "POST", path, strings.NewReader(csv), "text/csv")
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "send the file again") {
		t.Fatalf("an import past the gate: %d %q %s, want 503 with Retry-After and a try-again message", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	if e.dbHash() != before {
		t.Error("an import refused at the gate changed the database")
	}
	for range maxImports {
		<-e.srv.imports
	}
	if w := e.do("director", "POST", path, strings.NewReader(csv), "text/csv"); w.Code != http.StatusOK {
		t.Fatalf("the same import with a free turn: %d %s", w.Code, w.Body)
	}
	if len(e.srv.imports) != 0 {
		t.Errorf("%d turns still taken after the imports finished", len(e.srv.imports))
	}
}
