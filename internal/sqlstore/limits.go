package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
)

// LimitBreaks lists a team's recalculations of a measure's limits, by
// period.
func (db *DB) LimitBreaks(ctx context.Context, collabID, teamID, measureID int64) ([]*improve.LimitBreak, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT b.id, b.collaborative_id, b.team_id, b.measure_id, b.period, b.reason, COALESCE(b.created_by, 0), COALESCE(u.name, ''), b.created_at
		FROM limit_recalculations b LEFT JOIN users u ON u.id = b.created_by
		WHERE b.collaborative_id = $1 AND b.team_id = $2 AND b.measure_id = $3 ORDER BY b.period`, collabID, teamID, measureID)
	if err != nil {
		return nil, fmt.Errorf("list limit recalculations: %w", err)
	}
	defer rows.Close()
	var out []*improve.LimitBreak
	for rows.Next() {
		var b improve.LimitBreak
		var at Time
		if err := rows.Scan(&b.ID, &b.CollaborativeID, &b.TeamID, &b.MeasureID, &b.Period, &b.Reason, &b.CreatedBy, &b.CreatedByName, &at); err != nil {
			return nil, fmt.Errorf("list limit recalculations: %w", err)
		}
		b.CreatedAt = at.Time
		out = append(out, &b)
	}
	return out, rows.Err()
}

// AddLimitBreak records that a team recalculates a measure's limits from
// a period on. The period must be one the team reported, after its first:
// a phase needs a baseline before it. One recalculation a period.
func (db *DB) AddLimitBreak(ctx context.Context, who collab.Who, b *improve.LimitBreak) error {
	m, err := db.FindMeasure(ctx, b.CollaborativeID, b.TeamID, b.MeasureID)
	if err != nil {
		return err
	}
	if err := b.Validate(m); err != nil {
		return err
	}
	b.CreatedAt, b.CreatedBy = db.Now(), who.UserID
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := teamInCollab(ctx, tx, b.CollaborativeID, b.TeamID); err != nil {
			return err
		}
		var before int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM measure_team_periods WHERE team_id = $1 AND measure_id = $2 AND period < $3`,
			b.TeamID, b.MeasureID, b.Period).Scan(&before); err != nil {
			return fmt.Errorf("add limit recalculation: %w", err)
		}
		if before == 0 {
			return &collab.ValidationError{Fields: map[string]string{"period": "limits.error_no_baseline"}}
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM limit_recalculations WHERE team_id = $1 AND measure_id = $2 AND period = $3`,
			b.TeamID, b.MeasureID, b.Period).Scan(&n); err != nil {
			return fmt.Errorf("add limit recalculation: %w", err)
		}
		if n > 0 {
			return &collab.ValidationError{Fields: map[string]string{"period": "limits.error_duplicate"}}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO limit_recalculations (collaborative_id, team_id, measure_id, period, reason, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, b.CollaborativeID, b.TeamID, b.MeasureID, b.Period, b.Reason, nullID(who.UserID), ts(b.CreatedAt)).Scan(&b.ID); err != nil {
			return fmt.Errorf("add limit recalculation: %w", err)
		}
		return db.audit(ctx, tx, who, b.CollaborativeID, "limits.recalculate", fmt.Sprintf("team:%d measure:%d limits:%d", b.TeamID, b.MeasureID, b.ID),
			db.created(ctx, tx, "limit_recalculations", b.ID))
	})
}

// DeleteLimitBreak removes a recalculation: the phases before and after
// it join again.
func (db *DB) DeleteLimitBreak(ctx context.Context, who collab.Who, collabID, teamID, measureID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "limit_recalculations", id)
		res, err := tx.ExecContext(ctx, `DELETE FROM limit_recalculations WHERE id = $1 AND collaborative_id = $2 AND team_id = $3 AND measure_id = $4`,
			id, collabID, teamID, measureID)
		if err != nil {
			return fmt.Errorf("delete limit recalculation %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete limit recalculation %d: %w", id, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "limits.remove", fmt.Sprintf("team:%d measure:%d limits:%d", teamID, measureID, id), removed(before))
	})
}

// withMeasureLink adds a PDSA cycle's measure link, before and after, to
// its audit detail: the link is in pdsa_measures, which the row diff of
// pdsa_cycles does not read.
func withMeasureLink(detail string, was, now int64) string {
	m := map[string]any{}
	if err := json.Unmarshal([]byte(detail), &m); err != nil {
		return detail
	}
	nullable := func(id int64) any {
		if id == 0 {
			return nil
		}
		return id
	}
	m["measure_id"] = [2]any{nullable(was), nullable(now)}
	b, err := json.Marshal(m)
	if err != nil {
		return detail
	}
	return string(b)
}
