package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
)

// ImportIndicators stores a parsed indicator file with its source and date
// in one transaction: every row or none.
func (db *DB) ImportIndicators(ctx context.Context, who collab.Who, im *learning.IndicatorImport, rows []learning.Indicator) error {
	if err := im.Validate(); err != nil {
		return err
	}
	im.Rows, im.ImportedBy, im.ImportedAt = len(rows), who.UserID, db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO indicator_imports (collaborative_id, source, as_of, file_name, row_count, imported_by, imported_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			im.CollaborativeID, im.Source, im.AsOf, im.FileName, im.Rows, nullID(im.ImportedBy), ts(im.ImportedAt)).Scan(&im.ID)
		if err != nil {
			return fmt.Errorf("import indicators: %w", err)
		}
		st, err := tx.PrepareContext(ctx, `INSERT INTO indicators (collaborative_id, import_id, name, geography, period, count_value, denominator, value, unit)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`)
		if err != nil {
			return fmt.Errorf("import indicators: %w", err)
		}
		defer st.Close()
		for i, r := range rows {
			if _, err := st.ExecContext(ctx, im.CollaborativeID, im.ID, r.Name, r.Geography, r.Period, r.Count, r.Denominator, r.Value, r.Unit); err != nil {
				return fmt.Errorf("import indicators, row %d: %w", i+2, err)
			}
		}
		return db.audit(ctx, tx, who, im.CollaborativeID, "indicator.import", fmt.Sprint("import:", im.ID), db.created(ctx, tx, "indicator_imports", im.ID))
	})
}

// IndicatorImports lists a collaborative's imports, newest first.
func (db *DB) IndicatorImports(ctx context.Context, collabID int64) ([]learning.IndicatorImport, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, collaborative_id, source, as_of, file_name, row_count, COALESCE(imported_by, 0), imported_at
		FROM indicator_imports WHERE collaborative_id = $1 ORDER BY id DESC`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list indicator imports: %w", err)
	}
	defer rows.Close()
	var out []learning.IndicatorImport
	for rows.Next() {
		var im learning.IndicatorImport
		var at Time
		if err := rows.Scan(&im.ID, &im.CollaborativeID, &im.Source, &im.AsOf, &im.FileName, &im.Rows, &im.ImportedBy, &at); err != nil {
			return nil, fmt.Errorf("list indicator imports: %w", err)
		}
		im.ImportedAt = at.Time
		out = append(out, im)
	}
	return out, rows.Err()
}

// DeleteIndicatorImport removes an import and its rows.
func (db *DB) DeleteIndicatorImport(ctx context.Context, who collab.Who, collabID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "indicator_imports", id)
		res, err := tx.ExecContext(ctx, `DELETE FROM indicator_imports WHERE id = $1 AND collaborative_id = $2`, id, collabID)
		if err != nil {
			return fmt.Errorf("delete indicator import %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete indicator import %d: %w", id, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "indicator.delete", fmt.Sprint("import:", id), removed(before))
	})
}

// Indicators lists a collaborative's indicators by name, place and period,
// raw: callers showing them apply learning.ShowIndicator.
func (db *DB) Indicators(ctx context.Context, collabID int64) ([]learning.Indicator, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT i.id, i.collaborative_id, i.import_id, i.name, i.geography, i.period, i.count_value, i.denominator, i.value, i.unit, m.source, m.as_of
		FROM indicators i JOIN indicator_imports m ON m.id = i.import_id WHERE i.collaborative_id = $1
		ORDER BY i.name, i.geography, i.period, i.id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list indicators: %w", err)
	}
	defer rows.Close()
	var out []learning.Indicator
	for rows.Next() {
		var in learning.Indicator
		var cnt, den sql.NullInt64
		var val sql.NullFloat64
		if err := rows.Scan(&in.ID, &in.CollaborativeID, &in.ImportID, &in.Name, &in.Geography, &in.Period, &cnt, &den, &val, &in.Unit, &in.Source, &in.AsOf); err != nil {
			return nil, fmt.Errorf("list indicators: %w", err)
		}
		if cnt.Valid {
			in.Count = &cnt.Int64
		}
		if den.Valid {
			in.Denominator = &den.Int64
		}
		if val.Valid {
			in.Value = &val.Float64
		}
		out = append(out, in)
	}
	return out, rows.Err()
}
