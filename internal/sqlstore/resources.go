package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/goeswell/goeswell/internal/collab"
	"github.com/goeswell/goeswell/internal/learning"
)

// ResourceFilter selects library entries.
type ResourceFilter struct {
	// Query matches title and description (case-insensitive).
	Query  string
	Kind   learning.ResourceKind
	Domain string
	Node   string
	// TeamID keeps the resources that team used.
	TeamID int64
}

const resourceCols = `r.id, r.collaborative_id, r.kind, r.title, r.description, r.url, r.file_name, r.file_key, r.file_type, r.file_size, COALESCE(r.created_by, 0), r.created_at`

func scanResource(row interface{ Scan(...any) error }) (*learning.Resource, error) {
	var r learning.Resource
	var at Time
	if err := row.Scan(&r.ID, &r.CollaborativeID, &r.Kind, &r.Title, &r.Description, &r.URL, &r.FileName, &r.FileKey, &r.FileType, &r.FileSize, &r.CreatedBy, &at); err != nil {
		return nil, err
	}
	r.CreatedAt = at.Time
	return &r, nil
}

// CreateResource adds a resource (its file already stored under FileKey)
// with its tags.
func (db *DB) CreateResource(ctx context.Context, who collab.Who, r *learning.Resource, knownNode func(string) bool) error {
	if err := r.Validate(knownNode); err != nil {
		return err
	}
	r.CreatedAt, r.CreatedBy = db.Now(), who.UserID
	return db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO resources (collaborative_id, kind, title, description, url, file_name, file_key, file_type, file_size, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			r.CollaborativeID, r.Kind, r.Title, r.Description, r.URL, r.FileName, r.FileKey, r.FileType, r.FileSize, nullID(r.CreatedBy), ts(r.CreatedAt)).Scan(&r.ID)
		if err != nil {
			return fmt.Errorf("create resource: %w", err)
		}
		if err := db.setResourceTags(ctx, tx, r); err != nil {
			return err
		}
		return db.audit(ctx, tx, who, r.CollaborativeID, "resource.create", fmt.Sprint("resource:", r.ID), db.created(ctx, tx, "resources", r.ID))
	})
}

func (db *DB) setResourceTags(ctx context.Context, tx *sql.Tx, r *learning.Resource) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM resource_tags WHERE resource_id = $1`, r.ID); err != nil {
		return fmt.Errorf("set resource tags: %w", err)
	}
	for kind, vals := range map[string][]string{"node": r.Nodes, "domain": r.Domains} {
		for _, v := range dedupe(vals) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO resource_tags (resource_id, kind, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, r.ID, kind, v); err != nil {
				return fmt.Errorf("set resource tags: %w", err)
			}
		}
	}
	return nil
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// FindResource returns a resource of a collaborative with its tags and
// uses; one of another collaborative is ErrNotFound.
func (db *DB) FindResource(ctx context.Context, collabID, id int64) (*learning.Resource, error) {
	r, err := scanResource(db.read.QueryRowContext(ctx, `SELECT `+resourceCols+` FROM resources r WHERE r.id = $1 AND r.collaborative_id = $2`, id, collabID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find resource %d: %w", id, collab.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("find resource %d: %w", id, err)
	}
	if err := db.resourceDetails(ctx, collabID, map[int64]*learning.Resource{r.ID: r}); err != nil {
		return nil, err
	}
	return r, nil
}

// Resources lists a collaborative's library by title.
func (db *DB) Resources(ctx context.Context, collabID int64, f ResourceFilter) ([]*learning.Resource, error) {
	q := `SELECT ` + resourceCols + ` FROM resources r WHERE r.collaborative_id = $1`
	args := []any{collabID}
	add := func(cond string, v any) {
		args = append(args, v)
		q += fmt.Sprintf(" AND "+cond, len(args))
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		add(`(LOWER(r.title) LIKE $%[1]d OR LOWER(r.description) LIKE $%[1]d)`, "%"+likeEscape(s)+"%")
	}
	if f.Kind != "" {
		add(`r.kind = $%d`, f.Kind)
	}
	if f.Domain != "" {
		add(`r.id IN (SELECT resource_id FROM resource_tags WHERE kind = 'domain' AND value = $%d)`, f.Domain)
	}
	if f.Node != "" {
		add(`r.id IN (SELECT resource_id FROM resource_tags WHERE kind = 'node' AND value = $%d)`, f.Node)
	}
	if f.TeamID != 0 {
		add(`r.id IN (SELECT resource_id FROM resource_uses WHERE team_id = $%d)`, f.TeamID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY LOWER(r.title), r.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list resources: %w", err)
	}
	defer rows.Close()
	var out []*learning.Resource
	byID := map[int64]*learning.Resource{}
	for rows.Next() {
		r, err := scanResource(rows)
		if err != nil {
			return nil, fmt.Errorf("list resources: %w", err)
		}
		out = append(out, r)
		byID[r.ID] = r
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list resources: %w", err)
	}
	return out, db.resourceDetails(ctx, collabID, byID)
}

// resourceDetails loads tags and uses of the resources in byID.
func (db *DB) resourceDetails(ctx context.Context, collabID int64, byID map[int64]*learning.Resource) error {
	if len(byID) == 0 {
		return nil
	}
	rows, err := db.read.QueryContext(ctx, `SELECT g.resource_id, g.kind, g.value FROM resource_tags g JOIN resources r ON r.id = g.resource_id
		WHERE r.collaborative_id = $1 ORDER BY g.resource_id, g.kind, g.value`, collabID)
	if err != nil {
		return fmt.Errorf("list resource tags: %w", err)
	}
	for rows.Next() {
		var id int64
		var kind, val string
		if err := rows.Scan(&id, &kind, &val); err != nil {
			rows.Close()
			return fmt.Errorf("list resource tags: %w", err)
		}
		if r := byID[id]; r != nil {
			if kind == "node" {
				r.Nodes = append(r.Nodes, val)
			} else {
				r.Domains = append(r.Domains, val)
			}
		}
	}
	rows.Close()
	uses, err := db.resourceUses(ctx, collabID, 0)
	if err != nil {
		return err
	}
	for _, u := range uses {
		if r := byID[u.ResourceID]; r != nil {
			r.Uses = append(r.Uses, u)
		}
	}
	return nil
}

// resourceUses lists the uses in a collaborative, or of one team.
func (db *DB) resourceUses(ctx context.Context, collabID, teamID int64) ([]learning.ResourceUse, error) {
	q := `SELECT x.resource_id, x.team_id, t.name, x.note, COALESCE(x.marked_by, 0), x.marked_at FROM resource_uses x
		JOIN teams t ON t.id = x.team_id JOIN resources r ON r.id = x.resource_id WHERE r.collaborative_id = $1`
	args := []any{collabID}
	if teamID != 0 {
		q += ` AND x.team_id = $2`
		args = append(args, teamID)
	}
	rows, err := db.read.QueryContext(ctx, q+` ORDER BY t.name, x.resource_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list resource uses: %w", err)
	}
	defer rows.Close()
	var out []learning.ResourceUse
	for rows.Next() {
		var u learning.ResourceUse
		var at Time
		if err := rows.Scan(&u.ResourceID, &u.TeamID, &u.TeamName, &u.Note, &u.MarkedBy, &at); err != nil {
			return nil, fmt.Errorf("list resource uses: %w", err)
		}
		u.MarkedAt = at.Time
		out = append(out, u)
	}
	return out, rows.Err()
}

