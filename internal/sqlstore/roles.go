package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/goeswell/goeswell/internal/collab"
)

// Roles as data (migration 00020): a collaborative's program of roles, its
// overrides of the templates' grants and the teams assigned to people in
// roles that read assigned teams.

// RoleSettings is a collaborative's roles: the program it lists and the
// convener's overrides of the templates' grants.
type RoleSettings struct {
	Program   string
	Overrides collab.RoleGrants
}

// RoleSettings reads a collaborative's program and overrides.
func (db *DB) RoleSettings(ctx context.Context, collabID int64) (*RoleSettings, error) {
	rs := &RoleSettings{Program: collab.DefaultProgram, Overrides: collab.RoleGrants{}}
	err := db.read.QueryRowContext(ctx, `SELECT program FROM role_programs WHERE collaborative_id = $1`, collabID).Scan(&rs.Program)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("read role program of collaborative %d: %w", collabID, err)
	}
	rows, err := db.read.QueryContext(ctx, `SELECT role, grants FROM role_grants WHERE collaborative_id = $1`, collabID)
	if err != nil {
		return nil, fmt.Errorf("read role grants of collaborative %d: %w", collabID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r collab.CollabRole
		var g string
		if err := rows.Scan(&r, &g); err != nil {
			return nil, fmt.Errorf("read role grants: %w", err)
		}
		rs.Overrides[r] = collab.ParseGrants(g)
	}
	return rs, rows.Err()
}

// SaveRoleSettings stores a collaborative's program and the grants of the
// roles in grants, audited. A role whose grants equal its template's
// defaults keeps no override, so it follows the template. Each role's
// grants are validated (collab.ValidateGrants); the caller checks that the
// person saving keeps managing (collab.KeepsManaging).
func (db *DB) SaveRoleSettings(ctx context.Context, who collab.Who, collabID int64, program string, grants collab.RoleGrants) error {
	v := collab.NewValidation()
	if !collab.ValidProgram(program) {
		v.Add("program", "error.invalid_choice")
	}
	roles := make([]collab.CollabRole, 0, len(grants))
	for r := range grants {
		roles = append(roles, r)
	}
	slices.Sort(roles)
	for _, r := range roles {
		var fe *collab.ValidationError
		if err := collab.ValidateGrants(r, grants[r]); errors.As(err, &fe) {
			for f, m := range fe.Fields {
				v.Add(f, m)
			}
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var before string
		err := tx.QueryRowContext(ctx, `SELECT program FROM role_programs WHERE collaborative_id = $1`, collabID).Scan(&before)
		if errors.Is(err, sql.ErrNoRows) {
			before = collab.DefaultProgram
		} else if err != nil {
			return fmt.Errorf("read role program: %w", err)
		}
		changes := map[string][2]string{}
		if before != program {
			if _, err := tx.ExecContext(ctx, `INSERT INTO role_programs (collaborative_id, program) VALUES ($1, $2)
				ON CONFLICT (collaborative_id) DO UPDATE SET program = excluded.program`, collabID, program); err != nil {
				return fmt.Errorf("save role program: %w", err)
			}
			changes["program"] = [2]string{before, program}
		}
		for _, r := range roles {
			var old sql.NullString
			err := tx.QueryRowContext(ctx, `SELECT grants FROM role_grants WHERE collaborative_id = $1 AND role = $2`, collabID, r).Scan(&old)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("read grants of %s: %w", r, err)
			}
			was := collab.RoleGrants{}
			if old.Valid {
				was[r] = collab.ParseGrants(old.String)
			}
			now := grants[r]
			if was.Of(r) == now {
				continue
			}
			t, _ := collab.Template(r)
			if now == t.Defaults {
				_, err = tx.ExecContext(ctx, `DELETE FROM role_grants WHERE collaborative_id = $1 AND role = $2`, collabID, r)
			} else {
				_, err = tx.ExecContext(ctx, `INSERT INTO role_grants (collaborative_id, role, grants) VALUES ($1, $2, $3)
					ON CONFLICT (collaborative_id, role) DO UPDATE SET grants = excluded.grants`, collabID, r, now.String())
			}
			if err != nil {
				return fmt.Errorf("save grants of %s: %w", r, err)
			}
			changes[string(r)] = [2]string{was.Of(r).String(), now.String()}
		}
		if len(changes) == 0 {
			return nil
		}
		return db.audit(ctx, tx, who, collabID, "roles.update", fmt.Sprint("collaborative:", collabID), detail(changes))
	})
}

