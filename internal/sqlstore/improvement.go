package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/improve"
)

// SaveAim creates (ID 0) or updates a team's aim, with its measures.
func (db *DB) SaveAim(ctx context.Context, who collab.Who, a *improve.Aim) error {
	if err := a.Validate(); err != nil {
		return err
	}
	now := db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := teamInCollab(ctx, tx, a.CollaborativeID, a.TeamID); err != nil {
			return err
		}
		action := "aim.update"
		var before map[string]any
		if a.ID == 0 {
			action = "aim.create"
			a.CreatedAt = now
			if err := tx.QueryRowContext(ctx, `INSERT INTO aims (collaborative_id, team_id, statement, how_know, what_changes, target_date, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, a.CollaborativeID, a.TeamID, a.Statement, a.HowKnow, a.WhatChanges, a.TargetDate, ts(now)).Scan(&a.ID); err != nil {
				return fmt.Errorf("create aim: %w", err)
			}
		} else {
			before = db.snapshot(ctx, tx, "aims", a.ID)
			res, err := tx.ExecContext(ctx, `UPDATE aims SET statement = $1, how_know = $2, what_changes = $3, target_date = $4, updated_at = $5
				WHERE id = $6 AND team_id = $7 AND collaborative_id = $8`, a.Statement, a.HowKnow, a.WhatChanges, a.TargetDate, ts(now), a.ID, a.TeamID, a.CollaborativeID)
			if err != nil {
				return fmt.Errorf("update aim %d: %w", a.ID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("update aim %d: %w", a.ID, collab.ErrNotFound)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM aim_measures WHERE aim_id = $1`, a.ID); err != nil {
				return fmt.Errorf("update aim %d: %w", a.ID, err)
			}
		}
		a.UpdatedAt = now
		for _, m := range a.MeasureIDs {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM measures WHERE id = $1 AND collaborative_id = $2 AND (team_id IS NULL OR team_id = $3)`, m, a.CollaborativeID, a.TeamID).Scan(&n); err != nil {
				return fmt.Errorf("aim measure: %w", err)
			}
			if n == 0 {
				return &collab.ValidationError{Fields: map[string]string{"measures": "error.invalid_choice"}}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO aim_measures (aim_id, measure_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, a.ID, m); err != nil {
				return fmt.Errorf("aim measure: %w", err)
			}
		}
		detail := db.created(ctx, tx, "aims", a.ID)
		if before != nil {
			detail = db.diffSince(ctx, tx, "aims", a.ID, before)
		}
		return db.audit(ctx, tx, who, a.CollaborativeID, action, fmt.Sprintf("team:%d aim:%d", a.TeamID, a.ID), detail)
	})
}

const aimCols = `id, collaborative_id, team_id, statement, how_know, what_changes, target_date, created_at, updated_at`

func scanAim(row interface{ Scan(...any) error }) (*improve.Aim, error) {
	var a improve.Aim
	var c, u Time
	if err := row.Scan(&a.ID, &a.CollaborativeID, &a.TeamID, &a.Statement, &a.HowKnow, &a.WhatChanges, &a.TargetDate, &c, &u); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = c.Time, u.Time
	return &a, nil
}

// Aims lists a team's aims, oldest first, with their measure ids.
func (db *DB) Aims(ctx context.Context, collabID, teamID int64) ([]*improve.Aim, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+aimCols+` FROM aims WHERE collaborative_id = $1 AND team_id = $2 ORDER BY id`, collabID, teamID)
	if err != nil {
		return nil, fmt.Errorf("list aims: %w", err)
	}
	var out []*improve.Aim
	for rows.Next() {
		a, err := scanAim(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("list aims: %w", err)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, a := range out {
		if a.MeasureIDs, err = db.aimMeasures(ctx, a.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) aimMeasures(ctx context.Context, aimID int64) ([]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT measure_id FROM aim_measures WHERE aim_id = $1 ORDER BY measure_id`, aimID)
	if err != nil {
		return nil, fmt.Errorf("aim measures: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// FindAim returns a team's aim.
func (db *DB) FindAim(ctx context.Context, collabID, teamID, aimID int64) (*improve.Aim, error) {
	a, err := scanAim(db.read.QueryRowContext(ctx, `SELECT `+aimCols+` FROM aims WHERE id = $1 AND team_id = $2 AND collaborative_id = $3`, aimID, teamID, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find aim %d: %w", aimID, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find aim %d: %w", aimID, err)
	}
	a.MeasureIDs, err = db.aimMeasures(ctx, a.ID)
	return a, err
}

// Drivers returns an aim's driver diagram: its primary drivers with their
// secondary drivers and change ideas.
func (db *DB) Drivers(ctx context.Context, collabID, teamID, aimID int64) ([]*improve.Driver, error) {
	flat, err := db.drivers(ctx, `d.collaborative_id = $1 AND d.team_id = $2 AND d.aim_id = $3`, collabID, teamID, aimID)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*improve.Driver{}
	for _, d := range flat {
		byID[d.ID] = d
	}
	var top []*improve.Driver
	for _, d := range flat {
		if p := byID[d.ParentID]; p != nil {
			p.Children = append(p.Children, d)
		} else if d.ParentID == 0 {
			top = append(top, d)
		}
	}
	return top, nil
}

// ChangeIdeas lists a team's change ideas across its aims.
func (db *DB) ChangeIdeas(ctx context.Context, collabID, teamID int64) ([]*improve.Driver, error) {
	return db.drivers(ctx, `d.collaborative_id = $1 AND d.team_id = $2 AND d.kind = 'change'`, collabID, teamID)
}

func (db *DB) drivers(ctx context.Context, where string, args ...any) ([]*improve.Driver, error) {
	// #nosec G202 -- where is one of this file's constant fragments; values are bound.
	rows, err := db.read.QueryContext(ctx, `SELECT d.id, d.collaborative_id, d.team_id, d.aim_id, COALESCE(d.parent_id, 0), d.kind, d.title, COALESCE(d.framework_node_id, 0),
		COALESCE(n.code || ' ' || n.title, ''), d.position FROM drivers d LEFT JOIN framework_nodes n ON n.id = d.framework_node_id
		WHERE `+where+` ORDER BY d.position, d.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list drivers: %w", err)
	}
	defer rows.Close()
	var out []*improve.Driver
	for rows.Next() {
		var d improve.Driver
		if err := rows.Scan(&d.ID, &d.CollaborativeID, &d.TeamID, &d.AimID, &d.ParentID, &d.Kind, &d.Title, &d.FrameworkNodeID, &d.FrameworkNode, &d.Position); err != nil {
			return nil, fmt.Errorf("list drivers: %w", err)
		}
		out = append(out, &d)
	}
	return out, rows.Err()
}

// FindDriver returns a node of a team's driver diagram.
func (db *DB) FindDriver(ctx context.Context, collabID, teamID, driverID int64) (*improve.Driver, error) {
	ds, err := db.drivers(ctx, `d.id = $1 AND d.team_id = $2 AND d.collaborative_id = $3`, driverID, teamID, collabID)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, fmt.Errorf("find driver %d: %w", driverID, collab.ErrNotFound)
	}
	return ds[0], nil
}

// checkDriverLinks makes sure a driver's parent is in the same aim at the
// level above, and its framework node belongs to the collaborative.
func checkDriverLinks(ctx context.Context, tx *sql.Tx, d *improve.Driver) error {
	if d.ParentID != 0 {
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT kind FROM drivers WHERE id = $1 AND aim_id = $2 AND team_id = $3`, d.ParentID, d.AimID, d.TeamID).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) || improve.DriverKind(kind) != d.Kind.ParentKind() {
			return &collab.ValidationError{Fields: map[string]string{"parent": "error.invalid_choice"}}
		}
		if err != nil {
			return fmt.Errorf("find driver parent: %w", err)
		}
	}
	if d.FrameworkNodeID != 0 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM framework_nodes n JOIN collab_frameworks f ON f.id = n.framework_id WHERE n.id = $1 AND f.collaborative_id = $2`,
			d.FrameworkNodeID, d.CollaborativeID).Scan(&n); err != nil {
			return fmt.Errorf("find framework node: %w", err)
		}
		if n == 0 {
			return &collab.ValidationError{Fields: map[string]string{"frameworkNode": "error.invalid_choice"}}
		}
	}
	return nil
}

// AddDriver adds a node to an aim's driver diagram.
func (db *DB) AddDriver(ctx context.Context, who collab.Who, d *improve.Driver) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM aims WHERE id = $1 AND team_id = $2 AND collaborative_id = $3`, d.AimID, d.TeamID, d.CollaborativeID).Scan(&n); err != nil {
			return fmt.Errorf("add driver: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("add driver: aim %d: %w", d.AimID, collab.ErrNotFound)
		}
		if err := checkDriverLinks(ctx, tx, d); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM drivers WHERE aim_id = $1 AND COALESCE(parent_id, 0) = $2`, d.AimID, d.ParentID).Scan(&d.Position); err != nil {
			return fmt.Errorf("add driver: %w", err)
		}
		d.Position++
		if err := tx.QueryRowContext(ctx, `INSERT INTO drivers (collaborative_id, team_id, aim_id, parent_id, kind, title, framework_node_id, position, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, d.CollaborativeID, d.TeamID, d.AimID, nullID(d.ParentID), d.Kind, d.Title,
			nullID(d.FrameworkNodeID), d.Position, ts(db.Now())).Scan(&d.ID); err != nil {
			return fmt.Errorf("add driver: %w", err)
		}
		return db.audit(ctx, tx, who, d.CollaborativeID, "driver.create", fmt.Sprintf("team:%d driver:%d", d.TeamID, d.ID), db.created(ctx, tx, "drivers", d.ID))
	})
}

