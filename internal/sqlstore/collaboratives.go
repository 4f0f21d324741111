package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
)

const collabCols = `id, name, aim, start_date, end_date, status, required_roles, allow_single_person, min_reps, hours_min, hours_max, created_at,
	community_roles, meetings_commitment, team_names_to`

func scanCollab(row interface{ Scan(...any) error }) (*collab.Collaborative, error) {
	var c collab.Collaborative
	var roles, community, names string
	var created Time
	err := row.Scan(&c.ID, &c.Name, &c.Aim, &c.StartDate, &c.EndDate, &c.Status, &roles,
		&c.Policy.AllowSinglePerson, &c.Policy.MinRepsPerMeeting, &c.Policy.HoursMin, &c.Policy.HoursMax, &created,
		&community, &c.Policy.MeetingsCommitment, &names)
	if err != nil {
		return nil, err
	}
	c.CreatedAt = created.Time
	c.Policy.RequiredRoles = splitRoles(roles)
	c.Policy.CommunityRoles = splitRoles(community)
	for _, r := range strings.Split(names, ",") {
		if r != "" {
			c.TeamNamesTo = append(c.TeamNamesTo, collab.CollabRole(r))
		}
	}
	return &c, nil
}

func splitRoles(s string) []collab.TeamRole {
	var out []collab.TeamRole
	for _, r := range strings.Split(s, ",") {
		if r != "" {
			out = append(out, collab.TeamRole(r))
		}
	}
	return out
}

func joinCollabRoles(rs []collab.CollabRole) string {
	ss := make([]string, len(rs))
	for i, r := range rs {
		ss[i] = string(r)
	}
	return strings.Join(ss, ",")
}

func joinRoles(rs []collab.TeamRole) string {
	ss := make([]string, len(rs))
	for i, r := range rs {
		ss[i] = string(r)
	}
	return strings.Join(ss, ",")
}

// CreateCollaborative stores a new collaborative with the given criteria
// (seed 000's by default) and makes convenerID (if not 0) its convener.
func (db *DB) CreateCollaborative(ctx context.Context, who collab.Who, c *collab.Collaborative, criteria []string, convenerID int64) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if criteria == nil {
		criteria = collab.DefaultCriteria
	}
	c.CreatedAt = db.Now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		p := c.Policy
		err := tx.QueryRowContext(ctx, `INSERT INTO collaboratives (name, aim, start_date, end_date, status, required_roles, allow_single_person, min_reps, hours_min, hours_max, created_at,
			community_roles, meetings_commitment, team_names_to)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
			c.Name, c.Aim, c.StartDate, c.EndDate, c.Status, joinRoles(p.RequiredRoles), p.AllowSinglePerson, p.MinRepsPerMeeting, p.HoursMin, p.HoursMax, ts(c.CreatedAt),
			joinRoles(p.CommunityRoles), p.MeetingsCommitment, joinCollabRoles(c.TeamNamesTo)).Scan(&c.ID)
		if err != nil {
			return fmt.Errorf("create collaborative: %w", err)
		}
		if err := db.replaceCriteria(ctx, tx, c.ID, criteria); err != nil {
			return err
		}
		if convenerID != 0 {
			if err := db.addCollabRole(ctx, tx, c.ID, convenerID, collab.RoleConvener); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, who, c.ID, "collaborative.create", fmt.Sprint("collaborative:", c.ID), db.created(ctx, tx, "collaboratives", c.ID))
	})
}

func (db *DB) replaceCriteria(ctx context.Context, tx *sql.Tx, collabID int64, criteria []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM criteria WHERE collaborative_id = $1`, collabID); err != nil {
		return fmt.Errorf("replace criteria: %w", err)
	}
	pos := 0
	for _, text := range criteria {
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		pos++
		if _, err := tx.ExecContext(ctx, `INSERT INTO criteria (collaborative_id, position, text) VALUES ($1, $2, $3)`, collabID, pos, text); err != nil {
			return fmt.Errorf("add criterion: %w", err)
		}
	}
	return nil
}