// MarkResourceUsed records that a team used a resource, with a note; marking
// again updates the note.
func (db *DB) MarkResourceUsed(ctx context.Context, who collab.Who, collabID, teamID, resourceID int64, note string) error {
	note = strings.TrimSpace(note)
	if v := collab.NewValidation(); v.Length("note", note, 4000) {
		return v.Err()
	}
	if _, err := db.FindResource(ctx, collabID, resourceID); err != nil {
		return err
	}
	if _, err := db.FindTeam(ctx, collabID, teamID); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var was any
		var old string
		if tx.QueryRowContext(ctx, `SELECT note FROM resource_uses WHERE resource_id = $1 AND team_id = $2`, resourceID, teamID).Scan(&old) == nil {
			was = map[string]any{"used": true, "note": short(old)}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO resource_uses (resource_id, team_id, note, marked_by, marked_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (resource_id, team_id) DO UPDATE SET note = excluded.note, marked_by = excluded.marked_by, marked_at = excluded.marked_at`,
			resourceID, teamID, note, nullID(who.UserID), ts(db.Now()))
		if err != nil {
			return fmt.Errorf("mark resource used: %w", err)
		}
		return db.audit(ctx, tx, who, collabID, "resource.use", fmt.Sprintf("resource:%d team:%d", resourceID, teamID),
			detail(map[string][2]any{"use": {was, map[string]any{"used": true, "note": short(note)}}}))
	})
}

// UnmarkResourceUsed removes a team's mark.
func (db *DB) UnmarkResourceUsed(ctx context.Context, who collab.Who, collabID, teamID, resourceID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var old string
		_ = tx.QueryRowContext(ctx, `SELECT note FROM resource_uses WHERE resource_id = $1 AND team_id = $2`, resourceID, teamID).Scan(&old)
		res, err := tx.ExecContext(ctx, `DELETE FROM resource_uses WHERE resource_id = $1 AND team_id = $2
			AND resource_id IN (SELECT id FROM resources WHERE collaborative_id = $3)`, resourceID, teamID, collabID)
		if err != nil {
			return fmt.Errorf("unmark resource: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("unmark resource: %w", collab.ErrNotFound)
		}
		return db.audit(ctx, tx, who, collabID, "resource.unuse", fmt.Sprintf("resource:%d team:%d", resourceID, teamID),
			detail(map[string][2]any{"use": {map[string]any{"used": true, "note": short(old)}, nil}}))
	})
}

// DeleteResource removes a resource and returns it, so the caller can
// remove its stored file after the commit.
func (db *DB) DeleteResource(ctx context.Context, who collab.Who, collabID, id int64) (*learning.Resource, error) {
	r, err := db.FindResource(ctx, collabID, id)
	if err != nil {
		return nil, err
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		before := db.snapshot(ctx, tx, "resources", id)
		if _, err := tx.ExecContext(ctx, `DELETE FROM resources WHERE id = $1 AND collaborative_id = $2`, id, collabID); err != nil {
			return fmt.Errorf("delete resource %d: %w", id, err)
		}
		return db.audit(ctx, tx, who, collabID, "resource.delete", fmt.Sprint("resource:", id), removed(before))
	})
	return r, err
}
