package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/sqlstore"
)

// TestAuditVerifyCommand: `goeswell audit verify` seals what the server
// has not, creates the key file (owner-only) and checkpoints on first
// use, refuses a key the chain was not sealed with, and finds the newest
// entries deleted behind the triggers' back.
func TestAuditVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "g.db")
	db := "sqlite:" + dbPath
	verify := func(args ...string) (string, int) {
		t.Helper()
		out, errOut, err := runCmd(t, "", nil, append([]string{"audit", "verify", "--db", db}, args...)...)
		if errOut != "" {
			t.Logf("stderr: %s", errOut)
		}
		return out, exitCode(err)
	}
	if _, _, err := runCmd(t, "", nil, "migrate", "--db", db); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"a@example.org", "b@example.org"} {
		if _, _, err := runCmd(t, "", nil, "admin", "create", "--db", db, "--email", email, "--name", "A"); err != nil {
			t.Fatal(err)
		}
		if out, code := verify(); code != 0 || !strings.Contains(out, "audit log intact") || strings.Contains(out, "not yet sealed") {
			t.Fatalf("verify: exit %d, %s", code, out)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, "audit.key"))
	must(t, err)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("audit.key mode %v, want 0600", fi.Mode().Perm())
	}
	cps, err := sqlstore.ReadAuditCheckpoints(filepath.Join(dir, "audit-checkpoints"))
	must(t, err)
	if len(cps) != 2 {
		t.Errorf("%d checkpoints after two seals, want 2", len(cps))
	}

	// Another key: the sealer refuses and verify finds nothing it can vouch for.
	if out, code := verify("--audit-key-file", filepath.Join(dir, "other.key"), "--audit-checkpoints", filepath.Join(dir, "other-checkpoints")); code != 1 || !strings.Contains(out, "does not match its hash") {
		t.Errorf("verify with another key: exit %d, %s", code, out)
	}

	// Someone with the database file deletes the newest entry.
	raw, err := sql.Open("sqlite", dbPath)
	must(t, err)
	defer raw.Close()
	for _, q := range []string{`DROP TRIGGER audit_log_no_delete`, `DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if out, code := verify(); code != 1 || !strings.Contains(out, "removed from the end") {
		t.Errorf("verify after deleting the newest entry: exit %d, %s", code, out)
	}
}