// UpdateCollaborative saves a collaborative's settings and criteria.
func (db *DB) UpdateCollaborative(ctx context.Context, who collab.Who, c *collab.Collaborative, criteria []string) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := scanCollab(tx.QueryRowContext(ctx, `SELECT `+collabCols+` FROM collaboratives WHERE id = $1`, c.ID))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("update collaborative %d: %w", c.ID, collab.ErrNotFound)
		}
		if err != nil {
			return fmt.Errorf("update collaborative %d: %w", c.ID, err)
		}
		p := c.Policy
		res, err := tx.ExecContext(ctx, `UPDATE collaboratives SET name = $1, aim = $2, start_date = $3, end_date = $4, status = $5, required_roles = $6,
			allow_single_person = $7, min_reps = $8, hours_min = $9, hours_max = $10,
			community_roles = $12, meetings_commitment = $13, team_names_to = $14 WHERE id = $11`,
			c.Name, c.Aim, c.StartDate, c.EndDate, c.Status, joinRoles(p.RequiredRoles), p.AllowSinglePerson, p.MinRepsPerMeeting, p.HoursMin, p.HoursMax, c.ID,
			joinRoles(p.CommunityRoles), p.MeetingsCommitment, joinCollabRoles(c.TeamNamesTo))
		if err != nil {
			return fmt.Errorf("update collaborative %d: %w", c.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("update collaborative %d: %w", c.ID, collab.ErrNotFound)
		}
		if criteria != nil {
			if err := db.replaceCriteria(ctx, tx, c.ID, criteria); err != nil {
				return err
			}
		}
		return db.audit(ctx, tx, who, c.ID, "collaborative.update", fmt.Sprint("collaborative:", c.ID), changes(collabFields(old), collabFields(c)))
	})
}

