// Package testskip makes skipped families of tests visible. Tests that
// need something outside the repository (a PostgreSQL server, the SPC
// reference cases, the seed documents, chromium, sqlmap) skip without it;
// they call Skip instead of t.Skip, and the package's TestMain calls Main,
// which ends the run with one line per family that skipped:
//
//	SKIPPED: PostgreSQL store tests (set GOESWELL_TEST_POSTGRES, e.g. postgres://postgres@127.0.0.1:5432/test)
//
// go test ./... shows a passing package's output only with -v, so the line
// also goes to the terminal (/dev/tty) when there is one: a developer
// running the tests sees what did not run. (A cached result prints
// nothing again; go test -count=1 reruns.) CI sets every variable, so
// nothing skips there.
package testskip

import (
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"testing"
)

var (
	mu      sync.Mutex
	skipped = map[string]string{} // family -> how to run it
)

// Skip skips t as part of family, saying how to run it (which variable
// to set or what to install), and records the family for Main's summary.
func Skip(t testing.TB, family, how string) {
	t.Helper()
	mu.Lock()
	skipped[family] = how
	mu.Unlock()
	t.Skipf("%s skipped: %s", family, how)
}

// Main runs the package's tests, reports the skipped families and exits
// with the tests' status. Call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	Report(os.Stderr)
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		Report(tty)
		tty.Close()
	}
	os.Exit(code)
}

// Report writes one "SKIPPED: family (how)" line per skipped family.
func Report(w io.Writer) {
	mu.Lock()
	defer mu.Unlock()
	var fams []string
	for f := range skipped {
		fams = append(fams, f)
	}
	sort.Strings(fams)
	for _, f := range fams {
		fmt.Fprintf(w, "SKIPPED: %s (%s)\n", f, skipped[f])
	}
}
