package testskip

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	t.Run("skips", func(t *testing.T) { Skip(t, "Example tests", "set EXAMPLE") })
	var b strings.Builder
	Report(&b)
	if b.String() != "SKIPPED: Example tests (set EXAMPLE)\n" {
		t.Errorf("report %q", b.String())
	}
	mu.Lock()
	delete(skipped, "Example tests")
	mu.Unlock()
}

// TestNoSilentSkips reads every test file of the repository: a skip must
// go through Skip (so the run's summary names it), except the -short
// skips, which the person asked for; and no test may look for the shared
// folders by walking up from the checkout (only the variables .ci/run
// sets name them).
func TestNoSilentSkips(t *testing.T) {
	root := filepath.Join("..", "..")
	skip := regexp.MustCompile(`\b[tbf]\.Skip(f|Now)?\(`)
	walk := regexp.MustCompile(`"shared",\s*"|"shared/`)
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, "_test.go") || strings.HasSuffix(path, "testskip_test.go") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		lines := strings.Split(string(b), "\n")
		for i, line := range lines {
			if skip.MatchString(line) && !strings.Contains(strings.Join(lines[max(0, i-3):i+1], "\n"), "testing.Short()") {
				t.Errorf("%s:%d: a skip that the run's summary would not name: use testskip.Skip(t, family, how)", path, i+1)
			}
			if walk.MatchString(line) {
				t.Errorf("%s:%d: looks for a shared folder by name; take its path from the environment variable .ci/run sets", path, i+1)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("read only %d test files", n)
	}
}