// FindCollaborative returns one collaborative.
func (db *DB) FindCollaborative(ctx context.Context, id int64) (*collab.Collaborative, error) {
	c, err := scanCollab(db.read.QueryRowContext(ctx, `SELECT `+collabCols+` FROM collaboratives WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find collaborative %d: %w", id, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find collaborative %d: %w", id, err)
	}
	return c, nil
}

// Collaboratives lists the collaboratives an actor has a place in (all of
// them for a site admin).
func (db *DB) Collaboratives(ctx context.Context, a *collab.Actor) ([]*collab.Collaborative, error) {
	q := `SELECT ` + collabCols + ` FROM collaboratives ORDER BY start_date DESC, id`
	var args []any
	if !a.SiteAdmin {
		q = `SELECT ` + collabCols + ` FROM collaboratives WHERE id IN (
			SELECT collaborative_id FROM collab_roles WHERE user_id = $1
			UNION SELECT t.collaborative_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = $1)
			ORDER BY start_date DESC, id`
		args = append(args, a.UserID)
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list collaboratives: %w", err)
	}
	defer rows.Close()
	var out []*collab.Collaborative
	for rows.Next() {
		c, err := scanCollab(rows)
		if err != nil {
			return nil, fmt.Errorf("list collaboratives: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Criteria lists a collaborative's membership criteria in order.
func (db *DB) Criteria(ctx context.Context, collabID int64) ([]collab.Criterion, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, collaborative_id, position, text FROM criteria WHERE collaborative_id = $1 ORDER BY position`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list criteria: %w", err)
	}
	defer rows.Close()
	var out []collab.Criterion
	for rows.Next() {
		var c collab.Criterion
		if err := rows.Scan(&c.ID, &c.CollaborativeID, &c.Position, &c.Text); err != nil {
			return nil, fmt.Errorf("list criteria: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Stats computes a collaborative's aggregates.
func (db *DB) Stats(ctx context.Context, c *collab.Collaborative) (collab.CollaborativeStats, error) {
	var s collab.CollaborativeStats
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM teams WHERE collaborative_id = $1),
		(SELECT COUNT(*) FROM teams WHERE collaborative_id = $1 AND active),
		(SELECT COUNT(*) FROM (SELECT user_id FROM collab_roles WHERE collaborative_id = $1
			UNION SELECT m.user_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE t.collaborative_id = $1) p),
		(SELECT COUNT(*) FROM applications WHERE collaborative_id = $1 AND status = 'pending'),
		(SELECT COUNT(*) FROM partners WHERE collaborative_id = $1)`, c.ID).
		Scan(&s.Teams, &s.ActiveTeams, &s.People, &s.PendingApplications, &s.Partners)
	if err != nil {
		return s, fmt.Errorf("collaborative stats: %w", err)
	}
	// Only the columns MissingRoles needs: this runs on every overview.
	rows, err := db.read.QueryContext(ctx, `SELECT t.id, t.kind, t.single_person, COALESCE(m.role, '') FROM teams t
		LEFT JOIN team_members m ON m.team_id = t.id WHERE t.collaborative_id = $1 AND t.active ORDER BY t.id`, c.ID)
	if err != nil {
		return s, fmt.Errorf("collaborative stats: %w", err)
	}
	defer rows.Close()
	var cur collab.Team
	flush := func() {
		if cur.ID != 0 && len(cur.MissingRoles(c.Policy)) > 0 {
			s.TeamsMissingRoles++
		}
	}
	for rows.Next() {
		var id int64
		var kind collab.TeamKind
		var single bool
		var role collab.TeamRole
		if err := rows.Scan(&id, &kind, &single, &role); err != nil {
			return s, fmt.Errorf("collaborative stats: %w", err)
		}
		if id != cur.ID {
			flush()
			cur = collab.Team{ID: id, Kind: kind, SinglePerson: single, Members: cur.Members[:0]}
		}
		if role != "" {
			cur.Members = append(cur.Members, collab.Member{Role: role})
		}
	}
	flush()
	if err := rows.Err(); err != nil {
		return s, fmt.Errorf("collaborative stats: %w", err)
	}
	return s, nil
}

func (db *DB) addCollabRole(ctx context.Context, tx *sql.Tx, collabID, userID int64, r collab.CollabRole) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO collab_roles (collaborative_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, collabID, userID, r)
	if err != nil {
		return fmt.Errorf("add role %s: %w", r, err)
	}
	return nil
}

// AddCollabRole gives a person a staff role in a collaborative.
func (db *DB) AddCollabRole(ctx context.Context, who collab.Who, collabID, userID int64, r collab.CollabRole) error {
	if !r.Valid() {
		return &collab.ValidationError{Fields: map[string]string{"role": "error.invalid_choice"}}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.addCollabRole(ctx, tx, collabID, userID, r); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, collabID, "role.grant", fmt.Sprint("user:", userID), string(r))
	})
}

// RemoveCollabRole takes a staff role away.
func (db *DB) RemoveCollabRole(ctx context.Context, who collab.Who, collabID, userID int64, r collab.CollabRole) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM collab_roles WHERE collaborative_id = $1 AND user_id = $2 AND role = $3`, collabID, userID, r)
		if err != nil {
			return fmt.Errorf("remove role: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("remove role: %w", collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "role.revoke", fmt.Sprint("user:", userID), string(r))
	})
}

// People lists everyone with a place in a collaborative.
func (db *DB) People(ctx context.Context, collabID int64) ([]*collab.Person, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT u.id, u.name, u.email, r.role, 0, '', '' FROM collab_roles r JOIN users u ON u.id = r.user_id WHERE r.collaborative_id = $1
		UNION ALL
		SELECT u.id, u.name, u.email, '', t.id, t.name, m.role FROM team_members m JOIN teams t ON t.id = m.team_id JOIN users u ON u.id = m.user_id WHERE t.collaborative_id = $1
		ORDER BY 2, 1, 6`, collabID)
	if err != nil {
		return nil, fmt.Errorf("list people: %w", err)
	}
	defer rows.Close()
	var out []*collab.Person
	byID := map[int64]*collab.Person{}
	for rows.Next() {
		var id, teamID int64
		var name, email, role, teamName, teamRole string
		if err := rows.Scan(&id, &name, &email, &role, &teamID, &teamName, &teamRole); err != nil {
			return nil, fmt.Errorf("list people: %w", err)
		}
		p := byID[id]
		if p == nil {
			p = &collab.Person{UserID: id, Name: name, Email: email}
			byID[id] = p
			out = append(out, p)
		}
		if role != "" {
			p.Roles = append(p.Roles, collab.CollabRole(role))
		}
		if teamID != 0 {
			p.Teams = append(p.Teams, collab.PersonTeam{TeamID: teamID, TeamName: teamName, Role: collab.TeamRole(teamRole)})
		}
	}
	return out, rows.Err()
}

// collabFields are a collaborative's settings as the audit log shows them.
func collabFields(c *collab.Collaborative) map[string]any {
	p := c.Policy
	return map[string]any{"name": c.Name, "aim": c.Aim, "startDate": c.StartDate.String(), "endDate": c.EndDate.String(), "status": c.Status,
		"requiredRoles": joinRoles(p.RequiredRoles), "allowSinglePerson": p.AllowSinglePerson, "minReps": p.MinRepsPerMeeting,
		"hoursMin": p.HoursMin, "hoursMax": p.HoursMax, "communityRoles": joinRoles(p.CommunityRoles), "meetingsCommitment": p.MeetingsCommitment,
		"teamNamesTo": joinCollabRoles(c.TeamNamesTo)}
}