// UpdateDriver renames a driver and (for a change idea) relinks its
// framework node.
func (db *DB) UpdateDriver(ctx context.Context, who collab.Who, d *improve.Driver) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkDriverLinks(ctx, tx, d); err != nil {
			return err
		}
		before := db.snapshot(ctx, tx, "drivers", d.ID)
		res, err := tx.ExecContext(ctx, `UPDATE drivers SET title = $1, framework_node_id = $2 WHERE id = $3 AND team_id = $4 AND collaborative_id = $5`,
			d.Title, nullID(d.FrameworkNodeID), d.ID, d.TeamID, d.CollaborativeID)
		if err != nil {
			return fmt.Errorf("update driver: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("update driver %d: %w", d.ID, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, d.CollaborativeID, "driver.update", fmt.Sprintf("team:%d driver:%d", d.TeamID, d.ID), db.diffSince(ctx, tx, "drivers", d.ID, before))
	})
}

// DeleteDriver removes a driver with what hangs from it. A change idea
// with PDSA cycles cannot go: the cycles are the team's learning.
func (db *DB) DeleteDriver(ctx context.Context, who collab.Who, collabID, teamID, driverID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pdsa_cycles p JOIN drivers d ON d.id = p.change_id
			WHERE d.id = $1 OR d.parent_id = $1 OR d.parent_id IN (SELECT id FROM drivers WHERE parent_id = $1)`, driverID).Scan(&n); err != nil {
			return fmt.Errorf("delete driver: %w", err)
		}
		if n > 0 {
			return &collab.ValidationError{Fields: map[string]string{"driver": "improve.error_driver_has_cycles"}}
		}
		before := db.snapshot(ctx, tx, "drivers", driverID)
		res, err := tx.ExecContext(ctx, `DELETE FROM drivers WHERE id = $1 AND team_id = $2 AND collaborative_id = $3`, driverID, teamID, collabID)
		if err != nil {
			return fmt.Errorf("delete driver: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("delete driver %d: %w", driverID, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "driver.delete", fmt.Sprintf("team:%d driver:%d", teamID, driverID), removed(before))
	})
}

const pdsaCols = `p.id, p.collaborative_id, p.team_id, p.change_id, d.title, COALESCE(p.previous_id, 0), p.title, p.objective, p.questions, p.predictions,
	p.plan_who, p.plan_what, p.plan_when, p.plan_where, p.data_plan, p.do_notes, p.started_on, p.ended_on, p.went_well, p.differed, p.decision, p.next_step,
	COALESCE(p.created_by, 0), p.created_at, p.updated_at, COALESCE((SELECT pm.measure_id FROM pdsa_measures pm WHERE pm.pdsa_id = p.id), 0)`

func scanPDSA(row interface{ Scan(...any) error }) (*improve.PDSA, error) {
	var p improve.PDSA
	var c, u Time
	if err := row.Scan(&p.ID, &p.CollaborativeID, &p.TeamID, &p.ChangeID, &p.Change, &p.PreviousID, &p.Title, &p.Objective, &p.Questions, &p.Predictions,
		&p.Who, &p.What, &p.When, &p.Where, &p.DataPlan, &p.DoNotes, &p.StartedOn, &p.EndedOn, &p.WentWell, &p.Differed, &p.Decision, &p.NextStep,
		&p.CreatedBy, &c, &u, &p.MeasureID); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = c.Time, u.Time
	return &p, nil
}

// SavePDSA creates (ID 0) or updates a team's PDSA cycle.
func (db *DB) SavePDSA(ctx context.Context, who collab.Who, p *improve.PDSA) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM drivers WHERE id = $1 AND team_id = $2 AND collaborative_id = $3 AND kind = 'change'`,
			p.ChangeID, p.TeamID, p.CollaborativeID).Scan(&n); err != nil {
			return fmt.Errorf("save pdsa: %w", err)
		}
		if n == 0 {
			return &collab.ValidationError{Fields: map[string]string{"change": "error.invalid_choice"}}
		}
		var start, end collab.Date
		if err := tx.QueryRowContext(ctx, `SELECT start_date, end_date FROM collaboratives WHERE id = $1`, p.CollaborativeID).Scan(&start, &end); err != nil {
			return fmt.Errorf("save pdsa: %w", err)
		}
		if fe := p.InProject(&collab.Collaborative{StartDate: start, EndDate: end}); len(fe) > 0 {
			return &collab.ValidationError{Fields: fe}
		}
		if p.MeasureID != 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM measures WHERE id = $1 AND collaborative_id = $2 AND (team_id IS NULL OR team_id = $3)`,
				p.MeasureID, p.CollaborativeID, p.TeamID).Scan(&n); err != nil {
				return fmt.Errorf("save pdsa: %w", err)
			}
			if n == 0 {
				return &collab.ValidationError{Fields: map[string]string{"measure": "error.invalid_choice"}}
			}
		}
		if p.PreviousID != 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM pdsa_cycles WHERE id = $1 AND team_id = $2 AND id <> $3`, p.PreviousID, p.TeamID, p.ID).Scan(&n); err != nil {
				return fmt.Errorf("save pdsa: %w", err)
			}
			if n == 0 {
				return &collab.ValidationError{Fields: map[string]string{"previous": "error.invalid_choice"}}
			}
		}
		args := []any{p.ChangeID, nullID(p.PreviousID), p.Title, p.Objective, p.Questions, p.Predictions, p.Who, p.What, p.When, p.Where, p.DataPlan,
			p.DoNotes, p.StartedOn, p.EndedOn, p.WentWell, p.Differed, p.Decision, p.NextStep, ts(now)}
		action := "pdsa.update"
		var before map[string]any
		if p.ID == 0 {
			action = "pdsa.create"
			p.CreatedAt, p.CreatedBy = now, who.UserID
			args = append(args, p.CollaborativeID, p.TeamID, nullID(who.UserID))
			if err := tx.QueryRowContext(ctx, `INSERT INTO pdsa_cycles (change_id, previous_id, title, objective, questions, predictions, plan_who, plan_what, plan_when, plan_where,
				data_plan, do_notes, started_on, ended_on, went_well, differed, decision, next_step, updated_at, created_at, collaborative_id, team_id, created_by)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $20, $21, $22) RETURNING id`, args...).Scan(&p.ID); err != nil {
				return fmt.Errorf("create pdsa: %w", err)
			}
		} else {
			args = append(args, p.ID, p.TeamID, p.CollaborativeID)
			before = db.snapshot(ctx, tx, "pdsa_cycles", p.ID)
			res, err := tx.ExecContext(ctx, `UPDATE pdsa_cycles SET change_id = $1, previous_id = $2, title = $3, objective = $4, questions = $5, predictions = $6,
				plan_who = $7, plan_what = $8, plan_when = $9, plan_where = $10, data_plan = $11, do_notes = $12, started_on = $13, ended_on = $14,
				went_well = $15, differed = $16, decision = $17, next_step = $18, updated_at = $19 WHERE id = $20 AND team_id = $21 AND collaborative_id = $22`, args...)
			if err != nil {
				return fmt.Errorf("update pdsa %d: %w", p.ID, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return fmt.Errorf("update pdsa %d: %w", p.ID, collab.ErrNotFound)
			}
		}
		p.UpdatedAt = now
		var was int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(measure_id), 0) FROM pdsa_measures WHERE pdsa_id = $1`, p.ID).Scan(&was); err != nil {
			return fmt.Errorf("save pdsa measure: %w", err)
		}
		if was != p.MeasureID {
			if _, err := tx.ExecContext(ctx, `DELETE FROM pdsa_measures WHERE pdsa_id = $1`, p.ID); err != nil {
				return fmt.Errorf("save pdsa measure: %w", err)
			}
			if p.MeasureID != 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO pdsa_measures (pdsa_id, measure_id) VALUES ($1, $2)`, p.ID, p.MeasureID); err != nil {
					return fmt.Errorf("save pdsa measure: %w", err)
				}
			}
		}
		detail := db.created(ctx, tx, "pdsa_cycles", p.ID)
		if before != nil {
			detail = db.diffSince(ctx, tx, "pdsa_cycles", p.ID, before)
		}
		if was != p.MeasureID {
			// The link lives in its own table: the row diff does not see it.
			detail = withMeasureLink(detail, was, p.MeasureID)
		}
		return db.audit(ctx, tx, who, p.CollaborativeID, action, fmt.Sprintf("team:%d pdsa:%d", p.TeamID, p.ID), detail)
	})
}

