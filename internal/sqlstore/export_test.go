package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

// Exec runs a statement on the write pool, for tests that try what the
// schema allows.
func (db *DB) Exec(ctx context.Context, q string) (sql.Result, error) {
	return db.write.ExecContext(ctx, q)
}

// TamperForTest runs q with the audit log's guards switched off, as
// someone with direct access to the database could.
func (db *DB) TamperForTest(ctx context.Context, q string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var off, on []string
		switch db.Dialect {
		case SQLite:
			off = []string{`DROP TRIGGER audit_log_no_update`}
			on = []string{`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`}
		case Postgres:
			off = []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update`}
			on = []string{`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update`}
		}
		for _, s := range append(append(off, q), on...) {
			if _, err := tx.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		return nil
	})
}
