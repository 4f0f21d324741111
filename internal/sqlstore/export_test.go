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

// TamperForTest runs the statements with the audit log's triggers
// switched off, as someone with direct access to the database could, and
// puts the triggers back as they were.
func (db *DB) TamperForTest(ctx context.Context, qs ...string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return tamper(ctx, db.Dialect, tx, func() error { return execAll(ctx, tx, qs) })
	})
}

func execAll(ctx context.Context, tx *sql.Tx, qs []string) error {
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	return nil
}

func tamper(ctx context.Context, d Dialect, tx *sql.Tx, fn func() error) error {
	var off, on []string
	switch d {
	case SQLite:
		rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				rows.Close()
				return err
			}
			off = append(off, `DROP TRIGGER `+name)
			on = append(on, def)
		}
		rows.Close()
	case Postgres:
		off = []string{`ALTER TABLE audit_log DISABLE TRIGGER USER`}
		on = []string{`ALTER TABLE audit_log ENABLE TRIGGER USER`}
	}
	if len(off) == 0 {
		return fmt.Errorf("tamper: no triggers on audit_log")
	}
	if err := execAll(ctx, tx, off); err != nil {
		return err
	}
	if err := fn(); err != nil {
		return err
	}
	return execAll(ctx, tx, on)
}

// RechainForTest is an attacker's repair after tampering: from chain
// position from on, it renumbers the sealed rows without gaps and
// recomputes every link and hash with key — the real key only if the
// attacker stole it.
func (db *DB) RechainForTest(ctx context.Context, key []byte, from int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return tamper(ctx, db.Dialect, tx, func() error {
			q, err := tx.QueryContext(ctx, `SELECT seq, `+auditRowColumns+` FROM audit_log WHERE sealed ORDER BY seq`)
			if err != nil {
				return err
			}
			var rows []auditRow
			for q.Next() {
				var e auditRow
				if err := q.Scan(append([]any{&e.Seq}, e.scanDest()...)...); err != nil {
					q.Close()
					return err
				}
				rows = append(rows, e)
			}
			q.Close()
			// Move every seq out of the way first: the column is unique.
			if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET seq = -seq WHERE sealed`); err != nil {
				return err
			}
			prev := auditRow{}
			for _, e := range rows {
				if e.Seq >= from {
					e.Seq, e.Prev = prev.Seq+1, prev.Hash
					e.Hash = e.mac(key)
				}
				if _, err := tx.ExecContext(ctx, `UPDATE audit_log SET seq = $1, prev_hash = $2, hash = $3 WHERE id = $4`, e.Seq, e.Prev, e.Hash, e.ID); err != nil {
					return err
				}
				prev = e
			}
			return nil
		})
	})
}

// MigrateToForTest brings the schema up to version v only, as an older
// goeswell left it.
func (db *DB) MigrateToForTest(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	_, err = p.UpTo(ctx, v)
	return err
}

// RebuildSummariesForTest empties the measure summaries and fills them
// again with migration 00010's own statements, as an upgrade from a
// schema without them would.
func (db *DB) RebuildSummariesForTest(ctx context.Context) error {
	src, err := migrations.ReadFile("migrations/" + string(db.Dialect) + "/00010_measure_summaries.sql")
	if err != nil {
		return err
	}
	text := string(src)
	from, to := strings.Index(text, "-- The values already there."), strings.Index(text, "-- +goose Down")
	if from < 0 || to < from {
		return fmt.Errorf("migration 00010: backfill not found")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM measure_periods_stale`, `DELETE FROM measure_team_summaries`, `DELETE FROM measure_periods`, `DELETE FROM measure_team_periods`} {
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