// RoleAssignments lists, per person, the teams they are assigned to in a
// collaborative.
func (db *DB) RoleAssignments(ctx context.Context, collabID int64) (map[int64][]int64, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT user_id, team_id FROM role_teams WHERE collaborative_id = $1 ORDER BY user_id, team_id`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list role assignments: %w", err)
	}
	defer rows.Close()
	out := map[int64][]int64{}
	for rows.Next() {
		var u, t int64
		if err := rows.Scan(&u, &t); err != nil {
			return nil, fmt.Errorf("list role assignments: %w", err)
		}
		out[u] = append(out[u], t)
	}
	return out, rows.Err()
}

// AssignTeams sets the teams a person serves in a collaborative, replacing
// their assignments, audited. The person must hold a role there whose
// scope is assigned teams (an evaluator is collaborative-wide and cannot
// serve one community), and every team must be the collaborative's.
func (db *DB) AssignTeams(ctx context.Context, who collab.Who, collabID, userID int64, teamIDs []int64) error {
	slices.Sort(teamIDs)
	teamIDs = slices.Compact(teamIDs)
	return db.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT role FROM collab_roles WHERE collaborative_id = $1 AND user_id = $2`, collabID, userID)
		if err != nil {
			return fmt.Errorf("read roles of user %d: %w", userID, err)
		}
		assignable := false
		for rows.Next() {
			var r collab.CollabRole
			if err := rows.Scan(&r); err != nil {
				rows.Close()
				return fmt.Errorf("read roles: %w", err)
			}
			if t, ok := collab.Template(r); ok && t.Scope == collab.ScopeAssigned {
				assignable = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("read roles: %w", err)
		}
		if !assignable {
			return &collab.ValidationError{Fields: map[string]string{"teams": "roles.error.not_assignable"}}
		}
		var before []int64
		rows, err = tx.QueryContext(ctx, `SELECT team_id FROM role_teams WHERE collaborative_id = $1 AND user_id = $2 ORDER BY team_id`, collabID, userID)
		if err != nil {
			return fmt.Errorf("read assignments: %w", err)
		}
		for rows.Next() {
			var t int64
			if err := rows.Scan(&t); err != nil {
				rows.Close()
				return fmt.Errorf("read assignments: %w", err)
			}
			before = append(before, t)
		}
		rows.Close()
		if slices.Equal(before, teamIDs) {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM role_teams WHERE collaborative_id = $1 AND user_id = $2`, collabID, userID); err != nil {
			return fmt.Errorf("clear assignments: %w", err)
		}
		for _, t := range teamIDs {
			// The team must be this collaborative's: a team id from
			// elsewhere inserts nothing and is refused.
			res, err := tx.ExecContext(ctx, `INSERT INTO role_teams (collaborative_id, user_id, team_id)
				SELECT $1, $2, id FROM teams WHERE id = $3 AND collaborative_id = $1`, collabID, userID, t)
			if err != nil {
				return fmt.Errorf("assign team %d: %w", t, err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return &collab.ValidationError{Fields: map[string]string{"teams": "error.invalid_choice"}}
			}
		}
		return db.audit(ctx, tx, who, collabID, "roles.assign", fmt.Sprint("user:", userID), detail(map[string][2][]int64{"teams": {before, teamIDs}}))
	})
}
