package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
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

// RebuildSummariesForTest empties the measure summaries and fills them
// again with migration 00009's own statements, as an upgrade from a
// schema without them would.
func (db *DB) RebuildSummariesForTest(ctx context.Context) error {
	src, err := migrations.ReadFile("migrations/" + string(db.Dialect) + "/00009_measure_summaries.sql")
	if err != nil {
		return err
	}
	text := string(src)
	from, to := strings.Index(text, "-- The values already there."), strings.Index(text, "-- +goose Down")
	if from < 0 || to < from {
		return fmt.Errorf("migration 00009: backfill not found")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM measure_team_summaries`, `DELETE FROM measure_periods`, `DELETE FROM measure_team_periods`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		for _, q := range strings.Split(text[from:to], ";") {
			if strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(q), "-- The values already there.")) == "" {
				continue
			}
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("%s: %w", q, err)
			}
		}
		return nil
	})
}
