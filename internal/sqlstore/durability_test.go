package sqlstore_test

import (
	"strings"
	"testing"

	"github.com/goeswell/goeswell/internal/sqlstore"
	"github.com/goeswell/goeswell/internal/sqlstore/sqltest"
)

// TestDurability: the store commits as README promises — on SQLite,
// journal_mode=wal and synchronous=FULL (2), read back from the writer
// connection itself. It fails if a pragma in the DSN is dropped or
// misspelt, which a crash test by SIGKILL cannot see (the page cache
// outlives the process; only a power cut loses synchronous=OFF's writes).
func TestDurability(t *testing.T) {
	sqltest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		detail, err := db.Durability(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if db.Dialect == sqlstore.SQLite && detail != "journal_mode=wal synchronous=2" {
			t.Errorf("sqlite durability %q, want journal_mode=wal synchronous=2", detail)
		}
		if db.Dialect == sqlstore.Postgres && !strings.HasPrefix(detail, "synchronous_commit=") {
			t.Errorf("postgres durability %q", detail)
		}
	})
}
