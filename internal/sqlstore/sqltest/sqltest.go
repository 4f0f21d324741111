// Package sqltest opens real, migrated, throw-away databases for tests:
// SQLite always, PostgreSQL when GOESWELL_TEST_POSTGRES names a server.
package sqltest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/goeswell/goeswell/internal/password"
	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/testskip"
)

// EnvPostgres names the variable holding a PostgreSQL URL for tests, such
// as postgres://postgres@127.0.0.1:5432/test.
const EnvPostgres = "GOESWELL_TEST_POSTGRES"

func init() {
	// Tests hash many passwords; the production cost would only slow them.
	password.Default = password.Params{Memory: 1024, Time: 1, Threads: 1, KeyLen: 32}
}

// SQLite returns a migrated SQLite database in a temporary folder.
func SQLite(t testing.TB) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// PostgresDSN creates a fresh, empty schema on the server named by
// GOESWELL_TEST_POSTGRES, dropped when the test ends, and returns a DSN
// whose search_path is that schema; without the variable the test is
// skipped, saying so.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		testskip.Skip(t, "PostgreSQL store tests", "set "+EnvPostgres+", e.g. postgres://postgres@127.0.0.1:5432/test")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "gwtest_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Postgres returns a migrated database in a fresh schema (PostgresDSN).
func Postgres(t testing.TB) *sqlstore.DB {
	t.Helper()
	dsn := PostgresDSN(t)
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// Each runs f as a subtest on every available store.
func Each(t *testing.T, f func(t *testing.T, db *sqlstore.DB)) {
	t.Run("sqlite", func(t *testing.T) { f(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, Postgres(t)) })
}