// PDSAs lists a team's cycles (0 for every team of the collaborative), by
// change idea and start.
func (db *DB) PDSAs(ctx context.Context, collabID, teamID int64) ([]*improve.PDSA, error) {
	q := `SELECT ` + pdsaCols + ` FROM pdsa_cycles p JOIN drivers d ON d.id = p.change_id WHERE p.collaborative_id = $1`
	args := []any{collabID}
	if teamID != 0 {
		q += ` AND p.team_id = $2`
		args = append(args, teamID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY p.team_id, COALESCE(p.started_on, p.created_at), p.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list pdsa: %w", err)
	}
	defer rows.Close()
	var out []*improve.PDSA
	for rows.Next() {
		p, err := scanPDSA(rows)
		if err != nil {
			return nil, fmt.Errorf("list pdsa: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// FindPDSA returns one of a team's cycles.
func (db *DB) FindPDSA(ctx context.Context, collabID, teamID, id int64) (*improve.PDSA, error) {
	p, err := scanPDSA(db.read.QueryRowContext(ctx, `SELECT `+pdsaCols+` FROM pdsa_cycles p JOIN drivers d ON d.id = p.change_id WHERE p.id = $1 AND p.team_id = $2 AND p.collaborative_id = $3`,
		id, teamID, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find pdsa %d: %w", id, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find pdsa %d: %w", id, err)
	}
	return p, nil
}
