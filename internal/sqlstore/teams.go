package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goeswell/goeswell/internal/collab"
)

const teamCols = `t.id, t.collaborative_id, t.name, t.kind, t.focus, t.single_person, t.active, t.created_at, t.joined_on,
	COALESCE(o.id, 0), COALESCE(o.name, ''), COALESCE(o.region, ''), COALESCE(o.sector, ''), COALESCE(o.size, 'medium')`

const teamFrom = ` FROM teams t LEFT JOIN organizations o ON o.id = t.org_id`

// scanTeam reads teamCols, then any further columns into extra.
func scanTeam(row interface{ Scan(...any) error }, extra ...any) (*collab.Team, error) {
	var t collab.Team
	var created Time
	err := row.Scan(append([]any{&t.ID, &t.CollaborativeID, &t.Name, &t.Kind, &t.Focus, &t.SinglePerson, &t.Active, &created, &t.JoinedOn,
		&t.Org.ID, &t.Org.Name, &t.Org.Region, &t.Org.Sector, &t.Org.Size}, extra...)...)
	if err != nil {
		return nil, err
	}
	t.CreatedAt = created.Time
	return &t, nil
}

func (db *DB) createOrg(ctx context.Context, tx *sql.Tx, o *collab.Organization) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO organizations (name, region, sector, size) VALUES ($1, $2, $3, $4) RETURNING id`,
		o.Name, o.Region, o.Sector, o.Size).Scan(&o.ID)
	if err != nil {
		return fmt.Errorf("create organization: %w", err)
	}
	return nil
}

// CreateTeam adds a team to a collaborative; a team of kind organization
// gets its organization created from t.Org.
func (db *DB) CreateTeam(ctx context.Context, who collab.Who, t *collab.Team) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error { return db.createTeam(ctx, tx, who, t) })
}

func (db *DB) createTeam(ctx context.Context, tx *sql.Tx, who collab.Who, t *collab.Team) error {
	if t.Org.Name != "" && t.Org.ID == 0 {
		if err := t.Org.Validate(); err != nil {
			return err
		}
		if err := db.createOrg(ctx, tx, &t.Org); err != nil {
			return err
		}
	}
	t.CreatedAt = db.Now()
	t.Active = true
	err := tx.QueryRowContext(ctx, `INSERT INTO teams (collaborative_id, org_id, name, kind, focus, single_person, active, created_at, joined_on)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		t.CollaborativeID, nullID(t.Org.ID), t.Name, t.Kind, t.Focus, t.SinglePerson, t.Active, ts(t.CreatedAt), t.JoinedOn).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("create team: %w", err)
	}
	return db.audit(ctx, tx, who, t.CollaborativeID, "team.create", fmt.Sprint("team:", t.ID), db.created(ctx, tx, "teams", t.ID))
}

// FindTeam returns a team of a collaborative, with its members. A team of
// another collaborative is ErrNotFound: scope is part of the lookup.
func (db *DB) FindTeam(ctx context.Context, collabID, teamID int64) (*collab.Team, error) {
	// The team and its members in one query, a row per member (one row
	// of NULLs for a team without members): every team page and team
	// API call loads its team first, so this is a round trip saved on
	// each of them.
	rows, err := db.read.QueryContext(ctx, `SELECT `+teamCols+`, m.user_id, u.name, u.email, m.role`+teamFrom+`
		LEFT JOIN team_members m ON m.team_id = t.id LEFT JOIN users u ON u.id = m.user_id
		WHERE t.id = $1 AND t.collaborative_id = $2`+membersOrder, teamID, collabID)
	if err != nil {
		return nil, fmt.Errorf("find team %d: %w", teamID, err)
	}
	defer rows.Close()
	var t *collab.Team
	for rows.Next() {
		var uid sql.NullInt64
		var name, email, role sql.NullString
		row, err := scanTeam(rows, &uid, &name, &email, &role)
		if err != nil {
			return nil, fmt.Errorf("find team %d: %w", teamID, err)
		}
		if t == nil {
			t = row
		}
		if uid.Valid {
			t.Members = append(t.Members, collab.Member{TeamID: t.ID, UserID: uid.Int64, Name: name.String, Email: email.String, Role: collab.TeamRole(role.String)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find team %d: %w", teamID, err)
	}
	if t == nil {
		return nil, fmt.Errorf("find team %d: %w", teamID, collab.ErrNotFound)
	}
	return t, nil
}

// TeamCollaborative returns the collaborative a team belongs to.
func (db *DB) TeamCollaborative(ctx context.Context, teamID int64) (int64, error) {
	var c int64
	err := db.read.QueryRowContext(ctx, `SELECT collaborative_id FROM teams WHERE id = $1`, teamID).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("find team %d: %w", teamID, collab.ErrNotFound)
	}
	return c, err
}

// members lists the members of every team of a collaborative (FindTeam
// reads one team's with the team).
func (db *DB) members(ctx context.Context, collabID int64) ([]collab.Member, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT m.team_id, m.user_id, u.name, u.email, m.role FROM team_members m JOIN users u ON u.id = m.user_id
		JOIN teams t ON t.id = m.team_id WHERE t.collaborative_id = $1`+membersOrder, collabID)
	return scanMembers(rows, err)
}

// membersOf lists the members of some teams of a collaborative, in the
// order members gives.
func (db *DB) membersOf(ctx context.Context, collabID int64, teams []*collab.Team) ([]collab.Member, error) {
	if len(teams) == 0 {
		return nil, nil
	}
	args := []any{collabID}
	ids := make([]int64, len(teams))
	for i, t := range teams {
		ids[i] = t.ID
	}
	// #nosec G202 -- numbered placeholders only; the ids are bound.
	rows, err := db.read.QueryContext(ctx, `SELECT m.team_id, m.user_id, u.name, u.email, m.role FROM team_members m JOIN users u ON u.id = m.user_id
		JOIN teams t ON t.id = m.team_id WHERE t.collaborative_id = $1 AND m.team_id IN (`+inList(&args, ids)+`)`+membersOrder, args...)
	return scanMembers(rows, err)
}

// scanMembers reads the rows of a members query (team_id, user_id, name,
// email, role), closing them.
func scanMembers(rows *sql.Rows, err error) ([]collab.Member, error) {
	if err != nil {
		return nil, fmt.Errorf("list members: %w", err)
	}
	defer rows.Close()
	var out []collab.Member
	for rows.Next() {
		var m collab.Member
		if err := rows.Scan(&m.TeamID, &m.UserID, &m.Name, &m.Email, &m.Role); err != nil {
			return nil, fmt.Errorf("list members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

const membersOrder = ` ORDER BY m.team_id, CASE m.role WHEN 'director' THEN 0 WHEN 'lead' THEN 0 WHEN 'direct_service' THEN 1 ELSE 2 END, u.name`

// TeamFilter selects teams.
type TeamFilter struct {
	WithMembers bool
	// Query matches team or organization names (case-insensitive).
	Query string
	// Limit, if not 0, returns one page of teams from Offset on: a view
	// of a thousand teams draws one page at a time.
	Limit, Offset int
}

// Teams lists a collaborative's teams by name.
func (db *DB) Teams(ctx context.Context, collabID int64, f TeamFilter) ([]*collab.Team, error) {
	q := `SELECT ` + teamCols + teamFrom + ` WHERE t.collaborative_id = $1`
	args := []any{collabID}
	if f.Query != "" {
		q += ` AND (LOWER(t.name) LIKE $2 OR LOWER(COALESCE(o.name, '')) LIKE $2)`
		args = append(args, "%"+likeEscape(f.Query)+"%")
	}
	q += ` ORDER BY t.name, t.id`
	if f.Limit > 0 {
		args = append(args, f.Limit, f.Offset)
		// #nosec G202 -- numbered placeholders only; the values are bound.
		q += fmt.Sprintf(` LIMIT $%d OFFSET $%d`, len(args)-1, len(args))
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	defer rows.Close()
	var out []*collab.Team
	byID := map[int64]*collab.Team{}
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, fmt.Errorf("list teams: %w", err)
		}
		out = append(out, t)
		byID[t.ID] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list teams: %w", err)
	}
	if f.WithMembers {
		var ms []collab.Member
		var err error
		if f.Limit > 0 {
			// A page of teams reads its own teams' members only.
			ms, err = db.membersOf(ctx, collabID, out)
		} else {
			ms, err = db.members(ctx, collabID)
		}
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if t := byID[m.TeamID]; t != nil {
				t.Members = append(t.Members, m)
			}
		}
	}
	return out, nil
}

// CountTeams counts a collaborative's teams.
func (db *DB) CountTeams(ctx context.Context, collabID int64) (int, error) {
	return db.CountTeamsMatching(ctx, collabID, "")
}

// CountTeamsMatching counts the teams whose team or organization name
// contains query (all of them when it is empty), as Teams finds them:
// the number of pages of a paged list.
func (db *DB) CountTeamsMatching(ctx context.Context, collabID int64, query string) (int, error) {
	q := `SELECT COUNT(*) FROM teams t WHERE t.collaborative_id = $1`
	args := []any{collabID}
	if query != "" {
		q = `SELECT COUNT(*) ` + teamFrom + ` WHERE t.collaborative_id = $1 AND (LOWER(t.name) LIKE $2 OR LOWER(COALESCE(o.name, '')) LIKE $2)`
		args = append(args, "%"+likeEscape(query)+"%")
	}
	var n int
	if err := db.read.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count teams: %w", err)
	}
	return n, nil
}

func likeEscape(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch r {
		case '%', '_':
			continue // a search for "50%" still finds "50"; wildcards are not ours to pass on
		}
		out = append(out, r)
	}
	return strings.ToLower(string(out))
}

// TeamUpdate holds a team's editable fields.
type TeamUpdate struct {
	Name         *string
	Focus        *string
	SinglePerson *bool
	Active       *bool
	// JoinedOn sets the day the team joined; a zero date goes back to the
	// day it was created.
	JoinedOn *collab.Date
}

// UpdateTeam edits a team of a collaborative.
func (db *DB) UpdateTeam(ctx context.Context, who collab.Who, collabID, teamID int64, up TeamUpdate) (*collab.Team, error) {
	t, err := db.FindTeam(ctx, collabID, teamID)
	if err != nil {
		return nil, err
	}
	before := teamFields(t)
	if up.Name != nil {
		t.Name = *up.Name
	}
	if up.Focus != nil {
		t.Focus = *up.Focus
	}
	if up.SinglePerson != nil {
		t.SinglePerson = *up.SinglePerson
	}
	if up.Active != nil {
		t.Active = *up.Active
	}
	if up.JoinedOn != nil {
		t.JoinedOn = *up.JoinedOn
	}
	if err := t.Validate(); err != nil {
		return t, err
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE teams SET name = $1, focus = $2, single_person = $3, active = $4, joined_on = $7 WHERE id = $5 AND collaborative_id = $6`,
			t.Name, t.Focus, t.SinglePerson, t.Active, teamID, collabID, t.JoinedOn); err != nil {
			return fmt.Errorf("update team %d: %w", teamID, err)
		}
		return db.audit(ctx, tx, who, collabID, "team.update", fmt.Sprint("team:", teamID), changes(before, teamFields(t)))
	})
	return t, err
}

func teamFields(t *collab.Team) map[string]any {
	return map[string]any{"name": t.Name, "focus": t.Focus, "singlePerson": t.SinglePerson, "active": t.Active, "joinedOn": t.JoinedOn.String()}
}

func (db *DB) setMember(ctx context.Context, tx *sql.Tx, who collab.Who, collabID, teamID, userID int64, r collab.TeamRole) error {
	if !r.Valid() {
		return &collab.ValidationError{Fields: map[string]string{"role": "error.invalid_choice"}}
	}
	var old string
	err := tx.QueryRowContext(ctx, `SELECT role FROM team_members WHERE team_id = $1 AND user_id = $2`, teamID, userID).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("set member: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role`, teamID, userID, r)
	if err != nil {
		return fmt.Errorf("set member: %w", err)
	}
	return db.audit(ctx, tx, who, collabID, "role.designate", fmt.Sprintf("team:%d user:%d", teamID, userID), changes(map[string]any{"role": old}, map[string]any{"role": r}))
}

// SetMemberRole designates a team member's role.
func (db *DB) SetMemberRole(ctx context.Context, who collab.Who, collabID, teamID, userID int64, r collab.TeamRole) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.team_id = $1 AND m.user_id = $2 AND t.collaborative_id = $3`,
			teamID, userID, collabID).Scan(&n); err != nil {
			return fmt.Errorf("find member: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("set member role: %w", collab.ErrNotFound)
		}
		return db.setMember(ctx, tx, who, collabID, teamID, userID, r)
	})
}

// RemoveMember takes a person off a team.
func (db *DB) RemoveMember(ctx context.Context, who collab.Who, collabID, teamID, userID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var role string
		_ = tx.QueryRowContext(ctx, `SELECT role FROM team_members WHERE team_id = $1 AND user_id = $2`, teamID, userID).Scan(&role)
		res, err := tx.ExecContext(ctx, `DELETE FROM team_members WHERE team_id = $1 AND user_id = $2
			AND team_id IN (SELECT id FROM teams WHERE collaborative_id = $3)`, teamID, userID, collabID)
		if err != nil {
			return fmt.Errorf("remove member: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("remove member: %w", collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "member.remove", fmt.Sprintf("team:%d user:%d", teamID, userID), detail(map[string][2]any{"role": {role, nil}}))
	})
}

// AddMember puts an existing account on a team with a role.
func (db *DB) AddMember(ctx context.Context, who collab.Who, collabID, teamID, userID int64, r collab.TeamRole) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return db.setMember(ctx, tx, who, collabID, teamID, userID, r) })
}

// SetTeamJoined records when a team joined the collaborative, for a cohort
// brought in after it began (the demo, a migration from another tool): the
// reports a team owes start from the month it joined.
func (db *DB) SetTeamJoined(ctx context.Context, who collab.Who, collabID, teamID int64, at time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "teams", teamID)
		res, err := tx.ExecContext(ctx, `UPDATE teams SET created_at = $1 WHERE id = $2 AND collaborative_id = $3`, ts(at), teamID, collabID)
		if err != nil {
			return fmt.Errorf("set team %d joined: %w", teamID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("set team %d joined: %w", teamID, collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "team.joined", fmt.Sprint("team:", teamID), db.diffSince(ctx, tx, "teams", teamID, before))
	})
}
